"""The review window's small dialogs: add a note, override a grade.

Each exposes ``@classmethod ask(...)`` returning plain values (None when cancelled), so
tests monkeypatch ``ask`` instead of blocking on ``exec()``. The author is the trainer who
logged in to the review window (gui/trainer_login.py): shown, never typed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class _Form(QDialog):
    def __init__(self, parent: QWidget | None, title: str, intro: str):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        label = QLabel(intro)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.error = QLabel("")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _problem(self) -> str:
        return ""

    def _try_accept(self) -> None:
        problem = self._problem()
        self.error.setText(problem)
        if not problem:
            self.accept()


def _recorded_as(author: str) -> QLabel:
    """The logged-in trainer the entry is recorded under (not a box to type any name into)."""
    label = QLabel(author)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAccessibleName("Recorded as the trainer logged in")
    return label


_NOT_LOGGED_IN = "Log in as a trainer (File > Trainer review) to record this."


class AnnotationDialog(_Form):
    """A trainer's note on one decision (or on the whole session)."""

    def __init__(self, parent: QWidget | None, about: str, author: str = ""):
        super().__init__(parent, "Add a trainer note", f"Note on: {about}\nThe trainee's record is not changed.")
        self.author = _recorded_as(author)
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Note text")
        self.text.setTabChangesFocus(True)
        self.form.addRow("Recorded as:", self.author)
        self.form.addRow("&Note:", self.text)

    def _problem(self) -> str:
        if not self.author.text().strip():
            return _NOT_LOGGED_IN
        if not self.text.toPlainText().strip():
            return "Write the note before saving it."
        return ""

    @classmethod
    def ask(cls, parent: QWidget | None, about: str, author: str = "") -> tuple[str, str] | None:
        """(author, text), or None if cancelled."""
        dialog = cls(parent, about, author)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.author.text().strip(), dialog.text.toPlainText().strip()


class OverrideDialog(_Form):
    """A trainer's grade for a session, with the required reason."""

    def __init__(self, parent: QWidget | None, grades: list[tuple[str, str]], current: str, author: str = ""):
        super().__init__(parent, "Override the grade",
                         f"The calculated grade is {current}. The original score report is kept; "
                         "the override and its reason are shown beside it.")
        self.grade = QComboBox()
        self.grade.setAccessibleName("New grade")
        for grade_id, label in grades:
            self.grade.addItem(label, grade_id)
        self.reason = QPlainTextEdit()
        self.reason.setAccessibleName("Reason for the override (required)")
        self.reason.setTabChangesFocus(True)
        self.author = _recorded_as(author)
        self.form.addRow("&Grade:", self.grade)
        self.form.addRow("&Reason (required):", self.reason)
        self.form.addRow("Recorded as:", self.author)

    def _problem(self) -> str:
        if not self.reason.toPlainText().strip():
            return "A reason is required: say why the calculated grade does not fit."
        if not self.author.text().strip():
            return _NOT_LOGGED_IN
        return ""

    @classmethod
    def ask(cls, parent: QWidget | None, grades: list[tuple[str, str]], current: str,
            author: str = "") -> tuple[str, str, str] | None:
        """(grade_id, reason, author), or None if cancelled."""
        dialog = cls(parent, grades, current, author)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.grade.currentData(), dialog.reason.toPlainText().strip(), dialog.author.text().strip()

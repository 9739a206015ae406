"""The assessor's marking of one NDM rationale against its rubric, stage by stage.

For each NDM stage the dialog shows what the trainee wrote (plain text: it is untrusted),
the structured parts they chose for that stage, and the rubric criteria to mark ``Met`` or
``Not met``, each with an optional comment. By keyboard: the focus starts on the first
criterion's Met; Space or the arrows mark it, Tab goes to its comment and on to the next
criterion, Enter saves. Every criterion must be marked and the assessor
named before it can be saved; the store then chains the marking and updates the grade
(``SessionStore.mark_rationale``). ``MarkingDialog.ask`` returns plain values, so tests can
monkeypatch it or drive the dialog directly.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...engine.model import NDM_FIELDS, RUBRIC_MARKS
from ...engine.rationale import boxes_of, describe_parts, parts_of, stage_label
from ..keyboard import OptionGroupKeys


def _plain(text: str, role: str | None = None) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if role:
        label.setProperty("role", role)
    return label


class MarkingDialog(QDialog):
    def __init__(self, parent: QWidget | None, decision, selection, previous: dict | None = None,
                 author: str = "", title: str = ""):
        super().__init__(parent)
        self.decision = decision
        self.setWindowTitle("Mark the rationale")
        self.setMinimumSize(760, 560)
        outer = QVBoxLayout(self)
        outer.addWidget(_plain(f"{title}\n{decision.prompt}", "heading"))
        outer.addWidget(_plain("Mark each criterion against what the trainee wrote. The marking is added to the "
                               "session's tamper-evident record with your name and the time, and the grade is "
                               "updated.", "muted"))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        # not a Tab stop of its own: the dialog opened with the focus on the empty scroll area
        # (the keyboard walkthrough); it scrolls whatever takes the focus inside into view
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.first_mark: QRadioButton | None = None
        body = QWidget()
        layout = QVBoxLayout(body)
        boxes = boxes_of(selection)
        chosen = {}
        for part_id, option_id in parts_of(selection).items():
            part = decision.part(part_id)
            if part is not None:
                chosen.setdefault(part.stage, []).append(describe_parts(decision, {part_id: option_id})[0])
        previous = previous or {}
        self.groups: dict[str, QButtonGroup] = {}
        self.comments: dict[str, QLineEdit] = {}
        stages = [s for s in NDM_FIELDS if s in decision.fields or any(c.stage == s for c in decision.rubric)]
        for stage in stages:
            criteria = [c for c in decision.rubric if c.stage == stage]
            frame = QFrame()
            frame.setProperty("role", "card")
            grid = QGridLayout(frame)
            grid.addWidget(_plain(stage_label(stage), "heading"), 0, 0, 1, 4)
            written = boxes.get(stage, "")
            grid.addWidget(_plain("Trainee wrote: " + (f"\u201c{written}\u201d" if written else "(nothing)")),
                           1, 0, 1, 4)
            row = 2
            for _stage, prompt, label in chosen.get(stage, []):
                grid.addWidget(_plain(f"Chose \u2014 {prompt} {label}", "muted"), row, 0, 1, 4)
                row += 1
            for criterion in criteria:
                text = criterion.text + (f" ({criterion.guidance})" if criterion.guidance else "")
                grid.addWidget(_plain(text), row, 0)
                group = QButtonGroup(self)
                # the app's keyboard model: any arrow moves between Met and Not met and marks
                # it (Qt's own moved only by direction on the screen: Down did nothing here)
                keys = OptionGroupKeys(group.buttons, select=True, roving=True, parent=self)
                for column, mark in enumerate(RUBRIC_MARKS, start=1):
                    button = QRadioButton("Met" if mark == "met" else "Not met")
                    # a screen reader says the criterion in words, never its id
                    button.setAccessibleName(f"{criterion.text}: {'met' if mark == 'met' else 'not met'}")
                    button.setProperty("mark", mark)
                    group.addButton(button)
                    keys.watch(button)
                    if self.first_mark is None:
                        self.first_mark = button
                    grid.addWidget(button, row, column)
                    if previous.get("marks", {}).get(criterion.id) == mark:
                        button.setChecked(True)
                keys.update_tab_stop()
                group.buttonToggled.connect(self._recheck)
                comment = QLineEdit((previous.get("comments") or {}).get(criterion.id, ""))
                comment.setPlaceholderText("Comment (optional)")
                comment.setAccessibleName(f"Comment on: {criterion.text}")
                grid.addWidget(comment, row + 1, 0, 1, 4)
                self.groups[criterion.id] = group
                self.comments[criterion.id] = comment
                row += 2
            grid.setColumnStretch(0, 1)
            layout.addWidget(frame)
        layout.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.author = _plain(author, "")          # the trainer logged in to review: shown, not typed
        self.author.setAccessibleName("Assessor: the trainer logged in")
        outer.addWidget(_plain("Recorded as the assessor:", ""))
        outer.addWidget(self.author)
        self.error = _plain("", "error")
        outer.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        if self.first_mark is not None:          # the keyboard starts on the first criterion
            self.first_mark.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_mark(self, criterion_id: str, mark: str) -> None:
        for button in self.groups[criterion_id].buttons():
            if button.property("mark") == mark:
                button.setChecked(True)

    def marks(self) -> dict[str, str]:
        return {cid: group.checkedButton().property("mark") for cid, group in self.groups.items()
                if group.checkedButton() is not None}

    def comment_values(self) -> dict[str, str]:
        return {cid: edit.text().strip() for cid, edit in self.comments.items() if edit.text().strip()}

    def problem(self) -> str:
        unmarked = [c.text for c in self.decision.rubric if c.id not in self.marks()]
        if unmarked:
            return "Mark every criterion; not marked yet: " + "; ".join(unmarked)
        if not self.author.text().strip():
            return "Log in as a trainer (File > Trainer review) to mark a rationale."
        return ""

    def _recheck(self, *_args) -> None:
        """A refusal shown says what is still missing, and goes once nothing is (it stayed,
        listing every criterion, after they had all been marked)."""
        if self.error.text():
            self.error.setText(self.problem())

    def _try_accept(self) -> None:
        problem = self.problem()
        self.error.setText(problem)
        if not problem:
            self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, decision, selection, previous: dict | None = None, author: str = "",
            title: str = "") -> tuple[dict, dict, str] | None:
        """(marks, comments, assessor), or None if cancelled."""
        dialog = cls(parent, decision, selection, previous, author, title)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.marks(), dialog.comment_values(), dialog.author.text().strip()

"""The trainer login dialog: the passphrase before any trainer function (review, notes, overrides, marking).

Trainees play and see their own debriefs; File > Trainer review and ``hydra-sim review`` open
only after ``TrainerLoginDialog.ask`` returns a ``TrainerLogin`` (records/trainers.py does the
checking: scrypt, lockout). When no trainer account exists yet, the same dialog sets up the
first one: whoever installs hydra_sim does this once. The passphrase field never shows what is
typed, and nothing here logs it. ``ask`` is a classmethod so tests can drive the dialog
(``try_login``) or replace it without blocking on ``exec()``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..records import trainers


def _plain(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


def _secret(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setAccessibleName(name)
    return edit


class TrainerLoginDialog(QDialog):
    """Log in as a trainer, or (no account yet) set up the first trainer account."""

    def __init__(self, parent: QWidget | None, accounts: trainers.TrainerAccounts | None = None):
        super().__init__(parent)
        self.accounts = accounts or trainers.TrainerAccounts()
        self.result_login: trainers.TrainerLogin | None = None
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.error = _plain("")
        self.error.setProperty("role", "error")
        try:
            names = self.accounts.names()
        except trainers.TrainerError as exc:
            names = []
            self.error.setText(str(exc))
        self.setting_up = not names and not self.error.text()
        self.passphrase = _secret("Trainer passphrase")
        self.confirm = _secret("The same passphrase again")
        if self.setting_up:
            self.setWindowTitle("Set up the trainer account")
            layout.addWidget(_plain(
                "Trainer review, notes, grade overrides, marking, exports and erasure need a trainer account, "
                "and none is set up on this computer yet. Set it up now if you are the trainer who looks after "
                f"hydra_sim here. Use a passphrase of at least {trainers.MIN_PASSPHRASE} characters; "
                "trainees must not know it."))
            self.name = QLineEdit()
            self.name.setAccessibleName("Trainer name")
            self.name.setPlaceholderText("your name or collar number, as it should appear in the records")
            form.addRow("&Trainer name:", self.name)
            form.addRow("&Passphrase:", self.passphrase)
            form.addRow("&Again:", self.confirm)
        else:
            self.setWindowTitle("Trainer login")
            layout.addWidget(_plain("Trainer review is for trainers. Notes, overrides and markings you make are "
                                    "recorded under your trainer name."))
            self.name = QComboBox()
            self.name.setAccessibleName("Trainer name")
            self.name.addItems(names)
            form.addRow("&Trainer:", self.name)
            form.addRow("&Passphrase:", self.passphrase)
        layout.addLayout(form)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Set up" if self.setting_up else "Log in")
        buttons.accepted.connect(self._on_ok)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # the first box to fill: the name when setting up (it comes first), else the passphrase
        (self.name if self.setting_up else self.passphrase).setFocus()

    def chosen_name(self) -> str:
        return self.name.text() if isinstance(self.name, QLineEdit) else self.name.currentText()

    def try_login(self) -> trainers.TrainerLogin | None:
        """Check what was typed; the login, or None with the reason shown (the passphrase is cleared)."""
        try:
            if self.setting_up:
                if self.passphrase.text() != self.confirm.text():
                    raise trainers.TrainerError("the two passphrases differ")
                login = self.accounts.create(self.chosen_name(), self.passphrase.text())
            else:
                login = self.accounts.login(self.chosen_name(), self.passphrase.text())
        except trainers.TrainerError as exc:
            self.error.setText(str(exc)[:1].upper() + str(exc)[1:] + ".")
            self.passphrase.clear()
            self.confirm.clear()
            return None
        self.result_login = login
        return login

    def _on_ok(self) -> None:
        if self.try_login() is not None:
            self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, before_shown=None) -> trainers.TrainerLogin | None:
        """The trainer's login, or None if cancelled. ``before_shown(dialog)``, if given, is called
        before the dialog is shown (the review benchmark's probe watches its first paint)."""
        dialog = cls(parent)
        if before_shown is not None:
            before_shown(dialog)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.result_login

"""Small modal questions. Each exposes ``ask(...)`` returning a plain value, so tests
monkeypatch ``ask`` instead of blocking on ``exec()``.
Must not import the runner, the controller or any screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


class ConfirmQuitDialog:
    """Quitting mid-scenario: keep the session to resume later, or stay."""

    @classmethod
    def ask(cls, parent: QWidget | None) -> bool:
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Leave the scenario?")
        box.setText("The scenario is still running.")
        box.setInformativeText("Your answers so far are saved. You can resume from the start screen next time.")
        leave = box.addButton("Leave and resume later", QMessageBox.ButtonRole.AcceptRole)
        stay = box.addButton("Keep playing", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(stay)
        box.setEscapeButton(stay)
        box.exec()
        return box.clickedButton() is leave


class UnsavedWorkDialog:
    """Leaving while the score store still refuses the latest entries: they would be lost."""

    @classmethod
    def ask(cls, parent: QWidget | None, count: int) -> bool:
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Some entries are not saved yet")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(f"{count} of your latest entries could not be written to the score store yet.")
        box.setInformativeText("hydra_sim keeps them and tries again every few seconds. If you leave now they "
                               "are lost. Free some disk space or close the program that holds the store, "
                               "then wait for \u2018recorded\u2019 beside the Decide button.")
        leave = box.addButton("Leave anyway", QMessageBox.ButtonRole.DestructiveRole)
        stay = box.addButton("Stay and keep them", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(stay)
        box.setEscapeButton(stay)
        box.exec()
        return box.clickedButton() is leave


class ReplayFailedDialog:
    """A saved session no longer fits its (edited) scenario: start again, or not."""

    @classmethod
    def ask(cls, parent: QWidget | None, message: str) -> bool:
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("This session cannot be resumed")
        box.setTextFormat(Qt.TextFormat.PlainText)       # the message quotes scenario text
        box.setText(message)
        again = box.addButton("Start the scenario again", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Back to the start screen", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(again)
        box.exec()
        return box.clickedButton() is again

"""Small modal questions. Each exposes ``ask(...)`` returning a plain value, so tests
monkeypatch ``ask`` instead of blocking on ``exec()``.
Must not import the runner, the controller or any screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def _message_box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str,
                 informative: str = "", plain_text: bool = True) -> QMessageBox:
    """A message box with its icon, title and text; ``plain_text`` when the text may quote user input."""
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title)
    if plain_text:
        box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    if informative:
        box.setInformativeText(informative)
    return box


def _leave_or_stay(box: QMessageBox, leave_text: str, leave_role: QMessageBox.ButtonRole, stay_text: str) -> bool:
    """Ask ``box`` with a leave and a stay button (stay is the default and Escape); True to leave."""
    leave = box.addButton(leave_text, leave_role)
    stay = box.addButton(stay_text, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(stay)
    box.setEscapeButton(stay)
    box.exec()
    return box.clickedButton() is leave


class ConfirmQuitDialog:
    """Quitting mid-scenario: keep the session to resume later, or stay."""

    @classmethod
    def ask(cls, parent: QWidget | None) -> bool:
        box = _message_box(parent, QMessageBox.Icon.Question, "Leave the scenario?", "The scenario is still running.",
                           "Your answers so far are saved. You can resume from the start screen next time.",
                           plain_text=False)
        return _leave_or_stay(box, "Leave and resume later", QMessageBox.ButtonRole.AcceptRole, "Keep playing")


class UnsavedWorkDialog:
    """Leaving while the score store still refuses the latest entries: they would be lost."""

    @classmethod
    def ask(cls, parent: QWidget | None, count: int) -> bool:
        box = _message_box(parent, QMessageBox.Icon.Warning, "Some entries are not saved yet",
                           f"{count} of your latest entries could not be written to the score store yet.",
                           "hydra_sim keeps them and tries again every few seconds. If you leave now they "
                           "are lost. Free some disk space or close the program that holds the store, "
                           "then wait for \u2018recorded\u2019 beside the Decide button.")
        return _leave_or_stay(box, "Leave anyway", QMessageBox.ButtonRole.DestructiveRole, "Stay and keep them")


class StoreProblemDialog:
    """The score store cannot be opened at start: try again, start a new one beside it, or quit."""

    RETRY, FRESH, QUIT = "retry", "fresh", "quit"

    @classmethod
    def ask(cls, parent: QWidget | None, message: str, can_start_fresh: bool = True) -> str:
        """``can_start_fresh`` only for a file that cannot be read (damaged, not a store): a store
        that is locked, full or newer is someone's live data and is never renamed."""
        box = _message_box(parent, QMessageBox.Icon.Warning, "The score store cannot be opened", message,
                           "Try again once the problem is fixed, or start a new, empty store: the old file "
                           "is renamed, never deleted, so a trainer can still recover it." if can_start_fresh
                           else "Try again once the problem is fixed (for example after closing the other "
                                "program or freeing disk space).")
        retry = box.addButton("Try again", QMessageBox.ButtonRole.AcceptRole)
        fresh = box.addButton("Keep the old file and start a new store",
                              QMessageBox.ButtonRole.DestructiveRole) if can_start_fresh else None
        quit_ = box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(retry)
        box.setEscapeButton(quit_)
        box.exec()
        clicked = box.clickedButton()
        return cls.RETRY if clicked is retry else cls.FRESH if fresh is not None and clicked is fresh else cls.QUIT


class ReplayFailedDialog:
    """A saved session no longer fits its (edited) scenario: start again, or not."""

    @classmethod
    def ask(cls, parent: QWidget | None, message: str) -> bool:
        # plain text: the message quotes scenario text
        box = _message_box(parent, QMessageBox.Icon.Warning, "This session cannot be resumed", message)
        again = box.addButton("Start the scenario again", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Back to the start screen", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(again)
        box.exec()
        return box.clickedButton() is again

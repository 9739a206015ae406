"""Small modal questions. Each exposes ``ask(...)`` returning a plain value, so tests
monkeypatch ``ask`` instead of blocking on ``exec()``.
Must not import the runner, the controller or any screen.
"""

from __future__ import annotations

from pathlib import Path

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


class HomeNotWritableDialog:
    """The folder where the app keeps its records cannot be written (read-only, no permission):
    said for a trainee or trainer in a training room, with the folder shown plainly, and the
    technical detail (the store's own message, how an administrator moves the folder) behind
    "Show Details". Try again, or quit: no session starts until every decision can be saved."""

    RETRY, QUIT = "retry", "quit"
    TITLE = "hydra_sim cannot save its records"

    @staticmethod
    def wording(folder: Path | str) -> tuple[str, str]:
        """The main text and what it means / what to do (no developer terms: those are in the details)."""
        text = ("hydra_sim cannot save training records on this computer: it is not allowed to write in "
                f"the folder where it keeps them.\n\nThe folder is:\n{folder}")
        informative = ("What this means: no session can start until the records can be saved, because every "
                       "decision a trainee makes must be kept. Nothing has been recorded this time, and the "
                       "records already in that folder have not been changed or lost.\n\n"
                       "What to do: ask the person who set up this computer (or your IT support) to let this "
                       "computer account save in that folder, or to set hydra_sim up to keep its records "
                       "in another folder. Then press Try again. Show Details has what they need to know.")
        return text, informative

    @staticmethod
    def details(folder: Path | str, message: str) -> str:
        return (f"{message}\n\n"
                "For the person who set up this computer: hydra_sim keeps its session records, settings and "
                f"logs under one folder (the records in {folder}). Give this computer account permission to "
                "write there, or start hydra_sim with --home FOLDER (or set the environment variable "
                "HYDRA_SIM_HOME to FOLDER) to keep everything in a folder it can write. Trainers reviewing "
                "sessions must then use the same folder.")

    @classmethod
    def build(cls, parent: QWidget | None, folder: Path | str, message: str) -> QMessageBox:
        text, informative = cls.wording(folder)
        box = _message_box(parent, QMessageBox.Icon.Warning, cls.TITLE, text, informative)
        box.setDetailedText(cls.details(folder, message))       # QMessageBox's "Show Details..." button
        retry = box.addButton("Try again", QMessageBox.ButtonRole.AcceptRole)
        quit_ = box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(retry)
        box.setEscapeButton(quit_)
        box.retry_button = retry
        return box

    @classmethod
    def ask(cls, parent: QWidget | None, folder: Path | str, message: str) -> str:
        """``folder``: where the records should be kept; ``message``: the store's own (technical) message."""
        box = cls.build(parent, folder, message)
        box.exec()
        return cls.RETRY if box.clickedButton() is box.retry_button else cls.QUIT


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

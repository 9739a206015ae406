"""Turn engine, store and file errors into words a trainee can act on: the one place.

``describe`` maps an exception to a title and message; ``ErrorReporter`` logs it and,
unless windows are switched off (``--no-err-windows``, tests), shows it in a message box.
Screens prefer inline messages (``describe(...).message``) for recoverable problems.
Must not import any screen module.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from .persistence import StoreError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ErrorText:
    title: str
    message: str


def problem_line(problem, short: bool = False) -> str:
    """'file:line: message' for one engine Problem (the start screen and dialogs use it);
    ``short`` keeps only the file name."""
    where = problem.location.file or "?"
    if short and problem.location.file:
        where = Path(problem.location.file).name
    if problem.location.line:
        where += f":{problem.location.line}"
    text = f"{where}: {problem.message}"
    if problem.hint:
        text += f" ({problem.hint})"
    return text


def describe(exc: BaseException) -> ErrorText:
    from ..engine import ReplayError, RunnerError, ScenarioError  # not at start-up: see the start screen
    if isinstance(exc, ScenarioError):
        lines = "\n".join(problem_line(p) for p in exc.problems[:20])
        more = f"\n... and {len(exc.problems) - 20} more" if len(exc.problems) > 20 else ""
        return ErrorText("This scenario cannot be used", f"The scenario file has problems:\n{lines}{more}")
    if isinstance(exc, ReplayError):
        return ErrorText("The saved session no longer fits the scenario",
                         "The scenario file has changed since this session was saved, so it cannot be "
                         f"replayed to where you were ({exc.reason}). You can start the scenario again.")
    if isinstance(exc, RunnerError):
        text = str(exc)
        return ErrorText("That answer cannot be recorded", text[:1].upper() + text[1:] + ".")
    if isinstance(exc, StoreError) and getattr(exc, "kind", "") == "not_writable":
        folder = getattr(exc, "folder", None) or "its records folder"
        return ErrorText("Your session could not be saved",
                         f"hydra_sim is not allowed to save in the folder where it keeps its records ({folder}). "
                         "Your answers so far are kept in memory; ask your trainer or the person who set up "
                         "this computer to let it save there.")
    if isinstance(exc, StoreError):
        return ErrorText("Your session could not be saved",
                         f"The session store reported a problem: {exc}. Your answers so far are kept in memory; "
                         "ask your trainer to check the data folder.")
    if isinstance(exc, OSError):
        return ErrorText("A file could not be read or written", f"{exc.strerror or exc}: {exc.filename or ''}".strip())
    return ErrorText("Something went wrong", f"{type(exc).__name__}: {exc}")


class ErrorReporter:
    """Logs every error; shows a dialog only when windows are allowed."""

    def __init__(self, show_windows: bool = True):
        self.show_windows = show_windows
        self.last: ErrorText | None = None

    def report(self, parent: QWidget | None, exc: BaseException) -> ErrorText:
        from ..engine import RunnerError, ScenarioError
        text = describe(exc)
        self.last = text
        log.error("%s: %s", text.title, text.message, exc_info=not isinstance(
            exc, (ScenarioError, RunnerError, StoreError, OSError)))
        if self.show_windows:
            box = QMessageBox(QMessageBox.Icon.Warning, text.title, text.message, QMessageBox.StandardButton.Ok, parent)
            box.setTextFormat(Qt.TextFormat.PlainText)      # messages quote scenario text: never rich text
            box.exec()
        return text

"""The start-up benchmark's probe: with ``HYDRA_SIM_STARTUP_PROBE=1`` in the environment, the
app prints ``time.monotonic()`` on its own line to stdout and quits, as soon as the start
screen has been painted with its scenario list filled (from the library index when it matches
every file, else from the library scan) and the list's first frame with entries has been drawn. benchmarks/bench_gui.py launches the
real ``python -m hydra_sim`` with it and subtracts its own launch time (the monotonic clock
is system-wide on Linux). Off unless the variable is set; it changes nothing else.

Must not import the engine (the window's start-up is what it measures).
"""

from __future__ import annotations

import os
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

VARIABLE = "HYDRA_SIM_STARTUP_PROBE"


def wanted() -> bool:
    return os.environ.get(VARIABLE) == "1"


class _FirstFilledPaint(QObject):
    """Watches the scenario list's viewport; the first paint with entries ends the run."""

    def __init__(self, start_screen):
        super().__init__(start_screen)
        self.start_screen = start_screen
        self.done = False
        start_screen.library_list.viewport().installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802 - Qt override
        screen = self.start_screen
        if (not self.done and event.type() == QEvent.Type.Paint and not screen.library_loading
                and screen.library_list.count() > 0):
            self.done = True
            QTimer.singleShot(0, self._report)     # runs once this paint has been drawn
        return False

    def _report(self) -> None:
        print(f"{time.monotonic():.6f}", flush=True)
        QApplication.instance().quit()


def install(window) -> None:
    """Arm the probe on the main window's start screen."""
    window._startup_probe = _FirstFilledPaint(window.start_screen)


# -- hydra-sim review: the login dialog, then the sessions table -------------------------------
# What a trainer waits for is two stretches: from launching ``hydra-sim review`` to the login
# dialog on screen, and from pressing "Log in" to the sessions table painted (its first screenful;
# the rest of the rows are read in batches after it, and the probe says when the last is in).
# The probe prints a line at each of the moments ("login", "typed", "table", "all"), types the
# benchmark's trainer name and passphrase into the real dialog (read from the environment only
# when the probe is armed; the dialog checks them as it checks anyone's) and quits once every
# row is in the table.

TRAINER_VARIABLE = "HYDRA_SIM_PROBE_TRAINER"
PASSPHRASE_VARIABLE = "HYDRA_SIM_PROBE_PASSPHRASE"


def _say(moment: str, extra: str = "") -> None:
    print(f"{moment} {time.monotonic():.6f}{extra}", flush=True)


class _OnFirstPaint(QObject):
    """Calls ``then`` once, just after ``widget``'s first paint satisfying ``ready`` has been drawn,
    and stops watching: the login dialog's watcher otherwise stayed on the dialog, and once the
    dialog's Python wrapper was collected Qt called a wrapper without these attributes."""

    def __init__(self, widget, then, ready=lambda: True):
        super().__init__(widget)
        self.then, self.ready, self.done = then, ready, False
        widget.installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802 - Qt override
        if not self.done and event.type() == QEvent.Type.Paint and self.ready():
            self.done = True
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self.then)
        return False


def watch_login(dialog) -> None:
    """Given the trainer login dialog before it is shown: at its first paint, log in as the
    benchmark's trainer (the dialog's own check, scrypt included)."""
    def log_in():
        _say("login")
        trainer = os.environ.get(TRAINER_VARIABLE, "")
        if hasattr(dialog.name, "setCurrentText"):
            dialog.name.setCurrentText(trainer)
        else:
            dialog.name.setText(trainer)
        dialog.passphrase.setText(os.environ.get(PASSPHRASE_VARIABLE, ""))
        dialog.confirm.setText(dialog.passphrase.text())
        _say("typed")
        dialog._on_ok()
    dialog._startup_probe = _OnFirstPaint(dialog, log_in)


def watch_review(window) -> None:
    """Given the review window before it is shown: report the first paint of the sessions table with
    rows in it ("table", with the number of sessions the window lists), then the moment the last of
    the rows is in the table ("all", with how many; the window reads the rest in batches after the
    first screenful), and quit."""
    def all_read():
        _say("all", f" {window.model.rowCount()}")
        QApplication.instance().quit()

    def report():
        _say("table", f" {window.session_total}")
        if window.model.all_read():
            all_read()
        else:
            window.model.allRowsRead.connect(lambda: QTimer.singleShot(0, all_read))
    window._startup_probe = _OnFirstPaint(window.table.viewport(), report, lambda: window.model.rowCount() > 0)

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

"""Run a callback once a widget has been painted for the first time (or after a fallback
delay, for a widget that is never shown, e.g. in a test that does not show the window).

The main window uses it to start the confirming library scan only after the start screen's
list, filled from the library index, is on screen: the scan's Python work shares the GIL with
the GUI thread and would otherwise delay that first paint.

Must not import the engine.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class AfterFirstPaint(QObject):
    """Calls ``callback`` once: just after ``widget``'s next paint has been drawn, or after
    ``fallback_ms`` if no paint came first."""

    def __init__(self, widget: QWidget, callback: Callable[[], None], fallback_ms: int = 300):
        super().__init__(widget)
        self.widget = widget
        self.callback = callback
        self.done = False
        widget.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self, self._run)

    def eventFilter(self, obj, event):  # noqa: N802 - Qt override
        if not self.done and obj is self.widget and event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, self, self._run)       # queued: runs once this paint is drawn
        return False

    def _run(self) -> None:
        if self.done:
            return
        self.done = True
        self.widget.removeEventFilter(self)
        self.callback()
        self.deleteLater()

"""Run a callback once a widget has been painted for the first time (or, for a widget that is
not shown a moment later, e.g. in a test that never shows the window, then).

The main window uses it to start the confirming library scan only after the start screen's
list, filled from the library index, is on screen (the scan's Python work shares the GIL with
the GUI thread and would otherwise delay that first paint), and to set up the key
filters after the first frame (see MainWindow.install_keys).

Must not import the engine.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class AfterFirstPaint(QObject):
    """Calls ``callback`` once: just after ``widget``'s next paint has been drawn. If after
    ``fallback_ms`` the widget is not visible (so no paint may ever come), at once instead; a
    visible widget is always painted, so a slow start never runs the callback before its paint."""

    def __init__(self, widget: QWidget, callback: Callable[[], None], fallback_ms: int = 300):
        super().__init__(widget)
        self.widget = widget
        self.callback = callback
        self.done = False
        widget.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self, self._fallback)

    def eventFilter(self, obj, event):  # noqa: N802 - Qt override
        if not self.done and obj is self.widget and event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, self, self._run)       # queued: runs once this paint is drawn
        return False

    def _fallback(self) -> None:
        if not self.widget.isVisible():
            self._run()

    def _run(self) -> None:
        if self.done:
            return
        self.done = True
        self.widget.removeEventFilter(self)
        self.callback()
        self.deleteLater()

"""Hold Python's cyclic garbage collector off during a burst of work on the GUI thread, until
the widgets the work changed have been painted (or a second has passed, whichever is first).

Why: Author mode's re-check of a 300-scene file after a save makes some 100,000 objects that
live on (the YAML tree, the model, the map's graph and layout) while the previous ones are
still held. That many survivors start a full collection in the middle of the re-check, and a
full collection walks every object in the process, the Qt bindings' included: 60-100 ms of
the 2-CPU VM's time before the map could be painted (issue 14). A re-check makes no reference
cycles of its own (the old tree and model are freed by reference counting as soon as the new
ones replace them), so holding the collector off keeps no garbage longer than a moment; the
collection it would have made runs once the map is on screen, while the author reads it.

Only the collector's automatic runs are held (``gc.disable``); reference counting frees
objects as ever. A collector someone else has switched off is left to them. The release does
not depend on the widgets living: the time limit runs on a timer of its own. (Not the event
dispatcher's ``aboutToBlock``: Qt's GLib dispatcher emits it at the start of every loop
iteration, which can come before the paint.) Must not import the engine.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

AT_MOST_MS = 1000        # a widget that is not repainted (nothing changed, or hidden) waits no longer


class _PaintWatch(QObject):
    """Releases hold number ``number`` just after each of ``widgets`` has next been painted."""

    def __init__(self, widgets: tuple[QWidget, ...], number: int):
        super().__init__()                   # no parent: a widget's end must not end the watch
        self.widgets = widgets
        self.waiting = list(widgets)
        self.number = number
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint and obj in self.waiting:
            self.waiting.remove(obj)
            if not self.waiting:
                number = self.number
                QTimer.singleShot(0, lambda: _release(number))    # queued: runs once this paint is drawn
        return False

    def stop(self) -> None:
        for widget in self.widgets:
            try:
                widget.removeEventFilter(self)
            except RuntimeError:             # the widget has been deleted: nothing to remove
                pass


_watch: _PaintWatch | None = None        # set while this module has the collector switched off
_holds = 0                               # holds so far: a late timer of an earlier one does nothing


def hold_until_painted(*widgets: QWidget, at_most_ms: int = AT_MOST_MS) -> bool:
    """Switch the collector's automatic runs off until each of ``widgets`` has next been painted
    (they may paint in separate passes: a list lays its items out on a timer of its own), or
    for ``at_most_ms`` at most. True when held now (by this call or an earlier one still pending)."""
    global _watch, _holds
    if _watch is not None:
        return True
    if not gc.isenabled():
        return False          # the collector is someone else's to switch on
    gc.disable()
    _holds += 1
    number = _holds
    _watch = _PaintWatch(widgets, number)
    QTimer.singleShot(at_most_ms, lambda: _release(number))
    return True


def _release(number: int) -> None:
    if _watch is not None and _watch.number == number:
        release()


def release() -> None:
    """Switch the collector back on, if this module switched it off."""
    global _watch
    if _watch is not None:
        _watch.stop()
        _watch = None
        gc.enable()


def is_held() -> bool:
    return _watch is not None

"""Hold Python's cyclic garbage collector off during a burst of work on the GUI thread, until
the event loop next waits for input (by then what the work drew has been painted).

Why: Author mode's re-check of a 300-scene file after a save makes some 100,000 objects that
live on (the YAML tree, the model, the map's graph and items) while the previous ones are
still held. That many survivors start a full collection in the middle of the re-check, and a
full collection walks every object in the process, the Qt bindings' included: 60-100 ms of
the 2-CPU VM's time before the map could be painted (issue 14). A re-check makes no reference
cycles of its own (the old tree, model and items are freed by reference counting as soon as
the new ones replace them), so holding the collector off keeps no garbage longer than a
moment; the collection it would have made then runs while the author reads the map.

Only the collector's automatic runs are held (``gc.disable``); reference counting frees
objects as ever. A collector someone else has switched off is left to them. The release is
tied to the GUI thread's event dispatcher, not to a window, so a window closed in between
cannot leave the collector off. Must not import the engine.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QAbstractEventDispatcher, Qt

_held = False          # True while this module has the collector switched off


def hold_until_idle() -> bool:
    """Switch the collector's automatic runs off until the event loop is about to wait for
    events. True when held now (by this call or an earlier one still pending)."""
    global _held
    if _held:
        return True
    dispatcher = QAbstractEventDispatcher.instance()
    if dispatcher is None or not gc.isenabled():
        return False       # no event loop to wait for, or the collector is someone else's to start
    gc.disable()
    _held = True
    dispatcher.aboutToBlock.connect(release, Qt.ConnectionType.SingleShotConnection)
    return True


def release() -> None:
    """Switch the collector back on (if this module switched it off). The event loop calls it
    when it is idle; a caller that cannot wait for that may call it itself."""
    global _held
    if _held:
        _held = False
        gc.enable()


def is_held() -> bool:
    return _held

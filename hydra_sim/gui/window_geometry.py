"""Where a window opens: within the screen it is on, at its last size and place when that still fits.

Every top-level window and dialog calls ``place(window, preferred, key)`` instead of a fixed
``resize``: the size is the preferred one, shrunk to the screen's available area (the screen
minus task bars and docks) less a margin for the window frame, and the window is centred
there. A window with a ``key`` remembers its last size and position in settings.ini
(``window/<key>``) when it is hidden, and opens there again only when that rectangle still
lies inside an available screen area (a laptop undocked from a big monitor gets the
fallback, never a window half off-screen). Minimum sizes are capped the same way, so no
window can be forced larger than the screen.

``fitted_rect`` is the arithmetic alone (plain rectangles in, a rectangle out) so tests can
try any screen size. Must not import the engine, the records package or any screen.
"""

from __future__ import annotations

import logging
import weakref

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRect, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

# Room left around a window for its title bar and frame (``resize`` sizes the inside only).
MARGIN_WIDTH = 24
MARGIN_HEIGHT = 64
GROUP = "window"


def usable_area(available: QRect) -> QSize:
    """The largest inside size a window may have on a screen whose available area is ``available``."""
    return QSize(max(320, available.width() - MARGIN_WIDTH), max(240, available.height() - MARGIN_HEIGHT))


def fitted_rect(preferred: QSize, available: QRect, saved: QRect | None = None,
                saved_area: QRect | None = None) -> QRect:
    """The window's inside rectangle: ``saved`` when it still fits ``saved_area`` (the available
    area of the screen it lies on, ``available`` when not given), else ``preferred`` shrunk to
    ``available`` less the frame margin, centred in it."""
    area = saved_area if saved_area is not None else available
    if saved is not None and saved.isValid() and _fits(saved, area):
        return QRect(saved)
    room = usable_area(available)
    size = QSize(min(preferred.width(), room.width()), min(preferred.height(), room.height()))
    rect = QRect(0, 0, size.width(), size.height())
    rect.moveCenter(available.center())
    # centre the frame, not the inside: the title bar sits above the inside rectangle
    rect.moveTop(max(available.top() + (MARGIN_HEIGHT * 3) // 4,
                     available.top() + (available.height() - size.height()) // 2 + MARGIN_HEIGHT // 4))
    return rect


def _fits(rect: QRect, area: QRect) -> bool:
    room = usable_area(area)
    return (area.contains(rect) and rect.width() <= room.width() and rect.height() <= room.height())


def _available(window: QWidget, at: QRect | None = None) -> QRect:
    screen = None
    if at is not None:
        screen = QGuiApplication.screenAt(at.center())
    if screen is None:
        screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 720)


def _saved(settings: QSettings | None, key: str | None) -> tuple[QRect | None, bool]:
    if settings is None or not key:
        return None, False
    value = settings.value(f"{GROUP}/{key}")
    maximised = str(settings.value(f"{GROUP}/{key}_maximised", "false")).lower() in ("true", "1")
    try:
        x, y, w, h = (int(part) for part in (value if isinstance(value, (list, tuple)) else str(value).split(",")))
    except (TypeError, ValueError):
        return None, maximised          # absent or edited by hand into nonsense: use the fallback
    return QRect(x, y, w, h), maximised


def cap_minimum(window: QWidget, available: QRect | None = None) -> None:
    """Lower the window's minimum size to what the screen can show (layouts may ask for more)."""
    room = usable_area(available or _available(window))
    minimum = window.minimumSize()
    if minimum.width() > room.width() or minimum.height() > room.height():
        window.setMinimumSize(min(minimum.width(), room.width()), min(minimum.height(), room.height()))


def place(window: QWidget, preferred: QSize | tuple[int, int], key: str | None = None,
          settings: QSettings | None = None, available: QRect | None = None) -> QRect:
    """Size and position ``window`` (see the module docstring) and, with a ``key``, remember it.

    Without ``settings`` (the app's settings.ini, from its composition root) nothing is
    remembered; ``available`` overrides the screen's available area (tests). Returns the
    rectangle used.
    """
    if isinstance(preferred, tuple):
        preferred = QSize(*preferred)
    saved, maximised = _saved(settings, key)
    if available is None:
        area = _available(window)
        saved_area = _available(window, saved) if saved is not None else None
    else:
        area = saved_area = available
    rect = fitted_rect(preferred, area, saved, saved_area)
    cap_minimum(window, area)
    window.setGeometry(rect)        # the inside rectangle: the frame goes around it
    if maximised:
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
    keeper = _keepers.get(id(window))
    if keeper is None or keeper.window is not window:
        _keepers[id(window)] = GeometryKeeper(window, rect, key, settings)
    else:
        keeper.rect = rect
    return rect


# One keeper per window, held here rather than as the window's child: a Python QObject child
# can lose its Python side while the window is being destroyed, and Qt would then call an
# event filter that no longer has its attributes. Dropped when the window is destroyed.
_keepers: dict[int, GeometryKeeper] = {}


def _forget(key: int) -> None:
    _keepers.pop(key, None)


class GeometryKeeper(QObject):
    """Holds a window to its placed rectangle when it is first shown, and writes its normal (not
    maximised) geometry to settings each time it is hidden (when it has a key and settings).

    The first show matters because a layout that activates then may grow the window past the
    placed size in one direction (seen under X11: a start screen with word-wrapped labels grew
    from 704 to 755 pixels high on a 768-pixel screen). A window resized on purpose after
    ``place`` (both sides changed) is left as it is."""

    def __init__(self, window: QWidget, rect: QRect, key: str | None, settings: QSettings | None):
        super().__init__()
        self._window = weakref.ref(window)      # never keeps a window alive that its owner dropped
        self.rect = rect
        self.key = key
        self.settings = settings
        self.shown = False
        window.installEventFilter(self)
        window.destroyed.connect(lambda *_args, key=id(window): _forget(key))

    @property
    def window(self) -> QWidget | None:
        window = self._window()
        return window if window is not None and shiboken6.isValid(window) else None

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if watched is not None and watched is self.window:
            if event.type() == QEvent.Type.Show and not self.shown:
                self.shown = True
                QTimer.singleShot(0, self, self.refit)       # after the layout has settled
            elif event.type() == QEvent.Type.Hide and self.key and self.settings is not None:
                self.save()
        return False

    def refit(self) -> None:
        if self.window is None or self.window.isMaximized() or self.window.isFullScreen():
            return
        size, placed = self.window.size(), self.rect.size()
        grown = ((size.width() == placed.width() and size.height() > placed.height())
                 or (size.height() == placed.height() and size.width() > placed.width()))
        if grown:
            cap_minimum(self.window, self.rect.adjusted(0, 0, MARGIN_WIDTH, MARGIN_HEIGHT))
            self.window.resize(min(size.width(), self.rect.width()), min(size.height(), self.rect.height()))

    def save(self) -> None:
        rect = self.window.normalGeometry()
        if not rect.isValid():
            rect = self.window.geometry()
        self.settings.setValue(f"{GROUP}/{self.key}", f"{rect.x()},{rect.y()},{rect.width()},{rect.height()}")
        self.settings.setValue(f"{GROUP}/{self.key}_maximised", "true" if self.window.isMaximized() else "false")
        self.settings.sync()

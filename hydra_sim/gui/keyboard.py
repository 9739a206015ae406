"""The one keyboard model of every hydra_sim window, the platform's.

- Enter (or Return) activates the focused push or tool button, as Space does. Qt does this
  only for dialog buttons ("autoDefault"); in a main window Enter on a focused button would
  otherwise do nothing.
- Arrow keys move within a group of options (and, in a choose-one group, select what they
  move to); Tab enters and leaves the group. See ``OptionGroupKeys``.
- Ctrl+Enter decides or continues (the incident screen owns that shortcut), Ctrl++ / Ctrl+-
  / Ctrl+0 zoom (``ZOOM_IN_KEYS`` lists every way a keyboard sends "Ctrl and +").

``install(app)`` is called by theme.apply, which every window calls, so the model is the same
in the trainee app, the review window, Author mode and the facilitator console.
Must not import the engine, the records package or any screen.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QApplication, QPushButton, QToolButton, QWidget

# The menus show the platform's zoom keys. "Ctrl and +" arrives in several forms: Ctrl+Plus
# (keypad, some layouts), Ctrl+Shift+Plus or Ctrl+Shift+= (the "+" above "=" on a UK or US
# keyboard) and Ctrl+= (without Shift). Giving one action all of them as shortcuts makes Qt
# call them ambiguous under X11 (which offers several of those forms for one key press), so
# that nothing fires: the action keeps one, and ZoomKeys catches the other forms.
ZOOM_IN_KEYS = (QKeySequence.StandardKey.ZoomIn,)
ZOOM_OUT_KEYS = (QKeySequence.StandardKey.ZoomOut,)
ZOOM_IN_KEY_CODES = (Qt.Key.Key_Plus, Qt.Key.Key_Equal)
ZOOM_OUT_KEY_CODES = (Qt.Key.Key_Minus, Qt.Key.Key_Underscore)
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def key_sequences(keys) -> list[QKeySequence]:
    """QKeySequences for strings and standard keys, without duplicates or empty ones."""
    out: list[QKeySequence] = []
    for key in keys:
        sequences = QKeySequence.keyBindings(key) if isinstance(key, QKeySequence.StandardKey) else [QKeySequence(key)]
        for sequence in sequences:
            if not sequence.isEmpty() and sequence not in out:
                out.append(sequence)
    return out


def plain_enter(event) -> bool:
    """Enter or Return pressed with no modifier other than the keypad's."""
    modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return event.key() in ENTER_KEYS and modifiers == Qt.KeyboardModifier.NoModifier


# Looked up once: the filter below sees every event of the focused widget, so its first
# test must cost as little as possible (an attribute chain per event adds up).
_KEY_PRESS = QEvent.Type.KeyPress
_CTRL = Qt.KeyboardModifier.ControlModifier
_KEYPAD_OR_SHIFT = Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.ShiftModifier


class AppKeys(QObject):
    """The one key filter of the application: Enter on a focused, enabled push or tool button
    clicks it, and the forms of Ctrl++ / Ctrl+- reach the zoom of the window they were pressed
    in (``ZoomKeys`` registers a window).

    A key press goes first to the focused widget (or, with none, to its window), so the filter
    sits on the focused widget only and moves with the focus, plus on each zoom window for the
    key presses that arrive with nothing focused. It is not an application-wide filter: a Python
    filter on the application is called for every event of every object, about 900 per
    decision, which cost a millisecond of each Decide click (issue 14). Sitting on the widget
    the press started at also means the same press, on its way up to the parents after the
    focus moved (Enter in the Trainee ID box opens the briefing and focuses its button), is
    never taken for a press on the newly focused button."""

    def __init__(self, app: QApplication):
        super().__init__(app)
        self.zooms: list[ZoomKeys] = []
        self._focused: QWidget | None = None
        app.focusChanged.connect(self._follow_focus)
        self._follow_focus(None, app.focusWidget())

    def _follow_focus(self, _old, new) -> None:
        focused, self._focused = self._focused, new
        if focused is not None and shiboken6.isValid(focused) and not self._is_zoom_window(focused):
            focused.removeEventFilter(self)
        if new is not None:
            new.installEventFilter(self)

    def _is_zoom_window(self, widget: QWidget) -> bool:
        return any(zoom.window is widget for zoom in self.zooms)

    def watch_window(self, window: QWidget) -> None:
        """Also see the key presses that reach ``window`` with no widget focused."""
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() != _KEY_PRESS:
            return False
        if plain_enter(event):
            return self._enter(watched, event)
        return any(zoom.key_pressed(watched, event) for zoom in self.zooms)

    @staticmethod
    def _enter(watched: QObject, event: QEvent) -> bool:
        if event.isAutoRepeat() or not isinstance(watched, (QPushButton, QToolButton)) or not watched.hasFocus():
            return False
        if isinstance(watched, QPushButton) and (watched.autoDefault() or watched.isDefault()):
            return False        # a dialog button: Qt already activates it on Enter
        if watched.isEnabled():
            watched.click()
        return True


_installed: dict[int, AppKeys] = {}


def install(app: QApplication) -> AppKeys:
    """Set up the application's key filter once (later calls return it)."""
    keys = _installed.get(id(app))
    if keys is None:
        keys = AppKeys(app)
        _installed[id(app)] = keys
    return keys


class ZoomKeys(QObject):
    """Ctrl with +, = (zoom in) or -, _ (zoom out), in any of the forms a keyboard sends them,
    when no shortcut took the key press, in ``window`` and its dialogs. Registered with the
    application's ``AppKeys`` for as long as ``window`` lives."""

    def __init__(self, window: QWidget, zoom_in, zoom_out):
        super().__init__(window)
        self.window = window
        self.zoom_in, self.zoom_out = zoom_in, zoom_out
        app_keys = install(QApplication.instance())
        app_keys.zooms.append(self)
        app_keys.watch_window(window)
        self.destroyed.connect(lambda *_: app_keys.zooms.remove(self) if self in app_keys.zooms else None)

    def key_pressed(self, watched: QObject, event: QEvent) -> bool:
        """True when the key press was a zoom in this window (and has been done)."""
        if not isinstance(watched, QWidget) or watched is not (QApplication.focusWidget() or watched.window()):
            return False        # the same key press again, on its way up to the parents
        if event.modifiers() & ~_KEYPAD_OR_SHIFT != _CTRL:
            return False
        if watched.window() is not self.window and watched.window().parentWidget() is not self.window:
            return False
        if event.key() in ZOOM_IN_KEY_CODES:
            self.zoom_in()
            return True
        if event.key() in ZOOM_OUT_KEY_CODES:
            self.zoom_out()
            return True
        return False


class OptionGroupKeys(QObject):
    """Arrow keys within one group of option buttons; Tab enters the group once.

    The group is ``buttons()`` (called each time, as the visible rows change). Up/Left and
    Down/Right move to the previous and next button, wrapping as platform radio groups do;
    with ``select`` (a choose-one group) the button moved to is also chosen. With ``roving``
    only one button of the group is a Tab stop (the chosen one, else the first), so Tab and
    Shift+Tab step over the group in one press and the arrows do the moving, as on every
    desktop platform; a check list keeps every box a Tab stop."""

    def __init__(self, buttons, *, select: bool, roving: bool, parent: QObject | None = None):
        super().__init__(parent)
        self.buttons = buttons
        self.select = select
        self.roving = roving

    def watch(self, button: QAbstractButton) -> None:
        button.installEventFilter(self)
        if self.roving:
            button.toggled.connect(lambda *_: self.update_tab_stop())

    def update_tab_stop(self) -> None:
        if not self.roving:
            return
        buttons = self.buttons()
        current = next((b for b in buttons if b.isChecked()), None) or \
            next((b for b in buttons if b.hasFocus()), None) or (buttons[0] if buttons else None)
        for button in buttons:
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus if button is current else Qt.FocusPolicy.ClickFocus)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QWidget):
            return False
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False        # Alt+Up, Ctrl+arrows and the like are someone else's
        step = {Qt.Key.Key_Up: -1, Qt.Key.Key_Left: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_Right: 1}.get(event.key())
        if step is None:
            return False
        buttons = self.buttons()
        if watched not in buttons:
            return False
        target = buttons[(buttons.index(watched) + step) % len(buttons)]
        if self.select and target.isEnabled():
            target.setChecked(True)
        if self.roving:
            target.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        target.setFocus(Qt.FocusReason.TabFocusReason if step > 0 else Qt.FocusReason.BacktabFocusReason)
        self.update_tab_stop()
        return True

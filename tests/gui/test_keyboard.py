"""The one keyboard model (gui/keyboard.py), driven by real key presses (qtbot.keyClick).

Arrows choose within a choose-one group, Enter and Space press the focused button, Ctrl+Enter
decides or continues from anywhere on the incident screen, Tab follows the reading order, the
focused item is scrolled into view and the zoom keys work however "Ctrl and +" arrives.
"""

from __future__ import annotations

from helpers import FLAGSHIP, MINI, click
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from hydra_sim.gui.decision_panels import ContinuePanel

CTRL = Qt.KeyboardModifier.ControlModifier


def _start(qtbot, window, path=MINI):
    assert window.open_scenario_file(path)
    click(qtbot, window.briefing_screen.start_button)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())     # the offscreen platform activates windows too
    return window.controller, window.incident_screen


def _focus(qtbot, widget):
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)


def _key(qtbot, key, modifiers=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(QApplication.focusWidget(), key, modifiers)


def test_a_new_session_starts_with_the_focus_on_the_decision(qtbot, window):
    controller, screen = _start(qtbot, window)
    first = screen.panel.first_focus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first)
    assert screen.scroll.verticalScrollBar().value() == 0        # the scene text is shown from the top
    _key(qtbot, Qt.Key.Key_Down)
    assert screen.panel.selection() is not None


def test_ctrl_enter_decides_through_the_screen_shortcut(qtbot, window):
    controller, screen = _start(qtbot, window)
    panel = screen.panel
    fired = []
    for shortcut in screen.shortcuts:
        shortcut.activated.connect(lambda: fired.append(1))
    assert not any(s.isEnabled() for s in panel.shortcuts)     # one owner per key, or neither would fire
    button = panel.option_button("ambulance")
    _focus(qtbot, button)
    _key(qtbot, Qt.Key.Key_Space)
    assert button.isChecked()
    _key(qtbot, Qt.Key.Key_Return, CTRL)
    assert fired, "Ctrl+Enter did not reach the QShortcut"
    assert controller.runner.decisions[0].selection == "ambulance"
    # from the pinned action bar (outside the panel) and from the incident log too
    _focus(qtbot, screen.panel.decide_button)
    _key(qtbot, Qt.Key.Key_Enter, CTRL)
    assert [d.selection for d in controller.runner.decisions] == ["ambulance", []]   # ticking none is allowed
    _focus(qtbot, screen.log_view)
    _key(qtbot, Qt.Key.Key_Return, CTRL)
    assert len(controller.runner.decisions) == 3


def test_arrow_keys_choose_and_ctrl_enter_decides_what_they_chose(qtbot, window):
    controller, screen = _start(qtbot, window)
    panel = screen.panel
    first, second = (row.button for row in panel.rows.values())
    assert "arrow keys" in panel.hint.text()
    _focus(qtbot, first)
    assert not first.isChecked()                  # focus alone never chooses
    _key(qtbot, Qt.Key.Key_Down)
    assert second.isChecked() and second.hasFocus()
    _key(qtbot, Qt.Key.Key_Down)                  # wraps round, as platform radio groups do
    assert first.isChecked() and first.hasFocus() and not second.isChecked()
    _key(qtbot, Qt.Key.Key_Up)
    assert second.isChecked()
    # only the chosen option is a Tab stop: Shift+Tab and Tab step over the group in one press
    assert second.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert not first.focusPolicy() & Qt.FocusPolicy.TabFocus
    _key(qtbot, Qt.Key.Key_Return, CTRL)
    assert not panel.error.isVisible(), panel.error.text()
    chosen = next(option_id for option_id, row in panel.rows.items() if row.button is second)
    assert controller.runner.decisions[0].selection == chosen


def test_enter_and_space_press_the_focused_button(qtbot, window):
    controller, screen = _start(qtbot, window)
    panel = screen.panel
    panel.option_button("ambulance").setChecked(True)
    _focus(qtbot, panel.decide_button)
    _key(qtbot, Qt.Key.Key_Return)
    assert [d.selection for d in controller.runner.decisions] == ["ambulance"]
    _focus(qtbot, screen.panel.decide_button)
    _key(qtbot, Qt.Key.Key_Space)
    assert len(controller.runner.decisions) == 2
    _focus(qtbot, screen.pause_button)
    _key(qtbot, Qt.Key.Key_Enter)                 # the keypad's Enter too
    assert controller.paused
    _key(qtbot, Qt.Key.Key_Return)
    assert not controller.paused


def test_ctrl_enter_continues_a_scene_with_nothing_to_decide(qtbot, window):
    controller, screen = _start(qtbot, window)
    runner = controller.runner
    controller.choose("ambulance")
    controller.choose(["doors"])
    controller.choose(screen.panel.order())
    controller.choose({"threat_risk": "Twelve people in a sealed trailer, at risk of suffocating."})
    controller.choose("arrest", "He may be the organiser: evidence of trafficking.")
    assert runner.scene_id == "handover"
    assert isinstance(screen.panel, ContinuePanel)
    _focus(qtbot, screen.narrative)
    _key(qtbot, Qt.Key.Key_Return, CTRL)
    assert runner.ended


def test_ctrl_enter_does_nothing_while_paused(qtbot, window):
    controller, screen = _start(qtbot, window)
    screen.panel.option_button("ambulance").setChecked(True)
    window.pause_action.trigger()
    _focus(qtbot, screen.narrative)
    _key(qtbot, Qt.Key.Key_Return, CTRL)
    assert controller.runner.decisions == []


def _tab_stops(qtbot, start, count):
    _focus(qtbot, start)
    seen = [start]
    for _ in range(count):
        _key(qtbot, Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    return seen


def test_tab_follows_the_reading_order(qtbot, window):
    controller, screen = _start(qtbot, window)
    panel = screen.panel
    document = screen.media_buttons["note"]
    first_option = panel.rows[next(iter(panel.rows))].button
    assert panel.rationale_box is not None and panel.rationale_box.isVisible()     # "why" is optional here
    seen = _tab_stops(qtbot, screen.narrative, 5)
    assert seen == [screen.narrative, document, first_option, panel.rationale_box, panel.decide_button,
                    screen.pause_button]
    # Shift+Tab walks it back
    for _ in range(3):
        _key(qtbot, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is first_option
    # a ranking: the list, its move buttons, then Decide
    controller.choose("ambulance")
    controller.choose(["doors"])
    panel = screen.panel
    seen = _tab_stops(qtbot, screen.narrative, 6)
    assert seen == [screen.narrative, panel.list, panel.up_button, panel.down_button, panel.rationale_box,
                    panel.decide_button, screen.pause_button]


def test_the_focused_option_is_scrolled_into_view(qtbot, window):
    controller, screen = _start(qtbot, window, FLAGSHIP)
    window.resize(1100, 560)          # as a 1280x720 screen at a large zoom: the options run below the fold
    qtbot.waitUntil(lambda: screen.scroll.verticalScrollBar().maximum() > 0)
    panel = screen.panel
    buttons = [row.button for row in panel.rows.values()]
    viewport = screen.scroll.viewport()

    def shown(widget) -> bool:
        top = widget.mapTo(viewport, QPoint(0, 0)).y()
        return top >= 0 and top + widget.height() <= viewport.height()
    assert not shown(buttons[-1])
    _focus(qtbot, buttons[0])
    for _ in buttons[1:]:
        _key(qtbot, Qt.Key.Key_Down)
    assert buttons[-1].hasFocus() and buttons[-1].isChecked()
    assert shown(buttons[-1].parentWidget())
    _key(qtbot, Qt.Key.Key_Tab)                   # on to the 'why' box, below the options
    box = panel.rationale_box
    assert QApplication.focusWidget() is box and shown(box)


def test_zoom_keys_work_however_ctrl_plus_arrives(qtbot, window, monkeypatch):
    monkeypatch.setattr(window, "apply_view", lambda: None)    # the keys are tested here, not restyling
    window.set_zoom(1.0)
    for key, modifiers in ((Qt.Key.Key_Plus, CTRL), (Qt.Key.Key_Plus, CTRL | Qt.KeyboardModifier.ShiftModifier),
                           (Qt.Key.Key_Equal, CTRL), (Qt.Key.Key_Equal, CTRL | Qt.KeyboardModifier.ShiftModifier),
                           (Qt.Key.Key_Plus, CTRL | Qt.KeyboardModifier.KeypadModifier)):
        before = window.zoom
        qtbot.keyClick(QApplication.focusWidget() or window, key, modifiers)    # where a real key press goes
        assert window.zoom > before, f"{key} with {modifiers} did not zoom in"
    shortcuts = window.zoom_in_action.shortcuts()       # one form of Ctrl++, or X11 calls them ambiguous
    assert QKeySequence("Ctrl++") in shortcuts and QKeySequence("Ctrl+=") not in shortcuts
    for key, modifiers in ((Qt.Key.Key_Minus, CTRL), (Qt.Key.Key_Underscore, CTRL | Qt.KeyboardModifier.ShiftModifier)):
        before = window.zoom
        qtbot.keyClick(QApplication.focusWidget() or window, key, modifiers)
        assert window.zoom < before
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_0, CTRL)
    assert window.zoom == 1.0
    # a text box does not swallow it
    window.start_screen.trainee_id.setFocus()
    qtbot.waitUntil(lambda: window.start_screen.trainee_id.hasFocus())
    qtbot.keyClick(window.start_screen.trainee_id, Qt.Key.Key_Equal, CTRL)
    assert window.zoom > 1.0 and "=" not in window.start_screen.trainee_id.text()


def test_help_lists_the_keys(window):
    from hydra_sim.gui.main_window import SHORTCUTS
    keys = " ".join(k for k, _ in SHORTCUTS)
    for key in ("Ctrl+Enter", "Enter or Space", "Arrow keys", "Tab", "Ctrl++"):
        assert key in keys



def test_the_key_filter_sees_the_focused_widget_only(qtbot, window):
    """The key model's filter moves with the focus (issue 14): a widget that is not focused
    is painted without a Python call, and the filter follows the focus to the next control."""
    from hydra_sim.gui import keyboard
    seen = []

    class Recording(keyboard.AppKeys):          # the same filter placement, recording only
        def eventFilter(self, watched, event):  # noqa: N802 - Qt override
            seen.append(watched)
            return False

    controller, screen = _start(qtbot, window)
    panel = screen.panel
    recording = Recording(QApplication.instance())
    _focus(qtbot, panel.decide_button)
    seen.clear()
    screen.pause_button.repaint()
    panel.decide_button.repaint()
    assert screen.pause_button not in seen and panel.decide_button in seen
    _focus(qtbot, screen.pause_button)
    seen.clear()
    panel.decide_button.repaint()
    screen.pause_button.repaint()
    assert panel.decide_button not in seen and screen.pause_button in seen
    recording.deleteLater()
    _key(qtbot, Qt.Key.Key_Return)               # and Enter still presses what is focused now
    assert controller.paused


def test_enter_that_moves_the_focus_does_not_also_press_where_it_went(qtbot, window):
    """Found by the keyboard walkthrough (a window-wide filter tried for issue 14): Enter in a
    box whose Return moves the focus to a button travels on up to the window unused; it must
    not then count as Enter on that button."""
    from PySide6.QtWidgets import QLineEdit, QPushButton, QVBoxLayout, QWidget
    form = QWidget()
    qtbot.addWidget(form)
    box, button = QLineEdit(form), QPushButton("Start", form)
    layout = QVBoxLayout(form)
    layout.addWidget(box)
    layout.addWidget(button)
    pressed = []
    button.clicked.connect(lambda: pressed.append(1))
    box.returnPressed.connect(lambda: button.setFocus(Qt.FocusReason.OtherFocusReason))
    form.show()
    form.activateWindow()
    qtbot.waitUntil(lambda: form.isActiveWindow())
    _focus(qtbot, box)
    _key(qtbot, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is button and pressed == []
    _key(qtbot, Qt.Key.Key_Return)
    assert pressed == [1]

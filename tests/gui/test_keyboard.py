"""Ctrl+Enter decides through the panel's QShortcut, as a real key press does."""

from __future__ import annotations

from helpers import MINI, click
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


def test_ctrl_enter_decides_through_the_shortcut(qtbot, window):
    assert window.open_scenario_file(MINI)
    click(qtbot, window.briefing_screen.start_button)
    screen = window.incident_screen
    panel = screen.panel
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())     # the offscreen platform activates windows too
    fired = []
    for shortcut in panel.shortcuts:
        shortcut.activated.connect(lambda: fired.append(1))
    button = panel.option_button("ambulance")
    button.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is button)
    qtbot.keyClick(button, Qt.Key.Key_Space)
    assert button.isChecked()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert fired, "Ctrl+Enter did not reach the QShortcut"
    assert window.controller.runner.decisions[0].selection == "ambulance"
    # from the pinned action bar (outside the panel) too
    panel = screen.panel
    fired.clear()
    for shortcut in panel.shortcuts:
        shortcut.activated.connect(lambda: fired.append(1))
    panel.decide_button.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.decide_button)
    qtbot.keyClick(panel.decide_button, Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier)
    assert fired
    assert [d.selection for d in window.controller.runner.decisions] == ["ambulance", []]   # ticking none is allowed

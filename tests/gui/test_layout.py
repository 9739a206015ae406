"""Layout and wording of the incident screen: Decide never below the fold, the title once,
speaker lines without doubled roles, times not repeated in the log."""

from __future__ import annotations

import pytest
from helpers import FLAGSHIP, MINI, click, shoot
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication

from hydra_sim.engine.text import strip_time_prefix
from hydra_sim.gui.wording import speaker_line


def _start(qtbot, window, path=FLAGSHIP):
    assert window.open_scenario_file(path)
    click(qtbot, window.briefing_screen.start_button)
    assert window.stack.currentWidget() is window.incident_screen
    return window.controller, window.incident_screen


def _fully_on_screen(window, widget) -> bool:
    QApplication.processEvents()
    top_left = widget.mapTo(window, QPoint(0, 0))
    return widget.isVisible() and window.rect().contains(QRect(top_left, widget.size()))


@pytest.mark.parametrize("size", [(1440, 900), (1280, 720)])
def test_decide_is_visible_without_scrolling(qtbot, window, size):
    window.resize(*size)
    controller, screen = _start(qtbot, window)
    assert screen.scroll.verticalScrollBar().value() == 0
    assert _fully_on_screen(window, screen.panel.decide_button)
    click(qtbot, screen.panel.decide_button)           # nothing chosen: the message shows, also unscrolled
    assert screen.panel.error.isVisible()
    assert _fully_on_screen(window, screen.panel.error)
    if size == (1280, 720):
        shoot(window, "incident-1280x720")
    click(qtbot, screen.panel.option_button("threat_to_life"))
    click(qtbot, screen.panel.decide_button)
    assert controller.runner.scene_id != "call_received"
    assert _fully_on_screen(window, screen.panel.decide_button)


def test_long_checklist_keeps_decide_pinned(qtbot, window, fake_time):
    window.resize(1280, 720)
    controller, screen = _start(qtbot, window, MINI)
    click(qtbot, screen.panel.option_button("ambulance"))
    click(qtbot, screen.panel.decide_button)
    scroll = screen.scroll.verticalScrollBar()
    scroll.setValue(scroll.maximum())
    assert _fully_on_screen(window, screen.panel.decide_button)
    scroll.setValue(0)


def test_scene_title_shown_once_and_speaker_worded(qtbot, window):
    _, screen = _start(qtbot, window)
    title = window.controller.scene.title
    shown = [w for w in screen.findChildren(type(screen.scene_heading)) if w.isVisible() and w.text() == title]
    assert shown == [screen.scene_heading]
    speaker = screen.speaker_label.text()
    assert speaker == "Speaking: Mick Farrant, HGV driver (first caller)"
    assert "((" not in speaker and ") (" not in speaker


def test_speaker_line_and_time_prefix_wording():
    assert speaker_line("Westmarch control room", "radio") == "Radio \u00b7 Westmarch control room"
    assert speaker_line("Mick Farrant, HGV driver (first caller)", "caller") == \
        "Mick Farrant, HGV driver (first caller)"
    assert speaker_line("PC Kemi Osei, response", "officer") == "PC Kemi Osei, response"
    assert strip_time_prefix("04:10: A 999 call") == "A 999 call"
    assert strip_time_prefix("04:20 \u2013 Arrival") == "Arrival"
    assert strip_time_prefix("Arrival at 04:20") == "Arrival at 04:20"


def test_log_does_not_repeat_the_time(qtbot, window):
    _, screen = _start(qtbot, window)
    first = screen.log_view.texts()[0]
    assert first.startswith("04:10")
    assert "04:10" not in first[5:], first

"""A new scene opens at the top of its text at 1280x720 (issue 16).

At 1280x720 a new scene used to scroll just far enough to show its first option, so the scene
card's first lines (what the trainee must read first) could be above the fold. Now each scene
opens with the scene card's top in view and the focus on its first control; the first key that
control gets, or moving the focus to another option, scrolls it into view.
"""

from __future__ import annotations

from helpers import click, identify_and_open, play_step, shoot, start_scenario
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from test_screen_fit import _flagship_steps, flagship_at, settle

from hydra_sim.gui.decision_panels import ChooseOnePanel


def _card_top(screen) -> int:
    return screen.scene_card.mapTo(screen.scroll.viewport(), QPoint(0, 0)).y()


def _in_view(screen, widget) -> bool:
    top = widget.mapTo(screen.scroll.viewport(), QPoint(0, 0)).y()
    return top >= 0 and top + widget.height() <= screen.scroll.viewport().height()


def test_every_flagship_scene_opens_at_the_top_of_its_text(qtbot, window, fake_time):
    screen = flagship_at(qtbot, window, "1280x720")
    seen, below_fold = [], 0
    for step in _flagship_steps():
        if step.kind not in ("expect", "mark", "wait", "expire"):
            settle()
            scene = window.controller.runner.scene_id
            if scene not in seen:
                seen.append(scene)
                assert _card_top(screen) >= 0, f"scene {scene}: the scene card's top is above the fold"
                first = screen.first_focus()
                assert first.hasFocus() or not window.isActiveWindow(), f"scene {scene}: focus is on its first control"
                below_fold += not _in_view(screen, first)
                if len(seen) == 2:
                    shoot(window, "incident-scene-top-1280x720")
        play_step(qtbot, window, step, fake_time)
    assert len(seen) >= 10, seen
    assert below_fold, "at 1280x720 some scene's first control starts below the fold (else this tests nothing)"


def test_the_first_key_or_a_focus_move_brings_the_option_into_view(qtbot, window, fake_time):
    """The option below the fold is scrolled into view once the trainee acts on it."""
    qtbot.waitUntil(lambda: not window.library_loading, timeout=10000)
    identify_and_open(qtbot, window, "Brackenford Services: banging")
    start_scenario(qtbot, window)
    screen = window.incident_screen
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    panel = screen.panel
    while not isinstance(panel, ChooseOnePanel):            # the first choose-one scene
        click(qtbot, panel.decide_button)
        panel = screen.panel
    window.resize(1100, 420)            # short: the options run below the fold
    screen.focus_first()
    settle()
    first = QApplication.focusWidget()
    assert first is screen.first_focus()
    assert _card_top(screen) >= 0
    row = first.parentWidget()
    assert not _in_view(screen, row), "the first option starts below the fold (else this tests nothing)"
    qtbot.keyClick(first, Qt.Key.Key_Space)           # selects it, and brings it into view
    settle()
    assert _in_view(screen, row)
    screen.focus_first()            # the scene again from the top: an arrow key moves to the next option
    settle()
    assert _card_top(screen) >= 0
    qtbot.keyClick(first, Qt.Key.Key_Down)
    settle()
    moved = QApplication.focusWidget()
    assert moved is not first and _in_view(screen, moved.parentWidget())

"""Trainee and trainer screens speak the scenario's words: no ids, file paths or formulas."""

from __future__ import annotations

import re

from helpers import FLAGSHIP, MINI, click

from hydra_sim.gui.briefing_screen import SCORING_TEXT
from hydra_sim.gui.debrief_export import actions_html


def _start(qtbot, window, path=MINI):
    assert window.open_scenario_file(path)
    click(qtbot, window.briefing_screen.start_button)
    return window.controller, window.incident_screen


def test_the_briefing_cites_no_file():
    assert "docs/" not in SCORING_TEXT and ".md" not in SCORING_TEXT


def test_an_update_is_said_once(qtbot, window):
    controller, screen = _start(qtbot, window, FLAGSHIP)
    controller.tick(4 * 60)                      # the 04:14 update from control
    update = next(t for t in screen.log_view.texts() if "Tango 3-1" in t)
    assert "Update from" in update and "Update: Update" not in update


def test_the_log_says_each_kind_once_and_names_boxes(qtbot, window):
    controller, screen = _start(qtbot, window)
    controller.choose("ambulance")
    controller.choose(["doors"])
    controller.choose(screen.panel.order())
    controller.choose({"threat_risk": "Twelve people in a sealed trailer.", "powers_policy": "Section 1 PACE."})
    texts = screen.log_view.texts()
    assert any("You decided: Send an ambulance" in t for t in texts)
    rationale = next(t for t in texts if "Rationale recorded" in t)
    assert "Threat and risk" in rationale and "Powers and policy" in rationale
    assert "threat_risk" not in rationale and "powers_policy" not in rationale
    assert not any("Decision: Decided" in t or "You decided: You decided" in t for t in texts)


def test_the_debrief_explains_in_scene_titles_and_words(qtbot, window):
    controller, screen = _start(qtbot, window, FLAGSHIP)
    runner = controller.runner
    from hydra_sim.engine import score_runner
    report = score_runner(runner)
    html = actions_html(controller.scenario, report)
    assert "window:" not in html and "(no time limit))" not in html
    assert not re.search(r"\d x \d", html)
    for scene_id in controller.scenario.scenes:
        assert f"'{scene_id}'" not in html

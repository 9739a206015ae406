"""A run condition changed live at a trainee app station: the scene's options follow it at once, and
the incident log says so only when the scenario marks the condition ``announce``."""

from __future__ import annotations

import pytest
from helpers import click
from live_support import seated_with_condition

LABELS = {"nearby": "a second unit was five minutes away", "far_off": "the second unit was twenty minutes away"}


@pytest.mark.parametrize("announce", [False, True])
def test_a_live_condition_change_reaches_the_open_scene(qtbot, window, tmp_path, announce):
    assert window.open_scenario_file(seated_with_condition(tmp_path, announce=announce))
    click(qtbot, window.briefing_screen.start_button)
    controller = window.controller
    controller.mark_facilitated()
    runner = controller.runner
    controller.choose("dispatch_both")
    controller.choose("open_and_count")
    drawn = runner.variables["backup"]               # drawn from the session's seed
    new = "far_off" if drawn == "nearby" else "nearby"
    offered = {"nearby": ["ask_for_count"], "far_off": ["ask_for_count", "press_on"]}
    assert runner.scene_id == "update" and sorted(o.id for o in runner.available_options()) == offered[drawn]
    changed = []
    controller.scene_changed.connect(lambda: changed.append(True))
    before = len(controller.history)
    entry = controller.apply_intervention("set_condition", variable="backup", value=new, command_id="c9")
    assert entry["from"] == drawn
    assert changed == [True]                          # the screen shows the scene again, with the new options
    assert set(window.incident_screen.panel.rows) == set(offered[new])
    added = [(e.kind, e.title, e.detail) for e in controller.history[before:]]
    if announce:
        assert added == [("inject", "Update from the facilitator", f"Second unit: {LABELS[new]}.")]
    else:
        assert added == []                            # the effect, not the mechanism

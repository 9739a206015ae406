"""Consequences bite: in every bundled scenario, under every run condition, the good ending
cannot be reached with a poor response (the explorer's lowest score there is at least 50%)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hydra_sim.engine import load_scenario
from hydra_sim.engine.explorer import explore
from hydra_sim.engine.run_conditions import combinations

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
GOOD_ENDING_FLOOR = 50.0


@pytest.mark.parametrize("name", ["brackenford-services", "layby-drop", "trailer-fatality", "front-counter"])
def test_the_good_ending_needs_a_good_response(name):
    scenario = load_scenario(SCENARIOS / f"{name}.yaml").raise_for_errors()
    good = {e.id for e in scenario.endings.values() if e.outcome == "good"}
    for conditions in combinations(scenario):
        report = explore(scenario, conditions=conditions)
        bounds = [b for b in report.endings if b.ending_id in good]
        assert all(b.exact for b in bounds), f"{name} {conditions}: the explorer could not finish"
        lowest = {b.ending_id: b.min_percent for b in bounds}
        assert lowest, f"{name} {conditions}: no good ending is reachable"
        assert min(lowest.values()) >= GOOD_ENDING_FLOOR, (name, conditions, lowest)

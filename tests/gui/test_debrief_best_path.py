"""The debrief's "your path and the best path" never waits on the explorer.

The best path is worked out ahead (when the scenario is opened), off the GUI thread, within
a budget; the debrief only reads it. A scenario the explorer cannot finish exactly gets a
plain "no exact answer" beside the best path found; one still being worked out says so and
fills in when the answer arrives.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from helpers import click, play_step, shoot

from hydra_sim.engine.plan import Step

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))     # benchmarks/ is not an installed package; run from the checkout

from benchmarks.explorer_shapes import make_realistic  # noqa: E402

# A quick way through the generated realistic scenario to an ending (no clock running).
STEPS = [Step("choose", "call", "refer"), Step("choose", "grade", []), Step("continue", "travel"),
         Step("choose", "arrive", "wait_bf"), Step("choose", "inside", ["count"]),
         Step("choose", "driver", "release"), Step("choose", "yard", "move_lorry"),
         Step("choose", "language", "phone_app"), Step("choose", "separate", "together"),
         Step("continue", "lead"), Step("choose", "lead_handover", "let_go"), Step("continue", "welfare_check"),
         Step("continue", "late_welfare"), Step("choose", "safeguarding", "adult"),
         Step("choose", "record_why", {"threat_risk": "The group were at risk in the trailer.",
                                       "parts": {"power": "custody"}})]


def play_to_the_debrief(qtbot, window, fake_time):
    click(qtbot, window.briefing_screen.start_button)
    for step in STEPS:
        play_step(qtbot, window, step, fake_time)
    assert window.controller.runner.ended == "stalled"
    assert window.stack.currentWidget() is window.debrief_screen
    return window.debrief_screen


def test_debrief_shows_at_once_when_no_exact_best_path_exists(qtbot, window, fake_time, tmp_path):
    path = make_realistic(tmp_path)
    service = window.best_paths
    service.cache.budget = 0.5           # far too little for this scenario: the answer cannot be exact
    assert window.open_scenario_file(path)
    scenario = window.chosen_scenario
    # worked out ahead, while the trainee reads the briefing and plays
    qtbot.waitUntil(lambda: service.result(scenario) is not None, timeout=30000)
    debrief = play_to_the_debrief(qtbot, window, fake_time)
    # at once: nothing left to wait for when the debrief appears
    assert debrief.best_path is not None and not debrief.best_path.exact
    assert debrief.best_steps is not None
    debrief.tabs.setCurrentIndex(1)
    text = debrief.path_view.toPlainText()
    assert "No exact answer" in text and "too many combinations" in text
    assert "The best path found" in text and "a better one may exist" in text
    assert "still being worked out" not in text
    shoot(window, "debrief-best-path-not-exact")
    pdf = debrief.export_pdf()
    assert pdf is not None and pdf.read_bytes().startswith(b"%PDF")


class _SlowCache:
    """A best-path cache whose search only finishes when the test says so."""

    def __init__(self, real):
        self.real = real
        self.release = threading.Event()
        self.result = None

    def key(self, scenario, conditions=None):
        return self.real.key(scenario, conditions)

    def get(self, scenario, conditions=None):
        return self.result

    def compute(self, scenario, conditions=None):
        assert self.release.wait(30)
        from hydra_sim.engine.best_path import BestPath
        self.result = BestPath("not_exact", [], None)
        return self.result

    def cancel_all(self):
        self.release.set()


def test_debrief_never_waits_for_a_search_still_running(qtbot, window, fake_time, tmp_path):
    path = make_realistic(tmp_path)
    service = window.best_paths
    slow = service.cache = _SlowCache(service.cache)
    assert window.open_scenario_file(path)
    debrief = play_to_the_debrief(qtbot, window, fake_time)
    # the search has not finished: the debrief is shown anyway, and says so
    assert debrief.best_path is None and debrief.best_steps is None
    assert "Result:" in debrief.grade_label.text()
    debrief.tabs.setCurrentIndex(1)
    assert "still being worked out" in debrief.path_view.toPlainText()
    slow.release.set()
    qtbot.waitUntil(lambda: debrief.best_path is not None, timeout=10000)
    text = debrief.path_view.toPlainText()
    assert "No exact answer" in text and "No path to compare with was found" in text

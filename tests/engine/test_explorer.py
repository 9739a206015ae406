"""Explorer: endings, bounds, missable critical actions and paths that replay for real."""

import pytest
from engine_helpers import FLAGSHIP, MINI

from hydra_sim.engine import load_scenario, score_runner
from hydra_sim.engine.explorer import explore
from hydra_sim.engine.plan import Step, run_plan


def steps_from(path):
    steps = []
    for step in path:
        key, value = next(iter(step.items()))
        if key == "mark":                          # the rubric, marked met as the explorer assumed
            steps.append(Step("mark", value, step["marks"], "explorer"))
        elif key == "wait":
            steps.append(Step("wait", None, minutes=value))
        elif key in ("expire", "continue"):
            steps.append(Step(key, value))
        else:
            steps.append(Step("choose", key, value, "explored"))
    return steps


@pytest.fixture(scope="module")
def mini_report():
    scenario = load_scenario(MINI).raise_for_errors()
    return scenario, explore(scenario)


def test_mini_endings_and_full_marks(mini_report):
    scenario, report = mini_report
    assert {e.ending_id for e in report.endings} == {"good_end", "lost_end", "tragedy"}
    assert report.unreachable_endings == []
    assert report.full_marks_path is not None
    result = run_plan(scenario, steps_from(report.full_marks_path))
    assert result.problem is None and score_runner(result.runner).percent == 100.0


def test_mini_missable_critical_with_example_path(mini_report):
    scenario, report = mini_report
    assert set(report.missable_critical) == {"send_ambulance", "ventilate"}
    path = report.missable_critical["ventilate"]
    result = run_plan(scenario, steps_from(path))
    assert result.runner.ended is not None
    status = {a.action_id: a.status for a in score_runner(result.runner).actions}
    assert status["ventilate"] in ("missed", "contravened")


def test_unachievable_action_is_reported(tmp_path):
    from engine_helpers import write_variant
    path = write_variant(tmp_path, [("          evidences: [escalate_death]\n", "          evidences: [escalate_death]\n"
                                     "          if: delay > 5\n")])
    report = explore(load_scenario(path).raise_for_errors())
    assert "escalate_death" in report.unachievable_actions


@pytest.fixture(scope="module")
def flagship_report():
    scenario = load_scenario(FLAGSHIP).raise_for_errors()
    return scenario, explore(scenario)


def test_flagship_every_ending_reachable_and_full_marks(flagship_report):
    scenario, report = flagship_report
    assert report.unreachable_endings == []
    assert {e.ending_id for e in report.endings} == set(scenario.endings)
    assert report.full_marks_path is not None and not report.approximate
    assert report.unachievable_actions == []


def test_flagship_bounds_are_real_paths(flagship_report):
    scenario, report = flagship_report
    for ending in report.endings:
        for path, bound in ((ending.best_path, ending.max_percent), (ending.worst_path, ending.min_percent)):
            result = run_plan(scenario, steps_from(path))
            assert result.problem is None
            assert result.runner.ended == ending.ending_id
            assert score_runner(result.runner).percent == pytest.approx(bound, abs=0.06)


def test_state_cap_stops_with_a_note():
    scenario = load_scenario(FLAGSHIP).raise_for_errors()
    report = explore(scenario, max_states=50)
    assert report.approximate and any("stopped after" in n for n in report.notes)

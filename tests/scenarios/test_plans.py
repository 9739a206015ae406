"""Every playthrough test plan shipped in scenarios/ passes (authors' tests run in CI)."""

from pathlib import Path

import pytest

from hydra_sim.engine import load_scenario
from hydra_sim.engine.plan import Expectation, Step, check_expectation, load_test_plan, run_test_plan
from hydra_sim.engine.problems import Location

REPO = Path(__file__).resolve().parents[2]
PLANS = sorted((REPO / "scenarios").glob("*.plan.yaml"))


def test_bundled_plans_exist():
    assert len(PLANS) >= 2


@pytest.mark.parametrize("plan_path", PLANS, ids=[p.name for p in PLANS])
def test_plan_passes(plan_path):
    plan, problems = load_test_plan(plan_path)
    assert plan is not None and not problems, [p.format() for p in problems]
    assert plan.expectation is not None, "every bundled plan states what it expects"
    loaded = load_scenario(plan.scenario_path())
    assert loaded.ok, [p.format() for p in loaded.problems]
    result = run_test_plan(plan, loaded.scenario)
    assert result.passed, [p.format() for p in result.problems]


def test_failed_expectations_are_reported_in_words():
    scenario = load_scenario(REPO / "tests" / "fixtures" / "mini" / "mini.yaml").raise_for_errors()
    from hydra_sim.engine import run_plan
    result = run_plan(scenario, [Step("choose", "call", "refer")])
    failures = check_expectation(result.runner, Expectation(
        Location("x", 1, 1), scene="priorities", ending="good_end", grade="distinction", score_min=50,
        variables={"ambulance": True}, actions={"send_ambulance": "on_time"}, critical_failures=[],
        visited=["priorities"], not_visited=["call"]))
    text = "\n".join(failures)
    for fragment in ("scene 'priorities'", "ending 'good_end'", "grade 'distinction'", "at least 50%",
                     "ambulance = True", "send_ambulance on_time, got contravened", "critical failures",
                     "visited 'priorities'", "not to visit 'call'"):
        assert fragment in text


def test_mid_plan_expect_step_stops_at_its_line(tmp_path):
    mini = REPO / "tests" / "fixtures" / "mini" / "mini.yaml"
    plan_file = tmp_path / "mini.check.plan.yaml"
    plan_file.write_text(f"scenario: {mini}\nsteps:\n  - call: refer\n  - expect: {{scene: priorities}}\n"
                         "  - arrive: [doors]\n", encoding="utf-8")
    plan, problems = load_test_plan(plan_file)
    assert not problems
    result = run_test_plan(plan, load_scenario(plan.scenario_path()).raise_for_errors())
    assert not result.passed
    assert result.problems[0].code == "P003" and result.problems[0].location.line == 4
    assert "at 'arrive'" in result.problems[0].message


def test_long_form_step_without_choose_is_a_located_problem(tmp_path):
    plan_file = tmp_path / "mini.bad.plan.yaml"
    plan_file.write_text("steps:\n  - scene: call\n    rationale: because\n", encoding="utf-8")
    plan, problems = load_test_plan(plan_file)
    assert plan is not None and plan.steps == []
    assert [(p.code, p.location.line) for p in problems] == [("S001", 2)]

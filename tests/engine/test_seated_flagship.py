"""The seated flagship (scenarios/brackenford-seated.yaml): loads and lints clean, every plan
reaches its ending with its grade band, text-blind strategies fail for every seat played alone,
and every seat can be played alone to an ending. Must not import Qt."""

from __future__ import annotations

from pathlib import Path

import pytest

from hydra_sim.engine.audit import audit, within_targets
from hydra_sim.engine.lint import lint_scenario
from hydra_sim.engine.loader import load_scenario
from hydra_sim.engine.plan import load_test_plan, run_test_plan
from hydra_sim.engine.problems import ERROR, WARNING
from hydra_sim.engine.runner import ScenarioRunner
from hydra_sim.engine.scoring import score_runner
from hydra_sim.engine.seats import seat_actions, sent_messages, stand_in_selection

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
FILE = SCENARIOS / "brackenford-seated.yaml"
SEATS = ("control", "scene", "manager", "investigator")


@pytest.fixture(scope="module")
def seated():
    result = load_scenario(FILE)
    assert result.ok, [p.format() for p in result.problems]
    return result.scenario


def test_four_seats_many_decisions_and_messages(seated):
    assert tuple(seated.seats) == SEATS
    decisions = [s for s in seated.scenes.values() if s.decision is not None]
    assert len(decisions) >= 12
    assert {s.seat for s in decisions} == set(SEATS)
    assert len({m.id for m in sent_messages(seated)}) >= 12
    assert all(s.decision.stand_in is not None for s in decisions)


def test_lints_without_errors_or_warnings(seated):
    problems = lint_scenario(seated)
    assert [p.format() for p in problems if p.severity in (ERROR, WARNING)] == []


PLANS = sorted(SCENARIOS.glob("brackenford-seated.*.plan.yaml"))


def _plan(path):
    plan, problems = load_test_plan(path)
    assert plan is not None, [p.format() for p in problems]
    return plan


@pytest.mark.parametrize("plan_file", PLANS, ids=lambda p: p.name)
def test_every_plan_passes(seated, plan_file):
    plan = _plan(plan_file)
    assert plan.expectation is not None and plan.expectation.ending     # each plan says where it ends
    result = run_test_plan(plan, seated)
    assert result.passed, [p.format() for p in result.problems]


def test_the_best_plan_is_a_distinction_and_the_careless_plan_fails(seated):
    best = run_test_plan(_plan(SCENARIOS / "brackenford-seated.best.plan.yaml"), seated)
    careless = run_test_plan(_plan(SCENARIOS / "brackenford-seated.careless.plan.yaml"), seated)
    assert score_runner(best.runner).grade_id == "distinction"
    worst = score_runner(careless.runner)
    assert worst.grade_id == "not_yet_competent" and worst.percent <= 5


def test_there_is_a_plan_for_every_seat_alone():
    seats = {_plan(p).seat for p in PLANS}
    assert set(SEATS) <= seats and None in seats


@pytest.mark.parametrize("seat", (None,) + SEATS)
def test_text_blind_strategies_fail_for_every_seat(seated, seat):
    report = audit(seated, seeds=41, seat=seat)
    assert report.seat == seat
    assert within_targets(report)
    assert not any(s.passed for s in report.strategies)
    fixed = [s for s in report.strategies if s.name != "random"]
    assert max(s.percent for s in fixed) <= 20      # a clear margin under the 40% limit


@pytest.mark.parametrize("seat", SEATS)
def test_every_seat_alone_reaches_an_ending_with_stand_ins(seated, seat):
    """The seat's own decisions answered as its stand-in would: the incident ends well."""
    runner = ScenarioRunner(seated, seat=seat)
    runner.start()
    for _ in range(100):
        if runner.ended:
            break
        decision = runner.decision
        if decision is None:
            runner.continue_()
            continue
        assert seated.scenes[runner.scene_id].seat == seat      # the trainee only meets their own scenes
        selection, _fallback = stand_in_selection(decision, runner.available_options())
        runner.choose(selection)
    assert runner.ended == "everyone_safe"
    report = score_runner(runner)
    assert report.seat == seat and report.grade_id != "not_yet_competent"
    assert {a.action_id for a in report.actions} == seat_actions(seated, seat)
    # a believable colleague, not a perfect one: every stand-in misses something
    assert report.percent < 100.0


def test_the_inspector_plans_for_twelve_only_when_the_scene_sent_the_count(seated):
    runner = ScenarioRunner(seated, seat="manager")
    runner.start()
    runner.choose("take_command")
    assert runner.scene_id == "custody_plan"
    offered = {o.id for o in runner.available_options()}
    assert "plan_for_twelve" in offered and "ask_for_count" not in offered
    played = run_test_plan(_plan(SCENARIOS / "brackenford-seated.scene-no-count.plan.yaml"), seated)
    custody = next(e for e in played.runner.log if e.get("scene") == "custody_plan")
    assert custody["selection"] == "ask_for_count" and custody["stand_in"] is True


def test_a_seat_is_scored_only_on_actions_its_own_scenes_can_evidence(seated):
    # contact_nccu belongs to CR and FR, but only the control room's scenes can evidence it
    assert "contact_nccu" in seat_actions(seated, "control")
    assert "contact_nccu" not in seat_actions(seated, "scene")
    # inv_agree_investigative_lead is IM and INV: only the investigator's scenes evidence it
    assert "inv_agree_investigative_lead" in seat_actions(seated, "investigator")
    assert "inv_agree_investigative_lead" not in seat_actions(seated, "manager")
    every = set().union(*(seat_actions(seated, s) for s in SEATS))
    assert every == set(seated.assessed)

"""Fair denominators: "not reached" is not "missed", and ending the incident early never pays."""

from __future__ import annotations

import pytest
from engine_helpers import FLAGSHIP, MINI, REPO

from hydra_sim.engine.loader import load_scenario
from hydra_sim.engine.plan import load_plan, load_test_plan, run_plan, run_test_plan
from hydra_sim.engine.runner import ScenarioRunner
from hydra_sim.engine.scoring import MISSED, NOT_REACHED, score_runner, score_session


@pytest.fixture(scope="module")
def flagship():
    return load_scenario(FLAGSHIP).scenario


@pytest.fixture(scope="module")
def mini():
    return load_scenario(MINI).scenario


def played(scenario, plan: str):
    steps, problems = load_plan(REPO / "scenarios" / plan)
    assert steps is not None, problems
    result = run_plan(scenario, steps)
    assert result.problem is None
    return result.runner


def test_the_careless_path_lists_not_reached_apart_from_missed(flagship):
    runner = played(flagship, "brackenford-services.careless.plan.yaml")
    report = score_runner(runner)
    statuses = {a.action_id: a.status for a in report.actions}
    not_reached = {a for a, s in statuses.items() if s == NOT_REACHED}
    missed = {a for a, s in statuses.items() if s == MISSED}
    assert not_reached and missed
    assert set(report.not_reached) == not_reached
    # missed means a decision on the path offered it; not reached means none did
    assert missed <= runner.offered
    assert not (not_reached & runner.offered)
    for action in report.actions:
        if action.status == NOT_REACHED:
            assert action.explanation.startswith("Not reached:")
            assert "counts as 0" in action.explanation        # the incident ended in harm


def test_an_early_bad_ending_counts_what_it_cut_off_and_caps_the_grade(flagship):
    report = score_runner(played(flagship, "brackenford-services.careless.plan.yaml"))
    assert report.outcome == "harm" and report.not_reached_counted
    assert report.possible == report.scenario_possible      # the whole scenario, not the short path
    critical_cut_off = [a.action_id for a in report.actions if a.critical and a.status == NOT_REACHED]
    assert critical_cut_off and set(critical_cut_off) <= set(report.critical_failures)
    assert report.grade_cap == "competent"
    assert "did not end well" in report.outcome_judgement


def test_a_good_ending_is_scored_on_what_the_path_allowed(mini):
    runner = ScenarioRunner(mini)
    runner.start()
    for selection, why in (("ambulance", "life first"), (["doors", "bwv"], None),
                           (["medical", "lorry", "forms"], None), ({"threat_risk": "suffocation"}, None),
                           ("arrest", "he controls the vehicle")):
        runner.choose(selection, why)
    runner.continue_()
    assert runner.ended == "good_end"
    full = score_runner(runner)
    assert full.not_reached == []
    # The same session as if one action had never been offered on this path: it is left out.
    offered = set(runner.offered) - {"bwv_on"}
    ledger = [c for c in runner.ledger if c.action_id != "bwv_on"]
    report = score_session(mini, ledger, runner.milestones, runner.variables, runner.ended, runner.clock.seconds,
                           offered=offered)
    action = next(a for a in report.actions if a.action_id == "bwv_on")
    assert action.status == NOT_REACHED and "not counted" in action.explanation
    assert report.possible == full.possible - action.weight
    assert report.percent == full.percent == 100.0
    assert report.grade_cap is None and not report.not_reached_counted


def test_ending_early_never_scores_better_than_the_path_percentage(mini):
    # No ambulance: the incident goes to the tragedy ending before priorities, the NDM form and
    # the driver. Scored on its short path alone it would look better than it is.
    runner = ScenarioRunner(mini)
    runner.start()
    runner.choose("refer", "home office job")
    runner.choose(["doors", "bwv"])
    assert runner.ended == "tragedy"
    report = score_runner(runner)
    assert report.not_reached and report.not_reached_counted
    reached_only = report.possible - sum(a.weight for a in report.actions if a.status == NOT_REACHED)
    path_percent = max(0.0, report.earned) / reached_only * 100 if reached_only else 0.0
    assert report.percent <= path_percent
    assert report.grade_id != "distinction"


def test_a_session_the_facilitator_ended_is_scored_on_what_was_reached(mini):
    runner = ScenarioRunner(mini)
    runner.start()
    runner.choose("ambulance", "life first")
    runner.apply_intervention("end")
    report = score_runner(runner)
    assert report.not_reached and not report.not_reached_counted
    assert report.possible < report.scenario_possible
    assert not set(report.not_reached) & set(report.critical_failures)
    assert report.outcome == "ended by the facilitator" and "facilitator" in report.outcome_judgement


def test_an_unfinished_session_has_nothing_not_reached(mini):
    runner = ScenarioRunner(mini)
    runner.start()
    runner.choose("ambulance", "life first")
    report = score_runner(runner)
    assert report.not_reached == [] and report.ending_account == {}


def test_the_debrief_account_names_the_decisions_that_led_to_the_ending(mini):
    runner = ScenarioRunner(mini)
    runner.start()
    runner.choose("refer", "home office job")
    runner.choose(["doors", "bwv"])
    account = score_runner(runner).ending_account
    assert account["ending_id"] == "tragedy" and account["outcome"] == "harm"
    by_scene = {d["scene_id"]: d for d in account["decisions"]}
    # 'refer' set nothing but went against sending an ambulance, and 'arrive' was the last decision
    assert "call" in by_scene and any("went against" in r for r in by_scene["call"]["reasons"])
    assert by_scene["call"]["choice"] == "Refer to the Home Office"
    assert "the last decision before the end" in by_scene["arrive"]["reasons"]


def test_the_account_follows_a_conditional_turn_back_to_the_decision_that_set_it(mini):
    runner = ScenarioRunner(mini)
    runner.start()
    runner.choose("ambulance", "life first")     # sets ambulance: the route out of 'arrive' reads it
    runner.choose(["doors"])
    assert any(t["reads"] == ["ambulance"] and t["decisions"] == [0] for t in runner.turns)


@pytest.mark.parametrize("plan", sorted(p.name for p in (REPO / "scenarios").glob("*.plan.yaml")))
def test_the_ending_account_says_why_in_the_trainees_words_never_ids(plan):
    scenario = load_scenario(REPO / "scenarios" / (plan.split(".")[0] + ".yaml")).scenario
    test_plan, problems = load_test_plan(REPO / "scenarios" / plan)
    assert test_plan is not None, problems
    result = run_test_plan(test_plan, scenario)      # with the plan's run conditions
    assert result.passed and result.runner is not None, result.problems
    account = score_runner(result.runner).ending_account
    if not result.runner.ended:             # a script that stops mid-incident (to check a state)
        assert account == {}
        return
    ids = set(scenario.variables) | {i.id for i in scenario.all_injects()}
    words = {name.replace("_", " ") for name in ids} | ids
    reasons = [r for d in account["decisions"] for r in d["reasons"]]
    assert reasons
    for reason in reasons:
        assert "what it set" not in reason
        assert not [w for w in words if f"({w})" in reason or f"({w}," in reason], reason
        assert not [i for i in ids if "_" in i and i in reason], reason

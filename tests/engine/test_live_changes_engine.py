"""Live changes by the facilitator: a run condition changed mid-session, a pod seat handed to its
stand-in. Each is logged, replays exactly, takes effect, and is marked in the score report."""

from __future__ import annotations

import pytest
from engine_helpers import FIXTURES, FLAGSHIP
from live_support import seated_with_condition as write_variant

from hydra_sim.engine import load_scenario
from hydra_sim.engine.runner import InjectFired, RunnerError, ScenarioRunner
from hydra_sim.engine.scoring import score_runner

PODS = FIXTURES / "pods" / "pods.yaml"


@pytest.fixture(scope="module")
def flagship():
    return load_scenario(FLAGSHIP).scenario


@pytest.fixture(scope="module")
def pods():
    return load_scenario(PODS).scenario


def seated_with_condition(tmp_path, announce: bool):
    result = load_scenario(write_variant(tmp_path, announce))
    assert result.scenario is not None, [p.format() for p in result.problems]
    return result.scenario


def started(scenario, **kwargs) -> ScenarioRunner:
    runner = ScenarioRunner(scenario, **kwargs)
    runner.start()
    return runner


def replayed(runner: ScenarioRunner) -> ScenarioRunner:
    return ScenarioRunner.restore(runner.scenario, [dict(e) for e in runner.log])


def test_a_condition_changed_live_is_logged_applied_replayed_and_marked(flagship):
    runner = started(flagship, seed=7, conditions={"ambulance": "nearest_crew"})
    runner.advance(260)
    entry = runner.apply_intervention("set_condition", variable="ambulance", value="crews_held",
                                      command_id="k1", by="facilitator")
    assert entry["variable"] == "ambulance" and entry["value"] == "crews_held" and entry["from"] == "nearest_crew"
    assert runner.variables["ambulance"] == "crews_held"
    assert runner.conditions["ambulance"] == "nearest_crew"          # what the session started with
    assert runner.current_conditions()["ambulance"] == "crews_held"
    assert not [i for i in runner.inject_log if i.inject_id.startswith("facilitator")]   # the effect, not the mechanism
    again = replayed(runner)
    assert again.variables == runner.variables and again.condition_changes == runner.condition_changes
    report = score_runner(runner).to_dict()
    assert report["condition_changes"][0]["clock_label"] == "04:14"
    assert report["live_changes_text"] == [
        "Run conditions changed during the session: at 04:14 Ambulance response from the nearest crew was at "
        "Castlebridge, about 18 minutes away; the HART team over an hour to crews were held outside the "
        "emergency department; the first free crew was about 35 minutes away (by the facilitator)."]
    assert score_runner(again).to_dict()["live_changes_text"] == report["live_changes_text"]


def test_a_condition_change_is_checked_against_the_declared_conditions(flagship):
    runner = started(flagship, conditions={"ambulance": "nearest_crew"})
    with pytest.raises(RunnerError, match="not a run condition"):
        runner.apply_intervention("set_condition", variable="minutes_sealed", value=3)
    with pytest.raises(RunnerError, match="cannot be 'late'"):
        runner.apply_intervention("set_condition", variable="ambulance", value="late")
    with pytest.raises(RunnerError, match="already"):
        runner.apply_intervention("set_condition", variable="ambulance", value="nearest_crew")
    assert not runner.interventions and not runner.condition_changes


def test_the_change_takes_effect_on_the_options_offered(tmp_path):
    scenario = seated_with_condition(tmp_path, announce=False)
    runner = started(scenario, conditions={"backup": "nearby"})
    runner.choose("dispatch_both")
    runner.choose("open_and_count")
    assert runner.scene_id == "update"
    assert [o.id for o in runner.available_options()] == ["ask_for_count"]
    runner.apply_intervention("set_condition", variable="backup", value="far_off")
    assert [o.id for o in runner.available_options()] == ["ask_for_count", "press_on"]
    runner.choose("press_on")
    assert replayed(runner).decisions[-1].selection == "press_on"


def test_an_announced_condition_reaches_the_incident_log(tmp_path):
    scenario = seated_with_condition(tmp_path, announce=True)
    runner = started(scenario, conditions={"backup": "nearby"})
    seen = []
    runner.subscribe(seen.append)
    runner.apply_intervention("set_condition", variable="backup", value="far_off")
    fired = [e for e in seen if isinstance(e, InjectFired)]
    assert [(f.inject_id, f.text) for f in fired] == [
        ("facilitator-condition-1", "Second unit: the second unit was twenty minutes away.")]
    assert [i.inject_id for i in replayed(runner).inject_log] == ["facilitator-condition-1"]


def test_a_seat_handed_to_its_stand_in_no_longer_holds_up_the_story(pods):
    runner = started(pods)
    runner.choose("dispatch_both", meta={"seat": "control"})
    runner.choose("open_and_count", meta={"seat": "scene"})
    runner.choose("ask_for_count", meta={"seat": "control"})
    runner.advance(300)
    runner.choose("pass_count", meta={"seat": "control"})
    assert runner.scene_id == "manager"
    runner.apply_intervention("stand_in", seat="investigator", by="facilitator")
    assert runner.scene_id == "manager"               # the manager's own scene is still the manager's
    runner.choose("plan_welfare", meta={"seat": "manager"})
    assert runner.ended == "good_end"                # the investigator's stand-in took its scene at once
    record = runner.decisions[-1]
    assert record.stand_in and record.meta == {"stand_in": True, "seat": "investigator"}
    again = replayed(runner)
    assert again.ended == "good_end" and again.stand_in_decisions() == runner.stand_in_decisions()
    report = score_runner(runner)
    assert report.seat_handovers[0]["seat"] == "investigator"
    assert report.live_changes_text[-1].startswith("Seats played by their stand-ins: at ")
    assert "the Investigator seat was handed to its stand-in (by the facilitator)" in report.live_changes_text[-1]
    # the stand-in's decision earns the team nothing; the same choice by the investigator's station would
    credit = {a.action_id: a.credit for a in report.actions}
    assert credit["witness_first"] == 0
    played = started(pods)
    for selection, seat in (("dispatch_both", "control"), ("open_and_count", "scene"), ("ask_for_count", "control")):
        played.choose(selection, meta={"seat": seat})
    played.advance(300)
    for selection, seat in (("pass_count", "control"), ("plan_welfare", "manager"), ("witness_accounts", "investigator")):
        played.choose(selection, meta={"seat": seat})
    assert {a.action_id: a.credit for a in score_runner(played).actions}["witness_first"] > 0


def test_a_seat_can_be_handed_over_at_the_start_and_back(pods):
    runner = started(pods)
    runner.apply_intervention("stand_in", seat="control")
    assert runner.scene_id == "arrive"              # the control room's first scene was taken at once
    assert runner.decisions[0].stand_in
    runner.apply_intervention("hand_back", seat="control")
    runner.choose("open_and_count", meta={"seat": "scene"})
    assert runner.scene_id == "update"              # control's station plays its scenes again
    with pytest.raises(RunnerError, match="nothing to hand back"):
        runner.apply_intervention("hand_back", seat="control")
    with pytest.raises(RunnerError, match="no seat"):
        runner.apply_intervention("stand_in", seat="press")
    assert replayed(runner).scene_id == "update"


def test_a_seatless_scenario_has_no_seat_to_hand_over(flagship):
    with pytest.raises(RunnerError, match="has no seats"):
        started(flagship).apply_intervention("stand_in", seat="control")

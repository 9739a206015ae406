"""Facilitator interventions in the runner: each is logged, replays exactly, and marks the score."""

from __future__ import annotations

import pytest
from engine_helpers import FLAGSHIP, MINI

from hydra_sim.engine import load_scenario
from hydra_sim.engine.runner import (
    FACILITATOR_ENDING,
    FACILITATOR_OUTCOME,
    Ended,
    FacilitatorIntervention,
    InjectFired,
    RunnerError,
    ScenarioRunner,
)
from hydra_sim.engine.scoring import score_runner


@pytest.fixture(scope="module")
def flagship():
    return load_scenario(FLAGSHIP).scenario


@pytest.fixture(scope="module")
def mini():
    return load_scenario(MINI).scenario


def started(scenario) -> ScenarioRunner:
    runner = ScenarioRunner(scenario)
    runner.start()
    return runner


def replayed(runner: ScenarioRunner) -> ScenarioRunner:
    return ScenarioRunner.restore(runner.scenario, [dict(e) for e in runner.log])


def test_free_text_inject_is_logged_fired_replayed_and_marked(flagship):
    runner = started(flagship)
    seen = []
    runner.subscribe(seen.append)
    entry = runner.apply_intervention("inject", text="  A journalist is at the cordon. ", command_id="c1")
    assert entry == {"type": "facilitator", "action": "inject", "scene": "call_received", "clock": 0, "id": "c1",
                     "text": "A journalist is at the cordon."}
    assert runner.log[-1] == entry
    fired = [e for e in seen if isinstance(e, InjectFired)]
    assert [(f.inject_id, f.text, f.speaker) for f in fired] == [("facilitator-1", "A journalist is at the cordon.",
                                                                  None)]
    assert any(isinstance(e, FacilitatorIntervention) and e.entry["id"] == "c1" for e in seen)
    again = replayed(runner)
    assert [i.inject_id for i in again.inject_log] == [i.inject_id for i in runner.inject_log]
    report = score_runner(runner).to_dict()
    assert report["facilitated"] is True
    assert [i["action"] for i in report["interventions"]] == ["inject"]
    assert score_runner(again).to_dict()["interventions"] == report["interventions"]


def test_prepared_inject_fires_now_and_not_again_at_its_time(flagship):
    runner = started(flagship)
    runner.apply_intervention("inject", inject_id="tango_update")
    assert [i.inject_id for i in runner.inject_log] == ["tango_update"]
    assert runner.inject_log[0].clock == 0                      # scheduled at minute 4, fired at once
    runner.advance(10 * 60)
    assert [i.inject_id for i in runner.inject_log] == ["tango_update"]
    assert [i.inject_id for i in replayed(runner).inject_log] == ["tango_update"]


def test_prepared_inject_with_a_goto_redirects_and_replays(mini):
    runner = started(mini)
    runner.choose("ambulance")
    assert runner.scene_id == "arrive"
    runner.apply_intervention("inject", inject_id="collapse")
    assert runner.scene_id == "death" or runner.ended == "death"
    again = replayed(runner)
    assert (again.scene_id, again.ended, again.variables) == (runner.scene_id, runner.ended, runner.variables)


def inputs(runner) -> list[dict]:
    """The log after the session's set-up (its run conditions): what the trainee or facilitator did."""
    return [entry for entry in runner.log if entry["type"] != "conditions"]


def test_inject_errors_are_clear(flagship):
    runner = started(flagship)
    with pytest.raises(RunnerError, match="no prepared inject 'nope'.*tango_update"):
        runner.apply_intervention("inject", inject_id="nope")
    with pytest.raises(RunnerError, match="either free text or a prepared inject"):
        runner.apply_intervention("inject")
    with pytest.raises(RunnerError, match="needs some text"):
        runner.apply_intervention("inject", text="   ")
    with pytest.raises(RunnerError, match="unknown facilitator intervention"):
        runner.apply_intervention("explode")
    assert inputs(runner) == [] and runner.interventions == []


def test_pause_stops_the_clock_and_decisions_until_resume(flagship):
    runner = started(flagship)
    runner.apply_intervention("pause")
    assert runner.paused
    runner.advance(300)
    assert runner.clock.seconds == 0                 # the clock does not run while paused
    with pytest.raises(RunnerError, match="paused"):
        runner.choose("threat_to_life")
    with pytest.raises(RunnerError, match="already paused"):
        runner.apply_intervention("pause")
    runner.apply_intervention("resume")
    assert not runner.paused
    runner.advance(60)
    runner.choose("threat_to_life")
    again = replayed(runner)
    assert (again.clock.seconds, again.scene_id, again.paused) == (runner.clock.seconds, runner.scene_id, False)
    assert [e["action"] for e in score_runner(again).interventions] == ["pause", "resume"]


def test_replay_of_a_paused_session_stays_paused(flagship):
    runner = started(flagship)
    runner.apply_intervention("pause")
    assert replayed(runner).paused


def test_timer_adjust_changes_the_limit_for_one_decision_and_expiry_uses_it(flagship):
    runner = started(flagship)
    with pytest.raises(RunnerError, match="no timed decision"):
        runner.apply_intervention("timer", seconds=30)
    runner.choose("threat_to_life")
    assert runner.scene_id == "lorry_moving"
    base = runner.decision.time_limit_seconds
    assert runner.time_limit() == base
    runner.apply_intervention("timer", seconds=30)
    runner.apply_intervention("timer", seconds=-10)
    assert runner.time_limit_adjustment == 20 and runner.time_limit() == base + 20
    entered = runner.scene_entered_at
    record = runner.expire()
    assert record.clock == entered + int((base + 20) * flagship.clock_speed)
    assert runner.time_limit_adjustment == 0                      # the next scene starts afresh
    again = replayed(runner)
    assert again.decisions[-1].clock == record.clock
    assert [(e["action"], e["seconds"]) for e in score_runner(again).interventions] == [("timer", 30),
                                                                                        ("timer", -10)]
    with pytest.raises(RunnerError, match="non-zero"):
        runner.apply_intervention("timer", seconds=0)


def test_end_scores_the_session_as_it_stands(flagship):
    runner = started(flagship)
    runner.choose("threat_to_life", meta={"entered_by": "PC Hale"})
    seen = []
    runner.subscribe(seen.append)
    runner.apply_intervention("end", by="Insp Rahman")
    assert runner.ended == FACILITATOR_ENDING and runner.ended_by_facilitator
    assert any(isinstance(e, Ended) and e.ending_id == FACILITATOR_ENDING for e in seen)
    assert FACILITATOR_ENDING not in [scene for scene, _ in runner.path]
    with pytest.raises(RunnerError, match="has already ended"):
        runner.apply_intervention("pause")
    report = score_runner(runner)
    assert report.finished and report.outcome == FACILITATOR_OUTCOME and report.facilitated
    assert report.interventions[-1]["by"] == "Insp Rahman"
    again = replayed(runner)
    assert again.ended == FACILITATOR_ENDING
    assert again.decisions[0].meta == {"entered_by": "PC Hale"}
    assert score_runner(again).to_dict() == report.to_dict()


def test_a_command_id_is_applied_once(flagship):
    runner = started(flagship)
    assert runner.apply_intervention("inject", text="one", command_id="same") is not None
    assert runner.apply_intervention("inject", text="one", command_id="same") is None
    assert len(runner.inject_log) == 1 and len(inputs(runner)) == 1


def test_self_paced_reports_are_not_marked(flagship):
    runner = started(flagship)
    runner.choose("threat_to_life")
    report = score_runner(runner).to_dict()
    assert report["facilitated"] is False and report["interventions"] == []
    runner.facilitated = True
    assert score_runner(runner).facilitated is True

"""Runner rules on the mini fixture: routing, effects, clock, injects, expiry, replay."""

import pytest
from engine_helpers import MINI, write_variant

from hydra_sim.engine import (
    DecisionRecorded,
    Ended,
    InjectFired,
    ReplayError,
    RunnerError,
    ScenarioRunner,
    SceneEntered,
    load_scenario,
)


@pytest.fixture(scope="module")
def mini():
    return load_scenario(MINI).raise_for_errors()


def best_path(runner):
    runner.choose("ambulance")
    runner.choose(["doors", "bwv"])
    runner.choose(["medical", "lorry", "forms"])
    runner.choose({"threat_risk": "people may suffocate"})
    runner.choose("arrest", rationale="he controls the vehicle")
    runner.continue_()


def test_best_path_reaches_good_ending_with_events_in_order(mini):
    runner = ScenarioRunner(mini)
    events = []
    runner.subscribe(events.append)
    runner.start()
    best_path(runner)
    assert runner.ended == "good_end"
    assert [s for s, _ in runner.path] == ["call", "arrive", "priorities", "why", "driver", "handover", "good_end"]
    kinds = [type(e) for e in events]
    assert kinds[0] is SceneEntered and kinds[-1] is Ended
    assert kinds.count(DecisionRecorded) == 5


def test_option_effects_and_minutes_move_state_and_clock(mini):
    runner = ScenarioRunner(mini)
    runner.start()
    runner.choose("ambulance")
    assert runner.variables["ambulance"] is True
    assert runner.clock.seconds == 120
    assert runner.milestones == {"arrival": 120}
    runner.choose(["doors", "wait"])           # ticked items' minutes add to the decision's
    assert runner.clock.seconds == 120 + (2 + 5) * 60


def test_conditional_route_takes_first_true_branch(mini):
    runner = ScenarioRunner(mini)
    runner.start()
    runner.choose("refer")                      # no ambulance
    runner.choose(["doors"])
    assert runner.ended == "tragedy"            # "if: ambulance" fails, so the fallback


def test_scene_inject_redirects_when_time_passes(mini):
    runner = ScenarioRunner(mini)
    fired = []
    runner.subscribe(lambda e: fired.append(e) if isinstance(e, InjectFired) else None)
    runner.start()
    runner.choose("refer")
    runner.advance(9 * 60)
    assert runner.scene_id == "arrive" and not fired
    runner.advance(60)
    assert [e.inject_id for e in fired] == ["collapse"]
    assert runner.scene_id == "death"
    assert runner.variables["someone_died"] is True


def test_inject_with_false_condition_never_fires(mini):
    runner = ScenarioRunner(mini)
    runner.start()
    runner.choose("ambulance")                  # the collapse inject needs "not ambulance"
    runner.advance(30 * 60)
    assert runner.scene_id == "arrive"
    assert "collapse" in runner.fired and not runner.inject_log[1:]


def test_global_inject_fires_at_its_minute_and_sets_variable(mini):
    runner = ScenarioRunner(mini)
    runner.start()
    runner.expire()                             # 10 minutes pass
    runner.choose(["wait"])                     # 7 more: route "if ambulance" fails
    assert runner.ended == "tragedy"
    runner2 = ScenarioRunner(mini)
    runner2.start()
    runner2.advance(20 * 60 - 1)
    assert runner2.variables["delay"] == 0
    runner2.advance(1)
    assert runner2.variables["delay"] == 1
    assert runner2.inject_log[0].inject_id == "late_ambulance_warning"


def test_expiry_applies_on_expiry_outcome(mini):
    runner = ScenarioRunner(mini)
    runner.start()
    record = runner.expire()
    assert record.expired and record.selection is None
    assert runner.scene_id == "arrive" and runner.clock.seconds == 60 + 600
    assert record.feedback == ["Too slow."]


def test_invalid_inputs_raise_runner_errors(mini):
    runner = ScenarioRunner(mini)
    with pytest.raises(RunnerError):
        runner.choose("ambulance")              # not started
    runner.start()
    with pytest.raises(RunnerError, match="did you mean 'ambulance'"):
        runner.choose("ambulanse")
    with pytest.raises(RunnerError):
        runner.continue_()                      # the scene has a decision
    runner.choose("ambulance")
    with pytest.raises(RunnerError, match="tick"):
        runner.choose(["doors", "doors"])
    runner.choose(["doors"])
    with pytest.raises(RunnerError, match="rank every item"):
        runner.choose(["medical", "forms"])
    runner.choose(["medical", "forms", "lorry"])
    with pytest.raises(RunnerError, match="fill in"):
        runner.choose({"powers_policy": "s25"})
    runner.choose({"threat_risk": "life"})
    with pytest.raises(RunnerError, match="rationale"):
        runner.choose("arrest")                 # rationale: required


def test_option_condition_hides_option(mini):
    runner = ScenarioRunner(mini)
    runner.start()
    runner.choose("ambulance")
    runner.choose(["doors"])
    runner.choose(["medical", "forms", "lorry"])
    runner.choose({"threat_risk": "x"})
    assert {o.id for o in runner.available_options()} == {"arrest", "release"}
    runner.variables["delay"] = 3
    assert {o.id for o in runner.available_options()} == {"arrest"}
    with pytest.raises(RunnerError, match="not available"):
        runner.choose("release", rationale="why not")


def test_int_add_is_clamped_to_bounds(tmp_path):
    path = write_variant(tmp_path, [("    set: {delay: 1}", "    add: {delay: 9}")])
    scenario = load_scenario(path).raise_for_errors()
    runner = ScenarioRunner(scenario)
    runner.start()
    runner.advance(20 * 60)
    assert runner.variables["delay"] == 3       # max: 3


def test_restore_replays_log_to_identical_state(mini):
    runner = ScenarioRunner(mini)
    runner.start()
    runner.open_reference("card")
    runner.advance(30)
    runner.choose("ambulance", meta={"decision_seconds": 12.5})
    runner.advance(45)
    runner.choose(["doors", "bwv"])
    restored = ScenarioRunner.restore(mini, runner.log)
    assert restored.snapshot() == runner.snapshot()
    assert restored.ledger == runner.ledger
    assert restored.decisions[0].meta == {"decision_seconds": 12.5}
    assert restored.references_opened == runner.references_opened


def test_restore_reports_where_an_edited_scenario_no_longer_fits(tmp_path, mini):
    runner = ScenarioRunner(mini)
    runner.start()
    runner.choose("ambulance")
    edited = load_scenario(write_variant(tmp_path, [("- id: ambulance\n", "- id: ambulance_now\n")]))
    with pytest.raises(ReplayError) as info:
        ScenarioRunner.restore(edited.raise_for_errors(), runner.log)
    assert info.value.index == 0
    assert "ambulance" in str(info.value)


def test_log_is_json_serialisable(mini):
    import json
    runner = ScenarioRunner(mini)
    runner.start()
    best_path(runner)
    assert json.loads(json.dumps(runner.log)) == runner.log


def test_machine_is_built_without_auto_transitions(mini):
    runner = ScenarioRunner(mini)
    assert not runner.machine.auto_transitions
    assert runner.machine.has_queue
    assert not any(name.startswith("to_") for name in runner.machine.events)


def test_headless_expiry_lets_the_time_limit_pass_on_the_clock(mini):
    runner = ScenarioRunner(mini)
    runner.start()
    runner.advance(20)                          # the GUI would be here 20 s into a 60 s countdown
    runner.expire()
    # 60 s of countdown at clock_speed 1, then on_expiry's 10 minutes
    assert runner.clock.seconds == 60 + 600
    assert runner.log[-1]["clock"] == 60
    restored = ScenarioRunner.restore(mini, runner.log)
    assert restored.snapshot() == runner.snapshot()


def test_unsubscribe_stops_events(mini):
    runner = ScenarioRunner(mini)
    seen = []
    runner.subscribe(seen.append)
    runner.unsubscribe(seen.append)
    runner.start()
    assert seen == []

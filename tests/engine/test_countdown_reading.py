"""Reading and the countdown: the scenario option, the engine's rule and the logged opening."""

from __future__ import annotations

import pytest
from engine_helpers import MINI, codes, write_variant

from hydra_sim.engine import DocumentOpened, RunnerError, ScenarioRunner, load_scenario
from hydra_sim.engine.clock import Countdown


def test_the_countdown_holds_while_reading_by_default():
    countdown = Countdown()
    countdown.run(10)
    countdown.run(25, reading=True)          # reading the evidence: not taken from the decision
    countdown.run(5)
    assert countdown.spent == 15 and countdown.remaining(60) == 45
    strict = Countdown(pause_while_reading=False)
    strict.run(10)
    strict.run(25, reading=True)
    assert strict.spent == 35 and strict.remaining(30) == 0
    assert Countdown().remaining(0) == 0.0       # untimed
    strict.restart()
    assert strict.spent == 0


def test_the_option_loads_with_a_fair_default(tmp_path):
    assert load_scenario(MINI).raise_for_errors().pause_while_reading is True
    path = write_variant(tmp_path, [("title: \"Mini scenario\"\n", "title: \"Mini scenario\"\npause_while_reading: false\n")])
    assert load_scenario(path).raise_for_errors().pause_while_reading is False


def test_a_bad_value_is_a_clear_error(tmp_path):
    path = write_variant(tmp_path, [("title: \"Mini scenario\"\n", "title: \"Mini scenario\"\npause_while_reading: often\n")])
    result = load_scenario(path)
    assert not result.ok
    problem = next(p for p in result.problems if "pause_while_reading" in p.message)
    assert problem.location.line == 4 and problem.severity == "error"
    assert "true or false" in (problem.message + (problem.hint or "")).lower()
    assert codes(result.problems)


def test_opening_a_document_is_logged_emitted_and_replayed():
    scenario = load_scenario(MINI).raise_for_errors()
    runner = ScenarioRunner(scenario)
    events = []
    runner.subscribe(events.append)
    runner.start()
    runner.advance(30)
    runner.open_document("note")
    assert runner.documents_opened == [("note", 30)]
    assert runner.log[-1] == {"type": "document", "id": "note", "clock": 30}
    assert DocumentOpened("note", 30) in events
    with pytest.raises(RunnerError, match="unknown media item"):
        runner.open_document("nothing")
    runner.choose("ambulance")
    again = ScenarioRunner.restore(scenario, [dict(e) for e in runner.log])
    assert again.documents_opened == [("note", 30)]
    assert again.scene_id == runner.scene_id

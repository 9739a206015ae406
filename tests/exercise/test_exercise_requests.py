"""Requests for information in a facilitated exercise: a station's request reaches the console, the
facilitator answers it as the partner over the link, and both copies of the record hold it."""

from __future__ import annotations

import pytest
from exercise_support import REPO, StationThread, logged_server

from hydra_sim.engine import load_scenario
from hydra_sim.engine.plan import Step
from hydra_sim.engine.runner import ScenarioRunner
from hydra_sim.exercise import protocol as p
from hydra_sim.exercise.commands import _run_command
from hydra_sim.exercise.headless import HeadlessStation
from hydra_sim.exercise.server import ExerciseError
from hydra_sim.exercise.views import Command, InterventionApplied, SyndicateUpdated
from hydra_sim.records.store import SessionStore

RFI = REPO / "tests" / "fixtures" / "rfi" / "rfi.yaml"
ASK = Step("request", None, {"partner": "crime_desk", "question": "Registration checks on the trailer please",
                             "urgency": "priority", "topic": None})
STEPS = [ASK, Step("choose", "call", "ambulance"), Step("choose", "advice", "talk"),
         Step("choose", "services", "keep")]


@pytest.fixture
def server(tmp_path):
    srv = logged_server(tmp_path, RFI)
    yield srv
    srv.stop()


def test_the_facilitator_answers_a_request_with_a_canned_reply_over_the_link(server, tmp_path):
    host, port = server.address
    station = HeadlessStation(RFI, tmp_path / "alpha.sqlite3", host=host, port=port, code=server.code,
                              syndicate="Alpha", members=["PC Hale"], steps=list(STEPS), station_id="alpha-1",
                              backoff=(0.05, 0.1), hold_at=["advice"])
    thread = StationThread(station)
    thread.start()
    seen = server.log.wait_for(lambda e: isinstance(e, SyndicateUpdated) and e.view.scene_id == "advice"
                               and e.view.requests, what="Alpha's request at the console")
    request = seen.view.requests[0]
    assert (request["partner"], request["urgency"], request["auto"], request["answered_at"]) == (
        "crime_desk", "priority", False, None)           # facilitated: no canned reply comes by itself
    with pytest.raises(ExerciseError, match="no request 4"):
        server.answer("Alpha", 4, text="Nothing")
    with pytest.raises(ExerciseError, match="no canned reply 'weather'"):
        server.answer("Alpha", 0, reply="weather")
    made = server.answer("Alpha", 0, reply="vehicle_checks")          # releases the hold at advice
    server.log.wait_for(lambda e: isinstance(e, InterventionApplied) and e.intervention.command_id ==
                        made[0].command_id, what="the answer applied")
    result = thread.finish()
    assert result["ended"] == "good_end" and result["synced"]
    view = server.syndicate("Alpha")
    answered = view.requests[0]
    assert answered["answer"].startswith("Crime desk: the trailer was hired") and answered["answered_by"]
    assert [(i.action, i.request, i.reply, i.status) for i in view.interventions] == [
        ("answer", 0, "vehicle_checks", "applied")]
    report = server.store.report(result["session_id"])
    assert report["requests"][0]["answer_reply"] == "vehicle_checks"
    assert [i["action"] for i in report["interventions"]] == ["answer"]
    with SessionStore(tmp_path / "alpha.sqlite3") as local:
        assert local.session_record(result["session_id"])["events"] == \
            server.store.session_record(result["session_id"])["events"]
    again = ScenarioRunner.restore(load_scenario(RFI).scenario, server.store.inputs(result["session_id"]))
    assert again.requests[0].answer == answered["answer"]


def test_an_answer_command_is_checked_on_the_wire_and_becomes_runner_arguments():
    message = p.command("c1", "answer", request=2, text="A carer can take him.", by="DS Okafor")
    command = Command.from_message(p.decode(p.encode(message), p.SERVER_TYPES))
    assert command.params()["request"] == 2 and command.params()["text"] == "A carer can take him."
    with pytest.raises(p.ProtocolError, match="either 'text' or 'reply'"):
        p._check_command({"command_id": "c2", "action": "answer", "request": 0})
    with pytest.raises(p.ProtocolError):
        p._check_command({"command_id": "c3", "action": "answer", "request": -1, "text": "x"})


def test_the_headless_console_answers_with_text_or_a_canned_reply(server):
    line = _run_command(server, "answer Alpha 0 A carer can take him")
    assert line["event"] == "error" and "no syndicate 'Alpha'" in line["message"]
    line = _run_command(server, "answer-reply Alpha 0")
    assert line["event"] == "error" and "answer SYNDICATE REQUEST TEXT" in line["message"]

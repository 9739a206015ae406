"""Pods: a seat station's request for information (issue 17).

The investigator's seat station asks the NCCU over its own link; the facilitator's server checks
the request and relays it to the pod's recording station, which applies it to the shared runner
for the investigator's seat and records it at once. Checked: the record and the replay log hold
the seat and the station that sent it; the same request sent again is applied once; a request
from a station that plays no seat, from the recording station itself, to a partner the scenario
lacks, or while the recording station is offline, is refused in words on a link that stays open;
ill-formed requests are refused by the protocol's checker.
"""

from __future__ import annotations

import json
import queue

import pytest
from exercise_support import REPO, WAIT, StationThread, logged_server, send_hello, ws_connect

from hydra_sim.engine import load_scenario
from hydra_sim.engine.runner import RunnerError, ScenarioRunner
from hydra_sim.exercise import protocol as p
from hydra_sim.exercise.headless import HeadlessStation
from hydra_sim.exercise.pods import apply_request_relay
from hydra_sim.exercise.station import StationLink
from hydra_sim.exercise.views import SyndicateUpdated

SEATED = REPO / "scenarios" / "brackenford-seated.yaml"
QUESTION = "Please refer Koval Logistics, the haulier of trailer KT 7741 R, for a clandestine entrant civil penalty."


@pytest.fixture
def server(tmp_path):
    srv = logged_server(tmp_path, SEATED)
    yield srv
    srv.stop()


def recording(server, tmp_path) -> HeadlessStation:
    """The control room's station, playing nothing: the shared session waits at its first scene."""
    host, port = server.address
    return HeadlessStation(SEATED, tmp_path / "control.sqlite3", host=host, port=port, code=server.code,
                           syndicate="Alpha", members=["Ana"], station_id="alpha-control", steps=[],
                           seat="control", backoff=(0.05, 0.1))


def seat_link(server, seat="investigator") -> tuple[StationLink, queue.Queue, queue.Queue]:
    views, errors = queue.Queue(), queue.Queue()
    host, port = server.address
    link = StationLink(host, port, server.code, "Alpha", f"alpha-{seat}", [f"{seat} lead"], role="follower",
                       scenario_id=server.scenario.id, scenario_hash=server.scenario.content_hash,
                       backoff=(0.05, 0.1), seat=seat, on_seat_view=views.put, on_error=errors.put)
    link.start()
    return link, views, errors


def running_pod(server, tmp_path):
    rec = recording(server, tmp_path)
    thread = StationThread(rec, timeout=WAIT)
    thread.start()
    server.log.wait_for(lambda e: isinstance(e, SyndicateUpdated) and e.view.session_id, what="the pod's session")
    assert rec.link.wait_synced(WAIT)
    return rec, thread


def requests_at_console(server, count: int) -> list[dict]:
    seen = server.log.wait_for(lambda e: isinstance(e, SyndicateUpdated) and len(e.view.requests) >= count,
                               what=f"{count} request(s) at the console")
    return seen.view.requests


def test_a_seat_stations_request_is_recorded_for_its_seat_once(server, tmp_path):
    rec, thread = running_pod(server, tmp_path)
    link, views, errors = seat_link(server)
    views.get(timeout=WAIT)
    request_id = link.send_request("nccu", QUESTION, "routine", "civil_penalty", "Investigator lead")
    assert request_id
    [made] = requests_at_console(server, 1)
    assert made["seat"] == "investigator" and made["partner"] == "nccu" and made["topic"] == "civil_penalty"
    assert made["meta"] == {"station_id": "alpha-investigator", "request_id": request_id,
                            "entered_by": "Investigator lead"}
    # the same request again (a resend after a lost link): applied once; a new one is a second request
    assert link.send_request("nccu", QUESTION, "routine", "civil_penalty", "Investigator lead",
                             request_id=request_id) == request_id
    assert link.send_request("nccu", "Can the JDT debrief the four willing adults?", "routine")
    requests = requests_at_console(server, 2)
    assert [r["meta"]["request_id"] == request_id for r in requests] == [True, False]
    assert errors.empty()
    assert rec.link.wait_synced(WAIT)
    inputs = server.store.inputs(server.session_ids()["Alpha"])
    link.close()
    rec.stop()
    thread.finish()

    logged = [e for e in inputs if e["type"] == "request"]
    assert [(e["seat"], e["meta"]["station_id"]) for e in logged] == [("investigator", "alpha-investigator")] * 2
    # a restore reproduces it: the requests are the investigator's
    restored = ScenarioRunner.restore(server.scenario, inputs)
    assert [r.seat for r in restored.requests] == ["investigator", "investigator"]
    assert restored.requests[0].meta["request_id"] == request_id
    assert len(rec.runner.requests) == 2


def test_seat_requests_are_refused_in_words_and_the_link_stays_open(server, tmp_path):
    rec, thread = running_pod(server, tmp_path)
    link, views, errors = seat_link(server)
    views.get(timeout=WAIT)
    assert link.send_request("coastguard", "Any sightings?", "routine")
    assert errors.get(timeout=WAIT) == "request refused: the scenario has no partner 'coastguard'"
    assert link.send_request("nccu", QUESTION, "routine", "no_such_topic")
    assert "has no topic 'no_such_topic'" in errors.get(timeout=WAIT)
    with ws_connect(server) as conn:          # a follower that plays no seat
        send_hello(conn, p.hello(server.code, "Alpha", "alpha-watch", ["x"], "follower", server.scenario.id,
                                 server.scenario.content_hash))
        assert json.loads(conn.recv(timeout=WAIT))["type"] == p.WELCOME
        conn.send(json.dumps(p.seat_request("r1", "nccu", QUESTION)))
        reply = next(r for r in replies(conn) if r["type"] == p.ERROR)
        assert "plays no seat" in reply["message"]
    rec.stop()                              # the recording station goes: nothing can be recorded
    thread.finish()
    server.log.wait_for(lambda e: isinstance(e, SyndicateUpdated) and not e.view.recording_connected,
                        what="the recording station offline")
    assert link.send_request("nccu", QUESTION, "routine")
    refusal = errors.get(timeout=WAIT)
    assert refusal.startswith("request refused: the pod's recording station is offline"), refusal
    assert link.connected and not link.failed
    assert server.syndicate("Alpha").requests == []
    link.close()


def replies(conn):
    while True:
        yield json.loads(conn.recv(timeout=WAIT))


@pytest.mark.parametrize("message, words", [
    ({"type": "seat_request", "partner": "nccu", "question": "q", "urgency": "routine"}, "'request_id' must be text"),
    ({"type": "seat_request", "request_id": "r", "partner": 3, "question": "q", "urgency": "routine"},
     "'partner' must be text"),
    ({"type": "seat_request", "request_id": "r", "partner": "nccu", "question": " ", "urgency": "routine"},
     "'question' must not be blank"),
    ({"type": "seat_request", "request_id": "r", "partner": "nccu", "question": "q" * 2001, "urgency": "routine"},
     "longer than 2000"),
    ({"type": "seat_request", "request_id": "r", "partner": "nccu", "question": "q", "urgency": "soon"},
     "'urgency' must be one of"),
    ({"type": "seat_request", "request_id": "r", "partner": "nccu", "question": "q", "urgency": "routine",
      "topic": ["x"]}, "'topic' must be text"),
    ({"type": "seat_request", "request_id": "r", "partner": "nccu", "question": "q", "urgency": "routine",
      "entered_by": "x" * 65}, "longer than 64"),
])
def test_the_protocol_checks_a_seat_request(message, words):
    with pytest.raises(p.ProtocolError, match=words):
        p.decode(json.dumps(message), p.CLIENT_TYPES)
    relay = p.seat_request_relay(p.seat_request("r", "nccu", "q"), "investigator", "alpha-investigator")
    assert p.decode(json.dumps(relay), p.SERVER_TYPES) == relay
    with pytest.raises(p.ProtocolError, match="'seat' must be text"):
        p.decode(json.dumps({**relay, "seat": None}), p.SERVER_TYPES)
    with pytest.raises(p.ProtocolError, match="unknown message type"):     # a relay never comes from a station
        p.decode(json.dumps(relay), p.CLIENT_TYPES)


def test_the_recording_station_applies_a_relayed_request_once_and_refuses_one_it_cannot():
    scenario = load_scenario(SEATED).scenario
    runner = ScenarioRunner(scenario, seed=1)
    runner.start()
    relay = p.seat_request_relay(p.seat_request("r1", "nccu", QUESTION, topic="civil_penalty"), "investigator",
                                 "alpha-investigator")
    record = apply_request_relay(runner, relay)
    assert record.seat == "investigator" and record.meta["station_id"] == "alpha-investigator"
    assert apply_request_relay(runner, relay) is None and len(runner.requests) == 1
    with pytest.raises(RunnerError, match="no seat 'dispatcher'"):
        apply_request_relay(runner, {**relay, "request_id": "r2", "seat": "dispatcher"})
    with pytest.raises(RunnerError, match="no partner"):
        apply_request_relay(runner, {**relay, "request_id": "r3", "partner": "coastguard"})
    assert len(runner.requests) == 1

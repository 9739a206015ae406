"""The wire protocol refuses bad input with a clear message; the server survives it."""

from __future__ import annotations

import json

import pytest
from exercise_support import WAIT, EventLog, FLAGSHIP, closed_with, send_hello, started_server, ws_connect

from hydra_sim.exercise import protocol as p
from hydra_sim.exercise.server import WrongCodeGuard
from hydra_sim.exercise.station import FATAL_CLOSES


def hello(code="ABCDEF", **over) -> dict:
    message = p.hello(code, "Alpha", "alpha-1", ["PC Hale"], "recording", "brackenford-services", "")
    message.update(over)
    return message


def sealed(**over) -> dict:
    return p.seal_hello(hello(**over), "fingerprint")


def test_join_codes_are_typable_and_compared_leniently():
    code = p.new_join_code()
    assert len(code) == p.CODE_LENGTH and set(code) <= set(p.CODE_ALPHABET)
    assert not set("01OIL") & set(p.CODE_ALPHABET)
    # what the trainee types is compared leniently: the proof of "k7q-m2x " is the proof of K7QM2X
    assert p.join_proof("k7q-m2x ", "fp", "n") == p.join_proof("K7QM2X", "fp", "n")
    assert p.join_proof("K7QM2Y", "fp", "n") != p.join_proof("K7QM2X", "fp", "n")
    # bound to the certificate and the nonce, and to the side that proves it
    assert p.join_proof("K7QM2X", "other", "n") != p.join_proof("K7QM2X", "fp", "n")
    assert p.join_proof("K7QM2X", "fp", "m") != p.join_proof("K7QM2X", "fp", "n")
    assert p.facilitator_proof("K7QM2X", "fp", "n") != p.join_proof("K7QM2X", "fp", "n")
    assert p.proofs_match(p.join_proof("K7QM2X", "fp", "n"), p.join_proof("K7QM2X", "fp", "n"))
    assert not p.proofs_match(None, "x") and not p.proofs_match("K" * 200, "K" * 200)
    sealed = p.seal_hello(p.hello("K7QM2X", "Alpha", "a", ["x"], "recording", "s", ""), "fp")
    assert "code" not in sealed and "K7QM2X" not in json.dumps(sealed)


@pytest.mark.parametrize("raw, message", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "JSON object"),
    (json.dumps({"type": "launch"}), "unknown message type 'launch'"),
    (json.dumps({"no": "type"}), "unknown message type None"),
    (b"\x00\x01", "binary messages"),
    ("x" * (p.MAX_MESSAGE_BYTES + 1), "larger than"),
    (json.dumps(hello(v=99)), "protocol version 99"),
    (json.dumps(sealed(members=[])), "'members' must list"),
    (json.dumps(sealed(role="boss")), "'role' must be one of"),
    (json.dumps(sealed(syndicate="  ")), "'syndicate' must not be blank"),
    (json.dumps(sealed(syndicate="A" * 200)), "longer than"),
])
def test_bad_messages_are_refused_with_a_reason(raw, message):
    with pytest.raises(p.ProtocolError, match=message):
        p.decode(raw, p.CLIENT_TYPES)


def test_a_sync_is_checked_field_by_field():
    good = p.sync("s1", {"session_id": "s1"}, [{"seq": 1, "kind": "scene_entered", "is_input": False, "clock": 0,
                                                "recorded_at": "t", "prev_hash": "a", "hash": "b", "data": {}}], 1.0)
    assert p.decode(json.dumps(good), p.CLIENT_TYPES)["session_id"] == "s1"
    bad = json.loads(json.dumps(good))
    bad["events"][0]["seq"] = "1"
    with pytest.raises(p.ProtocolError, match="'seq' must be int"):
        p.decode(json.dumps(bad), p.CLIENT_TYPES)
    with pytest.raises(p.ProtocolError, match="session row"):
        p.decode(json.dumps({**good, "session": {"session_id": "other"}}), p.CLIENT_TYPES)
    # what the store and the mirror could not take is refused here, not half-stored there
    for field, value, message in (("data", "x", "'data' is an object"), ("kind", "launch", "unknown event kind"),
                                  ("clock", 2 ** 70, "out of range"), ("seq", -1, "out of range")):
        bad = json.loads(json.dumps(good))
        bad["events"][0][field] = value
        with pytest.raises(p.ProtocolError, match=message):
            p.decode(json.dumps(bad), p.CLIENT_TYPES)
    with pytest.raises(p.ProtocolError, match="sent_at"):
        p.decode(json.dumps({**good, "sent_at": 1e300}), p.CLIENT_TYPES)


def test_commands_are_checked():
    with pytest.raises(p.ProtocolError, match="either 'text' or 'inject_id'"):
        p.decode(json.dumps(p.command("c1", "inject")), p.SERVER_TYPES)
    with pytest.raises(p.ProtocolError, match="unknown intervention"):
        p.decode(json.dumps(p.command("c1", "explode")), p.SERVER_TYPES)
    assert p.decode(json.dumps(p.command("c1", "timer", seconds=-30)), p.SERVER_TYPES)["seconds"] == -30


@pytest.fixture
def server(tmp_path):
    srv = started_server(tmp_path, code="ABCDEF")
    yield srv
    srv.stop()



def test_wrong_code_closes_with_a_clear_reason(server):
    with ws_connect(server) as conn:
        send_hello(conn, hello(code="WRONG1"))
        code, reason = closed_with(conn)
    assert code == p.CLOSE_BAD_CODE and "wrong join code" in reason
    assert server.snapshot() == []


def test_guessing_the_code_locks_the_address_out_for_a_while(server):
    clock = [1000.0]
    server.wrong_codes = WrongCodeGuard(limit=3, window=60.0, clock=lambda: clock[0])
    for _ in range(3):
        with ws_connect(server) as conn:
            send_hello(conn, hello(code="WRONG1"))
            assert "wrong join code" in closed_with(conn)[1]
    with ws_connect(server) as conn:      # now even the right code waits (the station retries)
        send_hello(conn, hello())
        code, reason = closed_with(conn)
    assert code == p.CLOSE_TRY_LATER and "too many wrong join codes" in reason and code not in FATAL_CLOSES
    assert server.snapshot() == []
    clock[0] += 61                                        # the window has passed: the right code joins
    with ws_connect(server) as conn:
        send_hello(conn, hello())
        assert json.loads(conn.recv(timeout=WAIT))["type"] == p.WELCOME


def test_a_typo_or_two_does_not_lock_anyone_out():
    clock = [0.0]
    guard = WrongCodeGuard(limit=10, window=60.0, clock=lambda: clock[0])
    for _ in range(9):
        guard.failed("10.0.0.5")
    assert not guard.locked_out("10.0.0.5")
    guard.failed("10.0.0.5")
    assert guard.locked_out("10.0.0.5") and not guard.locked_out("10.0.0.6")
    clock[0] = 60.0
    assert not guard.locked_out("10.0.0.5")


def test_other_scenario_and_bad_hello_are_refused(server):
    with ws_connect(server) as conn:
        send_hello(conn, hello(scenario_id="layby-drop"))
        code, reason = closed_with(conn)
    assert code == p.CLOSE_REFUSED and "same scenario file" in reason
    with ws_connect(server) as conn:
        conn.send("{not json")
        code, reason = closed_with(conn)
    assert code == p.CLOSE_PROTOCOL and "not valid JSON" in reason
    with ws_connect(server) as conn:
        send_hello(conn, hello(v=1))
        code, reason = closed_with(conn)
    assert code == p.CLOSE_BAD_VERSION


def test_after_joining_bad_messages_get_an_error_and_the_link_stays_open(server):
    with ws_connect(server) as conn:
        send_hello(conn, hello())
        assert json.loads(conn.recv(timeout=WAIT))["type"] == p.WELCOME
        conn.send(json.dumps({"type": "launch_missiles"}))
        reply = json.loads(conn.recv(timeout=WAIT))
        assert reply["type"] == p.ERROR and "unknown message type 'launch_missiles'" in reply["message"]
        conn.send(json.dumps(p.sync("s1", {"session_id": "s1", "scenario_id": "brackenford-services"}, [], 1.0)))
        reply = json.loads(conn.recv(timeout=WAIT))
        assert reply["type"] == p.ERROR and "'s1' is not a session id" in reply["message"]
        assert json.loads(conn.recv(timeout=WAIT)) == p.ack("s1", 0)
    assert [v.name for v in server.snapshot()] == ["Alpha"]


def test_an_oversize_message_closes_only_that_connection(server):
    with ws_connect(server, max_size=None) as conn:
        send_hello(conn, hello())
        token = json.loads(conn.recv(timeout=WAIT))["token"]
        conn.send("x" * (p.MAX_MESSAGE_BYTES + 10))
        code, _reason = closed_with(conn)
    assert code == 1009                     # message too big
    with ws_connect(server) as conn:      # the server still takes stations
        send_hello(conn, hello(token=token))
        assert json.loads(conn.recv(timeout=WAIT))["type"] == p.WELCOME


def _recorded_session(tmp_path):
    from hydra_sim.engine import load_scenario
    from hydra_sim.engine.runner import ScenarioRunner
    from hydra_sim.exercise.recorder import SessionRecorder
    from hydra_sim.records.store import SessionStore, TraineeInfo

    scenario = load_scenario(FLAGSHIP).scenario
    store = SessionStore(tmp_path / "raw-station.sqlite3")
    session_id = store.start_session(TraineeInfo("Alpha"), scenario)
    runner = ScenarioRunner(scenario)
    recorder = SessionRecorder(store, runner, session_id)
    runner.start()
    recorder.persist()
    record = store.session_record(session_id)
    store.close()
    return scenario, session_id, record


def test_an_unconfirmed_command_is_sent_again_after_a_reconnect(server, tmp_path):
    from hydra_sim.exercise.views import InterventionFailed

    log = EventLog()
    server.subscribe(log)
    scenario, session_id, record = _recorded_session(tmp_path)
    join = hello(code="ABCDEF", scenario_hash=scenario.content_hash)
    with ws_connect(server) as conn:
        send_hello(conn, join)
        welcome = json.loads(conn.recv(timeout=WAIT))
        assert welcome["acked"] == {}
        join["token"] = welcome["token"]             # the seat's secret: only it takes the seat again
        conn.send(json.dumps(p.sync(session_id, record["session"], record["events"], 1.0)))
        assert json.loads(conn.recv(timeout=WAIT)) == p.ack(session_id, len(record["events"]))
        made = server.pause("Alpha")
        assert made[0].status == "sent"
        first = json.loads(conn.recv(timeout=WAIT))
        assert first["type"] == p.COMMAND and first["action"] == "pause"
    # the station went away before its log showed the pause: on its return the command comes again
    with ws_connect(server) as conn:
        send_hello(conn, join)
        assert json.loads(conn.recv(timeout=WAIT))["acked"] == {session_id: len(record["events"])}
        conn.send(json.dumps(p.sync(session_id, record["session"], [], 2.0)))
        assert json.loads(conn.recv(timeout=WAIT)) == p.ack(session_id, len(record["events"]))
        again = json.loads(conn.recv(timeout=WAIT))
        assert again == first
        conn.send(json.dumps(p.command_failed(first["command_id"], "already paused")))
        log.wait_for(lambda e: isinstance(e, InterventionFailed), what="the failure reported")
    (intervention,) = server.syndicate("Alpha").interventions
    assert (intervention.status, intervention.reason) == ("failed", "already paused")


def test_a_follower_cannot_send_records(server, tmp_path):
    _scenario, session_id, record = _recorded_session(tmp_path)
    with ws_connect(server) as conn:
        send_hello(conn, hello(role="follower", station_id="screen-2"))
        assert json.loads(conn.recv(timeout=WAIT))["type"] == p.WELCOME
        assert json.loads(conn.recv(timeout=WAIT))["type"] == p.VIEW
        conn.send(json.dumps(p.sync(session_id, record["session"], record["events"], 1.0)))
        reply = json.loads(conn.recv(timeout=WAIT))
        assert reply["type"] == p.ERROR and "follower station does not send records" in reply["message"]
    assert not server.store.sessions()

"""A hostile peer on the exercise link (issue 18, item 1): someone with the join code cannot take a
syndicate's seat, put a made-up session in the plenary, store impossible or undecodable records, or
lock honest stations out; each attempt is refused with a message and the real station carries on.
All on loopback, against a real server and real station links; bounded waits, no sleeps."""

from __future__ import annotations

import copy
import json
import stat
from contextlib import contextmanager

import pytest
from exercise_support import FLAGSHIP, WAIT, closed_with, send_hello, started_server, ws_connect

from hydra_sim import cli
from hydra_sim.engine import load_scenario
from hydra_sim.engine.runner import ScenarioRunner
from hydra_sim.exercise import protocol as p
from hydra_sim.exercise.recorder import SessionRecorder
from hydra_sim.exercise.seats import load_token, save_token, seats_path
from hydra_sim.exercise.server import WrongCodeGuard
from hydra_sim.exercise.station import StationLink
from hydra_sim.records.store import SessionStore, TraineeInfo
from forgery_support import reseal

CODE = "ABCDEF"


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(FLAGSHIP).raise_for_errors()


@pytest.fixture
def server(tmp_path):
    srv = started_server(tmp_path, code=CODE)
    yield srv
    srv.stop()


def hello(scenario, syndicate="Alpha", station_id="Alpha-station", role="recording", **over) -> dict:
    message = p.hello(CODE, syndicate, station_id, ["PC Hale"], role, scenario.id, scenario.content_hash)
    message.update(over)
    return message



def recorded(tmp_path, scenario, name="station.sqlite3") -> tuple[SessionStore, str]:
    """A station's store with a session of the flagship started (its first scene entered)."""
    store = SessionStore(tmp_path / name)
    session_id = store.start_session(TraineeInfo("Alpha"), scenario)
    runner = ScenarioRunner(scenario)
    recorder = SessionRecorder(store, runner, session_id)
    runner.start()
    recorder.persist()
    return store, session_id


def linked(server, store, syndicate="Alpha", station_id="Alpha-station", **kwargs) -> StationLink:
    host, port = server.address
    link = StationLink(host, port, CODE, syndicate, station_id, ["PC Hale"], store=store,
                       scenario_id=server.scenario.id, scenario_hash=server.scenario.content_hash,
                       backoff=(0.05,), **kwargs)
    link.start()
    return link


# -- the recording seat ------------------------------------------------------------------------------
def test_a_hello_with_the_public_station_id_is_refused_and_the_real_station_keeps_recording(server, tmp_path,
                                                                                            scenario):
    store, session_id = recorded(tmp_path, scenario)
    link = linked(server, store)
    try:
        link.attach_session(session_id)
        assert link.wait_synced(WAIT) and link.token and len(link.token) >= 32
        # a follower sees the station id (it is on every console) and never the token
        with ws_connect(server) as follower:
            send_hello(follower, hello(scenario, role="follower", station_id="screen"))
            seen = [follower.recv(timeout=WAIT), follower.recv(timeout=WAIT)]
        assert "Alpha-station" in seen[1] and not any(link.token in text for text in seen)
        # the takeover: the public id, the code, no token (or a guessed one)
        for forged in ({}, {"token": "x" * 32}):
            with ws_connect(server) as conn:
                send_hello(conn, hello(scenario, **forged))
                code, reason = closed_with(conn)
            assert code == p.CLOSE_REFUSED and "already has its recording station" in reason
        # ... also under another spelling of the syndicate's name
        with ws_connect(server) as conn:
            send_hello(conn, hello(scenario, syndicate="ALPHA"))
            assert closed_with(conn)[0] == p.CLOSE_REFUSED
        assert [v.name for v in server.snapshot()] == ["Alpha"]
        view = server.syndicate("Alpha")
        assert view.recording_connected and view.recording_station == "Alpha-station"
        assert link.connected and not link.failed
        store.append_event(session_id, "clock", {}, 5)        # and its records still flow
        link.notify()
        assert link.wait_synced(WAIT)
    finally:
        link.close()
        store.close()


def test_the_token_reclaims_the_seat_after_a_restart_and_is_kept_owner_only(server, tmp_path, scenario):
    store, session_id = recorded(tmp_path, scenario)
    kept = []
    link = linked(server, store, on_token=kept.append)
    link.attach_session(session_id)
    assert link.wait_synced(WAIT)
    link.close()
    assert kept == [link.token]
    save_token(store.path, "Alpha", kept[0])
    assert load_token(store.path, "Alpha") == kept[0]
    assert stat.S_IMODE(seats_path(store.path).stat().st_mode) == 0o600
    again = linked(server, store, station_id="Alpha-new-laptop-name", token=load_token(store.path, "Alpha"))
    try:
        again.attach_session(session_id)
        assert again.wait_synced(WAIT) and not again.failed
        assert server.syndicate("Alpha").recording_station == "Alpha-new-laptop-name"
    finally:
        again.close()
        store.close()


def test_the_facilitator_can_release_a_seat_for_a_replaced_computer(server, tmp_path, scenario):
    store, session_id = recorded(tmp_path, scenario)
    first = linked(server, store)
    first.attach_session(session_id)
    assert first.wait_synced(WAIT)
    first.close()
    server.release_station("alpha")
    other = linked(server, store, station_id="Alpha-spare")
    try:
        other.attach_session(session_id)
        assert other.wait_synced(WAIT) and other.token != first.token
    finally:
        other.close()
        store.close()


# -- what a station sends -----------------------------------------------------------------------------
@contextmanager
def joined(server, scenario, syndicate="Bravo"):
    with ws_connect(server) as conn:
        send_hello(conn, hello(scenario, syndicate=syndicate, station_id=f"{syndicate}-station"))
        welcome = json.loads(conn.recv(timeout=WAIT))
        assert welcome["type"] == p.WELCOME
        yield conn


def replies(conn, count=2) -> list[dict]:
    return [json.loads(conn.recv(timeout=WAIT)) for _ in range(count)]


def _record(tmp_path, scenario):
    store, session_id = recorded(tmp_path, scenario, "raw.sqlite3")
    record = store.session_record(session_id)
    store.close()
    return session_id, record


def _decision_at(scene: str, option: str = "x") -> dict:
    return {"index": 0, "scene_id": scene, "kind": "single", "selection": option, "rationale": None,
            "expired": False, "meta": {}}


HOSTILE = {
    "critical failures that are not JSON": lambda r: r["session"].update(critical_failures_json="{"),
    "a percent of 'lots'": lambda r: r["session"].update(percent="lots"),
    "a path for a session id": None,                         # made below (the id is in the message too)
    "a decision at a scene that does not exist": lambda r: r["events"].append(
        {**r["events"][-1], "seq": len(r["events"]) + 1, "kind": "decision_recorded", "is_input": False,
         "data": _decision_at("no-such-scene")}),
    "an ending that does not exist": lambda r: r["events"].append(
        {**r["events"][-1], "seq": len(r["events"]) + 1, "kind": "ended", "is_input": False,
         "data": {"ending_id": "everyone-promoted"}}),
    "a score of 100 % that is not the one sealed to the chain": lambda r: r["session"].update(
        status="finished", result_json='{"percent": 100}', percent=100.0, grade="distinction",
        result_hash="0" * 64),
    "data nested 66 deep": lambda r: r["events"][-1]["data"].update(x=json.loads("[" * 66 + "]" * 66)),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_resealed_record_the_scenario_cannot_have_produced_is_refused_and_never_stored(case, server, tmp_path,
                                                                                         scenario, capsys):
    session_id, record = _record(tmp_path, scenario)
    forged = copy.deepcopy(record)
    if HOSTILE[case] is None:
        session_id = forged["session"]["session_id"] = "../../etc/passwd"
    else:
        HOSTILE[case](forged)
    reseal(forged, result=False)
    with joined(server, scenario) as conn:
        conn.send(json.dumps(p.sync(session_id, forged["session"], forged["events"], 1.0)))
        error, ack = replies(conn)
        assert error["type"] == p.ERROR and ack == p.ack(session_id, 0), (error, ack)
        assert server.store.sessions() == [] and server.session_ids() == {}
        # the link stays open: the honest record is taken next, and only it is stored
        honest = record["session"]["session_id"]
        conn.send(json.dumps(p.sync(honest, record["session"], record["events"], 2.0)))
        assert json.loads(conn.recv(timeout=WAIT)) == p.ack(honest, len(record["events"]))
    assert server.session_ids() == {"Bravo": honest}
    assert server.store.verify() == [] and server.store.session(honest).critical_failures == []
    assert cli.main(["verify", "--store", str(server.store_path)]) == 0
    assert "1 session verified, 0 with problems" in capsys.readouterr().out


RAW = {
    "a 5,000-digit integer": lambda text: text.replace('"clock":0', '"clock":' + "9" * 5000),
    "JSON nested 100,000 deep": lambda text: text.replace('"data":{', '"data":{"x":' + "[" * 100_000 + "]" * 100_000
                                                          + ",", 1),
    "JSON nested 200 deep": lambda text: text.replace('"data":{', '"data":{"x":' + "[" * 200 + "]" * 200 + ",", 1),
    "an event clock of 2**53": lambda text: text.replace('"clock":0', f'"clock":{2 ** 53}'),
    "bad JSON": lambda text: text[:-3],
}


@pytest.mark.parametrize("case", list(RAW))
def test_undecodable_syncs_are_answered_with_an_error_and_the_link_stays_open(case, server, tmp_path, scenario):
    session_id, record = _record(tmp_path, scenario)
    text = json.dumps(p.sync(session_id, record["session"], record["events"], 1.0), separators=(",", ":"))
    hostile = RAW[case](text)
    assert hostile != text
    with joined(server, scenario) as conn:
        conn.send(hostile)
        reply = json.loads(conn.recv(timeout=WAIT))
        assert reply["type"] == p.ERROR and reply["message"], reply
        assert server.store.sessions() == []
        conn.send(text)                                     # the same connection: the honest sync is stored
        answers = [json.loads(conn.recv(timeout=WAIT))]
        while answers[-1] != p.ack(session_id, len(record["events"])):
            answers.append(json.loads(conn.recv(timeout=WAIT)))
        assert all(a == p.ack(session_id, 0) for a in answers[:-1]), answers       # "nothing held": resend
    assert server.session_ids() == {"Bravo": session_id}
    assert server.store.verify() == []


# -- the lockout ----------------------------------------------------------------------------------------
def test_a_guesser_behind_the_same_address_cannot_lock_out_stations_that_have_joined(server, tmp_path, scenario):
    store, session_id = recorded(tmp_path, scenario)
    link = linked(server, store)
    link.attach_session(session_id)
    assert link.wait_synced(WAIT)
    link.close()
    server.wrong_codes = WrongCodeGuard(limit=3, window=3600.0)       # everyone here is 127.0.0.1
    for _ in range(3):
        with ws_connect(server) as conn:
            send_hello(conn, hello(scenario, syndicate="Mallory", code="WRONG1"))
            assert closed_with(conn)[0] == p.CLOSE_BAD_CODE
    # a new station behind the same address waits (told so, and it keeps trying), never refused for good
    with ws_connect(server) as conn:
        send_hello(conn, hello(scenario, syndicate="Charlie", station_id="c"))
        code, reason = closed_with(conn)
    assert code == p.CLOSE_TRY_LATER and "tries again" in reason
    # the station that joined before holds its seat token: it reconnects at once
    back = linked(server, store, token=link.token)
    try:
        back.attach_session(session_id)
        assert back.wait_synced(WAIT) and not back.failed
    finally:
        back.close()
        store.close()


# -- the wire ------------------------------------------------------------------------------------------
def test_the_link_is_tls_and_a_plain_connection_gets_nothing(server):
    from websockets.sync.client import connect

    host, port = server.address
    with pytest.raises(Exception) as caught:            # no WebSocket without TLS: the handshake fails
        with connect(f"ws://{host}:{port}/", proxy=None, open_timeout=WAIT) as conn:
            conn.recv(timeout=WAIT)
    assert not isinstance(caught.value, AssertionError)
    assert server.snapshot() == []


def test_a_station_never_sends_the_code_and_never_trusts_an_impostor_facilitator(tmp_path, scenario):
    """Someone on the port (or in the middle, with their own certificate) who does not know the code:
    the station's hello does not contain the code, and its answer without the right proof gets no records."""
    from websockets.sync.server import serve

    from hydra_sim.exercise import tls

    received: list[str] = []

    def impostor(conn):
        for raw in conn:
            received.append(raw)
            message = json.loads(raw)
            if message["type"] == p.HELLO:
                conn.send(json.dumps(p.welcome("recording", "Alpha", {}, None, "t" * 32, proof="0" * 64)))

    context, _fingerprint = tls.server_context()
    with serve(impostor, "127.0.0.1", 0, ssl=context) as fake:
        import threading
        thread = threading.Thread(target=fake.serve_forever, daemon=True)
        thread.start()
        store, session_id = recorded(tmp_path, scenario)
        link = StationLink("127.0.0.1", fake.socket.getsockname()[1], CODE, "Alpha", "Alpha-station", ["PC Hale"],
                           store=store, scenario_id=scenario.id, scenario_hash=scenario.content_hash, backoff=(0.05,))
        link.start()
        link.attach_session(session_id)
        link._threads[0].join(WAIT)                      # the link thread ends: refused for good
        try:
            assert link.failed and "could not prove it runs this exercise" in link.last_error
            assert not link.connected and link.token is None
            assert received and all(CODE not in raw for raw in received)
            assert [json.loads(raw)["type"] for raw in received] == [p.HELLO]      # no sync, no records
        finally:
            link.close()
            store.close()
            fake.shutdown()
            thread.join(WAIT)

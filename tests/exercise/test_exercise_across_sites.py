"""Across sites (issue 17, item 7): the long join code, the replay refusals, and the certificate
fingerprint a trainer compares by phone. Real server and real station links on loopback; bounded
waits, no sleeps."""

from __future__ import annotations

import io
import json
import math
import threading
from argparse import Namespace

import pytest
from exercise_support import FLAGSHIP, WAIT, closed_with, send_hello, started_server, ws_connect

from hydra_sim.engine import load_scenario
from hydra_sim.exercise import protocol as p
from hydra_sim.exercise import tls
from hydra_sim.exercise.commands import run_headless_facilitator
from hydra_sim.exercise.server import ExerciseError, ExerciseServer
from hydra_sim.exercise.station import StationLink
from hydra_sim.records.store import SessionStore


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(FLAGSHIP).raise_for_errors()


@pytest.fixture
def server(tmp_path):
    srv = started_server(tmp_path, across_sites=True)
    yield srv
    srv.stop()



def hello(server, code=None, syndicate="Alpha", station_id="Alpha-station", role="follower") -> dict:
    return p.hello(code or server.code, syndicate, station_id, ["PC Hale"], role, server.scenario.id,
                   server.scenario.content_hash)


# -- the long code ---------------------------------------------------------------------------------
def test_the_across_sites_code_is_five_groups_of_five_and_over_100_bits():
    codes = {p.new_long_code() for _ in range(50)}
    assert len(codes) == 50                                            # random, not a fixed pattern
    for code in codes:
        groups = code.split("-")
        assert [len(g) for g in groups] == [5, 5, 5, 5, 5]
        assert set("".join(groups)) <= set(p.CODE_ALPHABET)          # no 0/O, 1/I/L
        assert p.code_bits(code) >= 100
    assert p.code_bits(p.new_join_code()) < 40                        # the training-room code is short ...
    assert p.format_code("k7qm2x") == "K7QM2X"                         # ... and shown as it is


def test_a_long_code_is_the_same_code_however_it_is_typed():
    code = "K7QM2-XH4PA-RT9WE-3NMJC-PQ8ZD"
    for typed in ("k7qm2 xh4pa rt9we 3nmjc pq8zd", "K7QM2XH4PART9WE3NMJCPQ8ZD", " k7qm2-xh4pa\trt9we\u20113nmjc pq8zd "):
        assert p.normalise_code(typed) == p.normalise_code(code)
        assert p.join_proof(typed, "f" * 64, "n") == p.join_proof(code, "f" * 64, "n")
    assert p.normalise_code("K7QM2-XH4PA-RT9WE-3NMJC-PQ8ZE") != p.normalise_code(code)


def test_across_sites_makes_a_long_code_and_refuses_a_short_one(tmp_path):
    srv = ExerciseServer(FLAGSHIP, tmp_path / "f.sqlite3", port=0, across_sites=True)
    assert srv.across_sites and len(srv.code) == 25 and srv.display_code.count("-") == 4
    assert ExerciseServer(FLAGSHIP, tmp_path / "g.sqlite3", port=0).display_code.count("-") == 0   # default short
    needed = math.ceil(p.ACROSS_SITES_MIN_BITS / math.log2(len(p.CODE_ALPHABET)))
    with pytest.raises(ExerciseError, match=f"at least {needed} letters or digits"):
        ExerciseServer(FLAGSHIP, tmp_path / "h.sqlite3", port=0, code="ABCDEF", across_sites=True)
    chosen = ExerciseServer(FLAGSHIP, tmp_path / "i.sqlite3", port=0, code="abcde fghjk mnpqr stuvw xyz23",
                            across_sites=True)
    assert chosen.display_code == "ABCDE-FGHJK-MNPQR-STUVW-XYZ23"


def test_a_station_joins_with_the_long_code_typed_loosely_and_shows_the_same_fingerprint(server, tmp_path,
                                                                                          scenario):
    statuses: list[tuple[bool, str]] = []
    store = SessionStore(tmp_path / "station.sqlite3")
    host, port = server.address
    typed = " ".join(server.display_code.lower().split("-"))          # read aloud: spaces, lower case
    link = StationLink(host, port, typed, "Alpha", "Alpha-station", ["PC Hale"], store=store,
                       scenario_id=scenario.id, scenario_hash=scenario.content_hash, backoff=(0.05,),
                       on_status=lambda connected, message: statuses.append((connected, message)))
    link.start()
    try:
        assert link.wait_for_seed(WAIT) is not None and not link.failed
        assert link.fingerprint == server.fingerprint and len(server.fingerprint) == 64
        short = server.short_fingerprint
        assert len(short) == 19 and short.replace(" ", "") == server.fingerprint[:16].upper()
        assert link.short_fingerprint == short
        joined = [message for connected, message in statuses if connected]
        assert joined and f"certificate {short}" in joined[0]
    finally:
        link.close()
        store.close()


def test_the_headless_facilitator_says_across_sites_with_the_long_code_and_fingerprint(tmp_path):
    from hydra_sim import paths
    paths.set_home(tmp_path / "home")
    try:
        lines = []
        args = Namespace(scenario=str(FLAGSHIP), host="127.0.0.1", port=0, code=None, across_sites=True)
        assert run_headless_facilitator(args, io.StringIO("quit\n"), lines.append) == 0
    finally:
        paths.set_home(None)
    listening = lines[0]
    assert listening["event"] == "listening" and listening["across_sites"] is True
    assert [len(g) for g in listening["code"].split("-")] == [5] * 5
    assert len(listening["fingerprint"].split()) == 4


# -- replays ---------------------------------------------------------------------------------------
def test_a_captured_station_hello_replayed_on_a_new_connection_is_refused(server):
    """A hello that got in once (captured, say, by a TLS-inspecting proxy between the sites) cannot get
    in again: the facilitator keeps every accepted nonce of the exercise."""
    with ws_connect(server) as first:
        captured = send_hello(first, hello(server))
        assert json.loads(first.recv(timeout=WAIT))["type"] == p.WELCOME        # the genuine join
    for _ in range(2):                                   # with the first link closed, and again
        with ws_connect(server) as replay:
            replay.send(json.dumps(captured))
            code, reason = closed_with(replay)
        assert code == p.CLOSE_PROTOCOL and "replay" in reason
    with ws_connect(server) as again:                    # the same station, a fresh hello: joins
        send_hello(again, hello(server))
        assert json.loads(again.recv(timeout=WAIT))["type"] == p.WELCOME


def test_a_hello_relayed_by_someone_in_the_middle_is_refused(server):
    """In the middle, with their own certificate: the station's proof is bound to that certificate, so
    passing it on to the real facilitator fails like a wrong code."""
    sealed = p.seal_hello(hello(server), tls.server_context()[1])       # what the middle received
    with ws_connect(server) as relay:
        relay.send(json.dumps(sealed))
        code, _reason = closed_with(relay)
    assert code == p.CLOSE_BAD_CODE
    assert server.snapshot() == []


def test_a_captured_facilitator_welcome_replayed_to_a_station_is_not_trusted(server, tmp_path, scenario):
    """The facilitator's proof is bound to the station's fresh nonce: a welcome captured from an
    earlier connection does not answer a new hello, so an impostor replaying it gets no records."""
    with ws_connect(server) as conn:
        send_hello(conn, hello(server, role="recording", syndicate="Bravo", station_id="b"))
        captured = conn.recv(timeout=WAIT)
    assert json.loads(captured)["type"] == p.WELCOME
    from websockets.sync.server import serve

    received: list[str] = []

    def impostor(conn):
        for raw in conn:
            received.append(raw)
            if json.loads(raw)["type"] == p.HELLO:
                conn.send(captured)

    context, _fingerprint = tls.server_context()
    store = SessionStore(tmp_path / "station.sqlite3")
    with serve(impostor, "127.0.0.1", 0, ssl=context) as fake:
        thread = threading.Thread(target=fake.serve_forever, daemon=True)
        thread.start()
        link = StationLink("127.0.0.1", fake.socket.getsockname()[1], server.code, "Bravo", "b", ["PC Hale"],
                           store=store, scenario_id=scenario.id, scenario_hash=scenario.content_hash,
                           backoff=(0.05,))
        link.start()
        link._threads[0].join(WAIT)                      # refused for good: the link thread ends
        try:
            assert link.failed and "could not prove it runs this exercise" in link.last_error
            assert not link.connected and link.fingerprint == ""
            assert [json.loads(raw)["type"] for raw in received] == [p.HELLO]      # nothing after the hello
        finally:
            link.close()
            store.close()
            fake.shutdown()
            thread.join(WAIT)

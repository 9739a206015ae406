"""Helpers for the exercise tests: paths, a waitable event log, threads that run headless stations."""

from __future__ import annotations

import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FLAGSHIP = REPO / "scenarios" / "brackenford-services.yaml"
BEST = REPO / "scenarios" / "brackenford-services.best.plan.yaml"
CARELESS = REPO / "scenarios" / "brackenford-services.careless.plan.yaml"
WAIT = 20.0          # bounded waits: generous for a loaded 2-core machine, never reached when all is well


class EventLog:
    """Collects server events; ``wait_for(predicate)`` blocks until one matches (or fails after WAIT s)."""

    def __init__(self):
        self.events: list = []
        self._cond = threading.Condition()

    def __call__(self, event) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def wait_for(self, predicate, timeout: float = WAIT, what: str = "an event"):
        with self._cond:
            found = self._cond.wait_for(lambda: next((e for e in self.events if predicate(e)), None), timeout)
        assert found is not None, f"timed out after {timeout} s waiting for {what}"
        return found

    def of(self, kind) -> list:
        with self._cond:
            return [e for e in self.events if isinstance(e, kind)]


class StationThread(threading.Thread):
    """Runs one HeadlessStation in a thread; ``result`` is what ``run`` returned."""

    def __init__(self, station, timeout: float = 60.0):
        super().__init__(daemon=True, name=f"station-{station.syndicate}")
        self.station, self.timeout, self.result, self.error = station, timeout, None, None

    def run(self) -> None:
        try:
            self.result = self.station.run(timeout=self.timeout)
        except BaseException as exc:       # reported by finish(), not lost in the thread
            self.error = exc

    def finish(self, timeout: float = 60.0) -> dict:
        self.join(timeout)
        assert not self.is_alive(), f"station {self.station.syndicate} did not finish"
        if self.error is not None:
            raise self.error
        return self.result


def ws_connect(server, **kwargs):
    """A raw client connection to an ExerciseServer (TLS, as stations connect), for protocol tests."""
    from websockets.sync.client import connect

    from hydra_sim.exercise import tls
    from websockets.exceptions import InvalidHandshake

    host, port = server.address
    # The library's 10 s opening timeout is too short for a loaded CI machine (a TLS handshake on a
    # busy 2-core runner once took longer); WAIT bounds it as every other wait here is bounded.
    kwargs.setdefault("open_timeout", WAIT)
    # Only the opening handshake is tried again, as a station's link does (with backoff): on a CI
    # machine stalled for longer than the server's own 10 s handshake limit, the server closes the
    # half-open connection ("did not receive a valid HTTP response"). No hello has been sent yet,
    # so nothing the tests count (joins, wrong codes, lockouts) has happened; a second failure is real.
    for attempt in range(3):
        try:
            return connect(f"wss://{host}:{port}/", proxy=None, ssl=tls.client_context(), **kwargs)
        except (InvalidHandshake, TimeoutError, ConnectionResetError):
            if attempt == 2:
                raise


def send_hello(conn, message: dict) -> dict:
    """Send a hello as a station does: the join code replaced by its proof, bound to this connection's
    certificate. Returns what was sent (its nonce checks the facilitator's proof)."""
    import json

    from hydra_sim.exercise import protocol as p
    from hydra_sim.exercise import tls
    sealed = p.seal_hello(message, tls.peer_fingerprint(conn))
    conn.send(json.dumps(sealed))
    return sealed


def closed_with(conn, timeout: float = WAIT) -> tuple[int, str]:
    """Read until the server closes ``conn``; its close code and reason."""
    import pytest
    from websockets.exceptions import ConnectionClosed

    with pytest.raises(ConnectionClosed) as info:
        while True:
            conn.recv(timeout=timeout)
    return info.value.rcvd.code, info.value.rcvd.reason


def logged_server(tmp_path, scenario=FLAGSHIP):
    """A started facilitator server on a free loopback port whose events ``srv.log`` (an EventLog) collects."""
    from hydra_sim.exercise.server import ExerciseServer

    srv = ExerciseServer(scenario, tmp_path / "facilitator.sqlite3", host="127.0.0.1", port=0)
    log = EventLog()
    srv.subscribe(log)
    srv.start()
    srv.log = log
    return srv


def started_server(tmp_path, **options):
    """A facilitator server for FLAGSHIP on a free loopback port, started (stop it when done)."""
    from hydra_sim.exercise.server import ExerciseServer

    srv = ExerciseServer(FLAGSHIP, tmp_path / "facilitator.sqlite3", host="127.0.0.1", port=0, **options)
    srv.start()
    return srv

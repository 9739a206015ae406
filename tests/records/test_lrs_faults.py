"""Fault injection on the xAPI push: an LRS that drops the connection mid-batch, answers 5xx or
429 (with Retry-After), refuses one statement, answers after the client has given up, or goes
away entirely; and a real Ralph LRS stopped mid-push and started again.

Whatever happens, nothing is lost (the queue keeps every statement the LRS has not
acknowledged) and, once the LRS is back, it holds each statement exactly once. The fake LRS
behaves as xAPI 1.0.3 asks: one statement per id, a re-sent equal statement is not stored
again, a conflicting one gets 409. No sleeps: backoff waits are recorded instead of slept,
and a slow answer is held on an Event the test releases.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from hydra_sim.records.lrs import LrsClient, LrsProtocolError, LrsUnavailable
from hydra_sim.records.queue import XapiQueue

NAMESPACE = uuid.UUID("6a1f4f38-5f7e-4d6c-9d4e-0d7c2f3b9a10")


def make_statements(count: int, tag: str = "s") -> list[dict]:
    return [{"id": str(uuid.uuid5(NAMESPACE, f"{tag}-{n}")),
             "actor": {"account": {"homePage": "https://hydra-sim.example.org", "name": f"t-{n % 3}"}},
             "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
             "object": {"id": f"https://hydra-sim.example.org/scenes/{n}"}} for n in range(count)]


class FaultyLrs:
    """A small LRS in a thread that misbehaves on cue.

    ``plan`` holds one action per POST, taken in order (then it behaves):
      "drop-before"   read the request, store nothing, close the connection without an answer;
      "drop-after"    store the statements, then close without an answer (the answer is lost);
      "hold"          store them, then answer only once ``release`` is set (after the client gave up);
      "vanish"        store nothing, stop listening for good (the port is closed) and drop;
      "trickle"       store nothing; send the status line, then one byte of a header every 50 ms
                      for 10 s (or until the client hangs up), then a 200 listing the ids;
      ("raw", status, body, with_length)  store nothing, answer ``body`` (bytes) as it is, with
                      or without a Content-Length (without one the connection closes after it);
      ("redirect", status, url)  store nothing, answer a redirect to ``url``;
      int status      answer that status; (status, seconds) adds a Retry-After header.
    ``GET /statements?statementId=ID`` answers the stored statement or 404, as an LRS does, and
    every request's Authorization header is kept in ``authorizations``.
    ``invalid`` ids make any batch holding one a 400 with nothing stored, as a validating LRS does.
    """

    def __init__(self, port: int = 0, stored: dict | None = None):
        self.stored: dict[str, dict] = stored if stored is not None else {}
        self.received: list[list[str]] = []      # the ids of every POST, in order
        self.authorizations: list[str] = []      # the Authorization header of every request
        self.plan: list = []
        self.invalid: set[str] = set()
        self.release = threading.Event()
        self.lock = threading.Lock()
        lrs = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802 - http.server's name
                lrs.authorizations.append(self.headers.get("Authorization", ""))
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                wanted = query.get("statementId", [""])[0]
                with lrs.lock:
                    found = lrs.stored.get(wanted)
                if found is None and not wanted:
                    return self._answer(200, {"statements": []})
                self._answer(200, found) if found else self._answer(404, {"message": "no such statement"})

            def do_POST(self):  # noqa: N802 - http.server's name
                lrs.authorizations.append(self.headers.get("Authorization", ""))
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with lrs.lock:
                    lrs.received.append([s["id"] for s in body])
                    action = lrs.plan.pop(0) if lrs.plan else None
                if action == "drop-before":
                    return
                if action == "trickle":
                    return self._trickle([s["id"] for s in body])
                if isinstance(action, tuple) and action[0] == "raw":
                    return self._raw(*action[1:])
                if isinstance(action, tuple) and action[0] == "redirect":
                    return self._answer(action[1], {"message": "moved"}, {"Location": action[2]})
                if action == "vanish":
                    threading.Thread(target=lrs.close).start()
                    return
                if isinstance(action, (int, tuple)):
                    status, *after = action if isinstance(action, tuple) else (action,)
                    extra = {"Retry-After": after[0]} if after else {}
                    return self._answer(status, {"message": f"scripted {status}"}, extra)
                if any(s["id"] in lrs.invalid for s in body):
                    return self._answer(400, {"message": "statement is not valid"})
                with lrs.lock:
                    if any(s["id"] in lrs.stored and lrs.stored[s["id"]] != s for s in body):
                        return self._answer(409, {"message": "conflict with a stored statement"})
                    new = [s["id"] for s in body if s["id"] not in lrs.stored]
                    lrs.stored.update({s["id"]: s for s in body if s["id"] in new})
                if action == "drop-after":
                    return
                if action == "hold":
                    lrs.release.wait(timeout=60)
                self._answer(200, new) if new else self._answer(204, None)

            def _trickle(self, ids):
                try:
                    self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                    for _ in range(200):
                        self.wfile.write(b"z")
                        self.wfile.flush()
                        if lrs.release.wait(0.05):
                            break
                    self._raw_tail(json.dumps(ids).encode())
                except OSError:          # the client gave up (its deadline)
                    pass

            def _raw_tail(self, data):
                self.wfile.write(b"\r\nContent-Type: application/json\r\nContent-Length: "
                                 + str(len(data)).encode() + b"\r\n\r\n" + data)

            def _raw(self, status, data, with_length):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    if with_length:
                        self.send_header("Content-Length", str(len(data)))
                    else:
                        self.send_header("Connection", "close")
                        self.close_connection = True
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:          # the client stopped reading (the size cap)
                    pass

            def _answer(self, status, payload, headers=None):
                data = json.dumps(payload).encode() if payload is not None else b""
                try:
                    self.send_response(status)
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:          # the client gave up waiting (a held answer)
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.endpoint = f"http://127.0.0.1:{self.port}/xAPI"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.closed = False

    def close(self) -> None:
        with self.lock:
            if self.closed:
                return
            self.closed = True
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def restart(self) -> FaultyLrs:
        """The same LRS (same port, same stored statements) back up after going away."""
        self.close()
        self.thread.join(timeout=10)
        return FaultyLrs(self.port, self.stored)


@pytest.fixture
def lrs():
    servers = [FaultyLrs()]
    yield servers
    for server in servers:
        server.close()


@pytest.fixture
def queue(tmp_path):
    with XapiQueue(tmp_path / "queue.sqlite3") as opened:
        yield opened


def client(endpoint: str, **kwargs) -> tuple[LrsClient, list[float]]:
    sleeps: list[float] = []
    options = {"batch_size": 10, "attempts": 4, "base_delay": 0.5, "timeout": 10, **kwargs}
    return LrsClient(endpoint, "trainer", "secret", sleep=sleeps.append, **options), sleeps


def assert_each_stored_once(server: FaultyLrs, statements: list[dict]) -> None:
    assert sorted(server.stored) == sorted(s["id"] for s in statements)
    assert all(server.stored[s["id"]] == s for s in statements)


def test_a_connection_dropped_mid_batch_loses_nothing_and_stores_nothing_twice(lrs, queue):
    server = lrs[0]
    statements = make_statements(30)
    queue.add(server.endpoint, "s", statements)
    server.plan = [None, "drop-after", "drop-before", None]      # batch 2: stored but never answered
    result = client(server.endpoint)[0].flush(queue)
    assert (result.sent + result.already, result.queued, result.errors) == (30, 0, [])
    assert result.already == 10                                  # batch 2 again: the LRS had it already
    assert queue.count() == 0
    assert_each_stored_once(server, statements)
    assert len(server.received) == 5 and server.received[1] == server.received[2] == server.received[3]


def test_drops_on_every_attempt_keep_the_batch_queued_until_the_next_push(lrs, queue):
    server = lrs[0]
    statements = make_statements(25)
    queue.add(server.endpoint, "s", statements)
    server.plan = [None, "drop-after", "drop-before", "drop-before", "drop-before"]
    lrs_client, sleeps = client(server.endpoint)
    result = lrs_client.flush(queue)
    assert result.sent == 10 and result.queued == 15 and sleeps == [0.5, 1.0, 2.0]
    assert "cannot reach" in result.errors[0] and "stay queued" in result.errors[0]
    assert {i for i in server.stored} >= {s["id"] for s in statements[:20]}     # batch 2 was stored unanswered
    result = lrs_client.flush(queue)
    assert (result.sent, result.already, result.queued, result.errors) == (5, 10, 0, [])
    assert_each_stored_once(server, statements)


def test_server_errors_and_429_are_retried_honouring_retry_after(lrs, queue):
    server = lrs[0]
    statements = make_statements(10)
    queue.add(server.endpoint, "s", statements)
    server.plan = [500, 502, 503, (429, "7")]
    lrs_client, sleeps = client(server.endpoint, attempts=5)
    result = lrs_client.flush(queue)
    assert (result.sent, result.queued) == (10, 0)
    assert sleeps == [0.5, 1.0, 2.0, 7.0]          # the backoff, then what the 429 asked for (not 4 s)
    assert_each_stored_once(server, statements)


def test_a_retry_after_beyond_the_longest_wait_is_capped_and_the_batch_stays_queued(lrs, queue):
    server = lrs[0]
    statements = make_statements(4)
    queue.add(server.endpoint, "s", statements)
    server.plan = [(429, "3600")] * 3
    lrs_client, sleeps = client(server.endpoint, attempts=3, max_delay=30)
    result = lrs_client.flush(queue)
    assert sleeps == [30, 30] and result.queued == 4 and "HTTP 429" in result.errors[0]
    assert server.stored == {}
    result = lrs_client.flush(queue)
    assert (result.sent, result.queued) == (4, 0)
    assert_each_stored_once(server, statements)


def test_one_statement_the_lrs_refuses_stays_queued_and_the_rest_of_its_batch_is_stored(lrs, queue):
    server = lrs[0]
    statements = make_statements(20)
    bad = statements[13]["id"]
    server.invalid = {bad}
    queue.add(server.endpoint, "s", statements)
    lrs_client, sleeps = client(server.endpoint, batch_size=20)
    result = lrs_client.flush(queue)
    assert (result.sent, result.queued) == (19, 1) and sleeps == []
    assert len(result.errors) == 1 and bad in result.errors[0] and "HTTP 400" in result.errors[0]
    assert [s["id"] for _, s in queue.pending(server.endpoint)] == [bad]
    assert sorted(server.stored) == sorted(s["id"] for s in statements if s["id"] != bad)
    server.invalid = set()             # the LRS's rules were fixed: the next push sends it
    result = lrs_client.flush(queue)
    assert (result.sent, result.already, result.queued) == (1, 0, 0)
    assert_each_stored_once(server, statements)


def test_a_conflict_for_one_id_does_not_acknowledge_the_rest_of_the_batch(lrs, queue):
    server = lrs[0]
    statements = make_statements(8)
    other = dict(statements[5], verb={"id": "http://adlnet.gov/expapi/verbs/other"})
    server.stored[other["id"]] = other            # the LRS holds something else under one id
    queue.add(server.endpoint, "s", statements)
    result = client(server.endpoint)[0].flush(queue)
    assert (result.sent, result.already, result.queued) == (7, 1, 0)
    assert sorted(server.stored) == sorted(s["id"] for s in statements)
    assert all(server.stored[s["id"]] == s for s in statements if s["id"] != other["id"])


def test_an_answer_slower_than_the_timeout_is_retried_without_a_duplicate(lrs, queue):
    server = lrs[0]
    statements = make_statements(10)
    queue.add(server.endpoint, "s", statements)
    server.plan = ["hold"]                    # stored at once, answered only after the client gave up
    lrs_client, sleeps = client(server.endpoint, timeout=0.2)
    try:
        result = lrs_client.flush(queue)
    finally:
        server.release.set()
    assert (result.sent, result.already, result.queued, result.errors) == (0, 10, 0, [])
    assert len(sleeps) == 1 and len(server.received) == 2
    assert_each_stored_once(server, statements)


def test_an_lrs_that_never_answers_in_time_keeps_everything_queued(lrs, queue):
    server = lrs[0]
    statements = make_statements(5)
    queue.add(server.endpoint, "s", statements)
    server.plan = ["hold"] * 3
    lrs_client, _sleeps = client(server.endpoint, timeout=0.2, attempts=3)
    try:
        result = lrs_client.flush(queue)
        server.plan = ["hold"]
        with pytest.raises(LrsUnavailable, match="timed out"):
            LrsClient(server.endpoint, "trainer", "secret", attempts=1, timeout=0.2).post_batch(statements[:1])
    finally:
        server.release.set()
    assert result.queued == 5 and "timed out" in result.errors[0]
    result = lrs_client.flush(queue)          # answering quickly again: acknowledged, stored once
    assert (result.sent, result.already, result.queued) == (0, 5, 0)
    assert_each_stored_once(server, statements)


def test_an_lrs_that_goes_away_mid_push_gets_the_rest_once_it_is_back(lrs, queue):
    server = lrs[0]
    statements = make_statements(40)
    queue.add(server.endpoint, "s", statements)
    server.plan = [None, None, "vanish"]
    lrs_client, sleeps = client(server.endpoint, attempts=3)
    result = lrs_client.flush(queue)
    assert (result.sent, result.queued) == (20, 20) and len(sleeps) == 2
    assert "cannot reach" in result.errors[0]
    assert queue.count(server.endpoint) == 20
    back = server.restart()
    lrs.append(back)
    result = lrs_client.flush(queue)
    assert (result.sent, result.already, result.queued, result.errors) == (20, 0, 0, [])
    assert_each_stored_once(back, statements)


# -- a hostile or broken server: redirects, answers that confirm nothing, endless or huge answers --
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_never_followed_and_the_password_never_reaches_the_other_host(lrs, queue, status):
    server, elsewhere = lrs[0], FaultyLrs()
    lrs.append(elsewhere)
    statements = make_statements(12)
    queue.add(server.endpoint, "s", statements)
    server.plan = [("redirect", status, f"{elsewhere.endpoint}/statements")]
    lrs_client, sleeps = client(server.endpoint)
    result = lrs_client.flush(queue)
    assert elsewhere.authorizations == [] and elsewhere.stored == {}       # never contacted
    assert (result.sent, result.already, result.queued) == (0, 0, 12) and sleeps == []
    assert len(result.errors) == 1 and f"HTTP {status}" in result.errors[0] and "redirect" in result.errors[0]
    assert elsewhere.endpoint in result.errors[0]
    assert len(server.received) == 1                   # the push stopped: no second batch went
    result = lrs_client.flush(queue)                    # the LRS behaves again: everything arrives once
    assert (result.sent, result.queued) == (12, 0)
    assert_each_stored_once(server, statements)


@pytest.mark.parametrize("body", [b"OK", b"<html>saved</html>", b"", b"{}", b'{"ids": []}', b"[1, 2]",
                                  b"[" * 100_000], ids=["text", "html", "empty", "object", "wrapped", "numbers",
                                                       "deep"])
def test_a_200_without_the_list_of_ids_confirms_nothing(lrs, queue, body):
    server = lrs[0]
    statements = make_statements(15)
    queue.add(server.endpoint, "s", statements)
    server.plan = [("raw", 200, body, True)]
    lrs_client, _sleeps = client(server.endpoint)
    with pytest.raises(LrsProtocolError, match="without the JSON list of statement ids"):
        LrsClient(server.endpoint, "trainer", "secret").post_batch(statements[:1])
    server.plan = [("raw", 200, body, True)]
    result = lrs_client.flush(queue)
    assert (result.sent, result.already, result.queued) == (0, 0, 15)
    assert "nothing is counted as sent" in result.errors[0]
    result = lrs_client.flush(queue)
    assert (result.sent, result.queued) == (15, 0)
    assert_each_stored_once(server, statements)


def test_an_empty_list_of_ids_confirms_only_what_the_lrs_really_holds(lrs, queue):
    server = lrs[0]
    statements = make_statements(6)
    server.stored[statements[2]["id"]] = statements[2]        # the LRS really holds this one
    queue.add(server.endpoint, "s", statements)
    server.plan = [("raw", 200, b"[]", True)]                 # ... but stored nothing of this POST
    result = client(server.endpoint)[0].flush(queue)
    assert (result.sent, result.already, result.queued) == (0, 1, 5)
    assert len(result.errors) == 5 and all("did not confirm" in e for e in result.errors)
    assert statements[2]["id"] not in {s["id"] for _, s in queue.pending(server.endpoint)}
    result = client(server.endpoint)[0].flush(queue)
    assert (result.sent, result.already, result.queued) == (5, 0, 0)
    assert_each_stored_once(server, statements)


def test_a_server_trickling_a_byte_at_a_time_cannot_hold_the_push_past_its_deadline(lrs, queue):
    server = lrs[0]
    statements = make_statements(20)
    queue.add(server.endpoint, "s", statements)
    server.plan = ["trickle"]              # each byte well inside the per-read timeout
    lrs_client, sleeps = client(server.endpoint, timeout=2, deadline=0.5)
    try:
        result = lrs_client.flush(queue)
    finally:
        server.release.set()
    assert (result.sent, result.already, result.queued) == (0, 0, 20) and sleeps == []
    assert len(result.errors) == 1 and "deadline of 0.5 s" in result.errors[0]
    assert len(server.received) == 1
    result = client(server.endpoint)[0].flush(queue)
    assert (result.sent, result.queued) == (20, 0)
    assert_each_stored_once(server, statements)


@pytest.mark.parametrize("with_length", [True, False], ids=["content-length", "until-close"])
def test_an_answer_beyond_the_size_cap_is_not_read_and_confirms_nothing(lrs, queue, with_length):
    server = lrs[0]
    statements = make_statements(8)
    queue.add(server.endpoint, "s", statements)
    padded = json.dumps([s["id"] for s in statements]).encode() + b" " * (2 << 20)    # valid JSON, 2 MiB
    server.plan = [("raw", 200, padded, with_length)]
    result = client(server.endpoint, max_answer=65536)[0].flush(queue)
    assert (result.sent, result.already, result.queued) == (0, 0, 8)
    assert "larger than 65536 bytes" in result.errors[0]
    assert server.stored == {}


# -- a real LRS: Ralph stopped mid-push and started again -----------------------------------
@pytest.fixture(scope="module")
def ralph(tmp_path_factory):
    pytest.importorskip("requests")
    pytest.importorskip("ralph")
    from test_lrs_ralph import Ralph
    server = Ralph(tmp_path_factory.mktemp("ralph-faults"))
    server.start()
    yield server
    server.stop()


def test_ralph_stopped_mid_push_and_restarted_holds_every_statement_once(ralph, tmp_path):
    from export_cohort import FINISHED_STATEMENTS, build_cohort
    from test_lrs_ralph import PASSWORD, USER

    from hydra_sim.records import SessionStore, exports, xapi

    with SessionStore(tmp_path / "sessions.sqlite3") as store:
        build_cohort(store)
        records = exports.gather_all(store, exports.select_sessions(store, status="finished"))
    statements = xapi.statements_for(records)
    assert len(statements) == FINISHED_STATEMENTS
    restarts: list[float] = []

    def sleep(seconds: float) -> None:         # the backoff wait: bring Ralph back during it
        restarts.append(seconds)
        if ralph.process is None:
            ralph.start()

    with XapiQueue(tmp_path / "queue.sqlite3") as queue:
        queue.add(ralph.endpoint, "cohort", statements)
        real_remove = queue.remove
        removed: list[int] = []

        def remove_then_stop(endpoint, ids):      # Ralph stops right after acknowledging batch 1
            real_remove(endpoint, ids)
            removed.append(len(ids))
            if len(removed) == 1:
                ralph.stop()
        queue.remove = remove_then_stop
        lrs_client = LrsClient(ralph.endpoint, USER, PASSWORD, batch_size=15, attempts=4, timeout=30, sleep=sleep)
        result = lrs_client.flush(queue)
        assert (result.sent, result.already, result.queued, result.errors) == (FINISHED_STATEMENTS, 0, 0, [])
        assert restarts and removed == [15, 15, FINISHED_STATEMENTS - 30] and queue.count() == 0
    stored = ralph.statements()
    assert sorted(s["id"] for s in stored) == sorted(s["id"] for s in statements)

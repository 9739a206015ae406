"""xAPI statements (shape, validity, idempotent ids), the offline queue and the LRS client against a stub."""

from __future__ import annotations

import base64
import json
import threading
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

import pytest
from export_cohort import FINISHED_STATEMENTS, build_cohort

from hydra_sim.records import SessionStore, exports, xapi
from hydra_sim.records.lrs import LrsAuthError, LrsClient, LrsUnavailable
from hydra_sim.records.queue import XapiQueue


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    path = tmp_path_factory.mktemp("xapi") / "sessions.sqlite3"
    with SessionStore(path) as store:
        ids = build_cohort(store)
    return path, ids


@pytest.fixture()
def store(cohort):
    with SessionStore(cohort[0]) as opened:
        yield opened


@pytest.fixture()
def records(store):
    return exports.gather_all(store, exports.select_sessions(store))


@pytest.fixture()
def statements(records):
    return xapi.statements_for(records)


def ralph_statement_model():
    try:
        from ralph.models.xapi.base.statements import BaseXapiStatement
    except ImportError:          # pragma: no cover - ralph is a test dependency
        return None
    return BaseXapiStatement


def iris(value, key=""):
    """Every IRI-valued field of a statement (ids, types, verb ids, extension keys)."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "extensions":
                yield from v.keys()
            elif k in ("id", "type", "homePage") and isinstance(v, str) and key not in ("choices",):
                yield v
            else:
                yield from iris(v, k)
    elif isinstance(value, list) and key != "choices":
        for item in value:
            yield from iris(item, key)


def test_every_statement_validates_with_ralphs_xapi_model(statements):
    model = ralph_statement_model()
    if model is None:
        pytest.skip("ralph is not installed")
    assert len(statements) == FINISHED_STATEMENTS
    for statement in statements:
        model.model_validate(statement)


def test_statements_are_well_formed(statements, cohort):
    _path, ids = cohort
    assert len({s["id"] for s in statements}) == len(statements)
    for s in statements:
        uuid.UUID(s["id"])
        assert s["context"]["registration"] in ids.values()
        assert s["actor"] == {"objectType": "Agent", "account": {
            "homePage": "https://hydra-sim.example.org/trainees", "name": s["actor"]["account"]["name"]}}
        assert s["actor"]["account"]["name"].startswith("t-")
        assert s["timestamp"].endswith("Z")
        score = s["result"].get("score")
        if score is not None:
            assert -1 <= score["scaled"] <= 1 and score["min"] <= score["raw"] <= score["max"]
        for iri in [i for i in iris(s) if not i == s["id"]]:
            parsed = urlparse(iri)
            assert parsed.scheme in ("http", "https") and parsed.netloc, iri
    text = json.dumps(statements)
    for private in ("PC <Ann>", "PC Bob", "PC Cara", "Brackenford\"", "mailto:"):
        assert private not in text
    # Nothing for the unfinished session (it has no decisions yet), completed + passed/failed for the rest.
    assert ids["unfinished"] not in {s["context"]["registration"] for s in statements}


def test_decision_statements_carry_response_score_duration_and_rationale(statements, cohort):
    _path, ids = cohort
    good = [s for s in statements if s["context"]["registration"] == ids["mini_good"]]
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in good]
    assert verbs == ["answered"] * 5 + ["completed", "passed"]
    call, arrive, rank, why, _driver = good[:5]
    assert call["object"]["id"] == "https://hydra-sim.example.org/scenarios/mini/decisions/call"
    assert call["object"]["definition"]["interactionType"] == "choice"
    assert call["object"]["definition"]["choices"][0] == {"id": "ambulance",
                                                          "description": {"en-GB": "Send an ambulance"}}
    assert call["result"]["response"] == "ambulance" and call["result"]["success"] is True
    assert call["result"]["score"] == {"raw": 3.0, "min": -3.0, "max": 3.0, "scaled": 1.0}
    assert call["result"]["duration"] == "PT1M12.5S"
    ext = call["result"]["extensions"]
    assert ext["https://hydra-sim.example.org/extensions/rationale"] == "Life first = always"
    assert ext["https://hydra-sim.example.org/extensions/simulated-clock"] == "04:10"
    assert arrive["result"]["response"] == "doors[,]bwv"
    assert rank["object"]["definition"]["interactionType"] == "sequencing"
    assert rank["result"]["response"] == "medical[,]lorry[,]forms"
    assert why["object"]["definition"]["interactionType"] == "long-fill-in"
    assert "choices" not in why["object"]["definition"]
    assert why["result"]["response"].startswith("Threat and risk: <b>People</b>")
    assert call["context"]["contextActivities"]["parent"][0]["id"] == "https://hydra-sim.example.org/scenarios/mini"
    assert call["context"]["extensions"]["https://hydra-sim.example.org/extensions/catalogues"] == {
        "mini-catalogue": "1"}
    poor = [s for s in statements if s["context"]["registration"] == ids["mini_poor"]]
    assert poor[0]["result"]["success"] is False and poor[0]["result"]["score"]["scaled"] == -1.0
    assert [s["verb"]["display"]["en-GB"] for s in poor][-2:] == ["completed", "failed"]
    assert poor[-1]["result"]["success"] is False and poor[-1]["result"]["score"]["scaled"] == 0.0
    best = [s for s in statements if s["context"]["registration"] == ids["flag_best"]]
    assert best[-1]["verb"]["display"]["en-GB"] == "passed" and best[-1]["result"]["score"]["scaled"] == 1.0


def test_ids_are_the_same_every_time_and_the_iri_base_is_configurable(records, statements):
    again = xapi.statements_for(records)
    assert [s["id"] for s in again] == [s["id"] for s in statements]
    assert again == statements
    other = xapi.statements_for(records, "https://lms.example.net/hydra/")
    assert other[0]["object"]["id"].startswith("https://lms.example.net/hydra/scenarios/")
    assert other[0]["actor"]["account"]["homePage"] == "https://lms.example.net/hydra/trainees"
    with pytest.raises(ValueError, match="absolute"):
        xapi.StatementBuilder("hydra-sim/x")


@pytest.mark.parametrize(("seconds", "text"), [(0, "PT0S"), (72.5, "PT1M12.5S"), (3600, "PT1H"),
                                               (3725.25, "PT1H2M5.25S"), (59.999, "PT1M")])
def test_iso_durations(seconds, text):
    assert xapi.iso_duration(seconds) == text


def test_the_queue_is_idempotent_by_statement_id(tmp_path, statements):
    with XapiQueue(tmp_path / "q.sqlite3") as queue:
        assert queue.add("http://lrs/xAPI/", "s1", statements[:10]) == 10
        assert queue.add("http://lrs/xAPI", "s1", statements[:12]) == 2
        assert queue.count("http://lrs/xAPI") == 12 and queue.queued_sessions("http://lrs/xAPI") == {"s1"}
        assert queue.count("http://other/xAPI") == 0
        assert [s["id"] for _, s in queue.pending("http://lrs/xAPI", 5)] == [s["id"] for s in statements[:5]]
        queue.remove("http://lrs/xAPI", [s["id"] for s in statements[:5]])
        assert queue.count() == 7
    with XapiQueue(tmp_path / "q.sqlite3") as queue:      # it survives reopening
        assert queue.count() == 7


# -- the LRS client against a stub ------------------------------------------------------
class StubLrs:
    """A tiny LRS: scripted answers, remembers the statements it stored."""

    def __init__(self):
        self.stored: dict[str, dict] = {}
        self.script: list[int] = []         # statuses to answer before behaving normally
        self.requests: list[dict] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):        # statementId look-ups, answered as Ralph does (a statement result)
                wanted = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("statementId", [""])[0]
                found = [stub.stored[wanted]] if wanted in stub.stored else []
                self._answer(200 if found else 404, {"statements": found})

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stub.requests.append({"path": self.path, "count": len(body),
                                      "headers": {k.lower(): v for k, v in self.headers.items()}})
                status = stub.script.pop(0) if stub.script else None
                if self.headers.get("Authorization") != "Basic " + base64.b64encode(b"trainer:secret").decode():
                    status = 401
                if status is None:
                    new = [s["id"] for s in body if s["id"] not in stub.stored]
                    stub.stored.update({s["id"]: s for s in body})
                    self._answer(200 if new else 204, new if new else None)
                elif status == 400:
                    self._answer(400, {"message": "Statements already exist with the same IDs"})
                else:
                    self._answer(status, {"message": f"scripted {status}"})

            def _answer(self, status, payload):
                data = json.dumps(payload).encode() if payload is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}/xAPI"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


@pytest.fixture()
def stub():
    server = StubLrs()
    yield server
    server.close()


@pytest.fixture()
def queue(tmp_path):
    with XapiQueue(tmp_path / "queue.sqlite3") as opened:
        yield opened


def client(endpoint, password="secret", **kwargs):
    sleeps: list[float] = []
    made = LrsClient(endpoint, "trainer", password, sleep=sleeps.append, timeout=10, **kwargs)
    return made, sleeps


def test_flush_posts_batches_with_auth_and_version_header(stub, queue, statements):
    queue.add(stub.endpoint, "all", statements)
    lrs, sleeps = client(stub.endpoint, batch_size=15)
    result = lrs.flush(queue)
    assert (result.sent, result.already, result.queued, result.errors) == (FINISHED_STATEMENTS, 0, 0, [])
    assert [r["count"] for r in stub.requests] == [15, 15, FINISHED_STATEMENTS - 30] and sleeps == []
    assert all(r["path"] == "/xAPI/statements" and r["headers"]["x-experience-api-version"] == "1.0.3"
               for r in stub.requests)
    assert set(stub.stored) == {s["id"] for s in statements}
    queue.add(stub.endpoint, "again", statements)          # re-sent: the LRS already has them
    result = lrs.flush(queue)
    assert (result.sent, result.already, result.queued) == (0, FINISHED_STATEMENTS, 0)


@pytest.mark.parametrize("status", [409, 400])
def test_a_batch_refused_as_a_whole_is_split_until_every_statement_is_answered(stub, queue, statements, status):
    """A 409/400 for a whole batch does not say which statement it means: the client splits the
    batch and sends the halves, so nothing the LRS did not store is dropped from the queue."""
    queue.add(stub.endpoint, "s", statements[:5])
    stub.script = [status]
    result = client(stub.endpoint)[0].flush(queue)
    assert (result.sent + result.already, result.queued) == (5, 0)
    assert set(stub.stored) == {s["id"] for s in statements[:5]}


def test_wrong_password_keeps_everything_queued_with_a_clear_message(stub, queue, statements):
    queue.add(stub.endpoint, "s", statements)
    lrs, sleeps = client(stub.endpoint, password="wrong")
    result = lrs.flush(queue)
    assert result.auth_failed and result.queued == FINISHED_STATEMENTS and result.sent == 0 and sleeps == []
    assert "refused the credentials" in result.errors[0] and "still queued" in result.errors[0]
    assert len(stub.requests) == 1
    with pytest.raises(LrsAuthError):
        lrs.post_batch(statements[:1])
    assert "wrong" not in repr(lrs)


def test_server_errors_are_retried_with_backoff_then_kept(stub, queue, statements):
    queue.add(stub.endpoint, "s", statements[:3])
    stub.script = [503, 500]
    lrs, sleeps = client(stub.endpoint, attempts=4, base_delay=0.5)
    result = lrs.flush(queue)
    assert (result.sent, result.queued) == (3, 0) and sleeps == [0.5, 1.0]
    queue.add(stub.endpoint, "t", statements[3:6])
    stub.script = [502] * 4
    lrs, sleeps = client(stub.endpoint, attempts=4, base_delay=0.5)
    result = lrs.flush(queue)
    assert result.queued == 3 and result.sent == 0 and sleeps == [0.5, 1.0, 2.0]
    assert "gave up after 4 attempts" in result.errors[0]


def test_an_unreachable_lrs_keeps_everything_queued(queue, statements):
    stub = StubLrs()
    endpoint = stub.endpoint
    stub.close()                    # nothing listens on that port now
    queue.add(endpoint, "s", statements)
    lrs, sleeps = client(endpoint, attempts=3)
    result = lrs.flush(queue)
    assert result.queued == FINISHED_STATEMENTS and result.sent == 0 and len(sleeps) == 2
    assert "cannot reach" in result.errors[0]
    with pytest.raises(LrsUnavailable):
        lrs.post_batch(statements[:1])


def test_queue_finished_sessions_takes_each_session_once(store, queue, cohort):
    _path, ids = cohort
    added = xapi.queue_finished_sessions(store, queue, "http://lrs/xAPI")
    assert added == FINISHED_STATEMENTS and queue.queued_sessions("http://lrs/xAPI") == {
        ids[k] for k in ("mini_good", "mini_poor", "flag_best", "flag_careless")}
    assert xapi.queue_finished_sessions(store, queue, "http://lrs/xAPI") == 0

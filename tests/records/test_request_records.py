"""Requests for information in the records: stored as the app stores a session, restored, and in the
CSV, JSON, HTML and xAPI exports; and the store's kinds for seats and messages between seats."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from hydra_sim.engine.loader import load_scenario
from hydra_sim.engine.runner import ScenarioRunner
from hydra_sim.engine.scoring import score_runner
from hydra_sim.records import EVENT_KINDS, INPUT_KINDS, SessionStore, TraineeInfo, exports
from hydra_sim.records.recording import event_data
from hydra_sim.records.xapi import VERBS, StatementBuilder

REPO = Path(__file__).resolve().parents[2]
RFI = REPO / "tests" / "fixtures" / "rfi" / "rfi.yaml"
SEATED = REPO / "tests" / "fixtures" / "seated" / "seated.yaml"


class Recording:
    """A session stored as the app's session controller stores one: one batch per runner call."""

    def __init__(self, store, scenario, trainee="T-rfi", **runner_args):
        self.store, self.scenario = store, scenario
        self.session_id = store.start_session(TraineeInfo(trainee), scenario)
        self.runner = ScenarioRunner(scenario, seed=3, **runner_args)
        self.batch: list = []
        self.runner.subscribe(lambda event: self.batch.append(event_data(event)))
        self.persisted = 0

    def __call__(self, method, *args, **kwargs):
        result = getattr(self.runner, method)(*args, **kwargs)
        log = self.runner.log
        end = len(log) - (1 if log and log[-1]["type"] == "advance" else 0)
        self.store.append_batch(self.session_id, [dict(e) for e in log[self.persisted:end]], list(self.batch),
                                clock_after=self.runner.clock.seconds)
        self.persisted, self.batch[:] = end, []
        return result

    def finish(self):
        self.store.finish_session(self.session_id, score_runner(self.runner).to_dict())


@pytest.fixture(scope="module")
def rfi():
    return load_scenario(RFI).raise_for_errors()


@pytest.fixture()
def played(tmp_path, rfi):
    with SessionStore(tmp_path / "sessions.sqlite3") as store:
        rec = Recording(store, rfi)
        rec("start")
        rec("request_information", "crime_desk", "Vehicle checks on the trailer please", "priority")
        rec("choose", "ambulance")
        rec("advance", 600)
        rec("choose", "talk")
        rec("request_information", "childrens_services", "x", "routine", topic="child_placement")
        rec("choose", "keep")
        rec.finish()
        yield store, rec


def test_the_store_takes_the_kinds_of_seats_messages_and_requests():
    assert {"seat", "request"} <= set(INPUT_KINDS)
    assert {"message_arrived", "request_made", "request_answered"} <= set(EVENT_KINDS)


def test_a_seated_session_played_for_one_seat_is_stored_and_restored(tmp_path):
    seated = load_scenario(SEATED).raise_for_errors()
    with SessionStore(tmp_path / "sessions.sqlite3") as store:
        rec = Recording(store, seated, seat="control")
        rec("start")
        while not rec.runner.ended:
            options = rec.runner.available_options()
            decision = rec.runner.decision
            if decision.kind == "choose_one":
                rec("choose", options[0].id, "Because.")
            else:
                rec("choose", [o.id for o in options][: decision.min_picks or 1])
            rec("advance", 600)
        kinds = {e["kind"] for e in store.events(rec.session_id)}
        assert "message_arrived" in kinds
        inputs = store.inputs(rec.session_id)
        assert [e["seat"] for e in inputs if e["type"] == "seat"] == ["control"]
        again = ScenarioRunner.restore(seated, inputs)
        assert again.seat == "control" and again.ended == rec.runner.ended


def test_the_stored_session_restores_with_its_requests_and_answers(played, rfi):
    store, rec = played
    again = ScenarioRunner.restore(rfi, store.inputs(rec.session_id))
    assert [r.to_dict() for r in again.requests] == [r.to_dict() for r in rec.runner.requests]
    kinds = [e["kind"] for e in store.events(rec.session_id)]
    # the second reply takes 20 minutes: the incident ended before it came, so it stays unanswered
    assert kinds.count("request_made") == 2 and kinds.count("request_answered") == 1


def test_the_report_and_the_json_export_hold_the_requests(played):
    store, rec = played
    report = store.report(rec.session_id)
    assert [r["partner"] for r in report["requests"]] == ["crime_desk", "childrens_services"]
    record = exports.gather(store, store.session(rec.session_id))
    data = json.loads(exports.sessions_json([record]))["sessions"][0]
    first, second = data["requests"]
    assert (first["question"], first["urgency"], first["clock"], first["answered_at"]) == (
        "Vehicle checks on the trailer please", "priority", 0, 600)
    assert first["credited"] and first["actions"] == ["crime_checks"]
    assert first["answer"].startswith("Crime desk: the trailer was hired")
    assert second["question"] == "x" and not second["credited"] and second["actions"] == []
    assert second["answered_at"] is None and second["answer"] is None


def test_the_requests_csv_has_one_row_per_request_with_its_answer_and_times(played):
    store, rec = played
    record = exports.gather(store, store.session(rec.session_id))
    rows = list(csv.DictReader(io.StringIO(exports.requests_csv([record]))))
    assert len(rows) == 2
    assert rows[0]["partner_name"] == "National crime desk" and rows[0]["asked_at"] == "05:30"
    assert rows[0]["answered_at"] == "05:40" and rows[0]["answered_by"] == "canned"
    assert rows[0]["credited"] == "yes" and rows[0]["evidenced"] == "crime_checks"
    assert rows[1]["credited"] == "no" and rows[1]["topic"] == "child_placement"


def test_the_html_timeline_shows_the_request_and_the_answer(played):
    store, rec = played
    page = exports.session_html(exports.gather(store, store.session(rec.session_id)))
    assert "To National crime desk (priority): Vehicle checks on the trailer please" in page
    assert "National crime desk: Crime desk: the trailer was hired" in page


def test_each_request_is_an_asked_xapi_statement(played):
    store, rec = played
    builder = StatementBuilder()
    statements = builder.statements(exports.gather(store, store.session(rec.session_id)))
    asked = [s for s in statements if s["verb"]["id"] == VERBS["asked"]]
    assert len(asked) == 2
    first = asked[0]
    assert first["object"]["id"].endswith("/scenarios/rfi/partners/crime_desk")
    assert first["result"]["response"] == "Vehicle checks on the trailer please"
    ext = first["result"]["extensions"]
    assert ext[builder.extension("urgency")] == "priority"
    assert ext[builder.extension("evidenced-actions")] == ["crime_checks"]
    assert ext[builder.extension("answered-simulated-seconds")] == 600
    assert len({s["id"] for s in statements}) == len(statements)      # ids never collide
    again = builder.statements(exports.gather(store, store.session(rec.session_id)))
    assert [s["id"] for s in again] == [s["id"] for s in statements]   # the same ids when sent again

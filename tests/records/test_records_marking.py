"""An assessor's marking of a rationale: it completes the provisional result, inside the hash chain."""

from __future__ import annotations

import json
import shutil

import pytest
from records_support import GOOD_PATH, REPO, play, raw

from hydra_sim.engine import RunnerError, load_scenario
from hydra_sim.records.exports import gather_all, select_sessions, session_html, sessions_csv, sessions_json

RATIONALE = 3            # GOOD_PATH's NDM rationale is the session's fourth decision


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    """The mini scenario with its rubric criterion earning 'rationale_recorded' (1 of 10 points)."""
    folder = tmp_path_factory.mktemp("marked") / "fixtures"
    shutil.copytree(REPO / "tests" / "fixtures", folder)
    path = folder / "mini" / "mini.yaml"
    text = path.read_text(encoding="utf-8")
    old = 'guidance: "For feedback."}]'
    assert old in text
    path.write_text(text.replace(old, "evidences: [rationale_recorded]}]"), encoding="utf-8")
    return load_scenario(path).raise_for_errors()


def test_a_finished_session_is_provisional_until_its_rationale_is_marked(store, mini):
    session_id = play(store, mini)
    report = store.report(session_id)
    assert report["provisional"] and report["grade_label"].endswith("(provisional)")
    status = {a["action_id"]: a["status"] for a in report["actions"]}
    assert status["rationale_recorded"] == "awaiting_marking"
    marked = store.mark_rationale(session_id, mini, RATIONALE, {"risk_named": "met"}, "Sgt Okafor",
                                  {"risk_named": "Names the people in the trailer and the cold."})
    assert not marked["provisional"] and marked["percent"] > report["percent"]
    stored = store.report(session_id)
    assert stored == marked
    assert store.session(session_id).percent == marked["percent"]
    (marking,) = stored["markings"]
    assert marking["by"] == "Sgt Okafor" and marking["at"].startswith("20")
    assert marking["marks"] == {"risk_named": "met"}
    assert store.verify(session_id) == []
    kinds = [e["type"] for e in store.inputs(session_id)]
    assert kinds[-1] == "mark"                       # in the replay log, so a rescore includes it
    assert store.rescore(session_id, mini)["report"]["percent"] == marked["percent"]


def test_an_edited_marking_is_found_by_verify(store, store_path, mini):
    session_id = play(store, mini)
    store.mark_rationale(session_id, mini, RATIONALE, {"risk_named": "not_met"}, "Sgt Okafor")
    assert store.verify(session_id) == []
    seq = raw(store_path, "SELECT seq FROM events WHERE session_id = ? AND kind = 'mark'", (session_id,))[0][0]
    raw(store_path, "UPDATE events SET data_json = replace(data_json, '\"not_met\"', '\"met\"')"
                    " WHERE session_id = ? AND seq = ?", (session_id, seq))
    issues = store.verify(session_id)
    assert [i.seq for i in issues] == [seq] and "changed" in issues[0].message


def test_an_edited_marked_grade_is_found_by_verify(store, store_path, mini):
    session_id = play(store, mini)
    store.mark_rationale(session_id, mini, RATIONALE, {"risk_named": "not_met"}, "Sgt Okafor")
    raw(store_path, "UPDATE sessions SET grade = 'competent' || grade WHERE session_id = ?", (session_id,))
    assert any(i.seq is None and "score report" in i.message for i in store.verify(session_id))


def test_remarking_replaces_the_result_and_keeps_the_history(store, mini):
    session_id = play(store, mini)
    first = store.mark_rationale(session_id, mini, RATIONALE, {"risk_named": "not_met"}, "Sgt Okafor")
    second = store.mark_rationale(session_id, mini, RATIONALE, {"risk_named": "met"}, "Insp Hale")
    assert second["percent"] > first["percent"]
    assert [m["by"] for m in second["markings"]] == ["Insp Hale"]        # the marking in force
    marks = [e for e in store.inputs(session_id) if e["type"] == "mark"]
    assert [m["by"] for m in marks] == ["Sgt Okafor", "Insp Hale"]      # every marking stays in the chain
    assert store.verify(session_id) == []


def test_bad_markings_are_refused_and_record_nothing(store, mini):
    session_id = play(store, mini)
    before = store.inputs(session_id)
    with pytest.raises(RunnerError, match="mark every criterion"):
        store.mark_rationale(session_id, mini, RATIONALE, {}, "Sgt Okafor")
    with pytest.raises(RunnerError, match="not a rationale"):
        store.mark_rationale(session_id, mini, 0, {"risk_named": "met"}, "Sgt Okafor")
    with pytest.raises(ValueError, match="assessor"):
        store.mark_rationale(session_id, mini, RATIONALE, {"risk_named": "met"}, " ")
    unfinished = play(store, mini, finish=False)
    with pytest.raises(ValueError, match="only a finished session"):
        store.mark_rationale(unfinished, mini, RATIONALE, {"risk_named": "met"}, "Sgt Okafor")
    assert store.inputs(session_id) == before and store.verify() == []


def _result_column(text: str) -> str:
    """The first session's ``result`` cell (by the column's name: columns are added at the end)."""
    import csv
    import io
    return next(csv.DictReader(io.StringIO(text)))["result"]


def test_exports_say_provisional_until_marked(store, store_path, mini):
    session_id = play(store, mini)
    records = gather_all(store, select_sessions(store))
    assert _result_column(sessions_csv(records)) == "provisional"
    assert json.loads(sessions_json(records))["sessions"][0]["provisional"] is True
    assert "Provisional result." in session_html(records[0])
    store.mark_rationale(session_id, mini, RATIONALE, {"risk_named": "met"}, "Sgt Okafor")
    records = gather_all(store, select_sessions(store))
    data = json.loads(sessions_json(records))["sessions"][0]
    assert data["provisional"] is False and data["markings"][0]["by"] == "Sgt Okafor"
    assert _result_column(sessions_csv(records)) == "final"
    page = session_html(records[0])
    assert "Provisional result." not in page and "marked by <b>Sgt Okafor</b>" in page
    assert "Names who is at risk and from what." in page


def test_an_old_record_without_parts_or_markings_still_opens_and_rescores(store, mini):
    """A report stored before rationales were marked has no 'provisional' key; it still reads."""
    session_id = play(store, mini, steps=GOOD_PATH)
    old = store.report(session_id)
    for key in ("provisional", "awaiting_marking", "markings"):
        old.pop(key)
    other = store.start_session(store.session(session_id).trainee, mini)
    for entry in store.inputs(session_id):
        if entry["type"] != "advance":
            store.append_input(other, entry)
    store.finish_session(other, old)
    assert [r.provisional for r in gather_all(store, select_sessions(store))] == [True, False]
    assert store.rescore(other, mini)["report"]["provisional"] is True


def test_xapi_sends_a_provisional_score_then_the_final_verdict_once_marked(store, tmp_path, mini):
    from hydra_sim.records import xapi
    from hydra_sim.records.queue import XapiQueue

    session_id = play(store, mini)
    (record,) = gather_all(store, select_sessions(store))
    statements = xapi.statements_for([record])
    verbs = [s["verb"]["display"]["en-GB"] for s in statements]
    assert verbs == ["answered"] * 5 + ["scored"]
    scored = statements[-1]["result"]
    assert "success" not in scored and "completion" not in scored
    assert scored["extensions"][xapi.StatementBuilder().extension("provisional")] is True
    rationale = next(s for s in statements if s["object"]["id"].endswith("/decisions/why"))
    assert rationale["result"]["extensions"][xapi.StatementBuilder().extension("awaiting-marking")] is True
    with XapiQueue(tmp_path / "queue.sqlite3") as queue:
        assert xapi.queue_finished_sessions(store, queue, "http://lrs/xAPI") == 6
        assert xapi.queue_finished_sessions(store, queue, "http://lrs/xAPI") == 0      # nothing new yet
        store.mark_rationale(session_id, mini, RATIONALE, {"risk_named": "met"}, "Sgt Okafor")
        assert xapi.queue_finished_sessions(store, queue, "http://lrs/xAPI") == 2      # completed + passed
        final = [body for _n, body in queue.pending("http://lrs/xAPI")][-2:]
    assert [s["verb"]["display"]["en-GB"] for s in final] == ["completed", "passed"]
    assert final[0]["result"]["success"] is True and final[0]["result"]["completion"] is True
    marked_by = final[0]["result"]["extensions"][xapi.StatementBuilder().extension("marked-by")]
    assert marked_by[0]["by"] == "Sgt Okafor"
    assert {s["id"] for s in final}.isdisjoint(s["id"] for s in statements)
    from ralph.models.xapi.base.statements import BaseXapiStatement   # the LRS's own statement model
    for statement in statements + final:
        BaseXapiStatement.model_validate(statement)

"""A session the facilitator changed live (a run condition, a pod seat handed to its stand-in) is
marked as such in every export: the HTML report, the CSV, JSON and xAPI; the stand-in's decision is
marked the stand-in's."""

from __future__ import annotations

import csv
import io
import json

from live_support import recorded_pod_session
from records_support import TRAINEE

from hydra_sim.records import xapi
from hydra_sim.records.exports import gather, session_html, sessions_csv, sessions_json


def test_every_export_marks_the_live_changes(store, tmp_path):
    session_id = recorded_pod_session(store, tmp_path, TRAINEE)
    record = gather(store, store.session(session_id))
    sentences = record.report["live_changes_text"]
    assert sentences[0] == ("Run conditions changed during the session: at 05:05 Second unit from a second unit "
                            "was five minutes away to the second unit was twenty minutes away (by the facilitator).")
    assert sentences[1].startswith("Seats played by their stand-ins: at 05:00 the Investigator seat was handed to "
                                   "its stand-in (by the facilitator).")
    page = session_html(record)
    assert all(s in page.replace("&#x27;", "'") for s in sentences)
    assert "Decided by the seat's stand-in" in page.replace("&#x27;", "'")
    row = next(csv.DictReader(io.StringIO(sessions_csv([record]))))
    assert row["live_changes"] == " ".join(sentences)
    assert json.loads(sessions_json([record]))["sessions"][0]["report"]["condition_changes"][0]["to"] == "far_off"
    builder = xapi.StatementBuilder()
    statements = builder.statements(record)
    ext = builder.extension
    final = [s for s in statements if ext("grade") in s.get("result", {}).get("extensions", {})]
    assert final and all(s["result"]["extensions"][ext("live-changes")] == sentences for s in final)
    assert final[0]["result"]["extensions"][ext("condition-changes")] == [
        {"clock_label": "05:05", "variable": "backup", "from": "nearby", "to": "far_off", "by": "facilitator"}]
    decisions = [s for s in statements if s["verb"]["id"].endswith("answered")]
    marked = [s["object"]["definition"]["name"]["en-GB"] for s in decisions
              if s["result"]["extensions"].get(ext("stand-in"))]
    assert marked == ["The investigator is called"]

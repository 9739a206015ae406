"""A seated session's team actions and seat pictures in the records: JSON, the team CSV, the
session and cohort HTML, the cohort statistics and xAPI (``context.team`` as a Group). Sessions of
the seated flagship are recorded as a station records them; a damaged team part never stops a report."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from hydra_sim.engine import load_scenario
from hydra_sim.engine.plan import load_plan
from hydra_sim.records import exports
from hydra_sim.records.recording import record_plan
from hydra_sim.records.store import SessionStore, TraineeInfo
from hydra_sim.records.team_report import team_html, team_summary
from hydra_sim.records.xapi import statements_for

REPO = Path(__file__).resolve().parents[2]
SEATED = REPO / "scenarios" / "brackenford-seated.yaml"
MINI = REPO / "tests" / "fixtures" / "mini" / "mini.yaml"


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    scenario = load_scenario(SEATED).scenario
    store = SessionStore(tmp_path_factory.mktemp("team") / "sessions.sqlite3")
    for name, plan in (("Alpha", "best"), ("Bravo", "scene-no-count")):
        steps, _ = load_plan(REPO / "scenarios" / f"brackenford-seated.{plan}.plan.yaml")
        seat = "scene" if plan == "scene-no-count" else None
        recorded = record_plan(store, scenario, steps, TraineeInfo(name, "", "", ""), seed=5, seat=seat)
        assert recorded.runner.ended
    found = exports.gather_all(store, exports.select_sessions(store))
    yield {r.summary.trainee.trainee_id: r for r in found}
    store.close()


def test_json_has_the_team_and_the_pictures(records):
    data = json.loads(exports.sessions_json(list(records.values())))
    by_trainee = {s["trainee"]["trainee_id"]: s for s in data["sessions"]}
    bravo = by_trainee["Bravo"]
    statuses = {a["team_action_id"]: a["status"] for a in bravo["team"]["actions"]}
    assert statuses["count_before_custody"] == "missed" and statuses["children_before_custody"] == "met"
    assert len(bravo["pictures"]) == len(bravo["decisions"])
    assert any(p["diverged"] for p in bravo["pictures"])
    assert not any(p["diverged"] for p in by_trainee["Alpha"]["pictures"])


def test_the_team_csv_has_one_row_per_team_action(records):
    rows = list(csv.DictReader(io.StringIO(exports.team_csv(list(records.values())))))
    assert len(rows) == 2 * 7
    missed = [r for r in rows if r["status"] == "missed"]
    assert [r["team_action_id"] for r in missed] == ["count_before_custody"]
    assert missed[0]["stand_in"] == "yes" and "never sent" in missed[0]["explanation"]


def test_the_session_and_cohort_html_show_the_team(records):
    page = exports.session_html(records["Bravo"])
    assert "<h2>Team</h2>" in page and "Why it matters (JESIP: shared situational awareness)" in page
    assert "Where the seats&#x27; pictures diverged" in page or "Where the seats' pictures diverged" in page
    stats = exports.cohort_stats(list(records.values()))
    count = next(t for t in stats.team if t["team_action_id"] == "count_before_custody")
    assert (count["met"], count["missed"], count["miss_rate"]) == (1, 1, 0.5)
    assert "<h2>Team actions</h2>" in exports.cohort_html(list(records.values()))


def test_xapi_names_the_team_as_a_group_and_reports_its_result(records):
    statements = statements_for(list(records.values()))
    assert statements and all(s["context"]["team"]["objectType"] == "Group" for s in statements)
    teams = {s["context"]["team"]["account"]["name"] for s in statements}
    assert teams == {"Alpha", "Bravo"}
    completed = [s for s in statements if s["verb"]["id"].endswith("/completed")]
    bravo = next(s for s in completed if s["actor"]["account"]["name"] == "Bravo")
    extensions = bravo["result"]["extensions"]
    team_score = next(v for k, v in extensions.items() if k.endswith("/team-score"))
    assert team_score["percent"] < 100 and team_score["earned"] < team_score["possible"]
    team_actions = next(v for k, v in extensions.items() if k.endswith("/team-actions"))
    assert {"id": "count_before_custody", "status": "missed", "seat": "manager"} in team_actions


def test_a_session_without_seats_has_no_team_context(tmp_path):
    from hydra_sim.records.recording import record_plan as record
    scenario = load_scenario(MINI).scenario
    with SessionStore(tmp_path / "s.sqlite3") as store:
        record(store, scenario, [], TraineeInfo("Solo", "", "", ""), seed=1)     # started: its first decision shows
        found = exports.gather_all(store, exports.select_sessions(store))
    assert found[0].pictures is None
    assert all("team" not in s["context"] for s in statements_for(found))


@pytest.mark.parametrize("team", [{"actions": "x"}, {"actions": [1, None, {"status": "met"}]}, "x",
                                  {"actions": [{"team_action_id": "a", "status": "met", "weight": "?"}],
                                   "percent": "?", "possible": "?"}])
def test_a_damaged_team_part_never_stops_a_report(team):
    team = team if isinstance(team, dict) else {}
    summary = team_summary(team)
    page = team_html(team)
    assert (summary == "") == (page == "")

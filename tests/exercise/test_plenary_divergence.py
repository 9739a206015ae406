"""The plenary of a seated exercise: each pod's team actions and where its seats' pictures diverged
(issue 17, deliverable 5). Two pods' sessions of the seated flagship are recorded in a store as a
station records them (records/recording.py); the plenary reads them back as the facilitator's does."""

from __future__ import annotations

import pytest
from exercise_support import REPO

from hydra_sim.engine import load_scenario
from hydra_sim.engine.plan import load_plan
from hydra_sim.exercise.plenary import plenary, plenary_html
from hydra_sim.records.recording import record_plan
from hydra_sim.records.store import SessionStore, TraineeInfo

SEATED = REPO / "scenarios" / "brackenford-seated.yaml"


@pytest.fixture(scope="module")
def exercise(tmp_path_factory):
    scenario = load_scenario(SEATED).scenario
    folder = tmp_path_factory.mktemp("plenary")
    store = SessionStore(folder / "sessions.sqlite3")
    ids = {}
    for name, plan in (("Alpha", "best"), ("Bravo", "careless")):
        steps, problems = load_plan(REPO / "scenarios" / f"brackenford-seated.{plan}.plan.yaml")
        assert steps, problems
        recorded = record_plan(store, scenario, steps, TraineeInfo(name, "", "", ""), seed=7)
        assert recorded.problem is None and recorded.runner.ended
        ids[name] = recorded.session_id
    data = plenary(store, ids)
    yield data
    store.close()


def test_each_pod_has_its_team_result(exercise):
    assert exercise.seated and set(exercise.teams) == {"Alpha", "Bravo"}
    results = {r.syndicate: r for r in exercise.results}
    assert results["Alpha"].team.startswith("Team: 7 of 7 team actions met")
    assert results["Bravo"].team.startswith("Team: 0 of 7 team actions met")
    rows = {row["title"]: row for row in exercise.team_actions()}
    count = rows["The incident manager knew the headcount before planning custody and care"]
    assert count["status"] == {"Alpha": "Met", "Bravo": "Missed"}
    assert "numbers" in count["why"]


def test_the_divergence_view_says_what_each_seat_lacked(exercise):
    alpha, bravo = exercise.pictures["Alpha"], exercise.pictures["Bravo"]
    assert len(alpha) == len(exercise.records["Alpha"].decisions)
    assert exercise.divergences("Alpha") == []                  # the best path: every seat had what it needed
    diverged = exercise.divergences("Bravo")
    custody = next(p for p in diverged if p["scene_title"] == "Custody, care and resources")
    assert custody["seat_title"] == "Force incident manager"
    assert any("twelve out of the trailer" in line for line in custody["needed_missing"])
    # the best path's inspector had the count when deciding custody; the careless one did not
    best_custody = next(p for p in alpha if p["scene_title"] == "Custody, care and resources")
    assert any("twelve out of the trailer" in line for line in best_custody["knew"])
    assert not any("twelve out of the trailer" in line for line in custody["knew"])


def test_the_report_has_the_team_table_and_the_divergence(exercise):
    page = plenary_html(exercise)
    assert "<h2>Team actions</h2>" in page
    assert "Bravo: where the seats' pictures diverged" in page
    assert "Alpha: where the seats' pictures diverged" in page and "0 of " in page
    assert "twelve out of the trailer" in page
    for an_id in ("count_before_custody", "custody_plan", "boys_found", "nccu_reference"):
        assert an_id not in page                                   # plain words, no ids

"""``hydra-sim play --record`` stores a scripted playthrough as a session the way the app does:
it verifies, replays to the same place, scores as the plain play does (marks included, applied as a
trainer's marking of the finished session), and its lock is gone afterwards."""

from __future__ import annotations

import json

import pytest
from records_support import REPO

from hydra_sim.cli import main
from hydra_sim.engine import ScenarioRunner, load_scenario
from hydra_sim.records import SessionStore

pytestmark = pytest.mark.usefixtures("forget_home")
SCENARIO = REPO / "scenarios" / "layby-drop.yaml"
PLAN = REPO / "scenarios" / "layby-drop.best.plan.yaml"


def test_play_record_stores_the_session_as_the_app_would(tmp_path, capsys):
    home = tmp_path / "home"
    assert main(["play", str(SCENARIO), "--script", str(PLAN), "--json"]) == 0
    plain = json.loads(capsys.readouterr().out)
    assert main(["play", str(SCENARIO), "--script", str(PLAN), "--record", "--trainee", "TRN-0042",
                 "--home", str(home), "--json"]) == 0
    recorded = json.loads(capsys.readouterr().out)
    session_id = recorded["session_id"]
    scenario = load_scenario(SCENARIO).raise_for_errors()
    with SessionStore(home / "records" / "sessions.sqlite3") as store:
        assert store.verify() == []
        summary = store.session(session_id)
        assert summary.status == "finished" and summary.trainee.trainee_id == "TRN-0042"
        report = store.report(session_id)
        assert report["percent"] == plain["score"]["percent"] == 100.0
        # the plan's marking is a trainer's: recorded under the trainer account that logged in, not the plan's 'by'
        assert report["markings"][0]["by"] == "Test Trainer" and not report["provisional"]
        assert summary.percent == pytest.approx(store.rescore(session_id, scenario)["percent"])
        runner = ScenarioRunner.restore(scenario, store.inputs(session_id))
        stored = [e["data"]["scene_id"] for e in store.events(session_id) if e["kind"] == "decision_recorded"]
        assert runner.ended and [d.scene_id for d in runner.decisions] == stored
        assert len(stored) == len(plain["decisions"])
    assert not (home / "records" / "locks" / f"{session_id}.lock").exists()


def test_play_record_needs_a_trainee(tmp_path, capsys):
    assert main(["play", str(SCENARIO), "--script", str(PLAN), "--record", "--home", str(tmp_path)]) == 2
    assert "--trainee" in capsys.readouterr().err


SEATED = REPO / "scenarios" / "brackenford-seated.yaml"


@pytest.mark.parametrize("plan", ["best", "investigator"])
def test_a_seated_session_is_recorded_with_its_seat_and_its_messages(tmp_path, capsys, plan):
    """Every seat in turn, and one seat with stand-ins: the store keeps the 'seat' input and each
    'message_arrived' event, and the stored inputs replay to the same ending and score."""
    home = tmp_path / "home"
    script = REPO / "scenarios" / f"brackenford-seated.{plan}.plan.yaml"
    assert main(["play", str(SEATED), "--script", str(script), "--record", "--trainee", "TRN-0043",
                 "--home", str(home), "--json"]) == 0
    recorded = json.loads(capsys.readouterr().out)
    scenario = load_scenario(SEATED).raise_for_errors()
    with SessionStore(home / "records" / "sessions.sqlite3") as store:
        session_id = recorded["session_id"]
        assert store.verify() == []
        inputs = store.inputs(session_id)
        seats = [e["seat"] for e in inputs if e["type"] == "seat"]
        assert seats == ([] if plan == "best" else ["investigator"])
        arrived = {e["data"]["id"] for e in store.events(session_id) if e["kind"] == "message_arrived"}
        assert {"vehicle_details", "nccu_reference", "headcount"} <= arrived
        runner = ScenarioRunner.restore(scenario, inputs)
        assert runner.ended == "everyone_safe" and runner.seat == (None if plan == "best" else "investigator")
        assert store.report(session_id)["percent"] == 100.0

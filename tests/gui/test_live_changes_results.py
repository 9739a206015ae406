"""The debrief and the trainer's review say, beside the score, that the facilitator changed the
incident live (a run condition, a seat handed to its stand-in)."""

from __future__ import annotations

from helpers import shown_review
from live_support import recorded_pod_session

from hydra_sim.engine import ScenarioRunner, load_scenario
from hydra_sim.engine.scoring import score_runner
from hydra_sim.records.store import SessionStore, TraineeInfo

CHANGED = ("Run conditions changed during the session: at 05:05 Second unit from a second unit was five minutes "
           "away to the second unit was twenty minutes away (by the facilitator).")


def test_the_debrief_and_the_review_mark_the_live_changes(qtbot, window, tmp_path):
    store = SessionStore(tmp_path / "sessions.sqlite3")
    try:
        session_id = recorded_pod_session(store, tmp_path, TraineeInfo("Alpha", "Alpha pod"))
        scenario = load_scenario(tmp_path / "pods.yaml").scenario
        runner = ScenarioRunner.restore(scenario, store.inputs(session_id))
        report = score_runner(runner)
        debrief = window.debrief_screen
        debrief.show_report(scenario, report, runner)
        text = debrief.summary_text()
        assert CHANGED in text and "the Investigator seat was handed to its stand-in" in text
        assert "The facilitator changed the incident live" in debrief.percent_label.text()
        debrief.stop_worker()

        win = shown_review(qtbot, store)
        win.select_sessions([session_id])
        header = win.detail_header.text().replace("&#x27;", "'")
        assert "\u2691 " + CHANGED in header and "Seats played by their stand-ins" in header
        win.close()
    finally:
        store.close()

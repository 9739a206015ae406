"""The review window on a store with a damaged row (issue 18, item 5): the damaged session is named,
every other session still opens. No sleeps."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from hydra_sim import paths
from hydra_sim.engine.loader import load_scenario
from hydra_sim.gui.review import sample_data as sd
from hydra_sim.records.store import SessionStore, TraineeInfo

REPO = paths.bundled_root()
DAMAGE = {
    "score report": "UPDATE sessions SET result_json = '{\"percent\": 5' WHERE session_id = ?",
    "an event's data": "UPDATE events SET data_json = '{\"scene_id\": \"a' WHERE session_id = ? AND seq = 3",
    "critical failures": "UPDATE sessions SET critical_failures_json = '[\"x' WHERE session_id = ?",
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_session_is_named_and_the_others_still_open(damage, qtbot, tmp_path):
    from hydra_sim.gui.review.window import open_review_window
    path = tmp_path / "sessions.sqlite3"
    mini = load_scenario(REPO / "tests" / "fixtures" / "mini" / "mini.yaml").scenario
    plans = sd.mini_plans()
    with SessionStore(path) as store:
        good = sd.record_plan(store, mini, plans["good"], TraineeInfo("t-good"))
        bad = sd.record_plan(store, mini, plans["careless"], TraineeInfo("t-bad"))
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(DAMAGE[damage], (bad,))
        conn.commit()
    store = SessionStore(path)
    try:
        win = open_review_window(store, verify_in_background=False, author="Sgt Trainer")
        qtbot.addWidget(win)
        rows = {r.session_id: r for r in win.model.rows()}
        assert set(rows) == {good, bad}
        win.show_detail(rows[bad])
        if damage != "critical failures":          # that column is shown empty in lists; the row opens
            assert "cannot be shown" in win.store_note.text() and "is damaged" in win.store_note.text()
            assert bad in win.store_note.toolTip()            # the whole message, with the session id
        win.show_detail(rows[good])
        assert win.current is rows[good] and win.current_report is not None and win.current_items
    finally:
        store.close()


def test_a_damaged_page_found_by_the_background_check_is_said_in_the_window(qtbot, tmp_path):
    """``hydra-sim review`` lists the sessions before every page is read (a large store would wait
    for it); the integrity check on its own thread reads them, and says so when one is damaged."""
    from hydra_sim.gui.review.window import open_review_window
    path = tmp_path / "sessions.sqlite3"
    mini = load_scenario(REPO / "tests" / "fixtures" / "mini" / "mini.yaml").scenario
    with SessionStore(path) as store:
        for n in range(6):
            sd.record_plan(store, mini, sd.mini_plans()["good"], TraineeInfo(f"t-{n}"))
            session_id = store.start_session(TraineeInfo(f"u-{n}"), mini)
            for k in range(40):
                store.append_event(session_id, "paused", {"note": "x" * 200, "n": k}, k)
    data = bytearray(path.read_bytes())
    page = 4096 * (len(data) // 4096 * 3 // 4)     # an events page (a middle one can be the schema's)
    data[page:page + 4096] = b"\xa5" * 4096     # the same garbage every run
    path.write_bytes(bytes(data))
    store = SessionStore(path, page_check=False)
    try:
        win = open_review_window(store, author="Sgt Trainer")
        qtbot.addWidget(win)
        qtbot.waitUntil(lambda: "failed its integrity check" in win.store_note.text(), timeout=20_000)
        assert "damaged" in win.store_note.text() and str(path) in win.store_note.toolTip()
        assert win.store_note.property("role") == "error"
    finally:
        store.close()

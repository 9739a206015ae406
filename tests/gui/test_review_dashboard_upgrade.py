"""The cohort dashboard on a store an older hydra_sim recorded (no cohort tables): the review's open
writes nothing, the dashboard says it is preparing, a worker thread summarises the sessions once,
and the figures are those the reports give. A store opened read only is counted in memory."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from hydra_sim import paths
from hydra_sim.engine.loader import load_scenario
from hydra_sim.gui.review import sample_data as sd
from hydra_sim.gui.review.cohort_stats import cohort_summary, compact_report
from hydra_sim.records import outcomes
from hydra_sim.records.store import SessionStore, TraineeInfo

REPO = paths.bundled_root()


def _as_an_older_version_left_it(path) -> None:
    with closing(sqlite3.connect(path)) as conn, conn:
        for name, kind in outcomes.DERIVED.items():
            if kind.startswith("CREATE TRIGGER"):
                conn.execute(f"DROP TRIGGER {name}")
        for name in ("outcome_actions", "session_outcomes", "outcome_titles", "outcome_pending"):
            conn.execute(f"DROP TABLE {name}")


def _expected(path):
    import json
    with closing(sqlite3.connect(path)) as conn:
        stored = conn.execute("SELECT session_id, result_json FROM sessions WHERE result_json IS NOT NULL").fetchall()
    reports, titles = [], {}
    for sid, text in stored:
        report, found = compact_report(sid, json.loads(text))
        reports.append(report)
        titles.update(found)
    return cohort_summary(reports, titles)


@pytest.fixture
def older_store(tmp_path):
    path = tmp_path / "records" / "sessions.sqlite3"
    mini = load_scenario(REPO / "tests" / "fixtures" / "mini" / "mini.yaml").scenario
    plans = sd.mini_plans()
    with SessionStore(path) as store:
        for n, plan in enumerate(("good", "middling", "careless", "good", "careless")):
            sd.record_plan(store, mini, plans[plan], TraineeInfo(f"t-{n}", force="Kent"))
    _as_an_older_version_left_it(path)
    return path


def _window(qtbot, store):
    from hydra_sim.gui.review.window import open_review_window
    win = open_review_window(store, verify_in_background=False, author="Sgt Trainer")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_an_older_store_is_summarised_on_a_worker_thread_with_progress(qtbot, older_store):
    expected = _expected(older_store)
    with SessionStore(older_store, page_check=False) as store:      # as ``hydra-sim review`` opens it
        with store._read() as conn:
            assert not outcomes.present(conn)                        # the open added nothing
        win = _window(qtbot, store)
        win.show_dashboard()
        assert win.dashboard.summary is None
        assert win.dashboard.message.text().startswith("Preparing the cohort dashboard")
        win.wait_for_summary(60)
        assert win.dashboard.summary == expected and expected.sessions == 5
        assert win.dashboard.content.isVisible()
        with store._read() as conn:
            assert outcomes.present(conn) and outcomes.pending(conn) == 0
        assert any(r.outcome for r in win.model.rows())        # the table shows the outcomes once known


def test_a_read_only_store_is_counted_in_memory(qtbot, older_store):
    expected = _expected(older_store)
    with SessionStore(older_store, readonly=True) as store:
        win = _window(qtbot, store)
        win.show_dashboard()
        win.wait_for_summary(60)
        assert win.dashboard.summary == expected
        with store._read() as conn:
            assert not outcomes.present(conn)                       # nothing written

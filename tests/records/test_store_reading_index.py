"""The review's session list is read from an index, and the review may open a large store without
reading every page first (records/schema.READING_INDEXES, SessionStore(page_check=False); issue 14).
What must still hold: an older store gains the index, the list query uses it, and a file that
opening would write to is still checked page by page."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from hydra_sim.engine.loader import load_scenario
from hydra_sim.gui.review.cohort_stats import _ROW_SQL, load_rows
from hydra_sim.records import SessionStore, StoreError, TraineeInfo
from hydra_sim.records.schema import READING_INDEXES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture()
def mini():
    return load_scenario(FIXTURES / "mini" / "mini.yaml").raise_for_errors()


def _indexes(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def _filled(path: Path, mini, sessions: int = 5) -> list[str]:
    with SessionStore(path) as store:
        ids = []
        for n in range(sessions):
            session_id = store.start_session(TraineeInfo(f"t-{n}"), mini)
            for k in range(40):
                store.append_event(session_id, "paused", {"note": "x" * 200, "n": k}, k)
            ids.append(session_id)
    return ids


def test_the_session_list_is_read_from_the_reading_index(tmp_path, mini):
    path = tmp_path / "sessions.sqlite3"
    ids = _filled(path, mini)
    assert set(READING_INDEXES) <= _indexes(path)
    with closing(sqlite3.connect(path)) as conn:
        plan = " ".join(str(row[-1]) for row in conn.execute("EXPLAIN QUERY PLAN " + _ROW_SQL))
    assert "COVERING INDEX sessions_for_review" in plan
    with SessionStore(path) as store:
        assert {row.session_id for row in load_rows(store)} == set(ids)


def test_an_older_store_without_the_index_gains_it_when_opened(tmp_path, mini):
    path = tmp_path / "sessions.sqlite3"
    _filled(path, mini)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("DROP INDEX sessions_for_review")
        conn.commit()
    assert "sessions_for_review" not in _indexes(path)
    SessionStore(path).close()
    assert "sessions_for_review" in _indexes(path)


def _garble_a_middle_page(path: Path) -> None:
    data = bytearray(path.read_bytes())
    # Three quarters in: one of the events pages written after the schema. (The middle page can be
    # one of the schema's own, which every open must read: the cohort tables' triggers fill pages.)
    page = 4096 * (len(data) // 4096 * 3 // 4)
    data[page:page + 4096] = b"\xa5" * 4096     # the same garbage every run
    path.write_bytes(bytes(data))


def test_without_the_page_check_a_damaged_page_is_left_to_the_integrity_check(tmp_path, mini):
    path = tmp_path / "sessions.sqlite3"
    _filled(path, mini)
    _garble_a_middle_page(path)
    with pytest.raises(StoreError, match="damaged"):
        SessionStore(path)                       # the default: every page read at open
    SessionStore(path, page_check=False).close()     # the review: listed at once, checked on its thread


def test_a_store_opening_would_write_to_is_checked_page_by_page_anyway(tmp_path, mini):
    path = tmp_path / "sessions.sqlite3"
    _filled(path, mini)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("DROP INDEX sessions_for_review")     # so opening would add it
        conn.commit()
    _garble_a_middle_page(path)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="damaged"):
        SessionStore(path, page_check=False)
    assert path.read_bytes() == before

"""A compact, rebuildable index of the finished sessions' score reports, for the cohort dashboard.

The store keeps each finished session's whole score report as JSON (about 45 KB for the
flagship scenario, with every action's reasons and sources). Parsing 10,000 of those takes
seconds, too slow for a dashboard. So the review window keeps, beside the store, a small
SQLite file (``<store>.review-index.sqlite3``) holding per session only what the
dashboard reads: percent, grade label, outcome and one short string of
``action|status|critical|achieved_at`` records, plus one title per action. Each report is
parsed once, the first time it is seen; the file is a cache (delete it at any time and it
is rebuilt) and never holds anything the store does not. It lives next to the store, so
under ``--home`` like everything else.

Must not import Qt or any GUI code.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

from ...records.filemodes import private_file
from ...engine.text import counted
from .cohort_stats import CompactReport, compact_report, readonly_uri

log = logging.getLogger(__name__)

_REC, _FIELD = "\x1f", "\x1e"
INDEX_VERSION = 2     # 2: a seated session's team actions are in its actions (cohort_stats.TEAM_PREFIX)


def index_path(store_path: str | Path) -> Path:
    store_path = Path(store_path)
    return store_path.with_name(store_path.name + ".review-index.sqlite3")


class ReportIndex:
    """Compact score reports of every finished session, kept up to date with the store."""

    def __init__(self, store_path: str | Path):
        self.store_path = Path(store_path)
        self.path = index_path(self.store_path)
        self.reports: dict[str, CompactReport] = {}
        self.titles: dict[str, str] = {}
        self.built = 0          # reports parsed from the store by the last refresh

    def _open(self) -> sqlite3.Connection:
        try:
            private_file(self.path)              # 0600: it names trainees' results
        except OSError:
            log.debug("could not restrict %s", self.path, exc_info=True)
        conn = sqlite3.connect(str(self.path), timeout=5)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version != INDEX_VERSION:
            conn.executescript("DROP TABLE IF EXISTS reports; DROP TABLE IF EXISTS titles;"
                               "CREATE TABLE reports (session_id TEXT PRIMARY KEY, ended_at TEXT, scenario_id TEXT,"
                               " percent REAL, grade_label TEXT, outcome TEXT, actions TEXT) WITHOUT ROWID;"
                               "CREATE TABLE titles (action_id TEXT PRIMARY KEY, title TEXT) WITHOUT ROWID;"
                               f"PRAGMA user_version = {INDEX_VERSION};")
        return conn

    def refresh(self) -> dict[str, CompactReport]:
        """Bring the index up to date with the store (parsing only new reports); returns all of them."""
        try:
            conn = self._open()
        except sqlite3.Error as exc:       # e.g. read-only folder: work from memory
            log.warning("review index %s unavailable (%s); parsing reports in memory", self.path, exc)
            conn = sqlite3.connect(":memory:")
            conn.executescript("CREATE TABLE reports (session_id TEXT PRIMARY KEY, ended_at TEXT, scenario_id TEXT,"
                               " percent REAL, grade_label TEXT, outcome TEXT, actions TEXT);"
                               "CREATE TABLE titles (action_id TEXT PRIMARY KEY, title TEXT);")
        try:
            known = dict(conn.execute("SELECT session_id, ended_at FROM reports"))
            store = sqlite3.connect(readonly_uri(self.store_path), uri=True, timeout=5)
            try:
                # The freshness key includes updated_at: marking a rationale replaces a finished report.
                finished = store.execute("SELECT session_id, ended_at || '|' || updated_at FROM sessions"
                                         " WHERE result_json IS NOT NULL").fetchall()
                missing = [sid for sid, ended in finished if known.get(sid, "\0") != ended]
                self.built = len(missing)
                if missing:
                    self._add(conn, store, missing, dict(finished))
            finally:
                store.close()
            gone = set(known) - {sid for sid, _ in finished}
            if gone:
                conn.executemany("DELETE FROM reports WHERE session_id = ?", [(s,) for s in gone])
                conn.commit()
            self.titles = dict(conn.execute("SELECT action_id, title FROM titles"))
            self.reports = {}
            for sid, scenario_id, percent, label, outcome, text in conn.execute(
                    "SELECT session_id, scenario_id, percent, grade_label, outcome, actions FROM reports"):
                self.reports[sid] = CompactReport(sid, scenario_id, percent, label, outcome, _unpack(text))
        finally:
            conn.close()
        return self.reports

    def _add(self, conn: sqlite3.Connection, store: sqlite3.Connection, missing: list[str],
             ended: dict[str, str]) -> None:
        titles: dict[str, str] = {}
        rows = []
        for start in range(0, len(missing), 500):
            chunk = missing[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for sid, text in store.execute(f"SELECT session_id, result_json FROM sessions WHERE session_id IN ({marks})",
                                           chunk):
                compact, found = compact_report(sid, json.loads(text))
                titles.update(found)
                rows.append((sid, ended.get(sid), compact.scenario_id, compact.percent, compact.grade_label,
                             compact.outcome, _pack(compact.actions)))
        conn.executemany("INSERT OR REPLACE INTO reports VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        conn.executemany("INSERT OR REPLACE INTO titles VALUES (?, ?)", titles.items())
        conn.commit()
        log.info("review index: parsed %s", counted(len(rows), "new report"))


def _pack(actions) -> str:
    return _REC.join(f"{a}{_FIELD}{s}{_FIELD}{int(c)}{_FIELD}{'' if t is None else t}" for a, s, c, t in actions)


def _unpack(text: str | None) -> list[tuple[str, str, bool, int | None]]:
    if not text:
        return []
    out = []
    for record in text.split(_REC):
        a, s, c, t = record.split(_FIELD)
        out.append((a, s, c == "1", int(t) if t else None))
    return out

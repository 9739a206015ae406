"""The cohort dashboard's figures counted in SQL from the store's outcome tables (records/outcomes.py).

``cohort_stats.cohort_summary`` counts compact reports in Python: 100,000 sessions are 4 million
action rows, seconds of Python. Here the whole cohort is read from the totals the store's triggers
keep (``outcomes.ACTION_TOTALS``: a few hundred rows), and a filtered set is grouped by SQLite
(``GROUP BY`` on an index, so no sort) into the same (action, status, critical, achieved at)
counts and the score percents into distinct values; ``cohort_stats.summary_from_counts`` turns
those into the same ``CohortSummary``, number for number (tests/records/test_outcomes.py compares
the two).

Reads through its own read-only connection, as ``cohort_stats.load_rows`` does. Returns None
when the store cannot be counted yet (no outcome tables, or sessions still queued for them): the
window then has them written (``outcomes.backfill``) or, for a store it cannot write, counts the
reports in memory (``reports_in_memory``, the way the dashboard always did).

Must not import Qt or any GUI code.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Collection
from dataclasses import dataclass

from ...records import outcomes
from .cohort_stats import CohortSummary, CompactReport, compact_report, readonly_uri, summary_from_counts

log = logging.getLogger(__name__)

_COUNTS = ("SELECT action_id, status, critical, achieved_at, COUNT(*) FROM outcome_actions{where}"
           " GROUP BY action_id, status, critical, achieved_at")
_PERCENTS = "SELECT percent, COUNT(*) FROM session_outcomes{where} GROUP BY percent"


@dataclass
class Counted:
    summary: CohortSummary
    labels: dict[str, tuple[str, str | None]]     # every counted session's grade label and outcome


def count(store_path, session_ids: Collection[str]) -> Counted | None:
    """The summary of the sessions among ``session_ids`` that have a score report; None when the
    store's outcome tables are missing or not complete yet (``outcomes.pending``)."""
    conn = sqlite3.connect(readonly_uri(store_path), uri=True, timeout=5)
    try:
        conn.execute("BEGIN")          # one snapshot: the queue, the rows and the counts agree
        if outcomes.pending(conn) != 0:
            return None
        rows = conn.execute("SELECT id, session_id, grade_label, outcome FROM session_outcomes").fetchall()
        ids = {r[1]: r[0] for r in rows}
        labels = {r[1]: (r[2], r[3]) for r in rows}
        wanted = session_ids if isinstance(session_ids, (set, frozenset, dict)) else set(session_ids)
        everything = ids.keys() <= wanted
        chosen = list(ids.values()) if everything else [key for sid, key in ids.items() if sid in wanted]
        if everything:           # every counted session is wanted: the whole tables' totals, kept by triggers
            actions_sql, percents_sql = outcomes.ACTION_TOTALS, outcomes.PERCENT_TOTALS
        else:
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS chosen (id INTEGER PRIMARY KEY)")
            conn.execute("DELETE FROM temp.chosen")
            conn.executemany("INSERT INTO temp.chosen (id) VALUES (?)", [(k,) for k in chosen])
            # Many chosen: test each row of the counts index against them, in the index's order ("+"
            # keeps SQLite from looking up each chosen session's actions and sorting them, half as
            # fast for half the sessions). Few chosen (under a tenth): look theirs up, which reads
            # only their rows (5% of 100,000 sessions: 0.44 s scanning, 0.25 s in all looking up).
            few = len(chosen) * 10 < len(ids)
            actions_where = " WHERE {}outcome IN (SELECT id FROM temp.chosen)".format("" if few else "+")
            actions_sql = _COUNTS.format(where=actions_where)
            percents_sql = _PERCENTS.format(where=" WHERE +id IN (SELECT id FROM temp.chosen)")
        actions = conn.execute(actions_sql).fetchall()
        percents = conn.execute(percents_sql).fetchall()
        titles = dict(conn.execute("SELECT action_id, title FROM outcome_titles"))
        conn.execute("COMMIT")
    finally:
        conn.close()
    return Counted(summary_from_counts(len(chosen), actions, percents, titles),
                   labels if everything else {sid: labels[sid] for sid in labels if sid in wanted})


def reports_in_memory(store_path, progress: Callable[[int, int], None] | None = None
                      ) -> tuple[dict[str, CompactReport], dict[str, str]]:
    """Every scored session's compact report, parsed from the store (read only): for a store this
    window cannot write, so its outcome tables cannot be made (about 0.2 ms a report)."""
    conn = sqlite3.connect(readonly_uri(store_path), uri=True, timeout=5)
    reports: dict[str, CompactReport] = {}
    titles: dict[str, str] = {}
    try:
        ids = [r[0] for r in conn.execute("SELECT session_id FROM sessions WHERE result_json IS NOT NULL")]
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for sid, text in conn.execute(f"SELECT session_id, result_json FROM sessions"
                                          f" WHERE session_id IN ({marks})", chunk):
                try:
                    report = json.loads(text)
                except (TypeError, ValueError, RecursionError):
                    continue               # the integrity check names it
                if isinstance(report, dict):
                    reports[sid], found = compact_report(sid, report)
                    titles.update(found)
            if progress is not None:
                progress(min(start + 500, len(ids)), len(ids))
    finally:
        conn.close()
    return reports, titles

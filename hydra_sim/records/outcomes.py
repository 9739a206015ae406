"""Each finished session's outcome in a few rows, for counting a cohort in SQL (the review's dashboard).

A finished session keeps its whole score report as JSON (about 58 KB for the flagship, with every
action's reasons and sources). The cohort dashboard needs only, per session, the percent, grade
label and outcome, and per action its status, whether it is critical and when it was achieved.
Those are kept here, in tables beside the sessions, so a dashboard of 100,000 sessions is one
``GROUP BY`` instead of 100,000 JSON parses:

- ``session_outcomes``: one row per finished session (``derive`` of its report);
- ``outcome_actions``: one row per action of that report (team actions as ``team:<id>``);
- ``outcome_titles``: each action id's title, as the reports name it (the latest written wins);
- ``outcome_pending``: finished sessions whose rows are not written yet;
- ``outcome_totals`` and ``percent_totals``: ``outcome_actions`` counted per (action, status,
  critical, achieved at) and ``session_outcomes`` per percent, kept by triggers on every insert,
  delete and update of those rows, so the whole cohort's dashboard reads a few hundred rows
  instead of grouping millions (100,000 sessions: 0.8 s of ``GROUP BY`` on each opening).

These tables are derived data, not part of the store's format (like ``schema.READING_INDEXES``):
they never hold anything the reports do not, and triggers (``DERIVED``) keep them exact whichever
hydra_sim writes the file, so an older version that knows nothing of them cannot make them wrong:
deleting a session deletes its rows, changing a score report (marking a rationale) deletes its rows
and queues the session in ``outcome_pending``, and adding a scored session (an import, a mirror)
queues it. This version writes a session's rows in the same transaction as the report (``record``:
finish, marking, import), which also takes it out of the queue; ``backfill`` writes the queued ones
(the sessions of a store from before these tables, or written by an older version), off the GUI
thread. So the rows counted are always those of the reports as stored, or the session is pending
and the dashboard waits for it.

Must not import Qt or any GUI code.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable

from .team_report import team_actions

log = logging.getLogger(__name__)

#: A team action's id among a session's actions (never a catalogue id: those have no colon).
TEAM_PREFIX = "team:"
TEAM_AS_ACTION = {"met": "on_time", "missed": "missed", "not_reached": "not_reached"}


def _kept_totals(totals: str, source: str, key: str, values: str, changed: str = "") -> dict[str, str]:
    """The three triggers that keep ``totals`` (a count ``n`` per ``key``, its columns) equal to
    ``source``'s rows counted by ``values`` (the key's SQL for a row, ``{row}`` being NEW or OLD)
    on every insert, delete and update (``changed``: " OF <column>" when only that one matters)."""
    def add(row: str) -> str:
        return (f"INSERT INTO {totals} ({key}, n) VALUES ({values.format(row=row)}, 1)"
                f" ON CONFLICT ({key}) DO UPDATE SET n = n + 1; ")

    def remove(row: str) -> str:
        match = f"({key}) = ({values.format(row=row)})"
        return f"UPDATE {totals} SET n = n - 1 WHERE {match}; DELETE FROM {totals} WHERE {match} AND n <= 0; "
    begin = f"CREATE TRIGGER IF NOT EXISTS {totals}_{{}} AFTER {{}} ON {source} BEGIN "
    return {f"{totals}_add": begin.format("add", "INSERT") + add("NEW") + "END",
            f"{totals}_remove": begin.format("remove", "DELETE") + remove("OLD") + "END",
            f"{totals}_change": begin.format("change", "UPDATE" + changed) + remove("OLD") + add("NEW") + "END"}


_GONE = "DELETE FROM session_outcomes WHERE session_id = {row}.session_id; "
_QUEUE = "INSERT OR IGNORE INTO outcome_pending (session_id) SELECT {row}.session_id WHERE {row}.result_json IS NOT NULL; "

#: Created (if missing) by a writer's open whose pages were checked (schema.migrate), all at once
#: with the queue filled, in one transaction; names are what ``present`` looks for.
DERIVED = {
    "session_outcomes":
        "CREATE TABLE IF NOT EXISTS session_outcomes (id INTEGER PRIMARY KEY, session_id TEXT NOT NULL UNIQUE,"
        " scenario_id TEXT NOT NULL, percent REAL, grade_label TEXT NOT NULL, outcome TEXT)",
    "outcome_actions":
        "CREATE TABLE IF NOT EXISTS outcome_actions (outcome INTEGER NOT NULL, n INTEGER NOT NULL,"
        " action_id TEXT NOT NULL, status TEXT NOT NULL, critical INTEGER NOT NULL, achieved_at INTEGER,"
        " PRIMARY KEY (outcome, n)) WITHOUT ROWID",
    # The dashboard's counts read this index alone, in its order (no sort).
    "outcome_counts":
        "CREATE INDEX IF NOT EXISTS outcome_counts ON outcome_actions (action_id, status, critical, achieved_at,"
        " outcome)",
    "outcome_titles":
        "CREATE TABLE IF NOT EXISTS outcome_titles (action_id TEXT PRIMARY KEY NOT NULL, title TEXT NOT NULL)"
        " WITHOUT ROWID",
    "outcome_pending":
        "CREATE TABLE IF NOT EXISTS outcome_pending (session_id TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID",
    "outcome_rows_gone":
        "CREATE TRIGGER IF NOT EXISTS outcome_rows_gone AFTER DELETE ON session_outcomes BEGIN"
        " DELETE FROM outcome_actions WHERE outcome = OLD.id; END",
    "outcome_session_gone":
        "CREATE TRIGGER IF NOT EXISTS outcome_session_gone AFTER DELETE ON sessions BEGIN "
        + _GONE.format(row="OLD") + "DELETE FROM outcome_pending WHERE session_id = OLD.session_id; END",
    "outcome_report_changed":
        "CREATE TRIGGER IF NOT EXISTS outcome_report_changed AFTER UPDATE OF result_json ON sessions"
        " WHEN OLD.result_json IS NOT NEW.result_json BEGIN "
        + _GONE.format(row="NEW") + "DELETE FROM outcome_pending WHERE session_id = NEW.session_id; "
        + _QUEUE.format(row="NEW") + "END",
    "outcome_session_added":
        "CREATE TRIGGER IF NOT EXISTS outcome_session_added AFTER INSERT ON sessions"
        " WHEN NEW.result_json IS NOT NULL BEGIN " + _QUEUE.format(row="NEW") + "END",
    # The totals' keys are NOT NULL (a key with a NULL never matches an upsert's conflict), so an
    # optional value is a flag and a value: (achieved, achieved_at), (known, percent).
    "outcome_totals":
        "CREATE TABLE IF NOT EXISTS outcome_totals (action_id TEXT NOT NULL, status TEXT NOT NULL,"
        " critical INTEGER NOT NULL, achieved INTEGER NOT NULL, achieved_at INTEGER NOT NULL, n INTEGER NOT NULL,"
        " PRIMARY KEY (action_id, status, critical, achieved, achieved_at)) WITHOUT ROWID",
    "percent_totals":
        "CREATE TABLE IF NOT EXISTS percent_totals (known INTEGER NOT NULL, percent REAL NOT NULL,"
        " n INTEGER NOT NULL, PRIMARY KEY (known, percent)) WITHOUT ROWID",
    **_kept_totals("outcome_totals", "outcome_actions", "action_id, status, critical, achieved, achieved_at",
                   "{row}.action_id, {row}.status, {row}.critical, {row}.achieved_at IS NOT NULL,"
                   " IFNULL({row}.achieved_at, 0)"),
    **_kept_totals("percent_totals", "session_outcomes", "known, percent",
                   "{row}.percent IS NOT NULL, IFNULL({row}.percent, 0)", changed=" OF percent"),
}

#: The totals as the whole tables' ``GROUP BY`` gives them (``create`` fills them so; ``check``
#: compares), and as the dashboard reads them: (action, status, critical, achieved at, count).
#: Grouped by the columns themselves, so SQLite reads the counts index in its order (grouping by
#: the key's expressions sorted 3.7 million rows first: 2.8 s instead of 0.7 s at 100,000 sessions).
_ACTIONS_GROUPED = ("SELECT action_id, status, critical, achieved_at IS NOT NULL, IFNULL(achieved_at, 0), COUNT(*)"
                    " FROM outcome_actions GROUP BY action_id, status, critical, achieved_at")
_PERCENTS_GROUPED = ("SELECT percent IS NOT NULL, IFNULL(percent, 0), COUNT(*) FROM session_outcomes"
                     " GROUP BY percent")
ACTION_TOTALS = ("SELECT action_id, status, critical, CASE WHEN achieved THEN achieved_at END, n"
                 " FROM outcome_totals")
PERCENT_TOTALS = "SELECT CASE WHEN known THEN percent END, n FROM percent_totals"


def present(conn: sqlite3.Connection) -> bool:
    """True when the file has every derived table and trigger (a store from before them has none)."""
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index', 'trigger')"
                                        " AND name IN (%s)" % ",".join("?" * len(DERIVED)), list(DERIVED))}
    return names == set(DERIVED)


def create(conn: sqlite3.Connection) -> None:
    """Inside the caller's write transaction: add the derived tables and triggers if missing, and queue
    every scored session that has no rows yet (all of them in an older store)."""
    if present(conn):
        return
    for statement in DERIVED.values():
        conn.execute(statement)
    # The totals from the rows as they are (a store from before the totals has rows and no totals).
    conn.execute("DELETE FROM outcome_totals")
    conn.execute("INSERT INTO outcome_totals (action_id, status, critical, achieved, achieved_at, n) "
                 + _ACTIONS_GROUPED)
    conn.execute("DELETE FROM percent_totals")
    conn.execute("INSERT INTO percent_totals (known, percent, n) " + _PERCENTS_GROUPED)
    conn.execute("INSERT OR IGNORE INTO outcome_pending (session_id) SELECT session_id FROM sessions"
                 " WHERE result_json IS NOT NULL AND session_id NOT IN (SELECT session_id FROM session_outcomes)")
    log.info("added the cohort tables; %d sessions to summarise",
             conn.execute("SELECT COUNT(*) FROM outcome_pending").fetchone()[0])


def derive(report: dict) -> tuple[dict, list[tuple[str, str, bool, int | None]], dict[str, str]]:
    """(session fields, actions as (id, status, critical, achieved_at), {action id: title}) of a
    ``ScoreReport.to_dict()``. The one derivation: the review's ``cohort_stats.compact_report`` is it."""
    actions, titles = [], {}
    for a in report.get("actions") or []:
        aid = str(a.get("action_id"))
        titles[aid] = str(a.get("title") or aid)
        at = a.get("achieved_at")
        actions.append((aid, str(a.get("status")), bool(a.get("critical")), at if isinstance(at, int) else None))
    # A seated session's team actions (records/team_report.py) join the chart as "Team: ..." rows:
    # met counts as done, missed as missed, not reached as not reached (never critical).
    for t in team_actions(report.get("team")):
        aid = TEAM_PREFIX + str(t.get("team_action_id"))
        titles[aid] = "Team: " + str(t.get("title") or t.get("team_action_id"))
        at = t.get("checked_at")
        actions.append((aid, TEAM_AS_ACTION.get(str(t.get("status")), "missed"), False,
                        at if isinstance(at, int) and t.get("status") == "met" else None))
    percent = report.get("percent")
    fields = {"scenario_id": str(report.get("scenario_id") or ""),
              "percent": float(percent) if isinstance(percent, (int, float)) else None,
              "grade_label": str(report.get("grade_label") or ""), "outcome": report.get("outcome")}
    return fields, actions, titles


def record(conn: sqlite3.Connection, session_id: str, report: dict | None) -> None:
    """Inside the caller's write transaction, after the session's report was stored: write its rows
    (replacing any) and take it out of the queue. Does nothing in a store without the tables yet
    (``create`` queues the session when they are added)."""
    if not present(conn):
        return
    conn.execute("DELETE FROM session_outcomes WHERE session_id = ?", (session_id,))
    conn.execute("DELETE FROM outcome_pending WHERE session_id = ?", (session_id,))
    if report is None:
        return
    fields, actions, titles = derive(report)
    outcome = conn.execute("INSERT INTO session_outcomes (session_id, scenario_id, percent, grade_label, outcome)"
                           " VALUES (?, ?, ?, ?, ?)", (session_id, fields["scenario_id"], fields["percent"],
                                                       fields["grade_label"], _text(fields["outcome"]))).lastrowid
    conn.executemany("INSERT INTO outcome_actions (outcome, n, action_id, status, critical, achieved_at)"
                     " VALUES (?, ?, ?, ?, ?, ?)",
                     [(outcome, n, aid, status, int(critical), at) for n, (aid, status, critical, at)
                      in enumerate(actions)])
    conn.executemany("INSERT INTO outcome_titles (action_id, title) VALUES (?, ?)"
                     " ON CONFLICT (action_id) DO UPDATE SET title = excluded.title", titles.items())


def _text(value) -> str | None:
    return None if value is None else str(value)


def check(conn: sqlite3.Connection, session_id: str, report) -> str | None:
    """Why the session's stored rows are not those its report (the parsed ``result_json``, None when
    it has none or it cannot be read) gives (the file was edited), or None
    (also when it has none: a queued session, or a store without the tables). For ``verify``: the
    rows are not under the hash chains or the seal, but the report they must match is."""
    if not present(conn):
        return None
    found = conn.execute("SELECT id, scenario_id, percent, grade_label, outcome FROM session_outcomes"
                         " WHERE session_id = ?", (session_id,)).fetchone()
    if found is None:
        return None
    if not isinstance(report, dict):
        return "its cohort-dashboard rows are for a score report it does not have (the records file was edited)"
    fields, actions, _titles = derive(report)
    stored = conn.execute("SELECT action_id, status, critical, achieved_at FROM outcome_actions WHERE outcome = ?"
                          " ORDER BY n", (found[0],)).fetchall()
    if (tuple(found[1:]) != (fields["scenario_id"], fields["percent"], fields["grade_label"], _text(fields["outcome"]))
            or [(a, s, bool(c), t) for a, s, c, t in stored] != actions):
        return ("its cohort-dashboard rows differ from its score report (the records file was edited; the "
                "dashboard counts them): the report itself is intact")
    return None


def check_totals(conn: sqlite3.Connection) -> str | None:
    """Why the kept totals are not the counts of the rows (the file was edited, or a trigger dropped),
    or None (also in a store without the tables). For ``verify``, once for the whole store."""
    if not present(conn):
        return None
    for kept, grouped in (("SELECT action_id, status, critical, achieved, achieved_at, n FROM outcome_totals",
                           _ACTIONS_GROUPED),
                          ("SELECT known, percent, n FROM percent_totals", _PERCENTS_GROUPED)):
        if sorted(map(tuple, conn.execute(kept))) != sorted(map(tuple, conn.execute(grouped))):
            return ("the cohort dashboard's totals differ from its rows (the records file was edited; the "
                    "dashboard counts the whole cohort from them): the score reports themselves are intact")
    return None


def pending(conn: sqlite3.Connection) -> int | None:
    """How many finished sessions have no rows yet; None when the store has no derived tables."""
    if not present(conn):
        return None
    return conn.execute("SELECT COUNT(*) FROM outcome_pending").fetchone()[0]


BATCH = 200


def backfill(store, progress: Callable[[int, int], None] | None = None, batch: int = BATCH) -> int:
    """Write the rows of every queued session, ``batch`` per transaction (so writers never wait
    long); calls ``progress(done, total)`` after each. Returns how many were written.

    ``store``: a writable ``SessionStore`` opened with its page check (the tables are made then).
    A session whose report cannot be read is left out (and out of the queue): the integrity
    check names it, and the dashboard counts what it can read, as before.
    """
    with store._read() as conn:
        total = pending(conn) or 0
    done = 0
    while True:
        with store._write() as conn:
            ids = [r[0] for r in conn.execute("SELECT session_id FROM outcome_pending LIMIT ?", (batch,))]
            if not ids:
                break
            for sid in ids:
                row = conn.execute("SELECT result_json FROM sessions WHERE session_id = ?", (sid,)).fetchone()
                try:
                    report = json.loads(row[0]) if row is not None and row[0] is not None else None
                except (TypeError, ValueError, RecursionError):
                    log.warning("session %s: its score report cannot be read; left out of the cohort", sid)
                    report = None
                record(conn, sid, report if isinstance(report, dict) else None)
        done += len(ids)
        if progress is not None:
            progress(min(done, max(total, done)), max(total, done))
    if done:
        log.info("summarised %d finished sessions for the cohort dashboard", done)
    return done

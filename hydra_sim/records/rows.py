"""Plain values and row helpers shared by the store's modules: the trainee and session records,
time stamps, JSON text, and copying a session's rows (read whole, insert as recorded, delete).

store.py, trainer_actions.py, personal_data.py, mirror.py and bundles.py use them; store.py
re-exports them so ``from hydra_sim.records.store import ...`` keeps working. Every function
here works inside the caller's transaction and commits nothing itself.
Must not import Qt or any GUI code.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from . import outcomes
from .errors import StoreError
from .trainee import TraineeInfo

MARK_KIND = "mark"        # an assessor's marking: an input, but only ``mark_rationale`` writes it
_DEPENDENT_TABLES = ("annotations", "grade_overrides", "rescores", "events")   # deleted with their session


@dataclass
class SessionSummary:
    """One session as a list or resume screen needs it, read without replaying anything."""
    session_id: str
    trainee: TraineeInfo
    scenario_id: str
    scenario_version: str
    scenario_hash: str
    scenario_path: str
    scenario_title: str
    catalogues: dict[str, str]
    started_at: str
    updated_at: str
    ended_at: str | None
    status: str
    clock: int
    scene_id: str | None
    percent: float | None
    grade: str | None
    ending_id: str | None
    critical_failures: list[str] = field(default_factory=list)
    damaged: tuple[str, ...] = ()      # columns whose stored JSON cannot be read (shown empty; verify names them)



def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")



def _dumps(value: Any, what: str) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} cannot be stored as JSON: {exc}") from exc



class DamagedRow(StoreError):
    """A stored JSON column cannot be read back (a bit flip, an edit with an SQLite tool);
    the message names the session, the row and the column. A StoreError of kind "session",
    so every caller that reports store problems reports this one too."""

    def __init__(self, message: str, session_id: str = "", where: str = ""):
        super().__init__(message, None, StoreError.SESSION)
        self.session_id, self.where = session_id, where      # e.g. "event 3's data_json"


def _column(text: Any, session_id: str, where: str) -> Any:
    """The value of a stored JSON column, or ``DamagedRow`` saying which session and column it is."""
    try:
        return json.loads(text)
    except (TypeError, ValueError, RecursionError):
        raise DamagedRow(f"session {session_id}: {where} is not readable JSON (damaged or edited); "
                         "run 'hydra-sim verify', and restore the store from a backup if you have one",
                         session_id, where) from None


def _tolerant(row: sqlite3.Row, name: str, kind: type, damaged: list[str]) -> Any:
    try:
        value = json.loads(row[name])
    except (TypeError, ValueError, RecursionError):
        value = None
    if not isinstance(value, kind):
        damaged.append(name)
        return kind()
    return value


def _summary(row: sqlite3.Row) -> SessionSummary:
    """A session for lists: a damaged JSON column reads as empty and is named in ``damaged``, so one
    bit flip never hides every session from the review, the plenary or ``verify``."""
    damaged: list[str] = []
    catalogues = _tolerant(row, "catalogues_json", dict, damaged)
    failures = _tolerant(row, "critical_failures_json", list, damaged)
    return SessionSummary(
        session_id=row["session_id"],
        trainee=TraineeInfo(row["trainee_id"], row["display_name"], row["force"], row["role"]),
        scenario_id=row["scenario_id"], scenario_version=row["scenario_version"],
        scenario_hash=row["scenario_hash"], scenario_path=row["scenario_path"],
        scenario_title=row["scenario_title"], catalogues=catalogues,
        started_at=row["started_at"], updated_at=row["updated_at"], ended_at=row["ended_at"],
        status=row["status"], clock=row["clock"], scene_id=row["scene_id"], percent=row["percent"],
        grade=row["grade"], ending_id=row["ending_id"],
        critical_failures=failures, damaged=tuple(damaged))



def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")



def _months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier (the last day of a shorter month)."""
    import calendar
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)



def _required(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} is required (not blank)")
    return value.strip()



def _annotations(conn: sqlite3.Connection, session_id: str) -> list[dict]:
    rows = conn.execute("SELECT id, seq, author, text, created_at, chain_seq, prev_hash, hash FROM annotations"
                        " WHERE session_id = ? ORDER BY id", (session_id,))
    return [dict(r) for r in rows]



def _overrides(conn: sqlite3.Connection, session_id: str) -> list[dict]:
    rows = conn.execute("SELECT id, grade_id, reason, author, created_at, chain_seq, prev_hash, hash"
                        " FROM grade_overrides WHERE session_id = ? ORDER BY id", (session_id,))
    return [dict(r) for r in rows]



def _rescores(conn: sqlite3.Connection, session_id: str, rescore_id: int | None = None) -> list[dict]:
    sql = "SELECT * FROM rescores WHERE session_id = ?" + (" AND id = ?" if rescore_id is not None else "")
    args = (session_id,) if rescore_id is None else (session_id, rescore_id)
    return [{"id": r["id"], "session_id": r["session_id"], "created_at": r["created_at"],
             "scenario_id": r["scenario_id"], "scenario_version": r["scenario_version"],
             "scenario_hash": r["scenario_hash"],
             "catalogues": _column(r["catalogues_json"], session_id, f"rescore {r['id']}'s catalogues_json"),
             "percent": r["percent"], "grade_id": r["grade"],
             "report": _column(r["report_json"], session_id, f"rescore {r['id']}'s report_json"),
             "author": r["author"], "chain_seq": r["chain_seq"], "prev_hash": r["prev_hash"], "hash": r["hash"]}
            for r in conn.execute(sql + " ORDER BY id", args)]



def _session_record(conn: sqlite3.Connection, session_id: str) -> dict:
    session = dict(conn.execute("SELECT * FROM sessions WHERE session_id = ?", (session_id,)).fetchone())
    events = [{"seq": r["seq"], "kind": r["kind"], "is_input": bool(r["is_input"]), "clock": r["clock"],
               "recorded_at": r["recorded_at"], "data": _column(r["data_json"], session_id, f"event {r['seq']}'s data_json"), "prev_hash": r["prev_hash"],
               "hash": r["hash"]}
              for r in conn.execute("SELECT * FROM events WHERE session_id = ? ORDER BY seq", (session_id,))]
    return {"session": session, "events": events, "annotations": _annotations(conn, session_id),
            "grade_overrides": _overrides(conn, session_id), "rescores": _rescores(conn, session_id)}



def _insert_events(conn: sqlite3.Connection, session_id: str, events: list[dict]) -> None:
    """Insert events as another store recorded them (``session_record``'s form): seq and hashes kept."""
    conn.executemany(
        "INSERT INTO events (session_id, seq, kind, is_input, clock, recorded_at, data_json, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(session_id, e["seq"], e["kind"], int(bool(e["is_input"])), e["clock"], e["recorded_at"],
          _dumps(e["data"], "event data"), e["prev_hash"], e["hash"]) for e in events])



def _insert_record(conn: sqlite3.Connection, record: dict) -> None:
    """Insert a whole session record into the caller's transaction (new ids for its notes and rescores)."""
    columns = [r[1] for r in conn.execute("PRAGMA table_info(sessions)")]
    session = record["session"]
    names = [c for c in columns if c in session]
    conn.execute(f"INSERT INTO sessions ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                 [session[c] for c in names])
    session_id = session["session_id"]
    _insert_events(conn, session_id, record["events"])
    chain = ("chain_seq", "prev_hash", "hash")       # None in records from before the review chain
    conn.executemany("INSERT INTO annotations (session_id, seq, author, text, created_at, chain_seq, prev_hash, hash)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     [(session_id, a["seq"], a["author"], a["text"], a["created_at"], *(a.get(c) for c in chain))
                      for a in record.get("annotations", [])])
    conn.executemany("INSERT INTO grade_overrides (session_id, grade_id, reason, author, created_at, chain_seq,"
                     " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     [(session_id, o["grade_id"], o["reason"], o["author"], o["created_at"],
                       *(o.get(c) for c in chain)) for o in record.get("grade_overrides", [])])
    conn.executemany("INSERT INTO rescores (session_id, created_at, scenario_id, scenario_version, scenario_hash,"
                     " catalogues_json, report_json, percent, grade, author, chain_seq, prev_hash, hash)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     [(session_id, r["created_at"], r["scenario_id"], r["scenario_version"], r["scenario_hash"],
                       _dumps(r["catalogues"], "catalogues"), _dumps(r["report"], "a report"), r["percent"],
                       r["grade_id"], r.get("author") or "", *(r.get(c) for c in chain))
                      for r in record.get("rescores", [])])
    _record_outcome(conn, session_id, session.get("result_json"))


def _record_outcome(conn: sqlite3.Connection, session_id: str, text: Any) -> None:
    """The cohort dashboard's rows of a copied session's report (outcomes.record); a report that is
    not readable JSON stays queued (outcomes.backfill leaves it out, as the dashboard did)."""
    if text is None:
        return
    try:
        report = json.loads(text)
    except (TypeError, ValueError, RecursionError):
        return
    if isinstance(report, dict):
        outcomes.record(conn, session_id, report)



def _delete(conn: sqlite3.Connection, session_ids: list[str]) -> int:
    args = [(i,) for i in session_ids]
    for table in _DEPENDENT_TABLES:
        conn.executemany(f"DELETE FROM {table} WHERE session_id = ?", args)
    return conn.executemany("DELETE FROM sessions WHERE session_id = ?", args).rowcount

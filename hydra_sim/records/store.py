"""The durable session store: every trainee input and event, written the moment it happens.

``SessionStore`` keeps sessions in one SQLite file (stdlib ``sqlite3``, WAL journal,
``synchronous=FULL``). Each append is its own ``BEGIN IMMEDIATE ... COMMIT``, so once
``append_input`` or ``append_event`` returns the record survives the process being killed
and, as far as the disk honours fsync, a power cut. Several stores, in one process or
several, may write the same file at once; SQLite serialises them (5 s busy timeout).

A file that cannot be read as a store (damaged, truncated, not SQLite, another program's
database, or written by a newer hydra_sim) raises ``StoreError`` and is never modified,
renamed or deleted: it may be someone's only copy of their training record.

The replay log. ``inputs()`` returns entries for ``ScenarioRunner.restore``. Time passing
is the delicate part: the runner merges consecutive waits into one growing ``advance``
entry, and the GUI saves the clock every few seconds. So the store keeps, per session, the
clock that replaying its stored inputs reaches (``replay_clock``), and
 - ``checkpoint_clock`` writes an ``advance`` for the time since then;
 - an input stamped later than that gets an ``advance`` written just before it (so a
   reference opened after some thinking time replays at the right moment);
 - an ``advance`` entry from the caller is written only for the part the checkpoints
   since the caller's previous input have not already written;
 - after a choose, expire or continue the replay clock is the runner's clock after it
   (``clock_after``, or read from the events the action caused). When that cannot be
   known, ``replay_exact`` is cleared and checkpoints write no waits until the next action
   settles it, so a restore may stop short of where the trainee was but never goes past it.
Tests replay random sessions, recorded three ways, after every step.

Tamper evidence: each append also extends the session's SHA-256 hash chain in the same
transaction (integrity.py); ``verify`` checks it. Trainer annotations, grade overrides and
rescores live in their own tables, chained in the session's review chain, and never change
the original events or result. Every write transaction ends by *sealing* each session row
it changed (HMAC-SHA256 under the installation's records key, keys.py): temporary triggers
on this connection note the rows changed, and ``_reseal`` seals them just before COMMIT. A
row whose old seal did not match when it was written again (edited outside hydra_sim, or
sealed by another key) keeps a note of it in ``seal_notes``, so sealing it anew never
launders an edit.

Marking a rationale (``mark_rationale``) is the one change to a finished session: an
assessor's marks against a rationale's rubric complete its provisional result. The marking
is appended to the hash chain as a ``mark`` input (who, when, every criterion), so a replay
or a rescore includes it and ``verify`` shows an edited marking; the stored report is
replaced by the marked one and resealed to the new head. Stations of an exercise cannot
send ``mark`` inputs (it is not one of ``INPUT_KINDS``).

The store is split by job; ``SessionStore`` is one class made of:
 - this module: opening and checking the file, sessions and their inputs and events, the
   replay log, ``verify``, whole-session copies (``session_record``, used by bundles.py);
 - trainer_actions.py: annotations, grade overrides, rescores, rationale marking;
 - personal_data.py: trainee list, access export, erasure, retention (UK GDPR; the copies
   outside the store are erasure.py's);
 - attachment.py: noticing the file deleted, moved or replaced, and putting it back;
 - expected.py: the marker of unfinished sessions, so a lost store is noticed at start;
 - rows.py: the plain records and row helpers (re-exported here).
See docs/records.md.

Must not import Qt or any GUI code.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .. import paths
from . import attachment, expected, filemodes, integrity, keys, outcomes, schema
from .errors import StoreError
from .integrity import VerifyIssue
from .personal_data import PersonalData
from .rows import (
    MARK_KIND,
    DamagedRow,
    SessionSummary,
    TraineeInfo,
    _annotations,
    _column,
    _delete,
    _dumps,
    _insert_events,
    _insert_record,
    _months_before,
    _overrides,
    _required,
    _rescores,
    _session_record,
    _stamp,
    _summary,
    _utc_now,
)
from .schema import APPLICATION_ID, NewerStoreError, migrate
from .trainer_actions import TrainerActions

log = logging.getLogger(__name__)

# The store's public names, and the row helpers other modules and tests import from here
# (they live in rows.py since the split; listed so those imports keep working).
__all__ = ["EVENT_KINDS", "INPUT_KINDS", "MARK_KIND", "ROLES", "STATUSES", "SessionStore", "SessionSummary",
           "StoreError", "TraineeInfo", "VerifyIssue", "default_store_path", "_annotations", "_delete", "_dumps",
           "_insert_events", "_insert_record", "_months_before", "_overrides", "_required", "_rescores",
           "_session_record", "_stamp", "_summary", "_utc_now"]

STATUSES = ("in_progress", "finished", "abandoned")
ROLES = ("call_handler", "first_responder", "incident_manager", "investigator", "other")
# "seat": the seat a session of a seated scenario plays; "request": a request for information to a partner.
INPUT_KINDS = ("choose", "expire", "continue", "reference", "document", "advance", "facilitator", "order",
               "conditions", "seat", "request")
# "message_arrived": one seat's message reached another; "request_made" / "request_answered": a request
# for information was sent / its answer arrived (both carry the whole request record, engine/requests.py).
EVENT_KINDS = ("scene_entered", "inject_fired", "decision_recorded", "reference_opened", "document_opened", "ended",
               "paused", "resumed", "clock", "message_arrived", "request_made", "request_answered")
BUSY_TIMEOUT_MS = 5000
_SQLITE_MAGIC = b"SQLite format 3\x00"
_KEEP_FILE = ("The file is kept as it is: move it aside to start a new store, "
              "or restore it from a backup.")


def default_store_path() -> Path:
    """Where the app keeps sessions: under ``--home`` / ``HYDRA_SIM_HOME`` or the platform data folder."""
    return paths.home_dir() / "records" / "sessions.sqlite3"


class SessionStore(TrainerActions, PersonalData):
    """Sessions, their replay inputs and their events in one SQLite file.

    Safe to share between threads (calls are serialised); several instances, in one
    process or several, may use the same file. Use as a context manager or call ``close``.
    """

    def __init__(self, path: str | os.PathLike, key: keys.RecordsKey | None = None, *, readonly: bool = False,
                 page_check: bool = True):
        """``key``: the records key that seals rows (default: this installation's, beside the store).
        ``readonly``: only read the file as it is (``verify`` does): no folder or file is created,
        no mode changed, no journal mode set, no migration run, no key made, so a read-only copy, a
        backup or another program's file is checked without being touched; any write raises StoreError.
        ``page_check=False``: skip reading every page of the file at open (SQLite's quick_check; the
        header, identity and length are still checked). Only for a caller that runs the full check
        elsewhere at once, as the review window does on its integrity-check thread: on a store of
        100,000 sessions (6.5 GB) the page check alone took 34 s."""
        self.path = Path(path).expanduser().absolute()
        self.readonly = readonly
        self._lock = threading.RLock()
        self._batch_depth = 0         # > 0 inside _write: nested writes join that transaction
        self._conn: sqlite3.Connection | None = None
        if readonly:
            self._conn = _open_readonly(self.path)
            # the key is only read, never made; without it seals cannot be checked (verify says so)
            self.key = key if key is not None else _existing_key(self.path)
        else:
            _prepare_folder(self.path)
            _probe_existing(self.path, pages=page_check)
            self.key = key if key is not None else _installation_key(self.path)
            filemodes.private_file(self.path)       # 0600: SQLite gives the -wal and -shm files the same mode
            # The cohort tables (outcomes.py) are added only by an open that read every page first.
            self._conn = _open_connection(self.path, self._seal_upgraded, derived=page_check)
        self._opened = attachment.identity(self.path)   # the file we write: compared before each write
        self._detached = False                          # the path no longer leads to it (attachment.py)
        self._touched: set[str] = set()                 # sessions this instance wrote (copied on reattach)
        self._rescued: list[dict] | None = None         # their records, held in memory while detached
        log.info("opened the session store %s", self.path)

    # -- lifecycle ---------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is not None:
                conn.close()
                log.debug("closed the session store %s", self.path)

    def __enter__(self) -> SessionStore:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SessionStore({str(self.path)!r}{'' if self._conn else ', closed'})"

    # -- writing -----------------------------------------------------------------------
    def start_session(self, trainee: TraineeInfo, scenario) -> str:
        """Record a new session of ``scenario`` (an engine ``Scenario``); returns its id."""
        trainee = _check_trainee(trainee)
        catalogues = {str(c.id): str(c.version) for c in scenario.catalogues}
        import uuid           # here: uuid loads ``platform``, which nothing on the way to the window needs
        session_id = str(uuid.uuid4())
        now = _utc_now()
        identity = {"session_id": session_id, "trainee_id": trainee.trainee_id, "display_name": trainee.display_name,
                    "force": trainee.force, "role": trainee.role, "scenario_id": str(scenario.id),
                    "scenario_version": str(scenario.version), "scenario_hash": str(scenario.content_hash),
                    "scenario_path": str(scenario.path), "scenario_title": str(scenario.title),
                    "catalogues_json": _dumps(catalogues, "the catalogue list"), "started_at": now}
        genesis = integrity.session_genesis(identity)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO sessions (session_id, trainee_id, display_name, force, role, scenario_id,"
                " scenario_version, scenario_hash, scenario_path, scenario_title, catalogues_json, started_at,"
                " updated_at, status, genesis, head_hash)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'in_progress', ?, ?)",
                (*identity.values(), now, genesis, genesis))
        self._touched.add(session_id)
        self._refresh_expected()
        log.info("started session %s of %s", session_id, scenario.id)   # no trainee id: logs keep no personal data
        return session_id

    def append_input(self, session_id: str, entry: dict, *, clock_after: int | None = None) -> int:
        """Store one ``ScenarioRunner.log`` entry; durable when this returns. Returns its sequence number.

        Pass each entry once it is final: the runner keeps growing its last ``advance``
        entry, so an ``advance`` is final once another entry follows it. Passing the
        ``advance`` entries is optional. When passed, one means "this much time went by
        since my previous input", and the store writes only the part its checkpoints have
        not already written (the returned number is then that of the record holding the
        rest, if nothing was left). When not passed, a later entry's clock brings the
        replay up to date.

        Pass ``clock_after=runner.clock.seconds`` after a choose, expire or continue (other
        kinds ignore it), so the store knows exactly where a replay of its inputs stands and
        the next ``checkpoint_clock`` writes the right wait. Without it the store reads that
        clock from the events the action caused (recorded just before this call, as a runner
        subscriber does). When they do not settle it (no such events, or an inject
        redirected the scene part-way through the action's minutes), checkpoints write no
        waits until the next action, so a restore never goes past where the trainee was.
        """
        kind, text = _check_input(entry)
        at = entry.get("clock") if kind != "advance" else None
        if clock_after is not None:
            clock_after = _check_clock(clock_after, "clock_after")
            if at is not None and clock_after < at:
                raise ValueError(f"clock_after ({clock_after}) is earlier than the entry's clock ({at})")
        with self._write() as conn:
            row = self._live_session(conn, session_id)
            replay, exact = row["replay_clock"], bool(row["replay_exact"])
            now = _utc_now()
            if kind == "advance":
                seq = self._store_wait(conn, session_id, entry["seconds"], row, now)
                after = replay + max(0, entry["seconds"] - row["checkpointed"])
            else:
                settled = None
                if kind in ("choose", "expire") and clock_after is None:
                    settled = self._clock_after_decision(conn, session_id, at)     # before writing anything
                if at is not None and at > replay and exact:
                    # The runner's log has waits here that no checkpoint or advance saved yet.
                    self._insert(conn, session_id, "advance", True, at, now,
                                 _dumps({"type": "advance", "seconds": at - replay}, "an advance"))
                elif at is not None and at < replay:
                    log.warning("session %s: a %s input stamped %d s comes before the stored replay clock "
                                "%d s; a restore applies it later than it happened", session_id, kind, at, replay)
                start = max(replay, at) if at is not None else replay
                if kind in ("reference", "document", "order", "conditions"):
                    after = start                        # a reference, a document, the seed or the conditions take no time
                elif clock_after is not None:            # an action: its replay starts at its own clock
                    after, exact = clock_after, True
                elif kind == "continue":
                    after, exact = start, True           # leaving a scene takes no time
                elif settled is not None:
                    after, exact = max(start, settled), True
                else:
                    after, exact = start, False
                    log.info("session %s: the clock after this %s is not known (pass clock_after); "
                             "checkpoints wait for the next action", session_id, kind)
                seq = self._insert(conn, session_id, kind, True, at if at is not None else after, now, text)
            conn.execute("UPDATE sessions SET replay_clock = ?, replay_exact = ?, checkpointed = 0,"
                         " clock = MAX(clock, ?), updated_at = ? WHERE session_id = ?",
                         (after, int(exact), after, now, session_id))
        return seq

    def append_batch(self, session_id: str, inputs: list[dict], events: list[tuple[str, dict, int]],
                     clock_after: int | None = None) -> list[int]:
        """Store what one runner call produced in ONE durable transaction (one fsync); returns the sequence numbers.

        The same as ``append_event(session_id, kind, data, clock)`` for each of ``events`` in
        order, then ``append_input(session_id, entry)`` for each of ``inputs`` in order, with
        ``clock_after`` passed to the choose / expire / continue among them (the order a
        runner subscriber stores them in): the same records, sequence numbers and hash chain,
        written by the same code, but all or nothing and durable once this returns.
        """
        with self._write():
            seqs = [self.append_event(session_id, kind, data, clock) for kind, data, clock in events]
            for entry in inputs:
                action = isinstance(entry, dict) and entry.get("type") in ("choose", "expire", "continue")
                seqs.append(self.append_input(session_id, entry, clock_after=clock_after if action else None))
        return seqs

    def _store_wait(self, conn: sqlite3.Connection, session_id: str, seconds: int, row: sqlite3.Row,
                    now: str) -> int:
        """Write the part of a caller's wait that checkpoints have not written; returns the record's number."""
        rest = seconds - row["checkpointed"]
        if rest < 0:
            log.warning("session %s: checkpoints wrote %d s of waiting, more than the %d s the runner logged",
                        session_id, row["checkpointed"], seconds)
        if rest <= 0:
            return conn.execute("SELECT MAX(seq) FROM events WHERE session_id = ? AND is_input = 1",
                                (session_id,)).fetchone()[0]
        entry = {"type": "advance", "seconds": rest}
        return self._insert(conn, session_id, "advance", True, row["replay_clock"] + rest, now,
                            _dumps(entry, "an advance"))

    def append_event(self, session_id: str, kind: str, data: dict, clock: int) -> int:
        """Store one event (what happened, at simulated ``clock``); durable when this returns.

        ``kind`` is one of ``EVENT_KINDS``; ``data`` must be JSON-serialisable (for engine
        events, ``dataclasses.asdict(event)``). ``scene_entered`` needs ``data["scene_id"]``
        and updates the session's last scene; ``ended`` records ``data["ending_id"]``.
        """
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {kind!r} (expected one of: {', '.join(EVENT_KINDS)})")
        if not isinstance(data, dict):
            raise TypeError(f"event data must be a dict, not {type(data).__name__}")
        clock = _check_clock(clock, "clock")
        scene_id = data.get("scene_id") if kind == "scene_entered" else None
        if kind == "scene_entered" and not (isinstance(scene_id, str) and scene_id):
            raise ValueError("a scene_entered event needs data['scene_id']")
        ending_id = data.get("ending_id") if kind == "ended" else None
        if ending_id is not None and not isinstance(ending_id, str):
            raise ValueError("data['ending_id'] of an ended event must be a string")
        text = _dumps(data, f"the data of a {kind} event")
        with self._write() as conn:
            self._live_session(conn, session_id)
            now = _utc_now()
            seq = self._insert(conn, session_id, kind, False, clock, now, text)
            conn.execute("UPDATE sessions SET clock = MAX(clock, ?), scene_id = COALESCE(?, scene_id),"
                         " ending_id = COALESCE(?, ending_id), updated_at = ? WHERE session_id = ?",
                         (clock, scene_id, ending_id, now, session_id))
        return seq

    def checkpoint_clock(self, session_id: str, clock: int) -> None:
        """Note that simulated time has reached ``clock`` (call every few seconds and on pause/quit).

        Writes an ``advance`` input for the time since the stored inputs' replay clock, so
        a restore reaches ``clock``, and updates the session's clock. Costs nothing when the
        clock has not moved; does nothing for a session that has ended, finished or been
        abandoned (a late timer tick on quit must not fail).
        """
        clock = _check_clock(clock, "clock")
        with self._read() as conn:
            row = self._session_row(conn, session_id)
        if not _checkpoint_needed(row, clock):
            return
        with self._write() as conn:
            row = self._session_row(conn, session_id)
            if not _checkpoint_needed(row, clock):
                return
            now = _utc_now()
            written = clock - row["replay_clock"] if row["replay_exact"] and clock > row["replay_clock"] else 0
            if written:
                entry = {"type": "advance", "seconds": written}
                self._insert(conn, session_id, "advance", True, clock, now, _dumps(entry, "an advance"))
            conn.execute("UPDATE sessions SET replay_clock = replay_clock + ?, checkpointed = checkpointed + ?,"
                         " clock = MAX(clock, ?), updated_at = ? WHERE session_id = ?",
                         (written, written, clock, now, session_id))

    def finish_session(self, session_id: str, report_dict: dict) -> None:
        """Mark the session finished with its score (``ScoreReport.to_dict()``)."""
        if not isinstance(report_dict, dict):
            raise TypeError(f"the report must be a dict (ScoreReport.to_dict()), not {type(report_dict).__name__}")
        text = _dumps(report_dict, "the score report")
        percent = report_dict.get("percent")
        percent = float(percent) if isinstance(percent, (int, float)) and not isinstance(percent, bool) else None
        grade = report_dict.get("grade_id") or None
        ending_id = report_dict.get("ending_id") or None
        failures = [str(f) for f in report_dict.get("critical_failures") or []]
        with self._write() as conn:
            row = self._live_session(conn, session_id)
            reported = report_dict.get("scenario_id")
            if reported is not None and reported != row["scenario_id"]:
                raise ValueError(f"this report is for scenario '{reported}', but session {session_id} "
                                 f"plays '{row['scenario_id']}'")
            now = _utc_now()
            sealed = integrity.result_hash(row["head_hash"], json.loads(text), percent, grade)
            conn.execute("UPDATE sessions SET status = 'finished', ended_at = ?, updated_at = ?, result_json = ?,"
                         " percent = ?, grade = ?, ending_id = COALESCE(?, ending_id),"
                         " critical_failures_json = ?, result_hash = ? WHERE session_id = ?",
                         (now, now, text, percent, grade, ending_id, _dumps(failures, "the critical failures"),
                          sealed, session_id))
            outcomes.record(conn, session_id, json.loads(text))     # the dashboard's rows, with the report
        self._refresh_expected()
        log.info("finished session %s: %s%% %s", session_id, percent, grade)

    def abandon_session(self, session_id: str) -> None:
        """Mark an unfinished session abandoned (it leaves the resume list). Abandoning twice is harmless."""
        with self._write() as conn:
            row = self._session_row(conn, session_id)
            if row["status"] == "abandoned":
                return
            if row["status"] != "in_progress":
                raise StoreError(f"Session {session_id} in the session store {self.path} is already "
                                 f"{row['status']}, so it cannot be abandoned.", self.path)
            now = _utc_now()
            conn.execute("UPDATE sessions SET status = 'abandoned', ended_at = ?, updated_at = ?"
                         " WHERE session_id = ?", (now, now, session_id))
        self._refresh_expected()
        log.info("abandoned session %s", session_id)

    # -- reading -----------------------------------------------------------------------
    def inputs(self, session_id: str, start: int = 0) -> list[dict]:
        """The replay log, in order, for ``ScenarioRunner.restore(scenario, inputs)``; from its
        ``start``-th entry on (a caller that has replayed the first ``start`` already)."""
        with self._read() as conn:
            self._session_row(conn, session_id)
            rows = conn.execute("SELECT seq, data_json FROM events WHERE session_id = ? AND is_input = 1 ORDER BY seq"
                                " LIMIT -1 OFFSET ?", (session_id, max(0, int(start)))).fetchall()
        return [_column(r["data_json"], session_id, f"input {r['seq']}'s data_json") for r in rows]

    def events(self, session_id: str) -> list[dict]:
        """What happened, in order: ``{"seq", "kind", "clock", "recorded_at", "data"}`` (inputs excluded)."""
        with self._read() as conn:
            self._session_row(conn, session_id)
            rows = conn.execute("SELECT seq, kind, clock, recorded_at, data_json FROM events"
                                " WHERE session_id = ? AND is_input = 0 ORDER BY seq", (session_id,)).fetchall()
        return [{"seq": r["seq"], "kind": r["kind"], "clock": r["clock"], "recorded_at": r["recorded_at"],
                 "data": _column(r["data_json"], session_id, f"event {r['seq']}'s data_json")} for r in rows]

    def session(self, session_id: str) -> SessionSummary:
        with self._read() as conn:
            return _summary(self._session_row(conn, session_id))

    def report(self, session_id: str) -> dict | None:
        """The score report stored by ``finish_session`` (None until the session is finished)."""
        with self._read() as conn:
            text = self._session_row(conn, session_id)["result_json"]
        return _column(text, session_id, "the score report (result_json)") if text is not None else None

    def sessions(self, status: str | None = None, trainee_id: str | None = None) -> list[SessionSummary]:
        """Sessions, newest first, optionally only those with ``status`` and/or of one trainee."""
        if status is not None and status not in STATUSES:
            raise ValueError(f"unknown status {status!r} (expected one of: {', '.join(STATUSES)})")
        where, args = [], []
        if status is not None:
            where.append("status = ?")
            args.append(status)
        if trainee_id is not None:
            where.append("trainee_id = ?")
            args.append(trainee_id)
        sql = "SELECT * FROM sessions" + (" WHERE " + " AND ".join(where) if where else "")
        with self._read() as conn:
            rows = conn.execute(sql + " ORDER BY started_at DESC, rowid DESC", args).fetchall()
        return [_summary(r) for r in rows]

    def unfinished_sessions(self, trainee_id: str | None = None) -> list[SessionSummary]:
        """Sessions still in progress (what a resume screen offers), newest first."""
        return self.sessions("in_progress", trainee_id)

    # -- tamper evidence ---------------------------------------------------------------
    def verify(self, session_id: str | None = None) -> list[VerifyIssue]:
        """Check the hash chain of one session, or of every session; an empty list means intact.

        Finds edited events or session identity, deleted events (in the middle or at the
        end), reordered or inserted events, and an edited score report. Reads one
        consistent snapshot, so sessions being written meanwhile are not mistaken for damage.
        """
        issues: list[VerifyIssue] = []
        with self._read() as conn:
            # Text that is not UTF-8 (a bit flip) is read as it is, so it shows as a changed record
            # instead of stopping the check of every session.
            conn.text_factory = _lenient_text
            conn.execute("BEGIN")
            try:
                if session_id is not None:
                    rows = [self._session_row(conn, session_id)]
                else:
                    rows = conn.execute("SELECT * FROM sessions ORDER BY started_at, session_id").fetchall()
                for row in rows:
                    issues += self._check_one(conn, dict(row))
                    issues += _damaged_columns(conn, row)
                if session_id is None:
                    totals = outcomes.check_totals(conn)
                    if totals is not None:
                        issues.append(VerifyIssue("", None, totals))
                    issues += self._check_store(conn)
            finally:
                conn.text_factory = str
                conn.execute("COMMIT")
        return issues

    def integrity_status(self) -> dict:
        """How the sessions are protected: ``{"fingerprint", "key_path", "keyed", "unkeyed"}``;
        ``unkeyed`` maps each session chained before this store had a key to when it was sealed."""
        with self._read() as conn:
            rows = conn.execute("SELECT session_id, keyed_since FROM sessions ORDER BY started_at, session_id")
            unkeyed = {r["session_id"]: r["keyed_since"] for r in rows if r["keyed_since"]}
            count = conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
        return {"key_present": self.key is not None,
                "fingerprint": self.key.fingerprint if self.key else None,
                "key_path": self.key.path if self.key else keys.key_path_for(self.path), "keyed": count - len(unkeyed),
                "unkeyed": unkeyed}

    def integrity_of(self, session_id: str) -> dict:
        """What an export carries so a receiver can check it: the chain heads, the seal and the key's fingerprint."""
        with self._read() as conn:
            row = self._session_row(conn, session_id)
        return {"genesis": row["genesis"], "head_hash": row["head_hash"], "review_head": row["review_head"],
                "result_hash": row["result_hash"], "seal": row["seal"], "sealed_by": row["sealed_by"],
                "keyed_since": row["keyed_since"], "key_fingerprint": self.key.fingerprint if self.key else None}

    def _check_one(self, conn: sqlite3.Connection, row: dict) -> list[VerifyIssue]:
        """Everything wrong with one stored session: its chains, then (when they hold) its seal."""
        session_id = row["session_id"]
        events = conn.execute("SELECT seq, kind, is_input, clock, recorded_at, data_json, prev_hash, hash FROM events"
                              " WHERE session_id = ? ORDER BY seq", (session_id,))
        report = _parsed(row.get("result_json"))       # once, for the result hash and the cohort rows
        issues = integrity.check_session(row, (dict(e) for e in events),
                                         **({} if report is _UNREADABLE else {"result": report}))
        issues += integrity.check_review(row, _review_rows(conn, session_id))
        for note in _notes(row):
            issues.append(VerifyIssue(session_id, None, note))
        if not issues and self.key is not None:   # consistent: only the key tells an honest one from a forgery
            problem = integrity.check_seal(row, self.key)
            if problem is not None:
                issues.append(problem)
        if not issues:          # the report holds: the dashboard's rows must be the ones it gives
            problem = outcomes.check(conn, session_id, None if report is _UNREADABLE else report)
            if problem is not None:
                issues.append(VerifyIssue(session_id, None, problem))
        return issues


    def session_record(self, session_id: str) -> dict:
        """One session with everything attached: ``{"session", "events", "annotations", "grade_overrides",
        "rescores"}``; ``session`` is the stored row as it is (the form bundles carry)."""
        with self._read() as conn:
            conn.execute("BEGIN")
            try:
                self._session_row(conn, session_id)
                return _session_record(conn, session_id)
            finally:
                conn.execute("COMMIT")


    def missing_sessions(self) -> list[str]:
        """Ids of unfinished sessions this store held at its last change that it no longer holds at
        all (the file was deleted, moved or replaced by an older copy meanwhile; expected.py)."""
        with self._read() as conn:
            return expected.missing(self.path, conn)

    def acknowledge_missing(self) -> None:
        """The missing sessions have been reported: the marker now lists what the store holds."""
        self._refresh_expected()

    def _refresh_expected(self) -> None:
        try:
            with self._read() as conn:
                expected.refresh(self.path, conn)
        except StoreError:
            log.debug("unfinished-sessions marker not refreshed", exc_info=True)


    # -- bulk copy (bundles, benchmarks) -----------------------------------------------------
    def _import_record(self, record: dict) -> tuple[str, str]:
        """Add one session record (``session_record``'s form), checked, in its own transaction.

        Returns ``("added" | "exists" | "rejected", reason)``. A record whose hash chain does
        not verify, or that cannot be stored, is rejected whole.
        """
        try:
            session_id = str(record["session"]["session_id"])
            issues = integrity.check_session(record["session"], record["events"])
            review = [(table, row) for table in integrity.REVIEW_TABLES for row in record.get(table, [])]
            if record["session"].get("review_head") is not None or any(r.get("hash") for _t, r in review):
                issues += integrity.check_review(record["session"], review)    # older records have no review chain
        except (KeyError, TypeError, ValueError) as exc:
            return "rejected", f"the record is incomplete ({exc!r})"
        if issues:
            return "rejected", "; ".join(str(i) for i in issues[:5]) + (
                f" (and {len(issues) - 5} more)" if len(issues) > 5 else "")
        try:
            with self._write() as conn:           # rolls back everything on any error
                if conn.execute("SELECT 1 FROM sessions WHERE session_id = ?", (session_id,)).fetchone():
                    return "exists", ""
                try:
                    _insert_record(conn, record)
                except sqlite3.IntegrityError as exc:
                    raise ValueError(str(exc)) from exc
                schema.chain_review(conn, session_id)          # an older record's notes join the chain
                origin = record["session"].get("sealed_by")
                conn.execute("UPDATE sessions SET origin_key = ?, seal_notes = NULL WHERE session_id = ?",
                             (origin if origin != self.key.fingerprint else None, session_id))
        except (KeyError, TypeError, ValueError) as exc:
            return "rejected", f"the record cannot be stored ({exc!r})"
        return "added", ""

    def summarise_outcomes(self, progress=None) -> int:
        """Write the cohort dashboard's rows of every session queued for them (outcomes.backfill): a store
        from before the outcome tables, or sessions an older hydra_sim finished. Returns how many."""
        return outcomes.backfill(self, progress)

    def _bulk_insert(self, records) -> int:
        """Internal, for generating test and benchmark data: insert session records (``session_record``'s
        form) in ONE transaction with ``executemany``, without checking their chains or existing ids.
        Not for user data: use ``bundles.import_bundle``. Returns how many were inserted."""
        count = 0
        with self._write() as conn:
            for record in records:
                _insert_record(conn, record)
                count += 1
        return count

    # -- internals ---------------------------------------------------------------------
    def _connection(self) -> sqlite3.Connection:
        if self._conn is None and self._detached:
            raise attachment.detached_error(self.path, "was deleted, moved or replaced")
        if self._conn is None:
            raise StoreError(f"The session store {self.path} has been closed; open it again to use it.", self.path)
        return self._conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One durable transaction: BEGIN IMMEDIATE, the caller's statements, COMMIT.

        Nested inside another ``_write`` on the same thread (``append_batch``), it joins the
        outer transaction, which alone commits (or rolls everything back)."""
        with self._lock:
            if self._batch_depth:
                conn = self._connection()
                self._batch_depth += 1
                try:
                    yield conn
                finally:
                    self._batch_depth -= 1
                return
            self._batch_depth = 1
            try:
                conn = self._attached_connection()
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    self._reseal(conn)
                    what = attachment.problem(self.path, self._opened)
                    if what:                     # moved or deleted during the write: keep it for the new file
                        self._detached = True
                        raise attachment.detached_error(self.path, what)
                    conn.execute("COMMIT")
                finally:
                    if conn.in_transaction:      # the body or COMMIT failed
                        _rollback(conn)
            except sqlite3.Error as exc:
                raise _store_error(exc, self.path, writing=True) from exc
            finally:
                self._batch_depth = 0

    def _attached_connection(self) -> sqlite3.Connection:
        """The connection to write with, once the path still leads to the file it has open.

        The first write after the file was deleted, moved or replaced is refused (so the
        trainee is told); the next one puts a healthy store back at the path (attachment.py)."""
        if self._detached:
            return self.reattach()
        conn = self._connection()
        what = attachment.problem(self.path, self._opened)
        if what is None:
            return conn
        self._detached = True
        log.error("the session store file %s", what)
        raise attachment.detached_error(self.path, what)

    def reattach(self) -> sqlite3.Connection:
        """Make the store at ``self.path`` the one written again, with this run's sessions in it.

        This run's sessions are read from the old file into memory first (``_rescued``), and the
        old connection is closed before the new file is opened (closing deletes ``<path>-wal``
        by name); if the new file cannot be made yet, the copy in memory waits for the next try."""
        with self._lock:
            if not self._detached:
                return self._connection()
            if self._rescued is None:
                old = self._connection()
                try:
                    self._rescued = attachment.rescue(self, old)
                except sqlite3.Error as exc:
                    raise StoreError(f"The records file {self.path} went away and what this session wrote to "
                                     f"it cannot be read back ({exc}); keep the app open and restore the file.",
                                     self.path, attachment.DETACHED) from exc
                self._conn = None
                old.close()
            try:
                target = SessionStore(self.path, self.key)
            except StoreError as exc:
                raise StoreError(f"The records file {self.path} cannot be put back yet: {exc.message}",
                                 self.path, attachment.DETACHED) from exc
            try:
                attachment.merge(target, self._rescued)
            except (StoreError, ValueError) as exc:
                target.close()
                raise StoreError(f"The records file {self.path} cannot be put back yet: "
                                 f"{getattr(exc, 'message', exc)}", self.path, attachment.DETACHED) from exc
            self._conn, target._conn = target._conn, None
            self._opened, self._detached, self._rescued = target._opened, False, None
            expected.refresh(self.path, self._conn)
            return self._conn

    # -- the keyed seal ---------------------------------------------------------------
    def _reseal(self, conn: sqlite3.Connection) -> None:
        """Seal every session row this transaction changed (the temporary triggers noted them)."""
        for session_id, old_json in conn.execute("SELECT session_id, old_row FROM temp.dirty").fetchall():
            row = conn.execute("SELECT * FROM sessions WHERE session_id = ?", (session_id,)).fetchone()
            if row is None:
                continue                              # deleted in this transaction
            row = dict(row)
            note = self._old_seal_problem(old_json)
            if note:
                row["seal_notes"] = _dumps(_notes(row) + [note], "the seal notes")
                log.warning("session %s: its seal did not match when it was written again", session_id)
            self._seal_row(conn, row)
        conn.execute("DELETE FROM temp.dirty")
        if conn.execute("SELECT 1 FROM temp.store_dirty").fetchone():
            self._seal_store(conn)
            conn.execute("DELETE FROM temp.store_dirty")

    def _seal_store(self, conn: sqlite3.Connection) -> None:
        """Seal which sessions the store holds, its settings and its trainer log's head (settings 'store_seal')."""
        ids = [r[0] for r in conn.execute("SELECT session_id FROM sessions")]
        settings = {r[0]: r[1] for r in conn.execute("SELECT key, value FROM settings WHERE key != 'store_seal'")}
        head = conn.execute("SELECT hash FROM trainer_log ORDER BY id DESC LIMIT 1").fetchone()
        value = {"sessions": len(ids), "sealed_by": self.key.fingerprint,
                 "seal": integrity.store_seal(self.key.secret, ids, settings, head[0] if head else "")}
        conn.execute("INSERT INTO settings (key, value) VALUES ('store_seal', ?)"
                     " ON CONFLICT (key) DO UPDATE SET value = excluded.value", (_dumps(value, "the store seal"),))

    def _check_store(self, conn: sqlite3.Connection) -> list[VerifyIssue]:
        """The trainer log's chain and the store seal: sessions deleted or added, settings or log edited."""
        issues, head = integrity.check_log(conn.execute("SELECT * FROM trainer_log ORDER BY id"))
        if self.key is None:        # nothing found, but the seals went unchecked: integrity_status says so
            return issues
        ids = [r[0] for r in conn.execute("SELECT session_id FROM sessions")]
        settings = {r[0]: r[1] for r in conn.execute("SELECT key, value FROM settings")}
        try:
            sealed = json.loads(settings.pop("store_seal"))
        except KeyError:
            if ids or head:
                issues.append(VerifyIssue("", None, "the store's list of sessions has no seal: sessions were "
                                                    "added or the seal removed without the records key"))
            return issues
        except ValueError:
            sealed = {}
        if not isinstance(sealed, dict):
            sealed = {}
        if sealed.get("sealed_by") != self.key.fingerprint:
            issues.append(VerifyIssue("", None, f"the store is sealed with another records key (fingerprint "
                                                f"{sealed.get('sealed_by')}): which sessions it should hold cannot "
                                                "be checked here"))
        elif not hmac.compare_digest(str(sealed.get("seal")), integrity.store_seal(self.key.secret, ids, settings,
                                                                                     head)):
            held = sealed.get("sessions")
            change = (f"it held {held} sessions when last sealed and holds {len(ids)} now: whole sessions were "
                      "deleted or added" if isinstance(held, int) and held != len(ids)
                      else "sessions were swapped, or its settings or trainer log edited")
            issues.append(VerifyIssue("", None, f"the store changed without this installation's records key: "
                                                f"{change}"))
        return issues

    # -- store-wide trainer actions ------------------------------------------------------
    def log_trainer_action(self, trainer: str, action: str, detail: dict | None = None) -> None:
        """Record a trainer's store-wide action (an export, an import, a push) in the chained trainer log.
        ``detail`` holds counts and kinds only: never a trainee's id or name."""
        with self._write() as conn:
            self._log(conn, trainer, action, detail or {})

    def trainer_log(self) -> list[dict]:
        """The trainer log, oldest first: ``{"id", "at", "trainer", "action", "detail"}``."""
        with self._read() as conn:
            return [{"id": r["id"], "at": r["at"], "trainer": r["trainer"], "action": r["action"],
                     "detail": json.loads(r["detail_json"])}
                    for r in conn.execute("SELECT * FROM trainer_log ORDER BY id")]

    @staticmethod
    def _log(conn: sqlite3.Connection, trainer: str, action: str, detail: dict) -> None:
        trainer = _required(trainer, "the trainer's name")
        last = conn.execute("SELECT id, hash FROM trainer_log ORDER BY id DESC LIMIT 1").fetchone()
        entry_id, prev, at = (last[0] + 1 if last else 1), (last[1] if last else ""), _utc_now()
        conn.execute("INSERT INTO trainer_log (id, at, trainer, action, detail_json, prev_hash, hash)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (entry_id, at, trainer, action, _dumps(detail, "the trainer log detail"), prev,
                      integrity.log_hash(entry_id, at, trainer, action, detail, prev)))

    def _old_seal_problem(self, old_json: str | None) -> str | None:
        """Why the row as it was before this transaction was not sealed by this key, or None."""
        if old_json is None:
            return None                               # a new row: nothing to check
        old = json.loads(old_json)
        if old.get("seal") is None and old.get("sealed_by") is None:
            return None                               # being sealed for the first time (an import, a mirror)
        problem = integrity.check_seal(old, self.key)
        if problem is None:
            return None
        return (f"when hydra_sim next wrote to this session ({_utc_now()}) it found: {problem.message}; "
                "changes made to it before then cannot be told apart")

    def _seal_row(self, conn: sqlite3.Connection, row: dict) -> None:
        row["sealed_by"], row["seal"] = self.key.fingerprint, None
        conn.execute("UPDATE sessions SET sealed_by = ?, seal_notes = ?, seal = ? WHERE session_id = ?",
                     (row["sealed_by"], row.get("seal_notes"), integrity.seal(self.key.secret, row),
                      row["session_id"]))

    def _seal_upgraded(self, conn: sqlite3.Connection, found: int) -> None:
        """Seal the sessions of a store from before seals (migrate's ``on_upgrade``), noting when."""
        now = _utc_now()
        conn.row_factory = sqlite3.Row
        for row in conn.execute("SELECT * FROM sessions WHERE seal IS NULL").fetchall():
            row = dict(row)
            row["keyed_since"] = now
            conn.execute("UPDATE sessions SET keyed_since = ? WHERE session_id = ?", (now, row["session_id"]))
            self._seal_row(conn, row)
        self._seal_store(conn)
        log.info("sealed the sessions of a format-%d store with this installation's records key", found)

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._connection()
            try:
                yield conn
            except sqlite3.Error as exc:
                raise _store_error(exc, self.path, writing=False) from exc

    def _session_row(self, conn: sqlite3.Connection, session_id: str) -> sqlite3.Row:
        row = conn.execute("SELECT * FROM sessions WHERE session_id = ?", (session_id,)).fetchone()
        if row is None:
            raise StoreError(f"There is no session {session_id} in the session store {self.path}; "
                             "it may have been started in another store (check --home).", self.path,
                             StoreError.SESSION)
        return row

    def _live_session(self, conn: sqlite3.Connection, session_id: str) -> sqlite3.Row:
        row = self._session_row(conn, session_id)
        self._touched.add(session_id)
        if row["status"] != "in_progress":
            raise StoreError(f"Session {session_id} in the session store {self.path} is {row['status']}, "
                             "so nothing more can be recorded in it; start a new session.", self.path,
                             StoreError.SESSION)
        return row

    @staticmethod
    def _insert(conn: sqlite3.Connection, session_id: str, kind: str, is_input: bool, clock: int,
                recorded_at: str, text: str) -> int:
        """Append one event to the session's timeline and hash chain (inside the caller's transaction)."""
        seq, prev = conn.execute(
            "SELECT (SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE session_id = ?), head_hash"
            " FROM sessions WHERE session_id = ?", (session_id, session_id)).fetchone()
        digest = integrity.event_hash(session_id, seq, kind, is_input, clock, recorded_at, json.loads(text), prev)
        conn.execute("INSERT INTO events (session_id, seq, kind, is_input, clock, recorded_at, data_json,"
                     " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (session_id, seq, kind, int(is_input), clock, recorded_at, text, prev, digest))
        conn.execute("UPDATE sessions SET head_hash = ? WHERE session_id = ?", (digest, session_id))
        return seq

    @staticmethod
    def _clock_after_decision(conn: sqlite3.Connection, session_id: str, at: int | None) -> int | None:
        """The runner's clock after the choose/expire being stored, read from the events it caused.

        Those are the events since the previous input, from this decision's
        ``decision_recorded`` on, matched by its clock and its index (the number of
        decisions stored so far) in ``data["index"]`` or ``data["record"]["index"]``. The
        last ``scene_entered`` or ``ended`` among them carries the clock, unless an inject
        redirected the scene on the way: then the runner went on to the end of the action's
        minutes, which no event records, and the answer is None (not known).
        """
        index = conn.execute("SELECT COUNT(*) FROM events WHERE session_id = ? AND is_input = 1"
                             " AND kind IN ('choose', 'expire')", (session_id,)).fetchone()[0]
        rows = conn.execute(
            "SELECT kind, clock, data_json FROM events WHERE session_id = ? AND is_input = 0"
            " AND seq > (SELECT COALESCE(MAX(seq), 0) FROM events WHERE session_id = ? AND is_input = 1)"
            " ORDER BY seq", (session_id, session_id)).fetchall()
        settled = None
        found = False
        for row in rows:
            data = json.loads(row["data_json"])
            if row["kind"] == "decision_recorded":
                record = data.get("record", data)
                if isinstance(record, dict) and record.get("index") == index and row["clock"] == at:
                    found, settled = True, None
            elif not found:
                continue
            elif row["kind"] == "inject_fired" and data.get("redirect"):
                return None
            elif row["kind"] in ("scene_entered", "ended"):
                settled = row["clock"]
        return settled if found else None


def _lenient_text(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def _damaged_columns(conn: sqlite3.Connection, row: sqlite3.Row) -> list[VerifyIssue]:
    """The session's JSON columns the hash chain does not cover that cannot be read back."""
    issues = [VerifyIssue(row["session_id"], None, f"its column {name} is not readable JSON (damaged or edited); "
                                                   "lists show it empty")
              for name in _summary(row).damaged]
    for rescore in conn.execute("SELECT id, catalogues_json, report_json FROM rescores WHERE session_id = ?",
                                (row["session_id"],)):
        for name in ("catalogues_json", "report_json"):
            try:
                _column(rescore[name], row["session_id"], name)
            except DamagedRow:
                issues.append(VerifyIssue(row["session_id"], None, f"rescore {rescore['id']}: its column {name} "
                                                                   "is not readable JSON (damaged or edited)"))
    return issues


# -- opening ---------------------------------------------------------------------------
def _prepare_folder(path: Path) -> None:
    folder = path.parent
    try:
        filemodes.private_folder(folder)        # folders it creates are 0700 (personal data)
    except OSError as exc:
        raise StoreError(f"Cannot create the folder {folder} for the session store ({exc.strerror or exc}). "
                         "Choose another location with --home or HYDRA_SIM_HOME.", path,
                         StoreError.NOT_WRITABLE) from exc
    if path.is_dir():
        raise StoreError(f"The session store path {path} is a folder, not a file. "
                         "Choose another location with --home or HYDRA_SIM_HOME.", path)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreError(f"Cannot write the session store in {folder}: the folder is read-only. "
                         "Choose a writable location with --home or HYDRA_SIM_HOME, or ask for write access "
                         "to the folder.", path, StoreError.NOT_WRITABLE)
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise StoreError(f"Cannot write the session store {path}: the file is read-only. "
                         "Make it writable, or choose another location with --home or HYDRA_SIM_HOME.", path,
                         StoreError.NOT_WRITABLE)


def _probe_existing(path: Path, only_reading: bool = False, pages: bool = True) -> None:
    """Refuse a file that is not a healthy hydra_sim store of a known format, changing nothing.

    First the header bytes, then the identity (application id, format version, tables)
    through an ``immutable`` read-only connection when there is no WAL file, so a newer or
    foreign file does not even gain side files. Then ``PRAGMA quick_check`` through an
    ordinary read-only connection: it respects other writers' locks, so a store in use
    elsewhere is never mistaken for a damaged one (an ``immutable`` reader could see a
    checkpoint half-written), at the price of SQLite's empty ``-wal``/``-shm`` side files
    possibly staying beside a damaged file. It reads the whole file once, about 0.1 s per
    150 MB, and catches truncation and damaged pages at open rather than halfway through
    a session.
    """
    _probe_wal(path)
    try:
        size = path.stat().st_size
        if size == 0:
            return      # what sqlite3.connect leaves before the first write: nothing to lose
        with path.open("rb") as handle:
            first = handle.read(100)
        header = first[:len(_SQLITE_MAGIC)]
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"Cannot read the session store {path} ({exc.strerror or exc}). "
                         "Check the file's permissions, or choose another location with --home.", path) from exc
    if header != _SQLITE_MAGIC:
        raise StoreError(f"The session store {path} is not a hydra_sim session store (it is not an SQLite "
                         f"database at all). {_KEEP_FILE}", path, StoreError.UNREADABLE)
    # With frames in the WAL, pages past the file's end may be there (a checkpoint cut off by a
    # crash writes page 1 first): then quick_check, which reads through the WAL, decides.
    try:
        pending = Path(f"{path}-wal").stat().st_size > 0
    except OSError:           # no WAL (or it went while we looked: another copy just closed)
        pending = False
    cut = None if pending else _cut_short(first, size)
    if cut:                   # look again: another copy may have checkpointed and grown the file meanwhile
        try:
            with path.open("rb") as handle:
                first = handle.read(100)
            size = path.stat().st_size
            pending = Path(f"{path}-wal").stat().st_size > 0
        except FileNotFoundError:
            pending = False
        except OSError:
            pending = True
        cut = None if pending else _cut_short(first, size)
    if cut:
        raise StoreError(f"The session store {path} is damaged ({cut}). {_KEEP_FILE}", path, StoreError.UNREADABLE)
    immutable = not Path(f"{path}-wal").exists()
    with _readonly(path, immutable) as conn:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        columns = {r[1] for r in conn.execute("PRAGMA table_info(sessions)")} if "sessions" in tables else set()
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    # A format-1 store has no application id yet: it is ours only with our tables and columns, so
    # another program's database that happens to have a "sessions" table is never migrated.
    ours = app_id == APPLICATION_ID or (app_id == 0 and version >= 1 and "events" in tables
                                        and _V1_COLUMNS <= columns)
    if not ours and (tables or app_id or version):
        raise StoreError(f"The file {path} is an SQLite database of another program, not a hydra_sim "
                         f"session store. {_KEEP_FILE}", path, StoreError.UNREADABLE)
    if version > schema.SCHEMA_VERSION:
        raise _newer_error(path, version)
    if version < 0:         # the header's format number is damaged (migrate would fail on it)
        raise StoreError(f"The session store {path} is damaged (its format number {version} is not valid). "
                         f"{_KEEP_FILE}", path, StoreError.UNREADABLE)
    # Opening writes to the file when it migrates it or adds a reading index: that only to a file
    # whose every page has been checked, whatever the caller asked.
    writes = not only_reading and (version < schema.SCHEMA_VERSION or not set(schema.READING_INDEXES) <= indexes)
    if not pages and not writes:
        return
    # Only reading (verify) a file with no journal beside it: nothing else writes it, so immutable is
    # safe, and SQLite creates no side files beside a copy.
    with _readonly(path, immutable=immutable and only_reading) as conn:
        problems = [" ".join(str(r[0]).split()) for r in conn.execute("PRAGMA quick_check(5)")]
    if problems != ["ok"]:
        raise StoreError(f"The session store {path} is damaged ({'; '.join(problems)}). {_KEEP_FILE}", path,
                         StoreError.UNREADABLE)


_V1_COLUMNS = {"session_id", "trainee_id", "scenario_id", "catalogues_json", "critical_failures_json",
               "replay_clock", "replay_exact"}


def _cut_short(header: bytes, size: int) -> str | None:
    """Why the file is shorter than SQLite's own header says, or None.

    quick_check only notices a truncated file when a page it walks is missing; pages past the
    end that hold free space or the tail of a table can go unnoticed, so the size is checked
    against the header: whole pages, and at least the page count the header records (valid
    when its change counter matches its version-valid-for number, as SQLite itself decides)."""
    if len(header) < 100:
        return "its header is cut short"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return None                   # a damaged page size: quick_check reports it in its words
    if size % page_size:
        return f"it ends part-way through a page ({size:,} bytes is not a whole number of {page_size:,}-byte pages)"
    pages = int.from_bytes(header[28:32], "big")
    counter, valid_for = header[24:28], header[92:96]
    if counter == valid_for and pages and size < pages * page_size:
        return f"it is cut short: {size:,} bytes where its header records {pages * page_size:,}"
    return None


_WAL_MAGIC = (0x377F0682, 0x377F0683)     # little-endian / big-endian checksums
_WAL_HEADER, _WAL_FRAME_HEADER = 32, 24


def _probe_wal(path: Path) -> None:
    """Refuse a store whose write-ahead log (``-wal``) is damaged, before SQLite silently drops it.

    SQLite reads the log only up to its first frame that fails the checksum and resets it
    on the next write, so a log that was zeroed, or damaged in the middle, would quietly
    lose every session written since the last checkpoint. Committed frames after a bad one
    (same salts as the header) or a header that is not a WAL header mean damage; frames
    with other salts are left over from before the last reset and are normal, as is a torn
    frame at the very end (a write cut short before it was committed). A WAL truncated at a
    frame boundary cannot be told from a shorter one. The log is read twice when it looks
    damaged: another process may be resetting it at that moment.
    """
    wal = Path(f"{path}-wal")
    for attempt in range(2):
        try:
            data = wal.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise StoreError(f"Cannot read the session store's journal {wal} ({exc.strerror or exc}). "
                             "Check the file's permissions, or choose another location with --home.", path) from exc
        problem = _wal_problem(data)
        if problem is None:
            return
        if attempt == 0:
            continue
    raise StoreError(f"The session store's journal {wal} is damaged ({problem}): the sessions recorded since it "
                     f"was last merged into {path.name} cannot all be read. Both files are kept as they are: "
                     f"restore them from a backup, or move {wal.name} aside to open the store as it was at its "
                     "last merge.", path, StoreError.UNREADABLE)


def _wal_problem(data: bytes) -> str | None:
    """What is wrong with a WAL file's bytes, or None when SQLite will read every committed frame."""
    import struct
    if not data:
        return None
    if len(data) < _WAL_HEADER:
        return "its header is cut short"
    magic, version, page_size, _seq, salt1, salt2, c1, c2 = struct.unpack(">8I", data[:_WAL_HEADER])
    if magic not in _WAL_MAGIC or page_size < 512 or page_size & (page_size - 1) or page_size > 65536:
        return "its header is not a write-ahead log header"
    order = ">" if magic & 1 else "<"

    def checksum(chunk: bytes, s0: int, s1: int) -> tuple[int, int]:
        words = struct.unpack(f"{order}{len(chunk) // 4}I", chunk)
        for i in range(0, len(words), 2):
            s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
            s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
        return s0, s1

    s0, s1 = checksum(data[:24], 0, 0)
    if (s0, s1) != (c1, c2):
        return "its header checksum does not match"
    size = _WAL_FRAME_HEADER + page_size
    frames = (len(data) - _WAL_HEADER) // size
    valid = True
    for k in range(frames):
        start = _WAL_HEADER + k * size
        _page, commit, f1, f2, fc1, fc2 = struct.unpack(">6I", data[start:start + _WAL_FRAME_HEADER])
        current = (f1, f2) == (salt1, salt2)
        if valid:
            if current:
                s0, s1 = checksum(data[start:start + 8], s0, s1)
                s0, s1 = checksum(data[start + _WAL_FRAME_HEADER:start + size], s0, s1)
                valid = (s0, s1) == (fc1, fc2)
                if not valid:
                    bad = k
            else:
                valid = False
                bad = None        # the end of this log's frames: older ones follow
        elif current and commit and bad is not None:
            return f"frame {bad + 1} of {frames} fails its checksum, and committed frames follow it"
    return None


@contextmanager
def _readonly(path: Path, immutable: bool) -> Iterator[sqlite3.Connection]:
    uri = path.as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro")
    conn = None
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        yield conn
    except sqlite3.Error as exc:
        raise _store_error(exc, path, writing=False) from exc
    finally:
        if conn is not None:
            conn.close()


def _open_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection (``mode=ro``; ``immutable`` when no journal is beside it, so nothing at
    all is created next to a copy in a read-only folder) to a checked store of this format."""
    if not path.is_file():
        raise StoreError(f"There is no session store at {path}. Check the path (or --home).", path)
    _probe_existing(path, only_reading=True)
    immutable = not Path(f"{path}-wal").exists()
    uri = path.as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro")
    conn = None
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
        conn.row_factory = sqlite3.Row
        found = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error as exc:
        if conn is not None:
            conn.close()
        raise _store_error(exc, path, writing=False) from exc
    if found != schema.SCHEMA_VERSION:
        conn.close()
        if found > schema.SCHEMA_VERSION:
            raise _newer_error(path, found)
        raise StoreError(f"The session store {path} is in the older store format {found}, which this check "
                         "cannot read as it is; opening it once with hydra_sim (as a writable file) upgrades it. "
                         "It has not been changed.", path)
    return conn


def _existing_key(path: Path) -> keys.RecordsKey | None:
    """The installation's records key if there is one (read-only use: never made here)."""
    try:
        return keys.read_existing(keys.key_path_for(path))
    except keys.RecordsKeyError as exc:
        raise StoreError(f"The session store {path} cannot be checked: {exc}.", path) from exc


def _installation_key(path: Path) -> keys.RecordsKey:
    location = keys.key_path_for(path)
    try:
        return keys.load_or_create(location)
    except keys.RecordsKeyError as exc:
        raise StoreError(f"The session store {path} cannot be opened: {exc}.", path) from exc
    except OSError as exc:
        raise StoreError(f"Cannot make the records key {location} ({exc.strerror or exc}). Make the folder "
                         "writable, or choose another location with --home or HYDRA_SIM_HOME.", path) from exc


def _track_changes(conn: sqlite3.Connection) -> None:
    """Temporary triggers (this connection only) that note each session row a transaction changes,
    with the row as it was before, so ``_reseal`` can check its old seal and seal it anew."""
    columns = [r[1] for r in conn.execute("PRAGMA main.table_info(sessions)")]
    old = ", ".join(f"'{c}', OLD.{c}" for c in columns)
    # The old row as Python sees it (SQLite's json_object would round REALs to 15 digits).
    conn.create_function("hydra_row_json", -1, _row_json, deterministic=True)
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS dirty (session_id TEXT PRIMARY KEY, old_row TEXT)")
    # Which sessions there are, the settings and the trainer log: the store seal covers them.
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS store_dirty (flag INTEGER PRIMARY KEY)")
    for name, event, table, when in (
            ("store_added", "AFTER INSERT", "sessions", ""), ("store_removed", "AFTER DELETE", "sessions", ""),
            ("store_setting", "AFTER INSERT", "settings", " WHEN NEW.key != 'store_seal'"),
            ("store_setting_changed", "AFTER UPDATE", "settings", " WHEN NEW.key != 'store_seal'"),
            ("store_setting_removed", "AFTER DELETE", "settings", " WHEN OLD.key != 'store_seal'"),
            ("store_logged", "AFTER INSERT", "trainer_log", "")):
        conn.execute(f"CREATE TEMP TRIGGER IF NOT EXISTS {name} {event} ON main.{table}{when} BEGIN"
                     " INSERT OR IGNORE INTO store_dirty (flag) VALUES (1); END")
    conn.execute("CREATE TEMP TRIGGER IF NOT EXISTS seal_inserted AFTER INSERT ON main.sessions BEGIN"
                 " INSERT OR IGNORE INTO dirty (session_id, old_row) VALUES (NEW.session_id, NULL); END")
    conn.execute("CREATE TEMP TRIGGER IF NOT EXISTS seal_updated BEFORE UPDATE ON main.sessions BEGIN"
                 f" INSERT OR IGNORE INTO dirty (session_id, old_row) VALUES (OLD.session_id, hydra_row_json({old}));"
                 " END")


def _row_json(*pairs) -> str:
    return json.dumps(dict(zip(pairs[::2], pairs[1::2])), allow_nan=False)


def _review_rows(conn: sqlite3.Connection, session_id: str) -> list[tuple[str, dict]]:
    return [(table, dict(r)) for table in integrity.REVIEW_TABLES
            for r in conn.execute(f"SELECT * FROM {table} WHERE session_id = ?", (session_id,))]


def _notes(row) -> list[str]:
    try:
        notes = json.loads(row["seal_notes"]) if row["seal_notes"] else []
    except (TypeError, ValueError):
        return ["its seal notes were edited (they are not readable)"]
    return [str(n) for n in notes] if isinstance(notes, list) else ["its seal notes were edited"]


_UNREADABLE = object()


def _parsed(text: Any) -> Any:
    """A stored JSON column's value (None for NULL), or _UNREADABLE."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except (TypeError, ValueError, RecursionError):
        return _UNREADABLE


def _open_connection(path: Path, on_upgrade=None, derived: bool = True) -> sqlite3.Connection:
    conn = None
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
        conn.execute("PRAGMA foreign_keys = ON")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            log.warning("the session store %s cannot use WAL (journal mode %s); writers will wait for readers",
                        path, mode)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA secure_delete = ON")       # deleted trainee data is overwritten, not left in free pages
        found = migrate(conn, on_upgrade, derived)
        _track_changes(conn)
        if found < schema.SCHEMA_VERSION:
            log.info("session store %s is at format %d (was %d)", path, schema.SCHEMA_VERSION, found)
        return conn
    except NewerStoreError as exc:
        conn.close()
        raise _newer_error(path, exc.found) from None
    except sqlite3.Error as exc:
        if conn is not None:
            conn.close()
        raise _store_error(exc, path, writing=True) from exc
    except BaseException:
        if conn is not None:
            conn.close()
        raise


def _newer_error(path: Path, found: int) -> StoreError:
    return StoreError(f"The session store {path} was written by a newer hydra_sim (store format {found}; this "
                      f"version reads up to format {schema.SCHEMA_VERSION}). It has not been changed: update hydra_sim "
                      "to open it, or choose another location with --home.", path)


def _store_error(exc: sqlite3.Error, path: Path, writing: bool) -> StoreError:
    """Turn an SQLite failure into a StoreError a person can act on."""
    text = str(exc).lower()
    kind = ""
    code = getattr(exc, "sqlite_errorname", "") or ""
    if "not a database" in text or "malformed" in text or "could not decode" in text \
            or code in ("SQLITE_CORRUPT", "SQLITE_NOTADB"):
        message = f"The session store {path} is damaged ({exc}). {_KEEP_FILE}"
        kind = StoreError.UNREADABLE
    elif "locked" in text or "busy" in text:
        message = (f"The session store {path} is in use by another program (another copy of hydra_sim, or a "
                   f"database tool) that kept it locked for more than {BUSY_TIMEOUT_MS / 1000:g} s. Close that "
                   "program and try again; what was recorded before is safe.")
    elif "readonly" in text or "read-only" in text:
        message = (f"Cannot write the session store {path}: it is read-only. Make the file and its folder "
                   "writable, or choose another location with --home or HYDRA_SIM_HOME.")
        kind = StoreError.NOT_WRITABLE
    elif "full" in text:
        message = (f"Cannot write the session store {path}: the disk is full. Free some space and try "
                   "again; what was recorded before is safe.")
    elif "disk i/o" in text or code.startswith("SQLITE_IOERR"):
        # SQLite reports most failed writes this way (a file-size limit, a failing or removed drive),
        # and a read fails so when SQLite cannot create its side files on a full disk
        action = "write" if writing else "read"
        message = (f"Cannot {action} the session store {path}: the disk refused the {action} ({exc}); it may "
                   "be full, removed or failing. Free some space or check the drive, then try again; what was "
                   "recorded before is safe.")
    elif "unable to open" in text:
        message = (f"Cannot open the session store {path} ({exc}). Check that the folder exists and is "
                   "writable, or choose another location with --home or HYDRA_SIM_HOME.")
    else:
        action = "write" if writing else "read"
        message = (f"Cannot {action} the session store {path} ({exc}). The file is kept as it is; "
                   "try again, and if this keeps happening move it aside or restore it from a backup.")
    return StoreError(message, path, kind)


def _rollback(conn: sqlite3.Connection) -> None:
    try:
        conn.execute("ROLLBACK")
    except sqlite3.Error:       # SQLite may already have rolled back (disk full, I/O error)
        log.debug("rollback after a failed write did not run", exc_info=True)


# -- values ----------------------------------------------------------------------------


def _check_clock(clock: Any, name: str) -> int:
    if isinstance(clock, bool) or not isinstance(clock, int) or clock < 0:
        raise ValueError(f"{name} must be a whole number of simulated seconds (0 or more), not {clock!r}")
    return clock


def _checkpoint_needed(row: sqlite3.Row, clock: int) -> bool:
    if row["status"] != "in_progress" or row["ending_id"] is not None:
        return False
    return clock > row["clock"] or (bool(row["replay_exact"]) and clock > row["replay_clock"])


def _check_trainee(trainee: TraineeInfo) -> TraineeInfo:
    if not isinstance(trainee, TraineeInfo):
        raise TypeError(f"trainee must be a TraineeInfo, not {type(trainee).__name__}")
    trainee_id = (trainee.trainee_id or "").strip() if isinstance(trainee.trainee_id, str) else ""
    if not trainee_id:
        raise ValueError("a trainee id is required (a pseudonymous id such as 't-7f3a', or a collar number)")
    if trainee.role and trainee.role not in ROLES:
        raise ValueError(f"unknown trainee role {trainee.role!r} (expected one of: {', '.join(ROLES)})")
    return TraineeInfo(trainee_id, trainee.display_name or "", trainee.force or "", trainee.role or "")


def _check_input(entry: Any) -> tuple[str, str]:
    if not isinstance(entry, dict):
        raise TypeError(f"an input must be a runner log entry (a dict), not {type(entry).__name__}")
    kind = entry.get("type")
    if kind not in INPUT_KINDS:
        raise ValueError(f"unknown input type {kind!r} (expected one of: {', '.join(INPUT_KINDS)})")
    if kind == "advance":
        seconds = entry.get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds <= 0:
            raise ValueError(f"an advance entry needs a positive whole number of seconds, not {seconds!r}")
    elif "clock" in entry:
        _check_clock(entry["clock"], "the entry's clock")
    if kind == "order":
        seed = entry.get("seed")
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ValueError(f"an order entry needs a presentation seed of 0 or more, not {seed!r}")
    if kind == "seat" and not isinstance(entry.get("seat"), str):
        raise ValueError(f"a seat entry needs the id of the seat played, not {entry.get('seat')!r}")
    if kind == "conditions":
        values = entry.get("values")
        if not isinstance(values, dict) or not all(
                isinstance(k, str) and isinstance(v, (str, bool)) for k, v in values.items()):
            raise ValueError(f"a conditions entry needs a mapping of names to values, not {values!r}")
    return kind, _dumps(entry, f"the {kind} input")


# -- session records: the trainer's tables and whole-session copies -----------------------------



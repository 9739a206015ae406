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

Must not import Qt or any GUI code.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import paths
from . import schema
from .errors import StoreError
from .schema import APPLICATION_ID, NewerStoreError, migrate

log = logging.getLogger(__name__)

STATUSES = ("in_progress", "finished", "abandoned")
ROLES = ("call_handler", "first_responder", "incident_manager", "investigator", "other")
INPUT_KINDS = ("choose", "expire", "continue", "reference", "advance")
EVENT_KINDS = ("scene_entered", "inject_fired", "decision_recorded", "reference_opened", "ended",
               "paused", "resumed", "clock")
BUSY_TIMEOUT_MS = 5000
_SQLITE_MAGIC = b"SQLite format 3\x00"
_KEEP_FILE = ("The file is kept as it is: move it aside to start a new store, "
              "or restore it from a backup.")


@dataclass
class TraineeInfo:
    """Who played: a pseudonymous id (required) and optional details. This is personal data."""
    trainee_id: str
    display_name: str = ""
    force: str = ""
    role: str = ""          # call_handler | first_responder | incident_manager | investigator | other


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


def default_store_path() -> Path:
    """Where the app keeps sessions: under ``--home`` / ``HYDRA_SIM_HOME`` or the platform data folder."""
    return paths.home_dir() / "records" / "sessions.sqlite3"


class SessionStore:
    """Sessions, their replay inputs and their events in one SQLite file.

    Safe to share between threads (calls are serialised); several instances, in one
    process or several, may use the same file. Use as a context manager or call ``close``.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path).expanduser().absolute()
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        _prepare_folder(self.path)
        _probe_existing(self.path)
        self._conn = _open_connection(self.path)
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
        session_id = str(uuid.uuid4())
        now = _utc_now()
        with self._write() as conn:
            conn.execute(
                "INSERT INTO sessions (session_id, trainee_id, display_name, force, role, scenario_id,"
                " scenario_version, scenario_hash, scenario_path, scenario_title, catalogues_json, started_at,"
                " updated_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'in_progress')",
                (session_id, trainee.trainee_id, trainee.display_name, trainee.force, trainee.role,
                 str(scenario.id), str(scenario.version), str(scenario.content_hash), str(scenario.path),
                 str(scenario.title), _dumps(catalogues, "the catalogue list"), now, now))
        log.info("started session %s of '%s' for %s", session_id, scenario.id, trainee.trainee_id)
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
                if kind == "reference":
                    after = start                        # opening a reference takes no time
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
            conn.execute("UPDATE sessions SET status = 'finished', ended_at = ?, updated_at = ?, result_json = ?,"
                         " percent = ?, grade = ?, ending_id = COALESCE(?, ending_id),"
                         " critical_failures_json = ? WHERE session_id = ?",
                         (now, now, text, percent, grade, ending_id, _dumps(failures, "the critical failures"),
                          session_id))
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
        log.info("abandoned session %s", session_id)

    # -- reading -----------------------------------------------------------------------
    def inputs(self, session_id: str) -> list[dict]:
        """The replay log, in order, for ``ScenarioRunner.restore(scenario, inputs)``."""
        with self._read() as conn:
            self._session_row(conn, session_id)
            rows = conn.execute("SELECT data_json FROM events WHERE session_id = ? AND is_input = 1 ORDER BY seq",
                                (session_id,)).fetchall()
        return [json.loads(r["data_json"]) for r in rows]

    def events(self, session_id: str) -> list[dict]:
        """What happened, in order: ``{"seq", "kind", "clock", "recorded_at", "data"}`` (inputs excluded)."""
        with self._read() as conn:
            self._session_row(conn, session_id)
            rows = conn.execute("SELECT seq, kind, clock, recorded_at, data_json FROM events"
                                " WHERE session_id = ? AND is_input = 0 ORDER BY seq", (session_id,)).fetchall()
        return [{"seq": r["seq"], "kind": r["kind"], "clock": r["clock"], "recorded_at": r["recorded_at"],
                 "data": json.loads(r["data_json"])} for r in rows]

    def session(self, session_id: str) -> SessionSummary:
        with self._read() as conn:
            return _summary(self._session_row(conn, session_id))

    def report(self, session_id: str) -> dict | None:
        """The score report stored by ``finish_session`` (None until the session is finished)."""
        with self._read() as conn:
            text = self._session_row(conn, session_id)["result_json"]
        return json.loads(text) if text is not None else None

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

    # -- internals ---------------------------------------------------------------------
    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"The session store {self.path} has been closed; open it again to use it.", self.path)
        return self._conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One durable transaction: BEGIN IMMEDIATE, the caller's statements, COMMIT."""
        with self._lock:
            conn = self._connection()
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    conn.execute("COMMIT")
                finally:
                    if conn.in_transaction:      # the body or COMMIT failed
                        _rollback(conn)
            except sqlite3.Error as exc:
                raise _store_error(exc, self.path, writing=True) from exc

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
                             "it may have been started in another store (check --home).", self.path)
        return row

    def _live_session(self, conn: sqlite3.Connection, session_id: str) -> sqlite3.Row:
        row = self._session_row(conn, session_id)
        if row["status"] != "in_progress":
            raise StoreError(f"Session {session_id} in the session store {self.path} is {row['status']}, "
                             "so nothing more can be recorded in it; start a new session.", self.path)
        return row

    @staticmethod
    def _insert(conn: sqlite3.Connection, session_id: str, kind: str, is_input: bool, clock: int,
                recorded_at: str, text: str) -> int:
        seq = conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE session_id = ?",
                           (session_id,)).fetchone()[0]
        conn.execute("INSERT INTO events (session_id, seq, kind, is_input, clock, recorded_at, data_json)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?)", (session_id, seq, kind, int(is_input), clock, recorded_at, text))
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


# -- opening ---------------------------------------------------------------------------
def _prepare_folder(path: Path) -> None:
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"Cannot create the folder {folder} for the session store ({exc.strerror or exc}). "
                         "Choose another location with --home or HYDRA_SIM_HOME.", path) from exc
    if path.is_dir():
        raise StoreError(f"The session store path {path} is a folder, not a file. "
                         "Choose another location with --home or HYDRA_SIM_HOME.", path)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreError(f"Cannot write the session store in {folder}: the folder is read-only. "
                         "Choose a writable location with --home or HYDRA_SIM_HOME, or ask for write access "
                         "to the folder.", path)
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise StoreError(f"Cannot write the session store {path}: the file is read-only. "
                         "Make it writable, or choose another location with --home or HYDRA_SIM_HOME.", path)


def _probe_existing(path: Path) -> None:
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
    try:
        size = path.stat().st_size
        if size == 0:
            return      # what sqlite3.connect leaves before the first write: nothing to lose
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"Cannot read the session store {path} ({exc.strerror or exc}). "
                         "Check the file's permissions, or choose another location with --home.", path) from exc
    if header != _SQLITE_MAGIC:
        raise StoreError(f"The session store {path} is not a hydra_sim session store (it is not an SQLite "
                         f"database at all). {_KEEP_FILE}", path)
    immutable = not Path(f"{path}-wal").exists()
    with _readonly(path, immutable) as conn:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    ours = app_id == APPLICATION_ID or (app_id == 0 and "sessions" in tables)
    if not ours and (tables or app_id or version):
        raise StoreError(f"The file {path} is an SQLite database of another program, not a hydra_sim "
                         f"session store. {_KEEP_FILE}", path)
    if version > schema.SCHEMA_VERSION:
        raise _newer_error(path, version)
    with _readonly(path, immutable=False) as conn:
        problems = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
    if problems != ["ok"]:
        raise StoreError(f"The session store {path} is damaged ({'; '.join(problems)}). {_KEEP_FILE}", path)


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


def _open_connection(path: Path) -> sqlite3.Connection:
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
        found = migrate(conn)
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
    code = getattr(exc, "sqlite_errorname", "") or ""
    if "not a database" in text or "malformed" in text or code in ("SQLITE_CORRUPT", "SQLITE_NOTADB"):
        message = f"The session store {path} is damaged ({exc}). {_KEEP_FILE}"
    elif "locked" in text or "busy" in text:
        message = (f"The session store {path} is busy: another hydra_sim kept it locked for more than "
                   f"{BUSY_TIMEOUT_MS // 1000} s. Close other copies of hydra_sim and try again.")
    elif "readonly" in text or "read-only" in text:
        message = (f"Cannot write the session store {path}: it is read-only. Make the file and its folder "
                   "writable, or choose another location with --home or HYDRA_SIM_HOME.")
    elif "full" in text:
        message = (f"Cannot write the session store {path}: the disk is full. Free some space and try "
                   "again; what was recorded before is safe.")
    elif "unable to open" in text:
        message = (f"Cannot open the session store {path} ({exc}). Check that the folder exists and is "
                   "writable, or choose another location with --home or HYDRA_SIM_HOME.")
    else:
        action = "write" if writing else "read"
        message = (f"Cannot {action} the session store {path} ({exc}). The file is kept as it is; "
                   "try again, and if this keeps happening move it aside or restore it from a backup.")
    return StoreError(message, path)


def _rollback(conn: sqlite3.Connection) -> None:
    try:
        conn.execute("ROLLBACK")
    except sqlite3.Error:       # SQLite may already have rolled back (disk full, I/O error)
        log.debug("rollback after a failed write did not run", exc_info=True)


# -- values ----------------------------------------------------------------------------
def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _dumps(value: Any, what: str) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} cannot be stored as JSON: {exc}") from exc


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
    return kind, _dumps(entry, f"the {kind} input")


def _summary(row: sqlite3.Row) -> SessionSummary:
    return SessionSummary(
        session_id=row["session_id"],
        trainee=TraineeInfo(row["trainee_id"], row["display_name"], row["force"], row["role"]),
        scenario_id=row["scenario_id"], scenario_version=row["scenario_version"],
        scenario_hash=row["scenario_hash"], scenario_path=row["scenario_path"],
        scenario_title=row["scenario_title"], catalogues=json.loads(row["catalogues_json"]),
        started_at=row["started_at"], updated_at=row["updated_at"], ended_at=row["ended_at"],
        status=row["status"], clock=row["clock"], scene_id=row["scene_id"], percent=row["percent"],
        grade=row["grade"], ending_id=row["ending_id"],
        critical_failures=json.loads(row["critical_failures_json"]))

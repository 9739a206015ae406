"""The session store's SQLite layout and its migrations, one function per format version.

``PRAGMA user_version`` holds the store format; ``MIGRATIONS[n]`` upgrades a store from
version ``n`` to ``n + 1``, and ``migrate`` applies the missing ones in order inside one
``BEGIN IMMEDIATE`` transaction, so a store is either fully upgraded or untouched.
``PRAGMA application_id`` marks the file as a hydra_sim store, so another program's SQLite
database is recognised and left alone. Never edit a published migration: add the next
one. Version 2 added the tamper-evident hash chain (``ALTER TABLE ... ADD COLUMN``,
backfilled for existing rows; see integrity.py) and the trainer's tables: annotations,
grade overrides, rescores and settings. Version 3 chains the trainer's review (annotations,
grade overrides, rescores: ``chain_seq``, ``prev_hash``, ``hash``, and ``review_head`` on the
session), adds who rescored, and the keyed seal of each session row (``seal``, ``sealed_by``,
``keyed_since``, ``origin_key``, ``seal_notes``; integrity.py, keys.py), and the chained
``trainer_log`` of store-wide trainer actions. The seal needs the installation's key,
which a migration does not have: ``migrate`` hands the upgraded connection to the caller's
``on_upgrade`` inside the same transaction, and the store seals the old sessions there.
The cohort tables (outcomes.py) are derived data kept exact by triggers, like the reading
indexes not part of the format; a migration that rebuilds ``sessions`` must re-create them.
Must not import Qt or any GUI code.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable

from . import integrity, outcomes

log = logging.getLogger(__name__)

APPLICATION_ID = 0x48594453          # "HYDS": a hydra_sim session store


def _v0_to_v1(conn: sqlite3.Connection) -> None:
    conn.execute("""
        CREATE TABLE sessions (
            session_id TEXT PRIMARY KEY NOT NULL,
            trainee_id TEXT NOT NULL,
            display_name TEXT NOT NULL DEFAULT '',
            force TEXT NOT NULL DEFAULT '',
            role TEXT NOT NULL DEFAULT '',
            scenario_id TEXT NOT NULL,
            scenario_version TEXT NOT NULL,
            scenario_hash TEXT NOT NULL,
            scenario_path TEXT NOT NULL,
            scenario_title TEXT NOT NULL,
            catalogues_json TEXT NOT NULL,
            started_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            ended_at TEXT,
            status TEXT NOT NULL CHECK (status IN ('in_progress', 'finished', 'abandoned')),
            clock INTEGER NOT NULL DEFAULT 0,          -- latest simulated clock heard of
            replay_clock INTEGER NOT NULL DEFAULT 0,   -- clock that replaying the stored inputs reaches
            replay_exact INTEGER NOT NULL DEFAULT 1,   -- 0: only a lower bound (see store.append_input)
            checkpointed INTEGER NOT NULL DEFAULT 0,   -- seconds of waits checkpoints wrote since the last input
            scene_id TEXT,
            result_json TEXT,
            percent REAL,
            grade TEXT,
            ending_id TEXT,
            critical_failures_json TEXT NOT NULL DEFAULT '[]'
        )""")
    conn.execute("CREATE INDEX sessions_by_trainee ON sessions (trainee_id, started_at)")
    conn.execute("CREATE INDEX sessions_by_status ON sessions (status, started_at)")
    # Inputs (the replay log) and events (what happened) share one numbered sequence per
    # session, so the record is a single ordered timeline.
    conn.execute("""
        CREATE TABLE events (
            session_id TEXT NOT NULL REFERENCES sessions (session_id),
            seq INTEGER NOT NULL,
            kind TEXT NOT NULL,
            is_input INTEGER NOT NULL CHECK (is_input IN (0, 1)),
            clock INTEGER NOT NULL,
            recorded_at TEXT NOT NULL,
            data_json TEXT NOT NULL,
            PRIMARY KEY (session_id, seq)
        ) WITHOUT ROWID""")


def _v1_to_v2(conn: sqlite3.Connection) -> None:
    """Hash chains (backfilled for every existing session and event) and the trainer's tables."""
    conn.execute("ALTER TABLE sessions ADD COLUMN genesis TEXT")       # chain start, from the identity fields
    conn.execute("ALTER TABLE sessions ADD COLUMN head_hash TEXT")     # hash of the newest event (or genesis)
    conn.execute("ALTER TABLE sessions ADD COLUMN result_hash TEXT")   # binds result_json, percent, grade to it
    conn.execute("ALTER TABLE events ADD COLUMN prev_hash TEXT")
    conn.execute("ALTER TABLE events ADD COLUMN hash TEXT")
    conn.execute("""
        CREATE TABLE annotations (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id TEXT NOT NULL REFERENCES sessions (session_id),
            seq INTEGER,                                -- the event annotated, NULL for the whole session
            author TEXT NOT NULL,
            text TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""")
    conn.execute("CREATE INDEX annotations_by_session ON annotations (session_id, id)")
    conn.execute("""
        CREATE TABLE grade_overrides (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id TEXT NOT NULL REFERENCES sessions (session_id),
            grade_id TEXT NOT NULL,
            reason TEXT NOT NULL,
            author TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""")
    conn.execute("CREATE INDEX grade_overrides_by_session ON grade_overrides (session_id, id)")
    conn.execute("""
        CREATE TABLE rescores (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id TEXT NOT NULL REFERENCES sessions (session_id),
            created_at TEXT NOT NULL,
            scenario_id TEXT NOT NULL,
            scenario_version TEXT NOT NULL,
            scenario_hash TEXT NOT NULL,
            catalogues_json TEXT NOT NULL,
            report_json TEXT NOT NULL,
            percent REAL,
            grade TEXT
        )""")
    conn.execute("CREATE INDEX rescores_by_session ON rescores (session_id, id)")
    conn.execute("CREATE TABLE settings (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)")
    sessions = conn.execute("SELECT * FROM sessions").fetchall()
    names = [d[0] for d in conn.execute("SELECT * FROM sessions LIMIT 0").description]
    for values in sessions:
        row = dict(zip(names, values))
        session_id = row["session_id"]
        prev = integrity.session_genesis(row)
        updates = []
        for seq, kind, is_input, clock, recorded_at, data_json in conn.execute(
                "SELECT seq, kind, is_input, clock, recorded_at, data_json FROM events WHERE session_id = ?"
                " ORDER BY seq", (session_id,)).fetchall():
            digest = integrity.event_hash(session_id, seq, kind, bool(is_input), clock, recorded_at,
                                          json.loads(data_json), prev)
            updates.append((prev, digest, session_id, seq))
            prev = digest
        conn.executemany("UPDATE events SET prev_hash = ?, hash = ? WHERE session_id = ? AND seq = ?", updates)
        result = None
        if row["result_json"] is not None:
            result = integrity.result_hash(prev, json.loads(row["result_json"]), row["percent"], row["grade"])
        conn.execute("UPDATE sessions SET genesis = ?, head_hash = ?, result_hash = ? WHERE session_id = ?",
                     (integrity.session_genesis(row), prev, result, session_id))
    log.info("added hash chains to %d existing sessions", len(sessions))


def _v2_to_v3(conn: sqlite3.Connection) -> None:
    """The trainer-review chain (backfilled, oldest first), who rescored, and the seal's columns."""
    for table in integrity.REVIEW_TABLES:
        conn.execute(f"ALTER TABLE {table} ADD COLUMN chain_seq INTEGER")
        conn.execute(f"ALTER TABLE {table} ADD COLUMN prev_hash TEXT")
        conn.execute(f"ALTER TABLE {table} ADD COLUMN hash TEXT")
    conn.execute("ALTER TABLE rescores ADD COLUMN author TEXT NOT NULL DEFAULT ''")
    conn.execute("ALTER TABLE sessions ADD COLUMN review_head TEXT")    # newest review row's hash (or genesis)
    conn.execute("ALTER TABLE sessions ADD COLUMN seal TEXT")           # HMAC of the row under the records key
    conn.execute("ALTER TABLE sessions ADD COLUMN sealed_by TEXT")      # that key's fingerprint
    conn.execute("ALTER TABLE sessions ADD COLUMN keyed_since TEXT")    # set for sessions chained before keys
    conn.execute("ALTER TABLE sessions ADD COLUMN origin_key TEXT")     # an imported session: who sealed it there
    conn.execute("ALTER TABLE sessions ADD COLUMN seal_notes TEXT")     # JSON list: seals found broken on a write
    # The trainer actions that are not about one session (erasure, retention, exports, imports, push):
    # who did what and when, counts only (no trainee ids), chained; the store seal covers its head.
    conn.execute("""
        CREATE TABLE trainer_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            trainer TEXT NOT NULL,
            action TEXT NOT NULL,
            detail_json TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )""")
    sessions = [r[0] for r in conn.execute("SELECT session_id FROM sessions")]
    for session_id in sessions:
        chain_review(conn, session_id)
    log.info("chained the trainer review of %d existing sessions", len(sessions))


def chain_review(conn: sqlite3.Connection, session_id: str) -> None:
    """Chain a session's review rows that have no hash yet (older records), oldest first, after the others."""
    genesis, head = conn.execute("SELECT genesis, review_head FROM sessions WHERE session_id = ?",
                                 (session_id,)).fetchone()
    rows, done = [], 0
    for table in integrity.REVIEW_TABLES:
        cursor = conn.execute(f"SELECT * FROM {table} WHERE session_id = ?", (session_id,))
        names = [d[0] for d in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(names, values))
            if row["hash"] is None:
                rows.append((row["created_at"], list(integrity.REVIEW_TABLES).index(table), row["id"], table, row))
            else:
                done = max(done, row["chain_seq"] or 0)
    if not rows:
        return
    prev = head or genesis
    for number, (_at, _order, row_id, table, row) in enumerate(sorted(rows, key=lambda r: r[:3]), start=done + 1):
        digest = integrity.review_hash(session_id, table, number, integrity.review_fields(table, row), prev)
        conn.execute(f"UPDATE {table} SET chain_seq = ?, prev_hash = ?, hash = ? WHERE id = ?",
                     (number, prev, digest, row_id))
        prev = digest
    conn.execute("UPDATE sessions SET review_head = ? WHERE session_id = ?", (prev, session_id))


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v0_to_v1, _v1_to_v2, _v2_to_v3]
SCHEMA_VERSION = len(MIGRATIONS)

# Indexes that only make reading faster are not part of the format: SQLite keeps every index up
# to date whichever program writes the file, so one is added without a new format number and an
# older hydra_sim still opens the store. Each is made (once) whenever a writer opens the store.
READING_INDEXES = {
    # The review's session list (gui/review/cohort_stats._ROW_SQL) read from the index alone. A
    # session's row also holds its score report (about 58 KB for the flagship), and some listed
    # columns come after it, so listing from the rows read the whole file: 4.3 s for 100,000
    # sessions (6.5 GB) against 1.0 s from this index (issue 14).
    "sessions_for_review":
        "CREATE INDEX IF NOT EXISTS sessions_for_review ON sessions (started_at, session_id, trainee_id,"
        " display_name, force, role, scenario_id, scenario_version, scenario_title, ended_at, status, percent,"
        " grade, ending_id, critical_failures_json)",
}


class NewerStoreError(Exception):
    """The file's format is newer than this code knows (carries the version found)."""

    def __init__(self, found: int):
        super().__init__(found)
        self.found = found


def migrate(conn: sqlite3.Connection, on_upgrade: Callable[[sqlite3.Connection, int], None] | None = None,
            derived: bool = True) -> int:
    """Bring the store up to ``SCHEMA_VERSION``; returns the version it was at.

    ``derived``: also add the cohort tables (records/outcomes.py, not part of the format either)
    if they are missing; False for an open that did not check every page first (the review's),
    since adding them writes to the file and fills their queue from every session row.

    ``on_upgrade(conn, found)`` runs after the migrations, in the same transaction, when
    the store was older (the session store seals the sessions it found there).

    Runs in one immediate transaction and re-reads the version inside it, so two processes
    opening a new store at once cannot both create the tables. Raises ``NewerStoreError``
    (having changed nothing) when the file is newer than this code.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = conn.execute("PRAGMA user_version").fetchone()[0]
        if found > SCHEMA_VERSION:
            raise NewerStoreError(found)
        for version in range(found, SCHEMA_VERSION):
            log.info("upgrading the session store from format %d to %d", version, version + 1)
            MIGRATIONS[version](conn)
        if found < SCHEMA_VERSION and on_upgrade is not None:
            on_upgrade(conn, found)
        if found < SCHEMA_VERSION:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID:d}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")
        for statement in READING_INDEXES.values():
            conn.execute(statement)
        if derived:
            outcomes.create(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return found

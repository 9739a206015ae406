"""The offline xAPI queue: statements wait here until a Learning Record Store has acknowledged them.

Its own small SQLite file, ``records/xapi-queue.sqlite3`` under the hydra_sim home folder
(never the session store). Statements are added first (once each: the statement id, per
LRS endpoint, is the key), sent in batches, and removed only after the LRS acknowledged
them, so a crash, a network failure or a wrong password loses nothing. The queue also
remembers which sessions it has already taken for an endpoint, so a push does not queue a
session again after its statements were sent. Holds no passwords. Must not import Qt.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

from .. import paths
from . import filemodes

_SCHEMA = """
CREATE TABLE IF NOT EXISTS statements (
    endpoint TEXT NOT NULL,
    statement_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    body_json TEXT NOT NULL,
    queued_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    PRIMARY KEY (endpoint, statement_id)
);
CREATE TABLE IF NOT EXISTS queued_sessions (
    endpoint TEXT NOT NULL,
    session_id TEXT NOT NULL,
    queued_at TEXT NOT NULL,
    PRIMARY KEY (endpoint, session_id)
);
"""


def default_queue_path() -> Path:
    return paths.home_dir() / "records" / "xapi-queue.sqlite3"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def normalise_endpoint(endpoint: str) -> str:
    return endpoint.strip().rstrip("/")


class XapiQueue:
    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path is not None else default_queue_path()
        filemodes.private_folder(self.path.parent)
        filemodes.private_file(self.path)           # 0600: statements name trainees
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(str(self.path), timeout=5, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = FULL")
        self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> XapiQueue:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def add(self, endpoint: str, session_id: str, statements: list[dict]) -> int:
        """Queue a session's statements (ids already queued are skipped); returns how many were new."""
        endpoint = normalise_endpoint(endpoint)
        now = _now()
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                added = 0
                for statement in statements:
                    cursor = self._conn.execute(
                        "INSERT OR IGNORE INTO statements (endpoint, statement_id, session_id, body_json, queued_at)"
                        " VALUES (?, ?, ?, ?, ?)",
                        (endpoint, statement["id"], session_id,
                         json.dumps(statement, ensure_ascii=False, separators=(",", ":")), now))
                    added += cursor.rowcount
                self._conn.execute("INSERT OR IGNORE INTO queued_sessions (endpoint, session_id, queued_at)"
                                   " VALUES (?, ?, ?)", (endpoint, session_id, now))
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        return added

    def queued_sessions(self, endpoint: str) -> set[str]:
        with self._lock:
            rows = self._conn.execute("SELECT session_id FROM queued_sessions WHERE endpoint = ?",
                                      (normalise_endpoint(endpoint),)).fetchall()
        return {r[0] for r in rows}

    def pending(self, endpoint: str, limit: int | None = None, after: int = 0) -> list[tuple[int, dict]]:
        """(row number, statement) waiting for ``endpoint``, oldest first, from row number ``after`` on."""
        sql = ("SELECT rowid, body_json FROM statements WHERE endpoint = ? AND rowid > ? ORDER BY rowid"
               + (" LIMIT ?" if limit else ""))
        args: tuple = (normalise_endpoint(endpoint), after) + ((limit,) if limit else ())
        with self._lock:
            rows = self._conn.execute(sql, args).fetchall()
        return [(r[0], json.loads(r[1])) for r in rows]

    def count(self, endpoint: str | None = None) -> int:
        with self._lock:
            if endpoint is None:
                return self._conn.execute("SELECT COUNT(*) FROM statements").fetchone()[0]
            return self._conn.execute("SELECT COUNT(*) FROM statements WHERE endpoint = ?",
                                      (normalise_endpoint(endpoint),)).fetchone()[0]

    def remove(self, endpoint: str, statement_ids: list[str]) -> None:
        """Drop statements the LRS acknowledged."""
        endpoint = normalise_endpoint(endpoint)
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.executemany("DELETE FROM statements WHERE endpoint = ? AND statement_id = ?",
                                       [(endpoint, i) for i in statement_ids])
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def note_failure(self, endpoint: str, statement_ids: list[str], error: str) -> None:
        endpoint = normalise_endpoint(endpoint)
        with self._lock:
            self._conn.executemany(
                "UPDATE statements SET attempts = attempts + 1, last_error = ? WHERE endpoint = ? AND statement_id = ?",
                [(error[:500], endpoint, i) for i in statement_ids])

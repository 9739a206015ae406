"""Is the open store still the file the app will read next time? And if not, put it back.

A cleanup script, a roaming-profile sync or a person in a file manager can delete, move or
replace ``sessions.sqlite3`` while a session runs. SQLite keeps writing to the open file,
which the next launch never sees: a silent loss. So before each write transaction (and again
just before its COMMIT) the store compares the path's ``st_dev``/``st_ino`` with the file it
opened (``check``). When they differ, or the path is gone, the write is refused with a
``StoreError`` of kind ``detached`` whose message says what happened in plain words; the
GUI's writer keeps that write and everything after it queued (in memory) and retries.

On the next write (the retry), ``reattach`` makes a healthy store at the same path: a new
empty store if the path is free, or the file now there if it is a readable store. It copies
in the sessions this process wrote (read from the still-open old file), adding only the
events the target lacks (so a restored backup is brought up to date, never duplicated), then
the queued writes go on. The old connection is closed *before* the new file is opened,
because SQLite deletes ``<path>-wal`` by name when its last connection closes.

Must not import Qt or any GUI code.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from ..engine.text import counted
from .errors import StoreError

log = logging.getLogger(__name__)

DETACHED = "detached"


def identity(path: Path) -> tuple[int, int] | None:
    """``(st_dev, st_ino)`` of the file at ``path``, or None when nothing is there."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def problem(path: Path, opened: tuple[int, int] | None) -> str | None:
    """What happened to the opened store file, in plain words, or None when it is still in place."""
    if opened is None:
        return None
    now = identity(path)
    if now is None:
        return "was deleted or moved"
    if now != opened:
        return "was replaced by another file"
    return None


def detached_error(path: Path, what: str) -> StoreError:
    return StoreError(
        f"The records file {path} {what} while this session was running, so your latest answers are "
        "NOT saved yet. The session carries on: your answers are kept in memory and will be saved to "
        f"{path} as soon as it can be written again.", path, DETACHED)


def rescue(store, conn) -> list[dict]:
    """The whole records of the sessions ``store`` wrote, read from the old (detached) connection."""
    from .store import _session_record           # store imports this module
    records = []
    for session_id in sorted(store._touched):
        if conn.execute("SELECT 1 FROM sessions WHERE session_id = ?", (session_id,)).fetchone():
            records.append(_session_record(conn, session_id))
    return records


def merge(target, records: list[dict]) -> None:
    """Put ``records`` into the store ``target``: new sessions whole, known ones brought up to date."""
    from .mirror import SessionMirror
    mirror = SessionMirror(target)
    for record in records:
        session_id = record["session"]["session_id"]
        with target._read() as conn:
            held = conn.execute("SELECT 1 FROM sessions WHERE session_id = ?", (session_id,)).fetchone()
        if held is None:
            outcome, reason = target._import_record(record)
            if outcome == "rejected":
                raise StoreError(f"Could not copy session {session_id} into {target.path}: {reason}", target.path,
                                 DETACHED)
        else:
            mirror.apply(record["session"], record["events"])
    log.warning("the records file %s was put back with %s from this run", target.path,
                counted(len(records), "session"))

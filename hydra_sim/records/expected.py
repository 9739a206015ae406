"""A marker beside the store of the sessions it should hold unfinished, so a lost store is noticed.

When the store file is deleted, moved or replaced by an older copy between two launches, the
new launch would simply find fewer sessions. So after each change of what is unfinished
(start, finish, abandon, delete, put back) the store writes ``unfinished-sessions.json`` beside
itself: the ids of its unfinished sessions (random UUIDs: no trainee id or name). At start the
app compares (``missing``): ids in the marker that are in no session of the store are sessions
it expected and cannot find, and the start screen says so. Written atomically; a marker that
cannot be written or read only loses this warning, never a record.
Must not import Qt or any GUI code.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from pathlib import Path

log = logging.getLogger(__name__)

NAME = "unfinished-sessions.json"


def marker_path(store_path: Path) -> Path:
    return Path(store_path).parent / NAME


def refresh(store_path: Path, conn: sqlite3.Connection) -> None:
    """Write the marker from the store's unfinished sessions (best effort)."""
    try:
        ids = sorted(r[0] for r in conn.execute("SELECT session_id FROM sessions WHERE status = 'in_progress'"))
    except sqlite3.Error:
        log.debug("could not list unfinished sessions for the marker", exc_info=True)
        return
    path = marker_path(store_path)
    temp = path.with_name(path.name + ".tmp")
    try:
        temp.write_text(json.dumps({"store": Path(store_path).name, "unfinished": ids}), encoding="utf-8")
        os.replace(temp, path)
    except OSError:
        log.warning("could not write the unfinished-sessions marker %s", path)


def expected(store_path: Path) -> list[str]:
    """The ids the marker lists (empty when there is no readable marker)."""
    try:
        data = json.loads(marker_path(store_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    ids = data.get("unfinished") if isinstance(data, dict) else None
    return [str(i) for i in ids if isinstance(i, str)] if isinstance(ids, list) else []


def missing(store_path: Path, conn: sqlite3.Connection) -> list[str]:
    """Sessions the marker expects that the store does not hold at all."""
    ids = expected(store_path)
    if not ids:
        return []
    held = {r[0] for r in conn.execute("SELECT session_id FROM sessions")}
    return [i for i in ids if i not in held]


def forget(store_path: Path, session_ids) -> None:
    """Take erased sessions out of the marker (they are meant to be gone)."""
    gone = set(session_ids)
    ids = expected(store_path)
    if not gone & set(ids):
        return
    path = marker_path(store_path)
    try:
        path.write_text(json.dumps({"store": Path(store_path).name,
                                    "unfinished": [i for i in ids if i not in gone]}), encoding="utf-8")
    except OSError:
        log.warning("could not write the unfinished-sessions marker %s", path)

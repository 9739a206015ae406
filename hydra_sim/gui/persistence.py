"""The GUI's door to the session store (``hydra_sim.records``), and the plain values the start
screen shows about it.

``open_store`` opens the real store; ``summarise`` and ``checkpoint_clock_of`` read its answers
into plain values. Only the cheap names (``StoreError``, ``TraineeInfo``) are imported at the
top: the store itself (SQLite, hashing, the schema) loads inside ``open_store``, which the real
entry calls just after the start screen's first paint (app.run_app). Must not import PySide6 or
any GUI module (the crash test runs it in a plain subprocess too).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..records.errors import StoreError
from ..records.trainee import TraineeInfo

__all__ = ["SessionSummary", "StoreError", "TraineeInfo", "checkpoint_clock_of", "move_store_aside", "open_store",
           "summarise"]


@dataclass(frozen=True)
class SessionSummary:
    """What the start screen shows about an unfinished session (read from either store)."""
    session_id: str
    scenario_id: str
    scenario_title: str
    scenario_path: str
    started_at: str
    clock: int | None


def _get(obj: Any, *names: str, default=None):
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    return default


def summarise(info: Any) -> SessionSummary:
    return SessionSummary(
        session_id=str(_get(info, "session_id", "id", default="")),
        scenario_id=str(_get(info, "scenario_id", default="") or ""),
        scenario_title=str(_get(info, "scenario_title", "title", default="") or ""),
        scenario_path=str(_get(info, "scenario_path", "path", default="") or ""),
        started_at=str(_get(info, "started_at", "started", default="") or ""),
        clock=_get(info, "clock", "last_clock", "checkpoint_clock", default=None))


def open_store(path: str | Path | None = None):
    """The records package's ``SessionStore`` at ``path`` (default: the home folder's); raises StoreError."""
    from ..records.store import SessionStore, default_store_path
    return SessionStore(Path(path) if path else default_store_path())


def move_store_aside(path: str | Path | None = None) -> Path:
    """Rename an unreadable store (and its journal files) out of the way, keeping every byte.

    Only ever on the user's explicit choice; returns the new name of the main file. Raises
    OSError when the folder cannot be written (the caller says so)."""
    from ..records.store import default_store_path
    store = Path(path) if path else default_store_path()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = store.with_name(f"{store.name}.unreadable-{stamp}")
    for suffix in ("-wal", "-shm", "-journal"):
        side = store.with_name(store.name + suffix)
        if side.exists():
            os.replace(side, target.with_name(target.name + suffix))
    os.replace(store, target)
    return target


def checkpoint_clock_of(store, session_id: str) -> int | None:
    """The last clock the store knows for a session (None when it cannot tell)."""
    try:
        clock = summarise(store.session(session_id)).clock
    except StoreError:
        return None
    return int(clock) if isinstance(clock, (int, float)) else None

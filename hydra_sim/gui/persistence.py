"""The GUI's door to the session store: ``hydra_sim.records`` when present, else a stand-in.

The records package (``SessionStore``, ``TraineeInfo``, ``StoreError``,
``default_store_path``) is the real store. While it is being written this module provides
a small append-only JSON-lines store with the same methods, so the app and its tests work
either way. ``summarise`` and ``checkpoint_clock_of`` read either store's answers into
plain values the start screen shows. Must not import PySide6 or any GUI module (the
crash test runs it in a plain subprocess too).
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import paths

log = logging.getLogger(__name__)

try:  # the real store, once the records package lands
    from ..records import SessionStore, StoreError, TraineeInfo, default_store_path  # type: ignore[attr-defined]
    RECORDS_AVAILABLE = True
except ImportError:  # pragma: no cover - depends on what is installed
    RECORDS_AVAILABLE = False

    class StoreError(Exception):  # type: ignore[no-redef]
        """The session store could not read or write."""

    @dataclass(frozen=True)
    class TraineeInfo:  # type: ignore[no-redef]
        trainee_id: str
        display_name: str = ""
        force: str = ""
        role: str = ""

    def default_store_path() -> Path:  # type: ignore[no-redef]
        return paths.home_dir() / "sessions"

    class SessionStore:  # type: ignore[no-redef]
        """Append-only JSON lines, one file per session; a line is written the moment it happens."""

        def __init__(self, path: str | Path):
            self.path = Path(path)
            try:
                self.path.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create {self.path}: {exc}") from exc

        def _file(self, session_id: str) -> Path:
            return self.path / f"{session_id}.jsonl"

        def _append(self, session_id: str, record: dict) -> None:
            try:
                with self._file(session_id).open("a", encoding="utf-8") as handle:
                    handle.write(json.dumps(record, default=str) + "\n")
                    handle.flush()
            except OSError as exc:
                raise StoreError(f"cannot write session {session_id}: {exc}") from exc

        def _read(self, session_id: str) -> list[dict]:
            try:
                lines = self._file(session_id).read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise StoreError(f"no session {session_id}: {exc}") from exc
            records = []
            for line in lines:
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError:
                    log.warning("skipping a torn line in session %s", session_id)   # killed mid-write
            return records

        def start_session(self, trainee: TraineeInfo, scenario) -> str:
            import uuid
            session_id = uuid.uuid4().hex
            self._append(session_id, {
                "type": "session", "session_id": session_id, "trainee_id": trainee.trainee_id,
                "display_name": trainee.display_name, "force": trainee.force, "role": trainee.role,
                "scenario_id": scenario.id, "scenario_title": scenario.title,
                "scenario_path": str(scenario.path), "scenario_version": scenario.version,
                "content_hash": scenario.content_hash,
                "started_at": datetime.now(UTC).isoformat(timespec="seconds")})
            return session_id

        def append_input(self, session_id: str, entry: dict) -> None:
            self._append(session_id, {"type": "input", "entry": entry})

        def append_event(self, session_id: str, kind: str, data: dict, clock: int) -> None:
            self._append(session_id, {"type": "event", "kind": kind, "data": data, "clock": clock})

        def append_batch(self, session_id: str, inputs: list[dict], events: list, *, clock_after=None) -> None:
            for kind, data, clock in events:
                self.append_event(session_id, kind, data, clock)
            for entry in inputs:
                self.append_input(session_id, entry)

        def checkpoint_clock(self, session_id: str, clock: int) -> None:
            self._append(session_id, {"type": "clock", "clock": clock})

        def finish_session(self, session_id: str, report: dict) -> None:
            self._append(session_id, {"type": "finished", "report": report})

        def abandon_session(self, session_id: str) -> None:
            self._append(session_id, {"type": "abandoned"})

        def inputs(self, session_id: str) -> list[dict]:
            return [r["entry"] for r in self._read(session_id) if r.get("type") == "input"]

        def session(self, session_id: str) -> dict:
            records = self._read(session_id)
            if not records or records[0].get("type") != "session":
                raise StoreError(f"session {session_id} has no header")
            info = dict(records[0])
            info["status"] = "in_progress"
            info["clock"] = 0
            info["scene_id"] = None
            for record in records[1:]:
                kind = record.get("type")
                if kind in ("clock", "event"):
                    info["clock"] = max(info["clock"], int(record.get("clock") or 0))
                if kind == "event" and record.get("kind") == "scene_entered":
                    info["scene_id"] = record.get("data", {}).get("scene_id")
                if kind == "input":
                    info["clock"] = max(info["clock"], int(record["entry"].get("clock") or 0))
                if kind == "finished":
                    info["status"] = "finished"
                if kind == "abandoned":
                    info["status"] = "abandoned"
            return info

        def unfinished_sessions(self, trainee_id: str) -> list[dict]:
            found = []
            for file in sorted(self.path.glob("*.jsonl"), key=lambda f: f.stat().st_mtime, reverse=True):
                try:
                    info = self.session(file.stem)
                except StoreError:
                    continue
                if info["status"] == "in_progress" and info.get("trainee_id") == trainee_id:
                    found.append(info)
            return found


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


def open_store(path: str | Path | None = None) -> SessionStore:
    return SessionStore(Path(path) if path else default_store_path())


def move_store_aside(path: str | Path | None = None) -> Path:
    """Rename an unreadable store (and its journal files) out of the way, keeping every byte.

    Only ever on the user's explicit choice; returns the new name of the main file. Raises
    OSError when the folder cannot be written (the caller says so)."""
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

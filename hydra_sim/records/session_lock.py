"""One writer per session: a lock file per open session beside the store (issue 18.6).

Two app windows on one home (or two computers on a shared home) that both resume a session
would interleave its log: the clock jumps back, scenes repeat. So whoever plays a session
holds ``<store folder>/locks/<session id>.lock``: an OS lock on the file (``flock`` /
``msvcrt.locking``, released by the OS when the process dies, so a crash never leaves it
stuck) and, inside it, who holds it (pid, host, since) and a heartbeat the holder refreshes.
The heartbeat matters where OS locks do not reach, a network share seen from two computers:
a lock file from another host whose heartbeat is younger than ``STALE_SECONDS`` is honoured
even when the OS lock can be taken. A lock whose holder is dead (same host, pid gone) or
whose heartbeat is old is taken over.

The second window gets ``SessionBusy`` (a ``StoreError``) with a message it can show as it is.
The file holds no trainee id or name (the session id is a random UUID). Must not import Qt.
"""

from __future__ import annotations

import json
import os
import socket
import time
from datetime import datetime
from pathlib import Path

from .errors import StoreError

STALE_SECONDS = 120        # a heartbeat older than this is a holder that is gone (the GUI beats every few s)
BUSY = "busy"


class SessionBusy(StoreError):
    """The session is open in another window or on another computer."""


def lock_path(store_path: Path, session_id: str) -> Path:
    return Path(store_path).parent / "locks" / f"{_safe(session_id)}.lock"


class SessionLock:
    """Held while one window plays one session; ``release`` (or process exit) lets it go."""

    def __init__(self, store_path: Path, session_id: str, *, now=time.time):
        self.path = lock_path(store_path, session_id)
        self._now = now
        self._fd: int | None = None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(5):        # the file may be removed by a releasing holder between open and lock
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            if not _try_lock(fd):
                holder = _read(fd)
                os.close(fd)
                raise _busy(self.path, holder)
            if os.fstat(fd).st_ino != _ino(self.path):
                _unlock(fd)
                os.close(fd)
                continue
            holder = _read(fd)
            if holder and not self._stale(holder):
                _unlock(fd)
                os.close(fd)
                raise _busy(self.path, holder)
            self._fd = fd
            self._since = self._now()
            self.heartbeat()
            return
        raise SessionBusy(f"The lock file {self.path} keeps changing; close other windows of the app and "
                          "try again.", self.path, BUSY)

    def _stale(self, holder: dict) -> bool:
        """Held by nobody alive: our own host and a dead pid, or an old heartbeat."""
        if holder.get("host") == socket.gethostname():
            pid = holder.get("pid")
            return not (isinstance(pid, int) and _alive(pid)) or pid == os.getpid()
        beat = holder.get("heartbeat")
        return not isinstance(beat, (int, float)) or self._now() - beat > STALE_SECONDS

    def heartbeat(self) -> None:
        """Say the holder is still here (the GUI calls it with its clock checkpoints)."""
        if self._fd is None:
            return
        data = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": self._since,
                           "heartbeat": self._now()}).encode()
        try:
            os.lseek(self._fd, 0, os.SEEK_SET)
            os.ftruncate(self._fd, 0)
            os.write(self._fd, data)
        except OSError:          # a full disk: the OS lock still holds; the next beat tries again
            pass

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            if os.fstat(fd).st_ino == _ino(self.path):
                os.unlink(self.path)
        except OSError:
            pass
        _unlock(fd)
        os.close(fd)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> SessionLock:
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()


def _busy(path: Path, holder: dict | None) -> SessionBusy:
    since = (holder or {}).get("since")
    when = (" since " + datetime.fromtimestamp(since).strftime("%H:%M")) if isinstance(since, (int, float)) else ""
    return SessionBusy(f"This session is open on another window or computer{when}; close it there first, then "
                       "resume it here.", path, BUSY)


def _read(fd: int) -> dict | None:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        data = json.loads(os.read(fd, 4096) or b"null")
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _ino(path: Path) -> int | None:
    try:
        return os.stat(path).st_ino
    except OSError:
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _safe(session_id: str) -> str:
    return "".join(c for c in str(session_id) if c.isalnum() or c in "-_")[:80] or "session"


if os.name == "nt":                      # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

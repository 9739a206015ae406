"""One writer per session (issue 18.6): a second holder is refused with a plain message, a lock
whose holder died (same host) or whose heartbeat is old (another host) is taken over, and the
lock file names no trainee."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from hydra_sim.records import StoreError
from hydra_sim.records.session_lock import STALE_SECONDS, SessionBusy, SessionLock, lock_path

SESSION = "4f1c2a9e-0000-4000-8000-000000000001"


def test_a_second_holder_is_refused_until_the_first_lets_go(tmp_path):
    store = tmp_path / "records" / "sessions.sqlite3"
    first = SessionLock(store, SESSION)
    with pytest.raises(SessionBusy) as busy:
        SessionLock(store, SESSION)
    assert isinstance(busy.value, StoreError)
    assert "open on another window or computer since" in busy.value.message
    assert "close it there first" in busy.value.message
    first.release()
    assert not lock_path(store, SESSION).exists()
    with SessionLock(store, SESSION) as second:
        assert second.held


def test_another_session_is_not_blocked(tmp_path):
    store = tmp_path / "sessions.sqlite3"
    with SessionLock(store, SESSION), SessionLock(store, SESSION.replace("1", "2")):
        pass


def test_a_lock_left_by_a_dead_process_on_this_host_is_taken_over(tmp_path):
    store = tmp_path / "sessions.sqlite3"
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                           check=True)
    dead = int(child.stdout)
    path = lock_path(store, SESSION)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"pid": dead, "host": socket.gethostname(), "since": 0, "heartbeat": 0}))
    with SessionLock(store, SESSION) as lock:
        assert json.loads(path.read_text())["pid"] == os.getpid()
        assert lock.held


def test_another_computer_with_a_fresh_heartbeat_is_honoured_and_an_old_one_taken_over(tmp_path):
    store = tmp_path / "sessions.sqlite3"
    path = lock_path(store, SESSION)
    path.parent.mkdir(parents=True)
    clock = [1_000_000.0]
    path.write_text(json.dumps({"pid": 1, "host": "another-pc", "since": clock[0] - 60, "heartbeat": clock[0] - 5}))
    with pytest.raises(SessionBusy):
        SessionLock(store, SESSION, now=lambda: clock[0])
    clock[0] += STALE_SECONDS + 1
    with SessionLock(store, SESSION, now=lambda: clock[0]) as lock:
        assert lock.held
        assert json.loads(path.read_text())["host"] == socket.gethostname()


def test_the_lock_file_holds_no_personal_data(tmp_path):
    store = tmp_path / "sessions.sqlite3"
    with SessionLock(store, SESSION):
        assert set(json.loads(lock_path(store, SESSION).read_text())) == {"pid", "host", "since", "heartbeat"}

"""The app when the session store fails: locked by another program or out of disk space
mid-session, damaged at start. The trainee sees a clear message (not a traceback), the app
keeps running with the session in memory, and once the fault clears what was decided
meanwhile reaches the store (in order, once). No sleeps: the lock holder is a child process
synchronised through its stdout (records_support.locked_by_another_program).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
from helpers import MINI, shoot

from hydra_sim.records import SessionStore
from hydra_sim.records import store as store_module

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "records"))
from records_support import locked_by_another_program  # noqa: E402  (the records tests' store locker)


@pytest.fixture
def app_window(qtbot, home, fake_time, monkeypatch):
    """The main window on a store that waits only 0.3 s for a lock (so a locked store fails fast)."""
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 300)
    from hydra_sim.app import build_main_window
    win = build_main_window(show_error_windows=False, real_time=False, now=fake_time, system_points=11)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.controller.timer.stop()
    win.debrief_screen.stop_worker()


def start_mini(win) -> None:
    assert win.open_scenario_file(MINI)
    win.briefing_screen.start_button.click()
    assert win.stack.currentWidget() is win.incident_screen


def decide(win, *option_ids: str) -> None:
    panel = win.incident_screen.panel
    for option_id in option_ids:
        panel.option_button(option_id).click()
    panel.decide_button.click()


def stored_decisions(win) -> list:
    with SessionStore(win.store.path) as reader:
        return [e["data"]["selection"] for e in reader.events(win.controller.session_id)
                if e["kind"] == "decision_recorded"]


def wait_for_store(qtbot, win, expected: list, timeout_ms: int = 20000) -> None:
    """Wait (bounded) until the store holds ``expected`` decisions, then check it holds exactly those."""
    try:
        qtbot.waitUntil(lambda: len(stored_decisions(win)) >= len(expected), timeout=timeout_ms)
    except AssertionError:
        pass                   # the assertion below says what is missing
    assert stored_decisions(win) == expected


def test_a_store_locked_mid_session_is_reported_and_the_session_carries_on(qtbot, app_window):
    win = app_window
    start_mini(win)
    failures = []
    win.controller.store_failed.connect(failures.append)
    with locked_by_another_program(win.store.path) as release:
        decide(win, "ambulance")
        qtbot.waitUntil(lambda: bool(failures), timeout=20000)     # the write may run off the GUI thread
        release()
    assert len(failures) == 1
    shown = win.errors.last
    assert shown.title == "Your session could not be saved"
    assert "in use by another program" in shown.message and str(win.store.path) in shown.message
    assert "Traceback" not in shown.message
    # the app carries on: the decision is on screen and the next one can be made
    assert [d.selection for d in win.controller.runner.decisions] == ["ambulance"]
    assert any("Send an ambulance" in t for t in win.incident_screen.log_view.texts())
    assert win.isVisible() and win.stack.currentWidget() is win.incident_screen
    decide(win, "doors", "bwv")
    assert [d.selection for d in win.controller.runner.decisions] == ["ambulance", ["doors", "bwv"]]
    # once the lock is gone, what was decided meanwhile reaches the store, in order, once
    wait_for_store(qtbot, win, ["ambulance", ["doors", "bwv"]])


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX only")
def test_a_full_disk_mid_session_is_reported_and_nothing_decided_is_lost(qtbot, app_window):
    import resource
    import signal
    win = app_window
    start_mini(win)
    failures = []
    win.controller.store_failed.connect(failures.append)
    limits = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (512, limits[1]))      # every write that grows a file fails
    try:
        decide(win, "ambulance")
        qtbot.waitUntil(lambda: bool(failures), timeout=20000)     # the write may run off the GUI thread
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)
        signal.signal(signal.SIGXFSZ, previous)
    assert len(failures) == 1
    assert "may be full" in win.errors.last.message and str(win.store.path) in win.errors.last.message
    assert [d.selection for d in win.controller.runner.decisions] == ["ambulance"]
    decide(win, "doors", "bwv")               # the disk has room again
    wait_for_store(qtbot, win, ["ambulance", ["doors", "bwv"]])
    issues = win.store.verify()
    assert issues == []


def test_a_damaged_store_at_start_gives_a_clear_message_and_is_left_alone(qtbot, home, caplog):
    path = home / "records" / "sessions.sqlite3"
    path.parent.mkdir(parents=True)
    damaged = b"SQLite format 3\x00" + bytes(range(256)) * 64
    path.write_bytes(damaged)
    from types import SimpleNamespace

    from hydra_sim.app import run_app
    with caplog.at_level(logging.ERROR):
        code = run_app(SimpleNamespace(no_err_windows=True, scenario=None, home=str(home)))
    assert code == 1                                        # a message and a clean exit, not a crash
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("Your session could not be saved" in m and str(path) in m and "damaged" in m for m in messages), \
        messages
    assert not any("Traceback" in m for m in messages)
    assert path.read_bytes() == damaged
    assert sorted(p.name for p in Path(path.parent).iterdir() if p.stat().st_size) == ["sessions.sqlite3"]


def _remove_store(path) -> None:
    import os
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(str(path) + suffix):
            os.remove(str(path) + suffix)


def test_a_store_deleted_mid_session_is_reported_and_put_back_with_every_decision(qtbot, app_window):
    win = app_window
    start_mini(win)
    decide(win, "ambulance")
    assert win.controller.flush()
    failures, recovered = [], []
    win.controller.store_failed.connect(failures.append)
    win.controller.store_recovered.connect(lambda: recovered.append(True))
    _remove_store(win.store.path)                   # a cleanup script, a profile sync, a user in Explorer
    decide(win, "doors", "bwv")
    qtbot.waitUntil(lambda: bool(failures), timeout=20000)
    assert "NOT saved" in win.errors.last.message and "deleted or moved" in win.errors.last.message
    win.resize(1280, 800)
    shoot(win, "incident-store-deleted")
    assert win.controller.unsaved > 0               # the new decision is kept in memory, not called recorded
    recorded_before = win.controller.last_recorded
    assert [d.selection for d in win.controller.runner.decisions] == ["ambulance", ["doors", "bwv"]]
    win.controller.writer.retry()                   # what the retry timer does
    qtbot.waitUntil(lambda: bool(recovered), timeout=20000)
    assert win.controller.last_recorded is not recorded_before
    assert win.store.path.exists()
    wait_for_store(qtbot, win, ["ambulance", ["doors", "bwv"]])
    assert win.store.verify() == []


def test_a_second_window_cannot_resume_a_session_open_in_the_first(qtbot, app_window, fake_time):
    from hydra_sim.app import build_main_window
    first = app_window
    start_mini(first)
    decide(first, "ambulance")
    assert first.controller.flush()
    second = build_main_window(show_error_windows=False, real_time=False, now=fake_time, system_points=11)
    qtbot.addWidget(second)
    second.show()
    try:
        start = second.start_screen
        start.set_trainee(first.controller.trainee)     # the same person types their id in the other window
        second._refresh_sessions()
        assert len(start.sessions) == 1
        start.resume_button.click()
        assert second.stack.currentWidget() is start
        assert "open on another window or computer since" in second.errors.last.message
        assert second.controller.runner is None
        assert stored_decisions(first) == ["ambulance"]
        first.controller.abandon()                  # closed there: the lock goes with it
        assert not (first.store.path.parent / "locks" / f"{first.controller.session_id}.lock").exists()
    finally:
        second.controller.timer.stop()
        second.debrief_screen.stop_worker()


def test_the_start_screen_says_when_expected_sessions_are_missing(qtbot, app_window, fake_time):
    from hydra_sim.app import build_main_window
    first = app_window
    start_mini(first)
    decide(first, "ambulance")
    first.controller.suspend()
    first.controller._release()
    first.store.close()
    _remove_store(first.store.path)                 # deleted while the app was closed
    again = build_main_window(show_error_windows=False, real_time=False, now=fake_time, system_points=11)
    qtbot.addWidget(again)
    again.show()
    try:
        assert again.missing_sessions == [first.controller.session_id]
        text = again.start_screen.error.text()
        assert "1 unfinished session recorded on this computer is missing" in text
        assert again.start_screen.error.isVisible()
        again.resize(1280, 800)
        shoot(again, "start-missing-sessions")
    finally:
        again.controller.timer.stop()
        again.debrief_screen.stop_worker()


def test_a_shared_pc_never_prefills_the_previous_person(qtbot, app_window, fake_time, home):
    from hydra_sim.app import build_main_window
    first = app_window
    assert first.shared_pc()                        # the default
    start_mini(first)
    trainee = first.controller.trainee
    assert first.remembered_trainee() == trainee    # the same person, in this run of the app
    first.settings.sync()
    settings = (home / "settings.ini").read_text() if (home / "settings.ini").exists() else ""
    assert trainee.trainee_id not in settings and "[trainee]" not in settings
    first.controller.suspend()
    nxt = build_main_window(show_error_windows=False, real_time=False, now=fake_time, system_points=11)
    qtbot.addWidget(nxt)
    nxt.show()
    try:
        assert nxt.start_screen.trainee_id.text() == ""
        assert nxt.start_screen.trainee() is None
    finally:
        nxt.controller.timer.stop()
        nxt.debrief_screen.stop_worker()

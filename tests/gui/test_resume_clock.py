"""Resuming keeps time honest: the countdown carries on from what was left, actions are
stored with the clock after them, and updates due during the catch-up are recorded."""

from __future__ import annotations

from helpers import MINI, click

from hydra_sim.engine import load_scenario
from hydra_sim.gui import session_controller as sc
from hydra_sim.gui.session_controller import MIN_RESUMED_SECONDS, SessionController


def _start(qtbot, window):
    assert window.open_scenario_file(MINI)
    click(qtbot, window.briefing_screen.start_button)
    return window.controller, window.incident_screen


def _resumed(window, fake_time):
    old = window.controller
    old.suspend()
    fresh = SessionController(window.store, now=fake_time, real_time=False)
    fresh.resume(old.session_id, load_scenario(MINI).scenario, old.trainee)
    return fresh


def test_countdown_continues_after_resume(qtbot, window, fake_time):
    controller, _ = _start(qtbot, window)
    assert controller.time_limit() == 60
    controller.tick(20)
    fresh = _resumed(window, fake_time)
    assert fresh.runner.scene_id == "call"
    assert abs(fresh.remaining_seconds() - 40) <= 1, fresh.remaining_seconds()


def test_resumed_countdown_leaves_a_few_seconds(qtbot, window, fake_time):
    controller, _ = _start(qtbot, window)
    controller.tick(59)
    fresh = _resumed(window, fake_time)
    assert fresh.runner.scene_id == "call"
    assert fresh.remaining_seconds() >= MIN_RESUMED_SECONDS - 1e-9


def test_actions_are_stored_with_the_clock_after_them(qtbot, window, monkeypatch):
    calls = []
    store = window.store
    original = store.append_input

    def spy(session_id, entry, **kwargs):
        calls.append((entry["type"], kwargs.get("clock_after")))
        return original(session_id, entry, **kwargs)
    monkeypatch.setattr(store, "append_input", spy)
    controller, screen = _start(qtbot, window)
    controller.tick(30)
    click(qtbot, screen.panel.option_button("ambulance"))
    click(qtbot, screen.panel.decide_button)
    assert controller.flush()         # written on the store writer's thread
    chooses = [after for kind, after in calls if kind == "choose"]
    assert chooses == [controller.runner.clock.seconds]


def test_updates_during_the_catch_up_are_recorded(qtbot, window, fake_time, monkeypatch):
    controller, _ = _start(qtbot, window)
    session_id = controller.session_id
    controller.suspend()
    # the store knows a clock 25 minutes on (as after a crash mid-wait): the catch-up runs
    # past minute 20, when the late-ambulance update falls due
    later = controller.runner.clock.seconds + 25 * 60
    monkeypatch.setattr(sc, "checkpoint_clock_of", lambda store, sid: later)
    fresh = SessionController(window.store, now=fake_time, real_time=False)
    fresh.resume(session_id, load_scenario(MINI).scenario, controller.trainee)
    assert fresh.runner.clock.seconds == later
    assert fresh.flush()             # the store writer's thread has written it
    fired = [e for e in window.store.events(session_id) if e["kind"] == "inject_fired"]
    assert [e["data"]["inject_id"] for e in fired] == ["late_ambulance_warning"]
    assert sum(1 for entry in fresh.history if entry.kind == "inject") == 1

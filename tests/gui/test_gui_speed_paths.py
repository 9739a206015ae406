"""The fast paths of issue #3: one store transaction per decision, the library scanned off the
GUI thread with screens built on first use, and decision panels reused between scenes."""

from __future__ import annotations

from helpers import MINI, click

from hydra_sim import paths
from hydra_sim.engine import DecisionRecorded, Ended, InjectFired, ScenarioRunner, SceneEntered, load_scenario
from hydra_sim.gui.persistence import TraineeInfo, open_store


def _as_record(event) -> tuple[str, dict, int]:
    """(kind, data, clock) for the store, as the session controller writes them."""
    if isinstance(event, SceneEntered):
        return "scene_entered", {"scene_id": event.scene_id}, event.clock
    if isinstance(event, DecisionRecorded):
        r = event.record
        return "decision_recorded", {"index": r.index, "scene_id": r.scene_id, "kind": r.kind,
                                     "selection": r.selection, "expired": r.expired}, r.clock
    if isinstance(event, InjectFired):
        return "inject_fired", {"inject_id": event.inject_id, "redirect": event.redirect}, event.clock
    if isinstance(event, Ended):
        return "ended", {"ending_id": event.ending_id}, event.clock
    return "reference_opened", {"reference_id": event.reference_id}, event.clock


def _recorded_runner():
    """A short mini session, with each runner call's events and new log entries kept apart."""
    scenario = load_scenario(MINI).scenario
    runner = ScenarioRunner(scenario)
    events: list = []
    runner.subscribe(events.append)
    calls = []
    done = 0

    def call(fn):
        nonlocal done
        events.clear()
        fn()
        recorded = [_as_record(event) for event in events]
        end = len(runner.log) - (1 if runner.log and runner.log[-1]["type"] == "advance" else 0)
        calls.append((recorded, [dict(e) for e in runner.log[done:end]], runner.clock.seconds))
        done = max(done, end)

    call(runner.start)
    call(lambda: runner.advance(30))
    call(lambda: runner.choose(runner.available_options()[0].id, None, {}))
    return scenario, calls


def test_append_batch_writes_what_the_single_appends_write(home, tmp_path):
    scenario, calls = _recorded_runner()
    trainee = TraineeInfo("t-batch")
    singles, batch = open_store(tmp_path / "singles"), open_store(tmp_path / "batch")
    a, b = singles.start_session(trainee, scenario), batch.start_session(trainee, scenario)
    commits = []
    original = batch._write

    def counting_write():
        commits.append(batch._batch_depth)
        return original()
    batch._write = counting_write
    for events, inputs, clock_after in calls:
        for kind, data, clock in events:
            singles.append_event(a, kind, data, clock)
        for entry in inputs:
            action = entry["type"] in ("choose", "expire", "continue")
            singles.append_input(a, entry, clock_after=clock_after if action else None)
        commits.clear()
        seqs = batch.append_batch(b, inputs, events, clock_after=clock_after)
        assert len(seqs) == len(events) + len(inputs)
        assert commits.count(0) == 1, "one transaction (one fsync) per call"
    del batch._write

    def rows(store, session_id):
        with store._read() as conn:
            return [tuple(r)[1:5] + (r["data_json"],) for r in conn.execute(
                "SELECT * FROM events WHERE session_id = ? ORDER BY seq", (session_id,))]
    assert [r[:4] for r in rows(singles, a)] == [r[:4] for r in rows(batch, b)]
    assert [r[4] for r in rows(singles, a)] == [r[4] for r in rows(batch, b)]
    assert singles.inputs(a) == batch.inputs(b)
    assert batch.verify() == [] and singles.verify() == []
    with batch._read() as conn:
        head, replay = conn.execute("SELECT head_hash, replay_clock FROM sessions WHERE session_id = ?",
                                    (b,)).fetchone()
    with singles._read() as conn:
        assert (head, replay) != (None, None)
        assert conn.execute("SELECT replay_clock FROM sessions WHERE session_id = ?", (a,)).fetchone()[0] == replay


def test_append_batch_is_all_or_nothing(home, tmp_path):
    import pytest
    scenario, calls = _recorded_runner()
    store = open_store(tmp_path / "store")
    session_id = store.start_session(TraineeInfo("t-batch"), scenario)
    events, inputs, clock_after = calls[0]
    with pytest.raises(ValueError):
        store.append_batch(session_id, inputs + [{"type": "advance", "seconds": -5}], events)
    assert store.events(session_id) == []
    store.append_batch(session_id, inputs, events, clock_after=clock_after)
    assert len(store.events(session_id)) == len(events) + len(inputs)
    assert store.verify() == []


def test_a_decision_is_one_store_transaction_and_shown_as_recorded_only_once_durable(qtbot, window, monkeypatch):
    assert window.open_scenario_file(MINI)
    click(qtbot, window.briefing_screen.start_button)
    screen, store = window.incident_screen, window.store
    batches, recorded = [], []
    original = store.append_batch

    def spy(session_id, inputs, events, clock_after=None):
        # runs on the store writer's thread: nothing may be called recorded before this returns
        assert not recorded, "the decision was shown as recorded before it was stored"
        original(session_id, inputs, events, clock_after=clock_after)
        batches.append(([e["type"] for e in inputs], [k for k, _, _ in events]))
    monkeypatch.setattr(store, "append_batch", spy)
    window.controller.recorded.connect(lambda entry: recorded.append((entry, len(batches))))
    assert screen.record_status.text() == ""
    click(qtbot, screen.panel.option_button("ambulance"))
    click(qtbot, screen.panel.decide_button)
    qtbot.waitUntil(lambda: bool(recorded), timeout=5000)
    assert len(batches) == 1 and recorded[0][1] == 1          # one transaction, durable before the word
    inputs, events = batches[0]
    assert inputs[-1] == "choose" and "decision_recorded" in events and "scene_entered" in events
    assert recorded[0][0].kind == "decision"
    assert screen.record_status.text() == f"\u2713 Decision at {recorded[0][0].time_label} recorded"
    assert store.verify(window.controller.session_id) == []


def test_a_failed_write_is_kept_and_retried_in_order(qtbot, window, monkeypatch):
    """A store that refuses writes (disk full, locked) loses nothing: the batch waits and goes in later."""
    from hydra_sim.records.errors import StoreError
    assert window.open_scenario_file(MINI)
    click(qtbot, window.briefing_screen.start_button)
    controller, screen, store = window.controller, window.incident_screen, window.store
    original = store.append_batch
    refusing = [True]

    def flaky(*args, **kwargs):
        if refusing[0]:
            raise StoreError("the disk is full")
        return original(*args, **kwargs)
    monkeypatch.setattr(store, "append_batch", flaky)
    monkeypatch.setattr(window.errors, "report", lambda *a, **k: None)
    with qtbot.waitSignal(controller.store_failed, timeout=5000):
        click(qtbot, screen.panel.option_button("ambulance"))
        click(qtbot, screen.panel.decide_button)
    qtbot.waitUntil(lambda: "Not saved" in screen.record_status.text(), timeout=5000)
    assert not controller.flush(0.5) and controller.unsaved >= 1
    refusing[0] = False
    with qtbot.waitSignal(controller.store_recovered, timeout=5000):
        controller.writer.retry()
    assert controller.flush() and controller.unsaved == 0
    qtbot.waitUntil(lambda: "recorded" in screen.record_status.text(), timeout=5000)
    chosen = [e for e in store.inputs(controller.session_id) if e["type"] == "choose"]
    assert [e["selection"] for e in chosen] == ["ambulance"]
    assert store.verify(controller.session_id) == []


def test_start_screen_first_then_the_library_arrives(qtbot, window):
    start = window.start_screen
    assert window._incident is None and window._debrief is None     # built on first use
    qtbot.waitUntil(lambda: not window._library_scans and not window.library_loading, timeout=30_000)
    paths.library_index_file().unlink()        # without the library index (its own test: test_start_library_index.py)
    with qtbot.waitSignal(window.library_loaded, timeout=10000):
        window.show_start()
        assert start.library_loading
        assert start.library_list.count() == 1 and "Loading" in start.library_list.item(0).text()
        assert not start.start_button.isEnabled()
        assert start.trainee_id.isEnabled()              # the form works while the scan runs
    assert not start.library_loading
    assert any(e.ok for e in start.entries)
    assert start.start_button.isEnabled()


def test_decision_panels_are_reused_between_scenes(qtbot, window):
    assert window.open_scenario_file(MINI)
    click(qtbot, window.briefing_screen.start_button)
    screen = window.incident_screen
    panels = {}
    for _ in range(12):
        panel = screen.panel
        kind = type(panel).__name__
        assert panels.setdefault(kind, panel) is panel
        if not hasattr(panel, "option_button") or not window.controller.running:
            break
        first = next(iter(panel.rows))
        assert not panel.option_button(first).isChecked()     # nothing left over from the last scene
        click(qtbot, panel.option_button(first))
        click(qtbot, panel.decide_button)
        if window.controller.runner.ended or screen.panel.error.isVisible():
            break


def test_a_write_that_can_never_succeed_is_dropped_and_later_writes_go_on(qtbot, window, monkeypatch):
    """A session closed behind the app's back (another program abandoned it): its pending write is
    dropped with a message, never called recorded, and does not block the writes after it."""
    from hydra_sim.records.errors import StoreError
    assert window.open_scenario_file(MINI)
    click(qtbot, window.briefing_screen.start_button)
    controller, screen, store = window.controller, window.incident_screen, window.store
    original = store.append_batch
    calls = []

    def closed_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise StoreError("Session x is abandoned, so nothing more can be recorded in it.", kind="session")
        return original(*args, **kwargs)
    monkeypatch.setattr(store, "append_batch", closed_once)
    reported = []
    monkeypatch.setattr(window.errors, "report", lambda parent, exc, *a, **k: reported.append(exc))
    recorded = []
    controller.recorded.connect(recorded.append)
    with qtbot.waitSignal(controller.store_failed, timeout=5000):
        click(qtbot, screen.panel.option_button("ambulance"))
        click(qtbot, screen.panel.decide_button)
    assert controller.flush() and controller.unsaved == 0 and not controller.writer.failing
    assert recorded == []                              # the dropped decision is not called recorded
    controller.checkpoint()                            # the next write goes through
    assert controller.flush() and len(calls) == 1
    assert any("abandoned" in str(e) for e in reported)


def test_resume_waits_for_earlier_writes(qtbot, window, monkeypatch):
    """While the store refuses writes, resuming (which reads the store) is refused with a reason."""
    from hydra_sim.records.errors import StoreError
    assert window.open_scenario_file(MINI)
    click(qtbot, window.briefing_screen.start_button)
    controller, store = window.controller, window.store
    session_id = controller.session_id
    monkeypatch.setattr(store, "append_batch", lambda *a, **k: (_ for _ in ()).throw(StoreError("disk full")))
    monkeypatch.setattr(window.errors, "report", lambda *a, **k: None)
    click(qtbot, window.incident_screen.panel.option_button("ambulance"))
    click(qtbot, window.incident_screen.panel.decide_button)
    qtbot.waitUntil(lambda: controller.writer.failing, timeout=5000)
    scenario, trainee = controller.scenario, controller.trainee
    import pytest
    with pytest.raises(StoreError, match="not saved in the score store yet"):
        controller.resume(session_id, scenario, trainee)

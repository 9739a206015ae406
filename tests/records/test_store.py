"""Tests for the durable session store (hydra_sim.records): round trips through the engine,
resume, status changes, validation, damaged and newer files, crash durability and two
writers at once. No Qt, no sleeps: child processes are synchronised through their stdout.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from records_support import CHILD_TIMEOUT, REPO, TRAINEE, event_record, gui_event, read_line, start_child

from hydra_sim import paths
from hydra_sim.engine import (
    ScenarioRunner,
    score_runner,
)
from hydra_sim.records import SCHEMA_VERSION, SessionStore, SessionSummary, StoreError, TraineeInfo, default_store_path
from hydra_sim.records.schema import APPLICATION_ID

UTC_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


# -- recording a live runner ---------------------------------------------------------------
# How a front end may persist a runner: every one must restore exactly.
#   clock_after: each action's log entry with clock_after=runner.clock.seconds
#   clock_from_events: the same without clock_after (the store reads the clock from the events)
#   gui_log: as hydra_sim.gui's SessionController does it: flat event data, every runner.log
#            entry once it is final (the growing advance included), no clock_after
STYLES = ("clock_after", "clock_from_events", "gui_log")


class Recorder:
    """Drives a runner and persists as it goes: events from a subscriber, inputs after each call,
    waits through checkpoint_clock (the GUI's timer)."""

    def __init__(self, store: SessionStore, session_id: str, runner: ScenarioRunner, style: str = "clock_after"):
        assert style in STYLES
        self.store, self.session_id, self.runner, self.style = store, session_id, runner, style
        self.events: list[tuple[str, dict, int]] = []
        self.persisted = len(runner.log)          # after a restore the store has all of it
        runner.subscribe(self._on_event)

    def _on_event(self, event) -> None:
        record = gui_event(event) if self.style == "gui_log" else event_record(event)
        self.events.append(record)
        self.store.append_event(self.session_id, *record)

    def _persist_final_entries(self) -> None:
        entries = self.runner.log
        end = len(entries) - (1 if entries and entries[-1]["type"] == "advance" else 0)
        while self.persisted < end:
            self.store.append_input(self.session_id, dict(entries[self.persisted]))
            self.persisted += 1

    def act(self, method: str, *args, **kwargs):
        result = getattr(self.runner, method)(*args, **kwargs)
        if self.style == "gui_log":
            self._persist_final_entries()
        else:
            extra = {"clock_after": self.runner.clock.seconds} if self.style == "clock_after" else {}
            self.store.append_input(self.session_id, self.runner.log[-1], **extra)
        return result

    def wait(self, seconds: int) -> None:
        self.runner.advance(seconds)            # the trainee reads or thinks; not yet persisted
        if self.style == "gui_log":
            self._persist_final_entries()

    def checkpoint(self) -> None:
        self.store.checkpoint_clock(self.session_id, self.runner.clock.seconds)

    def play(self, steps) -> None:
        for step, *args in steps:
            if step == "wait":
                self.wait(*args)
            elif step == "checkpoint":
                self.checkpoint()
            else:
                self.act(step, *args)


BEST_PATH = [
    ("wait", 20), ("checkpoint",), ("wait", 15), ("open_reference", "card"),      # reference after unsaved wait
    ("choose", "ambulance"), ("wait", 30), ("checkpoint",), ("choose", ["doors", "bwv"]),
    ("choose", ["medical", "lorry", "forms"]), ("wait", 7), ("choose", {"threat_risk": "people may suffocate"}),
    ("choose", "arrest", "he controls the vehicle"), ("checkpoint",), ("continue_",),
]
# Expiry, then an inject that redirects the scene while the trainee waits between checkpoints.
EXPIRY_AND_REDIRECT = [
    ("wait", 60), ("expire",), ("wait", 300), ("checkpoint",), ("wait", 301), ("wait", 9), ("checkpoint",),
    ("choose", "escalate"),
]
# The inject redirects part-way through an action's minutes: only clock_after tells the store
# where the runner's clock ended up.
REDIRECT_DURING_ACTION = [
    ("choose", "refer"), ("wait", 240), ("checkpoint",), ("choose", ["wait"]), ("wait", 30), ("checkpoint",),
    ("choose", "escalate"),
]
# The redirect happens in a wait no checkpoint saved, and the trainee answers at once.
REDIRECT_THEN_CHOOSE = [("expire",), ("wait", 601), ("choose", "escalate")]
SCRIPTS = {"best_path": (BEST_PATH, "good_end"), "expiry_and_redirect": (EXPIRY_AND_REDIRECT, "tragedy"),
           "redirect_during_action": (REDIRECT_DURING_ACTION, "tragedy"),
           "redirect_then_choose": (REDIRECT_THEN_CHOOSE, "tragedy")}


def play_recorded(store, scenario, steps, style="clock_after") -> tuple[str, Recorder]:
    session_id = store.start_session(TRAINEE, scenario)
    runner = ScenarioRunner(scenario)
    recorder = Recorder(store, session_id, runner, style)
    runner.start()
    recorder.play(steps)
    return session_id, recorder


def assert_same_session(restored: ScenarioRunner, live: ScenarioRunner) -> None:
    assert restored.scene_id == live.scene_id
    assert restored.ended == live.ended
    assert restored.clock.seconds == live.clock.seconds
    assert restored.path == live.path
    assert restored.variables == live.variables
    assert restored.decisions == live.decisions
    assert restored.ledger == live.ledger
    assert restored.inject_log == live.inject_log
    assert restored.references_opened == live.references_opened
    assert restored.milestones == live.milestones


# -- round trips ----------------------------------------------------------------------
@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_recorded_session_restores_to_the_same_ending_path_and_score(store, mini, script, style):
    steps, ending = SCRIPTS[script]
    session_id, recorder = play_recorded(store, mini, steps, style)
    live = recorder.runner
    assert live.ended == ending
    report = score_runner(live).to_dict()
    store.finish_session(session_id, report)

    restored = ScenarioRunner.restore(mini, store.inputs(session_id))
    assert_same_session(restored, live)
    assert score_runner(restored).to_dict() == report
    assert store.report(session_id) == report


def test_events_are_stored_in_order_with_their_data(store, mini):
    session_id, recorder = play_recorded(store, mini, BEST_PATH)
    stored = store.events(session_id)
    assert [(e["kind"], e["data"], e["clock"]) for e in stored] == recorder.events
    assert [e["kind"] for e in stored][:2] == ["scene_entered", "reference_opened"]
    assert stored[-1]["kind"] == "ended" and stored[-1]["data"]["ending_id"] == "good_end"
    assert all(UTC_STAMP.match(e["recorded_at"]) for e in stored)
    seqs = [e["seq"] for e in stored]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


def test_reference_opened_after_unsaved_thinking_time_replays_at_its_moment(store, mini):
    session_id, recorder = play_recorded(store, mini, [("wait", 20), ("checkpoint",), ("wait", 15),
                                                        ("open_reference", "card")])
    assert store.inputs(session_id) == [{"type": "advance", "seconds": 20}, {"type": "advance", "seconds": 15},
                                        {"type": "reference", "id": "card", "clock": 35}]
    restored = ScenarioRunner.restore(mini, store.inputs(session_id))
    assert restored.references_opened == [("card", 35)] == recorder.runner.references_opened


def test_without_clock_after_a_checkpoint_after_an_action_counts_its_minutes(store, mini):
    """The expiry costs 10 minutes; the next checkpoint must add only the waiting after it."""
    session_id, recorder = play_recorded(store, mini, [("wait", 60), ("expire",), ("wait", 30), ("checkpoint",)],
                                         "clock_from_events")
    assert store.inputs(session_id)[-1] == {"type": "advance", "seconds": 30}
    restored = ScenarioRunner.restore(mini, store.inputs(session_id))
    assert restored.clock.seconds == recorder.runner.clock.seconds == 60 + 600 + 30


@pytest.mark.parametrize("style", STYLES)
def test_crash_after_a_redirect_during_an_action_never_resumes_later_than_it_was(store, mini, style):
    """The inject fires at 660 s, part-way through a 7-minute action; the runner's clock
    ends at 720 s and no event says so. Without clock_after the store cannot know where a
    replay stands, so it stops writing waits until the next action rather than guess."""
    steps = [("choose", "refer"), ("wait", 240), ("checkpoint",), ("choose", ["wait"]), ("wait", 30),
             ("checkpoint",)]
    session_id, recorder = play_recorded(store, mini, steps, style)
    live = recorder.runner
    assert (live.scene_id, live.clock.seconds) == ("death", 750)
    restored = ScenarioRunner.restore(mini, store.inputs(session_id))
    assert restored.scene_id == "death"
    assert restored.clock.seconds == (750 if style == "clock_after" else 720)   # the end of the action, not beyond
    assert (restored.path, restored.ledger, restored.inject_log) == (live.path, live.ledger, live.inject_log)
    assert store.session(session_id).clock == 750
    recorder.play([("wait", 5), ("choose", "escalate")])             # the next action settles the clock again
    assert_same_session(ScenarioRunner.restore(mini, store.inputs(session_id)), live)


def test_events_recorded_after_their_input_never_push_a_restore_too_far(store, mini):
    """A GUI that stores the input first and the action's events afterwards: the store
    cannot tie the events to the action, so it writes no wait it is unsure of."""
    session_id = store.start_session(TRAINEE, mini)
    runner = ScenarioRunner(mini)
    caused: list = []
    runner.subscribe(caused.append)
    runner.start()
    runner.advance(30)
    store.checkpoint_clock(session_id, runner.clock.seconds)
    runner.choose("ambulance")                                          # 2 minutes
    store.append_input(session_id, runner.log[-1])
    for event in caused:
        store.append_event(session_id, *event_record(event))
    runner.advance(20)
    store.checkpoint_clock(session_id, runner.clock.seconds)
    restored = ScenarioRunner.restore(mini, store.inputs(session_id))
    assert (restored.scene_id, restored.clock.seconds) == ("arrive", 30 + 120)   # not 30 + 120 + 120 + 20
    assert store.session(session_id).clock == runner.clock.seconds == 170


def test_crashed_session_resumes_where_it_was_and_can_be_finished(store_path, mini):
    first_half = [("choose", "ambulance"), ("wait", 45), ("checkpoint",), ("open_reference", "card"),
                  ("choose", ["doors"]), ("wait", 25), ("checkpoint",), ("wait", 4)]   # last 4 s never saved
    with SessionStore(store_path) as store:
        session_id, recorder = play_recorded(store, mini, first_half)
        live = recorder.runner
    # The app died here. A new one opens the store and offers the session back.
    with SessionStore(store_path) as store:
        [summary] = store.unfinished_sessions("t-7f3a")
        assert summary.session_id == session_id
        assert (summary.scene_id, summary.clock) == ("priorities", live.clock.seconds - 4)
        restored = ScenarioRunner.restore(mini, store.inputs(session_id))
        assert restored.scene_id == live.scene_id == "priorities"
        assert restored.clock.seconds == live.clock.seconds - 4
        assert (restored.path, restored.ledger, restored.variables) == (live.path, live.ledger, live.variables)

        resumed = Recorder(store, session_id, restored)          # subscribe only after the replay
        resumed.play([("wait", 12), ("choose", ["medical", "forms", "lorry"]),
                      ("choose", {"threat_risk": "crush"}), ("choose", "release", "no grounds"), ("continue_",)])
        assert restored.ended == "lost_end"
        report = score_runner(restored).to_dict()
        store.finish_session(session_id, report)
        assert store.unfinished_sessions() == []
        again = ScenarioRunner.restore(mini, store.inputs(session_id))
        assert_same_session(again, restored)
        assert score_runner(again).to_dict() == report


def random_step(rng, runner: ScenarioRunner):
    """One thing a trainee might do next, chosen with ``rng``."""
    roll = rng.random()
    if roll < 0.25:
        return ("wait", rng.randint(1, 400))
    if roll < 0.4:
        return ("checkpoint",)
    if roll < 0.45:
        return ("open_reference", "card")
    decision = runner.decision
    if decision is None:
        return ("continue_",)
    if decision.on_expiry is not None and rng.random() < 0.3:
        return ("expire",)
    available = [o.id for o in runner.available_options()]
    if decision.kind == "choose_one":
        return ("choose", rng.choice(available), "because")
    if decision.kind == "choose_many":
        return ("choose", rng.sample(available, rng.randint(0, len(available))))
    if decision.kind == "rank":
        return ("choose", rng.sample(available, len(available)))
    return ("choose", {"threat_risk": "risk to life"})


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("seed", range(25))
def test_a_crash_at_any_step_restores_every_decision_and_never_goes_too_far(store, mini, seed, style):
    """Random play; after every step, restore from the store as if the app had died there."""
    rng = random.Random(seed)
    session_id = store.start_session(TRAINEE, mini)
    live = ScenarioRunner(mini)
    recorder = Recorder(store, session_id, live, style)
    live.start()
    uncertain_steps = 0
    for _ in range(60):
        if live.ended:
            break
        step = random_step(rng, live)
        recorder.play([step])
        restored = ScenarioRunner.restore(mini, store.inputs(session_id))     # never a ReplayError
        assert restored.decisions == live.decisions and restored.ledger == live.ledger, step
        assert restored.clock.seconds <= live.clock.seconds, step
        assert live.path[:len(restored.path)] == restored.path, step
        assert [r for r, _ in restored.references_opened] == [r for r, _ in live.references_opened], step
        exact = store._conn.execute("SELECT replay_exact FROM sessions WHERE session_id = ?",
                                    (session_id,)).fetchone()[0]
        assert exact or style != "clock_after", step
        uncertain_steps += not exact
        if exact and step[0] != "wait":         # everything up to now is stored: the restore is the session
            assert_same_session(restored, live)
    recorder.checkpoint()
    if style == "clock_after" or not uncertain_steps:
        assert_same_session(ScenarioRunner.restore(mini, store.inputs(session_id)), live)


# -- summaries and status --------------------------------------------------------------
def test_session_summary_keeps_identity_trainee_and_progress(store, mini):
    session_id, recorder = play_recorded(store, mini, [("choose", "ambulance"), ("wait", 50), ("checkpoint",)])
    summary = store.session(session_id)
    assert isinstance(summary, SessionSummary)
    assert str(uuid.UUID(summary.session_id, version=4)) == session_id
    assert summary.trainee == TRAINEE
    assert (summary.scenario_id, summary.scenario_version, summary.scenario_title) == ("mini", "1.0", "Mini scenario")
    assert summary.scenario_hash == mini.content_hash and len(summary.scenario_hash) == 64
    assert summary.scenario_path == str(mini.path)
    assert summary.catalogues == {c.id: c.version for c in mini.catalogues} and summary.catalogues
    assert summary.status == "in_progress"
    assert (summary.scene_id, summary.clock) == ("arrive", 120 + 50)
    assert UTC_STAMP.match(summary.started_at) and UTC_STAMP.match(summary.updated_at)
    assert summary.updated_at >= summary.started_at
    assert summary.ended_at is None
    assert (summary.percent, summary.grade, summary.ending_id, summary.critical_failures) == (None, None, None, [])


def test_finish_stores_score_and_leaves_the_unfinished_list(store, mini):
    session_id, recorder = play_recorded(store, mini, REDIRECT_DURING_ACTION)
    other = store.start_session(TraineeInfo("t-other"), mini)
    assert {s.session_id for s in store.unfinished_sessions()} == {session_id, other}
    assert [s.session_id for s in store.unfinished_sessions("t-7f3a")] == [session_id]
    report = score_runner(recorder.runner).to_dict()
    assert report["critical_failures"], "the fixture path should fail a critical action"
    store.finish_session(session_id, report)
    assert [s.session_id for s in store.unfinished_sessions()] == [other]
    assert store.unfinished_sessions("t-7f3a") == []
    done = store.session(session_id)
    assert done.status == "finished" and UTC_STAMP.match(done.ended_at)
    assert (done.percent, done.grade, done.ending_id) == (report["percent"], report["grade_id"], "tragedy")
    assert done.critical_failures == report["critical_failures"]
    with pytest.raises(StoreError, match="finished"):
        store.append_input(session_id, {"type": "advance", "seconds": 5})
    with pytest.raises(StoreError, match="finished"):
        store.finish_session(session_id, report)


def test_abandon_removes_a_session_from_the_resume_list(store, mini):
    session_id = store.start_session(TRAINEE, mini)
    store.append_event(session_id, "paused", {}, 0)
    store.abandon_session(session_id)
    store.abandon_session(session_id)                          # twice is harmless
    assert store.unfinished_sessions() == []
    summary = store.session(session_id)
    assert summary.status == "abandoned" and summary.ended_at is not None
    assert [s.session_id for s in store.sessions(status="abandoned")] == [session_id]
    with pytest.raises(StoreError, match="abandoned"):
        store.append_event(session_id, "resumed", {}, 0)
    with pytest.raises(StoreError, match="abandoned"):
        store.finish_session(session_id, {"percent": 0.0})
    store.checkpoint_clock(session_id, 500)                    # a late timer tick is ignored
    assert store.inputs(session_id) == []


def test_sessions_are_listed_newest_first_and_filtered(store, mini):
    ids = [store.start_session(TraineeInfo(trainee), mini) for trainee in ("a", "b", "a")]
    store.abandon_session(ids[1])
    assert [s.session_id for s in store.sessions()] == ids[::-1]
    assert [s.session_id for s in store.sessions(trainee_id="a")] == [ids[2], ids[0]]
    assert [s.session_id for s in store.sessions(status="abandoned", trainee_id="b")] == [ids[1]]
    assert store.sessions(status="finished") == []
    with pytest.raises(ValueError, match="status"):
        store.sessions(status="done")


def test_checkpoint_writes_nothing_when_the_clock_has_not_moved(store, mini):
    session_id = store.start_session(TRAINEE, mini)
    store.checkpoint_clock(session_id, 0)
    store.checkpoint_clock(session_id, 30)
    store.checkpoint_clock(session_id, 30)
    store.checkpoint_clock(session_id, 10)                    # never backwards
    assert store.inputs(session_id) == [{"type": "advance", "seconds": 30}]
    assert store.session(session_id).clock == 30


def test_checkpoint_after_the_ending_adds_nothing(store, mini):
    session_id, recorder = play_recorded(store, mini, [("expire",), ("choose", ["doors"])])
    assert recorder.runner.ended == "tragedy"
    before = store.inputs(session_id)
    store.checkpoint_clock(session_id, recorder.runner.clock.seconds + 300)
    assert store.inputs(session_id) == before
    assert store.session(session_id).ending_id == "tragedy"


def test_a_passed_wait_adds_only_what_checkpoints_have_not_written(store, mini):
    session_id = store.start_session(TRAINEE, mini)
    store.checkpoint_clock(session_id, 10)
    store.checkpoint_clock(session_id, 20)
    seq = store.append_input(session_id, {"type": "advance", "seconds": 23})     # the runner's merged wait
    store.append_input(session_id, {"type": "reference", "id": "card", "clock": 23})
    store.append_input(session_id, {"type": "advance", "seconds": 5})            # no checkpoint in between
    store.checkpoint_clock(session_id, 30)
    last = store.append_input(session_id, {"type": "advance", "seconds": 2})      # all of it already written
    assert store.inputs(session_id) == [
        {"type": "advance", "seconds": 10}, {"type": "advance", "seconds": 10}, {"type": "advance", "seconds": 3},
        {"type": "reference", "id": "card", "clock": 23}, {"type": "advance", "seconds": 5},
        {"type": "advance", "seconds": 2}]
    assert seq == 3 and last == 6
    assert ScenarioRunner.restore(mini, store.inputs(session_id)).clock.seconds == 30


def test_inputs_and_events_share_one_sequence(store, mini):
    session_id = store.start_session(TRAINEE, mini)
    seqs = [store.append_event(session_id, "scene_entered", {"scene_id": "call", "clock": 0}, 0),
            store.append_input(session_id, {"type": "reference", "id": "card", "clock": 0}),
            store.append_event(session_id, "reference_opened", {"reference_id": "card", "clock": 0}, 0)]
    assert seqs == [1, 2, 3]
    assert [e["seq"] for e in store.events(session_id)] == [1, 3]


# -- validation ------------------------------------------------------------------------
@pytest.mark.parametrize(("call", "error", "words"), [
    (lambda s, i: s.append_input(i, {"type": "jump"}), ValueError, "input type"),
    (lambda s, i: s.append_input(i, ["choose"]), TypeError, "dict"),
    (lambda s, i: s.append_input(i, {"type": "advance", "seconds": 0}), ValueError, "positive"),
    (lambda s, i: s.append_input(i, {"type": "reference", "id": "x", "clock": object()}), ValueError, "clock"),
    (lambda s, i: s.append_input(i, {"type": "choose", "selection": {1, 2}, "clock": 0}), TypeError, "JSON"),
    (lambda s, i: s.append_input(i, {"type": "choose", "clock": 60}, clock_after=30), ValueError, "earlier"),
    (lambda s, i: s.append_event(i, "exploded", {}, 0), ValueError, "event kind"),
    (lambda s, i: s.append_event(i, "scene_entered", {}, 0), ValueError, "scene_id"),
    (lambda s, i: s.append_event(i, "paused", {"when": float("nan")}, 0), TypeError, "JSON"),
    (lambda s, i: s.append_event(i, "paused", {}, -1), ValueError, "seconds"),
    (lambda s, i: s.checkpoint_clock(i, 1.5), ValueError, "seconds"),
    (lambda s, i: s.finish_session(i, {"scenario_id": "another"}), ValueError, "another"),
    (lambda s, i: s.start_session(TraineeInfo("  "), None), ValueError, "trainee id"),
    (lambda s, i: s.start_session(TraineeInfo("t-1", role="chief"), None), ValueError, "role"),
])
def test_caller_mistakes_are_refused_and_nothing_is_written(store, mini, call, error, words):
    session_id = store.start_session(TRAINEE, mini)
    with pytest.raises(error, match=words):
        call(store, session_id)
    assert store.inputs(session_id) == [] and store.events(session_id) == []
    assert store.session(session_id).status == "in_progress"
    assert len(store.sessions()) == 1


def test_unknown_session_names_the_store_file(store):
    for call in (store.inputs, store.events, store.session, store.abandon_session,
                 lambda i: store.append_event(i, "paused", {}, 0)):
        with pytest.raises(StoreError) as info:
            call("no-such-session")
        assert "no-such-session" in info.value.message and str(store.path) in info.value.message
        assert info.value.path == store.path


class FailingSecondInsert:
    """Stands in for the store's connection and fails the second event insert of a transaction."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn, self.inserts = conn, 0

    def execute(self, sql: str, *args):
        if sql.startswith("INSERT INTO events"):
            self.inserts += 1
            if self.inserts == 2:
                raise sqlite3.OperationalError("database or disk is full")
        return self.conn.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self.conn, name)


def test_a_failed_write_leaves_nothing_half_written(store, mini):
    session_id = store.start_session(TRAINEE, mini)
    real = store._conn
    store._conn = FailingSecondInsert(real)
    try:
        with pytest.raises(StoreError) as info:      # the wait before the entry is written, then the entry fails
            store.append_input(session_id, {"type": "reference", "id": "card", "clock": 40})
    finally:
        store._conn = real
    assert "disk is full" in info.value.message and str(store.path) in info.value.message
    assert store.inputs(session_id) == []
    assert store.session(session_id).clock == 0
    store.append_input(session_id, {"type": "reference", "id": "card", "clock": 40})   # and the store goes on
    assert store.inputs(session_id) == [{"type": "advance", "seconds": 40},
                                        {"type": "reference", "id": "card", "clock": 40}]


def test_closed_store_says_so(store_path):
    store = SessionStore(store_path)
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.sessions()


# -- the file ----------------------------------------------------------------------------
def test_new_store_is_created_with_durable_settings(store, store_path):
    assert store.path == store_path and store_path.is_file()
    pragmas = {name: store._conn.execute(f"PRAGMA {name}").fetchone()[0]
               for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout", "user_version",
                            "application_id")}
    assert pragmas == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "busy_timeout": 5000,
                       "user_version": SCHEMA_VERSION, "application_id": APPLICATION_ID}


def test_reopening_keeps_everything_and_does_not_migrate_again(store_path, mini):
    with SessionStore(store_path) as store:
        session_id = store.start_session(TRAINEE, mini)
        store.append_input(session_id, {"type": "reference", "id": "card", "clock": 0})
    with SessionStore(store_path) as store:
        assert store.inputs(session_id) == [{"type": "reference", "id": "card", "clock": 0}]
        assert store.session(session_id).trainee == TRAINEE
    assert not Path(f"{store_path}-wal").exists()        # closed cleanly: everything is in the main file


def test_migrations_run_in_order_and_a_failing_one_changes_nothing(store_path, mini, monkeypatch):
    from hydra_sim.records import schema
    with SessionStore(store_path) as store:
        session_id = store.start_session(TRAINEE, mini)

    def add_column(conn):
        conn.execute("ALTER TABLE events ADD COLUMN extra TEXT")

    def add_column_then_fail(conn):
        add_column(conn)
        raise RuntimeError("migration bug")

    def columns() -> tuple[set[str], int]:
        conn = sqlite3.connect(store_path)
        try:
            return {r[1] for r in conn.execute("PRAGMA table_info(events)")}, conn.execute(
                "PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()

    current = schema.SCHEMA_VERSION
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, add_column_then_fail])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", current + 1)
    with pytest.raises(RuntimeError, match="migration bug"):
        SessionStore(store_path)
    found, version = columns()
    assert "extra" not in found and version == current

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS[:current], add_column])
    with SessionStore(store_path) as store:
        assert store.session(session_id).trainee == TRAINEE
    found, version = columns()
    assert "extra" in found and version == current + 1


def test_an_empty_file_becomes_a_new_store(store_path, mini):
    store_path.parent.mkdir(parents=True)
    store_path.touch()
    with SessionStore(store_path) as store:
        assert store.sessions() == []
        store.start_session(TRAINEE, mini)
    assert store_path.read_bytes().startswith(b"SQLite format 3\x00")


def _filled_store(path: Path, mini) -> None:
    with SessionStore(path) as store:
        for _ in range(5):
            session_id = store.start_session(TRAINEE, mini)
            for n in range(40):
                store.append_event(session_id, "paused", {"note": "x" * 200, "n": n}, n)


def _truncated_store(path: Path, mini) -> None:
    _filled_store(path, mini)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _damaged_page_store(path: Path, mini) -> None:
    """A sound header and schema, but one page of records in the middle garbled (bit rot, a bad copy)."""
    _filled_store(path, mini)
    data = bytearray(path.read_bytes())
    page = 4096 * (len(data) // 4096 // 2)
    data[page:page + 4096] = os.urandom(4096)
    path.write_bytes(bytes(data))


def _foreign_database(path: Path, mini) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO photos (name) VALUES ('holiday')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(("make", "words"), [
    (lambda p, m: p.write_bytes(os.urandom(8192)), "not an SQLite database"),
    (lambda p, m: p.write_text("trainee,score\nt-1,80\n", encoding="utf-8"), "not an SQLite database"),
    (lambda p, m: p.write_bytes(b"SQLite format 3\x00" + os.urandom(5000)), "damaged"),
    (_truncated_store, "damaged"),
    (_damaged_page_store, "damaged"),
    (_foreign_database, "another program"),
])
def test_unreadable_file_is_refused_and_left_byte_identical(store_path, mini, make, words):
    store_path.parent.mkdir(parents=True)
    make(store_path, mini)
    before = store_path.read_bytes()
    present = {p.name for p in store_path.parent.iterdir()}     # the unfinished-sessions marker, if it was a store
    with pytest.raises(StoreError) as info:
        SessionStore(store_path)
    message = info.value.message
    assert words in message and str(store_path) in message
    assert "kept as it is" in message and "move it aside" in message and "backup" in message
    assert info.value.path == store_path
    assert store_path.read_bytes() == before
    # At most SQLite's own side files from the read-only check, with nothing written to the WAL.
    others = {p.name for p in store_path.parent.iterdir()} - present
    assert others <= {f"{store_path.name}-wal", f"{store_path.name}-shm"}
    wal = Path(f"{store_path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_newer_store_format_is_refused_and_not_touched(store_path, mini):
    with SessionStore(store_path) as store:
        session_id = store.start_session(TRAINEE, mini)
    conn = sqlite3.connect(store_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = store_path.read_bytes()
    listing = sorted(p.name for p in store_path.parent.iterdir())
    with pytest.raises(StoreError) as info:
        SessionStore(store_path)
    message = info.value.message
    assert "newer hydra_sim" in message and f"format {SCHEMA_VERSION + 1}" in message
    assert "update hydra_sim" in message and str(store_path) in message
    assert store_path.read_bytes() == before
    assert sorted(p.name for p in store_path.parent.iterdir()) == listing
    conn = sqlite3.connect(store_path)                       # the data is still there for a newer version
    assert conn.execute("SELECT session_id FROM sessions").fetchall() == [(session_id,)]
    conn.close()


def test_read_only_folder_is_refused_clearly(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root (or on a file system that ignores permissions): the folder stays writable")
        with pytest.raises(StoreError) as info:
            SessionStore(folder / "sessions.sqlite3")
        assert "read-only" in info.value.message and str(folder) in info.value.message
        assert "--home" in info.value.message
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(stat.S_IRWXU)


def test_read_only_file_is_refused_clearly(store_path, mini):
    with SessionStore(store_path) as store:
        store.start_session(TRAINEE, mini)
    store_path.chmod(stat.S_IRUSR)
    try:
        if os.access(store_path, os.W_OK):
            pytest.skip("running as root (or on a file system that ignores permissions): the file stays writable")
        before = store_path.read_bytes()
        with pytest.raises(StoreError) as info:
            SessionStore(store_path)
        assert "read-only" in info.value.message and str(store_path) in info.value.message
        assert store_path.read_bytes() == before
    finally:
        store_path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_folder_that_cannot_be_created_is_refused_clearly(tmp_path):
    blocker = tmp_path / "records"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(StoreError) as info:
        SessionStore(blocker / "sessions.sqlite3")
    assert "Cannot create the folder" in info.value.message and str(blocker) in info.value.message
    assert blocker.read_text(encoding="utf-8") == "a file where the folder should be"


def test_a_folder_at_the_store_path_is_refused(tmp_path):
    (tmp_path / "sessions.sqlite3").mkdir()
    with pytest.raises(StoreError, match="is a folder"):
        SessionStore(tmp_path / "sessions.sqlite3")


def test_default_store_path_follows_home_override(tmp_path, monkeypatch):
    monkeypatch.setenv("HYDRA_SIM_HOME", str(tmp_path / "env-home"))
    assert default_store_path() == (tmp_path / "env-home").resolve() / "records" / "sessions.sqlite3"
    paths.set_home(tmp_path / "flag-home")
    try:
        assert default_store_path() == (tmp_path / "flag-home").resolve() / "records" / "sessions.sqlite3"
    finally:
        paths.set_home(None)


def test_store_can_be_used_from_another_thread(store, mini):
    session_id = store.start_session(TRAINEE, mini)
    failures: list[BaseException] = []

    def write():
        try:
            for n in range(20):
                store.append_input(session_id, {"type": "reference", "id": "card", "clock": 0, "n": n})
        except BaseException as exc:      # surfaced below
            failures.append(exc)

    worker = threading.Thread(target=write)
    worker.start()
    worker.join()
    assert failures == []
    assert [e["n"] for e in store.inputs(session_id)] == list(range(20))


# -- crashes and concurrency --------------------------------------------------------------
def finish_child(child: subprocess.Popen) -> None:
    if child.poll() is None:
        child.kill()
    child.wait()
    for pipe in (child.stdin, child.stdout, child.stderr):
        if pipe is not None and not pipe.closed:
            try:
                pipe.close()
            except BrokenPipeError:         # stdin of a killed child
                pass


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def test_inputs_survive_sigkill_once_append_returns(store_path, mini):
    acknowledged = 200
    with SessionStore(store_path) as store:
        session_id = store.start_session(TRAINEE, mini)
    child = start_child("append-forever", str(store_path), session_id)
    watchdog = threading.Timer(CHILD_TIMEOUT, child.kill)
    watchdog.start()
    try:
        assert read_line(child) == "ready"
        for n in range(acknowledged):
            assert read_line(child) == f"appended {n}"
        os.kill(child.pid, signal.SIGKILL)        # while it is busy appending the next ones
        child.wait()
    finally:
        watchdog.cancel()
        finish_child(child)
    assert child.returncode == -signal.SIGKILL
    assert Path(f"{store_path}-wal").exists()   # killed, not closed: the records are only in the WAL
    with SessionStore(store_path) as store:
        numbers = [entry["n"] for entry in store.inputs(session_id)]
    assert len(numbers) >= acknowledged
    assert numbers == list(range(len(numbers)))   # every acknowledged one, in order, nothing torn
    assert integrity(store_path) == "ok"


def test_two_processes_write_the_same_store_at_once(store_path, mini):
    count = 150
    with SessionStore(store_path) as store:
        shared = store.start_session(TraineeInfo("t-shared"), mini)
        own = {writer: store.start_session(TraineeInfo(f"t-{writer}"), mini) for writer in ("w1", "w2")}
    children = {w: start_child("append-concurrently", str(store_path), shared, own[w], w, str(count))
                for w in own}
    watchdogs = [threading.Timer(CHILD_TIMEOUT, child.kill) for child in children.values()]
    for watchdog in watchdogs:
        watchdog.start()
    try:
        for child in children.values():
            assert read_line(child) == "ready"
        for child in children.values():       # both have the store open; release them together
            child.stdin.write("go\n")
            child.stdin.flush()
        for child in children.values():
            assert read_line(child) == "done"
            child.stdin.close()
            assert child.wait() == 0
    finally:
        for watchdog in watchdogs:
            watchdog.cancel()
        for child in children.values():
            finish_child(child)
    with SessionStore(store_path) as store:
        mixed = store.inputs(shared)
        assert sorted((e["writer"], e["n"]) for e in mixed) == sorted((w, n) for w in own for n in range(count))
        for writer in own:                                    # each writer's own order is kept
            assert [e["n"] for e in mixed if e["writer"] == writer] == list(range(count))
            assert [e["n"] for e in store.inputs(own[writer])] == list(range(count))
        conn = store._conn
        seqs = [r[0] for r in conn.execute("SELECT seq FROM events WHERE session_id = ? ORDER BY seq", (shared,))]
        assert seqs == list(range(1, 2 * count + 1))
    assert integrity(store_path) == "ok"


# -- boundaries ---------------------------------------------------------------------------
def test_records_and_engine_do_not_import_qt():
    code = ("import json, sys\n"
            "import hydra_sim.records, hydra_sim.engine\n"
            "print(json.dumps(sorted(m for m in sys.modules\n"
            "    if m.split('.')[0] in ('PySide6', 'shiboken6') or m.startswith('hydra_sim.gui'))))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)),
                            capture_output=True, text=True, timeout=CHILD_TIMEOUT, check=True)
    assert json.loads(result.stdout) == []


def test_records_modules_state_their_job_and_boundary():
    for module in sorted((REPO / "hydra_sim" / "records").glob("*.py")):
        source = module.read_text(encoding="utf-8")
        assert source.startswith('"""'), module.name
        assert "Must not import Qt" in source.split('"""')[1], module.name
        assert "PySide6" not in source and "hydra_sim.gui" not in source and "from ..gui" not in source, module.name
        assert not re.search(r"^\s*print\(", source, re.MULTILINE), module.name

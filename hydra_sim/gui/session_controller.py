"""The session controller: owns the runner, the store and the one clock timer.

It is the only place in the GUI that calls ``ScenarioRunner`` methods. One ``QTimer`` on the
GUI thread measures real time; each tick advances the simulated clock by
``real seconds x scenario.clock_speed`` and runs the decision countdown. What one runner
call produces (the inputs it logs and the engine events it emits) is written to the store
in one durable transaction (``append_batch``), in order, on the store writer's thread
(store_writer.py), so the next scene is drawn while the disk syncs. ``recorded`` says when a
decision is on disk, and only then does a screen call it recorded; a write that fails stays
queued and is retried, so nothing is lost. The clock is checkpointed every few seconds and
on pause and quit, so a session survives a crash. Screens listen to its past-tense signals
and read its read-only properties.
Must not import screens or widgets; holds no scenario rules (the engine decides).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from .bridge import RunnerBridge

if TYPE_CHECKING:      # the engine is imported when a session starts, not with the start screen
    from ..engine import ScenarioRunner
    from ..engine.model import Scenario
from .persistence import StoreError, TraineeInfo, checkpoint_clock_of
from .store_writer import StoreWriter
from .wording import speaker_line

log = logging.getLogger(__name__)

TICK_MS = 250
CHECKPOINT_SECONDS = 5.0
MIN_RESUMED_SECONDS = 5.0     # a resumed countdown always leaves at least this long to read
RETRY_MS = 3000               # how often a failing store is tried again
FLUSH_SECONDS = 5.0           # how long quitting or resuming waits for the last writes
ACTION_KINDS = ("choose", "expire", "continue")


def event_data(event) -> tuple[str, dict, int]:
    """The stored shape of an engine event: one definition, shared with headless recording."""
    from ..records.recording import event_data as shape     # imports the engine: not at start-up
    return shape(event)


@dataclass(frozen=True)
class LogEntry:
    """One line of the incident log: simulated time, kind and text."""
    clock: int
    time_label: str
    kind: str          # scene | inject | decision | expired | reference | document | ended | note | request | answer
    title: str
    detail: str = ""


class SessionController(QObject):
    session_started = Signal()            # a new or restored runner is in place
    scene_changed = Signal()              # the current scene (and decision) changed
    clock_changed = Signal(str)           # "HH:MM"
    countdown_changed = Signal(float, int)   # remaining real seconds, the limit (0 = none)
    paused_changed = Signal(bool)
    log_entry_added = Signal(object)      # LogEntry
    inject_arrived = Signal(object)       # LogEntry for an inject (the banner shows it)
    session_ended = Signal(object)        # ScoreReport
    store_failed = Signal(object)         # StoreError (the session keeps running; writes are retried)
    store_recovered = Signal()            # the failed writes went through after all
    recorded = Signal(object)             # LogEntry of a decision now durable in the store
    intervention_applied = Signal(object)  # a facilitator intervention's log entry (facilitated exercises)

    def __init__(self, store, parent: QObject | None = None, *, now: Callable[[], float] = time.monotonic,
                 real_time: bool = True):
        super().__init__(parent)
        self.store = store
        self.bridge = RunnerBridge(self)
        self.runner: ScenarioRunner | None = None
        self.session_id: str | None = None
        self.trainee: TraineeInfo | None = None
        self.report = None
        self.paused = False
        self.real_time = real_time
        self.history: list[LogEntry] = []
        self._now = now
        self._last_tick = now()
        self._carry = 0.0
        self._scene_real = 0.0
        self._countdown = None          # engine.clock.Countdown of the current decision (made at start)
        self._reading = 0               # media viewers the trainee is reading in now
        self._paused_real = 0.0
        self._since_checkpoint = 0.0
        self._rationale_started_at: float | None = None
        self._persisted = 0
        self._visits = 0
        self._store_ok = True
        self._decision_jobs: list[tuple[int, LogEntry]] = []      # decisions waiting to be durable
        self._batch_decision: LogEntry | None = None              # the decision of the call under way
        self._last_decision: LogEntry | None = None
        self.entered_by: str | None = None     # facilitated exercises: see the exercise section below
        self.writer = StoreWriter()
        self.writer.written.connect(self._on_written)
        self.writer.failed.connect(self._on_write_failed)
        self.writer.recovered.connect(self._on_write_recovered)
        self.writer.dropped.connect(self._on_write_dropped)
        self.retry_timer = QTimer(self)
        self.retry_timer.setInterval(RETRY_MS)
        self.retry_timer.timeout.connect(self.writer.retry)
        self._batch: list[tuple[str, dict, int]] | None = None    # events of the runner call under way
        self._announce: list[Callable[[], None]] = []              # what to tell the screens after it
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._on_timeout)
        self.bridge.scene_entered.connect(self._on_scene_entered)
        self.bridge.inject_fired.connect(self._on_inject_fired)
        self.bridge.decision_recorded.connect(self._on_decision_recorded)
        self.bridge.reference_opened.connect(self._on_reference_opened)
        self.bridge.document_opened.connect(self._on_document_opened)
        self.bridge.ended.connect(self._on_ended)
        self.bridge.request_made.connect(self._on_request_made)
        self.bridge.request_answered.connect(self._on_request_answered)

    # -- read-only views for screens ---------------------------------------------------
    @property
    def scenario(self) -> Scenario | None:
        return self.runner.scenario if self.runner else None

    @property
    def scene(self):
        return self.runner.scene if self.runner else None

    def scene_text(self) -> str:
        """The current scene's text as this run shows it (a version may depend on run conditions)."""
        return self.runner.scene_text() if self.runner else ""

    def conditions_lines(self) -> list[str]:
        """This run's conditions in the scenario's words (empty when it declares none)."""
        if self.runner is None:
            return []
        from ..engine.run_conditions import describe
        return describe(self.runner.scenario, self.runner.conditions)

    @property
    def decision(self):
        return self.runner.decision if self.runner else None

    @property
    def running(self) -> bool:
        return self.runner is not None and not self.runner.ended

    def available_options(self):
        return self.runner.available_options() if self.runner else []

    def part_options(self, part_id: str):
        return self.runner.part_options(part_id) if self.runner else []

    def clock_label(self, seconds: int | None = None) -> str:
        return self.runner.clock.label(seconds) if self.runner else "--:--"

    def time_limit(self) -> int:
        # the runner's limit includes a facilitator's timer changes (facilitated exercises)
        return self.runner.time_limit() if self.runner is not None else 0

    def remaining_seconds(self) -> float:
        limit = self.time_limit()
        if not limit:
            return 0.0
        return self._countdown.remaining(limit) if self._countdown is not None else float(limit)

    @property
    def reading(self) -> bool:
        """A document, picture or recording is open and being read (its viewer is the active window)."""
        return self._reading > 0

    @property
    def scene_real_seconds(self) -> float:
        """Real seconds the current scene has been shown, paused time excluded."""
        return self._scene_real

    # -- starting and resuming ---------------------------------------------------------
    def start(self, scenario: Scenario, trainee: TraineeInfo, seed: int | None = None) -> None:
        """Begin a new session; StoreError propagates (the caller says so and may retry).

        ``seed`` fixes the order options are shown in (a facilitated exercise may share one
        between stations); by default each session draws its own, stored as its first input."""
        self._reset()
        self.require_saved()
        self.trainee = trainee
        self.session_id = self.store.start_session(trainee, scenario)
        self._claim(self.session_id)
        from ..engine import ScenarioRunner
        from ..engine.presentation import new_seed
        from ..engine.collector import hold_session_objects
        self.runner = ScenarioRunner(scenario, seed=new_seed() if seed is None else seed)
        # a large model lives as long as the session: kept out of the collector's full sweeps
        self._holding = hold_session_objects(scenario)
        self._countdown = self._new_countdown()
        self.bridge.attach(self.runner)
        self.session_started.emit()
        self._turn(self.runner.start)
        self._start_timer()

    def resume(self, session_id: str, scenario: Scenario, trainee: TraineeInfo) -> None:
        """Rebuild a stored session by replay; ReplayError / StoreError propagate to the caller.

        The bridge is attached before the clock catches up with the last checkpoint, so an
        update that falls due during the catch-up is logged, stored and shown like any other.
        The countdown carries on from what was left when the session stopped."""
        self._reset()
        self.require_saved()
        self._claim(session_id)          # SessionBusy (a StoreError) when another window has it open
        entries = self.store.inputs(session_id)
        from ..engine import ScenarioRunner
        from ..engine.collector import hold_session_objects
        runner = ScenarioRunner.restore(scenario, entries)
        self._holding = hold_session_objects(scenario)
        checkpoint = checkpoint_clock_of(self.store, session_id)
        self.trainee = trainee
        self.session_id = session_id
        self.history = self._history_of(runner)
        self.runner = runner
        self.bridge.attach(runner)
        self.session_started.emit()
        for entry in self.history:
            self.log_entry_added.emit(entry)
        if checkpoint is not None and checkpoint > runner.clock.seconds and not runner.ended:
            # Time spent reading before the crash or quit; the checkpoint already stands for
            # it in the store, so the wait itself is not written again (see _persisted below).
            runner.advance(checkpoint - runner.clock.seconds)
        self._persisted = len(runner.log)
        self._visits = len(runner.path)
        self._scene_real = self._resumed_scene_seconds()
        self._countdown = self._new_countdown(self._scene_real)
        self._emit_state()
        self.scene_changed.emit()
        if runner.ended:
            self._finish()
        else:
            self._start_timer()

    def _resumed_scene_seconds(self) -> float:
        """Real seconds already spent on the current scene, from the simulated clock.

        remaining = time_limit - (clock - scene_entered_at) / clock_speed, never below
        MIN_RESUMED_SECONDS so a trainee coming back is not timed out before reading."""
        runner = self.runner
        speed = float(self.scenario.clock_speed)
        if runner.ended or speed <= 0:
            return 0.0
        spent = max(0.0, (runner.clock.seconds - runner.scene_entered_at) / speed)
        limit = self.time_limit()
        if limit:
            spent = min(spent, max(0.0, limit - MIN_RESUMED_SECONDS))
        return spent

    def _new_countdown(self, spent: float = 0.0):
        from ..engine.clock import Countdown     # the rule (what counts against a countdown) is the engine's
        return Countdown(bool(getattr(self.scenario, "pause_while_reading", True)), spent)

    def _claim(self, session_id: str) -> None:
        """One writer per session (records/session_lock.py): hold its lock while it is played here."""
        path = getattr(self.store, "path", None)
        if path is None:                 # the stand-in store has no file to lock beside
            return
        from ..records.session_lock import SessionLock
        self._session_lock = SessionLock(path, session_id)

    def _release(self) -> None:
        lock, self._session_lock = getattr(self, "_session_lock", None), None
        if lock is not None:
            lock.release()

    def _reset(self) -> None:
        self._release()
        self.timer.stop()
        self.bridge.attach(None)
        if getattr(self, "_holding", False):
            from ..engine.collector import release_session_objects
            release_session_objects()      # the last session's model may be freed now
            self._holding = False
        self.runner = None
        self.session_id = None
        self.report = None
        self.paused = False
        self.history = []
        self._carry = 0.0
        self._scene_real = 0.0
        self._countdown = None
        self._reading = 0
        self._since_checkpoint = 0.0
        self._rationale_started_at = None
        self._persisted = 0
        self._visits = 0
        self._decision_jobs = []
        self._last_decision = None
        self._batch, self._announce = None, []

    def _start_timer(self) -> None:
        self._last_tick = self._now()
        if self.real_time and self.running:
            self.timer.start()

    # -- the clock -----------------------------------------------------------------------
    @Slot()
    def _on_timeout(self) -> None:
        now = self._now()
        elapsed, self._last_tick = now - self._last_tick, now
        self.tick(elapsed)

    def tick(self, real_seconds: float) -> None:
        """Let ``real_seconds`` of real time pass: the simulated clock, countdown and checkpoint."""
        if not self.running or self.paused or real_seconds <= 0:
            return
        self._scene_real += real_seconds
        if self._countdown is not None:
            self._countdown.run(real_seconds, reading=self.reading)
        self._since_checkpoint += real_seconds
        self._carry += real_seconds * max(0.0, float(self.scenario.clock_speed))
        whole = int(self._carry)
        if whole:
            self._carry -= whole
            self._turn(lambda: self.runner.advance(whole))
        if self.running and self.time_limit() and self.remaining_seconds() <= 0:
            self.expire()
            return
        self._emit_state()
        if self._since_checkpoint >= CHECKPOINT_SECONDS:
            self.checkpoint()

    def _catch_up(self) -> None:
        if self.timer.isActive():
            self._on_timeout()

    @Slot()
    def pause(self) -> None:
        if not self.running or self.paused:
            return
        self._catch_up()
        self.paused = True
        self.timer.stop()
        self.checkpoint()
        self.paused_changed.emit(True)

    @Slot()
    def resume_clock(self) -> None:
        if not self.paused or self.facilitator_paused:     # only the facilitator resumes their pause
            return
        self.paused = False
        self._start_timer()
        self.paused_changed.emit(False)

    def checkpoint(self) -> None:
        self._since_checkpoint = 0.0
        lock = getattr(self, "_session_lock", None)
        if lock is not None:
            lock.heartbeat()
        if self.runner is not None and self.session_id:
            self._store(self.store.checkpoint_clock, self.session_id, self.runner.clock.seconds)

    # -- the trainee's inputs ------------------------------------------------------------
    def note_rationale_started(self) -> None:
        """The trainee began writing a rationale: entry time is measured from here."""
        if self._rationale_started_at is None:
            self._rationale_started_at = self._scene_real

    def _meta(self) -> dict:
        decided = round(self._scene_real, 2)
        started = self._rationale_started_at
        entry = round(decided - started, 2) if started is not None else 0.0
        meta = {"decision_seconds": decided, "entry_seconds": entry}
        if self.entered_by:          # facilitated exercise: the syndicate member who entered it
            meta["entered_by"] = self.entered_by
        return meta

    def choose(self, selection: Any, rationale: Any = None) -> None:
        """Answer the current decision; RunnerError propagates so the panel can say why."""
        if self.paused:
            raise_paused()
        self._catch_up()
        if not self.running:
            return
        meta = self._meta()
        self._turn(lambda: self.runner.choose(selection, rationale, meta))

    def expire(self) -> None:
        if not self.running or self.decision is None or self.decision.on_expiry is None:
            return
        meta = self._meta()
        self._turn(lambda: self.runner.expire(meta))

    def continue_(self) -> None:
        if self.paused:
            raise_paused()
        self._catch_up()
        if self.running:
            self._turn(self.runner.continue_)

    def request_information(self, partner: str, question: str, urgency: str, topic: str | None = None):
        """Send a request for information to a partner agency (engine/requests.py); returns its record.
        RunnerError propagates (an empty question, an unknown partner) so the form can say why."""
        if self.paused:
            raise_paused()
        self._catch_up()
        if not self.running:
            from ..engine import RunnerError
            raise RunnerError("the session has ended")
        made: list = []
        self._turn(lambda: made.append(self.runner.request_information(partner, question, urgency, topic)))
        return made[0] if made else None

    @property
    def requests(self) -> list:
        """The session's requests for information (engine RequestRecord), in the order sent."""
        return list(self.runner.requests) if self.runner is not None else []

    def open_reference(self, reference_id: str) -> None:
        if self.runner is not None and not self.runner.ended:
            self._turn(lambda: self.runner.open_reference(reference_id))

    def open_document(self, media_id: str) -> None:
        """The trainee opened a document, picture or recording: logged and stored for the trainer."""
        if self.runner is not None and not self.runner.ended and media_id in self.scenario.media:
            self._catch_up()
            self._turn(lambda: self.runner.open_document(media_id))

    def set_reading(self, reading: bool) -> None:
        """A viewer became (True) or stopped being (False) the window the trainee reads in.

        Time up to now counts as it was; from now the countdown holds while reading, unless
        the scenario says ``pause_while_reading: false`` (engine/clock.py Countdown)."""
        self._catch_up()
        self._reading = max(0, self._reading + (1 if reading else -1))
        self._emit_state()

    def suspend(self) -> None:
        """Quit mid-session: keep it resumable (checkpoint the clock, stop the timer, write all)."""
        self._catch_up()
        self.checkpoint()
        self.timer.stop()
        self.flush()
        self._release()          # left here: another window (or the next launch) may resume it

    def require_saved(self) -> None:
        """Starting or resuming reads the store: earlier entries must be in it first, or a resumed
        session would be rebuilt without them and answered twice."""
        if not self.flush():
            raise StoreError(f"{self.unsaved} of the latest entries are not saved in the score store yet (it "
                             "cannot be written just now). hydra_sim keeps trying; start or resume once "
                             "the problem is fixed.")

    def carry_on(self) -> None:
        """Back to a session after a quit was cancelled: the clock runs again."""
        if self.running and self.session_id and getattr(self, "_session_lock", None) is None:
            try:
                self._claim(self.session_id)
            except StoreError as exc:         # resumed elsewhere meanwhile: say so; this window stops here
                self.store_failed.emit(exc)
                return
        if self.running and not self.paused:
            self._start_timer()

    def flush(self, timeout: float = FLUSH_SECONDS) -> bool:
        """Wait for every queued write; False if the store is failing (nothing is dropped)."""
        return self.writer.flush(timeout)

    @property
    def last_recorded(self) -> LogEntry | None:
        """The last decision known to be durable in the store."""
        return self._last_decision

    @property
    def unsaved(self) -> int:
        """Writes not yet durable (kept in memory and retried)."""
        return self.writer.pending

    def abandon(self) -> None:
        if self.runner is not None and self.session_id and not self.runner.ended:
            self._store(self.store.abandon_session, self.session_id)
        self._reset()

    # -- running the engine --------------------------------------------------------------
    def _turn(self, call: Callable[[], Any]) -> None:
        """Run one runner call, persist what it logged and emitted in one transaction, then tell the screens."""
        visits_before = self._visits
        self._batch, self._announce = [], []
        self._batch_decision = None
        try:
            call()
        finally:
            events, self._batch = self._batch, None
            announce, self._announce = self._announce, []
            self._persist(events)
            for tell in announce:
                tell()
        self._visits = len(self.runner.path)
        if self._visits != visits_before:
            self._scene_real = 0.0
            if self._countdown is not None:
                self._countdown.restart()
            self._rationale_started_at = None
            self._carry = 0.0
            if not self.runner.ended:
                self.scene_changed.emit()
        self._emit_state()
        if self.runner.ended and self.report is None:
            self._finish()

    def _persist(self, events: list[tuple[str, dict, int]]) -> None:
        """Write the events of one runner call, then its final log entries, in one transaction.

        The events come first, as a runner subscriber would have stored them one by one."""
        log_entries = self.runner.log
        # An 'advance' entry at the tail still grows (the runner merges waits); store it once final.
        end = len(log_entries) - (1 if log_entries and log_entries[-1]["type"] == "advance" else 0)
        inputs = [dict(entry) for entry in log_entries[self._persisted:end]]
        self._persisted = max(self._persisted, end)
        if not self.session_id or not (inputs or events):
            return
        # one runner call makes at most one action, and it is the last entry it logs, so the
        # runner's clock now is the clock after it (the store replays from there)
        clock_after = self.runner.clock.seconds if any(e["type"] in ACTION_KINDS for e in inputs) else None
        job = self._store(self.store.append_batch, self.session_id, inputs, events, clock_after=clock_after)
        if clock_after is not None and self._batch_decision is not None:
            self._decision_jobs.append((job, self._batch_decision))

    def _store(self, method, *args, **kwargs) -> int:
        """Queue one write for the writer thread; returns its job number."""
        return self.writer.submit(method, *args, **kwargs)

    @Slot(int)
    def _on_written(self, job: int) -> None:
        while self._decision_jobs and self._decision_jobs[0][0] <= job:
            _, entry = self._decision_jobs.pop(0)
            self._last_decision = entry
            self.recorded.emit(entry)

    @Slot(object)
    def _on_write_failed(self, exc) -> None:
        log.error("session store: %s", exc)
        if not self.retry_timer.isActive():
            self.retry_timer.start()
        if self._store_ok:
            self._store_ok = False
            self.store_failed.emit(exc)

    @Slot(int, object)
    def _on_write_dropped(self, job: int, exc) -> None:
        # its session is closed or gone (another program finished, abandoned or deleted it):
        # say so once; the decisions in it are not called recorded
        self._decision_jobs = [(n, entry) for n, entry in self._decision_jobs if n > job]
        log.error("session store: %s", exc)
        self.store_failed.emit(exc)

    @Slot()
    def _on_write_recovered(self) -> None:
        self.retry_timer.stop()
        self._store_ok = True
        self.store_recovered.emit()

    def _emit_state(self) -> None:
        if self.runner is not None:
            self.clock_changed.emit(self.runner.clock.label())
            self.countdown_changed.emit(self.remaining_seconds(), self.time_limit())

    def _finish(self) -> None:
        self.timer.stop()
        from ..engine import score_runner
        self.report = score_runner(self.runner)
        self._store(self.store.finish_session, self.session_id, self.report.to_dict())
        self._release()
        self.session_ended.emit(self.report)

    # -- engine events -> log, store ---------------------------------------------------------
    def _add(self, entry: LogEntry) -> None:
        self.history.append(entry)
        self.log_entry_added.emit(entry)

    def _event(self, kind: str, data: dict, clock: int, tell: Callable[[], None]) -> None:
        """Record an engine event, then ``tell`` the screens; within a runner call both wait for its end."""
        if self._batch is not None:
            self._batch.append((kind, data, clock))
            self._announce.append(tell)
            return
        if self.session_id:      # outside a runner call (the catch-up on resume): write it now
            self._store(self.store.append_event, self.session_id, kind, data, clock)
        tell()

    @Slot(object)
    def _on_scene_entered(self, event) -> None:
        self._event(*event_data(event),
                    lambda: self._add(self._scene_entry(event.scene_id, event.clock)))

    @Slot(object)
    def _on_inject_fired(self, event) -> None:
        def tell() -> None:
            entry = self._inject_entry(event)
            self._add(entry)
            self.inject_arrived.emit(entry)
        self._event(*event_data(event), tell)

    @Slot(object)
    def _on_decision_recorded(self, event) -> None:
        record = event.record
        entry = self._batch_decision = self._decision_entry(record)
        self._event(*event_data(event), lambda: self._add(entry))

    @Slot(object)
    def _on_reference_opened(self, event) -> None:
        self._event(*event_data(event),
                    lambda: self._add(self._reference_entry(event.reference_id, event.clock)))

    @Slot(object)
    def _on_ended(self, event) -> None:
        def tell() -> None:
            ending = self.scenario.endings.get(event.ending_id)
            self._add(LogEntry(event.clock, self.clock_label(event.clock), "ended",
                               f"Incident closed: {ending.title if ending else event.ending_id}"))
        self._event(*event_data(event), tell)

    @Slot(object)
    def _on_request_made(self, event) -> None:
        self._event(*event_data(event), lambda: self._add(self._request_entry(event.request)))

    @Slot(object)
    def _on_request_answered(self, event) -> None:
        def tell() -> None:
            entry = self._answer_entry(event.request)
            self._add(entry)
            self.inject_arrived.emit(entry)      # the banner shows the answer as it arrives
        self._event(*event_data(event), tell)

    def partner_name(self, partner_id: str) -> str:
        partner = self.scenario.partners.get(partner_id) if self.scenario is not None else None
        return partner.name if partner else partner_id

    def _request_entry(self, record) -> LogEntry:
        return LogEntry(record.clock, self.clock_label(record.clock), "request",
                        f"Request to {self.partner_name(record.partner)} ({record.urgency})", record.question)

    def _answer_entry(self, record) -> LogEntry:
        return LogEntry(record.answered_at, self.clock_label(record.answered_at), "answer",
                        f"Answer from {self.partner_name(record.partner)}", record.answer or "")

    # -- log lines (presentation of engine records, no rules) ---------------------------------
    def speaker_text(self, speaker_id: str | None) -> str:
        """The cast name, with the role in words only when it adds something (see wording)."""
        if not speaker_id or self.scenario is None:
            return ""
        member = self.scenario.cast.get(speaker_id)
        if member is None:
            return speaker_id
        return speaker_line(member.name, member.role)

    def _scene_entry(self, scene_id: str, clock: int) -> LogEntry:
        scene = self.scenario.scenes.get(scene_id)
        title = scene.title if scene else scene_id     # no fixed time in it: the log shows the path's
        return LogEntry(clock, self.clock_label(clock), "scene", title)

    def _inject_entry(self, event) -> LogEntry:
        from ..engine.text import markdown_to_plain
        speaker = self.speaker_text(event.speaker)
        if not speaker and str(event.inject_id).startswith("facilitator-"):
            speaker = "the facilitator"       # a free-text inject of a facilitated exercise
        return LogEntry(event.clock, self.clock_label(event.clock), "inject",
                        f"Update from {speaker}" if speaker else "Update", markdown_to_plain(event.text))

    @Slot(object)
    def _on_document_opened(self, event) -> None:
        self._event(*event_data(event),
                    lambda: self._add(self._document_entry(event.media_id, event.clock)))

    def _document_entry(self, media_id: str, clock: int) -> LogEntry:
        media = self.scenario.media.get(media_id)
        return LogEntry(clock, self.clock_label(clock), "document", media.title if media else media_id)

    def _reference_entry(self, reference_id: str, clock: int) -> LogEntry:
        item = self.scenario.reference.get(reference_id)
        return LogEntry(clock, self.clock_label(clock), "reference",
                        f"Read reference: {item.title if item else reference_id}")

    def describe_selection(self, scene_id: str, kind: str, selection: Any) -> str:
        scene = self.scenario.scenes.get(scene_id)
        decision = scene.decision if scene else None
        if selection is None:
            return "No answer in time"
        if kind == "ndm_rationale" and isinstance(selection, dict):
            from ..engine.rationale import filled_boxes_words
            return filled_boxes_words(selection)
        ids = [selection] if isinstance(selection, str) else list(selection)
        labels = []
        for option_id in ids:
            option = decision.option(option_id) if decision else None
            labels.append(option.label if option else str(option_id))
        if kind == "rank":
            return " > ".join(labels)
        return "; ".join(labels)

    def _decision_entry(self, record) -> LogEntry:
        if record.expired:
            # what happened, never a decision the trainee made (the log labels it "Time ran out")
            return LogEntry(record.clock, self.clock_label(record.clock), "expired",
                            "you did not decide in time, so the incident moved on without your answer")
        title = self.describe_selection(record.scene_id, record.kind, record.selection)
        detail = ""
        if isinstance(record.rationale, str) and record.rationale:
            detail = f"Why: {record.rationale}"
        return LogEntry(record.clock, self.clock_label(record.clock), "decision", title, detail)

    def _history_of(self, runner: ScenarioRunner) -> list[LogEntry]:
        """The log of a restored session, rebuilt from the runner's records in time order.

        Ties on the clock are broken by the scene visit each item belongs to, so a decision
        made at the same minute as the next scene was entered is still listed before it."""
        self.runner = runner   # the helpers read the scenario and clock through it
        visits = runner.path
        items: list[tuple[tuple, LogEntry]] = []

        def visit_at(clock: int) -> int:
            return max((k for k, (_, c) in enumerate(visits) if c <= clock), default=0)
        for k, (scene_id, clock) in enumerate(visits):
            if scene_id in runner.scenario.scenes:
                items.append(((clock, k, 0), self._scene_entry(scene_id, clock)))
        k = 0
        for record in runner.decisions:
            while k < len(visits) and visits[k][0] != record.scene_id:
                k += 1
            items.append(((record.clock, min(k, len(visits) - 1), 1), self._decision_entry(record)))
            k += 1
        for event in runner.inject_log:
            items.append(((event.clock, visit_at(event.clock), 2), self._inject_entry(event)))
        for reference_id, clock in runner.references_opened:
            items.append(((clock, visit_at(clock), 3), self._reference_entry(reference_id, clock)))
        for media_id, clock in runner.documents_opened:
            items.append(((clock, visit_at(clock), 3), self._document_entry(media_id, clock)))
        for record in runner.requests:           # requests for information and their answers
            items.append(((record.clock, visit_at(record.clock), 3), self._request_entry(record)))
            if record.answered:
                items.append(((record.answered_at, visit_at(record.answered_at), 3), self._answer_entry(record)))
        return [entry for _, entry in sorted(items, key=lambda x: x[0])]


    # -- facilitated exercises (hydra_sim/gui/exercise/station.py drives these) -------------
    @property
    def facilitator_paused(self) -> bool:
        """The facilitator has paused this session: only the facilitator can resume it."""
        return self.runner is not None and self.runner.paused

    def _shown_now(self) -> tuple:
        """The current scene's text and options as this run shows them now (a live change may alter them)."""
        runner = self.runner
        if runner is None or runner.ended:
            return ()
        return runner.scene_id, runner.scene_text(), tuple(o.id for o in runner.available_options())

    def mark_facilitated(self) -> None:
        """This session runs in a facilitated exercise (the score report says so)."""
        if self.runner is not None:
            self.runner.facilitated = True

    def apply_intervention(self, action: str, **params) -> dict | None:
        """Apply a facilitator intervention inside one ``_turn`` (persisted like any input, screens told).

        Returns its log entry, or None when this command id was applied already (a resend after
        a reconnect). RunnerError propagates: the caller reports the failure to the facilitator."""
        if self.runner is None:
            from ..engine import RunnerError
            raise RunnerError("no session is running at this station")
        if action == "pause":
            self._catch_up()        # the clock runs up to the moment of the pause, then stops
        shown = self._shown_now()
        applied: list[dict | None] = []
        self._turn(lambda: applied.append(self.runner.apply_intervention(action, **params)))
        entry = applied[0] if applied else None
        if entry is None:
            return None
        if action == "set_condition" and not self.runner.ended and self._shown_now() != shown:
            self.scene_changed.emit()    # a run condition changed live: the scene's text or options read it
        if action == "pause" and not self.runner.ended:
            if not self.paused:
                self.paused = True
                self.timer.stop()
                self.checkpoint()
            self.paused_changed.emit(True)
        elif action == "resume" and self.paused and not self.runner.ended:
            self.paused = False
            self._start_timer()
            self.paused_changed.emit(False)
        self._emit_state()           # a timer change moves the countdown at once
        self.intervention_applied.emit(dict(entry))
        return entry


class PausedError(Exception):
    """Deciding is blocked while the session is paused."""


def raise_paused() -> None:
    raise PausedError("the session is paused: resume it to decide")

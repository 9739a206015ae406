"""A station without a screen: plays a play script (*.plan.yaml) as one syndicate of an exercise.

Runs the scenario on the same runner and SessionStore a trainee app uses, linked to the
facilitator by a ``StationLink``: each step is recorded locally, then sent; facilitator
interventions are applied between steps (a paused station waits for the resume). After
a crash, starting it again on the same store resumes the syndicate's session where the
store left it and the link catches the facilitator up. ``hold_at`` scenes make it wait,
as a syndicate deliberating would, until the facilitator's next intervention there (a
scene listed twice waits for two), so tests can intervene at a known point. A new session
uses the presentation seed from the facilitator's welcome (waiting up to ``seed_wait`` s
for it; without it the station draws its own). In a pod (``seat=``, pods.py) it is the recording
station that also plays one seat: it runs the one shared runner, plays its plan at its own seat's
scenes, and between them applies the decisions and requests for information the other seats'
stations send (relayed by the facilitator), each recorded once with its seat. ``views`` holds what its own seat's screen showed
after each change (pods.seat_view). ``pod=True`` without a seat: the pod's recording station plays
no seat itself (every seat has its seat station) and only applies the relayed decisions and requests. Used by
``hydra-sim station``, the tests and benchmarks/bench_exercise.py.
Must not import Qt or any GUI code.
"""

from __future__ import annotations

import collections
import logging
import queue
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from ..engine.loader import load_scenario
from ..engine.plan import Step, load_plan
from ..engine.presentation import new_seed
from ..engine.runner import RunnerError, ScenarioRunner
from ..records.store import SessionStore, TraineeInfo
from . import protocol as p
from .pods import apply_relay, apply_request_relay, seat_view
from .recorder import SessionRecorder
from .seats import load_token, save_token
from .station import DEFAULT_BACKOFF, StationLink
from .views import Command

log = logging.getLogger(__name__)

_ACTION_STEPS = ("choose", "expire", "continue", "request")    # a plan step kind is its log entry's type


class HeadlessError(Exception):
    """The headless station cannot run (unreadable scenario or plan, unusable store)."""


class HeadlessStation:
    """One syndicate's recording station, driven by a play script. ``run()`` blocks until done."""

    def __init__(self, scenario_path: str | Path, store_path: str | Path, *, host: str, port: int, code: str,
                 syndicate: str, members: Sequence[str], station_id: str | None = None,
                 plan_path: str | Path | None = None, steps: list[Step] | None = None, pace: float = 0.0,
                 hold_at: Sequence[str] = (), backoff: Sequence[float] = DEFAULT_BACKOFF,
                 on_event: Callable[[dict], None] | None = None, seed_wait: float = 5.0, seat: str | None = None,
                 pod: bool = False):
        result = load_scenario(Path(scenario_path))
        if result.scenario is None:
            raise HeadlessError(f"cannot load {scenario_path}: "
                                + "; ".join(pr.format() for pr in result.problems[:3]))
        self.scenario = result.scenario
        if seat is not None and seat not in self.scenario.seats:
            raise HeadlessError(f"scenario '{self.scenario.id}' has no seat '{seat}' "
                                f"(seats: {', '.join(self.scenario.seats) or 'none'})")
        self.seat = seat                 # a pod's recording station plays this seat (None: every seat)
        self.pod = pod or seat is not None   # a pod: other seats' decisions come from their seat stations
        if self.pod and not self.scenario.seats:
            raise HeadlessError(f"scenario '{self.scenario.id}' has no seats, so it cannot be played by pods")
        self.views: list[dict] = []      # pods: this seat's screen after each change
        if steps is None:
            if plan_path is None:
                steps = []
            else:
                steps, problems = load_plan(Path(plan_path))
                if steps is None:
                    raise HeadlessError(f"cannot load the play script {plan_path}: "
                                        + "; ".join(pr.format() for pr in problems[:3]))
        self.steps = list(steps)
        self.store_path = Path(store_path)
        self.members = [m.strip() for m in members if m.strip()] or ["member"]
        self.syndicate = syndicate
        self.station_id = station_id or f"{syndicate}-{uuid.uuid4().hex[:6]}"
        self.pace = float(pace)
        # a scene listed n times holds the station until n interventions have arrived there
        self.hold_at = collections.Counter(hold_at)
        self.on_event = on_event
        self.commands: queue.Queue[Command] = queue.Queue()
        self.link = None
        self._link_args = dict(host=host, port=port, code=code, backoff=backoff)
        self.runner: ScenarioRunner | None = None
        self.session_id: str | None = None
        self.seed_wait = float(seed_wait)
        self._stopped = False

    # -- running -----------------------------------------------------------------------------------
    def run(self, timeout: float = 300.0) -> dict:
        """Play until the session ends and the facilitator holds all of it (or ``timeout`` s pass)."""
        deadline = time.monotonic() + timeout
        with SessionStore(self.store_path) as store:
            self.link = StationLink(self._link_args["host"], self._link_args["port"], self._link_args["code"],
                                    self.syndicate, self.station_id, self.members, role="recording", store=store,
                                    scenario_id=self.scenario.id, scenario_hash=self.scenario.content_hash,
                                    on_command=self.commands.put, on_status=self._on_status,
                                    backoff=self._link_args["backoff"],
                                    token=load_token(self.store_path, self.syndicate),
                                    on_token=lambda token: save_token(self.store_path, self.syndicate, token),
                                    seat=self.seat, on_relay=self.commands.put if self.pod else None)
            try:
                self.link.start()        # first, so a new session can take the facilitator's presentation seed
                recorder = self._open_session(store)
                runner = self.runner
                self.link.attach_session(self.session_id)
                remaining = self._remaining_steps(runner)
                self._note_view()
                while not runner.ended and not self._stopped and time.monotonic() < deadline:
                    if self._apply_commands(recorder, block=0):
                        continue
                    holding = self.hold_at[runner.scene_id] > 0
                    # a pod: another seat's scene is decided at that seat's station (relayed here)
                    others = self.pod and runner.scene is not None and runner.scene.seat != self.seat
                    if runner.paused or holding or not remaining or others:
                        self._apply_commands(recorder, block=min(1.0, max(0.0, deadline - time.monotonic())))
                        continue
                    if self.pace and self._apply_commands(recorder, block=self.pace):
                        continue
                    step = remaining.pop(0)
                    if not self._play(runner, step):
                        remaining = []          # the plan no longer fits (an inject redirected): wait for the end
                    recorder.persist()
                    self.link.notify()
                    self._note_view()
                recorder.finish_if_ended()
                self.link.notify()
                synced = self.link.wait_synced(max(0.5, deadline - time.monotonic()))
                self._emit("done", ended=runner.ended, synced=synced, decisions=len(runner.decisions))
                return {"session_id": self.session_id, "ended": runner.ended, "synced": synced,
                        "decisions": len(runner.decisions), "interventions": list(runner.interventions)}
            finally:
                self.link.close()

    def stop(self) -> None:
        self._stopped = True

    # -- pieces ------------------------------------------------------------------------------------
    def _open_session(self, store: SessionStore) -> SessionRecorder:
        mine = [s for s in store.sessions(trainee_id=self.syndicate) if s.scenario_id == self.scenario.id]
        if mine and mine[0].status in ("in_progress", "finished"):
            self.session_id = mine[0].session_id
            runner = ScenarioRunner.restore(self.scenario, store.inputs(self.session_id))
            recorder = SessionRecorder(store, runner, self.session_id, persisted=len(runner.log))
            self._emit("resumed", session_id=self.session_id, scene=runner.scene_id, decisions=len(runner.decisions))
        else:
            self.session_id = store.start_session(TraineeInfo(self.syndicate, ", ".join(self.members)),
                                                  self.scenario)
            seed = self.link.wait_for_seed(self.seed_wait) if self.link is not None else None
            runner = ScenarioRunner(self.scenario, seed=new_seed() if seed is None else seed)
            recorder = SessionRecorder(store, runner, self.session_id)
            runner.start()
            recorder.persist()
            self._emit("started", session_id=self.session_id)
        runner.facilitated = True
        runner.subscribe(self._on_runner_event)
        self.runner = runner
        return recorder

    def _remaining_steps(self, runner: ScenarioRunner) -> list[Step]:
        """The plan's steps after those the stored session has already played (after a restart)."""
        done = sum(1 for e in runner.log if e["type"] in _ACTION_STEPS and (
            not self.pod or self.scenario.scenes[e["scene"]].seat == self.seat))   # a pod: its own turns
        steps = list(self.steps)
        while done and steps:
            if steps.pop(0).kind in _ACTION_STEPS:
                done -= 1
        return steps

    def _play(self, runner: ScenarioRunner, step: Step) -> bool:
        member = self.members[len(runner.decisions) % len(self.members)]
        meta = {"entered_by": member, "decision_seconds": self.pace, "station_id": self.station_id}
        if self.seat is not None:
            meta["seat"] = self.seat
        try:
            if step.kind == "wait":
                runner.advance(int(round(step.minutes * 60)))
                return True
            if step.kind in ("expect", "mark"):
                # a plan's checks, and an assessor's marking: a syndicate never marks its own rationale
                return True
            if step.kind == "request":      # a request for information: the facilitator answers it
                runner.request_information(**step.selection)
                return True
            if step.scene != runner.scene_id:
                raise RunnerError(f"the step is for scene '{step.scene}' but the session is at '{runner.scene_id}'")
            if step.kind == "expire":
                runner.expire(meta)
            elif step.kind == "continue":
                runner.continue_()
            else:
                runner.choose(step.selection, step.rationale, meta)
        except RunnerError as exc:
            log.warning("syndicate %s: the play script stops here: %s", self.syndicate, exc)
            self._emit("script_stopped", reason=str(exc))
            return False
        return True

    def _apply_commands(self, recorder: SessionRecorder, block: float) -> bool:
        """Apply the interventions that have arrived (waiting up to ``block`` s for one); True if any came."""
        try:
            command = self.commands.get(timeout=block) if block > 0 else self.commands.get_nowait()
        except queue.Empty:
            return False
        while True:
            self._apply(recorder, command)
            try:
                command = self.commands.get_nowait()
            except queue.Empty:
                return True

    def _apply(self, recorder: SessionRecorder, command) -> None:
        runner = self.runner
        if isinstance(command, dict):       # a pod: another seat station's decision or request, relayed
            if command.get("type") == p.SEAT_REQUEST_RELAY:
                self._apply_request_relay(recorder, command)
            else:
                self._apply_relay(recorder, command)
            return
        if self.hold_at[runner.scene_id] > 0:
            self.hold_at[runner.scene_id] -= 1    # an intervention at a hold scene counts towards its release
        try:
            entry = runner.apply_intervention(command.action, **command.params())
        except RunnerError as exc:
            self.link.command_failed(command.command_id, str(exc))
            self._emit("intervention_failed", command_id=command.command_id, action=command.action, reason=str(exc))
            return
        if entry is None:
            return                  # delivered again after a reconnect: applied already
        recorder.persist()
        recorder.finish_if_ended()
        self.link.notify()
        self._emit("intervention", command_id=command.command_id, action=command.action, scene=entry["scene"])
        self._note_view()

    def _apply_relay(self, recorder: SessionRecorder, relay: dict) -> None:
        try:
            applied = apply_relay(self.runner, relay)
        except RunnerError as exc:
            self.link.command_failed(relay["decision_id"], str(exc))
            self._emit("relay_refused", seat=relay["seat"], scene=relay["scene_id"], reason=str(exc))
            return
        if not applied:
            return                  # delivered again after a reconnect: applied already
        recorder.persist()
        recorder.finish_if_ended()
        self.link.notify()
        self._emit("relayed", seat=relay["seat"], scene=relay["scene_id"], station_id=relay["station_id"])
        self._note_view()

    def _apply_request_relay(self, recorder: SessionRecorder, relay: dict) -> None:
        try:
            record = apply_request_relay(self.runner, relay)
        except RunnerError as exc:
            self.link.command_failed(relay["request_id"], str(exc))
            self._emit("request_refused", seat=relay["seat"], partner=relay["partner"], reason=str(exc))
            return
        if record is None:
            return                  # delivered again after a reconnect: applied already
        recorder.persist()          # stored at once: the request_made event, with its seat
        self.link.notify()
        self._emit("request_relayed", seat=relay["seat"], partner=relay["partner"], station_id=relay["station_id"])
        self._note_view()

    def _note_view(self) -> None:
        if self.seat is not None and self.runner is not None:
            view = seat_view(self.runner, self.seat)
            if not self.views or self.views[-1] != view:
                self.views.append(view)

    def _on_runner_event(self, event) -> None:
        name = type(event).__name__
        if name == "SceneEntered":
            self._emit("scene", scene=event.scene_id, clock=event.clock)
        elif name == "DecisionRecorded":
            self._emit("decision", index=event.record.index, scene=event.record.scene_id)
        elif name == "Ended":
            self._emit("ended", ending=event.ending_id)

    def _on_status(self, connected: bool, message: str) -> None:
        fingerprint = self.link.short_fingerprint if connected and self.link is not None else ""
        self._emit("link", connected=connected, message=message, **({"fingerprint": fingerprint} if fingerprint else {}))

    def _emit(self, event: str, **data) -> None:
        if self.on_event is not None:
            try:
                self.on_event({"event": event, "syndicate": self.syndicate, **data})
            except Exception:
                log.exception("a headless station event callback failed")

"""Record a runner's session into a SessionStore as the trainee app does, for headless stations.

Subscribes to the runner: each event is appended the moment it happens, and ``persist``
appends the runner's final log entries (inputs, including facilitator interventions)
with the clock after each action, so ``ScenarioRunner.restore`` rebuilds the session and
the hash chain grows with every record. Same event shapes as gui/session_controller.py,
so the review window and the exports read these sessions unchanged.
Must not import Qt, the GUI or the network library.
"""

from __future__ import annotations

import threading
from dataclasses import asdict

from ..engine.runner import (DecisionRecorded, DocumentOpened, Ended, InjectFired, MessageArrived, ReferenceOpened,
                             RequestAnswered, RequestMade, ScenarioRunner, SceneEntered)
from ..records.recording import event_data
from ..engine.scoring import score_runner

_ACTIONS = ("choose", "expire", "continue", "facilitator")


class SessionRecorder:
    """Keeps ``store`` in step with ``runner`` for one session; thread-safe (one lock)."""

    def __init__(self, store, runner: ScenarioRunner, session_id: str, *, persisted: int = 0):
        self.store = store
        self.runner = runner
        self.session_id = session_id
        self.persisted = persisted          # how many runner.log entries the store already holds
        self.lock = threading.RLock()
        runner.subscribe(self._on_event)

    def _on_event(self, event) -> None:
        sid = self.session_id
        if isinstance(event, SceneEntered):
            self.store.append_event(sid, "scene_entered", {"scene_id": event.scene_id}, event.clock)
        elif isinstance(event, InjectFired):
            self.store.append_event(sid, "inject_fired", asdict(event), event.clock)
        elif isinstance(event, DecisionRecorded):
            r = event.record
            self.store.append_event(sid, "decision_recorded", {
                "index": r.index, "scene_id": r.scene_id, "kind": r.kind, "selection": r.selection,
                "rationale": r.rationale, "expired": r.expired, "meta": r.meta}, r.clock)
        elif isinstance(event, ReferenceOpened):
            self.store.append_event(sid, "reference_opened", {"reference_id": event.reference_id}, event.clock)
        elif isinstance(event, DocumentOpened):
            self.store.append_event(sid, "document_opened", {"media_id": event.media_id}, event.clock)
        elif isinstance(event, Ended):
            self.store.append_event(sid, "ended", {"ending_id": event.ending_id}, event.clock)
        elif isinstance(event, (MessageArrived, RequestMade, RequestAnswered)):   # seats, requests for information
            self.store.append_event(sid, *event_data(event))

    def persist(self, final: bool = False) -> None:
        """Append the runner's log entries not stored yet (the growing last ``advance`` waits unless final)."""
        with self.lock:
            entries = self.runner.log
            end = len(entries) - (1 if entries and entries[-1]["type"] == "advance" and not final else 0)
            while self.persisted < end:
                entry = dict(entries[self.persisted])
                last = self.persisted == len(entries) - 1
                clock_after = self.runner.clock.seconds if entry["type"] in _ACTIONS and last else None
                self.store.append_input(self.session_id, entry, clock_after=clock_after)
                self.persisted += 1

    def finish_if_ended(self) -> bool:
        """Store the score report once the session has ended; True when the session is finished."""
        with self.lock:
            if not self.runner.ended:
                return False
            self.persist(final=True)
            if self.store.session(self.session_id).status == "in_progress":
                self.store.finish_session(self.session_id, score_runner(self.runner).to_dict())
            return True

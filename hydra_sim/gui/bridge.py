"""The bridge: engine events in, Qt signals out.

``RunnerBridge`` subscribes to a ``ScenarioRunner`` and re-emits each event as a
past-tense Qt signal carrying the engine's own event object. The runner cannot
unsubscribe, so the bridge ignores events from any runner but the one it is attached to.
Must not import screens or widgets; holds no scenario rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from ..engine import ScenarioRunner


class RunnerBridge(QObject):
    scene_entered = Signal(object)       # SceneEntered
    inject_fired = Signal(object)        # InjectFired
    decision_recorded = Signal(object)   # DecisionRecorded
    reference_opened = Signal(object)    # ReferenceOpened
    document_opened = Signal(object)     # DocumentOpened
    ended = Signal(object)               # Ended
    request_made = Signal(object)        # RequestMade (a request for information to a partner)
    request_answered = Signal(object)    # RequestAnswered

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._runner: ScenarioRunner | None = None

    def attach(self, runner: ScenarioRunner | None) -> None:
        self._runner = runner
        if runner is not None:
            runner.subscribe(lambda event, source=runner: self._relay(source, event))

    def _relay(self, source: ScenarioRunner, event: object) -> None:
        if source is not self._runner:
            return
        from ..engine import (DecisionRecorded, DocumentOpened, Ended, InjectFired, ReferenceOpened, RequestAnswered,
                              RequestMade, SceneEntered)
        if isinstance(event, SceneEntered):
            self.scene_entered.emit(event)
        elif isinstance(event, InjectFired):
            self.inject_fired.emit(event)
        elif isinstance(event, DecisionRecorded):
            self.decision_recorded.emit(event)
        elif isinstance(event, ReferenceOpened):
            self.reference_opened.emit(event)
        elif isinstance(event, DocumentOpened):
            self.document_opened.emit(event)
        elif isinstance(event, Ended):
            self.ended.emit(event)
        elif isinstance(event, RequestMade):
            self.request_made.emit(event)
        elif isinstance(event, RequestAnswered):
            self.request_answered.emit(event)

"""Works out each opened scenario's best path off the GUI thread, once per version.

The main window calls ``prepare(scenario, conditions)`` when a scenario is opened (its
briefing, with the default run conditions) and when a session starts or resumes (with the
run conditions it drew); one worker thread runs ``engine.best_path.BestPaths.compute``
(the explorer within a time budget and a state cap) and ``ready`` is emitted on the GUI
thread with the result. The debrief reads ``result(scenario)``, so the trainee never waits
on the explorer. Must not import the store or the controller.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Job(QRunnable):
    def __init__(self, service: BestPathService, scenario, conditions) -> None:
        super().__init__()
        self.service = service
        self.scenario = scenario
        self.conditions = conditions

    def run(self) -> None:
        try:
            result = self.service.cache.compute(self.scenario, self.conditions)
        except Exception:      # the debrief must still show; the log has the details
            log.exception("could not work out the best path of %s", self.scenario.id)
            from ..engine.best_path import BestPath
            result = BestPath("not_exact")
        if result is not None:
            self.service.finished.emit(self.service.cache.key(self.scenario, self.conditions), result)


class BestPathService(QObject):
    """``ready(key, BestPath)`` on the GUI thread when a scenario version's best path is known."""
    ready = Signal(str, object)
    finished = Signal(str, object)        # emitted on the worker thread; queued on to ``ready``

    def __init__(self, parent: QObject | None = None, cache=None) -> None:
        super().__init__(parent)
        if cache is None:
            from ..engine.best_path import BestPaths      # the engine is not imported at start-up
            cache = BestPaths()
        self.cache = cache
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)      # one search at a time: the GUI thread keeps the other core
        self.finished.connect(self.ready)

    def key(self, scenario, conditions=None) -> str:
        return self.cache.key(scenario, conditions)

    def result(self, scenario, conditions=None):
        return self.cache.get(scenario, conditions)

    def prepare(self, scenario, conditions=None) -> None:
        """Start working out the best path under these run conditions (None: their defaults)."""
        if scenario is not None and self.cache.get(scenario, conditions) is None:
            self.pool.start(_Job(self, scenario, conditions))

    def shutdown(self) -> None:
        """Stop any search at its next step and wait for the worker (the app is closing)."""
        self.cache.cancel_all()
        self.pool.waitForDone()

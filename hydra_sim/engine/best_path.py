"""The best path of a scenario version for the debrief, worked out once, ahead, within limits.

``BestPaths`` is a small thread-safe cache keyed by the scenario's content hash and the run
conditions (a new version of the file is a new key, so nothing goes stale). ``compute(scenario)`` runs the
explorer with a time budget and a state cap (its memory) and keeps a ``BestPath``:

- ``full_marks``: a path that earns full marks (exact: it was played through the runner);
- ``no_full_marks``: the search finished and no path earns full marks; ``steps`` is the
  best path there is and ``percent`` its score (exact);
- ``not_exact``: the search could not finish within its limits; ``steps`` is the best path
  found (``percent``), and a better one may exist. The debrief says so plainly.

The GUI starts ``compute`` off its own thread when a scenario is opened, so the debrief
(minutes later) only reads the cache. Must not import Qt or any GUI code.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from .explorer import Explorer
from .model import Scenario

BUDGET_SECONDS = 8.0         # the search stops then and keeps the best path found
MAX_STATES = 60_000          # the memory cap: a few hundred MB at most
KEPT = 16                    # scenario versions kept


@dataclass(frozen=True)
class BestPath:
    kind: str                          # "full_marks", "no_full_marks" or "not_exact"
    steps: list[dict] = field(default_factory=list)
    percent: float | None = None

    @property
    def exact(self) -> bool:
        return self.kind != "not_exact"


def best_path(scenario: Scenario, conditions: dict | None = None, budget: float = BUDGET_SECONDS,
              max_states: int = MAX_STATES, explorer_ready=None, seat: str | None = None) -> BestPath:
    """Explore under these run conditions (their defaults if None) within the limits.
    ``explorer_ready(explorer)`` is told the explorer before it runs, so a caller on another
    thread can ``cancel()`` it. ``seat``: the best path of one seat of a seated scenario (its
    steps are that seat's own; stand-ins take the others' decisions)."""
    explorer = Explorer(scenario, max_states, conditions, budget=budget, seat=seat)
    if explorer_ready is not None:
        explorer_ready(explorer)
    report = explorer.run()
    if report.full_marks_path is not None:
        return BestPath("full_marks", list(report.full_marks_path), 100.0)
    steps = list(report.best_found_path or [])
    return BestPath("no_full_marks" if report.complete else "not_exact", steps, report.best_found_percent)


class BestPaths:
    """Best paths by scenario content hash; ``compute`` is safe to call from any thread, and
    the same version is never worked out twice at once."""

    def __init__(self, budget: float = BUDGET_SECONDS, max_states: int = MAX_STATES):
        self.budget = budget
        self.max_states = max_states
        self._lock = threading.Lock()
        self._done: OrderedDict[str, BestPath] = OrderedDict()
        self._running: dict[str, Explorer | None] = {}

    @staticmethod
    def key(scenario: Scenario, conditions: dict | None = None, seat: str | None = None) -> str:
        """The scenario version (its content hash), the run conditions, defaults filled in, and
        the seat played (none: every seat)."""
        from .run_conditions import defaults
        values = dict(defaults(scenario), **(conditions or {}))
        version = scenario.content_hash or f"{scenario.id}@{id(scenario)}"
        return version + "".join(f";{name}={values[name]}" for name in sorted(values)) + \
            (f"|seat={seat}" if seat is not None else "")

    def get(self, scenario: Scenario, conditions: dict | None = None, seat: str | None = None) -> BestPath | None:
        with self._lock:
            return self._done.get(self.key(scenario, conditions, seat))

    def compute(self, scenario: Scenario, conditions: dict | None = None, seat: str | None = None) -> BestPath | None:
        """The best path, worked out now unless it is known or already being worked out
        (then None). Runs on the caller's thread."""
        key = self.key(scenario, conditions, seat)
        with self._lock:
            if key in self._done:
                return self._done[key]
            if key in self._running:
                return None
            self._running[key] = None

        def ready(explorer: Explorer) -> None:
            with self._lock:
                if self._running.get(key) is False:     # cancelled before it started
                    explorer.cancel()
                else:
                    self._running[key] = explorer

        try:
            result = best_path(scenario, conditions, self.budget, self.max_states, ready, seat)
        finally:
            with self._lock:
                cancelled = self._running.pop(key, None) is False
        if cancelled:
            return None
        with self._lock:
            self._done[key] = result
            while len(self._done) > KEPT:
                self._done.popitem(last=False)
        return result

    def cancel_all(self) -> None:
        """Stop every search in progress at its next step (the app is closing)."""
        with self._lock:
            for key, explorer in list(self._running.items()):
                if explorer is not None:
                    explorer.cancel()
                self._running[key] = False

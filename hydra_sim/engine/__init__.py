"""The Qt-free core of hydra_sim: scenario model, loader and lint, runner, scoring, explorer.

Import from here in the GUI and the records package. Nothing in ``hydra_sim.engine``
imports Qt (a test checks it).

The names below are loaded on first use (PEP 562), not when the package is imported:
importing one small submodule (``engine.text``, ``engine.library_index``) must not load the
explorer, the runner and ``transitions`` on the GUI thread before the start screen is shown.
"""

from __future__ import annotations

from ..lazy import lazy_names

# public name -> the submodule that defines it
_WHERE = {
    "ExplorationReport": "explorer", "explore": "explorer",
    "LibraryEntry": "library", "scan_library": "library",
    "LoadResult": "loader", "load_scenario": "loader",
    "Scenario": "model",
    "load_plan": "plan", "run_plan": "plan",
    "Problem": "problems", "ScenarioError": "problems",
    **{name: "runner" for name in (
        "Credit", "DecisionRecord", "DecisionRecorded", "DocumentOpened", "Ended", "InjectFired",
        "MessageArrived", "ReferenceOpened", "ReplayError", "RequestAnswered", "RequestMade", "RunnerError",
        "ScenarioRunner", "SceneEntered")},
    **{name: "scoring" for name in ("ActionResult", "ScoreReport", "score_runner", "score_session")},
}

__all__ = sorted(_WHERE)


__getattr__, __dir__ = lazy_names(__name__, _WHERE, globals())

"""The Qt-free core of hydra_sim: scenario model, loader and lint, runner, scoring, explorer.

Import from here in the GUI and the records package. Nothing in ``hydra_sim.engine``
imports Qt (a test checks it).
"""

from .explorer import ExplorationReport, explore
from .library import LibraryEntry, scan_library
from .loader import LoadResult, load_scenario
from .model import Scenario
from .plan import load_plan, run_plan
from .problems import Problem, ScenarioError
from .runner import (
                     Credit,
                     DecisionRecord,
                     DecisionRecorded,
                     DocumentOpened,
                     Ended,
                     InjectFired,
                     MessageArrived,
                     ReferenceOpened,
                     ReplayError,
                     RequestAnswered,
                     RequestMade,
                     RunnerError,
                     ScenarioRunner,
                     SceneEntered,
)
from .scoring import ActionResult, ScoreReport, score_runner, score_session

__all__ = [
    "ActionResult", "Credit", "DecisionRecord", "DecisionRecorded", "DocumentOpened", "Ended", "ExplorationReport", "InjectFired",
    "LibraryEntry", "MessageArrived", "LoadResult", "Problem", "ReferenceOpened", "ReplayError", "RequestAnswered", "RequestMade", "RunnerError", "Scenario",
    "ScenarioError", "ScenarioRunner", "SceneEntered", "ScoreReport", "explore", "load_plan", "load_scenario",
    "run_plan", "scan_library", "score_runner", "score_session",
]

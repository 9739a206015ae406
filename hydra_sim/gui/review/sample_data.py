"""Record scripted playthroughs into a session store exactly as the trainee app does.

Used by the review tests, the screenshots and the benchmark: each plan step is played on a
real ``ScenarioRunner`` and, as ``SessionController`` does, the runner's events are
appended as they happen, each final input after the step, and the score report at the end.
``decision_seconds`` stands in for the real time a trainee took (stored in the decision's
``meta`` as the app does). Must not import Qt or any GUI code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from ...engine import DecisionRecorded, Ended, InjectFired, ReferenceOpened, ScenarioRunner, SceneEntered
from ...engine.plan import Step, load_plan, run_plan
from ...engine.scoring import score_runner
from ...records.store import TraineeInfo


def plan_steps(path: str | Path) -> list[Step]:
    steps, problems = load_plan(Path(path), str(path))
    if steps is None:
        raise ValueError(f"cannot load the plan {path}: {problems}")
    return steps


def record_plan(store, scenario, steps: list[Step], trainee: TraineeInfo,
                decision_seconds: Callable[[int], float] | None = None) -> str:
    """Play ``steps`` of ``scenario`` and record the session in ``store``; returns the session id."""
    session_id = store.start_session(trainee, scenario)
    runner = ScenarioRunner(scenario)
    seconds = decision_seconds or (lambda index: 20.0 + 7 * index)
    original_choose, original_expire = runner.choose, runner.expire

    def choose(selection, rationale=None, meta=None):
        return original_choose(selection, rationale, {"decision_seconds": seconds(len(runner.decisions)),
                                                      "entry_seconds": 0.0, **(meta or {})})

    def expire(meta=None):
        return original_expire({"decision_seconds": seconds(len(runner.decisions)), **(meta or {})})
    runner.choose, runner.expire = choose, expire

    def on_event(event) -> None:
        if isinstance(event, SceneEntered):
            store.append_event(session_id, "scene_entered", {"scene_id": event.scene_id}, event.clock)
        elif isinstance(event, InjectFired):
            store.append_event(session_id, "inject_fired", asdict(event), event.clock)
        elif isinstance(event, DecisionRecorded):
            r = event.record
            store.append_event(session_id, "decision_recorded", {
                "index": r.index, "scene_id": r.scene_id, "kind": r.kind, "selection": r.selection,
                "rationale": r.rationale, "expired": r.expired, "meta": r.meta}, r.clock)
        elif isinstance(event, ReferenceOpened):
            store.append_event(session_id, "reference_opened", {"reference_id": event.reference_id}, event.clock)
        elif isinstance(event, Ended):
            store.append_event(session_id, "ended", {"ending_id": event.ending_id}, event.clock)
    runner.subscribe(on_event)
    persisted = 0

    def persist(final: bool) -> None:
        nonlocal persisted
        entries = runner.log
        end = len(entries) - (1 if entries and entries[-1]["type"] == "advance" and not final else 0)
        while persisted < end:
            entry = dict(entries[persisted])
            clock_after = runner.clock.seconds if entry["type"] in ("choose", "expire", "continue") and \
                persisted == len(entries) - 1 else None
            store.append_input(session_id, entry, clock_after=clock_after)
            persisted += 1
    runner.start()
    persist(False)
    marks = []        # an assessor marks a rationale after the session, in review: applied below
    for step in steps:
        if step.kind == "mark":
            marks.append(step)
            continue
        result = run_plan(scenario, [step], runner=runner)
        persist(False)
        if result.problem is not None:
            raise ValueError(f"plan step failed: {result.problem.format()}")
    persist(True)
    if runner.ended:
        store.finish_session(session_id, score_runner(runner).to_dict())
        for step in marks:
            index = [d.index for d in runner.decisions if d.scene_id == step.scene][-1]
            store.mark_rationale(session_id, scenario, index, step.selection, step.rationale or "Sample assessor")
    return session_id


def mini_plans() -> dict[str, list[Step]]:
    """Three ways through tests/fixtures/mini/mini.yaml: good, middling and careless."""
    return {
        "good": [Step("choose", "call", "ambulance"), Step("choose", "arrive", ["doors", "bwv"]),
                 Step("choose", "priorities", ["medical", "lorry", "forms"]),
                 Step("choose", "why", {"threat_risk": "People may be suffocating", "powers_policy": "s17 PACE"}),
                 Step("choose", "driver", "arrest", "He may be the facilitator"),
                 Step("continue", "handover")],
        "middling": [Step("choose", "call", "ambulance"), Step("choose", "arrive", ["bwv"]),
                     Step("choose", "priorities", ["forms", "medical", "lorry"]),
                     Step("choose", "why", {"threat_risk": "Unknown numbers"}),
                     Step("choose", "driver", "release", "No grounds yet"), Step("continue", "handover")],
        "careless": [Step("choose", "call", "refer"), Step("choose", "arrive", ["wait"])],
    }

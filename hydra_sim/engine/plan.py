"""Play scripts: a list of choices (and waits and expiries) that drives a scenario headless.

Read with the same safe YAML reader and located problems as scenarios; ``run_plan`` plays
the steps through a ``ScenarioRunner`` and stops with a located error where a step does
not fit (wrong scene, unknown option). Used by ``hydra-sim play`` and the tests.
Must not import Qt or any GUI code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .model import Scenario
from .problems import ERROR, Location, Problem
from .reader import NodeReader
from .runner import RunnerError, ScenarioRunner
from .yamlsource import YList, YMap, YNode, YScalar, read_yaml_file

PLAN_SUFFIX = ".plan.yaml"
_KEYWORDS = ("wait", "expire", "continue")


@dataclass
class Step:
    kind: str                 # choose | wait | expire | continue
    scene: str | None
    selection: object = None
    rationale: str | None = None
    minutes: float = 0.0
    location: Location = Location()


@dataclass
class PlanResult:
    runner: ScenarioRunner
    steps_done: int
    problem: Problem | None = None


def load_plan(path: Path, display_name: str | None = None) -> tuple[list[Step] | None, list[Problem]]:
    name = display_name or str(path)
    root, problems = read_yaml_file(path, name)
    if root is None:
        return None, problems
    r = NodeReader(name)
    m = r.mapping(root, "the play script", ("steps",), ("scenario", "description", "expect"))
    if m is None:
        return None, problems + r.problems
    steps = []
    for index, node in enumerate(r.sequence(m.items.get("steps"), "'steps'")):
        step = _step(r, node, index)
        if step is not None:
            steps.append(step)
    return steps, problems + r.problems


def _step(r: NodeReader, node: YNode, index: int) -> Step | None:
    where = f"step {index + 1}"
    if not isinstance(node, YMap) or not node.items:
        r.error("P001", f"{where} must be 'scene_id: answer', or 'wait: minutes'", node,
                "for example: '- call_received: threat_to_life'")
        return None
    loc = r.loc(node)
    if "scene" in node.items:
        m = r.mapping(node, where, ("scene", "choose"), ("rationale",))
        if m is None:
            return None
        return Step("choose", r.text(m, "scene", where), _answer(m.items["choose"]),
                    r.text(m, "rationale", where) or None, location=loc)
    if len(node.items) != 1:
        r.error("P001", f"{where} has {len(node.items)} keys; a short step has exactly one", node,
                "use the long form: {scene: ..., choose: ..., rationale: ...}")
        return None
    key, value = next(iter(node.items.items()))
    if key == "wait":
        minutes = r.number(node, "wait", where, 0.0, 0.0, 24 * 60)
        return Step("wait", None, minutes=minutes, location=loc)
    if key in ("expire", "continue"):
        scalar = r.scalar(value, f"'{key}' in {where}")
        return Step(key, scalar.value if scalar else None, location=loc) if scalar else None
    return Step("choose", key, _answer(value), location=loc)


def _answer(node: YNode):
    if isinstance(node, YScalar):
        return node.value
    if isinstance(node, YList):
        return [item.value if isinstance(item, YScalar) else None for item in node.items]
    if isinstance(node, YMap):
        return {k: (v.value if isinstance(v, YScalar) else "") for k, v in node.items.items()}
    return None


def run_plan(scenario: Scenario, steps: list[Step], runner: ScenarioRunner | None = None) -> PlanResult:
    runner = runner or ScenarioRunner(scenario)
    if not runner._started:
        runner.start()
    for done, step in enumerate(steps):
        problem = _play_step(runner, step)
        if problem is not None:
            return PlanResult(runner, done, problem)
    return PlanResult(runner, len(steps))


def _play_step(runner: ScenarioRunner, step: Step) -> Problem | None:
    def fail(message: str, hint: str | None = None) -> Problem:
        return Problem("P002", ERROR, message, step.location, hint)

    if runner.ended:
        return fail(f"the scenario already ended at '{runner.ended}'", "remove the steps after the ending")
    if step.kind == "wait":
        runner.advance(int(round(step.minutes * 60)))
        return None
    if step.scene != runner.scene_id:
        return fail(f"this step is for scene '{step.scene}', but the scenario is at '{runner.scene_id}'",
                    _where_hint(runner))
    try:
        if step.kind == "expire":
            runner.expire()
        elif step.kind == "continue":
            runner.continue_()
        else:
            runner.choose(step.selection, step.rationale)
    except RunnerError as exc:
        return fail(f"in scene '{step.scene}': {exc}", _where_hint(runner))
    return None


def _where_hint(runner: ScenarioRunner) -> str:
    decision = runner.decision
    if decision is None:
        return f"scene '{runner.scene_id}' has no decision: use 'continue: {runner.scene_id}'"
    options = ", ".join(o.id for o in runner.available_options())
    return f"'{runner.scene_id}' is a {decision.kind} decision" + (f" with options: {options}" if options else "")

"""Play scripts and playthrough test plans: choices that drive a scenario headless.

A plan is a list of steps (choices, waits, expiries, continues, requests for information to
a partner (``ask``), and ``expect`` checks along the way) plus optional final expectations (ending, grade, score range, variables,
action statuses). Read with the same safe YAML reader and located problems as scenarios;
``run_plan`` plays the steps through a ``ScenarioRunner`` and stops with a located error
where a step does not fit; ``run_test_plan`` also checks every expectation. Used by
``hydra-sim play``, ``hydra-sim test`` and the test suite. Must not import Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .model import Scenario
from .problems import ERROR, Location, Problem
from .reader import NodeReader
from .runner import RunnerError, ScenarioRunner
from .yamlsource import YList, YMap, YNode, YScalar, read_yaml_file

PLAN_SUFFIX = ".plan.yaml"
_KEYWORDS = ("wait", "expire", "continue")


@dataclass
class Expectation:
    """What must hold at a point of a plan; every field is optional."""
    location: Location
    scene: str | None = None
    ending: str | None = None
    outcome: str | None = None
    grade: str | None = None
    score_min: float | None = None
    score_max: float | None = None
    variables: dict = field(default_factory=dict)
    actions: dict = field(default_factory=dict)          # action id -> status
    critical_failures: list | None = None               # exactly these (any order)
    visited: list = field(default_factory=list)
    not_visited: list = field(default_factory=list)
    injects_fired: list = field(default_factory=list)


@dataclass
class Step:
    kind: str                 # choose | wait | expire | continue | expect | mark | request (an 'ask' step)
    scene: str | None
    selection: object = None
    rationale: str | None = None
    minutes: float = 0.0
    location: Location = Location()
    expectation: Expectation | None = None


@dataclass
class Plan:
    path: Path
    steps: list[Step]
    expectation: Expectation | None = None
    scenario: str | None = None        # scenario file, relative to the plan
    description: str = ""
    conditions: dict = field(default_factory=dict)   # run conditions to play under (the rest: defaults)
    seat: str | None = None            # a seated scenario: the seat the steps play (stand-ins take the rest)

    def scenario_path(self) -> Path:
        """The scenario a plan tests: its ``scenario`` field, else ``<id>.yaml`` beside it."""
        if self.scenario:
            return (self.path.parent / self.scenario).resolve()
        return self.path.parent / (self.path.name.split(".")[0] + ".yaml")


@dataclass
class PlanResult:
    runner: ScenarioRunner
    steps_done: int
    problem: Problem | None = None


def load_plan(path: Path, display_name: str | None = None) -> tuple[list[Step] | None, list[Problem]]:
    """Just the steps of a plan (for playing); see ``load_test_plan`` for expectations."""
    plan, problems = load_test_plan(path, display_name)
    return (plan.steps if plan is not None else None), problems


def load_test_plan(path: Path, display_name: str | None = None) -> tuple[Plan | None, list[Problem]]:
    path = Path(path)
    name = display_name or str(path)
    root, problems = read_yaml_file(path, name)
    if root is None:
        return None, problems
    r = NodeReader(name)
    m = r.mapping(root, "the play script", ("steps",), ("scenario", "description", "conditions", "expect", "seat"))
    if m is None:
        return None, problems + r.problems
    steps = []
    for index, node in enumerate(r.sequence(m.items.get("steps"), "'steps'")):
        step = _step(r, node, index)
        if step is not None:
            steps.append(step)
    expectation = _expectation(r, m.items["expect"], "'expect'") if "expect" in m.items else None
    plan = Plan(path, steps, expectation, r.text(m, "scenario", "the play script") or None,
                r.text(m, "description", "the play script"), seat=r.ident(m, "seat", "the play script"))
    conditions = m.items.get("conditions")
    if conditions is not None:
        cm = r.mapping(conditions, "'conditions'", (), tuple(getattr(conditions, "items", {})))
        if cm is not None:
            plan.conditions = {k: _answer(v) for k, v in cm.items.items()}
    return plan, problems + r.problems


_EXPECT_FIELDS = ("scene", "ending", "outcome", "grade", "score", "variables", "actions", "critical_failures",
                  "visited", "not_visited", "injects_fired")
_STATUSES = ("on_time", "late", "missed", "contravened", "not_reached", "not_applicable", "awaiting_marking")


def _expectation(r: NodeReader, node: YNode, where: str) -> Expectation | None:
    m = r.mapping(node, where, (), _EXPECT_FIELDS)
    if m is None:
        return None
    e = Expectation(r.loc(m), scene=r.ident(m, "scene", where), ending=r.ident(m, "ending", where),
                    outcome=r.ident(m, "outcome", where), grade=r.ident(m, "grade", where))
    score = m.items.get("score")
    if isinstance(score, YScalar):
        e.score_min = e.score_max = r.number(m, "score", where, 0.0, 0.0, 100.0)
    elif score is not None:
        sm = r.mapping(score, f"'score' in {where}", (), ("min", "max"))
        if sm is not None:
            e.score_min = r.number(sm, "min", f"'score' in {where}", 0.0, 0.0, 100.0) if "min" in sm.items else None
            e.score_max = r.number(sm, "max", f"'score' in {where}", 100.0, 0.0, 100.0) if "max" in sm.items else None
    variables = m.items.get("variables")
    if variables is not None:
        vm = r.mapping(variables, f"'variables' in {where}", (), tuple(getattr(variables, "items", {})))
        if vm is not None:
            e.variables = {k: _answer(v) for k, v in vm.items.items()}
    actions = m.items.get("actions")
    if actions is not None:
        am = r.mapping(actions, f"'actions' in {where}", (), tuple(getattr(actions, "items", {})))
        if am is not None:
            for action_id, value in am.items.items():
                scalar = r.scalar(value, f"'actions: {action_id}' in {where}")
                if scalar is not None and r.choice_value(scalar, f"'actions: {action_id}' in {where}",
                                                         _STATUSES, None):
                    e.actions[action_id] = scalar.value
    if "critical_failures" in m.items:
        e.critical_failures = [v for v, _ in r.id_list(m, "critical_failures", where)]
    e.visited = [v for v, _ in r.id_list(m, "visited", where)]
    e.not_visited = [v for v, _ in r.id_list(m, "not_visited", where)]
    e.injects_fired = [v for v, _ in r.id_list(m, "injects_fired", where)]
    return e


def _step(r: NodeReader, node: YNode, index: int) -> Step | None:
    where = f"step {index + 1}"
    if not isinstance(node, YMap) or not node.items:
        r.error("P001", f"{where} must be 'scene_id: answer', or 'wait: minutes'", node,
                "for example: '- call_received: threat_to_life'")
        return None
    loc = r.loc(node)
    if "expect" in node.items and len(node.items) == 1:
        expectation = _expectation(r, node.items["expect"], f"'expect' in {where}")
        return Step("expect", None, location=loc, expectation=expectation) if expectation else None
    if "mark" in node.items:       # an assessor's marking of a rationale's rubric
        m = r.mapping(node, where, ("mark", "marks"), ("by",))
        if m is None or "marks" not in m.items:
            return None
        return Step("mark", r.text(m, "mark", where), _answer(m.items["marks"]),
                    r.text(m, "by", where) or "test plan", location=loc)
    if "ask" in node.items:        # a request for information: {ask: partner, question, urgency, topic}
        m = r.mapping(node, where, ("ask", "question"), ("urgency", "topic"))
        if m is None:
            return None
        return Step("request", None, {"partner": r.text(m, "ask", where), "question": r.text(m, "question", where),
                                      "urgency": r.text(m, "urgency", where) or "routine",
                                      "topic": r.text(m, "topic", where) or None}, location=loc)
    if "scene" in node.items:
        m = r.mapping(node, where, ("scene", "choose"), ("rationale",))
        if m is None or "choose" not in m.items:     # the missing field is already reported
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
    if isinstance(node, YMap):     # NDM boxes, with the structured parts as a nested mapping
        return {k: (v.value if isinstance(v, YScalar) else _answer(v) if isinstance(v, YMap) else "")
                for k, v in node.items.items()}
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

    if step.kind == "expect":
        failures = check_expectation(runner, step.expectation)
        return Problem("P003", ERROR, "; ".join(failures), step.location) if failures else None
    if step.kind == "mark":
        records = [d for d in runner.decisions if d.scene_id == step.scene]
        if not records:
            return fail(f"no decision was made in scene '{step.scene}' to mark", "mark a rationale after it")
        try:
            runner.mark(records[-1].index, step.selection, by=step.rationale or "test plan", at="test plan")
        except RunnerError as exc:
            return fail(f"marking scene '{step.scene}': {exc}")
        return None
    if runner.ended:
        return fail(f"the scenario already ended at '{runner.ended}'", "remove the steps after the ending")
    if step.kind == "wait":
        runner.advance(int(round(step.minutes * 60)))
        return None
    if step.kind == "request":      # sent from wherever the session is: no scene to check
        try:
            runner.request_information(**step.selection)
        except RunnerError as exc:
            return fail(f"asking {step.selection.get('partner')!r}: {exc}")
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


def check_expectation(runner: ScenarioRunner, e: Expectation) -> list[str]:
    """Every way the runner's state differs from the expectation, in words."""
    from .scoring import score_runner
    failures = []
    if e.scene and runner.scene_id != e.scene:
        failures.append(f"expected to be at scene '{e.scene}', but at '{runner.scene_id}'")
    if e.ending and runner.ended != e.ending:
        failures.append(f"expected ending '{e.ending}', got '{runner.ended or 'no ending yet'}'")
    if e.outcome:
        outcome = runner.scenario.endings[runner.ended].outcome if runner.ended else None
        if outcome != e.outcome:
            failures.append(f"expected outcome '{e.outcome}', got '{outcome}'")
    for name, value in e.variables.items():
        actual = runner.variables.get(name, "<undefined>")
        if str(actual).lower() != str(value).lower():
            failures.append(f"expected {name} = {value}, got {actual}")
    visited = {scene for scene, _ in runner.path}
    failures += [f"expected to have visited '{s}'" for s in e.visited if s not in visited]
    failures += [f"expected not to visit '{s}'" for s in e.not_visited if s in visited]
    fired = {i.inject_id for i in runner.inject_log}
    failures += [f"expected inject '{i}' to have fired" for i in e.injects_fired if i not in fired]
    if e.grade or e.score_min is not None or e.score_max is not None or e.actions or e.critical_failures is not None:
        report = score_runner(runner)
        if e.grade and report.grade_id != e.grade:
            failures.append(f"expected grade '{e.grade}', got '{report.grade_id}' ({report.percent:.1f}%)")
        if e.score_min is not None and report.percent < e.score_min:
            failures.append(f"expected a score of at least {e.score_min:g}%, got {report.percent:.1f}%")
        if e.score_max is not None and report.percent > e.score_max:
            failures.append(f"expected a score of at most {e.score_max:g}%, got {report.percent:.1f}%")
        statuses = {a.action_id: a.status for a in report.actions}
        for action_id, status in e.actions.items():
            if statuses.get(action_id) != status:
                failures.append(f"expected {action_id} {status}, got {statuses.get(action_id, 'not assessed')}")
        if e.critical_failures is not None and sorted(e.critical_failures) != sorted(report.critical_failures):
            failures.append(f"expected critical failures {sorted(e.critical_failures)}, got "
                            f"{sorted(report.critical_failures)}")
    return failures


@dataclass
class TestResult:
    plan: Plan
    passed: bool
    problems: list[Problem]
    runner: ScenarioRunner | None = None

    __test__ = False     # not a pytest test class


def run_test_plan(plan: Plan, scenario: Scenario) -> TestResult:
    from .run_conditions import ConditionError, parse_assignments
    try:
        conditions = parse_assignments([f"{k}={v}" for k, v in plan.conditions.items()], scenario)
        runner = ScenarioRunner(scenario, conditions=conditions, seat=plan.seat)
    except (ConditionError, RunnerError) as exc:
        what = "'seat'" if isinstance(exc, RunnerError) and plan.seat and "seat" in str(exc) else "'conditions'"
        return TestResult(plan, False, [Problem("P002", ERROR, f"{what} in the plan: {exc}",
                                                Location(str(plan.path), 1, 1))], None)
    result = run_plan(scenario, plan.steps, runner)
    if result.problem is not None:
        return TestResult(plan, False, [result.problem], result.runner)
    if plan.expectation is not None:
        failures = check_expectation(result.runner, plan.expectation)
        if failures:
            return TestResult(plan, False, [Problem("P003", ERROR, f, plan.expectation.location) for f in failures],
                              result.runner)
    return TestResult(plan, True, [], result.runner)

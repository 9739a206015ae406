"""Deep scoring checks for lint (A003-A007), from an exhaustive exploration of the scenario.

``deep_check(scenario)`` runs the explorer (at most 50,000 states) and turns its report into
located lint problems an author can act on:

- A003 info: the score range of each ending;
- A004 warning: an assessed action that no path can achieve;
- A005: an ending that cannot pass (its best path is below the pass mark) or cannot fail
  (its worst path is at or above it). Harm-type endings that cannot pass are expected, so
  that is an info; a good or partial ending that cannot pass is a warning. The other way
  round for "cannot fail";
- A006 info: a critical action that a choice makes impossible, naming the first choice on
  the explorer's example path after which no path can evidence it;
- A007 info: the checks were skipped (more than 400 scenes) or the explorer stopped early
  (more than 50,000 states, or more than 5 seconds: lint must stay fast).

Must not import Qt or any GUI code.
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace

from .explorer import Explorer, _all_moves
from .loader import referenced_action_ids
from .model import Scenario
from .problems import INFO, WARNING, Location, Problem

MAX_STATES = 50_000
MAX_SCENES = 400
TIME_BUDGET_SECONDS = 5.0     # per scenario: lint stays fast; 'hydra-sim explore --budget' can give more
BAD_OUTCOMES = frozenset({"harm", "investigation_lost", "safeguarding_failure"})


def pass_mark(scenario: Scenario) -> float | None:
    """The lowest score that earns a passing grade, or None when every score passes."""
    policy = scenario.scoring
    passing = [g.min_percent for g in policy.grades if g.id != policy.critical_fail_grade]
    mark = min(passing) if passing else None
    return mark if mark else None


def format_step(label: dict) -> str:
    (key, value), = label.items()
    if key == "continue":
        return f"continue {value}"
    if key == "expire":
        return f"let '{value}' time out"
    if key == "wait":
        return f"wait {value} min"
    if isinstance(value, list):
        return f"{key}: [{', '.join(value)}]" if value else f"{key}: (none ticked)"
    if isinstance(value, dict):
        return f"{key}: rationale"
    return f"{key}: {value}"


def abbreviate(path: list[dict], keep: int = 6) -> str:
    steps = [format_step(step) for step in path]
    if len(steps) > keep:
        steps = steps[:3] + ["…"] + steps[-2:]
    return " > ".join(steps) or "(the start)"


def deep_check(scenario: Scenario, max_states: int = MAX_STATES, max_scenes: int = MAX_SCENES,
               seconds: float = TIME_BUDGET_SECONDS) -> list[Problem]:
    """Run the explorer on a scenario that loaded without errors; problems A003-A007.

    Under every combination of its run conditions (the time budget shared between them): a
    finding that holds under all of them is said once, the others name their conditions."""
    if len(scenario.scenes) > max_scenes:
        return [Problem("A007", INFO, f"deep scoring checks skipped: the scenario has {len(scenario.scenes)} "
                        f"scenes (more than {max_scenes})", scenario.location,
                        "run 'hydra-sim explore' on it for score ranges and missable actions")]
    if not scenario.assessed:
        return []
    from .run_conditions import combinations, short
    settings = list(combinations(scenario))
    found = [_deep_check_one(scenario, conditions, max_states, seconds / len(settings)) for conditions in settings]
    if len(found) == 1:
        return found[0]
    common = set.intersection(*({(p.code, p.message, p.location) for p in problems} for problems in found))
    merged = [p for p in found[0] if (p.code, p.message, p.location) in common]
    for conditions, problems in zip(settings, found):
        merged += [replace(p, message=f"{p.message} (under {short(conditions)})") for p in problems
                   if (p.code, p.message, p.location) not in common]
    return merged


def _deep_check_one(scenario: Scenario, conditions: dict, max_states: int, seconds: float) -> list[Problem]:
    explorer = Explorer(scenario, max_states, conditions=conditions, budget=seconds)   # as 'hydra-sim explore'
    report = explorer.run()
    problems: list[Problem] = []
    stopped = explorer.timed_out or any(note.startswith("stopped") for note in report.notes)
    if explorer.timed_out:
        problems.append(Problem("A007", INFO, f"the deep scoring checks stopped after {seconds:g} seconds "
                                f"({report.states:,} states explored), so score ranges cover only part of the "
                                "scenario and missable actions are not checked", scenario.location,
                                "run 'hydra-sim explore --budget SECONDS' with more time for the full report"))
    elif report.approximate:
        note = report.notes[0] if report.notes else "some combinations were not explored"
        problems.append(Problem("A007", INFO, f"the deep scoring checks are incomplete: {note}",
                                scenario.location, "'hydra-sim explore' reports the same; fewer early-set "
                                "variables make the scenario smaller to explore"))
    mark = pass_mark(scenario)
    for bounds in report.endings:
        ending = scenario.endings[bounds.ending_id]
        problems.append(Problem("A003", INFO, f"ending '{ending.id}' ({ending.outcome}) scores between "
                                f"{bounds.min_percent:g}% and {bounds.max_percent:g}%", ending.location))
        if mark is None or stopped:
            continue
        bad = ending.outcome in BAD_OUTCOMES
        if bounds.max_percent < mark:
            problems.append(Problem(
                "A005", INFO if bad else WARNING,
                f"ending '{ending.id}' ({ending.outcome}) cannot pass: its best path scores "
                f"{bounds.max_percent:g}%, below the pass mark of {mark:g}%"
                + (" (expected for this kind of ending)" if bad else ""), ending.location,
                None if bad else "check that a trainee who reaches this ending can earn enough credit on the way"))
        elif bounds.min_percent >= mark:
            problems.append(Problem(
                "A005", WARNING if bad else INFO,
                f"ending '{ending.id}' ({ending.outcome}) cannot fail on score: every path there scores at least "
                f"{bounds.min_percent:g}%, at or above the pass mark of {mark:g}%", ending.location,
                "give poor choices on the way to it a cost (contravenes), or route them elsewhere" if bad else None))
    if stopped:
        return problems
    refs = referenced_action_ids(scenario)
    overrides = scenario.assess_overrides or {}
    from .requests import request_actions
    by_request = request_actions(scenario)      # the explorer plays no requests; one can be sent at any time
    for action_id in report.unachievable_actions:
        if action_id in by_request:
            continue
        problems.append(Problem("A004", WARNING, f"'{action_id}' is assessed but no path can achieve it",
                                _action_location(scenario, action_id, refs, overrides),
                                "check the conditions and routes leading to the choices that evidence it"))
    unachievable = set(report.unachievable_actions)
    ruling = _RulingOut(explorer)
    for action_id, path in sorted(report.missable_critical.items()):
        if action_id in unachievable:
            continue
        step_index = ruling.first_ruling_step(explorer.index[action_id], path)
        if step_index is not None:
            step = path[step_index]
            problems.append(Problem("A006", INFO, f"critical action '{action_id}' becomes impossible after "
                                    f"'{format_step(step)}': no path from there evidences it",
                                    _step_location(scenario, step),
                                    f"example path: {abbreviate(path[: step_index + 1])}"))
        else:
            problems.append(Problem("A006", INFO, f"critical action '{action_id}' can be missed",
                                    _action_location(scenario, action_id, refs, overrides),
                                    f"example path: {abbreviate(path)}"))
    return problems


def _action_location(scenario: Scenario, action_id: str, refs: dict, overrides: dict) -> Location:
    if action_id in refs:
        return refs[action_id]
    entry = overrides.get(action_id)
    if entry and "_node" in entry:
        key = entry["_node"]
        return Location(scenario.location.file, key.line + 1, key.column + 1)
    return scenario.location


def _step_location(scenario: Scenario, step: dict) -> Location:
    (key, value), = step.items()
    scene_id = value if key in ("continue", "expire") else key
    scene = scenario.scenes.get(scene_id) if isinstance(scene_id, str) else None
    if scene is None:
        return scenario.location
    if scene.decision is not None and isinstance(value, str):
        option = scene.decision.option(value)
        if option is not None:
            return option.location
    return scene.decision.location if scene.decision is not None else scene.location


class _RulingOut:
    """Which explored states can still lead to evidence of an action (backward reachability)."""

    def __init__(self, explorer: Explorer):
        self.explorer = explorer
        self.reverse: dict[int, set[int]] = {}
        for node_id, node in enumerate(explorer.nodes):
            for move in _all_moves(node):
                self.reverse.setdefault(move.target, set()).add(node_id)

    def can_still(self, action: int) -> set[int]:
        base = {node_id for node_id, node in enumerate(self.explorer.nodes)
                if any(i == action for move in _all_moves(node) for i, _ in move.evidence)}
        seen = set(base)
        queue = deque(base)
        while queue:
            for source in self.reverse.get(queue.popleft(), ()):
                if source not in seen:
                    seen.add(source)
                    queue.append(source)
        return seen

    def first_ruling_step(self, action: int, path: list[dict]) -> int | None:
        """The index of the first step after which no state can evidence ``action``."""
        can = self.can_still(action)
        current = 0                       # the root is the first node the explorer made
        if current not in can:
            return None
        for index, label in enumerate(path):
            move = next((m for m in _all_moves(self.explorer.nodes[current]) if m.label == label), None)
            if move is None:
                return None
            if move.target not in can:
                return index
            current = move.target
        return None

"""What each scene can still lead to: a static over-approximation for the explorer.

``Futures(scenario).of(place, pending)`` gives, for a scene or ending and the top-level
injects still to come, the actions that some outcome reachable from there may still evidence
or contravene, the variables some condition reachable from there may read or some outcome
may write, the scene injects that may still fire, the endings that may be reached, and the
conditions that may still be evaluated (scoring's ``applies_if`` included). It follows every
edge a runner can take (routes, option and decision outcomes, expiry, rank rules, inject
redirects); a top-level inject still to come can fire in any scene, so its effects (and
where it redirects to) count everywhere but at an ending. Over-approximating is safe: the
explorer only merges states or banks scores for what can no longer change.
A decision's outcome that sends a message (seats.py) writes ``received.<id>``, as far as
this module is concerned: the name can become true after it. An inject's outcome never
sends (the runner sends only from decisions), so it writes no such name.

Must not import Qt or any GUI code.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .expressions import Expression
from .model import RECEIVED_PREFIX, Outcome, Scenario, Scene


@dataclass(frozen=True)
class Future:
    actions: frozenset[str]          # action ids some reachable outcome evidences or contravenes
    reads: frozenset[str]            # variables some reachable condition reads
    writes: frozenset[str]           # variables some reachable outcome sets or adds to
    injects: frozenset[str]          # scene-level inject ids of reachable scenes
    endings: frozenset[str]          # endings that may be reached
    conditions: tuple[Expression, ...]
    contravenes: frozenset[str] = frozenset()    # of ``actions``, those some outcome contravenes
    # Of ``writes``, those some condition may read after the write: only these variables need
    # their values kept. Any other variable read ahead is read with the value it has now.
    dirty: frozenset[str] = frozenset()


class _Local:
    """What one scene touches by itself, and where it can go."""

    def __init__(self) -> None:
        self.actions: set[str] = set()
        self.contravenes: set[str] = set()
        self.writes: set[str] = set()
        self.conditions: list[Expression] = []
        self.injects: set[str] = set()
        self.successors: set[str] = set()
        self.inject_writes: set[str] = set()     # written by the scene's injects: before any of its reads
        self.late_reads: set[str] = set()        # read by routes and injects: after the decision's writes

    def outcome(self, outcome: Outcome | None, by_inject: bool = False) -> None:
        if outcome is None:
            return
        self.actions.update(r.action_id for r in outcome.evidences)
        self.actions.update(r.action_id for r in outcome.contravenes)
        self.contravenes.update(r.action_id for r in outcome.contravenes)
        self.writes.update(outcome.sets)
        self.writes.update(outcome.adds)
        if not by_inject:           # the runner sends messages from decisions only
            self.writes.update(RECEIVED_PREFIX + m.id for m in outcome.sends)
        if by_inject:
            self.inject_writes.update(outcome.sets)
            self.inject_writes.update(outcome.adds)
        self.routes(outcome.next)

    def routes(self, routes) -> None:
        for route in routes:
            self.successors.add(route.target)
            self.condition(route.condition, late=True)

    def condition(self, expression: Expression | None, late: bool = False) -> None:
        if expression is not None:
            self.conditions.append(expression)
            if late:
                self.late_reads |= expression.reads

    def dirty(self) -> set[str]:
        """Variables this scene may write and then read again itself. A decision's option
        conditions are read before its outcome is applied; its routes, and the scene's injects
        (which may fire while the decision's minutes pass), after. An inject may fire before
        any of the scene's reads."""
        reads = set()
        for condition in self.conditions:
            reads |= condition.reads
        return (self.writes & self.late_reads) | (self.inject_writes & reads)


def _local(scene: Scene) -> _Local:
    local = _Local()
    local.routes(scene.next)
    decision = scene.decision
    if decision is not None:
        local.outcome(decision.outcome)
        local.outcome(decision.on_expiry)
        for option in decision.options:
            local.outcome(option.outcome)
            local.condition(option.condition)
        for rule in decision.rules:
            local.outcome(rule.when_kept)
            local.outcome(rule.when_broken)
        for part in decision.parts:
            for option in part.options:
                local.outcome(option.outcome)
                local.condition(option.condition)
        for criterion in decision.rubric:
            local.actions.update(r.action_id for r in criterion.evidences)
    for inject in scene.injects:
        local.injects.add(inject.id)
        local.outcome(inject.outcome, by_inject=True)
        local.condition(inject.condition, late=True)
        if inject.goto:
            local.successors.add(inject.goto)
    return local


class Futures:
    """The futures of a scenario's scenes and endings, given the top-level injects to come."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.scenes = _scene_futures(scenario)
        self.injects: dict[str, Future] = {}
        self.inject_reads: dict[str, frozenset] = {}     # what each top-level inject's condition reads
        for inject in scenario.injects:
            local = _Local()
            local.outcome(inject.outcome, by_inject=True)
            local.condition(inject.condition)
            parts = [_future_of(local, scenario)]
            if inject.goto in self.scenes:
                parts.append(self.scenes[inject.goto])
            self.injects[inject.id] = _union(parts)
            self.inject_reads[inject.id] = inject.condition.reads if inject.condition else frozenset()
        self._cache: dict[tuple, Future] = {}

    def of(self, place: str, pending: frozenset[str]) -> Future:
        """The future of a scene (or ending) while the top-level injects ``pending`` may still fire."""
        key = (place, pending)
        future = self._cache.get(key)
        if future is None:
            parts = [self.scenes[place]]
            if place not in self.scenario.endings:
                parts += [self.injects[i] for i in sorted(pending)]
            future = _union(parts) if len(parts) > 1 else parts[0]
            if len(parts) > 1:
                # A top-level inject may fire at any point: whatever it writes and anything read
                # ahead, or anything written ahead and its condition, may come in either order.
                written = frozenset().union(*(self.injects[i].writes for i in pending))
                read = frozenset().union(*(self.inject_reads[i] for i in pending))
                future = replace(future, dirty=future.dirty | (written & future.reads) | (future.writes & read))
            self._cache[key] = future
        return future


def _future_of(local: _Local, scenario: Scenario) -> Future:
    return _union([Future(frozenset(local.actions), frozenset(), frozenset(local.writes), frozenset(local.injects),
                          frozenset(), tuple(local.conditions), frozenset(local.contravenes))])


def _union(parts: list[Future]) -> Future:
    conditions = {}
    for part in parts:
        conditions.update((id(c), c) for c in part.conditions)
    reads = set()
    for condition in conditions.values():
        reads |= condition.reads
    return Future(frozenset().union(*(p.actions for p in parts)), frozenset(reads - {"elapsed", "scene_minutes"}),
                  frozenset().union(*(p.writes for p in parts)), frozenset().union(*(p.injects for p in parts)),
                  frozenset().union(*(p.endings for p in parts)), tuple(conditions.values()),
                  frozenset().union(*(p.contravenes for p in parts)), frozenset().union(*(p.dirty for p in parts)))


def _scene_futures(scenario: Scenario) -> dict[str, Future]:
    """Each scene's and ending's future without the top-level injects."""
    locals_ = {scene_id: _local(scene) for scene_id, scene in scenario.scenes.items()}
    scoring = [a.applies_if for a in scenario.assessed.values() if a.applies_if is not None]
    for ending_id in scenario.endings:
        locals_[ending_id] = _Local()
    components = _components(locals_)
    # Components come out of Tarjan's algorithm successors first, so each one's successors are done.
    result: dict[str, Future] = {}
    for component in components:
        actions, contravenes, writes, injects, endings, conditions = set(), set(), set(), set(), set(), {}
        later_reads, dirty = set(), set()       # what the successors read, and their dirty variables
        for node in component:
            local = locals_[node]
            actions |= local.actions
            contravenes |= local.contravenes
            writes |= local.writes
            injects |= local.injects
            conditions.update((id(c), c) for c in local.conditions)
            if node in scenario.endings:
                endings.add(node)
            for successor in local.successors:
                if successor in result and successor not in component:
                    future = result[successor]
                    actions |= future.actions
                    contravenes |= future.contravenes
                    writes |= future.writes
                    injects |= future.injects
                    endings |= future.endings
                    conditions.update((id(c), c) for c in future.conditions)
                    later_reads |= future.reads
                    dirty |= future.dirty
        conditions.update((id(c), c) for c in scoring)
        reads = set()
        for condition in conditions.values():
            reads |= condition.reads
        (only,) = component if len(component) == 1 else (None,)
        if only is not None and only not in locals_[only].successors:
            # One scene, no loop: a variable it writes is read again after the write only by
            # the scene itself (see _Local.dirty) or by what comes after it.
            local = locals_[only]
            dirty |= local.dirty() | (local.writes & later_reads)
        else:
            dirty |= writes & reads              # a loop: any write may come before any read
        future = Future(frozenset(actions), frozenset(reads - {"elapsed", "scene_minutes"}), frozenset(writes),
                        frozenset(injects), frozenset(endings), tuple(conditions.values()), frozenset(contravenes),
                        frozenset(dirty - {"elapsed", "scene_minutes"}))
        for node in component:
            result[node] = future
    return result


def _components(graph: dict[str, _Local]) -> list[list[str]]:
    """Strongly connected components, each after every component it leads to (iterative Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root].successors)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for successor in successors:
                if successor not in graph:
                    continue                    # a dangling id: the loader reports it
                if successor not in index:
                    index[successor] = low[successor] = counter
                    counter += 1
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor].successors))))
                    advanced = True
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                out.append(component)
    return out

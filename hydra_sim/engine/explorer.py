"""Exhaustive exploration of a scenario's reachable states, with exact score bounds.

The explorer steps the real ``ScenarioRunner`` (via snapshots) through every decision a
trainee can make, so it can never disagree with play. A state is (scene, clock, the
variables that some condition or scoring reads, fired injects, milestone times); states
that agree on those are merged. Scores are bounded by dynamic programming over states:
each state keeps a Pareto front of per-action statuses (on time > late > not yet >
contravened), which is exact because statuses only ever move in one direction. From this
it reports endings reached, the score range of each ending, actions no path can achieve,
critical actions that some path misses (with an example), and a full-marks path.
A rationale's rubric is assumed marked met (the most an assessor can give), so an action
its structured parts allow counts as earned at the decision's time.
Must not import Qt or any GUI code.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from dataclasses import dataclass, field

from .model import Scenario
from .runner import Credit, RunnerError, ScenarioRunner
from .scoring import deadline_for

CONTRAVENED, NONE, LATE, ON_TIME = 0, 1, 2, 3
MAX_CHECKLIST_ITEMS = 12
MAX_PART_COMBINATIONS = 256    # structured parts of one rationale: beyond this, each option once
MAX_RANK_ITEMS = 8
MAX_FRONT = 256
MAX_STATES = 250_000     # beyond this the explorer stops and says so, instead of exhausting memory


@dataclass
class Move:
    label: dict            # a play-script step, e.g. {"call_received": "threat_to_life"}
    target: int            # node id
    clock: int             # the clock after the move
    milestones: tuple      # milestone times after the move
    evidence: tuple        # ((action index, status if first evidence), ...)
    contravened: tuple     # (action index, ...)


@dataclass
class _Entry:
    """One way of being in a node: statuses so far, the clock, and when milestones were reached."""
    vector: tuple
    clock: int
    milestones: tuple
    parent: _Entry | None
    move: dict | None


@dataclass
class _Node:
    key: tuple
    snap: tuple
    ending: str | None = None
    moves: dict = field(default_factory=dict)            # (clock, milestones) -> [Move]
    best: list[_Entry] = field(default_factory=list)    # max front
    worst: list[_Entry] = field(default_factory=list)   # min front


@dataclass
class EndingBounds:
    ending_id: str
    outcome: str
    min_percent: float
    max_percent: float
    best_path: list[dict]
    worst_path: list[dict]


@dataclass
class ExplorationReport:
    scenario_id: str
    states: int
    moves: int
    seconds: float
    endings: list[EndingBounds]
    unreachable_endings: list[str]
    unachievable_actions: list[str]
    never_on_time_actions: list[str]
    missable_critical: dict[str, list[dict]]      # action id -> example path on which it is missed
    contravenable_critical: dict[str, list[dict]]
    full_marks_path: list[dict] | None
    approximate: bool = False
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        from dataclasses import asdict
        return asdict(self)


class Explorer:
    def __init__(self, scenario: Scenario, max_states: int = MAX_STATES, conditions: dict | None = None):
        """``conditions``: the run conditions to explore under (their defaults if None)."""
        self.s = scenario
        self.max_states = max_states
        self.runner = ScenarioRunner(scenario, conditions=conditions)
        self.actions = list(scenario.assessed)
        self.index = {a: i for i, a in enumerate(self.actions)}
        self.relevant_vars = _relevant_variables(scenario)
        self.nodes: list[_Node] = []
        self.by_key: dict[tuple, int] = {}
        self.approximate = False
        self.notes: list[str] = []
        # Top-level injects fire at absolute times; only those that change something matter.
        self.timed_injects = [i for i in scenario.injects if i.goto or i.outcome.sets or i.outcome.adds]
        self.reads_elapsed = "elapsed" in _condition_reads(scenario)

    # -- states ----------------------------------------------------------------------
    def _key(self, snap: tuple) -> tuple:
        """The clock and milestone times are not in the key: they live in the entries, where
        an earlier clock dominates (a trainee who is earlier can always wait)."""
        state, seconds, entered, variables, fired, milestones, ended = snap
        relevant = tuple(v for n, v in variables if n in self.relevant_vars)
        if ended:
            return ("end", ended, relevant)
        return (state, seconds - entered, relevant, fired, tuple(name for name, _ in milestones))

    def _node_for(self, snap: tuple) -> int:
        key = self._key(snap)
        node_id = self.by_key.get(key)
        if node_id is None:
            node_id = len(self.nodes)
            self.by_key[key] = node_id
            self.nodes.append(_Node(key, snap, ending=snap[6]))
        return node_id

    def _clock_sensitive(self, node: _Node) -> bool:
        """Whether the absolute clock can still change what happens from this node."""
        if self.reads_elapsed:
            return True
        if node.ending:
            return False
        fired = node.snap[4]
        return any(i.id not in fired for i in self.timed_injects)

    # -- moves -----------------------------------------------------------------------
    def _moves(self, node: _Node, entry: _Entry) -> list[Move]:
        cache_key = (entry.clock, entry.milestones)
        cached = node.moves.get(cache_key)
        if cached is not None:
            return cached
        state, seconds, entered, variables, fired, _milestones, ended = node.snap
        snap = (state, entry.clock, entry.clock - (seconds - entered), variables, fired, entry.milestones, ended)
        runner = self.runner
        moves = []
        runner.load_snapshot(snap)
        candidates = list(self._candidate_moves(runner))   # read them all before any is played
        for label, act in candidates:
            runner.load_snapshot(snap)
            runner.forget_history()
            milestones = dict(runner.milestones)
            try:
                act()
            except RunnerError:
                continue
            evidence, contravened = [], []
            ledger = list(runner.ledger)
            for record in runner.decisions:       # a rubric marked met: what its parts allowed
                ledger += [Credit(a, False, record.clock, record.scene_id, record.index, "rubric")
                           for a in runner.awaiting.get(record.index, ())]
            for credit in ledger:
                i = self.index.get(credit.action_id)
                if i is None:
                    continue
                if credit.contravened:
                    contravened.append(i)
                else:
                    deadline, _ = deadline_for(self.s.assessed[credit.action_id].window, milestones)
                    evidence.append((i, ON_TIME if deadline is None or credit.clock <= deadline else LATE))
            after = runner.snapshot()
            moves.append(Move(label, self._node_for(after), after[1], after[5], tuple(evidence), tuple(contravened)))
        node.moves[cache_key] = moves
        return moves

    def _candidate_moves(self, runner: ScenarioRunner):
        scene = runner.scene
        if scene is None:
            return
        scene_id = scene.id
        decision = scene.decision
        if decision is None:
            yield {"continue": scene_id}, runner.continue_
        else:
            options = runner.available_options()
            ids = [o.id for o in options]
            why = "explored" if decision.rationale == "required" else None
            if decision.kind == "choose_one":
                for option_id in ids:
                    yield {scene_id: option_id}, _bind(runner.choose, option_id, why)
            elif decision.kind == "choose_many":
                if len(ids) > MAX_CHECKLIST_ITEMS:
                    self.approximate = True
                    self.notes.append(f"checklist in '{scene_id}' has more than {MAX_CHECKLIST_ITEMS} items; "
                                      "only all-or-none were explored")
                    subsets = [ids, []]
                else:
                    subsets = [list(c) for n in range(len(ids) + 1) for c in itertools.combinations(ids, n)]
                lo = decision.min_picks or 0
                hi = decision.max_picks if decision.max_picks is not None else len(ids)
                for subset in subsets:
                    if lo <= len(subset) <= hi:
                        yield {scene_id: subset}, _bind(runner.choose, subset, why)
            elif decision.kind == "rank":
                for order in _rank_representatives(decision, ids):
                    yield {scene_id: order}, _bind(runner.choose, order, why)
            else:
                boxes = {f: "explored" for f in (decision.required or decision.fields[:1])}
                for parts in self._part_combinations(decision, scene_id):
                    answer = dict(boxes, parts=parts) if decision.parts else boxes
                    yield {scene_id: answer}, _bind(runner.choose, answer, None)
            if decision.on_expiry is not None:
                yield {"expire": scene_id}, runner.expire
        due = runner.next_inject_due()
        if due is not None and self._inject_matters(runner, due) and self.s.clock_speed > 0:
            wait = due - runner.clock.seconds
            # A trainee can only let the clock run until the decision's real-time limit expires.
            limit = decision.time_limit_seconds if decision is not None else None
            if wait > 0 and (limit is None or wait / self.s.clock_speed <= limit):
                yield {"wait": round(wait / 60, 2)}, _bind_advance(runner, wait)

    def _with_markings(self, path: list[dict] | None) -> list[dict] | None:
        """A path's steps with each rubric marked met after its rationale, as the explorer assumed."""
        if path is None:
            return None
        steps = []
        for step in path:
            steps.append(step)
            (scene_id, _answer), = step.items()
            scene = self.s.scenes.get(scene_id)
            if scene is not None and scene.decision is not None and scene.decision.rubric:
                steps.append({"mark": scene_id, "marks": {c.id: "met" for c in scene.decision.rubric}})
        return steps

    def _part_combinations(self, decision, scene_id: str):
        # Options with the same effects are interchangeable here (only feedback differs), so one
        # of each kind per part keeps the search exact and small.
        choices = []
        for part in decision.parts:
            kinds = {}
            for option in part.options:
                o = option.outcome
                key = (frozenset(r.action_id for r in o.evidences), frozenset(r.action_id for r in o.contravenes),
                       tuple(sorted(o.sets.items(), key=str)), tuple(sorted(o.adds.items())))
                kinds.setdefault(key, (part.id, option.id))
            choices.append(list(kinds.values()))
        count = 1
        for options in choices:
            count *= len(options)
        if count <= MAX_PART_COMBINATIONS:
            for combination in itertools.product(*choices):
                yield dict(combination)
            return
        self.approximate = True
        self.notes.append(f"the rationale in '{scene_id}' has {count:,} combinations of parts; "
                          "only each option once (with the others' first) was explored")
        first = {p.id: p.options[0].id for p in decision.parts}
        for part in decision.parts:
            for option in part.options:
                yield dict(first, **{part.id: option.id})

    def _inject_matters(self, runner: ScenarioRunner, due: int) -> bool:
        """Waiting is only explored up to an inject that can change something."""
        for when, inject in runner._pending_injects():
            if when == due and (inject.goto or inject.outcome.sets or inject.outcome.adds):
                return True
        return False

    # -- search ----------------------------------------------------------------------
    def run(self) -> ExplorationReport:
        started = time.perf_counter()
        self.runner.start()
        start_snap = self.runner.snapshot()
        self.runner.forget_history()
        root = self._node_for(start_snap)
        initial = tuple([NONE] * len(self.actions))
        for front in (self.nodes[root].best, self.nodes[root].worst):
            front.append(_Entry(initial, start_snap[1], start_snap[5], None, None))
        pending: deque = deque([(root, self.nodes[root].best[0], True), (root, self.nodes[root].worst[0], False)])
        move_count = 0
        while pending:
            if len(self.nodes) > self.max_states:
                self.approximate = True
                self.notes.append(f"stopped after {self.max_states:,} states: the scenario has too many "
                                  "combinations of variables and times to explore completely. Results cover only "
                                  "the part explored; reduce variables that are set early and read much later.")
                break
            node_id, entry, is_best = pending.popleft()
            node = self.nodes[node_id]
            front = node.best if is_best else node.worst
            if node.ending or not any(e is entry for e in front):
                continue       # terminal, or superseded since it was queued
            for move in self._moves(node, entry):
                move_count += 1
                vector = list(entry.vector)
                for i, status in move.evidence:
                    if vector[i] == NONE:
                        vector[i] = status
                for i in move.contravened:
                    vector[i] = CONTRAVENED
                new = _Entry(tuple(vector), move.clock, move.milestones, entry, move.label)
                target = self.nodes[move.target]
                target_front = target.best if is_best else target.worst
                if _insert(target_front, new, is_best, self._clock_sensitive(target)):
                    pending.append((move.target, new, is_best))
                    if len(target_front) > MAX_FRONT:
                        self.approximate = True
        report = self._report(root)
        report.moves = move_count
        report.seconds = round(time.perf_counter() - started, 3)
        return report

    # -- results ---------------------------------------------------------------------
    def _applies(self, node: _Node) -> list[bool]:
        variables = dict(node.snap[3])   # ending nodes differ in every variable that scoring reads
        env = dict(variables, elapsed=node.snap[1] // 60, scene_minutes=0)
        return [self.s.assessed[a].applies_if is None or self.s.assessed[a].applies_if.evaluate(env)
                for a in self.actions]

    def _score(self, vector: tuple, applies: list[bool]) -> tuple[float, float]:
        policy = self.s.scoring
        earned = possible = 0.0
        for i, status in enumerate(vector):
            if not applies[i]:
                continue
            weight = self.s.assessed[self.actions[i]].weight
            possible += weight
            earned += {ON_TIME: weight, LATE: weight * policy.late_credit, NONE: 0.0,
                       CONTRAVENED: -weight * policy.contravene_penalty}[status]
        return earned, possible

    def _report(self, root: int) -> ExplorationReport:
        per_ending: dict[str, EndingBounds] = {}
        full_marks = None
        for node in self.nodes:
            if not node.ending:
                continue
            applies = self._applies(node)
            ending = self.s.endings[node.ending]
            for entry in node.best:
                earned, possible = self._score(entry.vector, applies)
                percent = _percent(earned, possible)
                bounds = per_ending.get(node.ending)
                if bounds is None:
                    bounds = per_ending[node.ending] = EndingBounds(node.ending, ending.outcome, 101.0, -1.0, [], [])
                if percent > bounds.max_percent:
                    bounds.max_percent = percent
                    bounds.best_path = self._with_markings(_path(entry))
                if possible > 0 and earned >= possible and full_marks is None:
                    full_marks = _path(entry)
            for entry in node.worst:
                earned, possible = self._score(entry.vector, applies)
                percent = _percent(earned, possible)
                bounds = per_ending[node.ending]
                if percent < bounds.min_percent:
                    bounds.min_percent = percent
                    bounds.worst_path = self._with_markings(_path(entry))
        evidenced, on_time = set(), set()
        for node in self.nodes:
            for move in _all_moves(node):
                for i, status in move.evidence:
                    evidenced.add(i)
                    if status == ON_TIME:
                        on_time.add(i)
        unachievable = [a for i, a in enumerate(self.actions) if i not in evidenced]
        never_on_time = [a for i, a in enumerate(self.actions) if i in evidenced and i not in on_time]
        missable, contravenable = {}, {}
        for i, action_id in enumerate(self.actions):
            if not self.s.assessed[action_id].critical:
                continue
            path = self._path_avoiding(root, i)
            if path is not None:
                missable[action_id] = path
            path = self._path_to_contravention(root, i)
            if path is not None:
                contravenable[action_id] = path
        endings = sorted(per_ending.values(), key=lambda b: b.ending_id)
        return ExplorationReport(self.s.id, len(self.nodes), 0, 0.0, endings,
                                 sorted(set(self.s.endings) - set(per_ending)), unachievable, never_on_time,
                                 missable, contravenable, self._with_markings(full_marks), self.approximate,
                                 self.notes)

    def _path_avoiding(self, root: int, action: int) -> list[dict] | None:
        """Shortest path to an ending where ``action`` applies but is never evidenced."""
        parents: dict[int, tuple[int, dict] | None] = {root: None}
        queue = deque([root])
        while queue:
            node_id = queue.popleft()
            node = self.nodes[node_id]
            if node.ending:
                if self._applies(node)[action]:
                    return _node_path(parents, node_id)
                continue
            for move in _all_moves(node):
                if any(i == action for i, _ in move.evidence) or move.target in parents:
                    continue
                parents[move.target] = (node_id, move.label)
                queue.append(move.target)
        return None

    def _path_to_contravention(self, root: int, action: int) -> list[dict] | None:
        parents: dict[int, tuple[int, dict] | None] = {root: None}
        queue = deque([root])
        while queue:
            node_id = queue.popleft()
            for move in _all_moves(self.nodes[node_id]):
                if action in move.contravened:
                    return _node_path(parents, node_id) + [move.label]
                if move.target not in parents:
                    parents[move.target] = (node_id, move.label)
                    queue.append(move.target)
        return None


def explore(scenario: Scenario, max_states: int = MAX_STATES, conditions: dict | None = None) -> ExplorationReport:
    """Every path under one combination of run conditions (their defaults if None)."""
    return Explorer(scenario, max_states, conditions).run()


def _covers(a: _Entry, b: _Entry, is_best: bool, clock_sensitive: bool) -> bool:
    """True when entry ``a`` is at least as good (best front) or as bad (worst front) as ``b``.

    Playing the same moves from an earlier clock, or with later milestones (so later
    deadlines), can only turn "late" into "on time": so for the best front an earlier clock
    and later milestones cover, and for the worst front the opposite. That argument needs
    the moves to behave the same at both times, which fails when an inject whose timing
    depends on the absolute clock (or a condition reading ``elapsed``) is still ahead; then
    only equal clocks compare."""
    if clock_sensitive and a.clock != b.clock:
        return False
    if is_best:
        return a.clock <= b.clock and all(x >= y for x, y in zip(a.vector, b.vector)) and \
            all(x[1] >= y[1] for x, y in zip(a.milestones, b.milestones))
    return a.clock >= b.clock and all(x <= y for x, y in zip(a.vector, b.vector)) and \
        all(x[1] <= y[1] for x, y in zip(a.milestones, b.milestones))


def _insert(front: list[_Entry], new: _Entry, is_best: bool, clock_sensitive: bool) -> bool:
    """Add ``new`` to a Pareto front unless an entry already covers it; drop what it covers."""
    if any(_covers(e, new, is_best, clock_sensitive) for e in front):
        return False
    front[:] = [e for e in front if not _covers(new, e, is_best, clock_sensitive)]
    front.append(new)
    return True


def _all_moves(node: _Node):
    for moves in node.moves.values():
        yield from moves


def _path(entry: _Entry) -> list[dict]:
    steps = []
    while entry is not None and entry.move is not None:
        steps.append(entry.move)
        entry = entry.parent
    return steps[::-1]


def _node_path(parents: dict, node_id: int) -> list[dict]:
    steps = []
    while parents[node_id] is not None:
        node_id, label = parents[node_id]
        steps.append(label)
    return steps[::-1]


def _percent(earned: float, possible: float) -> float:
    return 0.0 if possible <= 0 else round(max(0.0, earned) / possible * 100, 1)


def _bind(function, *args):
    return lambda: function(*args)


def _bind_advance(runner: ScenarioRunner, seconds: int):
    return lambda: runner.advance(seconds)


def _rank_representatives(decision, ids: list[str]) -> list[list[str]]:
    """One ordering for each distinct combination of kept and broken rules."""
    if len(ids) > MAX_RANK_ITEMS:
        return [ids, ids[::-1]]
    seen: dict[tuple, list[str]] = {}
    for order in itertools.permutations(ids):
        position = {item: i for i, item in enumerate(order)}
        signature = tuple(all(position.get(r.higher, 0) < position.get(low, 0) for low in r.lower if low in position)
                          for r in decision.rules)
        seen.setdefault(signature, list(order))
    return list(seen.values())


def _relevant_variables(scenario: Scenario) -> set[str]:
    """Variables that some condition (route, option, inject) or scoring rule reads."""
    return _condition_reads(scenario) - {"elapsed", "scene_minutes"}


def _condition_reads(scenario: Scenario) -> set[str]:
    names: set[str] = set()
    for scene in scenario.scenes.values():
        routes = list(scene.next)
        if scene.decision:
            routes += scene.decision.outcome.next
            if scene.decision.on_expiry:
                routes += scene.decision.on_expiry.next
            for option in scene.decision.options:
                routes += option.outcome.next
                if option.condition:
                    names |= option.condition.reads
        for route in routes:
            if route.condition:
                names |= route.condition.reads
    for inject in scenario.all_injects():
        if inject.condition:
            names |= inject.condition.reads
    for assessment in scenario.assessed.values():
        if assessment.applies_if:
            names |= assessment.applies_if.reads
    return names

"""Exhaustive exploration of a scenario's reachable states, with exact score bounds.

The explorer steps the real ``ScenarioRunner`` (via snapshots) through every decision a
trainee can make, so it can never disagree with play. A state is (scene, time in the scene,
what the future can still tell apart of the variables, the injects still to come, the
milestones reached); states that agree on those are merged. "What the future can tell
apart" comes from ``reach.futures``: variables no reachable condition reads are dropped, and
variables no reachable outcome writes any more are replaced by what the conditions still to
come make of them (their residuals), so twenty flags read by one condition at the end are a
handful of states, not a million.

Scores are bounded by dynamic programming over states: each state keeps a Pareto front of
per-action statuses (on time > late > not yet > contravened), which is exact because
statuses only ever move in one direction. An action no reachable outcome can touch any more
is final: its credit is banked into one number, so the fronts stay small along long chains.

When the search has to stop (the state limit, or the time ``budget``) the report says so
(``complete`` false) and each ending's score range becomes a sound outer bound
(``lower_percent``/``upper_percent``), from the best and worst a state still queued could
reach. From all this it reports endings reached, the score range of each ending, actions no
path can achieve, critical actions that some path misses (with an example), and a
full-marks path. A rationale's rubric is assumed marked met (the most an assessor can give),
so an action its structured parts allow counts as earned at the decision's time.

A seated scenario's messages (seats.py) are followed as the runner follows them: the runner's
snapshot carries the messages sent, the state keeps for each ``received.<id>`` still read
whether it has arrived or how long it has to go, and where a message still to arrive is read
ahead, waiting for it (the runner's ``advance``) is a move. ``seat=`` explores one seat's
story, the others' decisions taken by the runner's stand-ins.
Must not import Qt or any GUI code.
"""

from __future__ import annotations

import gc
import itertools
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from .model import RECEIVED_PREFIX, Scenario
from .reach import Futures
from .runner import Credit, RunnerError, ScenarioRunner
from .scoring import GOOD_OUTCOME, deadline_for
from .seats import received_names, seat_actions

FOLDED, CONTRAVENED, NONE, LATE, ON_TIME = -1, 0, 1, 2, 3    # FOLDED: final, its credit is banked
# Not yet evidenced and never offered by a decision shown: "not reached" if the session ends so,
# which a good ending leaves out of the total and any other counts as 0 (docs/scoring.md).
UNOFFERED = -2
MAX_CHECKLIST_ITEMS = 12
MAX_PART_COMBINATIONS = 256    # structured parts of one rationale: beyond this, each option once
MAX_RANK_ITEMS = 8
MAX_STATES = 250_000     # beyond this the explorer stops and says so, instead of exhausting memory
EPSILON = 1e-9           # banked credit is a float sum: compare with a tolerance
PROGRESS_SECONDS = 0.25  # how often a progress callback hears from a long search


_NO_FINALS = ((), ())


@dataclass(slots=True)
class Move:
    """One move from a node as the runner played it, relative to the clock it started at: the
    same move serves every entry of the node (``_expand`` works out on time or late for each)."""
    label: dict            # a play-script step, e.g. {"call_received": "threat_to_life"}
    target: int            # node id
    delta: int             # seconds the move took
    reached: tuple         # milestones first reached, as (name, seconds after the start)
    evidence: tuple        # ((action index, seconds after the start), ...) in the ledger's order
    contravened: tuple     # (action index, ...)
    offered: tuple = ()    # action indices a decision shown after the move could evidence
    finals: tuple = _NO_FINALS   # actions final at the target but not here: (dead, settled), see _newly_final
    touches: bool = False        # it offers, evidences, contravenes or makes final some action
    after: dict | None = None    # (statuses before, on-time bits) -> what _statuses_after made of them

    def __post_init__(self) -> None:
        self.touches = bool(self.offered or self.evidence or self.contravened or self.finals[0] or self.finals[1])


@dataclass(slots=True)
class _Entry:
    """One way of being in a node: statuses so far (FOLDED where final), the credit banked for
    the final ones, the clock, and when milestones were reached."""
    vector: tuple
    banked: float
    unreached: float            # weight of banked actions never offered: left out at a good ending
    clock: int
    milestones: tuple
    parent: _Entry | None
    move: dict | None
    packed: int = 0             # the vector as bit sets (see _pack): dominance in two integer operations
    alive: bool = True          # False once a better (worse) entry has replaced it in its front
    stamp: tuple = ()           # the times of the milestones its node's deadlines still depend on


@dataclass
class _Plan:
    """What the future of one scene (or ending) needs of a state, from ``reach.futures``."""
    live_values: tuple          # variables still read and still written: kept as they are
    residual_names: frozenset   # variables still read but never written again: frozen
    residuals: tuple            # (index, condition, frozen names it reads): kept as residuals
    injects: frozenset          # scene inject ids whose having fired still matters
    pending: frozenset          # top-level injects still to come that can still change something
    dead: tuple                 # action indices no reachable outcome can touch (and always assessed)
    live_actions: frozenset     # action indices some reachable outcome may still touch
    settled: tuple              # always-assessed action indices no reachable outcome contravenes
    endings: frozenset
    timed: bool = True          # some live action has a deadline: on time or late may still depend on the clock
    anchors: frozenset = frozenset()   # milestones the deadlines of live actions are counted from
    messages: tuple = ()        # received.<id> names still read: their messages' arrival is kept

    @property
    def settled_set(self) -> frozenset:
        return self._settled_set

    def __post_init__(self) -> None:
        self._settled_set = frozenset(self.settled)


class _Front:
    """A Pareto front of entries. Where the absolute clock matters (``clock_sensitive``) only
    entries with equal clocks compare, so they are kept in one bucket per clock; where only
    deadlines make time matter (``timed``) an earlier clock covers; otherwise the clock and the
    milestones' times are no part of the comparison."""
    __slots__ = ("buckets",)

    def __init__(self) -> None:
        self.buckets: dict[int | None, list[_Entry]] = {}

    def __iter__(self):
        for bucket in self.buckets.values():
            yield from bucket

    def insert(self, new: _Entry, is_best: bool, clock_sensitive: bool, timed: bool) -> bool:
        """Add ``new`` unless an entry already covers it; drop (and mark) what it covers."""
        return self.add(new.vector, new.banked, new.unreached, new.clock, new.milestones, new.parent, new.move,
                        new.packed, new.stamp, is_best, clock_sensitive, timed, new) is not None

    def add(self, vector: tuple, banked: float, unreached: float, clock: int, milestones: tuple,
            parent: _Entry | None, move: dict | None, packed: int, stamp: tuple, is_best: bool,
            clock_sensitive: bool, timed: bool, new: _Entry | None = None) -> _Entry | None:
        """The entry these fields make (``new`` if given), added unless an entry already covers
        it (then None, and no entry is made: most moves of a large search end so); what it
        covers is dropped (and marked)."""
        key = clock if clock_sensitive else None
        bucket = self.buckets.get(key)
        if bucket is None:
            new = new or _Entry(vector, banked, unreached, clock, milestones, parent, move, packed, True, stamp)
            self.buckets[key] = [new]
            return new
        ordered = timed and not clock_sensitive
        # The bit sets, the banked credit and the clock first, inline: most pairs differ there,
        # and a call per pair is most of a large front's cost. Whether an entry covers the new
        # one is _covers written out on the fields; whether the new one covers an entry is
        # asked (by _covers) once the new entry is made. Nothing changes until no entry is
        # found to cover the new one.
        maybe = []
        if is_best:
            for e in bucket:
                theirs = e.packed
                both = theirs & packed
                if both == packed and e.banked >= banked - EPSILON and (not ordered or e.clock <= clock) \
                        and e.unreached >= unreached \
                        and (e.stamp == stamp or all(x >= y for x, y in zip(e.stamp, stamp))):
                    return None
                if both == theirs and banked >= e.banked - EPSILON and (not ordered or clock <= e.clock):
                    maybe.append(e)
        else:
            for e in bucket:
                theirs = e.packed
                both = theirs & packed
                if both == theirs and e.banked <= banked + EPSILON and (not ordered or e.clock >= clock) \
                        and e.unreached <= unreached \
                        and (e.stamp == stamp or all(x >= y for x, y in zip(stamp, e.stamp))):
                    return None
                if both == packed and banked <= e.banked + EPSILON and (not ordered or clock >= e.clock):
                    maybe.append(e)
        new = new or _Entry(vector, banked, unreached, clock, milestones, parent, move, packed, True, stamp)
        dropped = False
        for e in maybe:
            if _covers(new, e, is_best, ordered):
                e.alive = False
                dropped = True
        if dropped:
            bucket[:] = [e for e in bucket if e.alive]      # every entry of a bucket is alive until dropped
        bucket.append(new)
        return new


@dataclass
class _Node:
    key: tuple
    snap: tuple
    ending: str | None = None
    plan: _Plan | None = None
    clock_sensitive: bool = False                        # see Explorer._clock_sensitive
    moves: dict = field(default_factory=dict)            # clock, or "any" -> [Move] as played (relative)
    quiet: dict = field(default_factory=dict)            # candidate position -> (label, Move) (_reusable)
    best: _Front = field(default_factory=lambda: _Front())    # max front
    worst: _Front = field(default_factory=lambda: _Front())   # min front


@dataclass
class EndingBounds:
    """Score range of one ending. ``min_percent``/``max_percent`` are scores of real paths
    (``worst_path``/``best_path``); when ``exact`` they are the true worst and best. When not,
    ``lower_percent``/``upper_percent`` are sound outer bounds (no path there scores outside
    them), or None when a capped enumeration leaves none."""
    ending_id: str
    outcome: str
    min_percent: float
    max_percent: float
    best_path: list[dict]
    worst_path: list[dict]
    exact: bool = True
    lower_percent: float | None = None
    upper_percent: float | None = None


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
    complete: bool = True               # every reachable state and move explored: every figure exact
    undecided_endings: list[str] = field(default_factory=list)   # not reached, but not ruled out
    best_found_path: list[dict] | None = None    # the highest-scoring path found (proven best if complete)
    best_found_percent: float | None = None
    seat: str | None = None             # one seat explored (its stand-ins took the others' decisions)

    def to_dict(self) -> dict:
        from dataclasses import asdict
        return asdict(self)


class Explorer:
    def __init__(self, scenario: Scenario, max_states: int = MAX_STATES, conditions: dict | None = None,
                 budget: float | None = None, progress: Callable[[int, int, float], None] | None = None,
                 seat: str | None = None):
        """``conditions``: the run conditions to explore under (their defaults if None).
        ``seat``: explore the story as that seat plays it: the runner's stand-ins take the other
        seats' decisions (``ScenarioRunner(seat=...)``), and the seat is scored as ``score_runner``
        scores it, on its roles' actions from its own decisions. Raises RunnerError for a seat
        the scenario does not have."""
        self.s = scenario
        self.seat = seat
        self.max_states = max_states
        self.budget = budget                # seconds; None: no time limit
        self.progress = progress            # called with (states, queued, seconds) while searching
        self.runner = ScenarioRunner(scenario, conditions=conditions, seat=seat)
        if seat is None:
            self.actions = list(scenario.assessed)
        else:
            mine = seat_actions(scenario, seat)
            self.actions = [a for a in scenario.assessed if a in mine]
        self.index = {a: i for i, a in enumerate(self.actions)}
        self.nodes: list[_Node] = []
        self.by_key: dict[tuple, int] = {}
        self.approximate = False
        self.capped = False                 # some enumeration was cut short: no sound bounds
        self.timed_out = False
        self.deadline: float | None = None
        self.cancelled = False              # set from another thread: stop at the next step
        self.notes: list[str] = []
        reads = _condition_reads(scenario)
        self.reads_elapsed = "elapsed" in reads
        self.reads_scene_minutes = "scene_minutes" in reads
        policy = scenario.scoring
        self.values = []                    # credit of each status, per action
        for action_id in self.actions:
            weight = scenario.assessed[action_id].weight
            self.values.append({ON_TIME: weight, LATE: weight * policy.late_credit, NONE: 0.0, UNOFFERED: 0.0,
                                CONTRAVENED: -weight * policy.contravene_penalty})
        self.futures = Futures(scenario)
        self.foldable = [scenario.assessed[a].applies_if is None for a in self.actions]
        # Per action: the mask that clears its bit set in a packed vector, and its bit set for each
        # status already shifted into place (_expand repacks only the actions a move changed).
        self.clear = [~(_FULL << (i * _WIDTH)) for i in range(len(self.actions))]
        self.bits_at = [{status: bits << (i * _WIDTH) for status, bits in _BITS.items()}
                        for i in range(len(self.actions))]
        self.top_injects = {i.id: i for i in scenario.injects}
        self.effective = {id(i) for i in scenario.all_injects() if _has_effects(i)}   # injects that change something
        self.plans: dict[tuple, _Plan] = {}
        self.finals: dict[tuple, tuple] = {}      # (source plan, target plan) -> what became final
        self.residual_memo: dict[tuple, tuple] = {}
        self.key_parts: dict[tuple, tuple] = {}    # (scene, variables, fired, ending) -> _key_part
        # received.<id> names: their value comes from the messages sent and the clock, not a variable
        self.received = frozenset(received_names(scenario))
        self.on_time_seen: set[int] = set()       # actions some explored move evidenced on time

    # -- states ----------------------------------------------------------------------
    def _plan(self, place: str, pending: frozenset) -> _Plan:
        plan = self.plans.get((place, pending))
        if plan is None:
            future = self.futures.of(place, pending)
            frozen = future.reads - future.dirty - self.received
            residuals = []
            for condition in future.conditions:
                names = tuple(sorted(condition.reads & frozen))
                if names:
                    residuals.append((len(residuals), condition, names))
            live = frozenset(i for i, a in enumerate(self.actions) if a in future.actions)
            dead = tuple(i for i, a in enumerate(self.actions)
                         if i not in live and self.s.assessed[a].applies_if is None)
            settled = tuple(i for i, a in enumerate(self.actions)
                            if a not in future.contravenes and self.s.assessed[a].applies_if is None)
            windows = [self.s.assessed[self.actions[i]].window for i in live]
            windows = [w for w in windows if w is not None and (w.before or w.minutes is not None)]
            anchors = frozenset(w.before or w.anchor for w in windows) - {None}
            plan = self.plans[(place, pending)] = _Plan(tuple(sorted((future.reads & future.dirty) - self.received)),
                                                        frozen, tuple(residuals), future.injects, pending, dead,
                                                        live, settled, future.endings, bool(windows), anchors,
                                                        tuple(sorted(future.reads & self.received)))
        return plan

    def _residual(self, condition, names: tuple, values: dict) -> tuple:
        known = tuple(values[name] for name in names)
        memo_key = (id(condition), names, known)
        residual = self.residual_memo.get(memo_key)
        if residual is None:
            residual = self.residual_memo[memo_key] = condition.residual(dict(zip(names, known)))
        return residual

    def _live_pending(self, place: str, unfired: frozenset, values: dict) -> frozenset:
        """The top-level injects still to come that can change something: not those that do
        nothing, nor those whose condition is already false for good (it reads only variables
        nothing can write any more, or its residual is false whatever they become)."""
        plan = self._plan(place, unfired)
        frozen = plan.residual_names
        live = set()
        for inject_id in unfired:
            inject = self.top_injects[inject_id]
            if not _has_effects(inject):
                continue
            condition = inject.condition
            if condition is not None:
                names = tuple(sorted(condition.reads & frozen))
                if names and self._residual(condition, names, values) == ("literal", False):
                    continue
            live.add(inject_id)
        return frozenset(live)

    def _key(self, snap: tuple) -> tuple[tuple, _Plan]:
        """The state's key and plan. The clock and milestone times are not in the key: they
        live in the entries, where an earlier clock dominates (a trainee who is earlier can
        always wait). Of the variables, only what the future can still tell apart is in it,
        and of the top-level injects only those still to come that can change something.
        Of the messages sent, for each ``received.<id>`` still read: not sent, arrived, or the
        seconds until the first one with that id arrives (counted from now, like the time in
        the scene, so the same moves played later lead to the same key)."""
        state, seconds, entered, variables, fired, milestones, ended, messages = snap
        # All but the clock's part comes from the place, the variables and the injects fired:
        # worked out once per such triple (a pure function of it, like the plans and residuals).
        part = self.key_parts.get((state, variables, fired, ended))
        if part is None:
            part = self.key_parts[(state, variables, fired, ended)] = self._key_part(state, variables, fired, ended)
        plan, live, residuals, pending, kept, timed_in_scene = part
        if plan.messages:
            live = (*live, _arrivals(messages, seconds, plan.messages))
        if ended:
            return ("end", ended, live, residuals), plan
        return (state, seconds - entered if timed_in_scene else None, live, residuals, pending, kept,
                tuple([name for name, _ in milestones])), plan

    def _key_part(self, state: str, variables: tuple, fired: frozenset, ended: str | None) -> tuple:
        """What ``_key`` needs of the place, the variables and the injects fired: (plan, the
        variables kept, the residuals, the top-level injects pending, the scene injects fired
        that still matter, whether the time spent in the scene is part of the key)."""
        place = ended or state
        values = dict(variables)
        unfired = frozenset() if ended else frozenset(i for i in self.top_injects if i not in fired)
        pending = self._live_pending(place, unfired, values) if unfired else unfired
        plan = self._plan(place, pending)
        live = tuple(values[name] for name in plan.live_values)
        residuals = tuple(self._residual(condition, names, values) for _i, condition, names in plan.residuals)
        if ended:
            return plan, live, residuals, pending, frozenset(), False
        # Time already spent in the scene only matters to its own injects still to come, its
        # decision's time limit, and conditions on scene_minutes.
        scene = self.s.scenes[state]
        timed_in_scene = self.reads_scene_minutes or (
            scene.decision is not None and scene.decision.time_limit_seconds is not None) or any(
            i.id not in fired and _has_effects(i) for i in scene.injects)
        return plan, live, residuals, pending, fired & plan.injects, timed_in_scene

    def _fold(self, vector: list, plan: _Plan, changed: list, finals: tuple | None = None) -> tuple[list, list]:
        """Fold the actions whose status is final here; returns the credits banked and the
        weights left unreached, each in the order they are added (the callers add them one by
        one, so the sums are the same floats however they are kept). Final: nothing reachable
        can touch it any more; or it is earned and nothing reachable contravenes it; or it is
        contravened (nothing undoes that). ``changed``: the actions this move changed (the
        folded ones are added to it). An entry that moved here has its source's final actions
        folded already, so only what became final on the way (``finals``, from
        ``_newly_final``) is looked at."""
        values = self.values
        banks: list = []
        unreach: list = []
        dead, settled = plan.dead, plan.settled
        if finals is not None:
            dead, settled = finals
            if changed:
                settled_set = plan.settled_set
                settled = settled + tuple([i for i in changed if i in settled_set])
        for i in dead:
            status = vector[i]
            if status == UNOFFERED:             # not reached for good: its count depends on the ending
                unreach.append(values[i][ON_TIME])
                vector[i] = FOLDED
                changed.append(i)
            elif status != FOLDED:
                banks.append(values[i][status])
                vector[i] = FOLDED
                changed.append(i)
        for i in settled:
            status = vector[i]
            if status == ON_TIME or status == LATE:
                banks.append(values[i][status])
                vector[i] = FOLDED
                changed.append(i)
        foldable = self.foldable
        for i in changed:              # not appended to in this loop: no copy needed
            if vector[i] == CONTRAVENED and foldable[i]:
                banks.append(values[i][CONTRAVENED])
                vector[i] = FOLDED
        return banks, unreach

    def _newly_final(self, source: _Plan, target: _Plan) -> tuple[tuple, tuple]:
        """Final at ``target`` but not at ``source`` (all of target's if that is not a superset)."""
        key = (id(source), id(target))
        pair = self.finals.get(key)
        if pair is None:
            if set(source.dead) <= set(target.dead) and set(source.settled) <= target.settled_set:
                pair = (tuple(i for i in target.dead if i not in set(source.dead)),
                        tuple(i for i in target.settled if i not in source.settled_set))
            else:
                pair = (target.dead, target.settled)
            self.finals[key] = pair
        return pair

    def _node_for(self, snap: tuple) -> int:
        key, plan = self._key(snap)
        node_id = self.by_key.get(key)
        if node_id is None:
            node_id = len(self.nodes)
            self.by_key[key] = node_id
            node = _Node(key, snap, ending=snap[6], plan=plan)
            node.clock_sensitive = self._clock_sensitive(node)
            self.nodes.append(node)
        return node_id

    def _clock_sensitive(self, node: _Node) -> bool:
        """Whether the absolute clock can still change what happens from this node."""
        if self.reads_elapsed:
            return True
        return not node.ending and bool(node.plan.pending)

    # -- moves -----------------------------------------------------------------------
    def _moves(self, node: _Node, entry: _Entry) -> list[Move]:
        """The node's moves from this entry's clock, relative to it. Where the absolute clock
        cannot change what happens (no timed inject to come, no condition on 'elapsed'), a
        move from a later clock is the same move shifted in time: the runner plays each move
        once per node, and only on time or late is worked out for each entry (``_expand``)."""
        key = entry.clock if node.clock_sensitive else "any"
        moves = node.moves.get(key)
        if moves is None:
            moves = node.moves[key] = self._play_moves(node, entry.clock, entry.milestones, key != "any")
        return moves

    def _next_top_due(self, node: _Node) -> float:
        """When the first top-level inject still to come that can change something falls due.
        The others (no effects, or a condition false for good) may fire during a move, but all
        they change is the runner's note that they fired, which is no part of the state's key
        (``_live_pending``): the move leads to the same node either way."""
        return min((self.top_injects[i].at_minute * 60 for i in node.plan.pending), default=math.inf)

    def _play_moves(self, node: _Node, clock: int, milestones: tuple, clock_sensitive: bool) -> list[Move]:
        """Play every candidate move from the node at this clock through the runner, each a
        ``Move`` with its times counted from that clock. Where the clock matters, a move
        already played at another clock is taken as it was if no top-level inject can fall
        due during it at either clock (``_reusable``)."""
        state, seconds, entered, variables, fired, _milestones, ended, messages = node.snap
        if messages:            # moved in time with the clock, like the time the scene was entered
            shift = clock - seconds
            messages = tuple((m, seat, sent + shift, at + shift, index, delivered)
                             for m, seat, sent, at, index, delivered in messages)
        snap = (state, clock, clock - (seconds - entered), variables, fired, milestones, ended, messages)
        known = {name for name, _ in milestones}
        runner = self.runner
        raw = []
        runner.load_snapshot(snap)
        candidates = list(self._candidate_moves(runner, node.plan))   # read them all before any is played
        loaded = True           # the runner is at ``snap``: reading the candidates changes nothing
        # Seconds from this clock to the next top-level inject: a move shorter than that is the
        # same, relative to its start, at every clock where it is also shorter (see _reusable).
        room = self._next_top_due(node) - clock if clock_sensitive and not self.reads_elapsed else None
        for count, (label, act) in enumerate(candidates):
            if count % 64 == 63:
                self._check_time()
            if room is not None:
                played = self._reusable(node, count, label, room)
                if played is not None:
                    raw.append(played)
                    continue
            if not loaded:
                runner.load_snapshot(snap)
            loaded = False
            runner.forget_history()
            runner.offered = set()              # the snapshot does not carry it: only this move's offers
            try:
                act()
            except RunnerError:
                continue
            records, ledger = runner.decisions, runner.ledger
            if self.seat is not None:           # the stand-ins' decisions are never scored for the seat
                records = [r for r in records if not r.stand_in]
                own = {r.index for r in records}
                ledger = [c for c in ledger if c.decision_index in own]
            if runner.awaiting:
                ledger = list(ledger)
                for record in records:       # a rubric marked met: what its parts allowed
                    ledger += [Credit(a, False, record.clock, record.scene_id, record.index, "rubric")
                               for a in runner.awaiting.get(record.index, ())]
            index = self.index
            ledger = [c for c in ledger if c.action_id in index]
            evidence = tuple([(index[c.action_id], c.clock - clock) for c in ledger if not c.contravened])
            contravened = tuple([index[c.action_id] for c in ledger if c.contravened])
            after = runner.snapshot()
            reached = tuple([(name, at - clock) for name, at in after[5] if name not in known])
            offered = tuple(sorted([index[a] for a in runner.offered if a in index]))
            target = self._node_for(after)
            played = Move(label, target, after[1] - clock, reached, evidence, contravened, offered,
                          self._newly_final(node.plan, self.nodes[target].plan))
            raw.append(played)
            if room is not None and played.delta < room and count not in node.quiet:
                node.quiet[count] = (label, played)
        return raw

    def _reusable(self, node: _Node, position: int, label: dict, room: float) -> Move | None:
        """The move at this position of the node's candidates as played at another clock, if it
        holds at this one too.

        Where only top-level injects make the clock matter (nothing reads 'elapsed'), a move
        during which no top-level inject falls due (it ends before the next one, ``room``
        seconds ahead) is, relative to its start, the same move at any clock where that also
        holds: the scene's own injects and time limit count from entering the scene, messages
        are moved with the clock, and a top-level inject is due at a fixed minute. So each such
        move is played once, not once per clock; a move that runs into an inject (waiting for
        it, say) is played at each clock. The label must match: the candidates are read again
        at each clock, and a wait's length depends on it."""
        kept = node.quiet.get(position)
        if kept is None or kept[0] != label or kept[1].delta >= room:
            return None
        return kept[1]

    def _check_time(self) -> None:
        if self.cancelled or (self.deadline is not None and time.perf_counter() > self.deadline):
            raise _OutOfTime

    def cancel(self) -> None:
        """Stop the search at its next step (safe from another thread); it reports what it has."""
        self.cancelled = True

    def _candidate_moves(self, runner: ScenarioRunner, plan: _Plan):
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
                    self.approximate = self.capped = True
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
        due = self._next_event_that_matters(runner, plan)
        if due is not None and self.s.clock_speed > 0:
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
        self.approximate = self.capped = True
        self.notes.append(f"the rationale in '{scene_id}' has {count:,} combinations of parts; "
                          "only each option once (with the others' first) was explored")
        first = {p.id: p.options[0].id for p in decision.parts}
        for part in decision.parts:
            for option in part.options:
                yield dict(first, **{part.id: option.id})

    def _next_event_that_matters(self, runner: ScenarioRunner, plan: _Plan) -> int | None:
        """Waiting is only explored up to the next inject that can change something (a
        top-level one only while its condition can still be true), or the next arrival of a
        message some condition ahead still reads: the clock second it is due. Waiting is the
        runner's ``advance``, which fires the one and delivers the other (runner.py)."""
        pending = plan.pending
        effective, top = self.effective, self.top_injects
        due = [when for when, inject in runner._pending_injects() if id(inject) in effective
               and (inject.id not in top or inject.id in pending)]
        if plan.messages and runner.messages:
            now = runner.clock.seconds
            due += [m.arrives_at for m in runner.messages
                    if m.arrives_at > now and RECEIVED_PREFIX + m.message.id in plan.messages]
        return min(due) if due else None

    # -- search ----------------------------------------------------------------------
    def run(self) -> ExplorationReport:
        with _collector_relaxed():
            return self._run()

    def _run(self) -> ExplorationReport:
        started = time.perf_counter()
        deadline = self.deadline = None if self.budget is None else started + self.budget
        next_progress = started + PROGRESS_SECONDS
        self.runner.start()
        start_snap = self.runner.snapshot()
        self.runner.forget_history()
        root = self._node_for(start_snap)
        vector = [NONE if a in self.runner.offered else UNOFFERED for a in self.actions]
        banks, unreach = self._fold(vector, self.nodes[root].plan, [])
        banked = unreached = 0.0
        for credit in banks:
            banked += credit
        for weight in unreach:
            unreached += weight
        pending: deque = deque()
        for is_best, front in ((True, self.nodes[root].best), (False, self.nodes[root].worst)):
            first = _Entry(tuple(vector), banked, unreached, start_snap[1], start_snap[5], None, None, _pack(vector),
                           stamp=_stamp(start_snap[5], self.nodes[root].plan))
            front.insert(first, is_best, self.nodes[root].clock_sensitive, self.nodes[root].plan.timed)
            pending.append((root, first, is_best))
        move_count = steps = 0
        while pending:
            if len(self.nodes) > self.max_states:
                self.notes.append(f"stopped after {self.max_states:,} states: the scenario has too many "
                                  "combinations of variables and times to explore completely. Results cover only "
                                  "the part explored; reduce variables that are set early and read much later.")
                break
            steps += 1
            if steps % 64 == 1:
                now = time.perf_counter()
                if self.cancelled or (deadline is not None and now > deadline):
                    self._stop_for_time()
                    break
                if self.progress is not None and now >= next_progress:
                    next_progress = now + PROGRESS_SECONDS
                    self.progress(len(self.nodes), len(pending), now - started)
            node_id, entry, is_best = pending.popleft()
            node = self.nodes[node_id]
            if node.ending or not entry.alive:
                continue       # terminal, or superseded since it was queued
            try:
                moves = self._moves(node, entry)
            except _OutOfTime:
                pending.appendleft((node_id, entry, is_best))      # still to do: it counts in the bounds
                self._stop_for_time()
                break
            move_count += len(moves)
            self._expand(node, entry, is_best, moves, pending)
        report = self._report(root, [p for p in pending if not self.nodes[p[0]].ending])
        report.seat = self.seat
        report.moves = move_count
        report.seconds = round(time.perf_counter() - started, 3)
        return report

    def _expand(self, node: _Node, entry: _Entry, is_best: bool, moves: list[Move], pending: deque) -> None:
        """Follow each move from this entry: its statuses after the move (on time or late worked
        out from the entry's clock and milestones), what became final folded, and the new entry
        queued unless the target's front already covers it.

        This is the search's inner loop (once per entry and move), so everything it reads is
        bound to a local first. What a move does to the statuses depends only on the statuses
        before it and on which of its evidence is on time, so it is worked out once per such
        pair (``_statuses_after``, kept on the move: a move never changes once played) and
        shared by every entry of the node that brings the same pair."""
        clock, milestones = entry.clock, entry.milestones
        deadlines: dict[int, float] = {}        # per action, from this entry's milestones (inf: none)
        on_time_seen = self.on_time_seen
        nodes = self.nodes
        base, base_banked, base_unreached = entry.vector, entry.banked, entry.unreached
        base_stamp, anchors = entry.stamp, node.plan.anchors
        queue = pending.append
        for move in moves:
            target = nodes[move.target]
            plan = target.plan
            if move.touches:
                on_time = 0             # bit n: the move's n-th evidence is on time from this entry
                bit = 1
                for i, offset in move.evidence:
                    deadline = deadlines.get(i)
                    if deadline is None:
                        deadline = deadline_for(self.s.assessed[self.actions[i]].window, dict(milestones))[0]
                        deadline = deadlines[i] = math.inf if deadline is None else deadline
                    if clock + offset <= deadline:
                        on_time |= bit
                        on_time_seen.add(i)
                    bit <<= 1
                after_move = move.after
                if after_move is None:
                    after_move = move.after = {}
                done = after_move.get((base, on_time))
                if done is None:
                    done = after_move[(base, on_time)] = self._statuses_after(move, plan, base, entry.packed, on_time)
                vector, packed, banks, unreach = done
                banked, unreached = base_banked, base_unreached
                for credit in banks:        # one by one, in _fold's order: the same float sums
                    banked += credit
                for weight in unreach:
                    unreached += weight
            else:               # a move that changes no status (a wait, say): nothing to fold or pack
                vector, banked, unreached, packed = base, base_banked, base_unreached, entry.packed
            reached = move.reached
            if reached:
                after = tuple(sorted([*milestones, *((name, clock + at) for name, at in reached)]))
                stamp = _stamp(after, plan)
            else:
                after = milestones
                stamp = base_stamp if plan.anchors == anchors else _stamp(after, plan)
            new = (target.best if is_best else target.worst).add(vector, banked, unreached, clock + move.delta, after,
                                                                entry, move.label, packed, stamp, is_best,
                                                                target.clock_sensitive, plan.timed)
            if new is not None:
                queue((move.target, new, is_best))

    def _statuses_after(self, move: Move, plan: _Plan, base: tuple, base_packed: int, on_time: int) -> tuple:
        """The statuses after ``move`` from ``base`` (bit n of ``on_time``: its n-th evidence is on
        time), with what became final folded (``_fold``): (vector, packed vector, the credits
        banked and the weights left unreached, each in the order ``_fold`` adds them)."""
        vector = list(base)
        changed = []
        for i in move.offered:
            if vector[i] == UNOFFERED:
                vector[i] = NONE
                changed.append(i)
        bit = 1
        for i, _offset in move.evidence:
            status = vector[i]
            if status == NONE or status == UNOFFERED:     # the first evidence counts
                vector[i] = ON_TIME if on_time & bit else LATE
                changed.append(i)
            bit <<= 1
        for i in move.contravened:
            if vector[i] != FOLDED:      # banked: already contravened, or (reach) never contravened again
                vector[i] = CONTRAVENED
                changed.append(i)
        banks, unreach = self._fold(vector, plan, changed, move.finals)
        if not changed:                  # nothing changed and nothing became final
            return base, base_packed, (), ()
        clear, bits_at = self.clear, self.bits_at
        packed = base_packed
        for i in changed:                # the move's changes and what was folded, as they are now
            packed = (packed & clear[i]) | bits_at[i][vector[i]]
        return tuple(vector), packed, tuple(banks), tuple(unreach)

    def _stop_for_time(self) -> None:
        self.timed_out = True
        if self.cancelled:
            self.notes.append("stopped: cancelled")
            return
        self.notes.append(f"stopped after the time budget of {self.budget:g} s ({len(self.nodes):,} states "
                          "explored): score ranges are bounds, not exact; a larger budget may give an exact answer")

    # -- results ---------------------------------------------------------------------
    def _applies(self, node: _Node) -> list[bool]:
        variables = dict(node.snap[3])   # ending nodes differ in every variable that scoring reads
        env = dict(variables, elapsed=node.snap[1] // 60, scene_minutes=0)
        if self.received:               # as scoring reads them (score_runner): arrived by the end?
            env.update(_received_flags(node.snap[7], node.snap[1], self.received))
        return [self.s.assessed[a].applies_if is None or self.s.assessed[a].applies_if.evaluate(env)
                for a in self.actions]

    def _score(self, entry: _Entry, applies: list[bool], good: bool) -> tuple[float, float]:
        """Earned and possible credit at an ending; folded actions always apply (no applies_if).
        A not-reached action is left out at a good ending and counts as 0 at any other."""
        earned, possible = entry.banked, -entry.unreached if good else 0.0
        for i, status in enumerate(entry.vector):
            if not applies[i] or (status == UNOFFERED and good):
                continue
            possible += self.values[i][ON_TIME]
            if status != FOLDED:
                earned += self.values[i][status]
        return earned, possible

    def _bound(self, entry: _Entry, plan: _Plan, best: bool) -> float:
        """The best (or worst) percent any ending reached from this entry could score.

        An action still live may yet be earned on time (best) or contravened (worst); one that
        is not keeps its status. Actions with ``applies_if``, and actions not offered yet
        (not reached: left out at a good ending), may or may not count at the ending:
        the subset that gives the highest (lowest) ratio is a prefix of them ordered by their
        ratio of credit to weight, so the prefixes are tried."""
        earned, possible, optional = entry.banked, 0.0, []
        for i, status in enumerate(entry.vector):
            weight = self.values[i][ON_TIME]
            if status == FOLDED:
                possible += weight
                continue
            value = self.values[i][status]
            if i in plan.live_actions:
                value = weight if best else self.values[i][CONTRAVENED]
            if self.s.assessed[self.actions[i]].applies_if is None and status != UNOFFERED:
                earned += value
                possible += weight
            else:
                optional.append((value / weight if weight else 0.0, value, weight))
        optional.sort(reverse=best)
        if entry.unreached:
            possible -= entry.unreached                 # banked as counted above; may be left out
            optional.append((0.0, 0.0, entry.unreached))
            optional.sort(reverse=best)
        candidates = [_percent(earned, possible)]
        for _ratio, value, weight in optional:
            earned += value
            possible += weight
            candidates.append(_percent(earned, possible))
        return max(candidates) if best else min(candidates)

    def _report(self, root: int, pending: list | None = None) -> ExplorationReport:
        per_ending: dict[str, EndingBounds] = {}
        full_marks = None
        for node in self.nodes:
            if not node.ending:
                continue
            applies = self._applies(node)
            ending = self.s.endings[node.ending]
            good = ending.outcome == GOOD_OUTCOME
            # Every entry on either front is a real path to this ending, so both fronts count
            # for both extremes: a search stopped early may have reached an ending on one front
            # only. Each front is read first for its own extreme, so ties keep its path.
            best_scored = [(entry, *self._score(entry, applies, good)) for entry in node.best]
            worst_scored = [(entry, *self._score(entry, applies, good)) for entry in node.worst]
            if not best_scored and not worst_scored:
                continue
            bounds = per_ending.get(node.ending)
            if bounds is None:
                bounds = per_ending[node.ending] = EndingBounds(node.ending, ending.outcome, 101.0, -1.0, [], [])
            for entry, earned, possible in best_scored + worst_scored:
                percent = _percent(earned, possible)
                if percent > bounds.max_percent:
                    bounds.max_percent = percent
                    bounds.best_path = self._with_markings(_path(entry))
                if possible > 0 and earned >= possible and full_marks is None:
                    full_marks = _path(entry)
            for entry, earned, possible in worst_scored + best_scored:
                percent = _percent(earned, possible)
                if percent < bounds.min_percent:
                    bounds.min_percent = percent
                    bounds.worst_path = self._with_markings(_path(entry))
        evidenced = {i for node in self.nodes for move in _all_moves(node) for i, _ in move.evidence}
        on_time = self.on_time_seen
        complete = not pending and not self.capped and len(self.nodes) <= self.max_states
        if complete:
            unachievable = [a for i, a in enumerate(self.actions) if i not in evidenced]
            never_on_time = [a for i, a in enumerate(self.actions) if i in evidenced and i not in on_time]
        else:           # "no path can" needs every path: unknown when the search stopped early
            unachievable, never_on_time = [], []
        undecided = self._bound_endings(per_ending, pending or [], complete)
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
        best = max(endings, key=lambda b: b.max_percent, default=None)
        if not complete and not self.capped and full_marks is None:
            self.notes.append("no full-marks path was found in the part explored; whether one exists is not known")
        return ExplorationReport(self.s.id, len(self.nodes), 0, 0.0, endings,
                                 sorted(set(self.s.endings) - set(per_ending) - set(undecided)), unachievable,
                                 never_on_time, missable, contravenable, self._with_markings(full_marks),
                                 self.approximate or not complete, self.notes, complete, undecided,
                                 best.best_path if best else None, best.max_percent if best else None)

    def _bound_endings(self, per_ending: dict[str, EndingBounds], pending: list, complete: bool) -> list[str]:
        """Mark each ending exact or not, with sound outer bounds from the entries still queued;
        returns the endings not reached that a queued entry might still reach."""
        upper: dict[str, float] = {}
        lower: dict[str, float] = {}
        for node_id, entry, is_best in pending:
            node = self.nodes[node_id]
            if not entry.alive:
                continue           # superseded: what covers it is queued or explored
            plan = node.plan
            bound = self._bound(entry, plan, is_best)
            for ending_id in plan.endings:
                if is_best:
                    upper[ending_id] = max(upper.get(ending_id, bound), bound)
                else:
                    lower[ending_id] = min(lower.get(ending_id, bound), bound)
        for bounds in per_ending.values():
            bounds.exact = complete
            if self.capped:
                continue               # some moves were never tried: no bound is sound
            bounds.upper_percent = max(bounds.max_percent, upper.get(bounds.ending_id, bounds.max_percent))
            bounds.lower_percent = min(bounds.min_percent, lower.get(bounds.ending_id, bounds.min_percent))
        if complete:
            return []
        return sorted((set(upper) | set(lower)) - set(per_ending))

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
                # The cheap test first: most moves lead to a node already reached.
                if move.target in parents or any(i == action for i, _ in move.evidence):
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


def explore(scenario: Scenario, max_states: int = MAX_STATES, conditions: dict | None = None,
            budget: float | None = None, progress: Callable[[int, int, float], None] | None = None,
            seat: str | None = None) -> ExplorationReport:
    """Every path under one combination of run conditions (their defaults if None); with a
    ``budget`` (seconds) it stops then and reports bounds. ``seat``: every path of that seat
    of a seated scenario, the other seats' decisions taken by their stand-ins."""
    return Explorer(scenario, max_states, conditions, budget, progress, seat).run()


_collector_lock = threading.Lock()
_collector_users = 0
_collector_threshold: tuple | None = None


class _collector_relaxed:
    """Run the garbage collector's youngest generation far less often while exploring.

    The search makes millions of small objects that live as long as it does; with the default
    threshold the collector re-scans them over and over (about a third of the time). It stays
    on (the runner does make some cycles) and the threshold is put back by the last explorer to
    finish, even on an error, so explorers on several threads share one setting."""

    def __enter__(self):
        global _collector_users, _collector_threshold
        with _collector_lock:
            if _collector_users == 0:
                _collector_threshold = gc.get_threshold()
                gc.set_threshold(max(_collector_threshold[0], 100_000), *_collector_threshold[1:])
            _collector_users += 1
        return self

    def __exit__(self, *exc) -> None:
        global _collector_users
        with _collector_lock:
            _collector_users -= 1
            if _collector_users == 0 and _collector_threshold is not None:
                gc.set_threshold(*_collector_threshold)


def _arrivals(messages: tuple, now: int, names: tuple) -> tuple:
    """For each ``received.<id>`` name: None (not sent), 0 (arrived) or the seconds until the
    first message with that id arrives. A snapshot's messages are (message, from seat, sent at,
    arrives at, decision index, delivered)."""
    first: dict[str, int] = {}
    for m in messages:
        name = RECEIVED_PREFIX + m[0].id
        if name not in first or m[3] < first[name]:
            first[name] = m[3]
    return tuple(None if name not in first else max(0, first[name] - now) for name in names)


def _received_flags(messages: tuple, now: int, names) -> dict[str, bool]:
    """``received.<id>`` at clock ``now`` from a snapshot's messages, as ``runner.received_flags``."""
    arrived = {RECEIVED_PREFIX + m[0].id for m in messages if m[3] <= now}
    return {name: name in arrived for name in names}


def _has_effects(inject) -> bool:
    o = inject.outcome
    return bool(inject.goto or o.sets or o.adds or o.evidences or o.contravenes)


class _OutOfTime(Exception):
    """The time budget ran out in the middle of playing a node's moves."""


def _covers(a: _Entry, b: _Entry, is_best: bool, ordered: bool) -> bool:
    """True when entry ``a`` is at least as good (best front) or as bad (worst front) as ``b``.

    Playing the same moves from an earlier clock, or with later milestones (so later
    deadlines), can only turn "late" into "on time": so for the best front an earlier clock
    and later milestones cover, and for the worst front the opposite. That argument needs
    the moves to behave the same at both times, which fails when an inject whose timing
    depends on the absolute clock (or a condition reading ``elapsed``) is still ahead; then
    only equal clocks compare (the front keeps one bucket per clock). ``ordered`` is false
    where no live action has a deadline any more: then time cannot change a score and the
    clock is no part of the comparison. Only the milestones a live deadline is counted from
    are in the ``stamp``."""
    if is_best:
        return (not ordered or a.clock <= b.clock) and a.banked >= b.banked - EPSILON and \
            a.unreached >= b.unreached and a.packed & b.packed == b.packed and \
            (a.stamp == b.stamp or all(x >= y for x, y in zip(a.stamp, b.stamp)))
    return (not ordered or a.clock >= b.clock) and a.banked <= b.banked + EPSILON and \
        a.unreached <= b.unreached and a.packed & b.packed == a.packed and \
        (a.stamp == b.stamp or all(x >= y for x, y in zip(b.stamp, a.stamp)))


# (x, y): status x is at least as good as y whatever happens next. Earned statuses are ordered;
# a banked one (FOLDED) only compares with another banked one (its credit is in ``banked``); not
# offered yet is at least as good as missed or contravened (a good ending leaves it out of the
# total, any other counts it as 0), but not comparable with an earned one (it changes the total).
_STATUSES = (CONTRAVENED, NONE, LATE, ON_TIME)
_AT_LEAST = frozenset([(x, y) for x in _STATUSES for y in _STATUSES if x >= y]
                      + [(FOLDED, FOLDED), (UNOFFERED, UNOFFERED), (UNOFFERED, NONE), (UNOFFERED, CONTRAVENED)])
# Each status as the bit set of the statuses it is at least as good as: x is at least as good as
# y exactly when y's set is inside x's, so a whole vector compares as (A & B) == B.
_ALL = (UNOFFERED, FOLDED, *_STATUSES)
_BITS = {x: sum(1 << _ALL.index(y) for y in _ALL if (x, y) in _AT_LEAST) for x in _ALL}
_WIDTH = len(_ALL)
_FULL = (1 << _WIDTH) - 1


def _pack(vector) -> int:
    packed = 0
    for status in reversed(vector):
        packed = (packed << _WIDTH) | _BITS[status]
    return packed


def _stamp(milestones: tuple, plan: _Plan) -> tuple:
    """The times of the milestones (sorted by name) that a live action's deadline is counted from."""
    anchors = plan.anchors
    return tuple([at for name, at in milestones if name in anchors]) if anchors else ()


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

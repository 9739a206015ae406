"""Play a validated scenario: a ``transitions`` state machine plus a simulated clock.

``ScenarioRunner`` is the only place scenario rules run: it offers the current decision,
applies a choice (variables, clock, credited and contravened actions), fires timed
injects as the clock passes them, routes to the next scene through the state machine, and
emits events (scene entered, inject fired, decision recorded, reference opened, ended)
to subscribers. Every input is appended to ``log``, from which ``restore`` rebuilds the
exact session. No threads, no real time, no ``Timeout`` states.
A facilitated exercise adds facilitator interventions (``apply_intervention``: ad-hoc
inject, pause, resume, timer adjust, end, a run condition changed live, a seat handed to its
stand-in or back), logged as ``"facilitator"`` entries so replay reproduces them and scoring
can mark the session (docs/facilitation.md, live_changes.py).
A session's ``seed`` fixes the order its decisions' options are shown in
(presentation.py); it is the log's first entry (``{"type": "order", "seed": N}``), so a
restore shows exactly what the trainee saw. No seed (older records, play scripts, the
explorer) means the file order.
For a fair debrief the runner also notes what the session *offered*: every action some
decision it showed could have evidenced (``offered``), which decisions set each
variable (``setters``: the last that set it, and every one that added to it since) and
each conditional turn the path took (``turns``): scoring tells
"missed" from "not reached" with the first, and ending.py explains the ending with the rest.
A session's run conditions (run_conditions.py: drawn from the seed unless fixed) are the
log's ``conditions`` entry, right after the seed, and set their read-only variables.
An assessor's marking of a rationale's rubric (``mark``, after the session if need be) is a
``"mark"`` entry of the same log, so replay and re-scoring include it (rationale.py).
A seated scenario (seats.py) shares this one machine, clock and set of variables among its
seats. Outcomes send messages that arrive after their delay (``messages``, ``MessageArrived``;
conditions read ``received.<id>``). Played for one seat (``seat=``), the runner takes the
other seats' decisions by their stand-ins as soon as their scenes come up: the log's ``seat``
entry names the seat played, and each stand-in entry says ``"stand_in": true``; replay checks
that the stand-ins choose as recorded instead of choosing again.
Requests for information to partner agencies (requests.py): ``request_information`` records a
``"request"`` entry at the incident clock; a request whose question matches a reply's keywords
is evidence of that reply's actions (a ``Credit`` with ``request_index``). Self-paced, the
canned reply arrives by itself after its delay (``RequestAnswered``); in a facilitated
exercise the facilitator answers with the ``answer`` intervention (a canned reply or free text).
Must not import Qt or any GUI code.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from transitions import Machine

from .clock import SimClock
from .model import PARTS_KEY, ActionRef, Decision, Inject, Option, Outcome, Route, Scenario, Scene, ndm_box_title
from .presentation import presentation_order
from .run_conditions import ConditionError, check, declared, describe, draw
from .rationale import RationaleError, assess_parts, check_marks, check_parts, marked_actions
from .requests import (RequestError, RequestRecord, all_replies, check_request, match_reply, request_actions,
                       unclear_text)
from .seats import STAND_IN_RATIONALE, SentMessage, received_names, stand_in_selection

log = logging.getLogger(__name__)


class RunnerError(Exception):
    """The runner was asked to do something the scenario does not allow right now."""


class ReplayError(RunnerError):
    """A stored session no longer fits the scenario (it was edited since)."""

    def __init__(self, index: int, entry: dict, reason: str):
        self.index = index
        self.entry = entry
        self.reason = reason
        super().__init__(f"step {index + 1} ({_describe_entry(entry)}): {reason}")


# -- events ---------------------------------------------------------------------------
@dataclass(frozen=True)
class SceneEntered:
    scene_id: str
    clock: int


@dataclass(frozen=True)
class InjectFired:
    inject_id: str
    clock: int
    text: str
    speaker: str | None
    redirect: str | None


@dataclass(frozen=True)
class Credit:
    """One line of the evidence ledger that scoring reads."""
    action_id: str
    contravened: bool
    clock: int
    scene_id: str
    decision_index: int
    source: str            # option id, rule id, "expiry", "rationale" (its parts), "rubric" or "request:<partner>/<topic>"
    feedback: str = ""
    request_index: int | None = None    # earned by a request for information (decision_index is None)


@dataclass
class DecisionRecord:
    index: int
    scene_id: str
    kind: str
    selection: Any
    rationale: Any
    clock: int
    expired: bool = False
    credits: list[Credit] = field(default_factory=list)
    feedback: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    stand_in: bool = False          # taken by another seat's stand-in (never scored for the trainee)


@dataclass(frozen=True)
class DecisionRecorded:
    record: DecisionRecord


@dataclass(frozen=True)
class ReferenceOpened:
    reference_id: str
    clock: int


@dataclass(frozen=True)
class DocumentOpened:
    """The trainee opened one of the scenario's media (a document, picture or recording)."""
    media_id: str
    clock: int


@dataclass(frozen=True)
class Ended:
    ending_id: str
    clock: int


@dataclass(frozen=True)
class MessageArrived:
    """A message from one seat arrived at another (``sent.message.to``)."""
    sent: SentMessage
    clock: int


@dataclass(frozen=True)
class RequestMade:
    """A pod sent a request for information to a partner agency (requests.py)."""
    request: RequestRecord
    clock: int


@dataclass(frozen=True)
class RequestAnswered:
    """A partner's answer to a request arrived (a canned reply after its delay, or the facilitator's)."""
    request: RequestRecord
    clock: int


@dataclass(frozen=True)
class FacilitatorIntervention:
    """A facilitator intervention was applied; ``entry`` is its log entry (action, clock, scene, ...)."""
    entry: dict


#: ``runner.ended`` after the facilitator ends a session: not one of the scenario's endings.
FACILITATOR_ENDING = "ended_by_facilitator"
FACILITATOR_OUTCOME = "ended by the facilitator"
#: The inject id of an announced live run condition change (``facilitator-condition-N``): a facilitator's.
CONDITION_INJECT_PREFIX = "facilitator-condition-"
INTERVENTION_ACTIONS = ("inject", "pause", "resume", "timer", "end", "answer", "set_condition", "stand_in",
                        "hand_back")
#: Stand-in turns in a row before the runner gives up (a loop of scenes no played seat is in).
MAX_STAND_IN_TURNS = 10_000


class _MachineModel:
    """The object ``transitions`` drives; kept apart so scene ids never clash with our names."""


class ScenarioRunner:
    def __init__(self, scenario: Scenario, seed: int | None = None, conditions: dict[str, Any] | None = None,
                 seat: str | None = None):
        """``conditions`` fixes run conditions (a trainer's choice); the others are drawn from ``seed``.
        ``seat`` plays one seat of a seated scenario; stand-ins take the others' decisions (seats.py)."""
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
            raise RunnerError(f"a presentation seed is a whole number of 0 or more, not {seed!r}")
        if seat is not None and seat not in scenario.seats:
            from .problems import did_you_mean
            if not scenario.seats:
                raise RunnerError(f"scenario '{scenario.id}' has no seats, so there is no seat '{seat}' to play")
            raise RunnerError(f"no seat '{seat}' in scenario '{scenario.id}'"
                              + (f"; {did_you_mean(seat, scenario.seats)}" if did_you_mean(seat, scenario.seats)
                                 else "") + f" (seats: {', '.join(scenario.seats)})")
        self.scenario = scenario
        self.seat = seat                    # the seat played (None: every seat, in turn)
        self.messages: list[SentMessage] = []    # every message sent, in the order sent
        self.requests: list[RequestRecord] = []  # every request for information, in the order sent
        self._received = received_names(scenario)
        self._stand_ins_checked = 0         # replay: stand-in entries of the stored log checked so far
        self.seed = seed                    # presentation order of options (None: file order)
        try:
            self.conditions: dict[str, Any] = draw(scenario, seed, conditions)
        except ConditionError as exc:
            raise RunnerError(str(exc)) from None
        self.clock = SimClock(scenario.incident_start)
        self.variables: dict[str, Any] = {n: v.initial for n, v in scenario.variables.items()}
        self.variables.update(self.conditions)
        self.ledger: list[Credit] = []
        self.decisions: list[DecisionRecord] = []
        self.path: list[tuple[str, int]] = []
        self.milestones: dict[str, int] = {}
        self.fired: set[str] = set()
        self.inject_log: list[InjectFired] = []
        self.references_opened: list[tuple[str, int]] = []
        self.documents_opened: list[tuple[str, int]] = []
        self.log: list[dict] = []
        self.ended: str | None = None
        self.scene_entered_at = 0
        self.paused = False                 # by the facilitator: the clock stops, no decisions
        self.time_limit_adjustment = 0      # seconds added to the current decision's real-time limit
        self.interventions: list[dict] = []  # the facilitator entries of the log, in order
        self.facilitated = False            # set by a station of a facilitated exercise (scoring marks it)
        # Run conditions the facilitator changed live ({"clock", "scene", "variable", "from", "to", "by"}, in
        # order); ``conditions`` stays what the session started with, ``variables`` holds the current values.
        self.condition_changes: list[dict] = []
        # Seats the facilitator handed to their stand-ins (a pod seat with no station): their scenes are
        # taken by the stand-in as in one-seat play; ``seat_handovers`` lists each hand-over and hand-back.
        self.stood_in: set[str] = set()
        self.seat_handovers: list[dict] = []
        self.offered: set[str] = set()      # actions some decision shown to the trainee could have evidenced
        # variable -> the decisions its value comes from: the last that set it, and every one that added to it since
        self.setters: dict[str, list[int]] = {}
        self.turns: list[dict] = []         # conditional routes and inject redirects the path took
        self.markings: dict[int, dict] = {}  # decision index -> the latest "mark" entry (an assessor's)
        # decision index -> actions a rationale's parts allow, which its rubric's marking decides
        self.awaiting: dict[int, tuple[str, ...]] = {}
        self._replaying = False             # replaying a stored log: old records may lack newer fields
        self._subscribers: list[Callable[[object], None]] = []
        self._model = _MachineModel()
        self._triggers: dict[int, str] = {}
        self._started = False
        self._build_machine()

    # -- machine ---------------------------------------------------------------------
    def _build_machine(self) -> None:
        s = self.scenario
        states = list(s.scenes) + list(s.endings)
        self.machine = Machine(model=self._model, states=states, initial=s.start,
                               auto_transitions=False, queued=True, send_event=True,
                               ignore_invalid_triggers=False)
        for scene in s.scenes.values():
            for routes in _route_sets(scene):
                self._add_routes(scene.id, routes)
        for inject in s.all_injects():
            if inject.goto:
                name = f"redirect_{len(self._triggers)}"
                self._triggers[id(inject)] = name
                self.machine.add_transition(name, "*", inject.goto)

    def _add_routes(self, source: str, routes: tuple[Route, ...]) -> None:
        if id(routes) in self._triggers or not routes:
            return
        name = f"route_{len(self._triggers)}"
        self._triggers[id(routes)] = name
        for route in routes:
            conditions = [self._condition_callable(route.condition)] if route.condition else []
            self.machine.add_transition(name, source, route.target, conditions=conditions)

    def _condition_callable(self, expression):
        # transitions calls this with an EventData (send_event=True); the expression reads
        # only our variables, so scenario text can never name a Python callable.
        return lambda _event: expression.evaluate(self.env())

    # -- state -----------------------------------------------------------------------
    @property
    def scene_id(self) -> str:
        return self._model.state

    @property
    def scene(self) -> Scene | None:
        return self.scenario.scenes.get(self._model.state)

    @property
    def decision(self) -> Decision | None:
        scene = self.scene
        return scene.decision if scene is not None and not self.ended else None

    def env(self) -> dict[str, Any]:
        env = dict(self.variables)
        env["elapsed"] = self.clock.seconds // 60
        env["scene_minutes"] = (self.clock.seconds - self.scene_entered_at) // 60
        if self._received:
            env.update(self.received_flags())
        return env

    def received_flags(self) -> dict[str, bool]:
        """``received.<id>`` for every message id the scenario sends or reads: arrived by now?"""
        now = self.clock.seconds
        arrived = {"received." + m.message.id for m in self.messages if m.arrives_at <= now}
        return {name: name in arrived for name in self._received}

    def plays(self, scene_id: str | None) -> bool:
        """Whether the trainee plays this scene (always, unless one seat is played and it is another's,
        or the facilitator handed its seat to the stand-in)."""
        if self.seat is None and not self.stood_in:
            return True
        scene = self.scenario.scenes.get(scene_id or "")
        if scene is None:
            return True
        if scene.seat in self.stood_in:
            return False
        return self.seat is None or scene.seat == self.seat

    def current_conditions(self) -> dict[str, Any]:
        """The run conditions as they stand now (``conditions`` after the facilitator's live changes)."""
        return {name: self.variables[name] for name in self.conditions}

    def time_limit(self) -> int:
        """The current decision's real-time limit in seconds after facilitator adjustments (0: untimed)."""
        decision = self.decision
        if decision is None or not decision.time_limit_seconds or decision.on_expiry is None:
            return 0
        return max(0, int(decision.time_limit_seconds) + self.time_limit_adjustment)

    @property
    def ended_by_facilitator(self) -> bool:
        return self.ended == FACILITATOR_ENDING

    def available_options(self) -> list[Option]:
        """The current decision's options that are offered now, in the order this session shows them."""
        decision = self.decision
        if decision is None:
            return []
        options = self.presented(self.scene_id)
        for option in options:
            if option.condition is not None:
                break
        else:
            return options          # nothing to evaluate: no need to build the variables' environment
        env = self.env()
        return [o for o in options if o.condition is None or o.condition.evaluate(env)]

    def presented(self, scene_id: str) -> list[Option]:
        """All the options of a scene's decision in this session's presentation order (review, exports)."""
        scene = self.scenario.scenes.get(scene_id)
        if scene is None or scene.decision is None:
            return []
        return presentation_order(self.seed, scene_id, scene.decision.options)

    def scene_text(self, scene_id: str | None = None) -> str:
        """The text of a scene as this run shows it: the first version whose condition holds now."""
        scene = self.scenario.scenes.get(scene_id or self.scene_id)
        if scene is None:
            return ""
        env = self.env()
        for condition, text in scene.text_variants:
            if condition.evaluate(env):
                return text
        return scene.text

    def part_options(self, part_id: str) -> list[Option]:
        """The choices of one structured part of the current rationale, in this session's order."""
        decision = self.decision
        part = decision.part(part_id) if decision is not None else None
        if part is None:
            return []
        # each part is its own question, so it gets its own order (keyed by scene and part)
        return presentation_order(self.seed, f"{self.scene_id}/{part.id}", part.options)

    def subscribe(self, callback: Callable[[object], None]) -> None:
        self._subscribers.append(callback)

    def unsubscribe(self, callback: Callable[[object], None]) -> None:
        if callback in self._subscribers:
            self._subscribers.remove(callback)

    def _emit(self, event: object) -> None:
        for callback in list(self._subscribers):
            callback(event)

    def _announce(self, kind, *fields) -> None:
        """Emit ``kind(*fields)``, made only when something listens (nothing listens to the
        explorer's runners, and these are made on every scene and decision of its search)."""
        if self._subscribers:
            self._emit(kind(*fields))

    # -- inputs ----------------------------------------------------------------------
    def start(self) -> None:
        if self._started:
            raise RunnerError("the session has already started")
        self._started = True
        if self.seed is not None:
            self.log.append({"type": "order", "seed": self.seed, "clock": 0})
        if self.conditions:
            self.log.append({"type": "conditions", "values": dict(self.conditions), "clock": 0})
        if self.seat is not None:
            self.log.append({"type": "seat", "seat": self.seat, "clock": 0})
        self.offered.update(request_actions(self.scenario))    # a request can be sent at any time
        self._enter(self.scenario.start)
        self._play_stand_ins()

    def choose(self, selection: Any, rationale: Any = None, meta: dict | None = None) -> DecisionRecord:
        """Answer the current decision. ``selection`` depends on the decision kind:
        an option id (choose_one), a list of ids (choose_many, rank), or a dict of NDM
        boxes (ndm_rationale)."""
        record = self._choose(selection, rationale, meta)
        self._play_stand_ins()
        return record

    def _choose(self, selection: Any, rationale: Any, meta: dict | None, stand_in: dict | None = None):
        """Answer the current decision; ``stand_in`` (the log fields of a stand-in's turn) marks
        a decision taken for a seat nobody plays."""
        decision = self._require_decision()
        scene_id = self.scene_id
        if stand_in is None:
            self._note_offers()
        selection, outcomes, sources = self._outcomes_for(decision, selection)
        awaiting: tuple[str, ...] = ()
        if decision.kind != "ndm_rationale":
            rationale = (rationale or "").strip() if isinstance(rationale, str) or rationale is None else rationale
            if decision.rationale == "required" and not rationale:
                raise RunnerError("this decision needs a rationale: say why you chose this")
            if decision.rationale == "none":
                rationale = ""
        else:
            rationale = {k: v for k, v in selection.items() if k != PARTS_KEY}   # the boxes
            awaiting = tuple(outcomes.pop())                                    # see _outcomes_for
        record = self._record(decision, scene_id, selection, rationale, outcomes, sources, meta, expired=False,
                              stand_in=stand_in is not None)
        if decision.kind == "ndm_rationale":
            self.awaiting[record.index] = awaiting
        entry = {"type": "choose", "scene": scene_id, "selection": selection,
                 "rationale": rationale, "clock": record.clock, "meta": dict(meta or {})}
        self.log.append(dict(entry, **stand_in) if stand_in else entry)
        routes = outcomes[0].next if decision.kind == "choose_one" else decision.outcome.next
        self._finish_turn(sum(o.minutes for o in outcomes), routes)
        return record

    def expire(self, meta: dict | None = None) -> DecisionRecord:
        """The decision's real-time limit ran out: apply its on_expiry outcome."""
        decision = self._require_decision()
        if decision.on_expiry is None or not decision.time_limit_seconds:
            raise RunnerError("this decision has no time limit")
        scene_id = self.scene_id
        self._note_offers()
        # The clock ran while the countdown did. The GUI has already advanced it; a headless
        # player (play scripts, the explorer) catches up here, so both agree on the time.
        deadline = self.scene_entered_at + int(self.time_limit() * self.scenario.clock_speed)
        if self.clock.seconds < deadline:
            self._advance_clock(deadline)
            if self.ended or self.scene_id != scene_id:
                raise RunnerError("an inject changed the scene before the time limit ran out")
        outcome = decision.on_expiry
        record = self._record(decision, scene_id, None, "", [outcome], ["expiry"], meta, expired=True)
        self.log.append({"type": "expire", "scene": scene_id, "clock": record.clock, "meta": dict(meta or {})})
        self._finish_turn(outcome.minutes, outcome.next or decision.outcome.next)
        self._play_stand_ins()
        return record

    def continue_(self) -> None:
        """Leave a scene that has no decision, by its ``next`` routes."""
        self._require_running()
        scene = self.scene
        if scene is None or scene.decision is not None:
            raise RunnerError("this scene has a decision to make")
        self.log.append({"type": "continue", "scene": scene.id, "clock": self.clock.seconds})
        self._route(scene.next)
        self._play_stand_ins()

    # -- stand-ins (one seat of a seated scenario is played) ----------------------------
    def _play_stand_ins(self) -> None:
        """While the story is at another seat's scene, its stand-in takes the turn (seats.py)."""
        turns = 0
        while (self.seat is not None or self.stood_in) and self._started and not self.ended and not self.paused \
                and not self.plays(self.scene_id):
            turns += 1
            if turns > MAX_STAND_IN_TURNS:
                raise RunnerError(f"the stand-ins took {MAX_STAND_IN_TURNS:,} turns in a row without reaching a "
                                  f"scene of seat '{self.seat or 'a station'}' or an ending: the scenes loop")
            scene = self.scene
            fields = {"stand_in": True, "seat": scene.seat}
            if scene.decision is None:
                self.log.append({"type": "continue", "scene": scene.id, "clock": self.clock.seconds, **fields})
                self._route(scene.next)
                continue
            selection, fallback = stand_in_selection(scene.decision, self.available_options())
            if fallback:
                fields["fallback"] = True
            rationale = STAND_IN_RATIONALE if scene.decision.rationale == "required" else None
            self._choose(selection, rationale, {"stand_in": True, "seat": scene.seat}, stand_in=fields)

    def stand_in_decisions(self) -> list[int]:
        """The indexes of the decisions the stand-ins took (not scored for the trainee)."""
        return [r.index for r in self.decisions if r.stand_in]

    def advance(self, seconds: int) -> None:
        """Let simulated time pass (the trainee is reading or thinking); not while paused."""
        if seconds <= 0 or self.ended or not self._started or self.paused:
            return
        if self.log and self.log[-1]["type"] == "advance":
            self.log[-1]["seconds"] += seconds     # keep the log compact: one entry per pause
        else:
            self.log.append({"type": "advance", "seconds": seconds})
        self._advance_clock(self.clock.seconds + seconds)
        self._play_stand_ins()      # an inject may have redirected to another seat's scene

    def open_reference(self, reference_id: str) -> None:
        if reference_id not in self.scenario.reference:
            raise RunnerError(f"unknown reference item '{reference_id}'")
        allowed = self.scenario.seats[self.seat].reference if self.seat is not None else None
        if allowed is not None and reference_id not in allowed:
            raise RunnerError(f"reference item '{reference_id}' is not for seat '{self.seat}'")
        self.references_opened.append((reference_id, self.clock.seconds))
        self.log.append({"type": "reference", "id": reference_id, "clock": self.clock.seconds})
        self._announce(ReferenceOpened, reference_id, self.clock.seconds)

    def open_document(self, media_id: str) -> None:
        """The trainee opened a medium (recorded for the trainer; it costs no time and no marks)."""
        if media_id not in self.scenario.media:
            raise RunnerError(f"unknown media item '{media_id}'")
        self.documents_opened.append((media_id, self.clock.seconds))
        self.log.append({"type": "document", "id": media_id, "clock": self.clock.seconds})
        self._announce(DocumentOpened, media_id, self.clock.seconds)

    # -- requests for information to partner agencies (requests.py) ----------------------
    def request_information(self, partner: str, question: str, urgency: str = "routine",
                            topic: str | None = None, *, auto: bool | None = None, seat: str | None = None,
                            meta: dict | None = None) -> RequestRecord:
        """Send a request for information to ``partner`` now, at the incident clock.

        ``topic`` (one of the partner's reply topics) chooses the canned answer; without it the
        question's keywords choose. The request is evidence of the reply's actions only when the
        question is about that topic (one of its keywords, and no more of other topics'; requests.is_focused). ``auto`` (default: not facilitated): the canned
        reply arrives by itself after its delay; otherwise the facilitator answers (``answer``).
        ``seat``: the seat asking (a pod's seat station sends its own; default: the seat played, or
        the seat whose scene is on screen); the request and its credit count for it. ``meta``: who
        sent it (station_id, entered_by, request_id; a pod's relay), kept in the log and the record.
        Costs no simulated time."""
        self._require_running()
        if seat is not None and seat not in self.scenario.seats:
            known = ", ".join(sorted(self.scenario.seats)) or "none"
            raise RunnerError(f"there is no seat '{seat}' in this scenario (seats: {known})")
        if meta is not None and (not isinstance(meta, dict)
                                 or not all(isinstance(v, str) or v is None for v in meta.values())):
            raise RunnerError("a request's sender details must be a mapping of short texts")
        try:
            partner_, question = check_request(self.scenario.partners, partner, question, urgency, topic)
        except RequestError as exc:
            raise RunnerError(str(exc)) from None
        auto = (not self.facilitated) if auto is None else bool(auto)
        match = match_reply(partner_, question, topic, all_replies(self.scenario.partners))
        clock, scene_id = self.clock.seconds, self.scene_id
        asked_by = seat             # logged only when named, so a default request replays as before
        if seat is None:
            seat = self.seat if self.seat is not None else (self.scene.seat if self.scene is not None else None)
        meta = {k: v for k, v in (meta or {}).items() if v is not None}
        record = RequestRecord(len(self.requests), partner_.id, question, urgency, topic,
                               match.reply.id if match.reply else None, match.credited, clock, seat, scene_id, auto,
                               meta=dict(meta))
        if match.credited and match.reply is not None:
            for ref in match.reply.evidences:
                credit = Credit(ref.action_id, False, clock, scene_id, None,
                                f"request:{partner_.id}/{match.reply.id}", request_index=record.index)
                record.actions.append(ref.action_id)
                self.ledger.append(credit)
        if auto:
            record.due = clock + (match.reply.delay_minutes * 60 if match.reply else 0)
        self.requests.append(record)
        self.log.append({"type": "request", "partner": partner_.id, "question": question, "urgency": urgency,
                         "topic": topic, "scene": scene_id, "clock": clock, "auto": auto,
                         **({"seat": asked_by} if asked_by is not None else {}), **({"meta": meta} if meta else {})})
        self._announce(RequestMade, record, clock)
        self._deliver_answers(clock)        # a reply with no delay comes straight back
        return record

    def _answer(self, record: RequestRecord, text: str, by: str, reply: str | None, at: int) -> None:
        record.answer, record.answered_at, record.answered_by, record.answer_reply = text, at, by, reply
        self._announce(RequestAnswered, record, at)

    def _deliver_answers(self, until: int) -> None:
        """Self-paced play: the canned replies due by ``until`` arrive (in the order they fall due)."""
        if not self.requests:
            return              # the usual case, on every step of the clock (the explorer's hot path)
        for record in sorted((r for r in self.requests if r.auto and not r.answered and r.due is not None
                              and r.due <= until), key=lambda r: (r.due, r.index)):
            partner = self.scenario.partners[record.partner]
            reply = partner.replies.get(record.matched or "")
            self._answer(record, reply.text if reply else unclear_text(partner), "canned",
                         reply.id if reply else None, record.due)

    def _check_answer(self, request, text: str | None, reply: str | None) -> dict:
        """The fields of a facilitator's ``answer``: which request, and a canned reply or free text."""
        if isinstance(request, bool) or not isinstance(request, int) or not 0 <= request < len(self.requests):
            raise RunnerError(f"there is no request {request!r} in this session")
        record = self.requests[request]
        if record.answered:
            raise RunnerError(f"request {request} to {record.partner} has already been answered")
        if (text is None) == (reply is None):
            raise RunnerError("an answer needs either free text or a canned reply, not both")
        if reply is not None:
            partner = self.scenario.partners[record.partner]
            if reply not in partner.replies:
                raise RunnerError(f"the {partner.name} has no canned reply '{reply}' "
                                  f"(replies: {', '.join(partner.replies) or 'none'})")
            return {"request": request, "reply": reply}
        if not isinstance(text, str) or not text.strip():
            raise RunnerError("a free-text answer needs some text")
        return {"request": request, "text": text.strip()}

    # -- an assessor's marking of a rationale (after the session, in review) --------------
    def mark(self, decision_index: int, marks: dict, *, by: str, at: str, comments: dict | None = None) -> dict:
        """Record an assessor's marking of decision ``decision_index``'s rubric; returns the log entry.

        Every criterion must be marked ``met`` or ``not_met``; ``by`` (who) and ``at`` (when,
        ISO 8601) are required. A later marking of the same decision replaces the earlier one.
        Allowed after the session has ended (that is when a trainer marks).
        """
        if isinstance(decision_index, bool) or not isinstance(decision_index, int) \
                or not 0 <= decision_index < len(self.decisions):
            raise RunnerError(f"there is no decision {decision_index!r} in this session")
        record = self.decisions[decision_index]
        decision = self.scenario.scenes[record.scene_id].decision
        if decision is None or decision.kind != "ndm_rationale" or record.expired:
            raise RunnerError(f"decision {decision_index} is not a rationale that can be marked")
        if not (isinstance(by, str) and by.strip()):
            raise RunnerError("say who marked it (the assessor's name)")
        if not (isinstance(at, str) and at.strip()):
            raise RunnerError("say when it was marked")
        try:
            marks = check_marks(decision, marks)
        except RationaleError as exc:
            raise RunnerError(str(exc)) from exc
        notes = {str(k): str(v).strip() for k, v in (comments or {}).items() if str(v or "").strip()}
        entry = {"type": "mark", "scene": record.scene_id, "decision": decision_index, "marks": marks,
                 "comments": notes, "by": by.strip(), "at": at.strip()}
        self._apply_marking(entry, record, decision)
        self.log.append(entry)
        return entry

    def _apply_marking(self, entry: dict, record: DecisionRecord, decision: Decision) -> None:
        index = record.index
        # A re-marking replaces the earlier one: drop the rubric credits it gave.
        self.ledger[:] = [c for c in self.ledger if not (c.source == "rubric" and c.decision_index == index)]
        record.credits[:] = [c for c in record.credits if c.source != "rubric"]
        for action_id in marked_actions(decision, self.awaiting.get(index, ()), entry["marks"]):
            credit = Credit(action_id, False, record.clock, record.scene_id, index, "rubric")
            record.credits.append(credit)
            self.ledger.append(credit)
        self.markings[index] = dict(entry)

    def unmarked_rationales(self) -> list[DecisionRecord]:
        """The rationales with a rubric that no assessor has marked yet."""
        return [r for r in self.decisions if not r.expired and r.index not in self.markings
                and self._has_rubric(r)]

    def awaiting_marking(self) -> list[DecisionRecord]:
        """The unmarked rationales whose marking can still change the score (the result is provisional)."""
        return [r for r in self.unmarked_rationales() if self.awaiting.get(r.index)]

    def _has_rubric(self, record: DecisionRecord) -> bool:
        scene = self.scenario.scenes.get(record.scene_id)
        return bool(scene is not None and scene.decision is not None and scene.decision.rubric)

    # -- facilitator interventions (facilitated exercises) -----------------------------
    def apply_intervention(self, action: str, *, text: str | None = None, inject_id: str | None = None,
                           seconds: int | None = None, command_id: str | None = None,
                           by: str | None = None, request: int | None = None,
                           reply: str | None = None, variable: str | None = None, value: Any = None,
                           seat: str | None = None) -> dict | None:
        """Apply one facilitator intervention now and log it; returns its log entry.

        ``inject``: ``text`` (free text) or ``inject_id`` (a prepared inject of the scenario,
        fired now whatever its time or condition); ``pause`` / ``resume``: stop or restart
        the clock (no decisions while paused); ``timer``: add ``seconds`` (negative to
        shorten) to the current timed decision's real-time limit; ``end``: end the session
        now (``ended == FACILITATOR_ENDING``); ``answer``: answer request number ``request``
        (``runner.requests``) as its partner, with a canned ``reply`` (a topic id) or free
        ``text`` (requests.py); ``set_condition``: run condition ``variable`` takes ``value`` from now
        on (one of its declared values; the entry also keeps the value it had, ``from``);
        ``stand_in`` / ``hand_back``: ``seat``'s scenes are taken by its stand-in from now on (a pod
        seat with no station), or played again by its station. A ``command_id`` already applied returns None
        (a command delivered twice after a reconnect is applied once).
        """
        if command_id is not None and any(e.get("id") == command_id for e in self.interventions):
            return None
        if action not in INTERVENTION_ACTIONS:
            raise RunnerError(f"unknown facilitator intervention '{action}' "
                              f"(expected one of: {', '.join(INTERVENTION_ACTIONS)})")
        if not self._started:
            raise RunnerError("the session has not started")
        if self.ended:
            raise RunnerError("the session has already ended")
        entry: dict = {"type": "facilitator", "action": action, "scene": self.scene_id, "clock": self.clock.seconds}
        if command_id is not None:
            entry["id"] = command_id
        if by:
            entry["by"] = by
        if action == "inject":
            entry.update(self._check_inject(text, inject_id))
        elif action == "answer":
            entry.update(self._check_answer(request, text, reply))
        elif action == "timer":
            if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds == 0:
                raise RunnerError("a timer adjustment needs a whole, non-zero number of seconds")
            decision = self.decision
            if decision is None or not decision.time_limit_seconds or decision.on_expiry is None:
                raise RunnerError(f"scene '{self.scene_id}' has no timed decision to extend or shorten")
            entry["seconds"] = seconds
        elif action == "set_condition":
            entry.update(self._check_condition(variable, value))
        elif action in ("stand_in", "hand_back"):
            entry["seat"] = self._check_handover(action, seat)
        elif action == "pause" and self.paused:
            raise RunnerError("the session is already paused")
        elif action == "resume" and not self.paused:
            raise RunnerError("the session is not paused")
        self.log.append(entry)
        self.interventions.append(entry)
        self._apply_logged_intervention(entry)
        self._play_stand_ins()
        return entry

    def _check_inject(self, text: str | None, inject_id: str | None) -> dict:
        if (text is None) == (inject_id is None):
            raise RunnerError("an inject needs either free text or a prepared inject id, not both")
        if inject_id is not None:
            known = {i.id for i in self.scenario.all_injects()}
            if inject_id not in known:
                raise RunnerError(f"no prepared inject '{inject_id}' in this scenario "
                                  f"(injects: {', '.join(sorted(known)) or 'none'})")
            return {"inject_id": inject_id}
        if not isinstance(text, str) or not text.strip():
            raise RunnerError("a free-text inject needs some text")
        return {"text": text.strip()}

    def _check_condition(self, variable, value) -> dict:
        """The fields of a ``set_condition``: a declared run condition and a value it can take, not its current one."""
        if not isinstance(variable, str) or not variable:
            raise RunnerError("a run condition change names the condition (e.g. ambulance_delay)")
        try:
            check(self.scenario, {variable: value})
        except ConditionError as exc:
            raise RunnerError(str(exc)) from None
        if self.variables[variable] == value:
            shown = str(value).lower() if isinstance(value, bool) else value
            raise RunnerError(f"run condition '{variable}' is already {shown}")
        return {"variable": variable, "value": value, "from": self.variables[variable]}

    def _check_handover(self, action: str, seat) -> str:
        """The seat of a ``stand_in`` (not yet handed over) or ``hand_back`` (handed over now)."""
        seats = self.scenario.seats
        if not seats:
            raise RunnerError(f"scenario '{self.scenario.id}' has no seats, so no seat can be handed to a stand-in")
        if seat not in seats:
            raise RunnerError(f"no seat {str(seat)[:40]!r} in this scenario (seats: {', '.join(seats)})")
        if action == "stand_in":
            if seat == self.seat:
                raise RunnerError(f"seat '{seat}' is the one this session's trainee plays")
            if seat in self.stood_in:
                raise RunnerError(f"seat '{seat}' is already taken by its stand-in")
        elif seat not in self.stood_in:
            raise RunnerError(f"seat '{seat}' was not handed to its stand-in, so there is nothing to hand back")
        return seat

    def _apply_logged_intervention(self, entry: dict) -> None:
        action = entry["action"]
        self._announce(FacilitatorIntervention, dict(entry))
        if action == "set_condition":
            self._change_condition(entry)
        elif action in ("stand_in", "hand_back"):
            (self.stood_in.add if action == "stand_in" else self.stood_in.discard)(entry["seat"])
            self.seat_handovers.append({"action": action, "seat": entry["seat"], "clock": entry["clock"],
                                        "scene": entry["scene"], "by": entry.get("by") or "facilitator"})
        elif action == "pause":
            self.paused = True
        elif action == "resume":
            self.paused = False
        elif action == "timer":
            self.time_limit_adjustment += entry["seconds"]
        elif action == "answer":
            record = self.requests[entry["request"]]
            partner = self.scenario.partners[record.partner]
            text = partner.replies[entry["reply"]].text if "reply" in entry else entry["text"]
            self._answer(record, text, entry.get("by") or "facilitator", entry.get("reply"), self.clock.seconds)
        elif action == "end":
            self.paused = False
            self.ended = FACILITATOR_ENDING      # not appended to path: it is not a scene or an ending
            self._announce(Ended, FACILITATOR_ENDING, self.clock.seconds)
        elif "inject_id" in entry:
            inject = next(i for i in self.scenario.all_injects() if i.id == entry["inject_id"])
            self.fired.add(inject.id)      # it does not fire again at its scheduled time
            self._fire_inject(inject)
        else:
            number = sum(1 for e in self.interventions if e["action"] == "inject" and "text" in e)
            event = InjectFired(f"facilitator-{number}", self.clock.seconds, entry["text"], None, None)
            self.inject_log.append(event)
            self._emit(event)

    def _change_condition(self, entry: dict) -> None:
        """A run condition takes its new value: routes, options and text variants read it from now on.
        Trainees see the effect, not the mechanism, unless the scenario marks the condition ``announce``:
        then the incident log gets one line in the scenario's words ("Second unit: ..."; an ``inject_fired`` event)."""
        name = entry["variable"]
        self.variables[name] = entry["value"]
        self.condition_changes.append({"clock": entry["clock"], "scene": entry["scene"], "variable": name,
                                       "from": entry["from"], "to": entry["value"],
                                       "by": entry.get("by") or "facilitator"})
        variable = self.scenario.variables[name]
        if variable.announce:
            line = describe(self.scenario, {name: entry["value"]})[0]
            event = InjectFired(f"{CONDITION_INJECT_PREFIX}{len(self.condition_changes)}", self.clock.seconds,
                                f"{line}.", None, None)
            self.inject_log.append(event)
            self._emit(event)

    # -- choice handling -------------------------------------------------------------
    def _require_running(self) -> None:
        if not self._started:
            raise RunnerError("the session has not started")
        if self.ended:
            raise RunnerError("the scenario has ended")
        if self.paused:
            raise RunnerError("the facilitator has paused the exercise: wait until it resumes")

    def _require_decision(self) -> Decision:
        self._require_running()
        decision = self.decision
        if decision is None:
            raise RunnerError(f"scene '{self.scene_id}' has no decision; continue instead")
        return decision

    def _outcomes_for(self, decision: Decision, selection: Any):
        available = {o.id: o for o in self.available_options()}
        known = {o.id for o in decision.options}
        if decision.kind == "choose_one":
            if not isinstance(selection, str):
                raise RunnerError("choose one option id")
            if selection not in available:
                raise RunnerError(_unknown_option(selection, available, known))
            return selection, [available[selection].outcome], [selection]
        if decision.kind == "choose_many":
            picks = _id_list(selection)
            for pick in picks:
                if pick not in available:
                    raise RunnerError(_unknown_option(pick, available, known))
            if len(set(picks)) != len(picks):
                raise RunnerError("an item was ticked twice")
            if decision.min_picks is not None and len(picks) < decision.min_picks:
                raise RunnerError(f"tick at least {decision.min_picks}")
            if decision.max_picks is not None and len(picks) > decision.max_picks:
                raise RunnerError(f"tick at most {decision.max_picks}")
            ordered = [o.id for o in decision.options if o.id in picks]   # file order: stable logs
            return ordered, [decision.outcome] + [available[p].outcome for p in ordered], \
                ["decision"] + ordered
        if decision.kind == "rank":
            order = _id_list(selection)
            if sorted(order) != sorted(available):
                missing = sorted(set(available) - set(order))
                extra = sorted(set(order) - set(available))
                raise RunnerError("rank every item exactly once" + (f"; missing: {', '.join(missing)}" if missing else "")
                                  + (f"; not an item: {', '.join(extra)}" if extra else ""))
            position = {item: i for i, item in enumerate(order)}
            outcomes, sources = [decision.outcome], ["decision"]
            for rule in decision.rules:
                kept = all(position.get(rule.higher, 0) < position.get(low, 0) for low in rule.lower
                           if low in position)
                outcomes.append(rule.when_kept if kept else rule.when_broken)
                sources.append(f"{rule.id}:{'kept' if kept else 'broken'}")
            return order, outcomes, sources
        # ndm_rationale: the boxes the trainee filled in, and the structured parts chosen.
        # Filled-in boxes earn nothing by themselves (rationale.py): only the parts, and the
        # rubric once an assessor marks it, credit actions.
        if not isinstance(selection, dict):
            raise RunnerError("give the rationale as named boxes")
        answers = selection.get(PARTS_KEY)
        boxes = {k: str(v).strip() for k, v in selection.items()
                 if k in decision.fields and str(v or "").strip()}
        unknown = sorted(set(selection) - set(decision.fields) - {PARTS_KEY})
        if unknown:
            raise RunnerError(f"not a box of this form: {', '.join(unknown)}")
        empty = [f for f in decision.required if f not in boxes]
        if empty:
            raise RunnerError(f"fill in the boxes marked required: {'; '.join(ndm_box_title(f) for f in empty)}")
        try:
            # A record made before parts existed replays with its parts unanswered (no credit).
            parts = check_parts(decision, answers, complete=not self._replaying)
        except RationaleError as exc:
            raise RunnerError(str(exc)) from exc
        assessed = assess_parts(decision, parts)
        credited = Outcome(evidences=tuple(ActionRef(a, decision.location) for a in assessed.credited),
                           location=decision.location)
        if decision.parts:
            boxes[PARTS_KEY] = parts
        # The last item is not an outcome: choose() pops the awaiting actions off it.
        return boxes, [decision.outcome, credited, *assessed.outcomes, assessed.awaiting], \
            ["rationale", "rationale", *assessed.sources]

    def _record(self, decision, scene_id, selection, rationale, outcomes: list[Outcome], sources: list[str],
                meta, expired: bool, stand_in: bool = False) -> DecisionRecord:
        clock = self.clock.seconds
        record = DecisionRecord(len(self.decisions), scene_id, decision.kind, selection, rationale, clock,
                                expired=expired, meta=dict(meta or {}), stand_in=stand_in)
        for outcome, source in zip(outcomes, sources):
            for ref in outcome.evidences:
                record.credits.append(Credit(ref.action_id, False, clock, scene_id, record.index, source))
            for ref in outcome.contravenes:
                record.credits.append(Credit(ref.action_id, True, clock, scene_id, record.index, source,
                                             ref.feedback))
            if outcome.feedback:
                record.feedback.append(outcome.feedback)
            for name in outcome.sets:
                self.setters[name] = [record.index]
            for name in outcome.adds:
                if record.index not in self.setters.setdefault(name, []):
                    self.setters[name].append(record.index)
            for message in outcome.sends:       # sent now, arriving after its delay
                self.messages.append(SentMessage(message, self.scenario.scenes[scene_id].seat, clock,
                                                 clock + message.delay_minutes * 60, record.index))
                self.setters["received." + message.id] = [record.index]
            self._apply_effects(outcome)
        self.ledger.extend(record.credits)
        self.decisions.append(record)
        self._announce(DecisionRecorded, record)
        return record

    def _apply_effects(self, outcome: Outcome) -> None:
        for name, value in outcome.sets.items():
            self.variables[name] = value
        for name, amount in outcome.adds.items():
            variable = self.scenario.variables[name]
            value = self.variables[name] + amount
            if variable.minimum is not None:
                value = max(variable.minimum, value)
            if variable.maximum is not None:
                value = min(variable.maximum, value)
            self.variables[name] = value

    # -- time, injects and routing ---------------------------------------------------
    def _finish_turn(self, minutes: int, routes: tuple[Route, ...]) -> None:
        scene_before = self.scene_id
        visits_before = len(self.path)
        self._advance_clock(self.clock.seconds + minutes * 60)
        if self.ended or len(self.path) != visits_before or self.scene_id != scene_before:
            return      # an inject redirected while the action took its time
        self._route(routes)

    def _route(self, routes: tuple[Route, ...]) -> None:
        env = self.env()
        taken = next((r for r in routes if r.condition is None or r.condition.evaluate(env)), None)
        if taken is not None and taken.condition is not None:     # the first that holds: as transitions picks
            self._note_turn(taken.target, taken.condition.reads)
        name = self._triggers.get(id(routes))
        if name is None or not self._model.trigger(name):
            raise RunnerError(f"no route out of scene '{self.scene_id}' applies")
        self._enter(self._model.state)

    def _enter(self, target: str) -> None:
        if target in self.scenario.endings:
            self.ended = target
            self.path.append((target, self.clock.seconds))
            self._announce(Ended, target, self.clock.seconds)
            return
        scene = self.scenario.scenes[target]
        self.scene_entered_at = self.clock.seconds
        self.time_limit_adjustment = 0          # a facilitator's timer change is for one decision
        self.path.append((target, self.clock.seconds))
        if scene.milestone and scene.milestone not in self.milestones:
            self.milestones[scene.milestone] = self.clock.seconds
        self._announce(SceneEntered, target, self.clock.seconds)
        self._advance_clock(self.clock.seconds)     # scene injects due at once (after_minutes: 0)
        if self.scene_id == target and not self.ended and self.plays(target):
            self._note_offers()                     # the decision is on screen now (a stand-in's is not offered)

    def _note_offers(self) -> None:
        """Remember the actions the decision on screen could evidence: the trainee has had the chance."""
        decision = self.decision
        if decision is None:
            return
        self.offered.update(actions_offered(decision, self.available_options()))

    def _note_turn(self, target: str, reads, inject: str | None = None) -> None:
        reads = sorted(set(reads) - {"elapsed", "scene_minutes"})
        self.turns.append({"from": self.scene_id, "to": target, "reads": reads, "inject": inject,
                           "decisions": sorted({i for v in reads for i in self.setters.get(v, ())}),
                           "clock": self.clock.seconds})

    def next_inject_due(self) -> int | None:
        """Clock second at which the next inject could fire, if any (explorer and GUI use it)."""
        due = [t for t, _ in self._pending_injects()]
        return min(due) if due else None

    def _pending_injects(self):
        for inject in self.scenario.injects:
            if inject.id not in self.fired:
                yield inject.at_minute * 60, inject
        scene = self.scene
        if scene is not None and not self.ended:
            for inject in scene.injects:
                if inject.id not in self.fired:
                    yield self.scene_entered_at + inject.after_minutes * 60, inject

    def _advance_clock(self, target: int) -> None:
        while not self.ended:
            # The first inject due by ``target``: the earliest, and of those the first in
            # _pending_injects' order (as a stable sort would put first), without sorting them all.
            due = None
            for t, i in self._pending_injects():
                if t <= target and (due is None or t < due[0]):
                    due = (t, i)
            self._deliver_messages(due[0] if due else target)     # before an inject of the same minute
            self._deliver_answers(due[0] if due else target)
            if not due:
                break
            when, inject = due
            self.clock.advance_to(max(when, self.clock.seconds))
            self.fired.add(inject.id)          # fires at most once, even if its condition is false now
            if inject.condition is not None and not inject.condition.evaluate(self.env()):
                continue
            self._fire_inject(inject)
        if not self.ended and target > self.clock.seconds:
            self.clock.advance_to(target)

    def _deliver_messages(self, until: int) -> None:
        """Emit ``MessageArrived`` for the messages due by ``until`` (``received.<id>`` reads the clock)."""
        if not self.messages:
            return              # the usual case, on every step of the clock (the explorer's hot path)
        for sent in sorted((m for m in self.messages if not m.delivered and m.arrives_at <= until),
                           key=lambda m: m.arrives_at):
            sent.delivered = True
            self._announce(MessageArrived, sent, sent.arrives_at)

    def _fire_inject(self, inject: Inject) -> None:
        """Apply a prepared inject now (scheduled or sent by the facilitator): effects, event, redirect."""
        self._apply_effects(inject.outcome)
        event = InjectFired(inject.id, self.clock.seconds, inject.text, inject.speaker, inject.goto)
        self.inject_log.append(event)
        self._emit(event)
        if inject.goto:
            self._note_turn(inject.goto, inject.condition.reads if inject.condition else (), inject.id)
            self._model.trigger(self._triggers[id(inject)])
            self._enter(self._model.state)

    # -- snapshots (the explorer steps one runner through many states) ---------------
    def snapshot(self) -> tuple:
        """The whole state a later input depends on. The last item is the messages sent so far,
        each as (message, from seat, sent at, arrives at, decision index, delivered): whether
        ``received.<id>`` holds depends on the clock and on them."""
        messages = tuple((m.message, m.from_seat, m.sent_at, m.arrives_at, m.decision_index, m.delivered)
                         for m in self.messages) if self.messages else ()
        return (self._model.state, self.clock.seconds, self.scene_entered_at, tuple(self.variables.items()),
                frozenset(self.fired), tuple(sorted(self.milestones.items())), self.ended, messages)

    def load_snapshot(self, snap: tuple) -> None:
        """Restore a ``snapshot``; one without the messages (an author's preview start) has none sent."""
        state, seconds, entered, variables, fired, milestones, ended, *rest = snap
        self.messages = [SentMessage(*m) for m in rest[0]] if rest and rest[0] else []
        self.machine.set_state(state, model=self._model)
        self.clock.seconds = seconds
        self.scene_entered_at = entered
        self.variables = dict(variables)
        self.fired = set(fired)
        self.milestones = dict(milestones)
        self.ended = ended
        self._started = True

    def forget_history(self) -> None:
        """Drop the logs (the explorer only needs the state and the newest credits)."""
        self.ledger.clear()
        self.decisions.clear()
        self.awaiting.clear()
        self.path.clear()
        self.log.clear()
        self.inject_log.clear()
        self.turns.clear()

    # -- save and restore ------------------------------------------------------------
    @classmethod
    def restore(cls, scenario: Scenario, entries: list[dict],
                subscriber: Callable[[object], None] | None = None) -> ScenarioRunner:
        """Rebuild a session by replaying its log; raises ReplayError where it no longer fits.

        The seed comes from the log's ``order`` entry; a log without one (recorded before
        seeds existed) replays in the file order, as it was shown then. The run conditions
        come from its ``conditions`` entry; any it lacks (added to the scenario since) take
        their defaults, never a new draw."""
        recorded = conditions_of(entries)
        values = {name: v.initial for name, v in declared(scenario).items()}
        values.update(recorded)
        seat = next((e.get("seat") for e in entries if isinstance(e, dict) and e.get("type") == "seat"), None)
        try:
            runner = cls(scenario, seed_of(entries), values, seat=seat)
        except RunnerError as exc:
            raise ReplayError(0, {"type": "conditions", "values": recorded}, str(exc)) from None
        if subscriber is not None:
            runner.subscribe(subscriber)
        runner.start()
        for index, entry in enumerate(entries):
            runner.replay(index, entry)
        return runner

    def replay(self, index: int, entry: dict) -> None:
        kind = entry.get("type")
        self._replaying = True
        try:
            if kind == "order":
                if entry.get("seed") != self.seed:
                    raise ReplayError(index, entry, f"a second presentation seed ({entry.get('seed')!r}); "
                                                    f"the session's is {self.seed!r}")
                return
            if kind == "conditions":
                if entry.get("values") != self.conditions:
                    raise ReplayError(index, entry, f"run conditions {entry.get('values')!r} differ from the "
                                                    f"session's {self.conditions!r}")
                return
            if kind == "seat":
                if entry.get("seat") != self.seat:
                    raise ReplayError(index, entry, f"a second seat ({entry.get('seat')!r}); the session plays "
                                                    f"{self.seat!r}")
                return
            if entry.get("stand_in"):
                self._check_stand_in(index, entry)
                return
            if kind == "mark":
                self.mark(entry["decision"], entry["marks"], by=entry.get("by"), at=entry.get("at"),
                          comments=entry.get("comments"))
                return
            if kind == "advance":
                self.advance(int(entry["seconds"]))
                return
            if kind == "reference":
                self.open_reference(entry["id"])
                return
            if kind == "document":
                self.open_document(entry["id"])
                return
            clock = int(entry.get("clock", self.clock.seconds))
            if clock > self.clock.seconds:
                self.advance(clock - self.clock.seconds)
            if entry.get("scene") != self.scene_id:
                where = self.ended and f"the scenario had ended at '{self.ended}'" or f"the session was at '{self.scene_id}'"
                raise ReplayError(index, entry, f"expected scene '{entry.get('scene')}', but {where}")
            if kind == "choose":
                self.choose(entry["selection"], entry.get("rationale"), entry.get("meta"))
            elif kind == "expire":
                self.expire(entry.get("meta"))
            elif kind == "continue":
                self.continue_()
            elif kind == "request":
                self.request_information(entry.get("partner"), entry.get("question"), entry.get("urgency"),
                                         entry.get("topic"), auto=bool(entry.get("auto", True)),
                                         seat=entry.get("seat"), meta=entry.get("meta"))
            elif kind == "facilitator":
                params = {k: entry.get(k) for k in ("text", "inject_id", "seconds", "request", "reply", "variable",
                                                    "value", "seat")}
                self.apply_intervention(entry["action"], command_id=entry.get("id"), by=entry.get("by"), **params)
            else:
                raise ReplayError(index, entry, f"unknown log entry type '{kind}'")
        except ReplayError:
            raise
        except (RunnerError, KeyError, TypeError, ValueError) as exc:
            raise ReplayError(index, entry, str(exc)) from exc
        finally:
            self._replaying = False


    def _check_stand_in(self, index: int, entry: dict) -> None:
        """A stored stand-in turn: the replayed session's stand-in must have taken the same turn."""
        taken = [e for e in self.log if e.get("stand_in")]
        if self._stand_ins_checked >= len(taken):
            raise ReplayError(index, entry, "the stand-in did not take this turn when replayed "
                                            "(the scenario was edited since)")
        mine = taken[self._stand_ins_checked]
        self._stand_ins_checked += 1
        if (mine.get("type"), mine.get("scene"), mine.get("selection")) != \
                (entry.get("type"), entry.get("scene"), entry.get("selection")):
            raise ReplayError(index, entry, f"the stand-in now takes {mine.get('selection')!r} in "
                                            f"'{mine.get('scene')}' (the scenario was edited since)")


def actions_offered(decision, options) -> set[str]:
    """The actions a decision could evidence with these of its options shown (and its rules,
    a rationale's parts and its rubric): what "offered" means for "not reached"."""
    outcomes = [decision.outcome] + [o.outcome for o in options]
    outcomes += [rule.when_kept for rule in decision.rules]
    outcomes += [o.outcome for part in decision.parts for o in part.options]   # a rationale's parts
    actions = {ref.action_id for outcome in outcomes for ref in outcome.evidences}
    actions.update(ref.action_id for criterion in decision.rubric for ref in criterion.evidences)
    return actions


def conditions_of(entries: list[dict]) -> dict[str, Any]:
    """A stored log's run conditions (its ``conditions`` entry), or {} for a log without one."""
    for entry in entries:
        if entry.get("type") == "conditions":
            values = entry.get("values")
            if not isinstance(values, dict) or not all(isinstance(k, str) for k in values):
                raise ReplayError(0, entry, f"the run conditions {values!r} are not a mapping of names to values")
            return dict(values)
    return {}


def seed_of(entries: list[dict]) -> int | None:
    """A stored log's presentation seed (its ``order`` entry), or None: the file order."""
    for entry in entries:
        if isinstance(entry, dict) and entry.get("type") == "order":
            seed = entry.get("seed")
            if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
                raise ReplayError(0, entry, f"the presentation seed {seed!r} is not a whole number of 0 or more")
            return seed
        if isinstance(entry, dict) and entry.get("type") in ("choose", "expire", "continue"):
            return None         # an order entry comes first or not at all
    return None


def _route_sets(scene: Scene):
    if scene.next:
        yield scene.next
    decision = scene.decision
    if decision is not None:
        if decision.outcome.next:
            yield decision.outcome.next
        for option in decision.options:
            if option.outcome.next:
                yield option.outcome.next
        if decision.on_expiry is not None and decision.on_expiry.next:
            yield decision.on_expiry.next


def _id_list(selection: Any) -> list[str]:
    if isinstance(selection, str):
        return [selection]
    if not isinstance(selection, (list, tuple)) or not all(isinstance(s, str) for s in selection):
        raise RunnerError("give a list of option ids")
    return list(selection)


def _unknown_option(option_id: str, available: dict, known: set) -> str:
    if option_id in known:
        return f"option '{option_id}' is not available now"
    from .problems import did_you_mean
    hint = did_you_mean(option_id, known)
    return f"no option '{option_id}' here" + (f"; {hint}" if hint else "") + \
        f" (options: {', '.join(available)})"


def _describe_entry(entry: dict) -> str:
    kind = entry.get("type", "?")
    if kind == "choose":
        return f"choose {entry.get('selection')!r} in '{entry.get('scene')}'"
    if kind in ("expire", "continue"):
        return f"{kind} in '{entry.get('scene')}'"
    if kind == "advance":
        return f"wait {entry.get('seconds')} s"
    if kind == "facilitator":
        return f"facilitator {entry.get('action')} in '{entry.get('scene')}'"
    if kind == "request":
        return f"request to {entry.get('partner')!r} in '{entry.get('scene')}'"
    if kind == "order":
        return f"presentation seed {entry.get('seed')!r}"
    if kind == "mark":
        return f"marking of decision {entry.get('decision')} in '{entry.get('scene')}'"
    return kind

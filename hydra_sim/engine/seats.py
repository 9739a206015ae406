"""Seats and messages: several pods playing one incident (docs/scenario-format.md, "Seats and messages").

A seated scenario declares ``seats:`` and tags each scene with the seat it belongs to. The
model is **one ordered story**: the scenes still form one state machine on one clock with
one set of variables (runner.py), and each scene is played by its seat. What a seat sees
is its own scenes (with their injects and media), the top-level injects for it or for every
seat, the messages that have arrived for it, and its requests for information and their
answers (``seat_stream``).

A decision's outcome can ``send`` a message to another seat. It is sent when the choice is
made and arrives ``delay`` minutes later; a condition tests ``received.<id>`` (true once a
message with that id has arrived, whichever seat sent it).

Playing one seat (``ScenarioRunner(..., seat=ID)``): the other seats' decisions are taken by
their **stand-in**, the option the author marked as what a believable colleague does
(``stand_in_selection``); those decisions are logged and marked as stand-ins and never
scored for the trainee. A seat is scored on the catalogue actions of its roles that its own
scenes can evidence (``seat_actions``), from its own decisions only (scoring.py, ``score_runner``).

No seats: one implicit seat, exactly as before seats existed. This module only reads the
model and a runner's records; it must not import Qt or any GUI code.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import PARTS_KEY, RECEIVED_PREFIX, Decision, Message, Option, Scenario

#: A stand-in's rationale when the decision asks for one (the trainee reads it in the log).
STAND_IN_RATIONALE = "Chosen by the stand-in for this seat."


@dataclass
class SentMessage:
    """One message sent during a session: when it was sent, when it arrives, and from which seat."""
    message: Message
    from_seat: str | None
    sent_at: int                # simulated seconds
    arrives_at: int
    decision_index: int
    delivered: bool = False     # its MessageArrived event has been emitted

    def to_dict(self) -> dict:
        m = self.message
        return {"id": m.id, "from": self.from_seat, "to": m.to, "channel": m.channel, "text": m.text,
                "sent_at": self.sent_at, "arrives_at": self.arrives_at, "decision_index": self.decision_index}


def is_seated(scenario: Scenario) -> bool:
    return bool(scenario.seats)


def seat_of_scene(scenario: Scenario, scene_id: str) -> str | None:
    scene = scenario.scenes.get(scene_id)
    return scene.seat if scene is not None else None


def sent_messages(scenario: Scenario) -> list[Message]:
    """Every message some outcome of the scenario can send, in file order."""
    from .loader import iter_outcomes
    return [message for outcome in iter_outcomes(scenario) for message in outcome.sends]


def decision_outcomes(decision: Decision | None) -> list:
    """Every outcome a decision can have (its own, on expiry, each option's, each rationale part's,
    each ranking rule's kept and broken): the places a ``send`` may be."""
    if decision is None:
        return []
    outcomes = [decision.outcome, decision.on_expiry, *(o.outcome for o in decision.options),
                *(o.outcome for part in decision.parts for o in part.options),
                *(outcome for rule in decision.rules for outcome in (rule.when_kept, rule.when_broken))]
    return [outcome for outcome in outcomes if outcome is not None]


def received_names(scenario: Scenario) -> tuple[str, ...]:
    """The ``received.<id>`` names a condition may read: every message sent, and every one read."""
    names = {RECEIVED_PREFIX + m.id for m in sent_messages(scenario)} | set(scenario.message_reads)
    return tuple(sorted(names))


def seat_actions(scenario: Scenario, seat_id: str) -> set[str]:
    """The assessed actions a seat is scored on: those whose catalogue roles include one of the
    seat's **and** that some decision of the seat's own scenes can evidence.

    Catalogue roles overlap (contact_nccu is CR and FR; inv_agree_investigative_lead IM and INV),
    so roles alone would score the control room on an NCCU call only the scene's scenes offer:
    "not reached" after a poor ending counts as 0, and a critical one would fail the seat for
    another seat's work. What the seat's scenes can evidence is what its trainee can earn."""
    seat = scenario.seats[seat_id]
    roles = set(seat.roles)
    own = evidenceable(scenario, seat_id)
    return {action_id for action_id, a in scenario.assessed.items()
            if roles & set(a.action.roles) and action_id in own}


def evidenceable(scenario: Scenario, seat_id: str) -> set[str]:
    """Every action some decision of ``seat_id``'s scenes could evidence, whatever is offered when
    (every option, rule, rationale part and rubric criterion: runner.actions_offered), and every
    action a partner's reply can evidence: any seat may send a request at any time (requests.py)."""
    from .requests import request_actions
    from .runner import actions_offered
    return {action_id for scene in scenario.scenes.values()
            if scene.seat == seat_id and scene.decision is not None
            for action_id in actions_offered(scene.decision, scene.decision.options)} | request_actions(scenario)


def stand_in_selection(decision: Decision, available: list[Option]) -> tuple[object, bool]:
    """(selection, fallback): what the stand-in answers to ``decision`` with the options offered now.

    ``fallback`` is True when the author's stand-in could not be used as written (none given,
    or its option is not offered now): the stand-in then takes the first option offered in the
    file's order (choose_one), ticks nothing beyond the minimum (choose_many), keeps the file's
    order (rank) or fills the required boxes with a note (ndm_rationale). Never raises."""
    offered = [o.id for o in decision.options if o in available]
    wanted = decision.stand_in
    if decision.kind == "choose_one":
        if isinstance(wanted, str) and wanted in offered:
            return wanted, False
        return (offered[0] if offered else wanted), True
    if decision.kind == "choose_many":
        if isinstance(wanted, list):
            picks = [i for i in wanted if i in offered]
            return picks, len(picks) != len(wanted)
        return offered[: decision.min_picks or 0], True
    if decision.kind == "rank":
        if isinstance(wanted, list):
            order = [i for i in wanted if i in offered]
            rest = [i for i in offered if i not in order]
            return order + rest, bool(rest) or len(order) != len(wanted)
        return offered, True
    # ndm_rationale: the author's boxes and parts; the required boxes are never left empty
    boxes = dict(wanted) if isinstance(wanted, dict) else {}
    for name in decision.required:
        if not str(boxes.get(name) or "").strip():
            boxes[name] = STAND_IN_RATIONALE
    parts = dict(boxes.get(PARTS_KEY) or {})
    for part in decision.parts:
        if part.option(parts.get(part.id, "")) is None and part.options:
            parts[part.id] = part.options[0].id
    if decision.parts:
        boxes[PARTS_KEY] = parts
    else:
        boxes.pop(PARTS_KEY, None)
    return boxes, not isinstance(wanted, dict)


@dataclass(frozen=True)
class StreamItem:
    """One line of what a seat sees, in time order: a scene, an inject, a message or a decision."""
    clock: int
    kind: str           # "scene", "inject", "message", "decision", "request", "answer"
    id: str
    text: str


def seat_stream(runner, seat_id: str | None) -> list[StreamItem]:
    """What ``seat_id`` has seen so far: its scenes, its injects, the messages that arrived for it
    and its decisions (``None``, or a scenario without seats: everything, as today)."""
    scenario = runner.scenario
    everything = seat_id is None or not scenario.seats

    def mine(scene_id: str | None) -> bool:
        return everything or seat_of_scene(scenario, scene_id or "") == seat_id

    # Each item is placed after the scene visit it happened in: (clock, place in the path).
    items: list[tuple[int, float, StreamItem]] = []
    pending = list(runner.decisions)
    for index, (scene_id, clock) in enumerate(runner.path):
        if scene_id not in scenario.scenes:
            continue
        if mine(scene_id):
            items.append((clock, index, StreamItem(clock, "scene", scene_id, scenario.scenes[scene_id].title)))
        if pending and pending[0].scene_id == scene_id:
            record = pending.pop(0)
            if mine(scene_id):
                who = "stand-in" if record.stand_in else "you"
                items.append((record.clock, index + 0.5, StreamItem(record.clock, "decision", scene_id,
                                                                    f"{who}: {record.selection!r}")))

    def place(clock: int) -> float:
        return max((i for i, (_s, c) in enumerate(runner.path) if c <= clock), default=0) + 0.25

    injects = {i.id: i for i in scenario.all_injects()}
    for event in runner.inject_log:
        inject = injects.get(event.inject_id)
        if inject is None:      # a facilitator's free-text inject reaches every seat
            visible = True
        elif inject.scene_id is not None:
            visible = mine(inject.scene_id)
        else:
            visible = everything or inject.seat in (None, seat_id)
        if visible:
            items.append((event.clock, place(event.clock), StreamItem(event.clock, "inject", event.inject_id,
                                                                      event.text)))
    for sent in runner.messages:
        if sent.delivered and (everything or sent.message.to == seat_id):
            items.append((sent.arrives_at, place(sent.arrives_at), StreamItem(
                sent.arrives_at, "message", sent.message.id, f"{sent.message.channel}: {sent.message.text}")))
    partners = scenario.partners
    for record in getattr(runner, "requests", ()):      # requests for information and their answers
        if not (everything or record.seat in (None, seat_id)):
            continue
        name = partners[record.partner].name if record.partner in partners else record.partner
        items.append((record.clock, place(record.clock), StreamItem(
            record.clock, "request", f"request-{record.index}", f"to {name} ({record.urgency}): {record.question}")))
        if record.answered:
            items.append((record.answered_at, place(record.answered_at), StreamItem(
                record.answered_at, "answer", f"request-{record.index}", f"{name}: {record.answer}")))
    return [item for _clock, _place, item in sorted(items, key=lambda x: (x[0], x[1]))]

"""Team actions and each seat's picture: what the seats of one incident knew, and when.

A seated scenario (seats.py) may declare ``team_actions:`` (docs/scenario-format.md, "Team
actions"): things the seats must do *together*, e.g. "the incident manager knew the count
before deciding custody". Each names the seat that must know (by default the seat of the
scene it is checked at), the decision it is checked at (``before``: a scene; none: the end of
the session), the messages that seat must have received by then (``knew``) and the catalogue
actions some seat must have done by then (``done``). They are scored from the **shared
record** (every seat's decisions, stand-ins included: the team is whoever sat in the seats),
apart from each seat's own score and never changing a grade (``score_team``; docs/scoring.md,
"Team actions").

``pictures`` says, for each decision of each seat, what had reached that seat by then
(messages, updates, partners' answers) beside what the team as a whole knew at that moment,
and which of the messages the decision's scene depends on had not arrived: where the seats'
pictures diverged (the plenary's and the review's divergence view). Plain words only:
seat and scene titles, message texts, never ids.

Reads a runner's records and the model; must not import Qt, the GUI or the records package.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .clock import format_clock
from .model import RECEIVED_PREFIX, TEAM_PRINCIPLES, Scenario, TeamAction

MET = "met"
MISSED = "missed"
NOT_REACHED = "not_reached"
TEAM_STATUS_LABELS = {MET: "Met", MISSED: "Missed", NOT_REACHED: "Not reached"}
DEFAULT_PRINCIPLE = "shared_situational_awareness"
#: Longest message text quoted in an explanation (the full text is in the seat's stream).
QUOTE_LIMIT = 90


@dataclass
class TeamActionResult:
    team_action_id: str
    title: str
    why: str
    principle: str                   # in words, e.g. "shared situational awareness"
    seat: str | None
    seat_title: str
    status: str                      # MET, MISSED or NOT_REACHED
    weight: int
    credit: float
    checked_at: int | None           # simulated seconds of the decision it was checked at (or the end)
    decision_index: int | None
    stand_in: bool                   # the decision it was checked at was a stand-in's
    explanation: str
    missing: list[str] = field(default_factory=list)    # what was not known or not done, in words


def team_actions_of(scenario: Scenario) -> dict[str, TeamAction]:
    return dict(getattr(scenario, "team_actions", None) or {})


def team_seat(scenario: Scenario, action: TeamAction) -> str | None:
    """The seat that must know: the one named, else the seat of the scene it is checked at."""
    if action.seat:
        return action.seat
    scene = scenario.scenes.get(action.before or "")
    return scene.seat if scene is not None else None


def seat_title(scenario: Scenario, seat_id: str | None) -> str:
    seat = scenario.seats.get(seat_id or "")
    return seat.title if seat is not None else "the team"


def seat_phrase(scenario: Scenario, seat_id: str | None) -> str:
    """A seat as a sentence names it: "the force incident manager", "the officers at scene" (a title
    that starts with an acronym, "NCCU desk", keeps its capitals)."""
    title = seat_title(scenario, seat_id)
    if title == "the team":
        return title
    return "the " + (title if title[:2].isupper() else title[:1].lower() + title[1:])


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """A message's text in quotation marks, cut at a word near ``limit`` characters."""
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "\u2026"
    return f"\u201c{text}\u201d"


def _clock(scenario: Scenario, seconds: int) -> str:
    return format_clock(scenario.incident_start, seconds)


def _first_decision(runner, scene_id: str):
    return next((r for r in runner.decisions if r.scene_id == scene_id), None)


def _message_words(runner, message_id: str, seat: str | None, at: int, index: int) -> tuple[bool, str]:
    """(known, words): whether ``seat`` had message ``message_id`` by ``at`` (before decision ``index``)."""
    scenario = runner.scenario
    to_seat = [m for m in runner.messages if m.message.id == message_id and m.message.to == seat]
    arrived = [m for m in to_seat if m.arrives_at <= at and m.decision_index < index]
    if arrived:
        m = arrived[0]
        return True, (f"they had the message from {seat_phrase(scenario, m.from_seat)} ({m.message.channel}, "
                      f"arrived {_clock(scenario, m.arrives_at)}) {quote(m.message.text)}")
    if to_seat:
        m = to_seat[0]
        if m.decision_index < index:
            return False, (f"the message from {seat_phrase(scenario, m.from_seat)} {quote(m.message.text)} was "
                           f"still on its way (sent {_clock(scenario, m.sent_at)}, arriving "
                           f"{_clock(scenario, m.arrives_at)})")
        return False, (f"the message from {seat_phrase(scenario, m.from_seat)} {quote(m.message.text)} came only "
                       f"later (sent {_clock(scenario, m.sent_at)})")
    planned = _planned(scenario, message_id, seat)
    if planned is None:
        return False, "a message that should have told them was never sent"
    message, sender = planned
    return False, f"{seat_phrase(scenario, sender)} never sent the message {quote(message.text)}"


def _planned(scenario: Scenario, message_id: str, seat: str | None):
    """(the message, the seat of the scene that can send it): the first in file order, or None."""
    from .seats import decision_outcomes
    for scene in scenario.scenes.values():
        for outcome in decision_outcomes(scene.decision):
            for message in outcome.sends:
                if message.id == message_id and message.to == seat:
                    return message, scene.seat
    return None


def _action_title(scenario: Scenario, action_id: str) -> str:
    action = scenario.action(action_id)
    return action.title if action is not None else action_id.replace("_", " ")


def _done_words(runner, action_id: str, at: int, index: int) -> tuple[bool, str]:
    """(done, words): whether some seat had evidenced ``action_id`` (and not gone against it) by then."""
    scenario = runner.scenario
    title = _action_title(scenario, action_id)

    def before(credit) -> bool:
        if credit.request_index is not None:
            return credit.clock <= at
        return credit.decision_index < index

    credits = [c for c in runner.ledger if c.action_id == action_id and before(c)]
    if any(c.contravened for c in credits):
        return False, f"\u201c{title}\u201d had been gone against"
    done = [c for c in credits if not c.contravened]
    if done:
        scene = scenario.scenes.get(done[0].scene_id)
        who = seat_phrase(scenario, scene.seat) if scene is not None else "the team"
        return True, f"\u201c{title}\u201d had been done, by {who} at {_clock(scenario, done[0].clock)}"
    return False, f"\u201c{title}\u201d had not been done"


def score_team_action(runner, action: TeamAction) -> TeamActionResult:
    scenario = runner.scenario
    seat = team_seat(scenario, action)
    principle = TEAM_PRINCIPLES.get(action.principle or DEFAULT_PRINCIPLE, "shared situational awareness")
    result = TeamActionResult(action.id, action.title, action.why, principle, seat, seat_title(scenario, seat),
                              NOT_REACHED, action.weight, 0.0, None, None, False, "")
    scene = scenario.scenes.get(action.before or "")
    if action.before:
        record = _first_decision(runner, action.before)
        where = f"\u201c{scene.title if scene else action.before}\u201d"
        if record is None:
            result.explanation = ("Not reached: the incident ended before " if runner.ended else
                                  "Not reached yet: ") + f"{seat_phrase(scenario, seat)} came to {where}."
            return result
        at, index = record.clock, record.index
        result.decision_index, result.stand_in = index, record.stand_in
        when = f"when {seat_phrase(scenario, seat)} decided {where} at {_clock(scenario, at)}"
    else:
        if not runner.ended:
            result.explanation = "Not judged yet: it is checked at the end of the incident."
            return result
        at, index = runner.clock.seconds, len(runner.decisions)
        when = "by the end of the incident"
    result.checked_at = at
    known, missing = [], []
    for message_id, _location in action.knew:
        ok, words = _message_words(runner, message_id, seat, at, index)
        (known if ok else missing).append(words)
    for ref in action.done:
        ok, words = _done_words(runner, ref.action_id, at, index)
        (known if ok else missing).append(words)
    result.missing = missing
    from .scoring import points
    by_stand_in = " (a stand-in took that decision)" if result.stand_in else ""
    if missing:
        result.status = MISSED
        result.explanation = (f"Missed {when}{by_stand_in}: " + "; ".join(missing) + ". "
                              f"0 of {points(action.weight)}.")
    else:
        result.status, result.credit = MET, float(action.weight)
        result.explanation = (f"Met {when}{by_stand_in}: " + "; ".join(known) + ". "
                              f"{action.weight} of {points(action.weight)}.")
    return result


def score_team(runner) -> dict:
    """The team's result from the shared record ({} when the scenario declares no team actions).

    ``actions``: each ``TeamActionResult`` as a dict; ``earned`` / ``possible`` / ``percent``: as a
    seat's score, with the same fairness rule (a team action never reached is left out after a good
    ending, or while the session runs, and counts 0 after any other ending); ``met`` / ``missed`` /
    ``not_reached``: how many. The team result never changes a seat's grade."""
    actions = team_actions_of(runner.scenario)
    if not actions:
        return {}
    results = [score_team_action(runner, a) for a in actions.values()]
    ending = runner.scenario.endings.get(runner.ended or "")
    counted = ending is not None and ending.outcome != "good"
    scored = [r for r in results if r.status != NOT_REACHED or counted]
    earned = sum(r.credit for r in scored)
    possible = sum(r.weight for r in scored)
    return {"actions": [asdict(r) for r in results], "earned": earned, "possible": float(possible),
            "percent": round(earned / possible * 100, 1) if possible else 0.0,
            "met": sum(r.status == MET for r in results), "missed": sum(r.status == MISSED for r in results),
            "not_reached": sum(r.status == NOT_REACHED for r in results), "not_reached_counted": counted,
            "seats": {seat_id: seat.title for seat_id, seat in runner.scenario.seats.items()}}


# -- each seat's picture at each decision (the divergence view) ---------------------------
@dataclass
class Picture:
    """What one seat knew when it took one decision, beside what the team as a whole knew then."""
    decision_index: int
    seat: str | None
    seat_title: str
    scene_title: str
    clock: int
    clock_label: str
    choice: str
    stand_in: bool
    knew: list[str] = field(default_factory=list)          # what had reached this seat by then
    elsewhere: list[str] = field(default_factory=list)     # known in the team by then, not to this seat
    on_the_way: list[str] = field(default_factory=list)    # messages to this seat sent but not arrived
    needed_missing: list[str] = field(default_factory=list)  # what the scene depends on that had not arrived

    @property
    def diverged(self) -> bool:
        return bool(self.needed_missing or self.on_the_way)

    def to_dict(self) -> dict:
        return {**asdict(self), "diverged": self.diverged}


def scene_reads(scene) -> set[str]:
    """The message ids a scene's text, options and routes test (``received.<id>``)."""
    expressions = [c for c, _t in scene.text_variants]
    expressions += [r.condition for r in scene.next]
    if scene.decision is not None:
        decision = scene.decision
        for option in decision.options:
            expressions.append(option.condition)
            expressions += [r.condition for r in option.outcome.next]
        expressions += [r.condition for r in decision.outcome.next]
    return {n[len(RECEIVED_PREFIX):] for e in expressions if e is not None
            for n in e.reads if n.startswith(RECEIVED_PREFIX)}


def choice_words(scenario: Scenario, record) -> str:
    """The choice in the scenario's words (option labels), never option ids."""
    if record.expired:
        return "time ran out"
    scene = scenario.scenes.get(record.scene_id)
    decision = scene.decision if scene is not None else None
    selection = record.selection
    if decision is None:
        return ""
    if decision.kind == "ndm_rationale":
        return "a National Decision Model rationale"
    ids = [selection] if isinstance(selection, str) else list(selection or [])
    labels = [(decision.option(i).label if decision.option(i) else str(i)) for i in ids]
    return "; ".join(labels) if labels else "nothing ticked"


def _facts(runner, at: int, index: int) -> list[tuple[set, str, str | None]]:
    """Every fact of the shared record by ``at`` as (seats that knew it, words, seat it was meant for)."""
    scenario = runner.scenario
    facts = []
    for m in runner.messages:
        if m.decision_index >= index or m.sent_at > at:
            continue
        knew = {m.from_seat}
        if m.arrives_at <= at:
            knew.add(m.message.to)
        facts.append((knew, f"{m.message.channel.capitalize()} from {seat_title(scenario, m.from_seat)} to "
                            f"{seat_title(scenario, m.message.to)}: {quote(m.message.text)}", m.message.to))
    injects = {i.id: i for i in scenario.all_injects()}
    for event in runner.inject_log:
        if event.clock > at:
            continue
        inject = injects.get(event.inject_id)
        if inject is None:
            seats = set(scenario.seats) or {None}          # the facilitator's free text reaches everyone
        elif inject.scene_id is not None:
            scene = scenario.scenes.get(inject.scene_id)
            seats = {scene.seat if scene else None}
        else:
            seats = {inject.seat} if inject.seat else (set(scenario.seats) or {None})
        facts.append((seats, f"Update: {quote(event.text)}", None))
    for request in getattr(runner, "requests", ()):
        if request.answered and request.answered_at <= at:
            partner = scenario.partners.get(request.partner)
            name = partner.name if partner is not None else "a partner"
            facts.append(({request.seat}, f"Answer from {name}: {quote(request.answer or '')}", None))
    return facts


def pictures(runner) -> list[Picture]:
    """For each decision, in the order taken: what its seat knew then, and what it did not."""
    scenario = runner.scenario
    from .seats import sent_messages
    can_reach = {(m.id, m.to) for m in sent_messages(scenario)}      # messages some outcome sends, to whom
    out = []
    for record in runner.decisions:
        scene = scenario.scenes.get(record.scene_id)
        seat = scene.seat if scene is not None else None
        at, index = record.clock, record.index
        picture = Picture(index, seat, seat_title(scenario, seat), scene.title if scene else record.scene_id,
                          at, _clock(scenario, at), choice_words(scenario, record), record.stand_in)
        for knew, words, _to in _facts(runner, at, index):
            if seat in knew:
                picture.knew.append(words)
            else:
                picture.elsewhere.append(words)
        for m in runner.messages:
            if m.message.to == seat and m.decision_index < index and m.arrives_at > at:
                picture.on_the_way.append(f"{m.message.channel.capitalize()} from "
                                          f"{seat_title(scenario, m.from_seat)}: {quote(m.message.text)} "
                                          f"(sent {_clock(scenario, m.sent_at)}, arrived "
                                          f"{_clock(scenario, m.arrives_at)})")
        for message_id in sorted(scene_reads(scene)) if scene is not None else ():
            ok, words = _message_words(runner, message_id, seat, at, index)
            if not ok and (message_id, seat) in can_reach:
                picture.needed_missing.append(words[0].upper() + words[1:])
        out.append(picture)
    return out


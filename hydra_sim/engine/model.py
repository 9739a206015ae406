"""The validated scenario and catalogue model: plain, immutable-by-convention dataclasses.

Built only by ``schema.py`` from checked YAML; everything else in the engine (runner,
scoring, explorer, lint) reads these objects. Each object keeps the ``Location`` it came
from so later checks can point at the exact line. Must not import Qt or any GUI code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .expressions import Expression
from .problems import Location

DECISION_KINDS = ("choose_one", "choose_many", "rank", "ndm_rationale")
OUTCOME_CLASSES = ("good", "partial", "harm", "investigation_lost", "safeguarding_failure")
MILESTONES = ("arrival", "identification", "handover", "placement")
CAST_ROLES = ("caller", "call_handler", "radio", "officer", "supervisor", "paramedic",
              "partner", "member_of_public", "narrator")
MEDIA_KINDS = ("image", "document", "audio")
TRAINEE_ROLES = ("call_handler", "first_responder", "incident_manager", "investigator")
DIFFICULTIES = ("introductory", "intermediate", "advanced")
NDM_FIELDS = ("ethics", "information", "threat_risk", "powers_policy", "options", "action_review")
NDM_FIELD_LABELS = {
    "ethics": "Code of Ethics: is this what the public and the Code of Ethics would expect?",
    "information": "Information and intelligence: what do you know, what do you need?",
    "threat_risk": "Threat and risk: what is the threat, to whom, and your working strategy?",
    "powers_policy": "Powers and policy: what powers, policy and legislation apply?",
    "options": "Options and contingencies: what could you do, and what did you reject?",
    "action_review": "Action and review: what are you doing, and how will you review it?",
}


def ndm_box_title(field_id: str) -> str:
    """An NDM box's short title as the form shows it ("Threat and risk"), never its id."""
    label = NDM_FIELD_LABELS.get(field_id)
    return label.split(":")[0] if label else field_id.replace("_", " ").capitalize()


BUILTIN_VARIABLES = ("elapsed", "scene_minutes")
#: How a message between seats travels (seats.py; docs/scenario-format.md, "Seats and messages").
MESSAGE_CHANNELS = ("radio", "phone", "log")
#: The namespace of the true/false names that say whether a message has arrived: received.<id>.
RECEIVED_PREFIX = "received."
#: How urgent a request for information to a partner is (requests.py).
REQUEST_URGENCIES = ("routine", "priority", "immediate")
#: JESIP principles a team action can serve (team.py), as a debrief names them.
TEAM_PRINCIPLES = {
    "shared_situational_awareness": "shared situational awareness",
    "joint_understanding_of_risk": "joint understanding of risk",
    "communicate": "communication",
    "co_ordinate": "co-ordination",
    "co_locate": "co-location",
}
#: How an assessor marks one rubric criterion of a rationale (docs/scoring.md).
RUBRIC_MARKS = ("met", "not_met")
RUBRIC_MARK_LABELS = {"met": "Met", "not_met": "Not met"}
#: The criterion a format-1 rationale's ``evidences`` become (marked on the whole text).
OVERALL_CRITERION = "overall_rationale"
#: The key of an NDM selection that holds the structured parts (never an NDM box name).
PARTS_KEY = "parts"


@dataclass
class Window:
    minutes: int | None = None      # within N minutes of the anchor
    anchor: str | None = None       # None = incident start, else a milestone
    before: str | None = None       # no later than this milestone

    def describe(self) -> str:
        if self.before:
            return f"before {self.before}"
        if self.minutes is None:
            return "no time limit"
        anchor = self.anchor or "the incident start"
        return f"within {self.minutes} min of {anchor}"


@dataclass
class Source:
    id: str
    title: str
    url: str


@dataclass
class Action:
    id: str
    title: str
    description: str
    why: str
    category: str
    roles: tuple[str, ...]
    phase: str
    critical: bool
    weight: int
    window: Window | None
    window_note: str
    evidence: str
    sources: tuple[Source, ...]
    catalogue_id: str
    location: Location
    critical_note: str = ""


@dataclass
class Grade:
    id: str
    label: str
    min_percent: float


@dataclass
class ScoringPolicy:
    late_credit: float = 0.5
    contravene_penalty: float = 1.0
    grades: tuple[Grade, ...] = (
        Grade("distinction", "Distinction", 85), Grade("competent", "Competent", 60),
        Grade("not_yet_competent", "Not yet competent", 0))
    critical_fail_grade: str = "not_yet_competent"

    def grade_for(self, percent: float) -> Grade:
        for grade in self.grades:
            if percent >= grade.min_percent:
                return grade
        return self.grades[-1]

    def grade_by_id(self, grade_id: str) -> Grade:
        return next((g for g in self.grades if g.id == grade_id), self.grades[-1])


@dataclass
class Catalogue:
    id: str
    title: str
    version: str
    description: str
    path: Path
    scoring: ScoringPolicy
    categories: dict[str, tuple[str, int]]   # id -> (label, order)
    roles: dict[str, str]
    phases: tuple[str, ...]
    sources: dict[str, Source]
    actions: dict[str, Action]


@dataclass
class ActionRef:
    """An action id named by a choice, with optional feedback for a contravention."""
    action_id: str
    location: Location
    feedback: str = ""


@dataclass
class Route:
    target: str
    condition: Expression | None
    location: Location


@dataclass
class Message:
    """A message an outcome sends to another seat: it arrives ``delay_minutes`` after the choice."""
    id: str                 # conditions test its arrival as received.<id>
    to: str                 # the seat it arrives at
    channel: str            # one of MESSAGE_CHANNELS
    text: str
    delay_minutes: int
    location: Location


@dataclass
class Seat:
    """One seat (pod) of a seated scenario: who plays it and the catalogue roles it is scored on."""
    id: str
    title: str
    description: str
    roles: tuple[str, ...]              # catalogue role ids (CR, FR, IM, INV): the actions it is scored on
    location: Location
    reference: tuple[str, ...] | None = None    # reference items it may open (None: all)


@dataclass
class TeamAction:
    """Something the seats of one incident must do together, scored from the shared record (team.py;
    docs/scoring.md, "Team actions"): a seat knew some messages, and the team had done some catalogue
    actions, by the time that seat took one decision (or by the end)."""
    id: str
    title: str                          # what the team should have done, in the debrief's words
    why: str                            # why it matters to the team (shown on every debrief line)
    principle: str | None               # a key of TEAM_PRINCIPLES (None: shared situational awareness)
    seat: str | None                    # the seat that must know (None: the seat of ``before``'s scene)
    before: str | None                  # the scene whose decision it is checked at (None: the end)
    knew: tuple[tuple[str, Location], ...]  # message ids that must have arrived at the seat by then
    done: tuple[ActionRef, ...]         # catalogue actions some seat must have evidenced by then
    weight: int
    location: Location
    before_location: Location | None = None
    seat_location: Location | None = None


@dataclass
class PartnerReply:
    """One canned reply of a partner agency, keyed by topic (requests.py; docs/scenario-format.md,
    "Partners and requests for information")."""
    id: str                             # the topic (a request may name it)
    title: str                          # the topic as the request form shows it
    text: str                           # what the partner answers
    keywords: tuple[str, ...]           # words in a question that match this topic (lower case)
    delay_minutes: int                  # how long the partner takes to answer (self-paced play)
    evidences: tuple[ActionRef, ...]    # actions a request that matches this topic is evidence of
    location: Location


@dataclass
class Partner:
    """A partner agency pods can send requests for information to (the NCCU, children's services...)."""
    id: str
    name: str
    helps_with: str                     # what they can help with (shown on the request form)
    replies: dict[str, PartnerReply]
    location: Location
    unclear: str = ""                   # the answer to a request that matches no topic ("" = a standard one)


@dataclass
class Outcome:
    """What a choice does: shared by options, expiry, rank rules and NDM decisions."""
    sends: tuple[Message, ...] = ()     # messages to other seats (seats.py)
    sets: dict[str, object] = field(default_factory=dict)
    adds: dict[str, int] = field(default_factory=dict)
    minutes: int = 0
    evidences: tuple[ActionRef, ...] = ()
    contravenes: tuple[ActionRef, ...] = ()
    feedback: str = ""
    next: tuple[Route, ...] = ()
    location: Location = field(default_factory=Location)


@dataclass
class Option:
    id: str
    label: str
    outcome: Outcome
    condition: Expression | None
    location: Location
    pin: str | None = None      # "first" / "last": kept at that end when the order is shuffled


@dataclass
class RankRule:
    id: str
    higher: str
    lower: tuple[str, ...]
    when_kept: Outcome
    when_broken: Outcome
    location: Location
    description: str = ""


@dataclass
class RationalePart:
    """A structured part of an NDM rationale the trainee must choose (e.g. the power used for one
    person): one option from the author's list, scored like any decision."""
    id: str
    stage: str                   # the NDM stage it belongs to (one of NDM_FIELDS)
    prompt: str
    options: tuple[Option, ...]
    location: Location

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass
class RubricCriterion:
    """One thing an assessor looks for in the free text of one NDM stage, marked met or not met."""
    id: str
    stage: str                   # the NDM box whose text it is marked against
    text: str                    # what the assessor looks for
    evidences: tuple[ActionRef, ...]
    location: Location
    guidance: str = ""           # what 'met' looks like (examples, common faults)


@dataclass
class Decision:
    kind: str
    prompt: str
    options: tuple[Option, ...]
    location: Location
    time_limit_seconds: int | None = None
    on_expiry: Outcome | None = None
    rationale: str = "optional"
    min_picks: int | None = None
    max_picks: int | None = None
    rules: tuple[RankRule, ...] = ()
    fields: tuple[str, ...] = NDM_FIELDS
    required: tuple[str, ...] = ("threat_risk", "action_review")
    outcome: Outcome = field(default_factory=Outcome)   # decision-level: minutes, next, ...
    parts: tuple[RationalePart, ...] = ()                # ndm_rationale: structured parts
    rubric: tuple[RubricCriterion, ...] = ()             # ndm_rationale: what an assessor marks
    # What a believable colleague chooses when this seat is not played (seats.py): an option id
    # (choose_one), a list of ids (choose_many, rank) or the boxes and parts (ndm_rationale).
    stand_in: object = None
    stand_in_location: Location | None = None

    def part(self, part_id: str) -> RationalePart | None:
        return next((p for p in self.parts if p.id == part_id), None)

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass
class Inject:
    id: str
    text: str
    location: Location
    at_minute: int | None = None        # top level: minutes after incident start
    after_minutes: int | None = None    # scene level: minutes after entering the scene
    scene_id: str | None = None
    condition: Expression | None = None
    speaker: str | None = None
    media: tuple[str, ...] = ()
    outcome: Outcome = field(default_factory=Outcome)   # set/add; goto kept in .goto
    goto: str | None = None
    seat: str | None = None             # top level: the seat it reaches (None: every seat)


@dataclass
class Scene:
    id: str
    title: str
    text: str
    location: Location
    speaker: str | None = None
    media: tuple[str, ...] = ()
    milestone: str | None = None
    injects: tuple[Inject, ...] = ()
    decision: Decision | None = None
    next: tuple[Route, ...] = ()
    # ``text`` given as a list: the conditional versions, tried in order before ``text`` (the last)
    text_variants: tuple[tuple[Expression, str], ...] = ()
    seat: str | None = None             # the seat whose stream it is in (None: a scenario without seats)
    seat_location: Location | None = None


@dataclass
class Ending:
    id: str
    title: str
    outcome: str
    text: str
    location: Location


@dataclass
class Variable:
    name: str
    type: str
    initial: object
    location: Location
    values: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    description: str = ""
    # A run condition (``run_conditions:``) is a read-only variable chosen when a session
    # starts, so a repeat trainee meets a different incident (run_conditions.py).
    run_condition: bool = False
    title: str = ""                                         # a run condition's short name on screen
    labels: dict[str, str] = field(default_factory=dict)   # value -> what the debrief and review say
    # A run condition the facilitator changes live is announced in the trainees' incident log only
    # when this is set (default: they see its effect, not the mechanism; docs/facilitation.md).
    announce: bool = False


@dataclass
class CastMember:
    id: str
    name: str
    role: str
    description: str = ""


@dataclass
class Media:
    id: str
    kind: str
    title: str
    file: str
    location: Location
    alt: str = ""
    transcript: str = ""
    resolved_path: Path | None = None    # set by the loader when the file exists safely


@dataclass
class ReferenceItem:
    id: str
    title: str
    text: str = ""
    media: str | None = None


@dataclass
class Briefing:
    role: str
    situation: str
    expectations: tuple[str, ...] = ()


@dataclass
class Assessment:
    """An assessed action as this scenario scores it (catalogue values plus overrides)."""
    action: Action
    critical: bool
    weight: int
    window: Window | None
    applies_if: Expression | None = None   # assessed only when true at the end of the session


@dataclass
class Scenario:
    id: str
    title: str
    summary: str
    version: str
    path: Path
    location: Location
    incident_start: datetime
    start: str
    catalogue_ids: tuple[str, ...]
    briefing: Briefing
    duration_minutes: int = 30
    difficulty: str = "intermediate"
    roles: tuple[str, ...] = ()
    clock_speed: float = 1.0
    pause_while_reading: bool = True     # a countdown holds while a document or picture is open
    reference: dict[str, ReferenceItem] = field(default_factory=dict)
    cast: dict[str, CastMember] = field(default_factory=dict)
    media: dict[str, Media] = field(default_factory=dict)
    variables: dict[str, Variable] = field(default_factory=dict)
    injects: tuple[Inject, ...] = ()
    scenes: dict[str, Scene] = field(default_factory=dict)
    endings: dict[str, Ending] = field(default_factory=dict)
    assess_overrides: dict[str, dict] | None = None   # None = assess all referenced
    seats: dict[str, Seat] = field(default_factory=dict)  # none: one implicit seat, as before seats existed
    seats_location: Location | None = None
    message_reads: frozenset[str] = frozenset()     # the received.<id> names the conditions read
    partners: dict[str, Partner] = field(default_factory=dict)   # requests for information (requests.py)
    team_actions: dict[str, TeamAction] = field(default_factory=dict)   # scored from the shared record (team.py)
    # Filled by the loader once catalogues are resolved:
    catalogues: tuple[Catalogue, ...] = ()
    assessed: dict[str, Assessment] = field(default_factory=dict)
    content_hash: str = ""
    start_location: Location | None = None

    @property
    def scoring(self) -> ScoringPolicy:
        return self.catalogues[0].scoring if self.catalogues else ScoringPolicy()

    def action(self, action_id: str) -> Action | None:
        for catalogue in self.catalogues:
            if action_id in catalogue.actions:
                return catalogue.actions[action_id]
        return None

    def all_injects(self):
        yield from self.injects
        for scene in self.scenes.values():
            yield from scene.injects

    def category_label(self, category_id: str) -> str:
        for catalogue in self.catalogues:
            if category_id in catalogue.categories:
                return catalogue.categories[category_id][0]
        return category_id

    def category_order(self, category_id: str) -> int:
        for catalogue in self.catalogues:
            if category_id in catalogue.categories:
                return catalogue.categories[category_id][1]
        return 99

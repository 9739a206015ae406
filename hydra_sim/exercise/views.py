"""What the facilitator console shows, and the events the server reports: plain dataclasses.

``SyndicateView`` is one syndicate as the console (and follower stations) see it; the
server builds it from the records it mirrors. The event classes are what
``ExerciseServer.subscribe`` callbacks receive. ``Command`` is one facilitator
intervention as a station receives it. All are plain data (``to_dict``/``from_dict`` for
the wire). ``Contribution`` is one anonymous line for the plenary: its text and when it
arrived, and nothing that names who sent it. Must not import Qt, the GUI or the network library.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class DecisionView:
    """One decision a syndicate recorded, as the console lists it."""
    index: int
    scene_id: str
    scene_title: str
    kind: str
    selection: Any                 # as recorded: an option id, a list of ids, or NDM boxes
    choice_text: str               # the option label(s) in words
    rationale: Any
    entered_by: str                # the syndicate member who entered it ("" if not given)
    clock: int                     # simulated seconds
    clock_label: str               # e.g. "02:14"
    decision_seconds: float | None  # real seconds the syndicate took, when the station measured it
    expired: bool = False
    received_at: float = 0.0       # server time.time() when the facilitator got it
    recorded_at: str = ""          # when the station stored it (UTC, ISO 8601, ms)
    seat: str | None = None        # the seat whose scene it was (seated scenarios)
    station_id: str = ""           # the station that entered it, when it said (pods: each seat's station)
    stand_in: bool = False         # taken by the seat's stand-in (the facilitator handed the seat over)


@dataclass
class InterventionView:
    """One facilitator intervention and where it stands."""
    command_id: str
    target: str                    # the syndicate name
    action: str                    # one of protocol.ACTIONS (inject, pause, ..., set_condition, stand_in, hand_back)
    text: str | None = None
    inject_id: str | None = None
    seconds: int | None = None
    request: int | None = None     # answer: the request's index in the session
    reply: str | None = None       # answer: the canned reply chosen (None: free text)
    variable: str | None = None    # set_condition: the run condition changed
    value: Any = None              # set_condition: its new value
    seat: str | None = None        # stand_in / hand_back: the seat
    status: str = "queued"         # queued (station offline) | sent | applied | failed
    reason: str = ""               # why it failed
    clock: int | None = None       # simulated seconds when applied


@dataclass
class SyndicateView:
    """One syndicate: who, where they are, and everything they have entered."""
    name: str
    members: list[str] = field(default_factory=list)
    recording_connected: bool = False
    recording_station: str | None = None
    followers: int = 0
    session_id: str | None = None
    scene_id: str | None = None
    scene_title: str = ""
    clock: int = 0
    clock_label: str = ""
    paused: bool = False
    decisions: list[DecisionView] = field(default_factory=list)
    interventions: list[InterventionView] = field(default_factory=list)
    injects: list[dict] = field(default_factory=list)     # {"inject_id", "text", "clock", "by_facilitator"}
    # Requests for information to partners, as engine/requests.py records them (answered or waiting).
    requests: list[dict] = field(default_factory=list)
    ended: bool = False
    ending_id: str | None = None
    outcome: str | None = None     # the ending's outcome, or "ended by the facilitator"
    percent: float | None = None
    grade: str | None = None
    last_seq: int = 0              # the facilitator holds this syndicate's session up to here
    seats: dict[str, str] = field(default_factory=dict)   # pods: seat id -> the station playing it now

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> SyndicateView:
        data = dict(data)
        data["decisions"] = [_known(DecisionView, d) for d in data.get("decisions", [])]
        data["interventions"] = [_known(InterventionView, i) for i in data.get("interventions", [])]
        return _known(cls, data)


def _known(cls, data: dict):
    """``cls(**data)`` without the fields a newer hydra_sim may add (a follower stays readable)."""
    if not isinstance(data, dict):
        raise TypeError(f"{cls.__name__} must be an object")
    return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Command:
    """A facilitator intervention for a station to apply with ``ScenarioRunner.apply_intervention``."""
    command_id: str
    action: str                    # one of protocol.ACTIONS
    text: str | None = None
    inject_id: str | None = None
    seconds: int | None = None
    by: str = "facilitator"
    request: int | None = None     # answer: which request for information
    reply: str | None = None       # answer: a canned reply's topic (or free ``text``)
    variable: str | None = None    # set_condition: the run condition
    value: Any = None              # set_condition: its new value
    seat: str | None = None        # stand_in / hand_back: the seat

    @classmethod
    def from_message(cls, message: dict) -> Command:
        return cls(message["command_id"], message["action"], message.get("text"), message.get("inject_id"),
                   message.get("seconds"), message.get("by") or "facilitator", message.get("request"),
                   message.get("reply"), message.get("variable"), message.get("value"), message.get("seat"))

    def params(self) -> dict:
        """Keyword arguments for ``ScenarioRunner.apply_intervention``."""
        params = {"text": self.text, "inject_id": self.inject_id, "seconds": self.seconds,
                  "command_id": self.command_id, "by": self.by}
        if self.action == "answer":
            params.update(request=self.request, reply=self.reply)
        elif self.action == "set_condition":
            params.update(variable=self.variable, value=self.value)
        elif self.action in ("stand_in", "hand_back"):
            params["seat"] = self.seat
        return params


# -- server events (ExerciseServer.subscribe callbacks get these, on a network thread) ------------
@dataclass(frozen=True)
class StationJoined:
    syndicate: str
    station_id: str
    role: str                      # recording | follower
    members: tuple[str, ...]


@dataclass(frozen=True)
class StationLeft:
    syndicate: str
    station_id: str
    role: str
    reason: str = ""


@dataclass(frozen=True)
class SyndicateUpdated:
    """Something changed for this syndicate (new events mirrored); ``view`` is its new state."""
    view: SyndicateView


@dataclass(frozen=True)
class DecisionReceived:
    """A decision reached the facilitator. ``latency`` = received_at - the station's send time (s)."""
    syndicate: str
    decision: DecisionView
    sent_at: float
    received_at: float

    @property
    def latency(self) -> float:
        return self.received_at - self.sent_at


@dataclass(frozen=True)
class InterventionApplied:
    syndicate: str
    intervention: InterventionView


@dataclass(frozen=True)
class InterventionFailed:
    syndicate: str
    intervention: InterventionView


@dataclass(frozen=True)
class ExerciseEnded:
    """Every syndicate's session has ended (by its ending or by the facilitator)."""
    syndicates: tuple[str, ...]


@dataclass(frozen=True)
class Contribution:
    """An anonymous contribution to the plenary: its number in the exercise, its text, when it arrived
    (seconds since the epoch). No station, syndicate or member, by design: the point is anonymity."""
    number: int
    text: str
    received_at: float


@dataclass(frozen=True)
class ContributionReceived:
    contribution: Contribution

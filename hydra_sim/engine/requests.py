"""Requests for information to partner agencies (docs/scenario-format.md, "Partners and requests for information").

A scenario may declare ``partners:`` (the NCCU, Immigration Enforcement, the ambulance
service, children's services, the emergency duty team...), each with canned replies keyed by
topic. A pod sends a request (to whom, what, how urgent, optionally on which topic) with
``ScenarioRunner.request_information``; this module decides which reply fits and whether the
request is evidence of anything, and holds the record of one request and its answer.

Credit cannot be gamed by an empty or meaningless question: a request is evidence of a
reply's actions only when the question itself contains that reply's keywords (naming
the topic on the form chooses the canned answer, but earns nothing by itself). Nor by a bag of
keywords: the question must be *about* that reply's topic, i.e. contain at least as many of
its keywords as of every other topic's in the scenario (any partner's) together, so a question
made of every keyword there is earns nothing, and one that asks two things earns the one it
matched. An empty question is refused; a question that matches no topic gets the partner's
"unclear" answer.

Pure data and text matching: it must not import Qt or any GUI code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import REQUEST_URGENCIES, Partner, PartnerReply

#: The answer a partner gives to a request that matches none of its topics (when it declares none).
STANDARD_UNCLEAR = "{name}: we are not sure what you need from us. Say what you want checked or done, and why."
#: Longest question kept (a request form's text box); longer is refused, not cut.
MAX_QUESTION = 2000
_WORD = re.compile(r"[a-z0-9]+")
#: A one-word keyword matches a word of the question that starts with it when it is at least this long
#: ("check" matches "checks", "checked"); shorter keywords must match a whole word.
_STEM_MIN = 4


class RequestError(ValueError):
    """A request that cannot be sent as given (unknown partner or topic, empty question...)."""


def words(text: str) -> list[str]:
    return _WORD.findall(str(text).lower())


def _contains(keyword: str, tokens: list[str], joined: str) -> bool:
    parts = words(keyword)
    if not parts:
        return False
    if len(parts) > 1:
        return (" " + " ".join(parts) + " ") in joined
    if len(parts[0]) >= _STEM_MIN:
        return any(t.startswith(parts[0]) for t in tokens)
    return parts[0] in tokens


def matched_keywords(keywords, question: str) -> set[str]:
    """Which of ``keywords`` the question contains (whole words or phrases), normalised."""
    tokens = words(question)
    joined = " " + " ".join(tokens) + " "
    return {" ".join(words(k)) for k in keywords if _contains(k, tokens, joined)}


def keyword_hits(reply: PartnerReply, question: str) -> int:
    """How many of the reply's keywords the question contains (whole words or phrases)."""
    return len(matched_keywords(reply.keywords, question))


def is_focused(reply: PartnerReply, question: str, all_replies) -> bool:
    """Whether the question is about ``reply``'s topic: it contains one of its keywords, and at
    least as many of them as of the keywords of every other topic in ``all_replies`` (every
    partner's) together. A bag of every keyword in the scenario is about nothing."""
    on = matched_keywords(reply.keywords, question)
    if not on:
        return False
    off: set[str] = set()
    for other in all_replies:
        if other is not reply:
            off |= matched_keywords(other.keywords, question)
    return len(off - on) <= len(on)


@dataclass
class Match:
    """Which reply a request gets, and whether the question earns that reply's credit."""
    reply: PartnerReply | None      # None: the partner's "unclear" answer
    credited: bool                  # the question itself is about the topic (is_focused)


def match_reply(partner: Partner, question: str, topic: str | None, all_replies=None) -> Match:
    """The reply for a request: the named ``topic``'s, else the topic whose keywords the question
    matches best (the first in the file on a tie), else none (the partner asks what is needed).
    Credited when the question is about that topic (``is_focused`` against ``all_replies``, by
    default this partner's replies; the runner passes every partner's)."""
    pool = list(all_replies) if all_replies is not None else list(partner.replies.values())
    if topic is not None:
        reply = partner.replies[topic]
        return Match(reply, is_focused(reply, question, pool))
    best, best_hits = None, 0
    for reply in partner.replies.values():
        hits = keyword_hits(reply, question)
        if hits > best_hits:
            best, best_hits = reply, hits
    return Match(best, best is not None and is_focused(best, question, pool))


def all_replies(partners: dict[str, Partner]) -> list[PartnerReply]:
    """Every partner's canned replies, in file order (the field a question's focus is judged in)."""
    return [reply for partner in partners.values() for reply in partner.replies.values()]


def check_request(partners: dict[str, Partner], partner_id, question, urgency, topic) -> tuple[Partner, str]:
    """The partner and the cleaned question; raises RequestError with what to put right."""
    if not isinstance(partner_id, str) or partner_id not in partners:
        from .problems import did_you_mean
        known = ", ".join(partners) or "none: the scenario declares no partners"
        hint = did_you_mean(str(partner_id), partners) if isinstance(partner_id, str) else None
        raise RequestError(f"no partner '{partner_id}' in this scenario" + (f"; {hint}" if hint else "")
                           + f" (partners: {known})")
    if not isinstance(question, str) or not question.strip():
        raise RequestError("a request needs a question: say what you need from the partner")
    question = " ".join(question.split())
    if len(question) > MAX_QUESTION:
        raise RequestError(f"a question is at most {MAX_QUESTION} characters")
    if urgency not in REQUEST_URGENCIES:
        raise RequestError(f"urgency must be one of: {', '.join(REQUEST_URGENCIES)}, not {urgency!r}")
    partner = partners[partner_id]
    if topic is not None and topic not in partner.replies:
        raise RequestError(f"the {partner.name} has no topic '{topic}' (topics: {', '.join(partner.replies) or 'none'})")
    return partner, question


def unclear_text(partner: Partner) -> str:
    return partner.unclear or STANDARD_UNCLEAR.format(name=partner.name)


@dataclass
class RequestRecord:
    """One request for information and its answer (when given) in a session."""
    index: int
    partner: str
    question: str
    urgency: str
    topic: str | None              # the topic named on the form (None: left to the keywords)
    matched: str | None            # the reply topic it got (None: the "unclear" answer)
    credited: bool                 # the question matched the topic's keywords: it evidences its actions
    clock: int                     # simulated seconds when it was sent
    seat: str | None               # the seat that sent it (None: a scenario without seats)
    scene_id: str
    auto: bool                     # self-paced: the canned reply arrives by itself after its delay
    due: int | None = None         # when the canned reply arrives (auto only)
    answer: str | None = None
    answered_at: int | None = None
    answered_by: str | None = None  # "canned" (self-paced), or the facilitator's name / "facilitator"
    answer_reply: str | None = None  # the canned reply the facilitator chose, if any
    actions: list[str] = field(default_factory=list)    # the actions it evidences (credited only)
    meta: dict = field(default_factory=dict)   # who sent it: a pod's station_id, entered_by, request_id

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    def to_dict(self) -> dict:
        return {"index": self.index, "partner": self.partner, "question": self.question, "urgency": self.urgency,
                "topic": self.topic, "matched": self.matched, "credited": self.credited, "clock": self.clock,
                "seat": self.seat, "scene_id": self.scene_id, "auto": self.auto, "due": self.due,
                "answer": self.answer, "answered_at": self.answered_at, "answered_by": self.answered_by,
                "answer_reply": self.answer_reply, "actions": list(self.actions),
                **({"meta": dict(self.meta)} if self.meta else {})}


def request_actions(scenario) -> set[str]:
    """The actions some partner reply can evidence: always on offer, since a request can be sent at any time."""
    return {ref.action_id for partner in scenario.partners.values() for reply in partner.replies.values()
            for ref in reply.evidences}

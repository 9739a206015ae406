"""xAPI statements for recorded sessions: one per decision, and completed + passed/failed per session.

Statements follow xAPI 1.0.3 (https://github.com/adlnet/xAPI-Spec/blob/master/xAPI-Data.md):

- the actor is a pseudonymous account (``{iri_base}/trainees``, the trainee id), never an
  e-mail address or display name;
- a decision is an ``answered`` statement about the activity
  ``{iri_base}/scenarios/{scenario_id}/decisions/{scene_id}`` (a ``cmi.interaction``:
  choice, sequencing or long-fill-in), with the response, the points, success where it
  can be told, the real time taken and the rationale;
- a request for information to a partner agency is an ``asked`` statement about the activity
  ``{iri_base}/scenarios/{scenario_id}/partners/{partner_id}``, with the question as the
  response and the urgency, topic, times, answer and evidenced actions as extensions;
- a finished session adds ``completed`` and ``passed`` or ``failed`` about the scenario;
- a finished session whose rationale an assessor has not marked yet is *provisional*: it adds
  only ``scored``, with the provisional score, a ``provisional`` result extension and the
  decisions awaiting marking, and no ``completion`` or ``success``. Statements are
  immutable, so the final ``completed`` and ``passed``/``failed`` go once it is marked
  (their ids include the marking time): the queue sends the provisional statements at
  once and the final verdict when the session has been marked;
- ``context.registration`` is the session id, so one attempt's statements group together;
- a seated session (pods sharing one incident) has ``context.team``: a Group with the pod's
  pseudonymous account (``{iri_base}/teams``); its ``completed`` result carries the team actions
  (``team-actions``: id, status, seat) and the team's score (``team-score``) beside the seat's;
- each statement's ``id`` is derived from (session id, event number, verb), so sending a
  session twice gives the same ids and a Learning Record Store keeps one copy.

See docs/xapi.md. Must not import Qt or any GUI code.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from urllib.parse import quote

from .exports import DecisionRow, ScenarioCache, SessionRecord, clock_label, gather
from .store import SessionStore, SessionSummary
from .team_report import team_actions, team_of

DEFAULT_IRI_BASE = "https://hydra-sim.example.org"
LANG = "en-GB"
VERBS = {
    "answered": "http://adlnet.gov/expapi/verbs/answered",
    "asked": "http://adlnet.gov/expapi/verbs/asked",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "scored": "http://adlnet.gov/expapi/verbs/scored",
}
PROVISIONAL_QUEUE_SUFFIX = "#provisional"    # the queue's key for a session's provisional statements
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
SIMULATION = "http://adlnet.gov/expapi/activities/simulation"
INTERACTION_TYPES = {"choose_one": "choice", "choose_many": "choice", "rank": "sequencing",
                     "ndm_rationale": "long-fill-in"}
# Statement ids: uuid5 in this namespace of "session id/event seq/verb" (fixed forever: changing it
# would make every re-sent statement a new one).
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://hydra-sim.example.org/xapi/statement-ids")
DEFAULT_FAIL_GRADE = "not_yet_competent"


def statement_id(session_id: str, seq: int | str, verb: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, f"{session_id}/{seq}/{verb}"))


def _segment(text: str) -> str:
    return quote(str(text), safe="-._~")


def normalise_iri_base(iri_base: str) -> str:
    base = (iri_base or DEFAULT_IRI_BASE).strip().rstrip("/")
    if not (base.startswith("https://") or base.startswith("http://")) or len(base) <= len("https://"):
        raise ValueError(f"the IRI base must be an absolute http(s) address, not {iri_base!r}")
    return base


class StatementBuilder:
    def __init__(self, iri_base: str = DEFAULT_IRI_BASE):
        self.base = normalise_iri_base(iri_base)

    # -- IRIs -------------------------------------------------------------------------
    def scenario_iri(self, scenario_id: str) -> str:
        return f"{self.base}/scenarios/{_segment(scenario_id)}"

    def decision_iri(self, scenario_id: str, scene_id: str) -> str:
        return f"{self.scenario_iri(scenario_id)}/decisions/{_segment(scene_id)}"

    def partner_iri(self, scenario_id: str, partner_id: str) -> str:
        return f"{self.scenario_iri(scenario_id)}/partners/{_segment(partner_id)}"

    def extension(self, name: str) -> str:
        return f"{self.base}/extensions/{name}"

    # -- parts ------------------------------------------------------------------------
    def actor(self, summary: SessionSummary) -> dict:
        return {"objectType": "Agent", "account": {"homePage": f"{self.base}/trainees",
                                                   "name": summary.trainee.trainee_id}}

    @staticmethod
    def verb(name: str) -> dict:
        return {"id": VERBS[name], "display": {LANG: name}}

    def context(self, record: SessionRecord, parent: bool) -> dict:
        s = record.summary
        context: dict[str, Any] = {
            "registration": s.session_id,
            "language": LANG,
            "extensions": {
                self.extension("catalogues"): dict(sorted(s.catalogues.items())),
                self.extension("scenario-version"): s.scenario_version,
                self.extension("scenario-hash"): s.scenario_hash,
            },
        }
        if parent:
            context["contextActivities"] = {"parent": [self.scenario_activity(record)]}
        team = self.team(record)
        if team is not None:
            context["team"] = team
        return context

    def team(self, record: SessionRecord) -> dict | None:
        """A seated session's team as an xAPI Group (the pod, by the same pseudonymous id as the actor:
        a pod's session is recorded under its syndicate's name); None for a session without seats."""
        scenario = record.scenario
        seated = bool(team_of(record.report)) or record.pictures is not None or \
            (scenario is not None and bool(getattr(scenario, "seats", None)))
        if not seated:
            return None
        return {"objectType": "Group", "account": {"homePage": f"{self.base}/teams",
                                                   "name": record.summary.trainee.trainee_id}}

    def scenario_activity(self, record: SessionRecord) -> dict:
        s = record.summary
        return {"objectType": "Activity", "id": self.scenario_iri(s.scenario_id),
                "definition": {"type": SIMULATION, "name": {LANG: s.scenario_title or s.scenario_id}}}

    # -- statements -------------------------------------------------------------------
    def decision_statement(self, record: SessionRecord, decision: DecisionRow) -> dict:
        s = record.summary
        interaction = INTERACTION_TYPES.get(decision.kind, "other")
        definition: dict[str, Any] = {"type": INTERACTION, "interactionType": interaction,
                                      "name": {LANG: decision.scene_title or decision.scene_id}}
        if decision.prompt:
            definition["description"] = {LANG: decision.prompt}
        if interaction in ("choice", "sequencing") and decision.choices:
            definition["choices"] = [{"id": option_id, "description": {LANG: label or option_id}}
                                     for option_id, label in decision.choices]
        result: dict[str, Any] = {}
        if decision.kind == "ndm_rationale":
            response = decision.rationale_text
        else:
            response = "[,]".join(decision.selection_ids)
        if response and not decision.expired:
            result["response"] = response
        score = decision_score(decision)
        if score is not None:
            result["score"] = score
        success = decision_success(decision, record)
        if success is not None:
            result["success"] = success
        if decision.decision_seconds is not None:
            result["duration"] = iso_duration(decision.decision_seconds)
        extensions = {self.extension("simulated-clock"): decision.clock_label,
                      self.extension("simulated-seconds"): decision.clock}
        if decision.rationale_text:
            extensions[self.extension("rationale")] = decision.rationale_text
        if decision.expired:
            extensions[self.extension("expired")] = True
        if decision.stand_in:       # a seat's stand-in took it (seated scenarios): not the actor's own choice
            extensions[self.extension("stand-in")] = True
        if decision.evidenced:
            extensions[self.extension("evidenced-actions")] = list(decision.evidenced)
        if decision.contravened:
            extensions[self.extension("contravened-actions")] = list(decision.contravened)
        if any(w.get("decision_index") == decision.index for w in (record.report or {}).get("awaiting_marking") or []):
            extensions[self.extension("awaiting-marking")] = True
        result["extensions"] = extensions
        return {
            "id": statement_id(s.session_id, decision.seq, "answered"),
            "actor": self.actor(s),
            "verb": self.verb("answered"),
            "object": {"objectType": "Activity", "id": self.decision_iri(s.scenario_id, decision.scene_id),
                       "definition": definition},
            "result": result,
            "context": self.context(record, parent=True),
            "timestamp": timestamp(decision.recorded_at),
        }

    def request_statement(self, record: SessionRecord, request: dict) -> dict:
        """``asked``: one request for information (requests_of), with its answer when it came."""
        s = record.summary
        partners = record.scenario.partners if record.scenario is not None else {}
        partner = partners.get(request.get("partner"))
        definition: dict[str, Any] = {"type": INTERACTION, "interactionType": "long-fill-in",
                                      "name": {LANG: partner.name if partner else str(request.get("partner"))}}
        if partner is not None:
            definition["description"] = {LANG: partner.helps_with}
        clock = request.get("clock") or 0
        extensions: dict[str, Any] = {
            self.extension("simulated-clock"): clock_label(record.scenario, clock),
            self.extension("simulated-seconds"): clock,
            self.extension("urgency"): request.get("urgency"),
            self.extension("request-credited"): bool(request.get("credited")),
        }
        for key, name in (("topic", "request-topic"), ("matched", "request-matched-topic"), ("seat", "seat")):
            if request.get(key):
                extensions[self.extension(name)] = request[key]
        if request.get("actions"):
            extensions[self.extension("evidenced-actions")] = list(request["actions"])
        if request.get("answered_at") is not None:
            extensions[self.extension("answer")] = request.get("answer")
            extensions[self.extension("answered-simulated-seconds")] = request["answered_at"]
            extensions[self.extension("answered-by")] = request.get("answered_by")
        return {
            "id": statement_id(s.session_id, f"request-{request.get('index')}", "asked"),
            "actor": self.actor(s),
            "verb": self.verb("asked"),
            "object": {"objectType": "Activity", "id": self.partner_iri(s.scenario_id, str(request.get("partner"))),
                       "definition": definition},
            "result": {"response": str(request.get("question") or ""), "extensions": extensions},
            "context": self.context(record, parent=True),
            "timestamp": timestamp(request.get("recorded_at") or s.started_at),
        }

    def session_statements(self, record: SessionRecord) -> list[dict]:
        """completed, then passed or failed; nothing for a session that has not finished."""
        s = record.summary
        report = record.report
        if s.status != "finished" or not report:
            return []
        seq = record.ended_seq if record.ended_seq is not None else 0
        when = timestamp(s.ended_at or record.ended_recorded_at or s.updated_at)
        percent = float(report.get("percent") or 0.0)
        score = {"scaled": round(max(0.0, min(100.0, percent)) / 100, 4), "raw": round(percent, 1),
                 "min": 0, "max": 100}
        passed = session_passed(record)
        extensions = {self.extension("grade"): report.get("grade_id") or "",
                      self.extension("critical-failures"): list(report.get("critical_failures") or []),
                      self.extension("simulated-seconds"): s.clock}
        if report.get("ending_id"):
            extensions[self.extension("ending")] = report["ending_id"]
        if record.outcome:
            extensions[self.extension("outcome")] = record.outcome
        # Fair denominators (docs/scoring.md#not-reached): what the path never offered, apart
        # from the critical failures, and whether it counted (the incident did not end well).
        extensions[self.extension("not-reached-actions")] = list(report.get("not_reached") or [])
        extensions[self.extension("not-reached-counted")] = bool(report.get("not_reached_counted"))
        if report.get("grade_cap"):
            extensions[self.extension("grade-cap")] = report["grade_cap"]
        if report.get("outcome_judgement"):
            extensions[self.extension("outcome-judgement")] = report["outcome_judgement"]
        if record.seed is not None:
            extensions[self.extension("presentation-seed")] = record.seed
        team = team_of(report)
        if team:        # team actions, scored from the shared record (engine/team.py): beside the grade
            extensions[self.extension("team-score")] = {"earned": team.get("earned"), "possible": team.get("possible"),
                                                        "percent": team.get("percent")}
            extensions[self.extension("team-actions")] = [
                {"id": a.get("team_action_id"), "status": a.get("status"), "seat": a.get("seat")}
                for a in team_actions(team)]
        # The facilitator changed the incident live (live_changes.py): the score is of that changed incident.
        if report.get("live_changes_text"):
            extensions[self.extension("live-changes")] = list(report["live_changes_text"])
        if report.get("condition_changes"):
            extensions[self.extension("condition-changes")] = [
                {k: c.get(k) for k in ("clock_label", "variable", "from", "to", "by")} for c in report["condition_changes"]]
        if report.get("seat_handovers"):
            extensions[self.extension("seat-handovers")] = [
                {k: h.get(k) for k in ("clock_label", "action", "seat", "by")} for h in report["seat_handovers"]]
        markings = report.get("markings") or []
        if markings:
            extensions[self.extension("marked-by")] = [{"by": m.get("by"), "at": m.get("at")} for m in markings]
        if record.provisional:
            # Not final: a score, no completion or success, until an assessor marks the rationale.
            extensions[self.extension("provisional")] = True
            extensions[self.extension("awaiting-marking")] = [
                w.get("scene_id") for w in report.get("awaiting_marking") or []]
            result: dict[str, Any] = {"score": score, "extensions": extensions}
            verbs: tuple[str, ...] = ("scored",)
        else:
            result = {"score": score, "success": passed, "completion": True, "extensions": extensions}
            verbs = ("completed", "passed" if passed else "failed")
        duration = _real_duration(s.started_at, s.ended_at)
        if duration is not None:
            result["duration"] = duration
        # A marked result gets ids of its own (statements are immutable; the provisional one stays).
        key = f"{seq}/marked/{markings[-1].get('at')}" if markings else seq
        statements = []
        for verb in verbs:
            statements.append({
                "id": statement_id(s.session_id, key, verb),
                "actor": self.actor(s),
                "verb": self.verb(verb),
                "object": self.scenario_activity(record),
                "result": dict(result),
                "context": self.context(record, parent=False),
                "timestamp": when,
            })
        return statements

    def statements(self, record: SessionRecord) -> list[dict]:
        out = [self.decision_statement(record, d) for d in record.decisions]
        out += [self.request_statement(record, q) for q in record.requests]
        return out + self.session_statements(record)


def decision_score(decision: DecisionRow) -> dict | None:
    """raw/min/max/scaled for a decision, or None when its scenario file is gone (max unknown) or
    the decision could neither earn nor lose points (xAPI 1.0.3 requires min < max)."""
    if decision.max_points is None or decision.min_points is None:
        return None
    raw = round(decision.points, 3)
    most = max(decision.max_points, raw)
    least = min(decision.min_points, raw, 0.0)
    if most <= least:
        return None
    if raw > 0 and most > 0:
        scaled = raw / most
    elif raw < 0 and least < 0:
        scaled = raw / -least
    else:
        scaled = 0.0
    return {"raw": raw, "min": least, "max": most, "scaled": round(max(-1.0, min(1.0, scaled)), 4)}


def decision_success(decision: DecisionRow, record: SessionRecord) -> bool | None:
    """False when the decision contravened an action, or left out credit it could have earned;
    True when it earned all it could; None when it carries no assessed credit either way."""
    if decision.contravened:
        return False
    if decision.expired:
        return False if (decision.max_points or 0) > 0 else None
    scenario = record.scenario
    if scenario is None or decision.max_points is None:
        return True if decision.evidenced else None
    if decision.max_points <= 0:
        return None
    weights = sum(scenario.assessed[a].weight for a in set(decision.evidenced) if a in scenario.assessed)
    return weights >= decision.max_points


def session_passed(record: SessionRecord) -> bool:
    report = record.report or {}
    fail_grade = record.scenario.scoring.critical_fail_grade if record.scenario is not None else DEFAULT_FAIL_GRADE
    return not report.get("critical_failures") and report.get("grade_id") != fail_grade


def iso_duration(seconds: float) -> str:
    """ISO 8601 duration, e.g. 72.5 -> PT1M12.5S."""
    seconds = max(0.0, round(float(seconds), 2))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = "PT"
    if hours:
        text += f"{int(hours)}H"
    if minutes:
        text += f"{int(minutes)}M"
    if secs or text == "PT":
        text += f"{secs:.2f}".rstrip("0").rstrip(".") + "S"
    return text


def _parse(when: str | None) -> datetime | None:
    if not when:
        return None
    try:
        return datetime.fromisoformat(when.replace("Z", "+00:00"))
    except ValueError:
        return None


def _real_duration(started: str | None, ended: str | None) -> str | None:
    a, b = _parse(started), _parse(ended)
    if a is None or b is None or b < a:
        return None
    return iso_duration((b - a).total_seconds())


def timestamp(when: str | None) -> str:
    """The store's UTC stamp as xAPI wants it (ISO 8601 with a zone): kept as written when it parses."""
    parsed = _parse(when)
    if parsed is None:
        raise ValueError(f"not a timestamp: {when!r}")
    if parsed.tzinfo is None:
        return parsed.isoformat(timespec="milliseconds") + "Z"
    return when if when.endswith("Z") else parsed.isoformat(timespec="milliseconds")


def session_statements(store: SessionStore, summary: SessionSummary, iri_base: str = DEFAULT_IRI_BASE,
                       scenarios: ScenarioCache | None = None) -> list[dict]:
    return StatementBuilder(iri_base).statements(gather(store, summary, scenarios))


def statements_for(records: list[SessionRecord], iri_base: str = DEFAULT_IRI_BASE) -> list[dict]:
    builder = StatementBuilder(iri_base)
    return [st for r in records for st in builder.statements(r)]


def queue_finished_sessions(store: SessionStore, queue, endpoint: str, iri_base: str = DEFAULT_IRI_BASE) -> int:
    """Put the statements of every finished session not yet queued for ``endpoint`` into ``queue``.

    Returns how many statements were added. ``queue`` is a ``hydra_sim.records.queue.XapiQueue``.
    """
    done = queue.queued_sessions(endpoint)
    builder = StatementBuilder(iri_base)
    cache = ScenarioCache()
    added = 0
    for summary in reversed(store.sessions(status="finished")):
        sid = summary.session_id
        provisional_key = sid + PROVISIONAL_QUEUE_SUFFIX
        if sid in done:
            continue
        if summary.percent is not None and provisional_key in done and (store.report(sid) or {}).get("provisional"):
            continue          # still waiting for its marking: nothing new to send
        record = gather(store, summary, cache)
        if record.provisional:
            added += queue.add(endpoint, provisional_key, builder.statements(record))
        elif provisional_key in done:
            # The decisions went with the provisional result; now the marked, final verdict.
            added += queue.add(endpoint, sid, builder.session_statements(record))
        else:
            added += queue.add(endpoint, sid, builder.statements(record))
    return added

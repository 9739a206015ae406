"""Score a session against the scenario's assessed NRP actions, line by line.

Each assessed action ends as achieved on time, achieved late (reduced credit), missed,
contravened, not reached, or not applicable; category scores and the overall percentage
follow; a missed or contravened critical action decides the grade whatever the total.
Every line carries the action's reason and sources so the debrief can explain it
(docs/scoring.md).

Fair denominators. An action no decision of the trainee's path ever offered is *not
reached*, not missed. How it counts depends on how the incident ended (``reach_rule``):
after a good ending (or when the facilitator ended the session) it is left out of the
total, so the percentage is of what the path allowed; after any other ending the trainee's
handling ended the incident before they got to it, so it counts as 0 (a critical one is a
critical failure) and the grade is capped below the top grade. Ending early never pays.
A facilitated session's report lists the facilitator's interventions and says
``facilitated``, so cohorts can be compared or filtered (docs/facilitation.md).
A rationale whose rubric no assessor has marked yet makes the report *provisional*: the
actions it could still earn are "awaiting marking" (no credit yet, and not a critical
failure), the grade label says "(provisional)", and ``awaiting_marking`` lists what is
waiting; ``markings`` says who marked what and when (docs/scoring.md, "Rationales").
A seat of a seated scenario (seats.py) is scored on the actions of its catalogue roles, from
its own decisions (and requests) only: a stand-in's choices earn and cost the trainee nothing,
and in a session of every seat the decisions of a seat the facilitator handed to its stand-in
earn and cost the team nothing. What the facilitator changed live (a run condition, a seat
handed to its stand-in) is in the report (``condition_changes``, ``seat_handovers``,
``live_changes_text``: live_changes.py), so every result can say so beside the score.
A request for information whose question matches a partner reply's keywords is evidence of the
reply's actions at the time it was sent (requests.py); its window is the action's, as for a choice.
The report lists the session's requests and their answers (``requests``).
A seated scenario's team actions (team.py) are scored from the shared record into ``team``; they
never change a seat's grade.
Must not import Qt or any GUI code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .clock import format_clock
from .model import Assessment, Scenario, Window
from .runner import FACILITATOR_ENDING, FACILITATOR_OUTCOME, Credit, actions_offered
from .text import quoted

ON_TIME = "on_time"
LATE = "late"
MISSED = "missed"
CONTRAVENED = "contravened"
NOT_APPLICABLE = "not_applicable"
NOT_REACHED = "not_reached"
AWAITING = "awaiting_marking"
STATUS_LABELS = {ON_TIME: "Achieved on time", LATE: "Achieved late", MISSED: "Missed",
                 CONTRAVENED: "Contravened", NOT_REACHED: "Not reached", NOT_APPLICABLE: "Not applicable",
                 AWAITING: "Awaiting marking"}
PROVISIONAL_SUFFIX = " (provisional)"
GOOD_OUTCOME = "good"


@dataclass
class ActionResult:
    action_id: str
    title: str
    category: str
    critical: bool
    weight: int
    status: str
    credit: float
    achieved_at: int | None          # simulated seconds of the first evidence
    deadline: int | None             # simulated seconds, None = no time limit (or not yet fixed)
    window: str
    why: str
    evidence: str
    sources: list[dict]
    feedback: list[str] = field(default_factory=list)
    decision_index: int | None = None   # the decision that earned (or cost) the credit
    explanation: str = ""


@dataclass
class CategoryScore:
    category: str
    label: str
    earned: float
    possible: float

    @property
    def percent(self) -> float:
        return 0.0 if self.possible <= 0 else max(0.0, self.earned) / self.possible * 100


@dataclass
class ScoreReport:
    scenario_id: str
    scenario_version: str
    catalogue_versions: dict[str, str]
    actions: list[ActionResult]
    categories: list[CategoryScore]
    earned: float
    possible: float
    percent: float
    grade_id: str
    grade_label: str
    critical_failures: list[str]
    ending_id: str | None
    outcome: str | None
    decision_points: dict[int, float]
    finished: bool
    # Facilitated exercises: every intervention ({"action", "clock", "scene", ...}) in order;
    # facilitated is True when there was any, so a cohort can be filtered on it.
    interventions: list[dict] = field(default_factory=list)
    facilitated: bool = False
    # Fair denominators (docs/scoring.md#not-reached): the actions the path never offered,
    # whether they count ("counted": after an ending that was not good), the possible total
    # over every applicable action, the grade the outcome allowed at most, and why.
    not_reached: list[str] = field(default_factory=list)
    not_reached_counted: bool = False
    scenario_possible: float = 0.0
    grade_cap: str | None = None
    outcome_judgement: str = ""
    ending_account: dict = field(default_factory=dict)     # what ended the incident (ending.py)
    # Rationales marked against a rubric: provisional until every one is marked.
    provisional: bool = False
    awaiting_marking: list[dict] = field(default_factory=list)   # {"decision_index", "scene_id", "actions"}
    markings: list[dict] = field(default_factory=list)           # {"decision_index", "scene_id", "by", "at", ...}
    # The run conditions the trainee met (run_conditions.py), and the same in the scenario's words.
    conditions: dict = field(default_factory=dict)
    conditions_text: list[str] = field(default_factory=list)
    # A seated scenario scored for one seat: its id, and the decisions its stand-ins took (not scored).
    seat: str | None = None
    stand_in_decisions: list[int] = field(default_factory=list)
    # Requests for information to partners (requests.py): each as RequestRecord.to_dict().
    requests: list[dict] = field(default_factory=list)
    # Team actions of a seated scenario, scored from the shared record (team.py): {} when none.
    team: dict = field(default_factory=dict)
    # What the facilitator changed live (live_changes.py): run conditions changed during the session,
    # seats handed to their stand-ins, and the sentences every result shows beside the score.
    condition_changes: list[dict] = field(default_factory=list)
    seat_handovers: list[dict] = field(default_factory=list)
    live_changes_text: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        from dataclasses import asdict
        data = asdict(self)
        data["decision_points"] = {str(k): v for k, v in self.decision_points.items()}
        return data


def deadline_for(window: Window | None, milestones: dict[str, int]) -> tuple[int | None, int | None]:
    """(deadline, anchor time) in simulated seconds; a None deadline means no limit applies."""
    if window is None:
        return None, None
    if window.before:
        reached = milestones.get(window.before)
        return reached, reached
    if window.minutes is None:
        return None, None
    if window.anchor is None:
        return window.minutes * 60, 0
    reached = milestones.get(window.anchor)
    if reached is None:
        return None, None
    return reached + window.minutes * 60, reached


def score_session(scenario: Scenario, ledger: list[Credit], milestones: dict[str, int],
                  variables: dict, ending_id: str | None, clock_seconds: int | None = None,
                  offered: set[str] | None = None, ended_by_facilitator: bool = False,
                  awaiting: frozenset[str] = frozenset(), assessed: dict | None = None) -> ScoreReport:
    """Score a session. ``offered``: the actions the path's decisions could have evidenced
    (``runner.offered``); with it, an ended session's never-offered actions are "not reached".
    Actions in ``awaiting`` (an unmarked rubric could still earn them) are "awaiting marking"
    rather than missed when nothing else earned them. ``assessed``: the assessments scored
    (default all of the scenario's; one seat's, seats.py)."""
    policy = scenario.scoring
    ending = scenario.endings.get(ending_id) if ending_id else None
    ended = ending is not None or ended_by_facilitator
    # not reached counts against the trainee unless the incident ended well (or the facilitator ended it)
    counted = ended and not ended_by_facilitator and (ending is None or ending.outcome != GOOD_OUTCOME)
    env = dict(variables)
    env.setdefault("elapsed", (clock_seconds or 0) // 60)
    env.setdefault("scene_minutes", 0)
    by_action: dict[str, list[Credit]] = {}
    for credit in ledger:
        by_action.setdefault(credit.action_id, []).append(credit)
    results = []
    decision_points: dict[int, float] = {}
    for action_id, assessment in (scenario.assessed if assessed is None else assessed).items():
        result = _score_action(scenario, assessment, by_action.get(action_id, []), milestones, env, policy)
        if result.status == MISSED and action_id in awaiting:
            result.status = AWAITING
            result.explanation = (f"Waiting for an assessor to mark the rationale against its rubric: "
                                  f"0 of {assessment.weight} until then.")
        elif result.status == MISSED and ended and offered is not None and action_id not in offered:
            _not_reached(result, scenario, ending, counted)
        results.append(result)
        if result.decision_index is not None and result.credit:
            decision_points[result.decision_index] = decision_points.get(result.decision_index, 0) + result.credit
    categories = {}
    scenario_possible = sum(r.weight for r in results if r.status != NOT_APPLICABLE)
    for result in results:
        if result.status == NOT_APPLICABLE or (result.status == NOT_REACHED and not counted):
            continue
        cat = categories.setdefault(result.category, CategoryScore(
            result.category, scenario.category_label(result.category), 0.0, 0.0))
        cat.earned += result.credit
        cat.possible += result.weight
    earned = sum(c.earned for c in categories.values())
    possible = sum(c.possible for c in categories.values())
    percent = 0.0 if possible <= 0 else max(0.0, earned) / possible * 100
    failing = (MISSED, CONTRAVENED, NOT_REACHED) if counted else (MISSED, CONTRAVENED)
    critical_failures = [r.action_id for r in results if r.critical and r.status in failing]
    grade = policy.grade_by_id(policy.critical_fail_grade) if critical_failures else policy.grade_for(percent)
    cap = policy.grades[1] if counted and len(policy.grades) > 1 else None
    if cap is not None and grade.min_percent > cap.min_percent:
        grade = cap
    not_reached = [r.action_id for r in results if r.status == NOT_REACHED]
    order = {cat: scenario.category_order(cat) for cat in categories}
    report = ScoreReport(
        scenario.id, scenario.version, {c.id: c.version for c in scenario.catalogues}, results,
        sorted(categories.values(), key=lambda c: (order[c.category], c.category)),
        round(earned, 3), float(possible), round(percent, 1), grade.id, grade.label, critical_failures,
        ending_id, ending.outcome if ending else None, decision_points, ending_id is not None)
    report.not_reached = not_reached
    report.not_reached_counted = counted and bool(not_reached)
    report.scenario_possible = float(scenario_possible)
    report.grade_cap = cap.id if cap is not None else None
    report.outcome_judgement = _judgement(ending, ended_by_facilitator, counted, not_reached, results, cap)
    return report


def _not_reached(result: ActionResult, scenario: Scenario, ending, counted: bool) -> None:
    result.status = NOT_REACHED
    where = f"the incident ended at '{ending.title}'" if ending is not None else "the facilitator ended the session"
    if counted:
        result.explanation = (f"Not reached: {where} before any decision offered it. It counts as 0 of "
                              f"{result.weight}, because the incident did not end well: the way it was "
                              "handled closed the chance to do this.")
    else:
        result.explanation = (f"Not reached: {where} before any decision offered it, so it is not counted "
                              "(your path did not call for it).")


def _judgement(ending, by_facilitator: bool, counted: bool, not_reached: list[str], results, cap) -> str:
    """The outcome judgement in one sentence: how the ending and what was not reached bear on the grade."""
    if by_facilitator:
        return ("The facilitator ended the session: it is scored on what was reached; "
                f"{len(not_reached)} action{'s' if len(not_reached) != 1 else ''} not reached are not counted.")
    if ending is None:
        return "The session has not ended: it is not judged yet."
    if not counted:
        return ("The incident ended well. The score is of what your path allowed"
                + (f": {len(not_reached)} action{'s' if len(not_reached) != 1 else ''} your path never called "
                   "for are not counted." if not_reached else "."))
    critical = [r for r in results if r.status == NOT_REACHED and r.critical]
    text = (f"The incident did not end well ({ending.outcome.replace('_', ' ')}), so the result can be no "
            f"better than {cap.label if cap else 'the grade its score earns'}")
    if len(not_reached) == 1:
        text += ", and the action it ended before you reached counts as 0" + (
            " (it is critical, so it decides the result)" if critical else "")
    elif not_reached:
        text += f", and the {len(not_reached)} actions it ended before you reached count as 0"
        if critical:
            text += f" ({len(critical)} of them critical, which decide the result)"
    return text + "."


def _score_action(scenario: Scenario, assessment: Assessment, credits: list[Credit],
                  milestones: dict[str, int], env: dict, policy) -> ActionResult:
    action = assessment.action
    weight = assessment.weight
    window = assessment.window
    deadline, _anchor = deadline_for(window, milestones)
    sources = [{"id": s.id, "title": s.title, "url": s.url} for s in action.sources]
    note = action.window_note if window is action.window else ""
    result = ActionResult(action.id, action.title, action.category, assessment.critical, weight, MISSED, 0.0,
                          None, deadline, window_words(window, note), action.why, action.evidence, sources)
    if assessment.applies_if is not None and not assessment.applies_if.evaluate(env):
        result.status = NOT_APPLICABLE
        result.explanation = "Not assessed: the situation it applies to did not arise."
        return result
    contraventions = [c for c in credits if c.contravened]
    evidence = [c for c in credits if not c.contravened]
    if contraventions:
        first = contraventions[0]
        result.status = CONTRAVENED
        result.credit = -weight * policy.contravene_penalty
        result.decision_index = first.decision_index
        result.achieved_at = evidence[0].clock if evidence else None
        result.feedback = [c.feedback for c in contraventions if c.feedback]
        scene = scenario.scenes.get(first.scene_id)
        result.explanation = (f"Contravened at {format_clock(scenario.incident_start, first.clock)}, in "
                              f"{quoted(scene.title if scene else first.scene_id)}: "
                              f"{points(weight * policy.contravene_penalty)} taken off.")
        return result
    if not evidence:
        result.explanation = f"Not done: 0 of {points(weight)}."
        return result
    first = evidence[0]
    result.achieved_at = first.clock
    result.decision_index = first.decision_index
    when = format_clock(scenario.incident_start, first.clock)
    if first.request_index is not None:      # evidenced by a request for information, not a choice
        partner = scenario.partners.get(first.source.partition(":")[2].partition("/")[0])
        when += f" (a request for information to {partner.name if partner else 'a partner'})"
    if deadline is None or first.clock <= deadline:
        result.status = ON_TIME
        result.credit = float(weight)
        result.explanation = f"Done at {when}, in time: {weight} of {points(weight)}."
    else:
        result.status = LATE
        result.credit = weight * policy.late_credit
        result.explanation = (f"Done at {when}, after the deadline of "
                              f"{format_clock(scenario.incident_start, deadline)}: late, so "
                              f"{result.credit:g} of {points(weight)}.")
    return result


def points(value: float) -> str:
    """'1 point', '3 points', '1.5 points': how much, in words a trainee reads."""
    return f"{value:g} point" + ("" if value == 1 else "s")


def window_words(window, note: str = "") -> str:
    """When an action is due, said once ("within 15 min of the call", "at any time").

    The catalogue's note on the window is added unless it says the same again (a note
    "Throughout the incident (no time limit)" replaces "no time limit")."""
    described = window.describe() if window else "no time limit"
    note = (note or "").strip()
    if not note:
        return described
    if described.lower() in note.lower():
        return note
    return f"{described} ({note})"


def score_runner(runner, seat: str | None = None) -> ScoreReport:
    """Score a session: every seat's decisions, or one seat's (``seat``, by default the seat played)."""
    by_facilitator = runner.ended == FACILITATOR_ENDING
    pending = runner.awaiting_marking() if hasattr(runner, "awaiting_marking") else []
    awaiting = frozenset(a for record in pending for a in runner.awaiting[record.index])
    seat = seat or getattr(runner, "seat", None)
    ledger, assessed, offered = runner.ledger, None, set(getattr(runner, "offered", ()))
    variables = dict(runner.variables)
    if hasattr(runner, "received_flags"):
        variables.update(runner.received_flags())     # an 'applies_if' may ask whether a message arrived
    if seat is not None:
        from .seats import seat_actions
        scenario = runner.scenario
        if seat not in scenario.seats:
            raise ValueError(f"no seat '{seat}' in scenario '{scenario.id}'")
        own = {r.index for r in runner.decisions
               if not r.stand_in and scenario.scenes[r.scene_id].seat == seat}
        asked = {r.index for r in getattr(runner, "requests", ()) if r.seat == seat}   # its own requests
        ledger = [c for c in runner.ledger if c.decision_index in own
                  or (c.request_index is not None and c.request_index in asked)]
        actions = seat_actions(scenario, seat)
        assessed = {a: v for a, v in scenario.assessed.items() if a in actions}
        if getattr(runner, "seat", None) != seat:      # every seat played: only this seat's scenes offered
            offered = _offered_in(runner, seat)
    elif hasattr(runner, "stand_in_decisions") and runner.stand_in_decisions():
        # a pod seat the facilitator handed to its stand-in: the stand-in's decisions earn the team nothing
        # (and cost it nothing); their scenes were never offered to a trainee (_note_offers skips them)
        stood = set(runner.stand_in_decisions())
        ledger = [c for c in ledger if c.decision_index not in stood]
    report = score_session(runner.scenario, ledger, runner.milestones, variables,
                           None if by_facilitator else runner.ended, runner.clock.seconds,
                           offered=offered, ended_by_facilitator=by_facilitator,
                           awaiting=awaiting, assessed=assessed)
    if seat is not None:
        report.seat = seat
    report.stand_in_decisions = list(runner.stand_in_decisions()) if hasattr(runner, "stand_in_decisions") else []
    report.requests = [r.to_dict() for r in getattr(runner, "requests", ())
                       if seat is None or r.seat in (None, seat)]
    if by_facilitator:
        report.ending_id, report.finished = runner.ended, True     # as before: the facilitator's ending id
    from .ending import ending_account
    from .team import score_team
    report.ending_account = ending_account(runner)
    report.team = score_team(runner)        # the same for every seat: from the shared record
    if pending:
        report.provisional = True
        report.grade_label += PROVISIONAL_SUFFIX
        report.awaiting_marking = [{"decision_index": r.index, "scene_id": r.scene_id, "actions": list(runner.awaiting[r.index])}
                                   for r in pending]
    report.markings = [{"decision_index": index, "scene_id": entry["scene"], "by": entry["by"], "at": entry["at"],
                        "marks": dict(entry["marks"]), "comments": dict(entry.get("comments") or {})}
                       for index, entry in sorted(getattr(runner, "markings", {}).items())]
    conditions = dict(getattr(runner, "conditions", None) or {})
    if conditions:
        from .run_conditions import describe
        report.conditions, report.conditions_text = conditions, describe(runner.scenario, conditions)
    from .live_changes import condition_changes, seat_handovers, sentences
    report.condition_changes = condition_changes(runner.scenario, list(getattr(runner, "condition_changes", ())))
    report.seat_handovers = seat_handovers(runner.scenario, list(getattr(runner, "seat_handovers", ())))
    report.live_changes_text = sentences(report.condition_changes, report.seat_handovers)
    interventions = [dict(e) for e in getattr(runner, "interventions", ())]
    report.interventions = interventions
    report.facilitated = bool(interventions) or bool(getattr(runner, "facilitated", False))
    if runner.ended == FACILITATOR_ENDING:
        report.outcome = FACILITATOR_OUTCOME
    return report


def _offered_in(runner, seat: str) -> set[str]:
    """What the decisions of one seat's scenes could have evidenced (any of their options), from
    a session of every seat."""
    scenes = runner.scenario.scenes
    from .requests import request_actions
    offered: set[str] = request_actions(runner.scenario)     # a request can be sent from any seat at any time
    for record in runner.decisions:
        scene = scenes[record.scene_id]
        if scene.seat == seat and scene.decision is not None:
            offered |= actions_offered(scene.decision, scene.decision.options)
    return offered

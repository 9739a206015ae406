"""Export session records: CSV (sessions, decisions), JSON, and HTML reports (one session, a cohort).

Everything here reads the session store through its public API (``sessions``,
``session``, ``events``, ``inputs``, ``report``). Scenario details that the store does not
keep (option labels, decision prompts, which actions each decision evidenced, the
incident start time) come from the scenario file the session recorded, loaded once per
file; when that file is gone the exports fall back to ids and the stored score report.
The HTML is self-contained (no scripts, no external resources, every text escaped) and
prints cleanly; the app's ``report_pdf`` module (Qt) turns it into a PDF. See docs/xapi.md.
A seated session's team actions (engine/team.py) are in the JSON (``team``), a CSV of their own
(``team_csv``), the session and cohort HTML; its seats' pictures at each decision (the divergence
view, ``pictures``) are in the JSON and the session HTML (records/team_report.py).
Requests for information to partner agencies (engine/requests.py) and their answers are in the
JSON (``requests``), a CSV of their own (``requests_csv``) and the HTML timeline.
A result waiting for an assessor to mark a rationale says "provisional" in every format
(a CSV column, JSON keys, the HTML result), with who marked it and when once marked.
Must not import Qt or any GUI code.
"""

from __future__ import annotations

import csv
import html
import io
import json
import logging
import statistics
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ..engine.model import NDM_FIELD_LABELS, RUBRIC_MARK_LABELS
from ..engine.presentation import presentation_order
from ..engine.rationale import boxes_of, describe_parts, parts_of
from .store import SessionStore, SessionSummary
from .team_report import TEAM_COLUMNS, pictures_html, team_cohort, team_html, team_of, team_rows

log = logging.getLogger(__name__)

STATUS_WORDS = {"on_time": "Achieved on time", "late": "Achieved late", "missed": "Missed",
                "contravened": "Contravened", "not_reached": "Not reached", "not_applicable": "Not applicable",
                "awaiting_marking": "Awaiting marking"}
NDM_SHORT_LABELS = {key: label.split(":")[0] for key, label in NDM_FIELD_LABELS.items()}
KIND_WORDS = {"choose_one": "choose one", "choose_many": "choose many", "rank": "rank",
              "ndm_rationale": "NDM rationale"}
SESSION_COLUMNS = ("session_id", "trainee_id", "display_name", "force", "role", "scenario_id", "scenario_version",
                   "scenario_hash", "catalogues", "started_at", "ended_at", "status", "ending_id", "outcome",
                   "percent", "grade", "critical_failures", "not_reached", "not_reached_counted", "result",
                   "marked_by", "live_changes")
REQUEST_COLUMNS = ("session_id", "index", "seat", "partner", "partner_name", "urgency", "topic", "question",
                   "asked_at", "asked_seconds", "matched", "credited", "evidenced", "answered_at",
                   "answered_seconds", "answered_by", "answer")
DECISION_COLUMNS = ("session_id", "index", "scene_id", "kind", "selection", "rationale", "clock",
                    "decision_seconds", "entry_seconds", "expired", "points", "evidenced", "contravened")


# -- scenarios ---------------------------------------------------------------------------
class ScenarioCache:
    """Scenario files loaded once each; ``None`` when a session's file is gone or no longer loads."""

    def __init__(self):
        self._loaded: dict[str, Any] = {}

    def get(self, summary: SessionSummary):
        path = summary.scenario_path
        if path not in self._loaded:
            self._loaded[path] = _load(path)
        scenario = self._loaded[path]
        if scenario is None or scenario.id != summary.scenario_id:
            return None
        return scenario


def _load(path: str):
    from ..engine.loader import load_scenario
    if not path or not Path(path).is_file():
        log.info("the scenario file %s is not there; exporting with ids only", path)
        return None
    try:
        result = load_scenario(path)
    except Exception:       # a broken file must not stop an export of records
        log.warning("the scenario %s could not be loaded; exporting with ids only", path, exc_info=True)
        return None
    return result.scenario if result.ok else None


# -- one session, gathered ---------------------------------------------------------------
@dataclass
class DecisionRow:
    index: int
    seq: int
    scene_id: str
    scene_title: str
    prompt: str
    kind: str
    selection: Any
    selection_ids: list[str]
    selection_text: str
    rationale_text: str
    clock: int
    clock_label: str
    recorded_at: str
    expired: bool
    decision_seconds: float | None
    entry_seconds: float | None
    points: float
    max_points: float | None
    min_points: float | None
    evidenced: list[str] = field(default_factory=list)
    contravened: list[str] = field(default_factory=list)
    choices: list[tuple[str, str]] = field(default_factory=list)     # (option id, label), in the order shown
    stand_in: bool = False       # taken by a seat's stand-in (seated scenarios): not a trainee's decision


@dataclass
class SessionRecord:
    summary: SessionSummary
    report: dict | None
    events: list[dict]
    decisions: list[DecisionRow]
    scenario: Any            # engine Scenario, or None when its file is gone
    outcome: str | None
    ending_title: str
    ended_seq: int | None
    ended_recorded_at: str | None
    seed: int | None = None     # presentation seed (None: options were shown in the file order)
    integrity: dict | None = None   # chain heads and seal (SessionStore.integrity_of), for checking the export
    # A seated session: each decision's picture (engine/team.py), what its seat knew then (None: not seated,
    # or the session no longer replays)
    pictures: list[dict] | None = None

    @property
    def session_id(self) -> str:
        return self.summary.session_id

    @property
    def provisional(self) -> bool:
        """True while a rationale waits for an assessor's marking (reports before marking existed: False)."""
        return bool((self.report or {}).get("provisional"))

    @property
    def requests(self) -> list[dict]:
        """The session's requests for information, each as its latest event has it (answered or not)."""
        return requests_of(self.events)

    @property
    def marked_by(self) -> str:
        return "; ".join(f"{m.get('by')} at {m.get('at')}" for m in (self.report or {}).get("markings") or [])

    def to_dict(self) -> dict:
        s = self.summary
        return {
            "session_id": s.session_id, "trainee": asdict(s.trainee),
            "scenario": {"id": s.scenario_id, "version": s.scenario_version, "hash": s.scenario_hash,
                         "title": s.scenario_title, "path": s.scenario_path, "catalogues": s.catalogues,
                         "file_available": self.scenario is not None},
            "started_at": s.started_at, "updated_at": s.updated_at, "ended_at": s.ended_at, "status": s.status,
            "clock": s.clock, "scene_id": s.scene_id, "ending_id": s.ending_id, "ending_title": self.ending_title,
            "outcome": self.outcome, "percent": s.percent, "grade": s.grade,
            "critical_failures": list(s.critical_failures), "presentation_seed": self.seed,
            "provisional": self.provisional,
            "awaiting_marking": list((self.report or {}).get("awaiting_marking") or []),
            "markings": list((self.report or {}).get("markings") or []), "report": self.report,
            "decisions": [asdict(d) for d in self.decisions], "requests": self.requests, "events": self.events,
            "integrity": self.integrity, "team": team_of(self.report), "pictures": self.pictures,
        }


def requests_of(events: list[dict]) -> list[dict]:
    """Requests for information from a session's events: a request_made, updated by its request_answered."""
    found: dict[int, dict] = {}
    for event in events:
        if event["kind"] in ("request_made", "request_answered") and isinstance(event["data"].get("index"), int):
            index = event["data"]["index"]
            asked = found.get(index, {}).get("recorded_at", event.get("recorded_at"))   # when it was sent
            found[index] = dict(event["data"], recorded_at=asked)
    return [found[i] for i in sorted(found)]


def select_sessions(store: SessionStore, *, session_id: str | None = None, trainee_id: str | None = None,
                    scenario_id: str | None = None, status: str | None = None) -> list[SessionSummary]:
    """Sessions matching every filter given, oldest first (so exports read in the order played)."""
    if session_id:
        found = [store.session(session_id)]
    else:
        found = store.sessions(status=status, trainee_id=trainee_id)
        found.reverse()
    return [s for s in found
            if (trainee_id is None or s.trainee.trainee_id == trainee_id)
            and (scenario_id is None or s.scenario_id == scenario_id)
            and (status is None or s.status == status)]


def gather(store: SessionStore, summary: SessionSummary, scenarios: ScenarioCache | None = None) -> SessionRecord:
    scenarios = scenarios or ScenarioCache()
    scenario = scenarios.get(summary)
    report = store.report(summary.session_id)
    events = store.events(summary.session_id)
    inputs = store.inputs(summary.session_id)
    seed = _seed(inputs)
    runner = _replayed(inputs, summary, scenario)
    credits = None if runner is None else {d.index: [asdict(c) for c in d.credits] for d in runner.decisions}
    points = {int(k): float(v) for k, v in ((report or {}).get("decision_points") or {}).items()}
    decisions = []
    for event in events:
        if event["kind"] == "decision_recorded":
            decisions.append(_decision_row(event, scenario, report, credits, points, seed))
    ending_id = summary.ending_id or (report or {}).get("ending_id")
    ending = scenario.endings.get(ending_id) if scenario is not None and ending_id else None
    outcome = (report or {}).get("outcome") or (ending.outcome if ending else None)
    ended = next((e for e in reversed(events) if e["kind"] == "ended"), None)
    return SessionRecord(summary, report, events, decisions, scenario, outcome,
                         ending.title if ending else (ending_id or ""),
                         ended["seq"] if ended else None, ended["recorded_at"] if ended else None, seed,
                         store.integrity_of(summary.session_id) if hasattr(store, "integrity_of") else None,
                         _pictures(runner))


def _pictures(runner) -> list[dict] | None:
    """Each decision's picture for a seated session (the divergence view), None otherwise."""
    if runner is None or not runner.scenario.seats:
        return None
    from ..engine.team import pictures
    return [p.to_dict() for p in pictures(runner)]


def _seed(inputs: list[dict]) -> int | None:
    from ..engine.runner import RunnerError, seed_of
    try:
        return seed_of(inputs)
    except RunnerError:
        log.warning("a session's presentation seed is not readable; showing options in the file order")
        return None


def gather_all(store: SessionStore, summaries: list[SessionSummary]) -> list[SessionRecord]:
    cache = ScenarioCache()
    return [gather(store, s, cache) for s in summaries]


def _replayed(inputs: list[dict], summary: SessionSummary, scenario):
    """The session replayed from its stored inputs (None when that is not possible)."""
    if scenario is None:
        return None
    from ..engine.runner import RunnerError, ScenarioRunner
    try:
        runner = ScenarioRunner.restore(scenario, inputs)
    except (RunnerError, KeyError, TypeError, ValueError):
        log.info("session %s no longer replays against %s; using the stored report", summary.session_id,
                 summary.scenario_path)
        return None
    return runner


def _decision_row(event: dict, scenario, report: dict | None, credits: dict[int, list] | None,
                  points: dict[int, float], seed: int | None = None) -> DecisionRow:
    data = event["data"]
    record = data.get("record") if isinstance(data.get("record"), dict) else data
    index = int(record.get("index", 0))
    scene_id = str(record.get("scene_id", ""))
    kind = str(record.get("kind", ""))
    selection = record.get("selection")
    meta = record.get("meta") or {}
    scene = scenario.scenes.get(scene_id) if scenario is not None else None
    decision = scene.decision if scene is not None else None
    labels = {o.id: o.label for o in decision.options} if decision is not None else {}
    ids = _selection_ids(kind, selection)
    if kind == "ndm_rationale" or isinstance(selection, dict):
        selection_text = "; ".join([NDM_SHORT_LABELS.get(k, k) for k in boxes_of(selection)]
                                   + [f"{prompt} {label}" for _stage, prompt, label
                                      in describe_parts(decision, parts_of(selection))])
    else:
        joiner = " > " if kind == "rank" else "; "
        selection_text = joiner.join(labels.get(i, i) for i in ids)
    if record.get("expired"):
        selection_text = "No answer in time"
    rationale = _rationale_text(kind, boxes_of(selection) if isinstance(selection, dict) else selection,
                                record.get("rationale"))
    # Which actions this decision evidenced / contravened: the stored record, else a replay, else the report.
    found = record.get("credits")
    if not isinstance(found, list) and credits is not None:
        found = credits.get(index)
    evidenced: list[str] = []
    contravened: list[str] = []
    if isinstance(found, list):
        for credit in found:
            target = contravened if credit.get("contravened") else evidenced
            if credit.get("action_id") not in target:
                target.append(credit.get("action_id"))
    elif report:
        for action in report.get("actions") or []:
            if action.get("decision_index") == index:
                (contravened if action.get("status") == "contravened" else evidenced).append(action["action_id"])
    max_points, min_points = _possible(scenario, decision) if decision is not None else (None, None)
    clock = int(event["clock"])
    return DecisionRow(
        index=index, seq=int(event["seq"]), scene_id=scene_id, scene_title=scene.title if scene else scene_id,
        prompt=decision.prompt if decision else "", kind=kind, selection=selection, selection_ids=ids,
        selection_text=selection_text, rationale_text=rationale, clock=clock,
        clock_label=clock_label(scenario, clock), recorded_at=str(event["recorded_at"]),
        expired=bool(record.get("expired")), decision_seconds=_number(meta.get("decision_seconds")),
        entry_seconds=_number(meta.get("entry_seconds")), points=points.get(index, 0.0),
        max_points=max_points, min_points=min_points, evidenced=evidenced, contravened=contravened,
        choices=[(o.id, o.label) for o in presentation_order(seed, scene_id, decision.options)]
        if decision is not None else [], stand_in=bool(meta.get("stand_in")))


def _selection_ids(kind: str, selection: Any) -> list[str]:
    if selection is None or isinstance(selection, dict):
        return []
    if isinstance(selection, str):
        return [selection]
    return [str(s) for s in selection]


def _rationale_text(kind: str, selection: Any, rationale: Any) -> str:
    parts = []
    if isinstance(selection, dict):
        parts += [f"{NDM_SHORT_LABELS.get(k, k)}: {v}" for k, v in selection.items() if str(v).strip()]
    if isinstance(rationale, dict):
        if rationale != selection:
            parts += [f"{NDM_SHORT_LABELS.get(k, k)}: {v}" for k, v in rationale.items() if str(v).strip()]
    elif rationale:
        parts.append(str(rationale))
    return " | ".join(parts)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _possible(scenario, decision) -> tuple[float, float]:
    """(most, least) points a decision can earn: assessed weights it can evidence, penalties it can cost."""
    assessed = scenario.assessed
    penalty = scenario.scoring.contravene_penalty

    def worth(outcomes) -> tuple[float, float]:
        good = {r.action_id for o in outcomes for r in o.evidences if r.action_id in assessed}
        bad = {r.action_id for o in outcomes for r in o.contravenes if r.action_id in assessed}
        return (sum(assessed[a].weight for a in good - bad),
                -sum(assessed[a].weight * penalty for a in bad))

    base = [decision.outcome]
    if decision.kind == "choose_one":
        options = [worth(base + [o.outcome]) for o in decision.options]
    elif decision.kind == "choose_many":
        options = [worth(base + [o.outcome for o in decision.options if not o.outcome.contravenes]),
                   worth(base + [o.outcome for o in decision.options])]
    elif decision.kind == "rank":
        options = [worth(base + [r.when_kept for r in decision.rules]),
                   worth(base + [r.when_broken for r in decision.rules])]
    else:
        options = [worth(base)]
    if decision.on_expiry is not None:
        options.append(worth([decision.on_expiry]))
    return float(max(o[0] for o in options)), float(min(o[1] for o in options))


def clock_label(scenario, seconds: int) -> str:
    """The simulated time of day (HH:MM) when the scenario is known, else time since the start (+H:MM)."""
    if scenario is not None:
        return (scenario.incident_start + timedelta(seconds=seconds)).strftime("%H:%M")
    return f"+{seconds // 3600}:{seconds % 3600 // 60:02d}"


# -- CSV and JSON ------------------------------------------------------------------------
def _cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula (=, +, -, @ first) is prefixed with an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        try:
            float(value)
            return value
        except ValueError:
            return "'" + value
    return value


def _csv(columns: tuple[str, ...], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else _cell(v) for v in row])
    return out.getvalue()


def sessions_csv(records: list[SessionRecord]) -> str:
    rows = []
    for r in records:
        s = r.summary
        rows.append([s.session_id, s.trainee.trainee_id, s.trainee.display_name, s.trainee.force, s.trainee.role,
                     s.scenario_id, s.scenario_version, s.scenario_hash,
                     "; ".join(f"{k} {v}" for k, v in sorted(s.catalogues.items())), s.started_at, s.ended_at,
                     s.status, s.ending_id, r.outcome, s.percent, s.grade, "; ".join(s.critical_failures),
                     "; ".join((r.report or {}).get("not_reached") or []),
                     ("yes" if (r.report or {}).get("not_reached_counted") else "no") if r.report else "",
                     ("provisional" if r.provisional else "final") if r.report else "", r.marked_by,
                     " ".join((r.report or {}).get("live_changes_text") or [])])
    return _csv(SESSION_COLUMNS, rows)


def decisions_csv(records: list[SessionRecord]) -> str:
    rows = []
    for r in records:
        for d in r.decisions:
            selection = "" if d.expired else (d.selection_text if d.kind == "ndm_rationale"
                                               else ("[,]".join(d.selection_ids)))
            rows.append([r.session_id, d.index, d.scene_id, d.kind, selection, d.rationale_text, d.clock_label,
                         d.decision_seconds, d.entry_seconds, "yes" if d.expired else "no", d.points,
                         "; ".join(d.evidenced), "; ".join(d.contravened)])
    return _csv(DECISION_COLUMNS, rows)


def requests_csv(records: list[SessionRecord]) -> str:
    """One row per request for information: to whom, what, how urgent, when, and the answer and its time."""
    rows = []
    for r in records:
        partners = r.scenario.partners if r.scenario is not None else {}
        for q in r.requests:
            partner = partners.get(q.get("partner"))
            answered = q.get("answered_at")
            rows.append([r.session_id, q.get("index"), q.get("seat"), q.get("partner"),
                         partner.name if partner else "", q.get("urgency"), q.get("topic"), q.get("question"),
                         clock_label(r.scenario, q.get("clock") or 0), q.get("clock"), q.get("matched"),
                         "yes" if q.get("credited") else "no", "; ".join(q.get("actions") or []),
                         clock_label(r.scenario, answered) if answered is not None else "", answered,
                         q.get("answered_by"), q.get("answer")])
    return _csv(REQUEST_COLUMNS, rows)


def team_csv(records: list[SessionRecord]) -> str:
    """One row per team action of each seated session (engine/team.py): met, missed or not reached, and why."""
    rows = []
    for r in records:
        rows += team_rows(r.session_id, team_of(r.report))
    return _csv(TEAM_COLUMNS, rows)


def sessions_json(records: list[SessionRecord]) -> str:
    return json.dumps({"format": "hydra-sim-sessions", "version": 1, "sessions": [r.to_dict() for r in records]},
                      indent=2, ensure_ascii=False, default=str)


# -- HTML --------------------------------------------------------------------------------
CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; color: #111; margin: 1.5em; }
h1 { font-size: 18pt; margin: 0 0 0.3em 0; } h2 { font-size: 13.5pt; margin: 1.2em 0 0.4em 0;
  border-bottom: 1px solid #444; } h3 { font-size: 11.5pt; margin: 0.8em 0 0.2em 0; }
table { border-collapse: collapse; width: 100%; margin: 0.4em 0; }
th, td { border: 1px solid #777; padding: 3px 5px; text-align: left; vertical-align: top; }
th { background: #e4e4e4; } .num { text-align: right; } .muted { color: #444; font-size: 9.5pt; }
.bad { font-weight: bold; } .box { border: 1px solid #444; padding: 6px; margin: 0.4em 0; }
tr { page-break-inside: avoid; } h2, h3 { page-break-after: avoid; }
@media print { body { margin: 0; } a { color: #111; text-decoration: none; } }
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _page(title: str, body: list[str]) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
            f"<title>{_e(title)}</title><style>{CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def _table(headers: list[str], rows: list[list[str]], numeric: tuple[int, ...] = ()) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    lines = []
    for row in rows:
        cells = "".join(f"<td class=\"num\">{c}</td>" if i in numeric else f"<td>{c}</td>" for i, c in enumerate(row))
        lines.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(lines)}</tbody></table>"


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None:
        return ""
    return f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"


def session_html(record: SessionRecord) -> str:
    s = record.summary
    report = record.report or {}
    title = f"Session report: {s.scenario_title or s.scenario_id}"
    who = s.trainee.trainee_id + (f" ({s.trainee.display_name})" if s.trainee.display_name else "")
    body = [f"<h1>{_e(title)}</h1>",
            _table(["Trainee", "Force", "Role", "Scenario", "Started", "Ended", "Status"],
                   [[_e(who), _e(s.trainee.force), _e(s.trainee.role.replace("_", " ")),
                     _e(f"{s.scenario_id} v{s.scenario_version}"), _e(s.started_at), _e(s.ended_at or ""),
                     _e(s.status.replace("_", " "))]]),
            f"<p class=\"muted\">Session {_e(s.session_id)}; scenario file SHA-256 {_e(s.scenario_hash)}; catalogues "
            f"{_e(', '.join(f'{k} {v}' for k, v in sorted(s.catalogues.items())) or 'none')}.</p>",
            *_integrity_html(record.integrity),
            "<h2>Result</h2>"]
    if not report:
        body.append("<p>This session has not finished, so it has no score yet.</p>")
    else:
        failures = report.get("critical_failures") or []
        body.append(_table(["Outcome", "Ending", "Score", "Grade", "Critical failures"], [[
            _e((record.outcome or "").replace("_", " ")), _e(record.ending_title),
            _e(f"{_fmt(report.get('percent'))}% ({_fmt(report.get('earned'), 2)} of {_fmt(report.get('possible'), 2)})"),
            _e(report.get("grade_label") or report.get("grade_id")),
            f"<span class=\"bad\">{_e(', '.join(failures))}</span>" if failures else "none"]]))
        if report.get("outcome_judgement"):
            body.append(f"<p>{_e(report['outcome_judgement'])}</p>")
        # the incident changed under the trainees (live_changes.py): said beside the score it changed
        body.extend(f"<p><b>\u2691 {_e(line)}</b></p>" for line in report.get("live_changes_text") or [])
        body.append(_ending_account_html(report.get("ending_account") or {}))
        body += _marking_html(record)
        body.append("<h2>Categories</h2>")
        body.append(_table(["Category", "Earned", "Possible", "Percent"], [
            [_e(c.get("label") or c.get("category")), _e(_fmt(c.get("earned"), 2)), _e(_fmt(c.get("possible"), 2)),
             _e(_fmt(_cat_percent(c)) + "%")] for c in report.get("categories") or []], numeric=(1, 2, 3)))
        body.append("<h2>Actions assessed</h2>")
        for action in report.get("actions") or []:
            status = STATUS_WORDS.get(action.get("status"), action.get("status"))
            critical = " (critical)" if action.get("critical") else ""
            when = (f" at {clock_label(record.scenario, action['achieved_at'])}"
                    if action.get("achieved_at") is not None else "")
            sources = "; ".join(
                f"{src.get('title') or src.get('id')}" + (f" ({src['url']})" if src.get("url") else "")
                for src in action.get("sources") or [])
            parts = [f"<h3>{_e(action.get('title') or action.get('action_id'))}{_e(critical)}: {_e(status)}"
                     f"{_e(when)}</h3>",
                     f"<p>{_e(action.get('explanation'))} <span class=\"muted\">Window: {_e(action.get('window'))}; "
                     f"credit {_e(_fmt(action.get('credit'), 2))} of {_e(action.get('weight'))}.</span></p>"]
            if action.get("why"):
                parts.append(f"<p><b>Why it matters:</b> {_e(action['why'])}</p>")
            for note in action.get("feedback") or []:
                parts.append(f"<p><b>Feedback:</b> {_e(note)}</p>")
            if sources:
                parts.append(f"<p class=\"muted\"><b>Sources:</b> {_e(sources)}</p>")
            body.append("<div class=\"box\">" + "".join(parts) + "</div>")
        body.append(team_html(team_of(report)))
    body.append(pictures_html(record.pictures or []))
    body.append("<h2>Timeline</h2>")
    body.append(_timeline(record))
    return _page(title, body)


def _integrity_html(integrity: dict | None) -> list[str]:
    if not integrity:
        return []
    return [f"<p class=\"muted\">Record: event chain head {_e(str(integrity.get('head_hash'))[:16])}\u2026, "
            f"sealed with the records key of fingerprint {_e(integrity.get('sealed_by'))}. A report is a summary: "
            "check the record itself with <code>hydra-sim verify</code> where it is stored.</p>"]


def _ending_account_html(account: dict) -> str:
    """What ended the incident and the decisions that led there (the report's ending account)."""
    if not account:
        return ""
    items = "".join(f"<li><b>{_e(d.get('scene_title'))}</b>: \u201c{_e(d.get('choice'))}\u201d \u2013 "
                    f"{_e('; '.join(d.get('reasons') or []))}</li>" for d in account.get("decisions") or [])
    return (f"<h2>How it ended: {_e(account.get('title'))}</h2>"
            + (f"<p>The decisions that led here:</p><ul>{items}</ul>" if items else ""))


def _marking_html(record: SessionRecord) -> list[str]:
    """The provisional notice, and who marked each rationale, when, and how."""
    report = record.report or {}
    scenario = record.scenario
    lines = []
    if record.provisional:
        waiting = ", ".join(str(w.get("scene_id")) for w in report.get("awaiting_marking") or [])
        lines.append(f"<p class=\"box\"><b>Provisional result.</b> An assessor has not yet marked the rationale "
                     f"({_e(waiting)}) against its rubric; the score and grade may change when it is marked.</p>")
    for marking in report.get("markings") or []:
        scene = scenario.scenes.get(marking.get("scene_id")) if scenario is not None else None
        rubric = {c.id: c for c in scene.decision.rubric} if scene is not None and scene.decision else {}
        rows = [[_e(rubric[c].text if c in rubric else c), _e(RUBRIC_MARK_LABELS.get(m, m)),
                 _e((marking.get("comments") or {}).get(c, ""))] for c, m in (marking.get("marks") or {}).items()]
        lines.append(f"<p>Rationale in {_e(scene.title if scene else marking.get('scene_id'))} marked by "
                     f"<b>{_e(marking.get('by'))}</b> at {_e(marking.get('at'))}.</p>")
        lines.append(_table(["Criterion", "Mark", "Assessor's comment"], rows))
    return lines


def _cat_percent(category: dict) -> float:
    possible = category.get("possible") or 0
    return 0.0 if possible <= 0 else max(0.0, category.get("earned") or 0) / possible * 100


def _timeline(record: SessionRecord) -> str:
    scenario = record.scenario
    decisions = {d.seq: d for d in record.decisions}
    rows = []
    for event in record.events:
        kind, data = event["kind"], event["data"]
        when = _e(clock_label(scenario, event["clock"]))
        if kind == "scene_entered":
            scene = scenario.scenes.get(data.get("scene_id")) if scenario is not None else None
            rows.append([when, "Scene", _e(scene.title if scene else data.get("scene_id"))])
        elif kind == "inject_fired":
            rows.append([when, "Update", _e(data.get("text") or data.get("inject_id"))])
        elif kind == "decision_recorded" and event["seq"] in decisions:
            d = decisions[event["seq"]]
            who = " by the seat's stand-in" if d.stand_in else ""      # never a trainee's decision
            text = f"<b>{_e(d.prompt or d.scene_title)}</b><br>Decided{who}: {_e(d.selection_text)}"
            if d.rationale_text:
                text += f"<br>Rationale: {_e(d.rationale_text)}"
            extra = []
            if d.decision_seconds is not None:
                extra.append(f"took {_fmt(d.decision_seconds)} s")
            if d.evidenced:
                extra.append("evidenced " + ", ".join(d.evidenced))
            if d.contravened:
                extra.append("contravened " + ", ".join(d.contravened))
            if extra:
                text += f"<br><span class=\"muted\">{_e('; '.join(extra))}</span>"
            rows.append([when, "Decision", text])
        elif kind == "reference_opened":
            item = scenario.reference.get(data.get("reference_id")) if scenario is not None else None
            rows.append([when, "Reference", _e("Read " + (item.title if item else str(data.get("reference_id"))))])
        elif kind == "document_opened":
            media = scenario.media.get(data.get("media_id")) if scenario is not None else None
            rows.append([when, "Document", _e("Opened " + (media.title if media else str(data.get("media_id"))))])
        elif kind in ("request_made", "request_answered"):
            partner = scenario.partners.get(data.get("partner")) if scenario is not None else None
            name = partner.name if partner else str(data.get("partner"))
            if kind == "request_made":
                rows.append([when, "Request", _e(f"To {name} ({data.get('urgency')}): {data.get('question')}")])
            else:
                rows.append([when, "Answer", _e(f"{name}: {data.get('answer')}")])
        elif kind == "ended":
            rows.append([when, "Ended", _e(record.ending_title or data.get("ending_id"))])
    if not rows:
        return "<p>Nothing was recorded.</p>"
    return _table(["Time", "What", "Detail"], rows)


@dataclass
class CohortStats:
    sessions: int
    finished: int
    trainees: int
    scenarios: list[str]
    grades: dict[str, int]
    outcomes: dict[str, int]
    distribution: list[tuple[str, int]]
    actions: list[dict]          # miss rate per action, highest first
    critical_times: list[dict]   # median time to each critical action
    team: list[dict] = field(default_factory=list)   # per team action: met / missed / not reached (seated)


def cohort_stats(records: list[SessionRecord]) -> CohortStats:
    finished = [r for r in records if r.report]
    grades: dict[str, int] = {}
    outcomes: dict[str, int] = {}
    bins = [0] * 10
    per_action: dict[str, dict] = {}
    for r in finished:
        report = r.report
        label = report.get("grade_label") or report.get("grade_id") or "none"
        grades[label] = grades.get(label, 0) + 1
        outcome = r.outcome or "none"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        bins[min(9, int((report.get("percent") or 0) // 10))] += 1
        for action in report.get("actions") or []:
            if action.get("status") == "not_applicable":
                continue
            entry = per_action.setdefault(action["action_id"], {
                "action_id": action["action_id"], "title": action.get("title") or action["action_id"],
                "critical": bool(action.get("critical")), "assessed": 0, "missed": 0, "contravened": 0, "late": 0,
                "not_reached": 0, "times": []})
            if action.get("status") == "not_reached":       # no chance to miss it: apart from the rate
                entry["not_reached"] += 1
                continue
            entry["assessed"] += 1
            status = action.get("status")
            if status in ("missed", "contravened", "late"):
                entry[status] += 1
            if status in ("on_time", "late") and action.get("achieved_at") is not None:
                entry["times"].append(int(action["achieved_at"]))
    actions = []
    for entry in per_action.values():
        failed = entry["missed"] + entry["contravened"]
        actions.append({**{k: v for k, v in entry.items() if k != "times"},
                        "miss_rate": failed / entry["assessed"] if entry["assessed"] else 0.0})
    actions.sort(key=lambda a: (-a["miss_rate"], -a["late"], a["action_id"]))
    critical = []
    for entry in sorted(per_action.values(), key=lambda e: e["action_id"]):
        if entry["critical"]:
            times = entry["times"]
            critical.append({"action_id": entry["action_id"], "title": entry["title"], "achieved": len(times),
                             "assessed": entry["assessed"],
                             "median_seconds": statistics.median(times) if times else None})
    distribution = [(f"{i * 10}–{i * 10 + 9 if i < 9 else 100}%", n) for i, n in enumerate(bins)]
    return CohortStats(len(records), len(finished), len({r.summary.trainee.trainee_id for r in records}),
                       sorted({r.summary.scenario_id for r in records}), grades, outcomes, distribution, actions,
                       critical, team_cohort([r.report for r in finished]))


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "never achieved"
    seconds = int(round(seconds))
    return f"{seconds // 60} min {seconds % 60:02d} s"


def cohort_html(records: list[SessionRecord], title: str = "Cohort report", filters: str = "") -> str:
    stats = cohort_stats(records)
    body = [f"<h1>{_e(title)}</h1>",
            f"<p class=\"muted\">Generated {_e(datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z'))}"
            f"{_e('; ' + filters) if filters else ''}. Scenarios: {_e(', '.join(stats.scenarios) or 'none')}.</p>",
            "<h2>Counts</h2>",
            _table(["Sessions", "Finished", "Trainees"], [[str(stats.sessions), str(stats.finished),
                                                            str(stats.trainees)]], numeric=(0, 1, 2)),
            _table(["Grade", "Sessions"], [[_e(k), str(v)] for k, v in sorted(stats.grades.items())], numeric=(1,)),
            _table(["Outcome", "Sessions"], [[_e(k.replace("_", " ")), str(v)]
                                             for k, v in sorted(stats.outcomes.items())], numeric=(1,)),
            "<h2>Score distribution</h2>",
            _table(["Score", "Sessions"], [[_e(b), str(n)] for b, n in stats.distribution], numeric=(1,)),
            "<h2>Actions missed, highest rate first</h2>",
            "<p class=\"muted\">Missed or contravened, out of the finished sessions that reached the action. "
            "Late counts achieved-late separately; not reached counts the sessions whose path ended before any "
            "decision offered it (they are not in the rate).</p>",
            _table(["Action", "Critical", "Reached", "Missed", "Contravened", "Late", "Not reached", "Miss rate"],
                   [[_e(f"{a['title']} ({a['action_id']})"), "yes" if a["critical"] else "no", str(a["assessed"]),
                     str(a["missed"]), str(a["contravened"]), str(a["late"]), str(a["not_reached"]),
                     _e(f"{a['miss_rate'] * 100:.0f}%")]
                    for a in stats.actions], numeric=(2, 3, 4, 5, 6, 7)),
            "<h2>Median time to each critical action</h2>",
            "<p class=\"muted\">Simulated time from the incident start, over the sessions that achieved it.</p>",
            _table(["Critical action", "Achieved", "Median time"],
                   [[_e(f"{c['title']} ({c['action_id']})"), _e(f"{c['achieved']} of {c['assessed']}"),
                     _e(_minutes(c["median_seconds"]))] for c in stats.critical_times], numeric=(1,))]
    if stats.team:
        body += ["<h2>Team actions</h2>",
                 "<p class=\"muted\">Seated sessions: what the seats did together, from each session's shared "
                 "record. The rate is of the sessions that reached the decision it is checked at.</p>",
                 _table(["Team action", "Seat", "Met", "Missed", "Not reached", "Miss rate"],
                        [[_e(t["title"]), _e(t["seat_title"]), str(t["met"]), str(t["missed"]), str(t["not_reached"]),
                          _e(f"{t['miss_rate'] * 100:.0f}%")] for t in stats.team], numeric=(2, 3, 4, 5))]
    return _page(title, body)


def cohort_json(records: list[SessionRecord]) -> str:
    return json.dumps(asdict(cohort_stats(records)), indent=2, ensure_ascii=False)

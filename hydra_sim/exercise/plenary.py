"""The plenary debrief's data: syndicates side by side at each decision point, and the cohort.

``plenary(store, session_ids)`` reads the facilitator's store (the mirrored sessions) via
the records exports (``gather``), and lines the syndicates up at each scene where any of
them decided: choice, rationale, who entered it, when, how long it took, points. Each
syndicate's result (score, grade, outcome, interventions) and the cohort statistics of
the records issue come with it. ``plenary_html`` exports it as a self-contained report.
A seated scenario (pods sharing one incident) adds each syndicate's team result (``teams``: the
team actions scored from its shared record, engine/team.py) and its seats' pictures (``pictures``:
for each decision, what that seat knew then beside what the rest of its team knew; ``divergences``
keeps the decisions taken without something their own scene depends on), for the divergence view,
and its whole incident on one timeline (``timelines``: every seat's scenes, messages, requests,
answers and decisions in clock order, from the replayed session). The GUI's plenary view shows the same data. A syndicate whose session cannot be read (a damaged
row) is left out of the grid and named in ``unreadable``, so one bit flip never costs the debrief.
Must not import Qt or any GUI code.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime

from ..records.exports import CohortStats, DecisionRow, ScenarioCache, SessionRecord, cohort_stats, gather
from ..records.errors import StoreError
from ..records.store import SessionStore
from ..records.team_report import TEAM_STATUS_WORDS, pictures_html, team_actions, team_of, team_summary


@dataclass
class DecisionPoint:
    """One scene with a decision, and what each syndicate did there (None: never decided there)."""
    scene_id: str
    scene_title: str
    prompt: str
    entries: dict[str, DecisionRow | None] = field(default_factory=dict)
    entered_by: dict[str, str] = field(default_factory=dict)     # syndicate -> the member who entered it


@dataclass
class SyndicateResult:
    syndicate: str
    session_id: str
    status: str
    percent: float | None
    grade: str | None
    outcome: str | None
    ending: str
    facilitated: bool
    interventions: list[dict]
    critical_failures: list[str]
    team: str = ""              # "Team: 5 of 7 team actions met ..." for a seated scenario, else ""


@dataclass
class Plenary:
    scenario_id: str
    scenario_title: str
    syndicates: list[str]
    points: list[DecisionPoint]
    results: list[SyndicateResult]
    cohort: CohortStats
    records: dict[str, SessionRecord]
    unreadable: dict[str, str] = field(default_factory=dict)   # syndicate -> why its session cannot be read
    teams: dict[str, dict] = field(default_factory=dict)       # syndicate -> its report's team part (seated)
    pictures: dict[str, list[dict]] = field(default_factory=dict)  # syndicate -> each decision's picture (seated)
    # syndicate -> the whole incident on one timeline: every seat's scenes, messages, requests and
    # decisions in clock order (seated; the console's timeline, after the event)
    timelines: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def scenario(self):
        """The scenario the syndicates played (the first record's that loads), or None."""
        return next((r.scenario for r in self.records.values() if r.scenario is not None), None)

    @property
    def seated(self) -> bool:
        return bool(self.pictures or self.teams)

    def team_actions(self) -> list[dict]:
        """One row per team action: its title, why it matters, and each syndicate's status in words."""
        rows: dict[str, dict] = {}
        for name, team in self.teams.items():
            for action in team_actions(team):
                row = rows.setdefault(action["team_action_id"], {
                    "title": action.get("title"), "why": action.get("why"), "principle": action.get("principle"),
                    "seat_title": action.get("seat_title"), "status": {}, "explanation": {}})
                row["status"][name] = TEAM_STATUS_WORDS.get(action.get("status"), action.get("status"))
                row["explanation"][name] = action.get("explanation")
        return list(rows.values())

    def divergences(self, syndicate: str) -> list[dict]:
        """The syndicate's decisions taken without something their own scene depends on, or while a
        message to that seat was on its way: where its seats' pictures diverged."""
        return [p for p in self.pictures.get(syndicate) or [] if p.get("diverged")]


def plenary(store: SessionStore, session_ids: dict[str, str]) -> Plenary:
    """Line up the syndicates' sessions (``{syndicate: session_id}``, e.g. ``server.session_ids()``)."""
    cache = ScenarioCache()
    records, unreadable = {}, {}
    for name, sid in session_ids.items():
        try:
            records[name] = gather(store, store.session(sid), cache)
        except StoreError as exc:       # a damaged row: that syndicate is named, the others are lined up
            unreadable[name] = exc.message
    names = list(records)
    scenario = next((r.scenario for r in records.values() if r.scenario is not None), None)
    order = {scene_id: i for i, scene_id in enumerate(scenario.scenes)} if scenario is not None else {}
    points: dict[str, DecisionPoint] = {}
    for name, record in records.items():
        for row in record.decisions:
            point = points.get(row.scene_id)
            if point is None:
                point = points[row.scene_id] = DecisionPoint(row.scene_id, row.scene_title, row.prompt,
                                                             {n: None for n in names})
            if point.entries.get(name) is None:         # the first decision there (a scene revisited keeps it)
                point.entries[name] = row
                point.entered_by[name] = _entered_by(record, row)
    first_clock = {sid: min((r.clock for r in p.entries.values() if r is not None), default=0)
                   for sid, p in points.items()}
    ordered = sorted(points.values(), key=lambda p: (order.get(p.scene_id, len(order)), first_clock[p.scene_id]))
    results = []
    for name, record in records.items():
        report = record.report or {}
        results.append(SyndicateResult(name, record.session_id, record.summary.status, record.summary.percent,
                                       report.get("grade_label") or record.summary.grade, record.outcome,
                                       record.ending_title, bool(report.get("facilitated")),
                                       list(report.get("interventions") or []),
                                       list(record.summary.critical_failures), team_summary(team_of(report))))
    first = next(iter(records.values()), None)
    teams = {name: team_of(r.report) for name, r in records.items() if team_of(r.report)}
    seat_pictures = {name: list(r.pictures) for name, r in records.items() if r.pictures is not None}
    timelines = {name: rows for name, r in records.items() if r.pictures is not None
                 for rows in [incident_timeline(store, r)] if rows is not None}
    return Plenary(first.summary.scenario_id if first else "", first.summary.scenario_title if first else "",
                   names, ordered, results, cohort_stats(list(records.values())), records, unreadable,
                   teams, seat_pictures, timelines)


def incident_timeline(store: SessionStore, record: SessionRecord) -> list[dict] | None:
    """A seated session's whole incident on one timeline (``pods.timeline`` of every seat's view of
    the replayed session): ``{clock_label, seat_title, kind, text}`` rows; None when it cannot be
    replayed (the plenary then shows the rest)."""
    from ..engine.runner import RunnerError, ScenarioRunner
    from .pods import seat_view, timeline
    scenario = record.scenario
    if scenario is None or not scenario.seats:
        return None
    try:
        runner = ScenarioRunner.restore(scenario, store.inputs(record.session_id))
    except (RunnerError, StoreError, ValueError):
        return None
    return [{k: row[k] for k in ("clock_label", "seat_title", "kind", "text")}
            for row in timeline({seat: seat_view(runner, seat) for seat in scenario.seats})]


def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


_CSS = ("body{font-family:sans-serif;margin:2em;color:#111}table{border-collapse:collapse;margin:1em 0}"
        "th,td{border:1px solid #999;padding:4px 8px;vertical-align:top;text-align:left}"
        "th{background:#eee}.muted{color:#555}.none{color:#888;font-style:italic}")


def plenary_html(data: Plenary, title: str = "Plenary debrief") -> str:
    """The plenary as one HTML page (open in a browser, print to PDF)."""
    when = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    body = [f"<h1>{_e(title)}: {_e(data.scenario_title)}</h1>",
            f"<p class=\"muted\">Generated {_e(when)}. Syndicates: {_e(', '.join(data.syndicates))}.</p>",
            "<h2>Results</h2>", "<table><tr><th>Syndicate</th><th>Score</th><th>Grade</th><th>Outcome</th>"
            "<th>Critical failures</th><th>Facilitator interventions</th>"
            + ("<th>Team actions</th>" if data.seated else "") + "</tr>"]
    for r in data.results:
        score = "" if r.percent is None else f"{r.percent:.1f}%"
        interventions = "; ".join(_intervention_text(i, data.scenario) for i in r.interventions) or "none"
        team = f"<td>{_e(r.team.removeprefix('Team: ') or 'not finished')}</td>" if data.seated else ""
        body.append(f"<tr><td>{_e(r.syndicate)}</td><td>{_e(score)}</td><td>{_e(r.grade)}</td>"
                    f"<td>{_e((r.outcome or r.status).replace('_', ' '))}</td>"
                    f"<td>{_e(', '.join(r.critical_failures) or 'none')}</td><td>{_e(interventions)}</td>{team}</tr>")
    body.append("</table>")
    for name, why in data.unreadable.items():
        body.append(f"<p class=\"none\">Syndicate {_e(name)}'s session cannot be read: {_e(why)}</p>")
    body.append("<h2>Decision points, side by side</h2>")
    for point in data.points:
        body.append(f"<h3>{_e(point.scene_title)}</h3><p class=\"muted\">{_e(point.prompt)}</p>")
        body.append("<table><tr><th>Syndicate</th><th>Choice</th><th>Rationale</th><th>Entered by</th>"
                    "<th>Time</th><th>Took</th><th>Points</th></tr>")
        for name in data.syndicates:
            row = point.entries.get(name)
            if row is None:
                body.append(f"<tr><td>{_e(name)}</td><td class=\"none\" colspan=\"6\">did not reach this "
                            "decision</td></tr>")
                continue
            took = "" if row.decision_seconds is None else f"{row.decision_seconds:.0f} s"
            choice = "time ran out" if row.expired else row.selection_text
            body.append(f"<tr><td>{_e(name)}</td><td>{_e(choice)}</td><td>{_e(row.rationale_text)}</td>"
                        f"<td>{_e(point.entered_by.get(name, ''))}</td><td>{_e(row.clock_label)}</td>"
                        f"<td>{_e(took)}</td><td>{_e(f'{row.points:g}')}</td></tr>")
        body.append("</table>")
    team_rows = data.team_actions()
    if team_rows:
        body.append("<h2>Team actions</h2><p class=\"muted\">What each pod's seats did together, scored from its "
                    "shared record; they do not change a seat's grade.</p>")
        body.append("<table><tr><th>Team action</th><th>Why it matters</th>"
                    + "".join(f"<th>{_e(n)}</th>" for n in data.syndicates) + "</tr>")
        for row in team_rows:
            body.append(f"<tr><td>{_e(row['title'])}</td><td>JESIP: {_e(row['principle'])}. {_e(row['why'])}</td>"
                        + "".join(f"<td title=\"{_e(row['explanation'].get(n, ''))}\">{_e(row['status'].get(n, ''))}"
                                  "</td>" for n in data.syndicates) + "</tr>")
        body.append("</table>")
    for name in data.syndicates:
        if data.pictures.get(name):
            diverged = data.divergences(name)
            body.append(f"<h2>{_e(name)}: where the seats' pictures diverged</h2>"
                        f"<p>{len(diverged)} of {len(data.pictures[name])} decisions were taken without something "
                        "their own scene depends on, or with a message to that seat still on its way.</p>")
            body.append(pictures_html(diverged or []).replace("<h2>Where the seats' pictures diverged</h2>", "", 1))
    cohort = data.cohort
    body.append("<h2>Cohort</h2>")
    body.append(f"<p>{cohort.finished} of {cohort.sessions} sessions finished. Grades: "
                f"{_e(', '.join(f'{k} {v}' for k, v in sorted(cohort.grades.items())) or 'none')}. Outcomes: "
                f"{_e(', '.join(f'{k} {v}' for k, v in sorted(cohort.outcomes.items())) or 'none')}.</p>")
    missed = [a for a in cohort.actions if a["miss_rate"] > 0]
    if missed:
        body.append("<table><tr><th>Action missed or contravened</th><th>Critical</th><th>Syndicates</th></tr>")
        for a in missed:
            body.append(f"<tr><td>{_e(a['title'])}</td><td>{'yes' if a['critical'] else 'no'}</td>"
                        f"<td>{a['missed'] + a['contravened']} of {a['assessed']}</td></tr>")
        body.append("</table>")
    # the rest of the cohort picture (the GUI's dashboard charts these): scores and critical-action times
    if cohort.finished:
        body.append("<table><tr><th>Score band</th><th>Syndicates</th></tr>"
                    + "".join(f"<tr><td>{_e(band)}</td><td>{n}</td></tr>" for band, n in cohort.distribution if n)
                    + "</table>")
    if cohort.critical_times:
        body.append("<table><tr><th>Critical action</th><th>Median time to it</th><th>Achieved</th></tr>")
        for c in cohort.critical_times:
            median = "never achieved" if c["median_seconds"] is None else _clock(c["median_seconds"])
            body.append(f"<tr><td>{_e(c['title'])}</td><td>{_e(median)}</td>"
                        f"<td>{c['achieved']} of {c['assessed']}</td></tr>")
        body.append("</table>")
    return ("<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def _clock(seconds: float) -> str:
    """Simulated seconds from the incident start as 'T+1h05m' / 'T+12m' (as the review dashboard says it)."""
    hours, minutes = divmod(int(round(seconds / 60)), 60)
    return f"T+{hours}h{minutes:02d}m" if hours else f"T+{minutes}m"


def _entered_by(record: SessionRecord, row: DecisionRow) -> str:
    """DecisionRow has no meta; the decision's stored event (same seq) has ``entered_by``."""
    event = next((e for e in record.events if e.get("seq") == row.seq), None)
    meta = (event or {}).get("data", {}).get("meta") or {}
    return str(meta.get("entered_by", "")) if isinstance(meta, dict) else ""


def _intervention_text(entry: dict, scenario=None) -> str:
    """One intervention in words; with the ``scenario``, a run condition and a seat by their titles."""
    action = entry.get("action", "?")
    if action == "inject":
        what = entry.get("inject_id") or f"\u201c{entry.get('text', '')}\u201d"
        return f"inject {what}"
    if action == "timer":
        return f"timer {entry.get('seconds', 0):+d} s"
    if action == "answer":          # the facilitator answered a request for information
        reply = entry.get("reply")
        titles = {r.id: r.title for p in (scenario.partners.values() if scenario is not None else ())
                  for r in p.replies.values()}
        what = (f"the canned reply \u201c{titles.get(reply, reply)}\u201d" if reply
                else f"\u201c{entry.get('text', '')}\u201d")
        return f"answer to request #{entry.get('request')}: {what}"     # numbered as the console lists them
    if action == "set_condition":   # a run condition changed live: the score is of the changed incident
        name = str(entry.get("variable"))
        if scenario is not None and name in scenario.variables:
            from ..engine.live_changes import condition_title, value_label
            return (f"{condition_title(scenario, name)} changed from {value_label(scenario, name, entry.get('from'))} "
                    f"to {value_label(scenario, name, entry.get('value'))}")
        return f"run condition {name} changed from {entry.get('from')} to {entry.get('value')}"
    if action in ("stand_in", "hand_back"):
        seat = scenario.seats.get(str(entry.get("seat"))) if scenario is not None else None
        return (f"seat {seat.title if seat else entry.get('seat')} "
                + ("handed to its stand-in" if action == "stand_in" else "handed back"))
    return str(action)

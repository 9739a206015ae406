"""The team's result and each seat's picture, as every report shows them (debrief, review, exports).

Reads the ``team`` part of a stored score report (engine/team.py ``score_team``) and the
``pictures`` of a seated session (``team.pictures``, gathered by records/exports.py), and turns
them into the same words everywhere: HTML for the debrief, the review and the session report,
rows for the CSV export, a summary for the cohort and xAPI. Plain words for trainees and
trainers: seat and scene titles and message texts, never ids. Every team line says why it
matters (the scenario's ``why``) and which JESIP principle it serves.

Old reports (before team actions) have no ``team``: every function returns nothing for them.
Must not import Qt or any GUI code.
"""

from __future__ import annotations

import html

TEAM_STATUS_WORDS = {"met": "Met", "missed": "Missed", "not_reached": "Not reached"}
TEAM_COLUMNS = ("session_id", "team_action_id", "title", "seat", "status", "weight", "credit", "checked_at",
                "stand_in", "principle", "explanation")


def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def team_of(report) -> dict:
    """The team part of a report (a ScoreReport or its stored dict); {} when there is none."""
    if report is None:
        return {}
    team = report.get("team") if isinstance(report, dict) else getattr(report, "team", None)
    return team if isinstance(team, dict) and team_actions(team) else {}


def team_actions(team: dict) -> list[dict]:
    """The team actions of a team part that are readable (a stored report is data from a file: a
    damaged or hand-made one may hold anything, and one bad entry must not stop a report)."""
    found = team.get("actions") if isinstance(team, dict) else None
    return [a for a in found if isinstance(a, dict) and isinstance(a.get("team_action_id"), str)] \
        if isinstance(found, list) else []


def team_summary(team: dict) -> str:
    """'Team: 5 of 7 team actions met (80% ...)', or '' without team actions (counted from the actions
    themselves, so a damaged total never shows)."""
    actions = team_actions(team)
    if not actions:
        return ""
    met = sum(a.get("status") == "met" for a in actions)
    cut = sum(a.get("status") == "not_reached" for a in actions)
    text = f"Team: {met} of {len(actions)} team action{'s' if len(actions) != 1 else ''} met"
    percent = team.get("percent")
    if team.get("possible") and isinstance(percent, (int, float)) and not isinstance(percent, bool):
        text += f" ({percent:g}% of what the path allowed)"
    if cut:
        text += f"; {cut} not reached"
    return text


def team_html(team: dict, colours: dict | None = None) -> str:
    """The "Team" section: each team action with its status, what it was checked at, and why it matters.

    ``colours``: status -> a CSS colour (the debrief colours for its theme); none: no colour."""
    if not team_actions(team):
        return ""
    colours = colours or {}
    order = {"missed": 0, "met": 1, "not_reached": 2}
    parts = ["<h2>Team</h2>",
             f"<p><b>{_e(team_summary(team))}.</b> Team actions are scored from the shared record of every "
             "seat (stand-ins included). They do not change any seat's own grade: they show whether the seats "
             "built one picture of the incident between them.</p>"]
    for action in sorted(team_actions(team), key=lambda a: order.get(a.get("status"), 9)):
        status = TEAM_STATUS_WORDS.get(action.get("status"), action.get("status"))
        colour = colours.get(action.get("status"))
        shown = f"<span style='color:{colour}'>{_e(status)}</span>" if colour else _e(status)
        parts.append(f"<h3>{shown}: {_e(action.get('title'))}</h3>")
        parts.append(f"<p><i>{_e(action.get('seat_title'))} \u00b7 {_e(action.get('weight'))} "
                     f"point{'s' if action.get('weight') != 1 else ''}</i></p>")
        parts.append(f"<p>{_e(action.get('explanation'))}</p>")
        parts.append(f"<p><b>Why it matters (JESIP: {_e(action.get('principle'))}):</b> {_e(action.get('why'))}</p>")
    return "".join(parts)


def team_rows(session_id: str, team: dict) -> list[list]:
    """One CSV row per team action (TEAM_COLUMNS)."""
    return [[session_id, a.get("team_action_id"), a.get("title"), a.get("seat"), a.get("status"), a.get("weight"),
             a.get("credit"), a.get("checked_at"), "yes" if a.get("stand_in") else "no", a.get("principle"),
             a.get("explanation")] for a in team_actions(team)]


def pictures_html(pictures: list[dict]) -> str:
    """The divergence view: for each decision, what its seat knew and what the team knew that it did not."""
    pictures = [p for p in pictures or [] if isinstance(p, dict)]
    if not pictures:
        return ""
    parts = ["<h2>Where the seats' pictures diverged</h2>",
             "<p>For each decision: what had reached that seat by then, and what others in the team already "
             "knew that it did not. \u26a0 marks a decision taken without something its own scene depends "
             "on.</p>"]
    for p in pictures:
        mark = "\u26a0 " if p.get("diverged") else ""
        who = f"{p.get('seat_title')}" + (" (stand-in)" if p.get("stand_in") else "")
        parts.append(f"<h3>{_e(mark)}{_e(p.get('clock_label'))} {_e(who)}: {_e(p.get('scene_title'))}</h3>")
        parts.append(f"<p>Decided: {_e(p.get('choice'))}</p>")
        for heading, key in (("Needed here but not arrived", "needed_missing"),
                             ("On its way to this seat", "on_the_way"),
                             ("This seat knew", "knew"),
                             ("Known elsewhere in the team, not here", "elsewhere")):
            lines = [str(line) for line in p.get(key) or [] if isinstance(line, str)]
            if lines:
                parts.append(f"<p><b>{_e(heading)}:</b></p><ul>"
                             + "".join(f"<li>{_e(line)}</li>" for line in lines) + "</ul>")
        if not (p.get("knew") or p.get("elsewhere")):
            parts.append("<p class=\"muted\">Nothing had been passed between the seats yet.</p>")
    return "".join(parts)


def team_cohort(reports: list[dict]) -> list[dict]:
    """Per team action over a cohort's reports: how often met, missed or not reached (highest miss first)."""
    found: dict[str, dict] = {}
    for report in reports:
        for action in team_actions(team_of(report)):
            entry = found.setdefault(action["team_action_id"], {
                "team_action_id": action["team_action_id"], "title": action.get("title"),
                "seat_title": action.get("seat_title"), "met": 0, "missed": 0, "not_reached": 0})
            status = action.get("status")
            if status in ("met", "missed", "not_reached"):
                entry[status] += 1
    rows = []
    for entry in found.values():
        judged = entry["met"] + entry["missed"]
        rows.append({**entry, "judged": judged, "miss_rate": entry["missed"] / judged if judged else 0.0})
    rows.sort(key=lambda r: (-r["miss_rate"], r["team_action_id"]))
    return rows

"""The debrief as one inert HTML document (shown on screen and printed to PDF).

Builds HTML from the engine's ScoreReport, the runner's decision records and the
explorer's full-marks path: on its first page, the record of what this is (when the session
was played, by whom, which version of the scenario and of the catalogue scored it, and the run
conditions met); then every assessed action with its status in words and a symbol
(colour only adds to them), why it matters, its sources as plain text, and the
trainee's path beside the best path with the rationale written at each decision. All
scenario text is escaped or passed through ``markdown_to_html``. ``write_pdf`` prints the
document with report_pdf.html_to_pdf, "Page N of M" and a line saying whose debrief it is on
every page. Must not import the runner's mutating API, the controller or any
screen.
"""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

from ..engine.model import NDM_FIELD_LABELS
from ..engine.rationale import boxes_of, describe_parts, parts_of
from ..engine.scoring import STATUS_LABELS
from ..engine.text import markdown_to_html, quoted
from .report_pdf import html_to_pdf
from .theme import STATUS_SYMBOLS, palette, status_colour

e = html.escape


def status_text(status: str) -> str:
    return f"{STATUS_SYMBOLS.get(status, '')} {STATUS_LABELS.get(status, status)}"


def score_words(report) -> str:
    """'40% (12 of 30 points)' and what the total covers when the path did not reach everything."""
    text = f"{report.percent:.0f}% ({report.earned:g} of {report.possible:g} points)"
    count = len(report.not_reached)
    if count and report.not_reached_counted:
        text += f"; {count} not reached, counted as 0"
    elif count:
        text += f", of what your path allowed ({count} not reached, not counted)"
    return text


def when_text(stamp) -> str:
    """'Thursday 3 December 2026, 08:40 GMT' (local time) from an ISO time stamp or a datetime; '' if unreadable."""
    try:
        moment = stamp if isinstance(stamp, datetime) else datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        return ""
    moment = moment.astimezone()        # naive stamps are taken as local time
    return f"{moment:%A} {moment.day} {moment:%B %Y}, {moment:%H:%M} {moment.tzname() or ''}".rstrip()


def trainee_text(trainee) -> str:
    if trainee is None:
        return "not recorded"
    return trainee.trainee_id + (f" ({trainee.display_name})" if trainee.display_name else "")


def session_text(session, made: datetime | None = None) -> str:
    """When the session was played (from its stored record), or, without one, when this was made."""
    started = when_text(getattr(session, "started_at", "") or "") if session is not None else ""
    if not started:
        return f"not recorded (this debrief was made on {when_text(made or datetime.now().astimezone())})"
    ended = when_text(getattr(session, "ended_at", "") or "")
    if ended and ended.split(", ")[0] == started.split(", ")[0]:
        return f"{started}, finished at {ended.split(', ', 1)[1]}"
    return started + (f", finished {ended}" if ended else "")


def scenario_text(scenario) -> str:
    text = f"{scenario.title}, version {scenario.version}"
    if scenario.content_hash:         # which exact file: two copies with one version number can differ
        text += f" (content identifier {scenario.content_hash[:12]})"
    return text


def catalogue_text(scenario) -> str:
    return "; ".join(f"{c.title} ({c.id}), version {c.version}" for c in scenario.catalogues) or "none"


def record_html(scenario, report, runner=None, trainee=None, session=None, made: datetime | None = None) -> str:
    """What this debrief is a record of: the session's date, the trainee, the scenario and catalogue
    versions that scored it, and the run conditions met. Printed at the top of the first page."""
    rows = [("Session", session_text(session, made)), ("Trainee", trainee_text(trainee)),
            ("Scenario", scenario_text(scenario)), ("Scored against", catalogue_text(scenario))]
    body = "".join(f"<tr><td><b>{e(label)}</b></td><td>{e(value)}</td></tr>" for label, value in rows)
    lines = list(getattr(report, "conditions_text", None) or [])
    if not lines and runner is not None:
        from ..engine.run_conditions import describe
        lines = describe(scenario, getattr(runner, "conditions", None) or {})
    conditions = ("; ".join(lines) + ". They vary between runs of the scenario."
                  if lines else "None: this scenario plays the same way every time.")
    body += f"<tr><td><b>This run's conditions</b></td><td>{e(conditions)}</td></tr>"
    return f"<table cellpadding='3' cellspacing='0' border='0'>{body}</table>"


def footer_text(scenario, trainee=None, session=None) -> str:
    """The line at the foot of every page, so a loose page can be put back with its debrief."""
    when = when_text(getattr(session, "started_at", "") or "") if session is not None else ""
    who = trainee.trainee_id if trainee is not None else ""
    return " · ".join(part for part in (f"Debrief: {scenario.title}", who, when.split(", ")[0]) if part)


def summary_html(scenario, report, trainee=None, record: str = "") -> str:
    """The title, then ``record`` (record_html's table, which names the trainee) or a trainee line."""
    parts = [f"<h1>Debrief: {e(scenario.title)}</h1>"]
    if record:
        parts.append(record)
    elif trainee is not None:
        parts.append(f"<p>Trainee: {e(trainee_text(trainee))}</p>")
    parts.append(f"<p><b>Result: {e(report.grade_label)}</b> with {e(score_words(report))}.</p>")
    parts.append(live_changes_html(report))
    if report.outcome_judgement:
        parts.append(f"<p>{e(report.outcome_judgement)}</p>")
    parts.append(ending_html(scenario, report))
    parts.append(provisional_html(scenario, report))
    if report.critical_failures:
        titles = {a.action_id: a.title for a in report.actions}
        items = "".join(f"<li>{e(titles.get(a, a))}</li>" for a in report.critical_failures)
        parts.append(f"<p><b>\u26a0 Critical actions missed, contravened or cut off</b> (these decide the "
                     f"result):</p><ul>{items}</ul>")
    rows = "".join(f"<tr><td>{e(c.label)}</td><td align='right'>{c.percent:.0f}%</td>"
                   f"<td align='right'>{c.earned:g} / {c.possible:g}</td></tr>" for c in report.categories)
    parts.append("<h3>Scores by category</h3><table cellpadding='4' cellspacing='0' border='1'>"
                 "<tr><th align='left'>Category</th><th>Percent</th><th>Points</th></tr>" + rows + "</table>")
    return "".join(parts)


def conditions_html(scenario, runner) -> str:
    """The run conditions this trainee met (the same scenario varies between runs)."""
    from ..engine.run_conditions import describe
    lines = describe(scenario, getattr(runner, "conditions", None) or {}) if runner is not None else []
    if not lines:
        return ""
    return ("<p><b>This run's conditions</b> (they vary between runs of the scenario)</p><ul>"
            + "".join(f"<li>{e(line)}</li>" for line in lines) + "</ul>")


def ending_html(scenario, report) -> str:
    """What ended the incident, and the decisions that led there (from the report's ending account)."""
    account = getattr(report, "ending_account", None) or {}
    if not account:
        return ""
    parts = [f"<h2>How it ended: {e(account.get('title', ''))}</h2>"]
    if account.get("text"):
        parts.append(markdown_to_html(account["text"]))
    decisions = account.get("decisions") or []
    if decisions:
        parts.append("<p><b>The decisions that led here</b></p><ul>")
        for d in decisions:
            parts.append(f"<li><b>{e(d.get('scene_title', ''))}</b>: "
                         f"{e(quoted(d.get('choice', '')))} \u2013 {e('; '.join(d.get('reasons') or []))}</li>")
        parts.append("</ul>")
    return "".join(parts)


def _action_html(scenario, a, high_contrast: bool) -> list[str]:
    colour = status_colour(a.status, high_contrast)
    critical = " \u00b7 <b>CRITICAL</b>" if a.critical else ""
    parts = [f"<h3><span style='color:{colour}'>{e(status_text(a.status))}</span>: {e(a.title)}</h3>",
             f"<p><i>{e(scenario.category_label(a.category))}{critical} \u00b7 when: {e(a.window)}</i></p>",
             f"<p>{e(a.explanation)}</p>"]
    if a.feedback:
        parts.append("<p>Feedback: " + " ".join(e(f) for f in a.feedback) + "</p>")
    if a.why:
        parts.append(f"<p><b>Why it matters:</b> {e(a.why)}</p>")
    if a.sources:
        items = "".join(f"<li>{e(s.get('title', ''))} \u2013 {e(s.get('url', ''))}</li>" for s in a.sources)
        parts.append(f"<p><b>Sources:</b></p><ul>{items}</ul>")
    return parts


def live_changes_html(report) -> str:
    """What the facilitator changed live (run conditions, seats handed to stand-ins), beside the score:
    the same score means something else when the incident changed under the trainees ('' when nothing did)."""
    lines = list(getattr(report, "live_changes_text", None) or [])
    return "".join(f"<p><b>\u2691 {e(line)}</b></p>" for line in lines)


def provisional_html(scenario, report) -> str:
    """Why the result is provisional (a rationale awaits marking), or who marked it: '' when neither."""
    out = []
    if getattr(report, "provisional", False):
        where = ", ".join(e(scenario.scenes[w["scene_id"]].title) if w["scene_id"] in scenario.scenes
                          else e(w["scene_id"]) for w in report.awaiting_marking)
        out.append(f"<p><b>\u25cc Provisional result.</b> An assessor will mark your rationale ({where}) against "
                   "the National Decision Model. Until then the actions it could earn show as \u201cAwaiting "
                   "marking\u201d and earn nothing, so the score and grade may still change.</p>")
    for marking in getattr(report, "markings", []) or []:
        out.append(f"<p>Rationale marked by {e(str(marking['by']))} on {e(str(marking['at'])[:16].replace('T', ' '))}"
                   f" (UTC).</p>")
    return "".join(out)


def actions_html(scenario, report, high_contrast: bool = False) -> str:
    order = {"contravened": 0, "missed": 1, "awaiting_marking": 2, "late": 3, "on_time": 4, "not_applicable": 5}
    reached = [a for a in report.actions if a.status != "not_reached"]
    cut_off = [a for a in report.actions if a.status == "not_reached"]
    results = sorted(reached, key=lambda a: (not a.critical, order.get(a.status, 9)))
    parts = ["<h2>Every assessed action</h2><p>Critical actions first, then the ones to work on.</p>"]
    for a in results:
        parts += _action_html(scenario, a, high_contrast)
    if cut_off:
        how = ("They count as 0: the incident did not end well, and the way it was handled closed the chance "
               "to do them." if report.not_reached_counted else
               "They are not counted: your path did not call for them.")
        parts.append(f"<h2>{e(STATUS_SYMBOLS['not_reached'])} Not reached ({len(cut_off)})</h2>"
                     "<p>The incident ended before any decision offered these, so you never had the chance: "
                     f"this is not the same as missing them. {e(how)}</p>")
        for a in sorted(cut_off, key=lambda a: not a.critical):
            parts += _action_html(scenario, a, high_contrast)
    return "".join(parts)


def _answer_text(scenario, scene_id: str, answer) -> str:
    scene = scenario.scenes.get(scene_id)
    decision = scene.decision if scene else None
    if isinstance(answer, dict):
        chosen = [f"{prompt} {label}" for _stage, prompt, label in describe_parts(decision, parts_of(answer))]
        return "NDM rationale: " + "; ".join(
            [f"{NDM_FIELD_LABELS.get(k, k).split(':')[0]}: {v}" for k, v in boxes_of(answer).items()] + chosen)
    ids = [answer] if isinstance(answer, str) else list(answer or [])
    labels = []
    for option_id in ids:
        option = decision.option(option_id) if decision else None
        labels.append(option.label if option else str(option_id))
    if decision is not None and decision.kind == "rank":
        return " \u203a ".join(labels)
    return "; ".join(labels)


def best_path_rows(scenario, steps: list[dict]) -> list[tuple[str, str]]:
    """(scene title, answer) for each play-script step of the full-marks path."""
    rows = []
    for step in steps:
        key, value = next(iter(step.items()))
        if key == "mark":
            rows.append(("Assessor's marking", "Rationale marked against its rubric: every criterion met"))
        elif key == "continue":
            scene = scenario.scenes.get(value)
            rows.append((scene.title if scene else value, "Continue"))
        elif key == "wait":
            rows.append(("Wait", f"{value} minutes"))
        elif key == "expire":
            scene = scenario.scenes.get(value)
            rows.append((scene.title if scene else value, "Let the time run out"))
        else:
            scene = scenario.scenes.get(key)
            rows.append((scene.title if scene else key, _answer_text(scenario, key, value)))
    return rows


def trainee_path_rows(scenario, runner) -> list[tuple[str, str, str, str]]:
    """(time, scene title, answer, rationale) for each scene the trainee passed through."""
    rows = []
    decisions = list(runner.decisions)
    for scene_id, clock in runner.path:
        time = runner.clock.label(clock)
        if scene_id in scenario.endings:
            rows.append((time, "End: " + scenario.endings[scene_id].title, "", ""))
            continue
        scene = scenario.scenes[scene_id]
        title = scene.title       # without a fixed time (the schema drops it): the row shows the path's
        if scene.decision is None:
            rows.append((time, title, "Continue", ""))
            continue
        if decisions and decisions[0].scene_id == scene_id:
            record = decisions.pop(0)
            if record.expired:
                answer = "Time ran out: no decision"
            else:
                answer = _answer_text(scenario, scene_id, record.selection)
            rationale = record.rationale if isinstance(record.rationale, str) else ""
            rows.append((runner.clock.label(record.clock), title, answer, rationale))
        else:
            rows.append((time, title, "(moved on by events)", ""))
    return rows


def path_html(scenario, runner, best_steps: list[dict] | None, best=None) -> str:
    """Your path beside the best path. ``best``: the engine's ``BestPath`` (what kind of answer
    ``best_steps`` is); without it a non-empty ``best_steps`` is a full-marks path."""
    mine = "".join(
        f"<li><b>{e(t)}</b> {e(title)}<br>{e(answer)}"
        + (f"<br><i>Your reason: {e(why)}</i>" if why else "") + "</li>"
        for t, title, answer, why in trainee_path_rows(scenario, runner))
    kind = best.kind if best is not None else ("full_marks" if best_steps else "no_full_marks")
    heading = "The full-marks path"
    if best_steps is None:
        best_cell = ("<p>The best path is still being worked out; it will appear here in a few seconds. "
                     "Everything else in this debrief is final.</p>")
    else:
        steps = ("<ol>" + "".join(f"<li><b>{e(title)}</b><br>{e(answer)}</li>"
                                  for title, answer in best_path_rows(scenario, best_steps)) + "</ol>"
                 if best_steps else "")
        score = f"{best.percent:g}%" if best is not None and best.percent is not None else None
        if kind == "full_marks":
            best_cell = steps
        elif kind == "no_full_marks":
            heading = "The best path"
            best_cell = "<p>No path earns full marks in this scenario."
            best_cell += (f" The best possible path scores {score}:</p>" + steps) if steps and score else "</p>"
        else:
            heading = "The best path found"
            best_cell = ("<p><b>No exact answer:</b> this scenario has too many combinations to work out "
                         "the best path exactly in the time allowed.")
            best_cell += (f" The best path found scores {score}; a better one may exist.</p>" + steps
                          if steps and score else " No path to compare with was found.</p>")
    return ("<h2>Your path and the best path</h2>"
            "<table width='100%' cellpadding='6' cellspacing='0' border='1'><tr>"
            "<th align='left' width='50%'>Your path (with the reasons you recorded)</th>"
            f"<th align='left' width='50%'>{heading}</th></tr>"
            f"<tr><td valign='top'><ol>{mine}</ol></td><td valign='top'>{best_cell}</td></tr></table>")


def team_debrief_html(report, high_contrast: bool = False) -> str:
    """The debrief's "Team" section for a seated scenario ('' without team actions), coloured for the theme."""
    from ..records.team_report import team_html, team_of
    colours = {"met": status_colour("on_time", high_contrast), "missed": status_colour("missed", high_contrast)}
    return team_html(team_of(report), colours)


def debrief_html(scenario, report, runner, best_steps, trainee=None, high_contrast: bool = False,
                 best=None, session=None, made: datetime | None = None) -> str:
    """The whole debrief for print. ``session``: the stored record's summary (its start and end
    times); ``made``: when the PDF is made (shown only when the session's time is unknown)."""
    p = palette(False)
    record = record_html(scenario, report, runner, trainee, session, made)
    return (f"<html><body style='color:{p.text}'>" + summary_html(scenario, report, trainee, record)
            + actions_html(scenario, report, high_contrast)
            + team_debrief_html(report, high_contrast)
            + path_html(scenario, runner, best_steps, best)
            + "</body></html>")


PDF_STYLE = "h1 { font-size: 16pt; } h2 { font-size: 13pt; } h3 { font-size: 11pt; } body { font-size: 10pt; }"


def write_pdf(html_text: str, path: Path, title: str = "Debrief", footer: str = "") -> Path:
    return html_to_pdf(html_text, path, title, style_sheet=PDF_STYLE, footer=footer)

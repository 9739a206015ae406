"""Plain-text renderings of engine results for the terminal (play, explore, lint).

Kept apart from the command modules in ``cli/`` so argument handling and presentation stay small. Must not
import Qt.
"""

from __future__ import annotations

from .engine.clock import format_clock
from .engine.explorer import ExplorationReport
from .engine.model import Scenario
from .engine.runner import ScenarioRunner
from .engine.scoring import STATUS_LABELS, ScoreReport

_STATUS_MARK = {"on_time": "ON TIME", "late": "LATE", "missed": "MISSED", "contravened": "CONTRAVENED",
                "not_reached": "NOT REACHED",
                "not_applicable": "N/A"}


def describe_selection(selection) -> str:
    if selection is None:
        return "(time ran out)"
    if isinstance(selection, dict):
        from .engine.rationale import boxes_of, parts_of
        parts = parts_of(selection)
        return "rationale recorded: " + ", ".join(boxes_of(selection)) + (
            "; chose " + ", ".join(f"{k} {v}" for k, v in parts.items()) if parts else "")
    if isinstance(selection, list):
        return ", ".join(selection) if selection else "(none ticked)"
    return str(selection)


def play_text(scenario: Scenario, runner: ScenarioRunner, report: ScoreReport) -> str:
    start = scenario.incident_start
    lines = [f"{scenario.title} (scenario {scenario.id} v{scenario.version})"]
    if runner.seat is not None:
        lines.append(f"Seat played: {runner.seat} ({scenario.seats[runner.seat].title}); the other seats' "
                     "decisions were taken by their stand-ins and are not scored.")
    lines += ["", "Path:"]
    decisions = {d.scene_id: [] for d in runner.decisions}
    for record in runner.decisions:
        decisions[record.scene_id].append(record)
    shown: dict[str, int] = {}
    for scene_id, clock in runner.path:
        n = shown.get(scene_id, 0)
        shown[scene_id] = n + 1
        records = decisions.get(scene_id, [])
        record = records[n] if n < len(records) else None
        what = ""
        if record is not None:
            what = "time ran out" if record.expired else "chose " + describe_selection(record.selection)
            if record.stand_in:
                what += " (stand-in)"
        elif scene_id in scenario.endings:
            what = f"ENDING ({scenario.endings[scene_id].outcome})"
        seat = scenario.scenes[scene_id].seat if scene_id in scenario.scenes else None
        lines.append(f"  {format_clock(start, clock)}  {scene_id:<28} {what}" + (f"  [{seat}]" if seat else ""))
    for inject in runner.inject_log:
        redirect = f" -> {inject.redirect}" if inject.redirect else ""
        lines.append(f"  inject {inject.inject_id} at {format_clock(start, inject.clock)}{redirect}")
    for sent in runner.messages:
        m = sent.message
        arrival = (f"arrived {format_clock(start, sent.arrives_at)}" if sent.arrives_at <= runner.clock.seconds
                   else f"due {format_clock(start, sent.arrives_at)}, not arrived")
        lines.append(f"  message {m.id} {sent.from_seat} -> {m.to} ({m.channel}) sent "
                     f"{format_clock(start, sent.sent_at)}, {arrival}")
    if runner.seat is not None:
        from .engine.seats import seat_stream
        lines += ["", f"What seat {runner.seat} saw:"]
        lines += [f"  {format_clock(start, item.clock)}  {item.kind:<8} {item.id}: {item.text}"
                  for item in seat_stream(runner, runner.seat)]
    lines.append("")
    if runner.ended:
        ending = scenario.endings[runner.ended]
        lines.append(f"Ending: {ending.title} [{ending.outcome}]")
    else:
        lines.append(f"Not finished: the session is at scene '{runner.scene_id}'")
    if report.seat is not None:
        lines.append(f"Scored for seat {report.seat}: the actions of its roles "
                     f"({', '.join(scenario.seats[report.seat].roles)}), from its own decisions")
    lines.append(f"Score: {report.earned:g} of {report.possible:g} ({report.percent:.1f}%)")
    lines.append(f"Grade: {report.grade_label}")
    if report.outcome_judgement:
        lines.append(f"Outcome: {report.outcome_judgement}")
    if report.critical_failures:
        lines.append("Critical actions missed or contravened: " + ", ".join(report.critical_failures))
    else:
        lines.append("Critical actions missed or contravened: none")
    lines += ["", "By category:"]
    for category in report.categories:
        lines.append(f"  {category.label:<28} {max(category.earned, 0):g} of {category.possible:g} "
                     f"({category.percent:.0f}%)")
    lines += ["", "Actions:"]
    for action in report.actions:
        critical = " [critical]" if action.critical else ""
        sources = ", ".join(s["id"] for s in action.sources) or "reasoned from doctrine"
        lines.append(f"  {_STATUS_MARK[action.status]:<12} {action.action_id}{critical}: {action.credit:g} of "
                     f"{action.weight}")
        lines.append(f"               {action.explanation} Sources: {sources} ({action.evidence}).")
    return "\n".join(lines)


def play_json(scenario: Scenario, runner: ScenarioRunner, report: ScoreReport) -> dict:
    return {
        "scenario": {"id": scenario.id, "version": scenario.version, "content_hash": scenario.content_hash},
        "finished": runner.ended is not None,
        "ending": runner.ended,
        "outcome": scenario.endings[runner.ended].outcome if runner.ended else None,
        "path": [{"scene": s, "clock": c, "time": format_clock(scenario.incident_start, c)} for s, c in runner.path],
        "seat": runner.seat,
        "decisions": [{"index": d.index, "scene": d.scene_id, "kind": d.kind, "selection": d.selection,
                       "rationale": d.rationale, "clock": d.clock, "expired": d.expired,
                       **({"seat": scenario.scenes[d.scene_id].seat, "stand_in": d.stand_in} if scenario.seats else {})}
                      for d in runner.decisions],
        "messages": [dict(m.to_dict(), arrived=m.arrives_at <= runner.clock.seconds) for m in runner.messages],
        "injects": [{"id": i.inject_id, "clock": i.clock, "redirect": i.redirect} for i in runner.inject_log],
        "score": report.to_dict(),
        "status_labels": STATUS_LABELS,
    }


def step_text(step: dict) -> str:
    key, value = next(iter(step.items()))
    if key == "mark":
        return f"mark {value}: " + ", ".join(f"{c} {m}" for c, m in step.get("marks", {}).items())
    if key == "wait":
        return f"wait {value} min"
    if key in ("expire", "continue"):
        return f"{key} {value}"
    return f"{key}: {describe_selection(value)}"


def explore_text(scenario: Scenario, report: ExplorationReport) -> str:
    if report.complete:
        exactness = "every figure below is exact"
    elif report.approximate and not any(e.upper_percent is not None for e in report.endings):
        exactness = "approximate: see notes"
    else:
        exactness = "NOT complete: ranges marked 'bound' are sound bounds, not exact (see notes)"
    lines = [f"Explored {scenario.id}: {report.states} states, {report.moves} moves in {report.seconds:.2f} s "
             f"({exactness})", ""]
    lines.append("Endings reached (score range):")
    for ending in report.endings:
        text = f"  {ending.ending_id:<32} [{ending.outcome}] {ending.min_percent:.1f}% to {ending.max_percent:.1f}%"
        if ending.exact:
            text += " (exact)"
        elif ending.upper_percent is not None:
            text += (f" found; bound: {ending.lower_percent:.1f}% to {ending.upper_percent:.1f}% "
                     "(no path scores outside it)")
        else:
            text += " found (not exact)"
        lines.append(text)
    if report.undecided_endings:
        lines.append("Endings not reached in the part explored (may be reachable): "
                     + ", ".join(report.undecided_endings))
    if report.unreachable_endings:
        lines.append("Endings never reached: " + ", ".join(report.unreachable_endings))
    elif not report.undecided_endings:
        lines.append("Every ending is reachable.")
    lines.append("")
    if report.full_marks_path is not None:
        lines.append(f"A full-marks path exists ({len(report.full_marks_path)} steps):")
        lines += [f"  {step_text(s)}" for s in report.full_marks_path]
    elif report.complete:
        lines.append("No path achieves full marks.")
    else:
        lines.append("No full-marks path was found in the part explored; whether one exists is not known.")
    lines.append("")
    if report.complete:
        lines.append("Actions no path can achieve: " + (", ".join(report.unachievable_actions) or "none"))
        lines.append("Actions never achievable on time: " + (", ".join(report.never_on_time_actions) or "none"))
    else:
        lines.append("Actions no path can achieve: not known (the search did not finish)")
    lines.append(f"Critical actions some path misses: {len(report.missable_critical)}")
    for action_id, path in sorted(report.missable_critical.items()):
        shown = " > ".join(step_text(s) for s in path[:8]) + (" > ..." if len(path) > 8 else "")
        lines.append(f"  {action_id}: e.g. {shown}")
    lines.append(f"Critical actions some path contravenes: {len(report.contravenable_critical)}")
    for action_id in sorted(report.contravenable_critical):
        lines.append(f"  {action_id}")
    for note in report.notes:
        lines.append(f"Note: {note}")
    return "\n".join(lines)

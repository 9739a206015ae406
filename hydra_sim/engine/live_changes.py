"""What the facilitator changed live in a session, in the words every result carries.

Two kinds of live change alter what a session's score means, so the debrief, the trainer
review, the exports and xAPI must say so wherever the score is shown: a run condition changed
during the session (``set_condition``: the trainees met one incident, then another) and a
pod's seat handed to its stand-in (``stand_in`` / ``hand_back``: the stand-in's decisions are
the stand-in's, not a trainee's). ``condition_changes`` and ``seat_handovers`` turn a runner's
records into plain rows; ``sentences`` turns the rows into the one line per kind the results
show, e.g. "Run conditions changed during the session: at 04:20 Ambulance from on its way to
delayed, about 35 minutes (by the facilitator)." Reads the model and the runner's records
only; must not import Qt or any GUI code.
"""

from __future__ import annotations

from typing import Any

from .clock import format_clock
from .model import Scenario


def value_label(scenario: Scenario, name: str, value: Any) -> str:
    """A run condition's value in the scenario's words (its label, else the value)."""
    variable = scenario.variables.get(name)
    key = str(value).lower() if isinstance(value, bool) else str(value)
    labels = variable.labels if variable is not None else {}
    return labels.get(key) or key.replace("_", " ")


def condition_title(scenario: Scenario, name: str) -> str:
    variable = scenario.variables.get(name)
    return (variable.title if variable is not None and variable.title else "") or name.replace("_", " ").capitalize()


def condition_changes(scenario: Scenario, changes: list[dict]) -> list[dict]:
    """Each live change as a row: clock, clock_label, variable, title, from, to, from_label, to_label, by."""
    return [{"clock": c["clock"], "clock_label": format_clock(scenario.incident_start, c["clock"]),
             "variable": c["variable"], "title": condition_title(scenario, c["variable"]),
             "from": c["from"], "to": c["to"], "from_label": value_label(scenario, c["variable"], c["from"]),
             "to_label": value_label(scenario, c["variable"], c["to"]), "by": c.get("by") or "facilitator"}
            for c in changes]


def seat_handovers(scenario: Scenario, handovers: list[dict]) -> list[dict]:
    """Each hand-over of a seat to its stand-in (or back) as a row: action, seat, title, clock, clock_label, by."""
    rows = []
    for h in handovers:
        seat = scenario.seats.get(h["seat"])
        rows.append({"action": h["action"], "seat": h["seat"], "title": seat.title if seat else h["seat"],
                     "clock": h["clock"], "clock_label": format_clock(scenario.incident_start, h["clock"]),
                     "by": h.get("by") or "facilitator"})
    return rows


def _by(who: str) -> str:
    return "the facilitator" if who in ("", "facilitator") else f"the facilitator, {who}"


def sentences(condition_rows: list[dict], handover_rows: list[dict]) -> list[str]:
    """One sentence per kind of live change (none when there was none)."""
    lines = []
    if condition_rows:
        parts = [f"at {r['clock_label']} {r['title']} from {r['from_label']} to {r['to_label']} (by {_by(r['by'])})"
                 for r in condition_rows]
        lines.append("Run conditions changed during the session: " + "; ".join(parts) + ".")
    if handover_rows:
        parts = [f"at {r['clock_label']} the {r['title']} seat "
                 + ("was handed to its stand-in" if r["action"] == "stand_in" else "was handed back to its station")
                 + f" (by {_by(r['by'])})" for r in handover_rows]
        lines.append("Seats played by their stand-ins: " + "; ".join(parts)
                     + ". The stand-in's decisions are not a trainee's and earn no credit.")
    return lines

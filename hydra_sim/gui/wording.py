"""Presentation wording shared by the screens: who is speaking.

(Scene titles reach the screens without a leading fixed time: the schema drops it when a
scenario loads, engine/text.py ``strip_time_prefix``.)

Pure string functions (no Qt, no rules), so the log, the incident screen and the debrief
word things the same way. Must not import the runner, the store or any screen.
"""

from __future__ import annotations

# A cast role is shown only when it says how the trainee hears the speaker and the name
# does not already say it; "officer", "supervisor" and the like repeat what the name says.
ROLE_PREFIXES = {"radio": "Radio", "caller": "Caller"}


def speaker_line(name: str, role: str) -> str:
    """'Radio · Westmarch control room' or just the name: never the role twice."""
    prefix = ROLE_PREFIXES.get((role or "").strip().lower())
    if prefix and prefix.lower() not in name.lower():
        return f"{prefix} \u00b7 {name}"
    return name

"""Presentation wording shared by the screens: who is speaking, and scene titles without a
leading time where the time is already shown beside them.

Pure string functions (no Qt, no rules), so the log, the incident screen and the debrief
word things the same way. Must not import the runner, the store or any screen.
"""

from __future__ import annotations

import re

# "04:10: A 999 call", "04:10 – Arrival", "04:10 - Arrival", "4:10. Arrival"
_TIME_PREFIX = re.compile(r"^\s*\d{1,2}:\d{2}\s*(?::|\u2013|\u2014|-|\.)\s*")

# A cast role is shown only when it says how the trainee hears the speaker and the name
# does not already say it; "officer", "supervisor" and the like repeat what the name says.
ROLE_PREFIXES = {"radio": "Radio", "caller": "Caller"}


def strip_time_prefix(title: str) -> str:
    """The title without a leading 'HH:MM:' or 'HH:MM –' (kept whole if nothing would remain)."""
    stripped = _TIME_PREFIX.sub("", title, count=1)
    return stripped if stripped.strip() else title


def speaker_line(name: str, role: str) -> str:
    """'Radio · Westmarch control room' or just the name: never the role twice."""
    prefix = ROLE_PREFIXES.get((role or "").strip().lower())
    if prefix and prefix.lower() not in name.lower():
        return f"{prefix} \u00b7 {name}"
    return name

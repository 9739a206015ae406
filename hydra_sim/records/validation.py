"""What a session record from elsewhere must look like before the store takes it.

Used by bundle import (bundles.py) and by the facilitator's mirror of exercise stations
(mirror.py): both take records another machine made, so both check them the same way
before any row is written. A hash chain alone proves nothing here: anyone can recompute
the hashes of a record they made up. So the checks are about what a real record can hold:
 - every field the type its column needs (SQLite stores anything anywhere; a list where
   text belongs, an integer beyond 64 bits or text that is not JSON where JSON is read back
   would break every later list of sessions);
 - ids by pattern: a session id is a UUID (it names files, e.g. the GUI's recovery journal),
   a trainee id is printable text without control characters;
 - an event's kind known for its side (input or event), its clock within ten years of
   simulated time, its data nested at most ``MAX_DEPTH`` deep;
 - a note's event number within the session, a grade override only on a session with a
   stored score report, a rescore of the session's own scenario.
Each check returns why the record cannot be stored, or None. Pure data: no SQL here.
Must not import Qt or any GUI code.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from .rows import MARK_KIND
from .store import EVENT_KINDS, STATUSES
from .store import INPUT_KINDS as STORE_INPUTS
from .store import ROLES as STORE_ROLES

MAX_DEPTH = 64                      # JSON nesting a recorded value may have (runner data is 4 deep)
MAX_CLOCK = 10 * 366 * 24 * 3600    # ten years of simulated seconds: beyond it a clock cannot be shown
MAX_ID = 128
SESSION_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
NAME_ID = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")          # scenario, grade ids (the engine's id pattern)
ROLES = ("", *STORE_ROLES)                               # a role may be left blank
INPUT_KINDS = (*STORE_INPUTS, MARK_KIND)                 # a bundle carries assessors' markings too

# What each field must hold (see _fits).
_JSON_VALUES = {"data": object, "catalogues": dict, "report": dict}          # stored as JSON text
_JSON_TEXT = {"catalogues_json": dict, "critical_failures_json": list, "result_json": dict, "seal_notes": list}
_INTEGERS = {"id", "seq", "clock", "replay_clock", "replay_exact", "checkpointed", "chain_seq"}
_NUMBERS = {"percent"}
_SQLITE_INT = range(-(2**63), 2**63)


def check_record(record: dict) -> str | None:
    """Why a whole session record (``SessionStore.session_record``'s form) cannot be stored, or None."""
    if not isinstance(record, dict) or not isinstance(record.get("session"), dict):
        return "it is not a session record"
    session = record["session"]
    problem = unstorable(record) or check_session_row(session) or check_events(record.get("events", []))
    if problem:
        return problem
    seqs = {e["seq"] for e in record.get("events", [])}
    for i, note in enumerate(record.get("annotations", []), start=1):
        seq = note.get("seq")
        if seq is not None and seq not in seqs:
            return f"note {i} is on event {seq}, which the session does not have"
        problem = _texts(note, ("author", "text"), f"note {i}")
        if problem:
            return problem
    for i, override in enumerate(record.get("grade_overrides", []), start=1):
        if session.get("result_json") is None:
            return f"grade override {i} overrides a session that has no score report to override"
        if not isinstance(override.get("grade_id"), str) or not NAME_ID.match(override["grade_id"]):
            return f"grade override {i} names no valid grade id"
        problem = _texts(override, ("reason", "author"), f"grade override {i}")
        if problem:
            return problem
    for i, rescore in enumerate(record.get("rescores", []), start=1):
        if rescore.get("scenario_id") != session.get("scenario_id"):
            return f"rescore {i} is of scenario {str(rescore.get('scenario_id'))[:40]!r}, not the session's"
    return None


def check_session_row(session: dict) -> str | None:
    """Why a session row cannot be stored (ids, status, role, start time), or None."""
    session_id = session.get("session_id")
    if not isinstance(session_id, str) or not SESSION_ID.match(session_id):
        return f"its session id {_show(session_id)} is not a session id (a UUID)"
    trainee_id = session.get("trainee_id")
    if not valid_trainee_id(trainee_id):
        return f"its trainee id {_show(trainee_id)} is not a trainee id (1 to {MAX_ID} printable characters)"
    if not isinstance(session.get("scenario_id"), str) or not NAME_ID.match(session["scenario_id"]):
        return f"its scenario id {_show(session.get('scenario_id'))} is not a scenario id"
    if session.get("status", "in_progress") not in STATUSES:
        return f"its status {_show(session.get('status'))} is not one of: {', '.join(STATUSES)}"
    if (session.get("role") or "") not in ROLES:
        return f"its trainee role {_show(session.get('role'))} is not one of: {', '.join(ROLES[1:])}"
    if not _timestamp(session.get("started_at")):
        return f"its start time {_show(session.get('started_at'))} is not a time stamp"
    for name in ("clock", "replay_clock"):
        value = session.get(name)
        if value is not None and (not isinstance(value, int) or not 0 <= value <= MAX_CLOCK):
            return f"its {name} {_show(value)} is outside 0 to {MAX_CLOCK} simulated seconds"
    return None


def check_events(events: list) -> str | None:
    """Why a list of events (the store's form: seq, kind, is_input, clock, data ...) cannot be stored."""
    if not isinstance(events, list):
        return "'events' is not a list"
    for event in events:
        if not isinstance(event, dict):
            return "an event is not a JSON object"
        seq = event.get("seq")
        where = f"event {seq}" if isinstance(seq, int) else "an event"
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
            return f"{where} has no valid sequence number"
        known = INPUT_KINDS if event.get("is_input") else EVENT_KINDS
        if event.get("kind") not in known:
            return f"{where} is of unknown kind {_show(event.get('kind'))}"
        clock = event.get("clock")
        if isinstance(clock, bool) or not isinstance(clock, int) or not 0 <= clock <= MAX_CLOCK:
            return f"{where} has a clock {_show(clock)} outside 0 to {MAX_CLOCK} simulated seconds"
        if too_deep(event.get("data")):
            return f"{where}'s data is nested more than {MAX_DEPTH} levels deep"
        if not _timestamp(event.get("recorded_at")):
            return f"{where} has no valid recording time"
    return None


def valid_trainee_id(value: Any) -> bool:
    return (isinstance(value, str) and 0 < len(value) <= MAX_ID and value == value.strip()
            and not any(_control(ch) for ch in value))


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """True when ``value`` nests lists or objects more than ``limit`` deep (checked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, dict)):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


def unstorable(record: dict) -> str | None:
    """Why a record's fields cannot be stored as they are (wrong types for their columns), or None.

    Checked before the store sees it, so a damaged record is rejected with a reason instead
    of failing inside SQLite (which reads like a broken store) or being stored and breaking
    every later list of sessions."""
    parts = [("the session", record["session"])]
    for name in ("events", "annotations", "grade_overrides", "rescores"):
        rows = record.get(name, [])
        if not isinstance(rows, list):
            return f"'{name}' is not a list"
        parts += [(f"{name} item {i + 1}", row) for i, row in enumerate(rows)]
    for where, row in parts:
        if not isinstance(row, dict):
            return f"{where} is not a JSON object"
        for key, value in row.items():
            if not _fits(key, value):
                shown = _show(value) if isinstance(value, int) else repr(str(value)[:40])
                return f"field '{key}' of {where} cannot hold {type(value).__name__} {shown}"
    return None


def _fits(key: str, value) -> bool:
    if key in _JSON_VALUES:
        return _JSON_VALUES[key] is object or isinstance(value, _JSON_VALUES[key])
    if value is None:
        return True             # NOT NULL columns refuse it themselves, as a rejection
    if key in _JSON_TEXT:
        try:
            return isinstance(value, str) and isinstance(json.loads(value), _JSON_TEXT[key])
        except (ValueError, RecursionError):
            return False
    if key in _INTEGERS or key == "is_input":
        return isinstance(value, int) and value in _SQLITE_INT
    if key in _NUMBERS:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value \
            and abs(value) != float("inf")
    return isinstance(value, str)


def _texts(row: dict, names: tuple[str, ...], where: str) -> str | None:
    for name in names:
        if not isinstance(row.get(name), str) or not row[name].strip():
            return f"{where} has no {name}"
    return None


def _timestamp(value: Any) -> bool:
    if not isinstance(value, str) or len(value) > 40:
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _control(ch: str) -> bool:
    code = ord(ch)
    return code < 32 or 0x7F <= code < 0xA0 or code in (0x2028, 0x2029) or 0x202A <= code <= 0x202E


def _show(value: Any) -> str:
    """A value as a short, printable quote for a message (never its whole length, never raw escapes)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10 ** 30:
        return f"a {value.bit_length()}-bit number"       # str() of a 5,000-digit number raises
    if isinstance(value, (dict, list)):
        return type(value).__name__
    return ascii(value if isinstance(value, str) else str(value))[:42]

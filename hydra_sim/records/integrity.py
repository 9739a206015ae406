"""Tamper evidence for the session store: per-session SHA-256 hash chains and their check.

Every session starts a chain at its *genesis*, a hash of the session row's immutable
fields (who, which scenario and catalogues, when it started). Every event or input then
stores ``prev_hash`` (the previous event's hash, or the genesis for the first one) and
``hash``, the SHA-256 of the canonical JSON of its session id, sequence number, kind,
input flag, simulated clock, recording time, data and ``prev_hash``. The session row keeps
``head_hash``, the hash of its newest event, so events deleted from the end show too, and
``result_hash`` chains the stored score report to the head.

This is tamper *evidence*, not protection: someone who can rewrite the file and recompute
every hash can forge a chain. It shows edits made with an SQLite tool, bad restores and
damaged copies, and a bundle from another machine that was altered on the way.

The hash format is frozen (migration 2 backfills with it): change it only through a new
store format with its own migration. Must not import Qt or any GUI code.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: The session row's fields that never change once a session is started; the genesis covers them.
IDENTITY_FIELDS = ("session_id", "trainee_id", "display_name", "force", "role", "scenario_id", "scenario_version",
                   "scenario_hash", "scenario_path", "scenario_title", "catalogues_json", "started_at")


@dataclass(frozen=True)
class VerifyIssue:
    """One thing wrong with a session's record; ``seq`` is the event number, None for the session itself."""
    session_id: str
    seq: int | None
    message: str

    def __str__(self) -> str:
        where = f"event {self.seq}" if self.seq is not None else "session record"
        return f"session {self.session_id}, {where}: {self.message}"


def canonical(value: Any) -> bytes:
    """The canonical JSON bytes of ``value``: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def _sha256(value: Any) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


def session_genesis(session: Mapping[str, Any]) -> str:
    """The hash a session's chain starts from, derived from its immutable fields."""
    return _sha256({"hydra_sim_session": 1, **{name: session[name] for name in IDENTITY_FIELDS}})


def event_hash(session_id: str, seq: int, kind: str, is_input: bool, clock: int, recorded_at: str, data: Any,
               prev_hash: str) -> str:
    """The hash of one stored event or input, chained to ``prev_hash``."""
    return _sha256({"session_id": session_id, "seq": seq, "kind": kind, "is_input": bool(is_input), "clock": clock,
                    "recorded_at": recorded_at, "data": data, "prev_hash": prev_hash})


def result_hash(head_hash: str, result: Any, percent: float | None, grade: str | None) -> str:
    """The hash binding a finished session's score report (and its listed percent and grade) to its chain."""
    return _sha256({"head_hash": head_hash, "result": result, "percent": percent, "grade": grade})


def check_session(session: Mapping[str, Any], events: Iterable[Mapping[str, Any]]) -> list[VerifyIssue]:
    """Everything wrong with one session's chain; empty when it is intact.

    ``session`` is the session row (its columns as a mapping, with ``genesis``,
    ``head_hash``, ``result_hash`` and ``result_json``); ``events`` its events in ``seq``
    order, each a mapping with ``seq, kind, is_input, clock, recorded_at, prev_hash, hash``
    and either ``data`` (the value) or ``data_json`` (its stored text).
    """
    session_id = str(session["session_id"])
    issues: list[VerifyIssue] = []

    def problem(seq: int | None, message: str) -> None:
        issues.append(VerifyIssue(session_id, seq, message))

    try:
        genesis = session_genesis(session)
    except (KeyError, TypeError, ValueError) as exc:
        problem(None, f"the session record cannot be read ({exc})")
        return issues
    if session.get("genesis") != genesis:
        problem(None, "the session's identity (trainee, scenario, catalogues or start time) was changed "
                      "after it was recorded")
    prev, expected_seq, last_seq = session.get("genesis") or genesis, 1, 0
    for event in events:
        seq = event["seq"]
        if seq != expected_seq:
            if isinstance(seq, int) and seq > expected_seq:
                missing = (f"event {expected_seq} is" if seq == expected_seq + 1
                           else f"events {expected_seq} to {seq - 1} are")
                problem(seq, f"{missing} missing (deleted)")
            else:
                problem(seq, f"out of order: expected event {expected_seq} here")
        if "data" in event:
            data = event["data"]
        else:
            try:
                data = json.loads(event["data_json"])
            except (TypeError, ValueError, RecursionError):
                problem(seq, "its data is not readable JSON (edited or damaged)")
                prev, expected_seq = event["hash"], (seq + 1 if isinstance(seq, int) else expected_seq + 1)
                continue
        if event["prev_hash"] != prev:
            problem(seq, "it does not follow the event before it (events deleted, reordered or inserted)")
        try:
            computed = event_hash(session_id, seq, event["kind"], event["is_input"], event["clock"],
                                  event["recorded_at"], data, event["prev_hash"] or "")
        except (TypeError, ValueError, RecursionError) as exc:
            computed = f"unhashable: {exc}"
        if computed != event["hash"]:
            problem(seq, "its content (kind, clock, time, data or position) was changed after it was recorded")
        prev = event["hash"]
        last_seq = seq if isinstance(seq, int) else last_seq
        expected_seq = (seq if isinstance(seq, int) else expected_seq) + 1
    if session.get("head_hash") != prev:
        after = f"after event {last_seq} " if last_seq else ""
        problem(None, f"the newest recorded event is missing: events {after}were deleted, "
                      "or events were added without being chained")
    result_json = session.get("result_json")
    if result_json is not None or session.get("result_hash") is not None:
        try:
            result = json.loads(result_json) if result_json is not None else None
            expected = result_hash(session.get("head_hash") or "", result, session.get("percent"), session.get("grade"))
        except (TypeError, ValueError, RecursionError):
            expected = None
        if expected is None or session.get("result_hash") != expected:
            problem(None, "the stored score report (or its percent or grade) was changed after the session finished")
    return issues

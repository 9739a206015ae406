"""Tamper evidence for the session store: per-session SHA-256 hash chains and their check.

Every session starts a chain at its *genesis*, a hash of the session row's immutable
fields (who, which scenario and catalogues, when it started). Every event or input then
stores ``prev_hash`` (the previous event's hash, or the genesis for the first one) and
``hash``, the SHA-256 of the canonical JSON of its session id, sequence number, kind,
input flag, simulated clock, recording time, data and ``prev_hash``. The session row keeps
``head_hash``, the hash of its newest event, so events deleted from the end show too, and
``result_hash`` chains the stored score report to the head.

Trainer review (annotations, grade overrides, rescores) has a second chain per session
(format 3): each row stores ``chain_seq``, ``prev_hash`` and ``hash`` (``review_hash``), the
first following the genesis, and the session row keeps ``review_head``. Rationale markings
are ``mark`` inputs in the event chain itself.

These chains alone are consistency checks: someone who can rewrite the file can recompute
every SHA-256. The *seal* (format 3) is what makes them tamper evidence: an HMAC-SHA256,
under the installation's records key (keys.py), of the whole session row, which holds the
heads of both chains, the score and every other column. Without the key a consistent
forgery cannot be sealed. ``check_seal`` checks it.

The hash formats are frozen (migrations 2 and 3 backfill with them): change them only
through a new store format with its own migration. Must not import Qt or any GUI code.
"""

from __future__ import annotations

import hashlib
import hmac
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
        if not self.session_id:
            return f"the store: {self.message}"
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


_UNREAD = object()


def check_session(session: Mapping[str, Any], events: Iterable[Mapping[str, Any]],
                  result: Any = _UNREAD) -> list[VerifyIssue]:
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
            if result is _UNREAD:       # a caller that parsed the report already passes it (verify)
                result = json.loads(result_json) if result_json is not None else None
            expected = result_hash(session.get("head_hash") or "", result, session.get("percent"), session.get("grade"))
        except (TypeError, ValueError, RecursionError):
            expected = None
        if expected is None or session.get("result_hash") != expected:
            problem(None, "the stored score report (or its percent or grade) was changed after the session finished")
    return issues


# -- the trainer-review chain (format 3) ---------------------------------------------------
#: The review tables, and the fields of each row its hash covers (never the local ``id``:
#: a bundle's rows get new ids where they are imported).
REVIEW_TABLES = {
    "annotations": ("seq", "author", "text", "created_at"),
    "grade_overrides": ("grade_id", "reason", "author", "created_at"),
    "rescores": ("author", "created_at", "scenario_id", "scenario_version", "scenario_hash", "catalogues", "report",
                 "percent", "grade"),
}


def review_fields(table: str, row: Mapping[str, Any]) -> dict:
    """The hashed fields of a review row, from a stored row or a record (parsed JSON either way)."""
    fields = {}
    for name in REVIEW_TABLES[table]:
        if name in ("catalogues", "report") and name not in row:
            fields[name] = json.loads(row[f"{name}_json"])
        elif name == "grade" and "grade" not in row and "grade_id" in row:
            fields[name] = row["grade_id"]          # a rescore as ``rescores()`` lists it
        elif name == "author":
            fields[name] = row.get("author") or ""  # rescores before format 3 name nobody
        else:
            fields[name] = row[name]
    return fields


def review_hash(session_id: str, table: str, chain_seq: int, fields: Mapping[str, Any], prev_hash: str) -> str:
    """The hash of one trainer-review row, chained to ``prev_hash`` (the genesis for the first)."""
    return _sha256({"session_id": session_id, "table": table, "chain_seq": chain_seq, "fields": dict(fields),
                    "prev_hash": prev_hash})


_REVIEW_WORDS = {"annotations": "trainer note", "grade_overrides": "grade override", "rescores": "rescore"}


def check_review(session: Mapping[str, Any], rows: Iterable[tuple[str, Mapping[str, Any]]]) -> list[VerifyIssue]:
    """Everything wrong with a session's trainer-review chain: ``rows`` are ``(table, row)`` pairs."""
    session_id = str(session["session_id"])
    issues: list[VerifyIssue] = []
    ordered = sorted(rows, key=lambda pair: (pair[1].get("chain_seq") is None, pair[1].get("chain_seq") or 0))
    prev, expected = session.get("genesis") or "", 1
    for table, row in ordered:
        word = _REVIEW_WORDS[table]
        number = row.get("chain_seq")
        if number != expected:
            issues.append(VerifyIssue(session_id, None, f"a {word} is out of place in the review record "
                                                        f"(number {number}, expected {expected}): review "
                                                        "entries were deleted, added or reordered"))
        try:
            computed = review_hash(session_id, table, number, review_fields(table, row), row.get("prev_hash") or "")
        except (KeyError, TypeError, ValueError):
            computed = None
        if row.get("prev_hash") != prev:
            issues.append(VerifyIssue(session_id, None, f"the {word} of {row.get('created_at')} does not follow "
                                                        "the review entry before it (entries deleted or inserted)"))
        if computed != row.get("hash"):
            issues.append(VerifyIssue(session_id, None, f"the {word} of {row.get('created_at')} (its text, reason, "
                                                        "grade, author or time) was changed after it was recorded"))
        prev = row.get("hash")
        expected = (number if isinstance(number, int) else expected) + 1
    if (session.get("review_head") or session.get("genesis") or "") != (prev or ""):
        issues.append(VerifyIssue(session_id, None, "the newest trainer review entry is missing: notes, overrides "
                                                    "or rescores were deleted, or added without being chained"))
    return issues


# -- the keyed seal (format 3) ---------------------------------------------------------------
SEAL_COLUMN = "seal"


def seal(secret: bytes, row: Mapping[str, Any]) -> str:
    """HMAC-SHA256 under the records key of every column of a session row except the seal itself."""
    body = {"hydra_sim_seal": 1, **{name: row[name] for name in row if name != SEAL_COLUMN}}
    return hmac.new(secret, canonical(body), hashlib.sha256).hexdigest()


def check_seal(row: Mapping[str, Any], key) -> VerifyIssue | None:
    """What is wrong with a session row's seal under ``key`` (a ``keys.RecordsKey``), or None."""
    session_id = str(row["session_id"])
    if row.get(SEAL_COLUMN) is None:
        return VerifyIssue(session_id, None, "it has no seal: the record was added or changed without "
                                             "this installation's records key")
    if row.get("sealed_by") != key.fingerprint:
        return VerifyIssue(session_id, None, f"it is sealed with another records key (fingerprint "
                                             f"{row.get('sealed_by')}), not this installation's "
                                             f"({key.fingerprint}): its hashes are consistent, but whether it "
                                             "is authentic cannot be checked here")
    try:
        expected = seal(key.secret, row)
    except (TypeError, ValueError):
        expected = ""
    if not hmac.compare_digest(expected, str(row[SEAL_COLUMN])):
        return VerifyIssue(session_id, None, "its seal does not match: the record was changed without this "
                                             "installation's records key (edited in the file, its hashes "
                                             "perhaps recomputed)")
    return None


# -- the store as a whole: the trainer log and the store seal (format 3) ------------------------
def log_hash(entry_id: int, at: str, trainer: str, action: str, detail: Any, prev_hash: str) -> str:
    """The hash of one trainer-log entry (erasure, retention, export, import, push), chained."""
    return _sha256({"trainer_log": entry_id, "at": at, "trainer": trainer, "action": action, "detail": detail,
                    "prev_hash": prev_hash})


def check_log(rows: Iterable[Mapping[str, Any]]) -> tuple[list[VerifyIssue], str]:
    """Problems in the trainer log (rows in id order) and its head hash ('' when empty)."""
    issues, prev = [], ""
    for row in rows:
        try:
            computed = log_hash(row["id"], row["at"], row["trainer"], row["action"], json.loads(row["detail_json"]),
                                row["prev_hash"])
        except (TypeError, ValueError):
            computed = None
        if row["prev_hash"] != prev:
            issues.append(VerifyIssue("", None, f"trainer log entry {row['id']} ({row['action']}) does not follow "
                                                "the entry before it: entries were deleted or inserted"))
        if computed != row["hash"]:
            issues.append(VerifyIssue("", None, f"trainer log entry {row['id']} ({row['action']}: who, when or "
                                                "what) was changed after it was recorded"))
        prev = row["hash"]
    return issues, prev


def store_seal(secret: bytes, session_ids: Iterable[str], settings: Mapping[str, str], log_head: str) -> str:
    """HMAC-SHA256 of which sessions the store holds, its settings and its trainer log's head."""
    body = {"hydra_sim_store_seal": 1, "sessions": sorted(session_ids), "settings": dict(sorted(settings.items())),
            "log_head": log_head}
    return hmac.new(secret, canonical(body), hashlib.sha256).hexdigest()

"""The facilitator's copy of each syndicate's session, kept in its own SessionStore.

A station sends its session row and stored events (each with ``seq``, ``prev_hash`` and
``hash``, as ``SessionStore.session_record`` gives them); ``SessionMirror.apply`` adds
the ones not held yet, after checking that each one continues the chain (right ``seq``,
``prev_hash`` = the held head, hash recomputed). So a batch sent twice, or resent after a
reconnect, is stored once (de-duplicated by ``(session_id, seq)``), a gap or a forged
event is refused, and ``hydra-sim verify`` passes on the facilitator's store. The mutable
columns of the session row (status, clock, score ...) are copied only when the mirror
holds every event the row's head covers, so the row never claims more than is stored.
Every row and event is first checked as a bundle import checks it (validation.py: field
types, ids by pattern, event kinds, clocks, nesting), so nothing a station sends can break
``verify``, the exports, the review or the plenary later.

Part of the records package because it writes records another store made, with the store's
own transaction and insert helpers (as bundle import does); the facilitated-exercise server
(hydra_sim.exercise) uses it for its copy of each syndicate's session.
Must not import Qt, the GUI or the network library.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass

from . import integrity, validation
from .rows import _record_outcome
from .store import SessionStore, _insert_events, _insert_record

_IMMUTABLE = set(integrity.IDENTITY_FIELDS) | {"session_id", "genesis"}


class MirrorError(ValueError):
    """A station sent records that do not continue the held chain; ``str(exc)`` says why."""


@dataclass
class MirrorResult:
    new: list[dict]            # the events stored by this call, in order
    held: int                  # the highest seq now held
    caught_up: bool            # the held chain reaches the row's head: the row's status and score are current


class SessionMirror:
    """Adds stations' session records to ``store``; thread-safe."""

    def __init__(self, store: SessionStore):
        self.store = store
        self._lock = threading.Lock()

    def held(self, session_id: str) -> int:
        """The highest ``seq`` held for this session (0 when none)."""
        with self.store._read() as conn:
            row = conn.execute("SELECT MAX(seq) FROM events WHERE session_id = ?", (session_id,)).fetchone()
        return int(row[0] or 0)

    def apply(self, session: dict, events: list[dict]) -> MirrorResult:
        """Store the events not held yet and refresh the row (one transaction)."""
        session_id = str(session.get("session_id", ""))[:100]
        # Checked as a bundle's records are (validation.py): the station is on the network, and a
        # chain whose hashes it recomputed proves nothing about what it holds.
        problem = (validation.unstorable({"session": session, "events": events})
                   or validation.check_session_row(session) or validation.check_events(events))
        if problem:
            raise MirrorError(f"session {session_id}: {problem}; nothing of it was stored")
        try:
            genesis = integrity.session_genesis(session)
        except (KeyError, TypeError, ValueError) as exc:
            raise MirrorError(f"the session row of {session_id} is incomplete ({exc!r})") from None
        if session.get("genesis") != genesis:
            raise MirrorError(f"session {session_id}: its identity does not match its genesis hash")
        with self._lock, self.store._write() as conn:
            columns = [r[1] for r in conn.execute("PRAGMA table_info(sessions)")]
            existing = conn.execute("SELECT * FROM sessions WHERE session_id = ?", (session_id,)).fetchone()
            if existing is not None and existing["genesis"] != genesis:
                raise MirrorError(f"session {session_id} is already held with another identity")
            head = existing["head_hash"] if existing is not None else genesis
            held = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events WHERE session_id = ?",
                                (session_id,)).fetchone()[0]
            new = []
            for event in sorted(events, key=lambda e: e["seq"]):
                if event["seq"] <= held:
                    continue                      # a resend: held already
                if event["seq"] != held + 1:
                    raise MirrorError(f"session {session_id}: event {held + 1} is missing before event "
                                      f"{event['seq']}; send from {held + 1}")
                if event["prev_hash"] != head:
                    raise MirrorError(f"session {session_id}: event {event['seq']} does not follow the held chain")
                computed = integrity.event_hash(session_id, event["seq"], event["kind"], event["is_input"],
                                                event["clock"], event["recorded_at"], event["data"],
                                                event["prev_hash"])
                if computed != event["hash"]:
                    raise MirrorError(f"session {session_id}: event {event['seq']} does not match its hash")
                new.append(event)
                head, held = event["hash"], event["seq"]
            if session.get("head_hash") == head and (session.get("result_json") is not None
                                                     or session.get("result_hash") is not None):
                # the score report is copied with the row: it must be the one sealed to this chain
                text = session.get("result_json")
                sealed = integrity.result_hash(head, json.loads(text) if text is not None else None,
                                               session.get("percent"), session.get("grade"))
                if session.get("result_hash") != sealed:
                    raise MirrorError(f"session {session_id}: its score report does not match its hash; "
                                      "nothing of it was stored")
            row = {c: session.get(c) for c in columns if c in session}
            if existing is None:
                row.update({"status": "in_progress", "result_json": None, "result_hash": None, "percent": None,
                            "grade": None, "ended_at": None})
                if session.get("head_hash") == head:
                    row.update({c: session.get(c) for c in columns if c in session})
                row["head_hash"] = head
                _insert_record(conn, {"session": row, "events": new})
            else:
                _insert_events(conn, session_id, new)
                updates = {"head_hash": head}
                if session.get("head_hash") == head:          # the row describes exactly what is held
                    updates.update({c: session.get(c) for c in columns if c in session and c not in _IMMUTABLE})
                names = sorted(updates)
                conn.execute(f"UPDATE sessions SET {', '.join(f'{n} = ?' for n in names)} WHERE session_id = ?",
                             [updates[n] for n in names] + [session_id])
                if "result_json" in updates:            # the dashboard's rows follow the copied report
                    _record_outcome(conn, session_id, updates["result_json"])
            origin = session.get("sealed_by")          # the station's key; this store seals it with its own
            if origin and origin != self.store.key.fingerprint:
                conn.execute("UPDATE sessions SET origin_key = ? WHERE session_id = ?", (origin, session_id))
        return MirrorResult(new, held, session.get("head_hash") == head)


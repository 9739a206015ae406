"""What trainers do to recorded sessions: annotations, grade overrides, rescores and rationale marking.

A mixin of ``SessionStore`` (store.py), using its transactions (``_write``/``_read``) and row
checks. Annotations, overrides and rescores live in their own tables and never change the
original events or result; each is appended to the session's review chain (``_append_review``:
``chain_seq``, ``prev_hash``, ``hash``, the session's ``review_head``), so an edited, deleted or
inserted note, override or rescore is reported by ``verify``, and the row's seal covers the head.
Each names who did it: the trainer account (``author``; see trainers.py). marking a rationale is the one change to a finished session, and
it is appended to the hash chain as a ``mark`` input (see store.py's docstring).
Must not import Qt or any GUI code.
"""

from __future__ import annotations

import json
import logging

from . import integrity, outcomes
from .rows import MARK_KIND, _annotations, _dumps, _overrides, _required, _rescores, _utc_now

log = logging.getLogger("hydra_sim.records.store")


class TrainerActions:
    """Trainer review writes and reads; mixed into ``SessionStore``."""

    # -- trainer annotations and grade overrides (original events are never changed) ----
    def annotate(self, session_id: str, seq: int | None, author: str, text: str) -> int:
        """Add a trainer's note to a session (``seq`` None) or to one of its events; returns the note's id."""
        author, text = _required(author, "an author"), _required(text, "the annotation text")
        if seq is not None and (isinstance(seq, bool) or not isinstance(seq, int)):
            raise ValueError(f"seq must be an event number or None, not {seq!r}")
        with self._write() as conn:
            self._session_row(conn, session_id)
            if seq is not None and conn.execute("SELECT 1 FROM events WHERE session_id = ? AND seq = ?",
                                                (session_id, seq)).fetchone() is None:
                raise ValueError(f"session {session_id} has no event {seq}")
            return _append_review(conn, session_id, "annotations", {"seq": seq, "author": author, "text": text,
                                                                    "created_at": _utc_now()})
    def annotations(self, session_id: str) -> list[dict]:
        """A session's notes, oldest first: ``{"id", "seq", "author", "text", "created_at"}``."""
        with self._read() as conn:
            self._session_row(conn, session_id)
            return _annotations(conn, session_id)
    def override_grade(self, session_id: str, grade_id: str, reason: str, author: str) -> int:
        """Record a trainer's grade for a session, with the reason (required); returns the override's id.

        The stored score report is kept as it was; the latest override is what a review shows.
        """
        grade_id = _required(grade_id, "a grade id")
        reason = _required(reason, "a reason for the override")
        author = _required(author, "an author")
        with self._write() as conn:
            self._session_row(conn, session_id)
            return _append_review(conn, session_id, "grade_overrides", {"grade_id": grade_id, "reason": reason,
                                                                        "author": author, "created_at": _utc_now()})
    def grade_override(self, session_id: str) -> dict | None:
        """The latest override (``{"grade_id", "reason", "author", "created_at"}``), or None."""
        history = self.grade_overrides(session_id)
        if not history:
            return None
        latest = history[-1]
        return {key: latest[key] for key in ("grade_id", "reason", "author", "created_at")}
    def grade_overrides(self, session_id: str) -> list[dict]:
        """Every override of a session, oldest first (each with its ``id``)."""
        with self._read() as conn:
            self._session_row(conn, session_id)
            return _overrides(conn, session_id)
    # -- re-scoring against a newer catalogue --------------------------------------------
    def rescore(self, session_id: str, scenario, author: str = "") -> dict:
        """Replay a session's inputs on ``scenario`` (loaded, e.g. with newer catalogues) and score it.

        The new report is stored in the rescores table with the scenario's and catalogues'
        versions; the session's original result is not touched. Returns the stored rescore
        (as ``rescores`` lists it); ``author`` is the trainer who asked for it. Raises ``ValueError`` for another scenario's session and
        ``hydra_sim.engine.ReplayError`` when the inputs no longer fit the scenario.
        """
        from ..engine.runner import ScenarioRunner
        from ..engine.scoring import score_runner

        summary = self.session(session_id)
        if str(scenario.id) != summary.scenario_id:
            raise ValueError(f"session {session_id} plays '{summary.scenario_id}', not '{scenario.id}'")
        runner = ScenarioRunner.restore(scenario, self.inputs(session_id))
        report = score_runner(runner).to_dict()
        catalogues = {str(c.id): str(c.version) for c in scenario.catalogues}
        with self._write() as conn:
            self._session_row(conn, session_id)
            rescore_id = _append_review(conn, session_id, "rescores", {
                "author": (author or "").strip(), "created_at": _utc_now(), "scenario_id": str(scenario.id),
                "scenario_version": str(scenario.version), "scenario_hash": str(scenario.content_hash),
                "catalogues_json": _dumps(catalogues, "the catalogue list"),
                "report_json": _dumps(report, "the score report"), "percent": report.get("percent"),
                "grade": report.get("grade_id")})
            stored = _rescores(conn, session_id, rescore_id)
        log.info("rescored session %s against '%s' %s: %s%% %s", session_id, scenario.id, scenario.version,
                 report.get("percent"), report.get("grade_id"))
        return stored[0]
    # -- an assessor marks a rationale against its rubric --------------------------------
    def mark_rationale(self, session_id: str, scenario, decision_index: int, marks: dict, assessor: str,
                       comments: dict | None = None) -> dict:
        """Mark decision ``decision_index``'s rationale of a finished session; returns the new report.

        ``marks`` gives every rubric criterion ``met`` or ``not_met``; ``comments`` optional
        notes per criterion. The session is replayed on ``scenario`` with the marking, the
        marking is chained as a ``mark`` input (with ``assessor`` and the time), and the
        stored report, percent and grade become the marked ones (the report's ``markings``
        says who marked what and when). Raises ``ValueError`` for another scenario's session
        or a session that is not finished, and ``hydra_sim.engine.RunnerError`` (or
        ``ReplayError``) when the marking or the session does not fit the scenario.
        """
        from ..engine.runner import ScenarioRunner
        from ..engine.scoring import score_runner

        assessor = _required(assessor, "the assessor's name")
        summary = self.session(session_id)
        if str(scenario.id) != summary.scenario_id:
            raise ValueError(f"session {session_id} plays '{summary.scenario_id}', not '{scenario.id}'")
        if summary.status != "finished":
            raise ValueError(f"session {session_id} is {summary.status}: only a finished session can be marked")
        previous = self.report(session_id) or {}
        now = _utc_now()
        runner = ScenarioRunner.restore(scenario, self.inputs(session_id))
        runner.facilitated = bool(previous.get("facilitated"))
        entry = runner.mark(decision_index, marks, by=assessor, at=now, comments=comments)
        report = score_runner(runner).to_dict()
        text = _dumps(report, "the score report")
        failures = [str(f) for f in report.get("critical_failures") or []]
        with self._write() as conn:
            row = self._session_row(conn, session_id)
            if row["status"] != "finished":
                raise ValueError(f"session {session_id} is {row['status']}: only a finished session can be marked")
            self._insert(conn, session_id, MARK_KIND, True, row["clock"], now, _dumps(entry, "the marking"))
            head = conn.execute("SELECT head_hash FROM sessions WHERE session_id = ?", (session_id,)).fetchone()[0]
            sealed = integrity.result_hash(head, json.loads(text), report["percent"], report["grade_id"])
            conn.execute("UPDATE sessions SET result_json = ?, percent = ?, grade = ?, critical_failures_json = ?,"
                         " result_hash = ?, updated_at = ? WHERE session_id = ?",
                         (text, report["percent"], report["grade_id"], _dumps(failures, "the critical failures"),
                          sealed, now, session_id))
            outcomes.record(conn, session_id, json.loads(text))     # the dashboard's rows follow the marking
        log.info("session %s: rationale %d marked; now %s%% %s", session_id, decision_index, report["percent"],
                 report["grade_id"])
        return report
    def rescores(self, session_id: str) -> list[dict]:
        """A session's rescores, oldest first: ``{"id", "session_id", "created_at", "scenario_id",
        "scenario_version", "scenario_hash", "catalogues", "percent", "grade_id", "report"}``."""
        with self._read() as conn:
            self._session_row(conn, session_id)
            return _rescores(conn, session_id)


def _append_review(conn, session_id: str, table: str, values: dict) -> int:
    """Insert one review row as the next link of the session's review chain; returns its id."""
    genesis, head = conn.execute("SELECT genesis, review_head FROM sessions WHERE session_id = ?",
                                 (session_id,)).fetchone()
    number = 1 + max(conn.execute(f"SELECT COALESCE(MAX(chain_seq), 0) FROM {name} WHERE session_id = ?",
                                  (session_id,)).fetchone()[0] for name in integrity.REVIEW_TABLES)
    prev = head or genesis
    digest = integrity.review_hash(session_id, table, number, integrity.review_fields(table, values), prev)
    row = {"session_id": session_id, **values, "chain_seq": number, "prev_hash": prev, "hash": digest}
    cursor = conn.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                          list(row.values()))
    conn.execute("UPDATE sessions SET review_head = ? WHERE session_id = ?", (digest, session_id))
    return cursor.lastrowid

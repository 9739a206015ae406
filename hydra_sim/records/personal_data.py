"""Personal data in the session store: who has records, access exports, erasure and retention.

A mixin of ``SessionStore`` (store.py), using its transactions. Deleting overwrites freed
pages (``secure_delete``) and checkpoints the WAL; the copies outside the store (queue,
exports, logs, settings, caches) are erasure.py's job, and the log never names a trainee.
Must not import Qt or any GUI code.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime

from . import expected, schema
from .rows import SessionSummary, _delete, _months_before, _session_record, _stamp, _summary, _utc_now

log = logging.getLogger("hydra_sim.records.store")


class PersonalData:
    """UK GDPR tools over the store; mixed into ``SessionStore``."""

    # -- personal data: UK GDPR access, erasure and retention ----------------------------
    def trainee_ids(self) -> list[str]:
        """Every trainee id with at least one session, sorted."""
        with self._read() as conn:
            return [r[0] for r in conn.execute("SELECT DISTINCT trainee_id FROM sessions ORDER BY trainee_id")]
    def export_trainee(self, trainee_id: str) -> dict:
        """Everything stored about one trainee (a subject access request), as JSON-ready data.

        ``{"trainee_id", "exported_at", "store", "store_format", "sessions": [...]}``, each
        session as ``session_record`` gives it: the session row, every event and input with
        its hashes, annotations, grade overrides and rescores.
        """
        with self._read() as conn:
            conn.execute("BEGIN")
            try:
                ids = [r[0] for r in conn.execute("SELECT session_id FROM sessions WHERE trainee_id = ?"
                                                  " ORDER BY started_at, session_id", (trainee_id,))]
                sessions = [_session_record(conn, session_id) for session_id in ids]
            finally:
                conn.execute("COMMIT")
        return {"trainee_id": trainee_id, "exported_at": _utc_now(), "store": str(self.path),
                "store_format": schema.SCHEMA_VERSION, "key_fingerprint": self.key.fingerprint, "sessions": sessions}
    def delete_trainee(self, trainee_id: str, *, by: str | None = None) -> int:
        """Erase every session of a trainee, with all its events, notes, overrides and rescores, in one
        transaction; returns how many sessions were deleted. ``by``: the trainer, recorded in the
        chained trainer log with the count (never the trainee's id)."""
        with self._write() as conn:
            ids = [r[0] for r in conn.execute("SELECT session_id FROM sessions WHERE trainee_id = ?", (trainee_id,))]
            deleted = _delete(conn, ids)
            if by is not None:
                self._log(conn, by, "erasure", {"sessions_deleted": deleted})
        expected.forget(self.path, ids)
        self._refresh_expected()
        self._checkpoint_after_delete()
        log.info("deleted %d sessions of one trainee", deleted)     # no id: the log must not keep an erased person
        return deleted
    def sessions_older_than(self, months: int, *, now: datetime | None = None) -> list[SessionSummary]:
        """Sessions with no activity (nothing recorded) for more than ``months`` calendar months, oldest first."""
        if isinstance(months, bool) or not isinstance(months, int) or months < 1:
            raise ValueError(f"months must be a whole number of months, 1 or more, not {months!r}")
        cutoff = _stamp(_months_before(now or datetime.now(UTC), months))
        with self._read() as conn:
            rows = conn.execute("SELECT * FROM sessions WHERE updated_at < ? ORDER BY updated_at, session_id",
                                (cutoff,)).fetchall()
        return [_summary(r) for r in rows]
    def delete_sessions(self, session_ids, *, by: str | None = None, action: str = "retention") -> int:
        """Delete these sessions with everything attached, in one transaction; unknown ids are ignored.
        Returns how many were deleted. ``by``: the trainer, logged (``action`` and the count)."""
        ids = [str(i) for i in session_ids]
        with self._write() as conn:
            deleted = _delete(conn, ids)
            if by is not None:
                self._log(conn, by, action, {"sessions_deleted": deleted})
        expected.forget(self.path, ids)
        self._refresh_expected()
        self._checkpoint_after_delete()
        log.info("deleted %d sessions", deleted)
        return deleted
    def retention_months(self) -> int | None:
        """The saved retention period in months (None: keep sessions until deleted by hand)."""
        with self._read() as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = 'retention_months'").fetchone()
        return int(row[0]) if row is not None else None
    def set_retention_months(self, months: int | None, *, by: str | None = None) -> None:
        """Save the retention period (None clears it). The app offers to apply it at start."""
        if months is not None and (isinstance(months, bool) or not isinstance(months, int) or months < 1):
            raise ValueError(f"months must be a whole number of months, 1 or more, or None, not {months!r}")
        with self._write() as conn:
            if months is None:
                conn.execute("DELETE FROM settings WHERE key = 'retention_months'")
            else:
                conn.execute("INSERT INTO settings (key, value) VALUES ('retention_months', ?)"
                             " ON CONFLICT (key) DO UPDATE SET value = excluded.value", (str(months),))
            if by is not None:
                self._log(conn, by, "retention period", {"months": months})
    def _checkpoint_after_delete(self) -> None:
        """Move deleted pages out of the WAL file (overwritten there by secure_delete) where possible."""
        with self._read() as conn:
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            except sqlite3.Error:          # another process is busy: its next checkpoint does it
                log.debug("checkpoint after a delete did not run", exc_info=True)

"""UK GDPR helpers over the session store: subject access exports and the retention period.

The store itself does the work (``export_trainee``, ``delete_trainee``,
``sessions_older_than``, ``delete_sessions``, ``retention_months``); these helpers give
the command line and the app one way to use them. ``apply_retention`` never deletes
without asking: it shows the sessions to its ``confirm`` callback (a dialog in the app, a
prompt on the command line) and deletes only when that returns True.
Must not import Qt or any GUI code.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from . import filemodes
from .store import SessionStore, SessionSummary


def trainee_export_data(store: SessionStore, trainee_id: str) -> dict:
    """Everything stored about a trainee, with ``places_searched``: every place the app keeps data
    and what each holds about them (the queue, exports it wrote, logs, settings: erasure.py)."""
    from dataclasses import asdict

    from .erasure import find_trainee
    data = store.export_trainee(trainee_id)
    data["places_searched"] = [asdict(p) for p in find_trainee(store, trainee_id)]
    return data


def trainee_export_text(store: SessionStore, trainee_id: str) -> str:
    """Everything stored about a trainee, as indented JSON text (UTF-8 safe)."""
    return json.dumps(trainee_export_data(store, trainee_id), indent=2, ensure_ascii=False) + "\n"


def write_trainee_export(store: SessionStore, trainee_id: str, path: str | os.PathLike) -> int:
    """Write a trainee's subject access export to ``path`` (registered, so an erasure removes it
    too); returns the number of sessions in it."""
    from . import export_register
    data = trainee_export_data(store, trainee_id)
    Path(path).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    filemodes.restrict(path)                         # 0600: everything about one person
    export_register.note(path, "access export", [trainee_id])
    return len(data["sessions"])


def retention_due(store: SessionStore, months: int | None = None) -> list[SessionSummary]:
    """Sessions older than ``months`` (default: the saved retention period; none when it is not set)."""
    months = store.retention_months() if months is None else months
    return [] if months is None else store.sessions_older_than(months)


def apply_retention(store: SessionStore, confirm: Callable[[list[SessionSummary]], bool],
                    months: int | None = None, *, by: str | None = None) -> int:
    """Delete the sessions past the retention period if ``confirm(sessions)`` agrees; returns how many."""
    due = retention_due(store, months)
    if not due or not confirm(due):
        return 0
    return delete_with_copies(store, [s.session_id for s in due], by=by)


def delete_with_copies(store: SessionStore, session_ids: list[str], *, by: str | None = None) -> int:
    """Retention reaches every place: the sessions, their xAPI statements, and the registered exports
    holding only trainees with no session left. Returns how many sessions were deleted."""
    from . import export_register
    from .erasure import purge_sessions_from_queue
    deleted = store.delete_sessions(session_ids, by=by)
    purge_sessions_from_queue(None, session_ids)
    remaining = set(store.trainee_ids())
    export_register.remove(lambda e: bool(e.get("trainee_ids")) and not (set(e["trainee_ids"]) & remaining))
    return deleted

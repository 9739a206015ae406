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


def trainee_export_text(store: SessionStore, trainee_id: str) -> str:
    """Everything stored about a trainee, as indented JSON text (UTF-8 safe)."""
    return json.dumps(store.export_trainee(trainee_id), indent=2, ensure_ascii=False) + "\n"


def write_trainee_export(store: SessionStore, trainee_id: str, path: str | os.PathLike) -> int:
    """Write a trainee's subject access export to ``path``; returns the number of sessions in it."""
    data = store.export_trainee(trainee_id)
    Path(path).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    filemodes.restrict(path)                         # 0600: everything about one person
    return len(data["sessions"])


def retention_due(store: SessionStore, months: int | None = None) -> list[SessionSummary]:
    """Sessions older than ``months`` (default: the saved retention period; none when it is not set)."""
    months = store.retention_months() if months is None else months
    return [] if months is None else store.sessions_older_than(months)


def apply_retention(store: SessionStore, confirm: Callable[[list[SessionSummary]], bool],
                    months: int | None = None) -> int:
    """Delete the sessions past the retention period if ``confirm(sessions)`` agrees; returns how many."""
    due = retention_due(store, months)
    if not due or not confirm(due):
        return 0
    return store.delete_sessions([s.session_id for s in due])

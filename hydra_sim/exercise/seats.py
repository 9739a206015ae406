"""Where a recording station keeps its syndicate's seat token between runs: a small JSON file
beside its session store (``<store>.seats.json``, owner-only), syndicate name -> token.

The facilitator gives each syndicate's first recording station a random token; only that
token takes the recording seat again (the station id is shown to followers, so it proves
nothing). Kept on disk so a station restarted after a crash, or a trainee app reopened,
rejoins as the recording station. The file is as sensitive as the join code: it is written
owner-only, and it means nothing to another exercise (each facilitator issues its own).
Must not import Qt, the GUI or the network library.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from ..records import filemodes

log = logging.getLogger(__name__)


def seats_path(store_path: str | os.PathLike) -> Path:
    store_path = Path(store_path)
    return store_path.with_name(store_path.name + ".seats.json")


def load_token(store_path: str | os.PathLike, syndicate: str) -> str | None:
    """The token kept for ``syndicate``, or None (none yet, or the file is unreadable: a new seat then)."""
    try:
        data = json.loads(seats_path(store_path).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    token = data.get(syndicate) if isinstance(data, dict) else None
    return token if isinstance(token, str) and 0 < len(token) <= 100 else None


def save_token(store_path: str | os.PathLike, syndicate: str, token: str) -> None:
    """Keep ``token`` for ``syndicate`` (written whole beside the store, then renamed into place)."""
    path = seats_path(store_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        data = data if isinstance(data, dict) else {}
    except (OSError, ValueError, RecursionError):
        data = {}
    data[syndicate] = token
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        filemodes.restrict(partial)
        os.replace(partial, path)
    except OSError as exc:      # the station still records; only a restart would need the seat freed
        log.warning("could not keep the recording seat's token in %s: %s", path, exc)

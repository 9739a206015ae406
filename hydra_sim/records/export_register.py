"""The register of files the app wrote about trainees: reports, PDFs, bundles, access exports.

An erasure request must reach copies as well as the store, and an access request must name
them. So every export the app or the command line writes is noted in
``records/export-register.json`` under the home folder: its path, its kind, the trainee ids
it holds and when. ``trainee delete`` removes the files that hold the person (and their
entries); ``trainee export`` lists them; retention removes those older than the period.
The register itself holds trainee ids (it must, to find them) and is kept 0600; an erased
person's ids leave it with their files. Files moved or copied elsewhere by hand are beyond
its reach, and the documentation says so. Must not import Qt or any GUI code.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path

from .. import paths
from . import filemodes

log = logging.getLogger(__name__)

NAME = "export-register.json"


def register_path(home: Path | None = None) -> Path:
    return Path(home or paths.home_dir()) / "records" / NAME


def entries(home: Path | None = None) -> list[dict]:
    try:
        data = json.loads(register_path(home).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [e for e in data.get("exports", []) if isinstance(e, dict)] if isinstance(data, dict) else []


def _save(items: list[dict], home: Path | None = None) -> None:
    path = register_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(json.dumps({"exports": items}, indent=1, ensure_ascii=False), encoding="utf-8")
    filemodes.restrict(temp)
    os.replace(temp, path)


def note(path: str | os.PathLike, kind: str, trainee_ids, home: Path | None = None) -> None:
    """Register a file just written (best effort: a register that cannot be written is logged)."""
    target = str(Path(path).expanduser().absolute())
    ids = sorted({str(t) for t in trainee_ids if t})
    items = [e for e in entries(home) if e.get("path") != target]
    items.append({"path": target, "kind": kind, "trainee_ids": ids,
                  "at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")})
    try:
        _save(items, home)
    except OSError:
        log.warning("could not note an export in the export register")


def of_trainee(trainee_id: str, home: Path | None = None) -> list[dict]:
    return [e for e in entries(home) if trainee_id in (e.get("trainee_ids") or [])]


def remove(select, home: Path | None = None) -> list[tuple[dict, str]]:
    """Delete the registered files ``select(entry)`` picks and drop their entries.

    Returns ``(entry, outcome)`` with outcome "deleted", "already gone" or "could not delete: ..."
    (an entry that could not be deleted stays registered)."""
    kept, done = [], []
    for entry in entries(home):
        if not select(entry):
            kept.append(entry)
            continue
        try:
            os.remove(entry["path"])
            done.append((entry, "deleted"))
        except FileNotFoundError:
            done.append((entry, "already gone"))
        except OSError as exc:
            done.append((entry, f"could not delete: {exc.strerror}"))
            kept.append(entry)
    if done:
        try:
            _save(kept, home)
        except OSError:
            log.warning("could not update the export register")
    return done

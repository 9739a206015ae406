"""Erasure and access requests that reach everything the app keeps about a person (UK GDPR).

``trainee delete`` and ``trainee export`` go through ``erase_trainee`` and ``find_trainee``,
which look in every place the app writes under its home folder and say, place by place,
what they found and did:

 - the session store: the person's sessions with all their events, notes, overrides and
   rescores (``SessionStore.delete_trainee``; secure_delete and a WAL checkpoint overwrite
   the freed pages);
 - the xAPI queue: statements about those sessions or naming the person, and the note of
   which sessions were queued (then VACUUM, so the bytes are gone from the file);
 - the export register: reports, PDFs, bundles and access exports the app wrote that hold
   the person (the files are deleted; export_register.py);
 - the logs: the app never logs trainee ids or names, but any line holding one is removed;
 - settings.ini: the last trainee the start screen remembered, if it was this person;
 - caches: the review window's score index (``*.review-index.sqlite3``) that versions before the
   store's cohort tables wrote, deleted whole when erasing (nothing writes it now; the cohort
   tables are in the store and go with the sessions, records/outcomes.py);
 - a final sweep of every other file under the home folder, reported by name when it still
   holds the id or a name (nothing there is deleted blind).

Search terms are the trainee id and the display names stored with their sessions (names of
three characters or more). Must not import Qt or any GUI code.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .. import paths
from . import export_register

MIN_NAME = 3


@dataclass
class Place:
    where: str          # in words: "session store", "xAPI queue", ...
    path: str
    found: int          # how many items held the person
    done: str = ""      # what was done ("deleted 3 sessions"), or "" for an access request

    def line(self) -> str:
        what = self.done or (f"{self.found} item{'s' if self.found != 1 else ''}" if self.found else "nothing")
        return f"{self.where}: {what} ({self.path})"


def terms_for(store, trainee_id: str) -> list[str]:
    names = {s.trainee.display_name.strip() for s in store.sessions(trainee_id=trainee_id)}
    return [trainee_id] + sorted(n for n in names if len(n) >= MIN_NAME and n != trainee_id)


def find_trainee(store, trainee_id: str, home: Path | None = None) -> list[Place]:
    """Every place holding the person, with counts (an access request: nothing changes)."""
    home = Path(home or paths.home_dir())
    terms = terms_for(store, trainee_id)
    ids = [s.session_id for s in store.sessions(trainee_id=trainee_id)]
    places = [Place("session store", str(store.path), len(ids))]
    places.append(_queue(home, ids, terms, erase=False))
    held = export_register.of_trainee(trainee_id, home)
    places.append(Place("exports the app wrote", str(export_register.register_path(home)), len(held),
                        "; ".join(f"{e['kind']} {e['path']}" for e in held)))
    places += [_scrub(path, where, terms, erase=False) for path, where in _text_files(home)]
    places.append(_caches(store, erase=False))
    queue = home / "records" / "xapi-queue.sqlite3"
    known = {store.path, export_register.register_path(home), queue}
    known |= {Path(f"{p}{suffix}") for p in (store.path, queue) for suffix in ("-wal", "-shm")}
    places += _sweep(home, terms, skip=known | {p for p, _ in _text_files(home)} | set(_cache_files(store)))
    return places


def erase_trainee(store, trainee_id: str, home: Path | None = None, *, by: str | None = None) -> list[Place]:
    """Erase the person everywhere the app keeps them; returns what was found and done, place by place."""
    home = Path(home or paths.home_dir())
    terms = terms_for(store, trainee_id)
    ids = [s.session_id for s in store.sessions(trainee_id=trainee_id)]
    deleted = store.delete_trainee(trainee_id, by=by)     # by: the trainer, in the chained trainer log
    places = [Place("session store", str(store.path), deleted, f"deleted {deleted} session{'s' * (deleted != 1)}")]
    places.append(_queue(home, ids, terms, erase=True))
    removed = export_register.remove(lambda e: trainee_id in (e.get("trainee_ids") or []), home)
    places.append(Place("exports the app wrote", str(export_register.register_path(home)), len(removed),
                        "; ".join(f"{e['kind']} {e['path']}: {outcome}" for e, outcome in removed)
                        or "none registered"))
    places += [_scrub(path, where, terms, erase=True) for path, where in _text_files(home)]
    places.append(_caches(store, erase=True))
    places += _sweep(home, terms, skip=set())
    return places


def purge_sessions_from_queue(home: Path | None, session_ids) -> int:
    """Retention: statements about deleted sessions leave the queue too."""
    return _queue(Path(home or paths.home_dir()), list(session_ids), [], erase=True).found


# -- places ------------------------------------------------------------------------------
def _queue(home: Path, ids: list[str], terms: list[str], erase: bool) -> Place:
    from .queue import default_queue_path
    path = home / "records" / default_queue_path().name
    if not path.exists():
        return Place("xAPI queue", str(path), 0, "no queue" if erase else "")
    conn = sqlite3.connect(str(path), timeout=5, isolation_level=None)
    try:
        conn.execute("PRAGMA secure_delete = ON")
        marks = ",".join("?" * len(ids)) or "NULL"
        where = f"session_id IN ({marks})" + "".join(" OR instr(body_json, ?) > 0" for _ in terms)
        args = [*ids, *terms]
        found = conn.execute(f"SELECT COUNT(*) FROM statements WHERE {where}", args).fetchone()[0]
        sessions = conn.execute(f"SELECT COUNT(*) FROM queued_sessions WHERE session_id IN ({marks})",
                                ids).fetchone()[0]
        if not erase:
            return Place("xAPI queue", str(path), found)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(f"DELETE FROM statements WHERE {where}", args)
        conn.execute(f"DELETE FROM queued_sessions WHERE session_id IN ({marks})", ids)
        conn.execute("COMMIT")
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return Place("xAPI queue", str(path), found,
                     f"deleted {found} statement{'s' * (found != 1)} and {sessions} queued-session note"
                     f"{'s' * (sessions != 1)}")
    except sqlite3.Error as exc:
        return Place("xAPI queue", str(path), 0, f"could not be searched ({exc}): check it by hand")
    finally:
        conn.close()


def _cache_files(store) -> list[Path]:
    folder = Path(store.path).parent
    return sorted(folder.glob(Path(store.path).name + ".review-index.sqlite3*")) if folder.is_dir() else []


def _caches(store, erase: bool) -> Place:
    files = _cache_files(store)
    where = "caches (the review window's score index)"
    if not erase:
        return Place(where, str(Path(store.path).parent), len(files), "; ".join(str(f) for f in files))
    for path in files:
        try:
            path.unlink()
        except OSError:
            pass
    return Place(where, str(Path(store.path).parent), len(files),
                 f"deleted {len(files)} cache file{'s' * (len(files) != 1)} (rebuilt when review opens)")


def _text_files(home: Path) -> list[tuple[Path, str]]:
    files = [(home / "settings.ini", "settings (the start screen's last trainee)")]
    logs = home / "logs"
    if logs.is_dir():
        files += [(p, "log") for p in sorted(logs.iterdir()) if p.is_file()]
    return files


def _scrub(path: Path, where: str, terms: list[str], erase: bool) -> Place:
    """Lines of a text file that hold the person (removed when erasing)."""
    try:
        lines = path.read_bytes().splitlines(keepends=True)
    except FileNotFoundError:
        return Place(where, str(path), 0, "no file" if erase else "")
    except OSError as exc:
        return Place(where, str(path), 0, f"could not be read ({exc.strerror}): check it by hand")
    needles = [t.encode("utf-8") for t in terms]
    hit = [line for line in lines if any(n in line for n in needles)]
    if not erase or not hit:
        return Place(where, str(path), len(hit), f"removed {len(hit)} lines" if erase and hit else
                     ("nothing found" if erase else ""))
    keep = b"".join(line for line in lines if line not in hit)
    temp = path.with_name(path.name + ".erasing")
    temp.write_bytes(keep)
    os.replace(temp, path)
    return Place(where, str(path), len(hit), f"removed {len(hit)} line{'s' * (len(hit) != 1)}")


def _sweep(home: Path, terms: list[str], skip: set) -> list[Place]:
    """Every other file under the home folder that still holds the person (reported, not deleted)."""
    needles = [t.encode("utf-8") for t in terms]
    still = []
    for root, _dirs, files in os.walk(home):
        for name in files:
            path = Path(root) / name
            if path in skip:
                continue
            try:
                data = path.read_bytes()
            except OSError:
                continue
            if any(n in data for n in needles):
                still.append(path)
    if not still:
        return [Place("every other file under the home folder", str(home), 0, "nothing found")]
    return [Place("still holds the person (check or delete by hand)", str(p), 1, "found") for p in still]

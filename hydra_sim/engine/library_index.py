"""The library index: a small JSON cache of what the start screen shows for each scenario file
(its card: title, summary, duration, difficulty, roles, seats, version; and its problems), so
the start screen can list the library at once, without parsing and linting every YAML file.

It lives at ``HOME/cache/library-index.json`` (``paths.library_index_file()``). It is never
trusted blindly: an entry counts only when the file's path, size, modification time *and*
SHA-256 all match what was indexed, and the index as a whole only when its format, the app's
version and the stamps of the catalogue files beside the scenarios match. A missing, stale,
corrupt or unreadable index is a miss (``lookup`` returns None) and the caller scans the
library as before; one file that is not a plain readable file (a pipe, a device, too large)
makes the whole lookup a miss, so the scan reports it. Writing is best effort (a temporary file,
then an atomic rename): a failure is logged, never raised. The GUI still runs the full scan
after the first paint and replaces what the index showed.

Must not import Qt, yaml, the loader, lint or the runner: ``lookup`` runs on the GUI thread
before the start screen is first painted (``scan_and_remember`` imports the library scan when
it is called, on the scan's worker).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat as stat_module
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from .files import UnreadableFile, read_regular_file
from .problems import ERROR, Location, Problem

log = logging.getLogger(__name__)

FORMAT = 1
# the same names as catalogue.CATALOGUE_SUFFIX, plan.PLAN_SUFFIX and yamlsource.MAX_FILE_BYTES
# (a test checks they match): importing those modules would load yaml on the GUI thread
CATALOGUE_SUFFIX = ".catalogue.yaml"
PLAN_SUFFIX = ".plan.yaml"
MAX_FILE_BYTES = 16 * 1024 * 1024
# far more than any real library's index (about 1 kB a scenario); a bigger file is not ours
MAX_INDEX_BYTES = 4 * 1024 * 1024


def is_scenario_file(path: Path) -> bool:
    name = path.name
    return name.endswith(".yaml") and not name.endswith(CATALOGUE_SUFFIX) and not name.endswith(PLAN_SUFFIX)


def scenario_files(folder: Path) -> list[Path]:
    """The scenario files directly in ``folder``, sorted (the library lists them in this order)."""
    return sorted(p for p in folder.glob("*.yaml") if is_scenario_file(p))


@dataclass(frozen=True)
class Card:
    """What the start screen shows about a scenario that loaded."""
    title: str
    summary: str
    duration_minutes: int
    difficulty: str
    roles: tuple[str, ...]
    version: str
    seats: tuple[str, ...] = ()          # seat titles of a seated (facilitated) scenario


def card_of(scenario) -> Card:
    return Card(scenario.title, scenario.summary, int(scenario.duration_minutes), scenario.difficulty,
                tuple(scenario.roles), scenario.version, tuple(seat.title for seat in scenario.seats.values()))


class ListedEntry:
    """What the start screen reads of a library entry, from its ``path``, ``card`` (None when
    the file did not load) and ``problems``: shared by the scan's entries and the index's."""

    @property
    def ok(self) -> bool:
        return self.card is not None and not any(p.severity == ERROR for p in self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def title(self) -> str:
        return self.card.title if self.card is not None and self.card.title else self.path.stem


@dataclass
class IndexedEntry(ListedEntry):
    """A library entry read from the index: the start screen's view of it, without the
    scenario itself (``scenario`` is None; the main window loads the file when it is chosen)."""
    path: Path
    card: Card | None
    problems: list[Problem] = field(default_factory=list)
    bundled: bool = False
    scenario = None
    indexed = True


# -- stamps: what a file must still be for its entry to count -----------------------------------
def stamp_of(path: Path) -> dict | None:
    """Size, modification time and SHA-256 of a plain file; None for anything else (a pipe is
    never opened, a file over the loader's limit never read whole)."""
    try:
        info = os.stat(path)
        if not stat_module.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return None
        digest = hashlib.sha256(read_regular_file(path, MAX_FILE_BYTES)).hexdigest()
    except (OSError, UnreadableFile):
        return None
    return {"size": info.st_size, "mtime_ns": info.st_mtime_ns, "sha256": digest}


def _salt(folders: list[tuple[Path, bool]]) -> dict:
    """What every entry depends on besides its own file: the index format, the app's version
    (lint and the schema change with it) and the catalogue files the scenarios are checked against."""
    catalogues = {}
    for folder, _bundled in folders:
        try:
            for path in sorted(folder.glob(f"*{CATALOGUE_SUFFIX}")):
                info = path.stat()
                catalogues[str(path)] = [info.st_size, info.st_mtime_ns]
        except OSError:
            catalogues[str(folder)] = None
    return {"format": FORMAT, "app": __version__, "catalogues": catalogues}


def _listing(folders: list[tuple[Path, bool]]) -> list[tuple[Path, bool]] | None:
    """(file, bundled) in the library's order; None when a folder cannot be listed (the scan
    reports that, and skips the folder, as it always has)."""
    files = []
    for folder, bundled in folders:
        try:
            if not folder.is_dir():
                continue
            files += [(path, bundled) for path in scenario_files(folder)]
        except OSError:
            return None
    return files


# -- reading ------------------------------------------------------------------------------------
def _problem(data: dict) -> Problem:
    hint = data["hint"]
    if not all(isinstance(data[k], str) for k in ("code", "severity", "message", "file")) or \
            not all(isinstance(data[k], int) for k in ("line", "column")) or not isinstance(hint, str | None):
        raise ValueError("a problem of the wrong shape")
    return Problem(data["code"], data["severity"], data["message"],
                   Location(data["file"], data["line"], data["column"]), hint)


def _card(data) -> Card | None:
    if data is None:
        return None
    strings = ("title", "summary", "difficulty", "version")
    if not all(isinstance(data[k], str) for k in strings) or type(data["duration_minutes"]) is not int or \
            not all(isinstance(r, str) for r in data["roles"]) or not all(isinstance(s, str) for s in data["seats"]):
        raise ValueError("a card of the wrong shape")
    return Card(data["title"], data["summary"], data["duration_minutes"], data["difficulty"],
                tuple(data["roles"]), data["version"], tuple(data["seats"]))


def lookup(folders: list[tuple[Path, bool]], index_file: Path) -> list[IndexedEntry] | None:
    """The library as the index knows it, when every scenario file in ``folders`` has an entry
    that still matches it; otherwise None (scan instead). Never raises."""
    try:
        raw = read_regular_file(index_file, MAX_INDEX_BYTES)     # never a pipe, never without limit
    except FileNotFoundError:
        return None
    except (OSError, UnreadableFile) as exc:
        log.warning("library index %s not read (%s): scanning instead", index_file, exc)
        return None
    try:
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("salt") != _salt(folders):
            return None
        known = data["entries"]
        if not isinstance(known, dict):
            raise ValueError("entries is not an object")
        files = _listing(folders)
        if files is None:
            return None
        entries = []
        for path, bundled in files:
            record = known.get(str(path))
            if not isinstance(record, dict) or record.get("bundled") is not bundled:
                return None
            stamp = stamp_of(path)
            if stamp is None or record.get("stamp") != stamp:
                return None
            entries.append(IndexedEntry(path, _card(record["card"]), [_problem(p) for p in record["problems"]],
                                        bundled))
        return entries
    except (ValueError, KeyError, TypeError, AttributeError) as exc:     # corrupt or from elsewhere
        log.warning("library index %s ignored (%s): scanning instead", index_file, exc)
        return None


# -- writing ------------------------------------------------------------------------------------
def remember(entries: list, stamps: dict[Path, dict | None], folders: list[tuple[Path, bool]],
             index_file: Path) -> bool:
    """Write the index for ``entries`` (library entries as the scan made them). ``stamps`` were
    taken *before* the files were loaded, so a file saved during the scan never gets the card
    of its older text: its new stamp does not match and the next lookup misses. A file without
    a stamp is left out (the next lookup misses too). False when it could not be written."""
    records = {}
    for entry in entries:
        stamp = stamps.get(entry.path)
        if stamp is None:
            continue
        scenario = getattr(entry, "scenario", None)
        card = card_of(scenario) if scenario is not None else getattr(entry, "card", None)
        records[str(entry.path)] = {
            "bundled": bool(entry.bundled), "stamp": stamp,
            "card": None if card is None else {**card.__dict__, "roles": list(card.roles),
                                                "seats": list(card.seats)},
            "problems": [p.to_dict() for p in entry.problems],
        }
    text = json.dumps({"salt": _salt(folders), "entries": records}, ensure_ascii=False, sort_keys=True)
    try:
        index_file.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".library-index-", suffix=".tmp", dir=index_file.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, index_file)        # readers see the old index or the new one
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as exc:
        log.warning("library index %s not written (%s): the next start scans the library again",
                    index_file, exc)
        return False
    return True


def scan_and_remember(folders: list[tuple[Path, bool]], index_file: Path) -> list:
    """Scan the library (load, validate and lint every file, as ``scan_library``) and write
    the index for the next start. Returns the scan's entries."""
    from .library import scan_library      # the loader, yaml and lint: only when scanning
    files = _listing(folders) or []
    stamps = {path: stamp_of(path) for path, _bundled in files}
    entries = scan_library(folders)
    remember(entries, stamps, folders, index_file)
    return entries

"""The scenario library: every scenario file in the bundled and user folders, with its
metadata and its problems. A broken file is listed with what is wrong, never skipped and
never raised. Must not import Qt.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .files import display_name
from .library_index import Card, ListedEntry, card_of, is_scenario_file, scenario_files
from .loader import load_scenario
from .model import Scenario
from .problems import ERROR, Location, Problem

__all__ = ["LibraryEntry", "is_scenario_file", "scan_library"]

log = logging.getLogger(__name__)


@dataclass
class LibraryEntry(ListedEntry):
    """One file of the library as the scan loaded it: ``ok``, ``errors`` and ``title`` come
    from ``ListedEntry`` (the same for an entry read from the library index)."""
    path: Path
    scenario: Scenario | None
    problems: list[Problem] = field(default_factory=list)
    bundled: bool = False

    @cached_property
    def card(self) -> Card | None:
        """What the start screen shows of the scenario (None when the file did not load)."""
        return card_of(self.scenario) if self.scenario is not None else None

    indexed = False         # made by loading the file, not read from the index (library_index.py)


def scan_library(folders: list[tuple[Path, bool]]) -> list[LibraryEntry]:
    """``folders`` is [(folder, bundled?)]; scenario files directly inside each are listed."""
    entries = []
    for folder, bundled in folders:
        try:
            if not folder.is_dir():
                continue
            paths = scenario_files(folder)
        except OSError as exc:     # an unreadable user folder never costs the bundled scenarios
            log.warning("cannot list the scenario folder %s: %s", folder, exc)
            continue
        for path in paths:
            entries.append(_entry(path, bundled))
    return entries


def _entry(path: Path, bundled: bool) -> LibraryEntry:
    """One file's entry. The loader reports bad input as problems; anything it still raises
    (a bug, a file system surprise) becomes a problem on this entry instead of losing the list."""
    try:
        result = load_scenario(path)
    except Exception as exc:  # noqa: BLE001 - one bad file must not empty the library
        log.exception("loading %s for the library failed", path)
        problem = Problem("Y011", ERROR, f"cannot read the file: {type(exc).__name__}: {exc}",
                          Location(display_name(path), 0, 0), "run hydra-sim lint on it for details")
        return LibraryEntry(path, None, [problem], bundled)
    return LibraryEntry(path, result.scenario, result.problems, bundled)

"""The scenario library: every scenario file in the bundled and user folders, with its
metadata and its problems. A broken file is listed with what is wrong, never skipped and
never raised. Must not import Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .catalogue import CATALOGUE_SUFFIX
from .loader import load_scenario
from .model import Scenario
from .plan import PLAN_SUFFIX
from .problems import ERROR, Problem


@dataclass
class LibraryEntry:
    path: Path
    scenario: Scenario | None
    problems: list[Problem] = field(default_factory=list)
    bundled: bool = False

    @property
    def ok(self) -> bool:
        return self.scenario is not None and not any(p.severity == ERROR for p in self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def title(self) -> str:
        return self.scenario.title if self.scenario is not None and self.scenario.title else self.path.stem


def is_scenario_file(path: Path) -> bool:
    name = path.name
    return name.endswith(".yaml") and not name.endswith(CATALOGUE_SUFFIX) and not name.endswith(PLAN_SUFFIX)


def scan_library(folders: list[tuple[Path, bool]]) -> list[LibraryEntry]:
    """``folders`` is [(folder, bundled?)]; scenario files directly inside each are listed."""
    entries = []
    for folder, bundled in folders:
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.glob("*.yaml") if is_scenario_file(p)):
            result = load_scenario(path)
            entries.append(LibraryEntry(path, result.scenario, result.problems, bundled))
    return entries

"""The shared shape of a benchmark figure: one row, its JSON, the machine, and the table.

Every bench module returns ``list[Figure]`` from its ``figures(...)``; ``python -m benchmarks``
collects them from each module's ``--json`` output and prints one table with
``format_table``. A row either has a target (then ``passed`` is True or False) or is
information only (target ``(info)`` or ``baseline``, ``passed`` None). A ratio always says
what it compares with: a named baseline (``ratio_of="baseline"``, ``baseline="bare yaml.load"``)
or the target (``ratio_of="target"``).

Must not import Qt or hydra_sim: it describes the machine for every module, including the
parent process of ``python -m benchmarks``, which runs no benchmark itself.
"""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import tempfile
from dataclasses import asdict, dataclass, fields
from importlib import metadata
from pathlib import Path

INFO_TARGETS = ("(info)", "baseline")      # rows without a pass/fail
RATIO_OF = ("baseline", "target")


@dataclass(frozen=True)
class Figure:
    figure: str
    target: str
    measured: str
    ratio: float | None = None
    ratio_of: str | None = None          # "baseline" or "target": what the ratio compares with
    baseline: str = ""                   # the baseline's name when ratio_of == "baseline"
    passed: bool | None = None           # None: information only
    module: str = ""                     # which bench module made it (engine, gui, ...)
    note: str = ""                       # printed under the table, not in it

    def __post_init__(self) -> None:
        # Fail when the row is made, in the module that made it, not later in the table.
        if self.ratio is not None and self.ratio_of not in RATIO_OF:
            raise ValueError(f"figure {self.figure!r}: a ratio needs ratio_of 'baseline' or 'target', "
                             f"not {self.ratio_of!r}")
        if self.ratio_of == "baseline" and not self.baseline:
            raise ValueError(f"figure {self.figure!r}: a ratio to a baseline must name the baseline")
        if self.target not in INFO_TARGETS and self.passed is None:
            raise ValueError(f"figure {self.figure!r} has the target {self.target!r} but no pass/fail")

    def ratio_text(self) -> str:
        if self.ratio is None:
            return ""
        if self.ratio_of == "target":
            return f"{self.ratio:.2f} of target"
        return f"{self.ratio:.2f}x {self.baseline}"

    def pass_text(self) -> str:
        return {True: "PASS", False: "NO", None: ""}[self.passed]


def to_json(figures: list[Figure]) -> str:
    return json.dumps([asdict(f) for f in figures])


def from_json(text: str) -> list[Figure]:
    """The figures in ``to_json`` text. Unknown keys are an error: a stale module would otherwise
    lose information silently."""
    names = {f.name for f in fields(Figure)}
    rows = json.loads(text)
    if not isinstance(rows, list):
        raise ValueError("benchmark JSON must be a list of figures")
    out = []
    for row in rows:
        if not isinstance(row, dict) or not set(row) <= names:
            raise ValueError(f"not a figure: {row!r}")
        out.append(Figure(**row))
    return out


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def format_table(figures: list[Figure], with_module: bool = False) -> str:
    """A markdown table: figure | target | measured | ratio | pass (module first if asked)."""
    header = ["figure", "target", "measured", "ratio", "pass"]
    rows = [[f.figure, f.target, f.measured, f.ratio_text(), f.pass_text()] for f in figures]
    if with_module:
        header = ["module", *header]
        rows = [[f.module, *row] for f, row in zip(figures, rows)]
    cells = [[_cell(c) for c in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    line = lambda row: "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |"  # noqa: E731
    return "\n".join([line(cells[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, cells[1:])])


def notes(figures: list[Figure]) -> list[str]:
    return [f.note for f in figures if f.note]


def all_passed(figures: list[Figure]) -> bool:
    return all(f.passed is not False for f in figures)


def emit(figures: list[Figure], as_json: bool) -> int:
    """What each module's main() ends with: JSON on one line, or the table and its notes.
    Returns the exit code: 1 when a target was missed."""
    if as_json:
        print(to_json(figures), flush=True)
    else:
        print(format_table(figures))
        for text in notes(figures):
            print(f"- {text}")
    return 0 if all_passed(figures) else 1


# -- the machine ----------------------------------------------------------------------------------
def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _first(path: str, key: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def _temp_filesystem() -> str:
    """The mount that holds the temp folder (where the stores are made): device and type."""
    folder = os.path.realpath(tempfile.gettempdir())
    best = None
    try:
        for line in Path("/proc/mounts").read_text().splitlines():
            device, mount, kind = line.split()[:3]
            if (folder == mount or folder.startswith(mount.rstrip("/") + "/")) and (
                    best is None or len(mount) > len(best[1])):
                best = (device, mount, kind)
    except (OSError, ValueError):
        return f"{folder} (file system unknown)"
    return f"{folder} on {best[1]} ({best[2]}, {best[0]})" if best else folder


def machine() -> list[tuple[str, str]]:
    memory = _first("/proc/meminfo", "MemTotal")
    if memory:
        memory = f"{int(memory.split()[0]) / 1024 / 1024:.1f} GiB"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "unknown"
    return [
        ("CPU model", _first("/proc/cpuinfo", "model name") or platform.processor() or "unknown"),
        ("CPUs (usable)", str(cores)),
        ("Memory", memory or "unknown"),
        ("OS / kernel", f"{platform.system()} {platform.release()}, {platform.machine()} ({platform.platform()})"),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("PySide6", _version("PySide6")),
        ("SQLite", sqlite3.sqlite_version),
        ("PyYAML / transitions / websockets",
         f"{_version('PyYAML')} / {_version('transitions')} / {_version('websockets')}"),
        ("Temp folder", _temp_filesystem()),
        ("Load average (1, 5, 15 min) at start", load),
    ]


def format_machine(rows: list[tuple[str, str]] | None = None) -> str:
    rows = machine() if rows is None else rows
    return "\n".join(["| | |", "|---|---|", *(f"| {_cell(k)} | {_cell(v)} |" for k, v in rows)])

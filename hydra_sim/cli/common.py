"""Helpers several commands share: the files a path names, a scenario loaded or its errors printed,
the ``--condition`` option, where data output goes. Imported only by command modules, never
at start-up (it imports the engine)."""

from __future__ import annotations

import sys
from pathlib import Path

from ..engine.loader import load_scenario
from ..engine.problems import ERROR, Location, Problem
from ..terminal import TerminalText


def _data_out():
    """Where a command writes data (an export, a graph): redirected to a file or a pipe it is
    written exactly as it is; on a terminal its control characters are escaped like the rest."""
    out = sys.stdout
    if isinstance(out, TerminalText) and not (hasattr(out.stream, "isatty") and out.stream.isatty()):
        return out.stream
    return out


def _collect_files(arguments: list[str]) -> tuple[list[Path], list[Problem]]:
    files, problems = [], []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*.yaml") if p.is_file())
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem("Y011", ERROR, "no such file or folder", Location(argument, 0, 0)))
    return files, problems


def _load_or_report(path: str):
    result = load_scenario(path)
    if not result.ok:
        for problem in result.problems:
            if problem.severity == ERROR:
                print(problem.format(), file=sys.stderr)
        print(f"{path}: the scenario has errors; fix them first (hydra-sim lint {path})", file=sys.stderr)
        return None
    return result.scenario


def _condition_option(parser, text: str = "fix a run condition (repeat for several; the rest take their defaults)"):
    parser.add_argument("--condition", action="append", default=[], metavar="NAME=VALUE", help=text)


def scenario_has_conditions(scenario) -> bool:
    return any(v.run_condition for v in scenario.variables.values())

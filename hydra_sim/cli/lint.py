"""``hydra-sim lint``: check scenario, catalogue and play-script files.

Imported only when one of its commands runs (hydra_sim/cli/__init__.py lists them); it may import
the engine and records; Qt only inside a handler that opens a window or draws.
"""

from __future__ import annotations

import json
import sys

from ..engine.catalogue import CATALOGUE_SUFFIX, load_catalogue
from ..engine.loader import load_scenario
from ..engine.plan import PLAN_SUFFIX, load_plan
from ..engine.problems import ERROR, WARNING, Problem, sort_problems
from .common import _collect_files


def add_parser(sub) -> None:
    lint = sub.add_parser("lint", help="check scenario, catalogue and play-script files")
    lint.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    lint.add_argument("--format", choices=("text", "json"), default="text")
    lint.add_argument("--quiet", action="store_true", help="errors only, no warnings or notes")
    lint.add_argument("--no-deep", action="store_true",
                      help="skip the deep scoring checks (A003-A007, and the assessment audit A101-A112), "
                           "which play every path")
    lint.set_defaults(handler=_cmd_lint)


def lint_paths(arguments: list[str], deep: bool = False) -> tuple[list[Problem], int]:
    """Lint files and folders; ``deep`` adds the scoring checks A003-A007. Severities follow
    the hydra-project.yaml that covers each file, whose own problems are reported once."""
    from ..engine.lint_config import config_for

    files, problems = _collect_files(arguments)
    configs_seen: set = set()
    for file in files:
        if file.name == "hydra-project.yaml":
            continue
        if file.name.endswith(CATALOGUE_SUFFIX):
            found = load_catalogue(file, str(file))[1]
        elif file.name.endswith(PLAN_SUFFIX):
            found = load_plan(file, str(file))[1]
        else:
            result = load_scenario(file)
            found = result.problems
            if deep and result.ok:
                from ..engine.audit import audit_problems
                from ..engine.deep_checks import deep_check
                from ..engine.deep_checks import MAX_SCENES
                found = found + deep_check(result.scenario)
                if len(result.scenario.scenes) <= MAX_SCENES:    # too big to play out: A007 says so
                    found = found + audit_problems(result.scenario)
        config = config_for(file)
        if config.path is not None and config.path not in configs_seen:
            configs_seen.add(config.path)
            problems += config.problems
        problems += config.apply(found)
    files = [f for f in files if f.name != "hydra-project.yaml"]
    return sort_problems(problems), len(files)


def _cmd_lint(args) -> int:
    problems, count = lint_paths(args.paths, deep=not args.no_deep)
    if args.quiet:
        problems = [p for p in problems if p.severity == ERROR]
    errors = sum(p.severity == ERROR for p in problems)
    warnings = sum(p.severity == WARNING for p in problems)
    if args.format == "json":
        print(json.dumps({"files": count, "errors": errors, "warnings": warnings,
                          "problems": [p.to_dict() for p in problems]}, indent=2))
    else:
        for problem in problems:
            print(problem.format())
        summary = f"{count} file{'s' if count != 1 else ''} checked: {errors} error{'s' if errors != 1 else ''}, " \
                  f"{warnings} warning{'s' if warnings != 1 else ''}"
        print(summary, file=sys.stderr)
    return 1 if errors else 0

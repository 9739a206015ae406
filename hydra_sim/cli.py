"""The ``hydra-sim`` command: lint, play, explore, and (with no subcommand) the app.

Exit codes: 0 success, 1 problems found (invalid scenario, failing play step), 2 wrong
usage. Imports Qt only when launching the GUI, so the headless commands stay fast and
work on machines without a display.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from . import __version__, paths
from .engine.catalogue import CATALOGUE_SUFFIX, load_catalogue
from .engine.loader import load_scenario
from .engine.plan import PLAN_SUFFIX, load_plan
from .engine.problems import ERROR, WARNING, Location, Problem, sort_problems

log = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if getattr(args, "home", None):
        paths.set_home(args.home)
    if args.command is None:
        return _launch_gui(args)
    try:
        return args.handler(args)
    except BrokenPipeError:
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hydra-sim", description="Clandestine lorry drop training simulator.")
    parser.add_argument("--version", action="version", version=f"hydra-sim {__version__}")
    parser.add_argument("--home", metavar="DIR", help="keep all user data under DIR")
    parser.add_argument("--scenario", metavar="FILE", help="open straight into this scenario (app)")
    parser.add_argument("--no-err-windows", action="store_true", help="log errors instead of showing dialogs (app)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    lint = sub.add_parser("lint", help="check scenario, catalogue and play-script files")
    lint.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    lint.add_argument("--format", choices=("text", "json"), default="text")
    lint.add_argument("--quiet", action="store_true", help="errors only, no warnings or notes")
    lint.add_argument("--no-deep", action="store_true",
                      help="skip the deep scoring checks (A003-A007), which explore every path")
    lint.set_defaults(handler=_cmd_lint)

    play = sub.add_parser("play", help="play a scenario headless from a play script")
    play.add_argument("scenario", metavar="SCENARIO")
    play.add_argument("--script", required=True, metavar="PLAN", help="a play script (.plan.yaml)")
    play.add_argument("--json", action="store_true", help="print the result as JSON")
    play.set_defaults(handler=_cmd_play)

    test = sub.add_parser("test", help="run playthrough test plans (*.plan.yaml)")
    test.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="plan files or folders (default: .)")
    test.add_argument("--format", choices=("text", "json"), default="text")
    test.set_defaults(handler=_cmd_test)

    explore = sub.add_parser("explore", help="explore every reachable state and report score bounds")
    explore.add_argument("scenario", metavar="SCENARIO")
    explore.add_argument("--json", action="store_true", help="print the report as JSON")
    explore.add_argument("--write-best", metavar="FILE", help="write the full-marks path as a play script")
    explore.set_defaults(handler=_cmd_explore)

    schema = sub.add_parser("schema", help="write JSON Schemas for editors (scenario, catalogue, plan)")
    schema.add_argument("--output", metavar="DIR", help="write the .schema.json files into DIR (default: stdout)")
    schema.set_defaults(handler=_cmd_schema)

    new = sub.add_parser("new", help="start a new scenario from a small working example")
    new.add_argument("name", metavar="NAME", help="the scenario id, e.g. lay-by-lorry")
    new.add_argument("--folder", default=".", metavar="DIR", help="where to write it (default: .)")
    new.add_argument("--title", help="the scenario's title")
    new.set_defaults(handler=_cmd_new)

    graph = sub.add_parser("graph", help="draw a scenario's scenes and routes")
    graph.add_argument("scenario", metavar="SCENARIO")
    graph.add_argument("--format", choices=("mermaid", "dot", "svg", "png"), default="mermaid")
    graph.add_argument("--output", metavar="FILE", help="write to FILE (default: stdout; png needs FILE)")
    graph.set_defaults(handler=_cmd_graph)
    return parser


# -- lint -------------------------------------------------------------------------------
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


def lint_paths(arguments: list[str], deep: bool = False) -> tuple[list[Problem], int]:
    """Lint files and folders; ``deep`` adds the scoring checks A003-A007. Severities follow
    the hydra-project.yaml that covers each file, whose own problems are reported once."""
    from .engine.lint_config import config_for

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
                from .engine.deep_checks import deep_check
                found = found + deep_check(result.scenario)
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


# -- play -------------------------------------------------------------------------------
def _load_or_report(path: str):
    result = load_scenario(path)
    if not result.ok:
        for problem in result.problems:
            if problem.severity == ERROR:
                print(problem.format(), file=sys.stderr)
        print(f"{path}: the scenario has errors; fix them first (hydra-sim lint {path})", file=sys.stderr)
        return None
    return result.scenario


def _cmd_play(args) -> int:
    from .console import play_json, play_text
    from .engine.plan import run_plan
    from .engine.scoring import score_runner

    scenario = _load_or_report(args.scenario)
    if scenario is None:
        return 1
    steps, problems = load_plan(Path(args.script), args.script)
    errors = [p for p in problems if p.severity == ERROR]
    if steps is None or errors:
        for problem in errors or problems:
            print(problem.format(), file=sys.stderr)
        return 1
    result = run_plan(scenario, steps)
    report = score_runner(result.runner)
    if args.json:
        data = play_json(scenario, result.runner, report)
        data["steps_played"] = result.steps_done
        data["error"] = result.problem.to_dict() if result.problem else None
        print(json.dumps(data, indent=2, default=str))
    else:
        print(play_text(scenario, result.runner, report))
    if result.problem is not None:
        print(result.problem.format(), file=sys.stderr)
        return 1
    return 0


# -- test -----------------------------------------------------------------------------
def run_test_plans(arguments: list[str]) -> list[dict]:
    """Run every plan under the given paths; one result dict per plan."""
    from .engine.plan import load_test_plan, run_test_plan

    plans: list[Path] = []
    results: list[dict] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            plans += sorted(path.rglob(f"*{PLAN_SUFFIX}"))
        elif path.is_file():
            plans.append(path)
        else:
            results.append({"plan": argument, "passed": False,
                            "problems": [Problem("Y011", ERROR, "no such file or folder",
                                                 Location(argument, 0, 0)).to_dict()]})
    scenarios: dict[Path, object] = {}
    for plan_path in plans:
        plan, problems = load_test_plan(plan_path, str(plan_path))
        errors = [p for p in problems if p.severity == ERROR]
        if plan is None or errors:
            results.append({"plan": str(plan_path), "passed": False, "problems": [p.to_dict() for p in errors]})
            continue
        scenario_path = plan.scenario_path()
        if scenario_path not in scenarios:
            loaded = load_scenario(scenario_path)
            scenarios[scenario_path] = loaded
        loaded = scenarios[scenario_path]
        if not loaded.ok:
            first = next((p for p in loaded.problems if p.severity == ERROR),
                         Problem("Y011", ERROR, "scenario not found", Location(str(scenario_path), 0, 0)))
            results.append({"plan": str(plan_path), "passed": False, "problems": [
                Problem("P004", ERROR, f"the scenario {scenario_path.name} cannot be used: {first.format()}",
                        Location(str(plan_path), 1, 1), "fix the scenario first (hydra-sim lint)").to_dict()]})
            continue
        outcome = run_test_plan(plan, loaded.scenario)
        runner = outcome.runner
        results.append({"plan": str(plan_path), "scenario": str(scenario_path), "passed": outcome.passed,
                        "steps": len(plan.steps), "ending": runner.ended if runner else None,
                        "problems": [p.to_dict() for p in outcome.problems]})
    return results


def _cmd_test(args) -> int:
    results = run_test_plans(args.paths)
    failed = [r for r in results if not r["passed"]]
    if args.format == "json":
        print(json.dumps({"plans": len(results), "failed": len(failed), "results": results}, indent=2))
    else:
        for result in results:
            if result["passed"]:
                print(f"PASS {result['plan']} ({result['steps']} steps, ending {result['ending']})")
            else:
                print(f"FAIL {result['plan']}")
                for problem in result["problems"]:
                    loc = f"{problem['file']}:{problem['line']}:{problem['column']}"
                    hint = f" ({problem['hint']})" if problem.get("hint") else ""
                    print(f"  {loc}: {problem['severity']} {problem['code']} {problem['message']}{hint}")
        print(f"{len(results)} plan{'s' if len(results) != 1 else ''}: {len(results) - len(failed)} passed, "
              f"{len(failed)} failed", file=sys.stderr)
    if not results:
        print("no test plans (*.plan.yaml) found", file=sys.stderr)
        return 1
    return 1 if failed else 0


# -- explore ----------------------------------------------------------------------------
def _cmd_explore(args) -> int:
    from .console import explore_text
    from .engine.explorer import explore

    scenario = _load_or_report(args.scenario)
    if scenario is None:
        return 1
    report = explore(scenario)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, default=str))
    else:
        print(explore_text(scenario, report))
    if args.write_best and report.full_marks_path is not None:
        import yaml
        text = yaml.safe_dump({"steps": report.full_marks_path}, sort_keys=False, allow_unicode=True)
        Path(args.write_best).write_text(f"# Full-marks path found by hydra-sim explore\n{text}", encoding="utf-8")
    return 0


# -- schema, new, graph (authoring) ---------------------------------------------------------
def _cmd_schema(args) -> int:
    from .engine.jsonschema_export import all_schemas, write_schemas

    if args.output:
        for path in write_schemas(Path(args.output)):
            print(path)
    else:
        print(json.dumps(all_schemas(), indent=2, ensure_ascii=False))
    return 0


def _cmd_new(args) -> int:
    from .engine.scaffold import ScaffoldError, write_scaffold

    try:
        made = write_scaffold(args.name, Path(args.folder), args.title)
    except ScaffoldError as exc:
        print(f"hydra-sim new: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {made.scenario}\nwrote {made.plan}")
    print(f"next: hydra-sim lint {made.scenario} && hydra-sim test {made.plan}", file=sys.stderr)
    return 0


def _cmd_graph(args) -> int:
    from .engine import graph as graphs

    scenario = _load_or_report(args.scenario)
    if scenario is None:
        return 1
    model = graphs.build_graph(scenario)
    if args.format == "png":
        if not args.output:
            print("hydra-sim graph: --format png needs --output FILE", file=sys.stderr)
            return 2
        graphs.to_png(graphs.to_svg(model), Path(args.output))
        print(args.output)
        return 0
    text = {"mermaid": graphs.to_mermaid, "dot": graphs.to_dot, "svg": graphs.to_svg}[args.format](model)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(args.output)
    else:
        sys.stdout.write(text)
    return 0


# -- gui --------------------------------------------------------------------------------
def _launch_gui(args) -> int:
    try:
        from .app import run_app
    except ImportError as exc:
        print(f"hydra-sim: cannot start the app: {exc}. Install it with: pip install hydra-sim", file=sys.stderr)
        return 1
    return run_app(args)


if __name__ == "__main__":
    raise SystemExit(main())

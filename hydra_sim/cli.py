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
from .trainer_cli import add_login_options, add_trainer_command, login, needs_trainer
from .logs import configure_terminal
from .engine.catalogue import CATALOGUE_SUFFIX, load_catalogue
from .engine.loader import load_scenario
from .engine.plan import PLAN_SUFFIX, load_plan
from .engine.problems import ERROR, WARNING, Location, Problem, sort_problems
from .terminal import TerminalText, one_line

log = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    """Run one command. Everything it prints passes through ``TerminalText``: control
    characters from scenario text, ids, file names or records are escaped, never sent raw."""
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = TerminalText(stdout), TerminalText(stderr)
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def _data_out():
    """Where a command writes data (an export, a graph): redirected to a file or a pipe it is
    written exactly as it is; on a terminal its control characters are escaped like the rest."""
    out = sys.stdout
    if isinstance(out, TerminalText) and not (hasattr(out.stream, "isatty") and out.stream.isatty()):
        return out.stream
    return out


def _main(argv: list[str] | None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    configure_terminal()
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
    # join a facilitated exercise straight away (the app opens the join dialog filled in with these)
    parser.add_argument("--join", metavar="HOST:PORT", help="join the facilitated exercise at HOST:PORT (app)")
    parser.add_argument("--code", dest="join_code", metavar="CODE", help="the exercise's join code (with --join)")
    parser.add_argument("--syndicate", dest="join_syndicate", metavar="NAME", help="your syndicate (with --join)")
    parser.add_argument("--member", dest="join_members", action="append", metavar="NAME",
                        help="a member of the syndicate, repeat for each (with --join)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    lint = sub.add_parser("lint", help="check scenario, catalogue and play-script files")
    lint.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    lint.add_argument("--format", choices=("text", "json"), default="text")
    lint.add_argument("--quiet", action="store_true", help="errors only, no warnings or notes")
    lint.add_argument("--no-deep", action="store_true",
                      help="skip the deep scoring checks (A003-A007, and the assessment audit A101-A112), "
                           "which play every path")
    lint.set_defaults(handler=_cmd_lint)

    play = sub.add_parser("play", help="play a scenario headless from a play script")
    play.add_argument("scenario", metavar="SCENARIO")
    play.add_argument("--script", required=True, metavar="PLAN", help="a play script (.plan.yaml)")
    play.add_argument("--json", action="store_true", help="print the result as JSON")
    play.add_argument("--record", action="store_true",
                      help="record the playthrough as a session in the store under --home, as the app would")
    play.add_argument("--trainee", metavar="ID", help="with --record: the trainee id the session belongs to")
    play.add_argument("--name", default="", help="with --record: the trainee's display name (optional)")
    play.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS, help="keep all user data under DIR")
    _condition_option(play)
    add_login_options(play)        # --record of a plan with 'mark' steps: the marking is a trainer's
    play.set_defaults(handler=_cmd_play)

    test = sub.add_parser("test", help="run playthrough test plans (*.plan.yaml)")
    test.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="plan files or folders (default: .)")
    test.add_argument("--format", choices=("text", "json"), default="text")
    test.set_defaults(handler=_cmd_test)

    audit = sub.add_parser("audit", help="can a trainee who ignores the text pass? (cues and text-blind strategies)")
    audit.add_argument("paths", nargs="+", metavar="SCENARIO", help="scenario files or folders")
    audit.add_argument("--seeds", type=int, default=41, metavar="N", help="random-choice runs (default: 41)")
    audit.add_argument("--json", action="store_true", help="print the reports as JSON")
    audit.set_defaults(handler=_cmd_audit)

    explore = sub.add_parser("explore", help="explore every reachable state and report score bounds")
    explore.add_argument("scenario", metavar="SCENARIO")
    explore.add_argument("--json", action="store_true", help="print the report as JSON")
    explore.add_argument("--write-best", metavar="FILE", help="write the full-marks path as a play script")
    explore.add_argument("--budget", metavar="SECONDS", type=float, default=EXPLORE_BUDGET,
                         help=f"stop after this many seconds (for each combination of run conditions) with "
                              f"bounds instead of exact figures (default {EXPLORE_BUDGET:g}; 0 for no limit)")
    _condition_option(explore, "explore only under this run condition (default: every combination)")
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

    # author mode hook: the scenario map, live preview and file watching (Qt imported in the handler)
    author = sub.add_parser("author", help="open a scenario in Author mode (map, live preview, re-check on save)")
    author.add_argument("scenario", metavar="SCENARIO")
    author.set_defaults(handler=_cmd_author)

    export = sub.add_parser("export", help="export session records: CSV, JSON, HTML or PDF reports, xAPI")
    export.add_argument("--format", choices=("csv", "json", "html", "pdf", "xapi"), default="csv")
    export.add_argument("--what", choices=("sessions", "decisions", "cohort"), default="sessions",
                        help="sessions (one row or report each), decisions (one row each), or a cohort report")
    export.add_argument("--session", metavar="ID", help="only this session")
    export.add_argument("--trainee", metavar="ID", help="only this trainee's sessions")
    export.add_argument("--scenario", dest="scenario_id", metavar="ID", help="only sessions of this scenario id")
    export.add_argument("--status", choices=("in_progress", "finished", "abandoned"), help="only sessions with this status")
    export.add_argument("--output", metavar="PATH", help="write here (default: stdout; pdf needs PATH)")
    export.add_argument("--iri-base", default=None, metavar="IRI", help="xAPI IRI base (default: https://hydra-sim.example.org)")
    export.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS, help="keep all user data under DIR")
    add_login_options(export)
    export.set_defaults(handler=needs_trainer(_cmd_export))

    push = sub.add_parser("push", help="send finished sessions as xAPI statements to a Learning Record Store")
    push.add_argument("--endpoint", metavar="URL",
                      help="the LRS xAPI address, e.g. https://lrs/xAPI (default: saved with 'hydra-sim lrs set')")
    push.add_argument("--user", metavar="USER", help="the LRS user (basic auth key; default: the saved one)")
    push.add_argument("--password-env", default="HYDRA_SIM_LRS_PASSWORD", metavar="VAR",
                      help="environment variable holding the password (default: %(default)s); otherwise the "
                           "password saved in the OS keyring, otherwise asked for when interactive")
    push.add_argument("--save-password", action="store_true",
                      help="save the endpoint and user in settings.ini and the password in the OS keyring "
                           "(never in a file; refused where there is no secure keyring)")
    push.add_argument("--iri-base", default=None, metavar="IRI", help="xAPI IRI base")
    push.add_argument("--batch-size", type=int, default=50, metavar="N")
    push.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS, help="keep all user data under DIR")
    add_login_options(push)
    push.set_defaults(handler=needs_trainer(_cmd_push))
    _add_lrs_commands(sub)
    _add_records_commands(sub)
    add_trainer_command(sub)
    from .exercise.commands import add_exercise_commands  # facilitate / station (network imported lazily)
    add_exercise_commands(sub, open_console=_open_exercise_console)
    # review window hook: the trainer review window alone (Qt imported inside the handler)
    review = sub.add_parser("review", help="open the trainer review window on the sessions under --home")
    review.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS, help="keep all user data under DIR")
    review.set_defaults(handler=_cmd_review)
    return parser


def _open_exercise_console(args) -> int:  # facilitator console hook (hydra-sim facilitate, no --headless)
    try:
        from .gui.exercise.console import run
    except ImportError as exc:
        print(f"hydra-sim facilitate: the console window is not available ({exc}); "
              "use --headless to run the exercise from the terminal", file=sys.stderr)
        return 2
    return run(args)


def _cmd_review(args) -> int:  # review window hook
    try:
        from .gui.review.window import run_review
    except ImportError as exc:
        print(f"hydra-sim review: cannot start the review window: {exc}", file=sys.stderr)
        return 1
    return run_review(args)


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
                from .engine.audit import audit_problems
                from .engine.deep_checks import deep_check
                from .engine.deep_checks import MAX_SCENES
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
    from .engine.plan import load_test_plan, run_plan
    from .engine.runner import ScenarioRunner
    from .engine.scoring import score_runner

    scenario = _load_or_report(args.scenario)
    if scenario is None:
        return 1
    plan, problems = load_test_plan(Path(args.script), args.script)
    errors = [p for p in problems if p.severity == ERROR]
    if plan is None or errors:
        for problem in errors or problems:
            print(problem.format(), file=sys.stderr)
        return 1
    steps = plan.steps
    conditions = _conditions_or_report(scenario, [f"{k}={v}" for k, v in plan.conditions.items()] + args.condition)
    if conditions is None:
        return 2
    if args.record and any(step.kind == "mark" for step in steps):
        args.trainer_login = login(args, "hydra-sim play --record")   # a marking is a trainer's, in their name
        if args.trainer_login is None:
            return 1
    if args.record:
        result = _record_play(args, scenario, steps, conditions)
        if result is None:
            return 2
    else:
        result = run_plan(scenario, steps, ScenarioRunner(scenario, conditions=conditions))
    report = score_runner(result.runner)
    if args.json:
        data = play_json(scenario, result.runner, report)
        data["steps_played"] = result.steps_done
        data["error"] = result.problem.to_dict() if result.problem else None
        if args.record:
            data["session_id"] = result.session_id
        print(json.dumps(data, indent=2, default=str))
    else:
        print(play_text(scenario, result.runner, report))
        if args.record:
            print(f"Recorded as session {result.session_id}.")
    if result.problem is not None:
        print(result.problem.format(), file=sys.stderr)
        return 1
    return 0


def _conditions_or_report(scenario, assignments: list[str]) -> dict | None:
    """``--condition NAME=VALUE`` (and a plan's ``conditions``), checked; None after saying what is wrong.
    Conditions not given take their defaults, so a script plays the same way every time."""
    from .engine.run_conditions import ConditionError, defaults, parse_assignments
    try:
        return dict(defaults(scenario), **parse_assignments(assignments, scenario))
    except ConditionError as exc:
        print(f"hydra-sim: {exc}", file=sys.stderr)
        return None


def _record_play(args, scenario, steps, conditions):
    """``play --record``: the playthrough stored as a session (records/recording.py); None on a usage error."""
    from .records import SessionStore, StoreError, TraineeInfo, default_store_path
    from .records.recording import record_plan
    if not args.trainee:
        print("hydra-sim play: --record needs --trainee ID (whose session it is)", file=sys.stderr)
        return None
    try:
        with SessionStore(default_store_path()) as store:
            trainer = getattr(args, "trainer_login", None)
            return record_plan(store, scenario, steps, TraineeInfo(args.trainee, display_name=args.name),
                               conditions=conditions, assessor=trainer.name if trainer else None)
    except (StoreError, ValueError) as exc:
        print(f"hydra-sim play: {getattr(exc, 'message', exc)}", file=sys.stderr)
        return None


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
                    print(one_line(f"  {loc}: {problem['severity']} {problem['code']} {problem['message']}{hint}"))
        print(f"{len(results)} plan{'s' if len(results) != 1 else ''}: {len(results) - len(failed)} passed, "
              f"{len(failed)} failed", file=sys.stderr)
    if not results:
        print("no test plans (*.plan.yaml) found", file=sys.stderr)
        return 1
    return 1 if failed else 0


# -- explore ----------------------------------------------------------------------------
def _cmd_audit(args) -> int:
    """Exit 0 when every scenario is within the audit's targets, 1 otherwise (or on a load error)."""
    from dataclasses import asdict

    from .engine.audit import audit, format_report, within_targets

    files, problems = _collect_files(args.paths)
    for problem in problems:
        print(problem.format(), file=sys.stderr)
    scenarios = [f for f in files if not f.name.endswith((CATALOGUE_SUFFIX, PLAN_SUFFIX))
                 and f.name != "hydra-project.yaml"]
    status = 1 if problems or not scenarios else 0
    reports = []
    for file in scenarios:
        scenario = _load_or_report(str(file))
        if scenario is None:
            status = 1
            continue
        report = audit(scenario, seeds=max(1, args.seeds))
        status |= 0 if within_targets(report) else 1
        if args.json:
            data = asdict(report)
            data["cues"] = [dict(c, location=str(c["location"])) for c in data["cues"]]
            data.update(file=str(file), within_targets=within_targets(report),
                        longest_share=report.longest_share)
            reports.append(data)
        else:
            print(format_report(report))
    if args.json:
        print(json.dumps(reports, indent=2, default=str))
    return status


EXPLORE_BUDGET = 5.0


def _explore_progress(states: int, queued: int, seconds: float) -> None:
    """Progress on standard error (standard output stays the report, JSON included)."""
    line = f"exploring: {states:,} states, {queued:,} queued, {seconds:.1f} s"
    if sys.stderr.isatty():
        print(f"\r{line}", end="", file=sys.stderr, flush=True)
    elif int(seconds / 0.25) % 8 == 0:               # every two seconds or so in a log
        print(line, file=sys.stderr, flush=True)


def _cmd_explore(args) -> int:
    from .console import explore_text
    from .engine.explorer import explore
    from .engine.run_conditions import ConditionError, combinations, parse_assignments, short

    scenario = _load_or_report(args.scenario)
    if scenario is None:
        return 1
    try:
        fixed = parse_assignments(args.condition, scenario)
    except ConditionError as exc:
        print(f"hydra-sim explore: {exc}", file=sys.stderr)
        return 2
    # every combination of the run conditions that agrees with the fixed ones
    settings = [c for c in combinations(scenario) if all(c[k] == v for k, v in fixed.items())]
    reports = []
    for conditions in settings:
        reports.append((conditions, explore(scenario, conditions=conditions, budget=args.budget or None,
                                            progress=_explore_progress)))
        if sys.stderr.isatty():
            print(file=sys.stderr)
    if args.json:
        data = ([{"conditions": c, "report": r.to_dict()} for c, r in reports] if scenario_has_conditions(scenario)
                else reports[0][1].to_dict())
        print(json.dumps(data, indent=2, default=str))
    else:
        for conditions, report in reports:
            if conditions:
                print(f"== run conditions: {short(conditions)}")
            print(explore_text(scenario, report))
    best = reports[0][1].full_marks_path
    if args.write_best and len(reports) > 1:
        print("hydra-sim explore: --write-best needs one combination: fix every run condition with --condition",
              file=sys.stderr)
        return 2
    if args.write_best and best is not None:
        import yaml
        data = ({"conditions": reports[0][0]} if reports[0][0] else {}) | {"steps": best}
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        Path(args.write_best).write_text(f"# Full-marks path found by hydra-sim explore\n{text}", encoding="utf-8")
    return 0


def scenario_has_conditions(scenario) -> bool:
    return any(v.run_condition for v in scenario.variables.values())


def _condition_option(parser, text: str = "fix a run condition (repeat for several; the rest take their defaults)"):
    parser.add_argument("--condition", action="append", default=[], metavar="NAME=VALUE", help=text)


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
        from .gui.svg_png import svg_to_png  # the one Qt import here, only for PNG output
        svg_to_png(graphs.to_svg(model), Path(args.output))
        print(args.output)
        return 0
    text = {"mermaid": graphs.to_mermaid, "dot": graphs.to_dot, "svg": graphs.to_svg}[args.format](model)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(args.output)
    else:
        _data_out().write(text)
    return 0


# -- export, push (records) -------------------------------------------------------------
def _open_store_or_report():
    from .records import SessionStore, StoreError, default_store_path

    path = default_store_path()
    if not path.exists():
        print(f"hydra-sim: no session store at {path} (nothing recorded yet, or check --home)", file=sys.stderr)
        return None
    try:
        return SessionStore(path)
    except StoreError as exc:
        print(f"hydra-sim: {exc}", file=sys.stderr)
        return None


def _register_export(path, kind: str, summaries) -> None:
    """Note the file in the export register, so erasure and access requests find it."""
    from .records import export_register
    export_register.note(path, kind, [s.trainee.trainee_id for s in summaries])


def _cmd_export(args) -> int:
    from .records import StoreError, exports
    from .records.xapi import DEFAULT_IRI_BASE, statements_for

    if args.format == "pdf" and not args.output:
        print("hydra-sim export: --format pdf needs --output FILE", file=sys.stderr)
        return 2
    store = _open_store_or_report()
    if store is None:
        return 1
    try:
        with store:
            summaries = exports.select_sessions(store, session_id=args.session, trainee_id=args.trainee,
                                                scenario_id=args.scenario_id, status=args.status)
            records = exports.gather_all(store, summaries)
            store.log_trainer_action(args.trainer_login.name, "export",
                                     {"format": args.format, "what": args.what, "sessions": len(records)})
    except StoreError as exc:
        print(f"hydra-sim export: {exc}", file=sys.stderr)
        return 1
    filters = ", ".join(f"{k} {v}" for k, v in (("session", args.session), ("trainee", args.trainee),
                                                   ("scenario", args.scenario_id), ("status", args.status)) if v)
    try:
        if args.format == "xapi":
            text = json.dumps(statements_for(records, args.iri_base or DEFAULT_IRI_BASE), indent=2,
                              ensure_ascii=False)
        elif args.format == "csv":
            text = exports.decisions_csv(records) if args.what == "decisions" else (
                exports.sessions_csv(records) if args.what == "sessions" else None)
            if text is None:
                print("hydra-sim export: a cohort is a report: use --format html, pdf or json", file=sys.stderr)
                return 2
        elif args.format == "json":
            text = exports.cohort_json(records) if args.what == "cohort" else exports.sessions_json(records)
        else:
            if args.what == "cohort":
                text = exports.cohort_html(records, filters=filters)
            elif len(records) == 1:
                text = exports.session_html(records[0])
            else:
                print("hydra-sim export: an HTML or PDF session report is for one session: give --session ID "
                      f"({len(records)} sessions match), or use --what cohort", file=sys.stderr)
                return 2
    except ValueError as exc:
        print(f"hydra-sim export: {exc}", file=sys.stderr)
        return 2
    if args.format == "pdf":
        try:
            from .gui.report_pdf import html_to_pdf
        except ImportError as exc:
            print(f"hydra-sim export: PDF needs the app's Qt libraries ({exc})", file=sys.stderr)
            return 1
        html_to_pdf(text, args.output)
        _owner_only(args.output)
        _register_export(args.output, f"{args.format} report", summaries)
        print(args.output)
        return 0
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8", newline="")
        _owner_only(args.output)
        _register_export(args.output, f"{args.format} report", summaries)
        print(args.output)
    else:
        _data_out().write(text if text.endswith("\n") else text + "\n")
    return 0


def _owner_only(path) -> None:
    """Exports hold personal data: readable by their owner only (POSIX), unless it is not a regular file."""
    from .records import filemodes

    if Path(path).is_file():
        filemodes.restrict(path)


def _lrs_password(variable: str, settings=None) -> str | None:
    """The LRS password: the environment variable, then the OS keyring, then a prompt (never a file)."""
    from .records import credentials

    def ask():
        if sys.stdin.isatty():
            import getpass
            return getpass.getpass(f"LRS password (or set {variable}): ")
        return None

    if settings is None:
        import os
        return os.environ.get(variable) or ask()
    return credentials.password_from(settings, variable, ask)[0]


def _lrs_target(args):
    """Endpoint and user from the command line, else the saved ones; None after printing why."""
    from .records import credentials

    try:
        saved = credentials.load_settings()
    except ValueError as exc:
        print(f"hydra-sim push: {exc}", file=sys.stderr)
        return None
    endpoint = args.endpoint or (saved.endpoint if saved else None)
    user = args.user or (saved.user if saved else None)
    if not endpoint or not user:
        print("hydra-sim push: give --endpoint and --user, or save them once with "
              "'hydra-sim lrs set --endpoint URL --user USER'", file=sys.stderr)
        return None
    return credentials.LrsSettings(endpoint.strip().rstrip("/"), user.strip())


def _cmd_push(args) -> int:
    from .records import StoreError
    from .records.lrs import LrsClient
    from .records.queue import XapiQueue
    from .records.xapi import DEFAULT_IRI_BASE, queue_finished_sessions

    target = _lrs_target(args)
    if target is None:
        return 2
    password = _lrs_password(args.password_env, target)
    if not password:
        print(f"hydra-sim push: no password: set {args.password_env}, save one with 'hydra-sim lrs set', "
              "or run it in a terminal to be asked", file=sys.stderr)
        return 2
    try:
        client = LrsClient(target.endpoint, target.user, password, batch_size=args.batch_size)
    except ValueError as exc:
        print(f"hydra-sim push: {exc}", file=sys.stderr)
        return 2
    if args.save_password:
        _save_lrs(target, password, "hydra-sim push")
    store = _open_store_or_report()
    with XapiQueue() as queue:
        if store is not None:
            try:
                with store:
                    added = queue_finished_sessions(store, queue, client.endpoint, args.iri_base or DEFAULT_IRI_BASE)
                    store.log_trainer_action(args.trainer_login.name, "xAPI push", {"statements_queued": added})
            except (StoreError, ValueError) as exc:
                print(f"hydra-sim push: {exc}", file=sys.stderr)
                return 1
            if added:
                print(f"queued {added} new statement{'s' if added != 1 else ''}", file=sys.stderr)
        result = client.flush(queue)
    for error in result.errors:
        print(f"hydra-sim push: {error}", file=sys.stderr)
    print(f"sent {result.sent}, already there {result.already}, still queued {result.queued}")
    return 0 if result.queued == 0 else 1


# -- lrs: saved LRS settings (endpoint and user in settings.ini, password in the OS keyring) ----
def _add_lrs_commands(sub) -> None:
    lrs = sub.add_parser("lrs", help="save, show or forget the Learning Record Store settings used by push")
    lrs.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS, help="keep all user data under DIR")
    actions = lrs.add_subparsers(dest="lrs_command", metavar="ACTION", required=True)
    set_ = actions.add_parser("set", help="save the endpoint and user, and the password in the OS keyring")
    set_.add_argument("--endpoint", required=True, metavar="URL", help="the LRS xAPI address")
    set_.add_argument("--user", required=True, metavar="USER", help="the LRS user (basic auth key)")
    set_.add_argument("--password-env", default="HYDRA_SIM_LRS_PASSWORD", metavar="VAR",
                      help="read the password to save from this variable (default: %(default)s; else asked)")
    set_.add_argument("--no-password", action="store_true", help="save the endpoint and user only")
    set_.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS, help="keep all user data under DIR")
    show = actions.add_parser("show", help="show the saved endpoint and user and where the password is kept")
    show.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS, help="keep all user data under DIR")
    forget = actions.add_parser("forget", help="remove the saved settings and the password from the keyring")
    forget.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS, help="keep all user data under DIR")
    for action in (set_, forget):
        add_login_options(action)
    for action in (set_, show, forget):
        action.set_defaults(handler=needs_trainer(_cmd_lrs, when=lambda a: a.lrs_command in ("set", "forget")))


def _save_lrs(target, password: str | None, who: str) -> bool:
    """Save endpoint and user, and the password in the keyring; False (after saying why) if not all was saved."""
    from .records import credentials

    try:
        path = credentials.save_settings(target)
    except ValueError as exc:
        print(f"{who}: {exc}", file=sys.stderr)
        return False
    print(f"saved the LRS endpoint and user in {path}", file=sys.stderr)
    if password is None:
        return True
    try:
        credentials.save_password(target, password)
    except credentials.KeyringUnavailable as exc:
        print(f"{who}: the password was NOT saved: {exc}", file=sys.stderr)
        return False
    print(f"saved the password in the OS keyring ({credentials.keyring_description()})", file=sys.stderr)
    return True


def _cmd_lrs(args) -> int:
    import os

    from .records import credentials

    who = f"hydra-sim lrs {args.lrs_command}"
    try:
        if args.lrs_command == "show":
            saved = credentials.load_settings()
            if saved is None:
                print(f"no LRS settings saved in {credentials.settings_path()}")
                return 0
            print(f"endpoint: {saved.endpoint}\nuser: {saved.user}")
            try:
                credentials.secure_backend()
            except credentials.KeyringUnavailable as exc:
                print(f"password: not saved ({exc})")
                return 0
            found = credentials.get_password(saved)
            print("password: " + (f"saved in the OS keyring ({credentials.keyring_description()})" if found
                                  else "not saved (push uses $HYDRA_SIM_LRS_PASSWORD or asks)"))
            return 0
        if args.lrs_command == "forget":
            removed = credentials.forget()
            print("removed the saved LRS settings and password" if removed else "no LRS settings were saved")
            return 0
    except ValueError as exc:
        print(f"{who}: {exc}", file=sys.stderr)
        return 1
    target = credentials.LrsSettings(args.endpoint.strip().rstrip("/"), args.user.strip())
    password = None
    if not args.no_password:
        try:
            credentials.secure_backend()
        except credentials.KeyringUnavailable as exc:
            _save_lrs(target, None, who)
            print(f"{who}: the password was NOT saved: {exc}", file=sys.stderr)
            return 1
        password = os.environ.get(args.password_env)
        if not password and sys.stdin.isatty():
            import getpass
            password = getpass.getpass("LRS password to save in the OS keyring: ")
        if not password:
            print(f"{who}: no password: set {args.password_env} or run it in a terminal to be asked "
                  "(or use --no-password)", file=sys.stderr)
            return 2
    return 0 if _save_lrs(target, password, who) else 1


# -- records: verify, rescore, trainee, retention, bundles -----------------------------------
def _add_records_commands(sub) -> None:
    def home(command):          # --home after the subcommand too; SUPPRESS keeps a --home given before it
        command.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS, help="keep all user data under DIR")
        return command

    def trainer(command):       # a trainer command: --trainer and --passphrase-file too
        return add_login_options(home(command))

    verify = home(sub.add_parser("verify", help="check the session records' hash chains for tampering"))
    verify.add_argument("--store", metavar="FILE", help="check this store file (a copy, a backup) instead of the "
                                                         "home's; it is only read, never changed")
    verify.set_defaults(handler=_cmd_verify)

    rescore = trainer(sub.add_parser("rescore", help="re-score a stored session against a (newer) scenario file"))
    rescore.add_argument("session_id", metavar="SESSION_ID")
    rescore.add_argument("scenario", metavar="SCENARIO_FILE")
    rescore.add_argument("--json", action="store_true", help="print the stored rescore as JSON")
    rescore.set_defaults(handler=needs_trainer(_cmd_rescore))

    trainee = trainer(sub.add_parser("trainee", help="list, export or delete a trainee's records (UK GDPR)"))
    actions = trainee.add_subparsers(dest="action", metavar="ACTION", required=True)
    add_login_options(actions.add_parser("list", help="every trainee id with sessions"))
    export = add_login_options(actions.add_parser("export", help="everything stored about a trainee, as JSON"))
    export.add_argument("trainee_id", metavar="ID")
    export.add_argument("--output", metavar="FILE", help="write to FILE (default: stdout)")
    delete = add_login_options(actions.add_parser("delete", help="delete every session of a trainee"))
    delete.add_argument("trainee_id", metavar="ID")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    trainee.set_defaults(handler=needs_trainer(_cmd_trainee))

    retention = trainer(sub.add_parser("retention", help="save the retention period and delete older sessions"))
    retention.add_argument("--months", type=int, metavar="N", help="keep sessions for N months (saved)")
    retention.add_argument("--off", action="store_true", help="clear the saved retention period")
    retention.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    retention.set_defaults(handler=needs_trainer(_cmd_retention))

    export_bundle = trainer(sub.add_parser("export-bundle", help="write sessions to a bundle file for another machine"))
    export_bundle.add_argument("file", metavar="FILE", help="the bundle (.jsonl, or .jsonl.gz compressed)")
    export_bundle.add_argument("--trainee", metavar="ID", help="only this trainee's sessions")
    export_bundle.set_defaults(handler=needs_trainer(_cmd_export_bundle))

    import_bundle = trainer(sub.add_parser("import-bundle", help="add the sessions of a bundle file to this store"))
    import_bundle.add_argument("file", metavar="FILE")
    import_bundle.set_defaults(handler=needs_trainer(_cmd_import_bundle))

    check_bundle = home(sub.add_parser("check-bundle", help="check a bundle's hash chains (and seals, given its key)"))
    check_bundle.add_argument("file", metavar="FILE")
    check_bundle.set_defaults(handler=_cmd_check_bundle)


def _records_command(run, readonly: bool = False):
    """Open the session store for a records command; a StoreError becomes a message and exit code 1.
    ``readonly``: the command only reads (verify), so the file is opened read-only and never changed."""
    if not callable(run):
        return lambda function: _records_command(function, readonly=run)

    def handler(args) -> int:
        from .records import SessionStore, StoreError, default_store_path

        if getattr(args, "home", None):
            paths.set_home(args.home)
        try:
            path = getattr(args, "store", None) or default_store_path()
            with SessionStore(path, readonly=readonly) as store:
                return run(args, store)
        except StoreError as exc:
            print(f"hydra-sim {args.command}: {exc.message}", file=sys.stderr)
            return 1
    return handler


def _confirm(question: str, yes: bool) -> bool:
    """--yes, or an interactive "y"; refuses (False) when stdin is not a terminal."""
    if yes:
        return True
    stdin = sys.stdin
    if stdin is None or not stdin.isatty():
        print("not deleting: confirm with --yes when not running interactively", file=sys.stderr)
        return False
    print(f"{question} [y/N] ", end="", flush=True)
    return stdin.readline().strip().lower() in ("y", "yes")


def _session_line(summary) -> str:
    return (f"{summary.session_id}  {summary.trainee.trainee_id}  {summary.scenario_id} {summary.scenario_version}"
            f"  started {summary.started_at}  last activity {summary.updated_at}  {summary.status}")


def _confirm_deletion(sessions, question: str, yes: bool) -> bool:
    """List the sessions about to be deleted, one line each, then ask as ``_confirm`` does."""
    for summary in sessions:
        print(_session_line(summary))
    return _confirm(question, yes)


@_records_command(True)
def _cmd_verify(args, store) -> int:
    issues = store.verify()
    status = store.integrity_status()
    count = len(store.sessions())
    if status["key_present"]:
        print(f"records key: fingerprint {status['fingerprint']} ({status['key_path']}); note it down: "
              "a different fingerprint later means the key was replaced")
    else:
        print(f"no records key at {status['key_path']}: the hash chains were checked, but not the seals that tell "
              "an honest record from a re-hashed forgery (check it where its records key is)")
    for issue in issues:          # a damaged id may hold bytes that are not text: printed escaped
        print(str(issue).encode("utf-8", "backslashreplace").decode("utf-8"))
    unkeyed = status["unkeyed"]
    if unkeyed:
        since = min(unkeyed.values())[:10]
        print(f"{len(unkeyed)} session{'s' if len(unkeyed) != 1 else ''} unkeyed (older format): chained before "
              f"this store had a records key, sealed since {since}; edits made before then cannot be detected")
    if status["key_present"]:
        print(f"{status['keyed']} keyed (sealed with this installation's records key from their start)")
    bad = len({i.session_id for i in issues})
    print(f"{count} session{'s' if count != 1 else ''} verified, {bad} with problems")
    return 1 if issues else 0


def _cmd_check_bundle(args) -> int:
    from .records import keys
    from .records.bundles import BundleError, check_bundle

    if getattr(args, "home", None):
        paths.set_home(args.home)
    location = keys.key_path_for(paths.home_dir() / "records" / "sessions.sqlite3")
    try:
        key = keys.load_or_create(location) if location.exists() else None
        result = check_bundle(args.file, key)
    except (BundleError, keys.RecordsKeyError, OSError) as exc:
        print(f"hydra-sim check-bundle: {exc}", file=sys.stderr)
        return 1
    for problem in result.problems:
        print(problem)
    print(f"exported by the installation whose records key has fingerprint {result.fingerprint or 'unknown'}")
    if result.seals_checked:
        print("this installation holds that key: hash chains AND seals checked (consistency and authenticity)")
    else:
        print("this installation does not hold that key: hash chains checked (consistency), seals NOT checked: "
              "someone who rewrote the bundle and recomputed its hashes would not be detected here")
    print(f"{result.sessions} session{'s' if result.sessions != 1 else ''} checked, "
          f"{len(result.problems)} problem{'s' if len(result.problems) != 1 else ''}")
    return 1 if result.problems else 0


@_records_command
def _cmd_rescore(args, store) -> int:
    from .engine.runner import ReplayError

    scenario = _load_or_report(args.scenario)
    if scenario is None:
        return 1
    original = store.session(args.session_id)
    try:
        stored = store.rescore(args.session_id, scenario, author=args.trainer_login.name)
    except (ValueError, ReplayError) as exc:
        print(f"hydra-sim rescore: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(stored, indent=2, ensure_ascii=False))
    else:
        was = f"{original.percent}% {original.grade}" if original.grade else "not finished"
        catalogues = ", ".join(f"{k} {v}" for k, v in stored["catalogues"].items()) or "none"
        print(f"session {args.session_id}: {scenario.id} {scenario.version} (catalogues {catalogues})")
        print(f"  original: {was}; rescored: {stored['percent']}% {stored['grade_id']} (rescore {stored['id']})")
    return 0


@_records_command
def _cmd_trainee(args, store) -> int:
    if args.action == "list":
        for trainee_id in store.trainee_ids():
            print(f"{trainee_id}\t{len(store.sessions(trainee_id=trainee_id))} sessions")
        return 0
    from .records.erasure import erase_trainee, find_trainee
    if args.action == "export":
        from .records.privacy import trainee_export_text, write_trainee_export
        store.log_trainer_action(args.trainer_login.name, "subject access export", {})
        if args.output:
            count = write_trainee_export(store, args.trainee_id, args.output)
            print(f"wrote {count} session{'s' if count != 1 else ''} of {args.trainee_id} to {args.output}",
                  file=sys.stderr)
        else:
            _data_out().write(trainee_export_text(store, args.trainee_id))
        print("places searched:", *(f"  {p.line()}" for p in find_trainee(store, args.trainee_id)), sep="\n",
              file=sys.stderr)
        return 0
    sessions = store.sessions(trainee_id=args.trainee_id)
    if not sessions and not args.yes:
        print(f"no sessions of trainee {args.trainee_id} in the store; add --yes to remove them from the "
              "other places (queue, exports, logs, settings)", file=sys.stderr)
        return 1
    if sessions and not _confirm_deletion(sessions, f"Delete these {len(sessions)} sessions of {args.trainee_id} "
                                          "and everything attached, with its copies?", args.yes):
        return 1
    places = erase_trainee(store, args.trainee_id, by=args.trainer_login.name)
    count = places[0].found
    print(f"deleted {count} session{'s' if count != 1 else ''} of {args.trainee_id}; every place searched:")
    for place in places:
        print(f"  {place.line()}")
    return 1 if any(p.where.startswith("still holds") for p in places) else 0


@_records_command
def _cmd_retention(args, store) -> int:
    if args.off:
        store.set_retention_months(None, by=args.trainer_login.name)
        print("retention period cleared: sessions are kept until deleted")
        return 0
    if args.months is not None:
        if args.months < 1:
            print("hydra-sim retention: --months must be 1 or more", file=sys.stderr)
            return 2
        store.set_retention_months(args.months, by=args.trainer_login.name)
    months = store.retention_months()
    if months is None:
        print("no retention period set (use --months N)")
        return 0
    due = store.sessions_older_than(months)
    print(f"retention period: {months} months; {len(due)} session{'s' if len(due) != 1 else ''} older than that")
    if not due:
        return 0
    if not _confirm_deletion(due, f"Delete these {len(due)} sessions and everything attached?", args.yes):
        return 1
    from .records.privacy import delete_with_copies
    deleted = delete_with_copies(store, [s.session_id for s in due], by=args.trainer_login.name)
    print(f"deleted {deleted} sessions, with their queued statements and the exports that held only them")
    return 0


@_records_command
def _cmd_export_bundle(args, store) -> int:
    from .records.bundles import export_bundle
    count = export_bundle(store, args.file, trainee_id=args.trainee)
    store.log_trainer_action(args.trainer_login.name, "bundle export", {"sessions": count})
    print(f"wrote {count} session{'s' if count != 1 else ''} to {args.file}")
    return 0


@_records_command
def _cmd_import_bundle(args, store) -> int:
    from .records.bundles import BundleError, import_bundle
    try:
        result = import_bundle(store, args.file)
    except BundleError as exc:
        print(f"hydra-sim import-bundle: {exc}", file=sys.stderr)
        return 1
    store.log_trainer_action(args.trainer_login.name, "bundle import",
                             {"added": result.added, "already_present": result.skipped_existing,
                              "rejected": len(result.rejected)})
    for reason in result.rejected:
        print(f"rejected: {reason}")
    print(f"{result.added} added, {result.skipped_existing} already present, {len(result.rejected)} rejected")
    return 1 if result.rejected else 0


# -- gui --------------------------------------------------------------------------------
def _cmd_author(args) -> int:
    """author mode hook: ``hydra-sim author SCENARIO`` opens Author mode on that file."""
    if not Path(args.scenario).is_file():
        print(f"hydra-sim author: no such file: {args.scenario}", file=sys.stderr)
        return 2
    try:
        from .gui.author import run_author
    except ImportError as exc:
        print(f"hydra-sim: cannot start Author mode: {exc}", file=sys.stderr)
        return 1
    return run_author(args.scenario)


def _launch_gui(args) -> int:
    try:
        from .app import run_app
    except ImportError as exc:
        print(f"hydra-sim: cannot start the app: {exc}. Install it with: pip install hydra-sim", file=sys.stderr)
        return 1
    if getattr(args, "join", None):        # facilitated exercise: the join dialog, filled in
        from .gui.exercise.station import schedule_join
        try:
            schedule_join(args)
        except ValueError as exc:
            print(f"hydra-sim --join: {exc}", file=sys.stderr)
            return 2
    return run_app(args)


if __name__ == "__main__":
    raise SystemExit(main())

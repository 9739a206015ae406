"""``hydra-sim test``: run playthrough test plans (``*.plan.yaml``).

Imported only when one of its commands runs (hydra_sim/cli/__init__.py lists them); it may import
the engine and records; Qt only inside a handler that opens a window or draws.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..engine.loader import load_scenario
from ..engine.plan import PLAN_SUFFIX
from ..engine.problems import ERROR, Location, Problem
from ..terminal import one_line


def add_parser(sub) -> None:
    test = sub.add_parser("test", help="run playthrough test plans (*.plan.yaml)")
    test.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="plan files or folders (default: .)")
    test.add_argument("--format", choices=("text", "json"), default="text")
    test.set_defaults(handler=_cmd_test)


def run_test_plans(arguments: list[str]) -> list[dict]:
    """Run every plan under the given paths; one result dict per plan."""
    from ..engine.plan import load_test_plan, run_test_plan

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

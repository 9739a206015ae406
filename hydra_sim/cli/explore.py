"""``hydra-sim explore``: every reachable state and the score bounds.

Imported only when one of its commands runs (hydra_sim/cli/__init__.py lists them); it may import
the engine and records; Qt only inside a handler that opens a window or draws.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .common import _condition_option, _load_or_report, scenario_has_conditions


def add_parser(sub) -> None:
    explore = sub.add_parser("explore", help="explore every reachable state and report score bounds")
    explore.add_argument("scenario", metavar="SCENARIO")
    explore.add_argument("--json", action="store_true", help="print the report as JSON")
    explore.add_argument("--write-best", metavar="FILE", help="write the full-marks path as a play script")
    explore.add_argument("--budget", metavar="SECONDS", type=float, default=EXPLORE_BUDGET,
                         help=f"stop after this many seconds (for each combination of run conditions) with "
                              f"bounds instead of exact figures (default {EXPLORE_BUDGET:g}; 0 for no limit)")
    explore.add_argument("--seat", metavar="SEAT", help="a seated scenario: explore it as this seat plays it, "
                                                        "the other seats' decisions taken by their stand-ins")
    _condition_option(explore, "explore only under this run condition (default: every combination)")
    explore.set_defaults(handler=_cmd_explore)


EXPLORE_BUDGET = 5.0


def _explore_progress(states: int, queued: int, seconds: float) -> None:
    """Progress on standard error (standard output stays the report, JSON included)."""
    line = f"exploring: {states:,} states, {queued:,} queued, {seconds:.1f} s"
    if sys.stderr.isatty():
        print(f"\r{line}", end="", file=sys.stderr, flush=True)
    elif int(seconds / 0.25) % 8 == 0:               # every two seconds or so in a log
        print(line, file=sys.stderr, flush=True)


def _cmd_explore(args) -> int:
    from ..console import explore_text
    from ..engine.explorer import explore
    from ..engine.run_conditions import ConditionError, combinations, defaults, parse_assignments, short

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
    if args.seat is not None and args.seat not in scenario.seats:
        known = ", ".join(scenario.seats) or "none"
        print(f"hydra-sim explore: no seat '{args.seat}' in {scenario.id} (seats: {known})", file=sys.stderr)
        return 2
    reports = []
    for conditions in settings:
        reports.append((conditions, explore(scenario, conditions=conditions, budget=args.budget or None,
                                            progress=_explore_progress, seat=args.seat)))
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
    # a play script fits one combination: the defaults' when they were explored, else the first
    chosen = next((pair for pair in reports if pair[0] == defaults(scenario)), reports[0])
    best = chosen[1].full_marks_path
    if args.write_best and len(reports) > 1:
        print(f"hydra-sim explore: --write-best wrote the full-marks path under {short(chosen[0])} (the plan says "
              "so); fix the run conditions with --condition for another", file=sys.stderr)
    if args.write_best and best is not None:
        import yaml
        data = ({"conditions": chosen[0]} if chosen[0] else {}) | ({"seat": args.seat} if args.seat else {}) | \
            {"steps": best}
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        Path(args.write_best).write_text(f"# Full-marks path found by hydra-sim explore\n{text}", encoding="utf-8")
    return 0

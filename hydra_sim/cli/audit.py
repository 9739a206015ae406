"""``hydra-sim audit``: can a trainee who ignores the text pass?

Imported only when one of its commands runs (hydra_sim/cli/__init__.py lists them); it may import
the engine and records; Qt only inside a handler that opens a window or draws.
"""

from __future__ import annotations

import json
import sys

from ..engine.catalogue import CATALOGUE_SUFFIX
from ..engine.plan import PLAN_SUFFIX
from .common import _collect_files, _load_or_report


def add_parser(sub) -> None:
    audit = sub.add_parser("audit", help="can a trainee who ignores the text pass? (cues and text-blind strategies)")
    audit.add_argument("paths", nargs="+", metavar="SCENARIO", help="scenario files or folders")
    audit.add_argument("--seeds", type=int, default=41, metavar="N", help="random-choice runs (default: 41)")
    audit.add_argument("--json", action="store_true", help="print the reports as JSON")
    audit.add_argument("--seat", metavar="ID|all", help="audit one seat of a seated scenario played alone, the "
                       "others taken by their stand-ins; 'all': every seat in turn")
    audit.set_defaults(handler=_cmd_audit)


def _cmd_audit(args) -> int:
    """Exit 0 when every scenario is within the audit's targets, 1 otherwise (or on a load error)."""
    from dataclasses import asdict

    from ..engine.audit import audit, format_report, within_targets

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
        seats = _seats_to_audit(scenario, args.seat)
        if seats is None:
            status = 1
            continue
        for seat in seats:
            report = audit(scenario, seeds=max(1, args.seeds), seat=seat)
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


def _seats_to_audit(scenario, wanted: str | None) -> list[str | None] | None:
    """The seats ``--seat`` asks for ([None]: the whole scenario), or None after saying why not."""
    if wanted is None:
        return [None]
    if not scenario.seats:
        print(f"{scenario.path}: scenario '{scenario.id}' has no seats, so '--seat {wanted}' cannot audit one",
              file=sys.stderr)
        return None
    if wanted == "all":
        return list(scenario.seats)
    if wanted not in scenario.seats:
        print(f"{scenario.path}: no seat '{wanted}' in scenario '{scenario.id}' (seats: {', '.join(scenario.seats)})",
              file=sys.stderr)
        return None
    return [wanted]

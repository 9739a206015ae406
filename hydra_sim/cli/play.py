"""``hydra-sim play``: play a scenario headless from a play script (optionally recorded).

Imported only when one of its commands runs (hydra_sim/cli/__init__.py lists them); it may import
the engine and records; Qt only inside a handler that opens a window or draws.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..engine.problems import ERROR
from ..trainer_cli import add_login_options, login
from .common import _condition_option, _load_or_report


def add_parser(sub) -> None:
    play = sub.add_parser("play", help="play a scenario headless from a play script")
    play.add_argument("scenario", metavar="SCENARIO")
    play.add_argument("--script", required=True, metavar="PLAN", help="a play script (.plan.yaml)")
    play.add_argument("--json", action="store_true", help="print the result as JSON")
    play.add_argument("--record", action="store_true",
                      help="record the playthrough as a session in the store under --home, as the app would")
    play.add_argument("--trainee", metavar="ID", help="with --record: the trainee id the session belongs to")
    play.add_argument("--name", default="", help="with --record: the trainee's display name (optional)")
    play.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS, help="keep all user data under DIR")
    play.add_argument("--seat", metavar="ID", help="a seated scenario: play only this seat; the other seats' "
                      "decisions are taken by their stand-ins (the script answers this seat's decisions)")
    _condition_option(play)
    add_login_options(play)        # --record of a plan with 'mark' steps: the marking is a trainer's
    play.set_defaults(handler=_cmd_play)


def _cmd_play(args) -> int:
    from ..console import play_json, play_text
    from ..engine.plan import load_test_plan, run_plan
    from ..engine.runner import RunnerError, ScenarioRunner
    from ..engine.scoring import score_runner

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
    try:
        args.seat = args.seat or plan.seat          # --seat, else the plan's own 'seat'
        runner = ScenarioRunner(scenario, conditions=conditions, seat=args.seat)
    except RunnerError as exc:          # an unknown seat, or --seat on a scenario without seats
        print(f"hydra-sim play: {exc}", file=sys.stderr)
        return 2
    if args.record:
        result = _record_play(args, scenario, steps, conditions)
        if result is None:
            return 2
    else:
        result = run_plan(scenario, steps, runner)
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
    from ..engine.run_conditions import ConditionError, defaults, parse_assignments
    try:
        return dict(defaults(scenario), **parse_assignments(assignments, scenario))
    except ConditionError as exc:
        print(f"hydra-sim: {exc}", file=sys.stderr)
        return None


def _record_play(args, scenario, steps, conditions):
    """``play --record``: the playthrough stored as a session (records/recording.py); None on a usage error."""
    from ..records import SessionStore, StoreError, TraineeInfo, default_store_path
    from ..records.recording import record_plan
    if not args.trainee:
        print("hydra-sim play: --record needs --trainee ID (whose session it is)", file=sys.stderr)
        return None
    try:
        with SessionStore(default_store_path()) as store:
            trainer = getattr(args, "trainer_login", None)
            return record_plan(store, scenario, steps, TraineeInfo(args.trainee, display_name=args.name),
                               conditions=conditions, assessor=trainer.name if trainer else None,
                               seat=args.seat)
    except (StoreError, ValueError) as exc:
        print(f"hydra-sim play: {getattr(exc, 'message', exc)}", file=sys.stderr)
        return None

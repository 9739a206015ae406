"""``hydra-sim facilitate`` and ``hydra-sim station``: the exercise's command-line entry points.

``facilitate --headless`` runs the server with commands on stdin and events as JSON lines
on stdout (the multi-process tests drive it so); without ``--headless`` it calls the
``open_console`` hook hydra_sim/cli/exercise.py passes in (which opens the GUI console). ``station`` runs a
headless station (``headless.py``). Network modules are imported inside the handlers, so
building the parser stays cheap. Must not import Qt or any GUI code.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import threading
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from .. import paths
from .protocol import DEFAULT_PORT


def add_exercise_commands(sub, open_console: Callable[[argparse.Namespace], int] | None = None) -> None:
    """Add ``facilitate`` and ``station``; ``open_console(args)`` runs the console window (no --headless)."""
    def home(command):
        command.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS, help="keep all user data under DIR")
        return command

    facilitate = home(sub.add_parser("facilitate", help="run a facilitated exercise (facilitator console)"))
    facilitate.add_argument("scenario", metavar="SCENARIO")
    facilitate.add_argument("--host", default="0.0.0.0", help="address to listen on (default: all interfaces)")
    facilitate.add_argument("--port", type=int, default=DEFAULT_PORT, help="TCP port (default: %(default)s; 0: any)")
    facilitate.add_argument("--code", help="the join code (default: a new random one)")
    facilitate.add_argument("--across-sites", action="store_true",
                            help="pods in different buildings: a long join code (5 groups of 5, ~124 bits) that "
                                 "cannot be guessed from a captured message (docs/facilitation.md)")
    facilitate.add_argument("--order", choices=("per-syndicate", "shared"), default="per-syndicate",
                            help="option order: each syndicate its own shuffle (default), or one shared by all")
    facilitate.add_argument("--headless", action="store_true",
                            help="no window: read commands on stdin, print events as JSON lines")
    facilitate.set_defaults(handler=lambda args: cmd_facilitate(args, open_console))

    station = home(sub.add_parser("station", help="run a headless syndicate station of a facilitated exercise"))
    station.add_argument("--host", required=True, help="the facilitator's address")
    station.add_argument("--port", type=int, default=DEFAULT_PORT)
    station.add_argument("--code", required=True, help="the join code shown by the facilitator (spaces, dashes "
                                                       "and case do not matter)")
    station.add_argument("--syndicate", required=True, metavar="NAME")
    station.add_argument("--member", action="append", required=True, metavar="NAME",
                         help="a member of the syndicate (repeat for each)")
    station.add_argument("--scenario", dest="station_scenario", metavar="FILE",
                         help="the scenario file (default: the one the play script names)")
    station.add_argument("--script", metavar="PLAN", help="play this play script (*.plan.yaml)")
    station.add_argument("--station-id", help="this station's name on the console (default: <syndicate>-station); "
                                              "the seat token kept beside the store, not this name, lets a "
                                              "restarted station record again")
    station.add_argument("--pace", type=float, default=0.0, metavar="S", help="seconds before each step")
    station.add_argument("--hold-at", action="append", default=[], metavar="SCENE",
                         help="wait at SCENE until the facilitator's next intervention there (repeat a scene to wait for more than one)")
    station.add_argument("--seat", metavar="ID",
                         help="a pod (seated scenario): play this seat only, at a seat station that records nothing "
                              "(with --record: the pod's recording station, which also plays this seat)")
    station.add_argument("--record", action="store_true",
                         help="a pod: this station runs and records the pod's one shared session (with --seat it "
                              "also plays that seat; without, every seat has its own seat station)")
    station.add_argument("--timeout", type=float, default=600.0, metavar="S")
    station.set_defaults(handler=cmd_station)


class _Printer:
    """JSON lines on stdout, one whole line at a time from any thread."""

    def __init__(self):
        self._lock = threading.Lock()

    def __call__(self, event: dict) -> None:
        line = json.dumps(event, ensure_ascii=False, default=str)
        with self._lock:
            print(line, flush=True)


def cmd_facilitate(args, open_console=None) -> int:
    if getattr(args, "home", None):
        paths.set_home(args.home)
    if not args.headless:
        if open_console is None:
            print("hydra-sim facilitate: the console window is not available in this build; "
                  "use --headless to run the exercise from the terminal", file=sys.stderr)
            return 2
        return open_console(args)
    return run_headless_facilitator(args, sys.stdin, _Printer())


def start_server(args):
    """The started ``ExerciseServer`` for ``facilitate`` args (console or headless), or None after
    saying on stderr why it cannot start."""
    from ..records.store import default_store_path
    from .server import ExerciseError, ExerciseServer

    try:
        server = ExerciseServer(Path(args.scenario), default_store_path(), host=args.host, port=args.port,
                                code=args.code, order=getattr(args, "order", "per-syndicate").replace("-", "_"),
                                across_sites=bool(getattr(args, "across_sites", False)))
        server.start()
    except ExerciseError as exc:
        print(f"hydra-sim facilitate: {exc}", file=sys.stderr)
        return None
    return server


def run_headless_facilitator(args, stdin, out) -> int:
    server = start_server(args)
    if server is None:
        return 1
    host, port = server.address
    server.subscribe(lambda event: out(_event_line(event)))
    out({"event": "listening", "host": host, "port": port, "code": server.display_code, "order": server.order,
         "across_sites": server.across_sites, "fingerprint": server.short_fingerprint,
         "scenario": server.scenario.id, "store": str(server.store_path)})
    try:
        for line in stdin:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line == "quit":
                break
            out(_run_command(server, line))
    finally:
        server.stop()
        out({"event": "stopped"})
    return 0


def _run_command(server, line: str) -> dict:
    from .server import ExerciseError

    try:
        words = shlex.split(line)
    except ValueError as exc:
        return {"event": "error", "command": line, "message": f"cannot read the command: {exc}"}
    name, rest = words[0], words[1:]
    try:
        if name == "status":
            return {"event": "status", "command": line, "syndicates": [v.to_dict() for v in server.snapshot()]}
        if name == "release" and len(rest) == 1:      # the station's computer was replaced: free its seat
            server.release_station(rest[0])
            return {"event": "released", "command": line, "syndicate": rest[0]}
        if name in ("pause", "resume", "end") and len(rest) == 1:
            made = getattr(server, name)(rest[0])
        elif name == "inject" and len(rest) >= 2:
            made = server.inject(rest[0], text=" ".join(rest[1:]))
        elif name == "inject-id" and len(rest) == 2:
            made = server.inject(rest[0], inject_id=rest[1])
        elif name == "timer" and len(rest) == 2:
            if not rest[1].lstrip("+-").isdigit():
                return {"event": "error", "command": line,
                        "message": f"'{rest[1]}' is not a number of seconds: give e.g. 30 or -15"}
            made = server.adjust_timer(rest[0], int(rest[1]))
        elif name in ("answer", "answer-reply") and len(rest) >= 3 and rest[1].isdigit():
            # answer SYNDICATE N TEXT: free text; answer-reply SYNDICATE N TOPIC: a canned reply
            if name == "answer":
                made = server.answer(rest[0], int(rest[1]), text=" ".join(rest[2:]))
            elif len(rest) == 3:
                made = server.answer(rest[0], int(rest[1]), reply=rest[2])
            else:
                return {"event": "error", "command": line, "message": "answer-reply SYNDICATE REQUEST TOPIC"}
        elif name == "condition" and len(rest) == 3:
            # condition TARGET NAME VALUE: a run condition changed live (true/false for a yes-or-no one)
            from ..engine.run_conditions import parse_assignments
            value = parse_assignments([f"{rest[1]}={rest[2]}"], server.scenario)[rest[1]]
            made = server.set_condition(rest[0], rest[1], value)
        elif name in ("stand-in", "hand-back") and len(rest) == 2:
            # stand-in SYNDICATE SEAT: the seat's stand-in takes its scenes; hand-back gives them back
            made = server.stand_in(rest[0], rest[1], back=name == "hand-back")
        else:
            return {"event": "error", "command": line,
                    "message": "commands: pause|resume|end TARGET, inject TARGET TEXT, inject-id TARGET ID, "
                               "timer TARGET SECONDS, answer SYNDICATE REQUEST TEXT, answer-reply SYNDICATE "
                               "REQUEST TOPIC, condition TARGET NAME VALUE, stand-in|hand-back SYNDICATE SEAT, "
                               "release SYNDICATE, status, quit (TARGET: a syndicate or all)"}
    except (ExerciseError, ValueError) as exc:
        return {"event": "error", "command": line, "message": str(exc)}
    return {"event": "command", "command": line, "interventions": [asdict(v) for v in made]}


def _event_line(event) -> dict:
    from .views import (
        DecisionReceived,
        ExerciseEnded,
        InterventionApplied,
        InterventionFailed,
        StationJoined,
        StationLeft,
        SyndicateUpdated,
    )

    if isinstance(event, SyndicateUpdated):
        v = event.view
        return {"event": "syndicate", "syndicate": v.name, "scene": v.scene_id, "clock": v.clock,
                "decisions": len(v.decisions), "paused": v.paused, "ended": v.ended, "outcome": v.outcome,
                "connected": v.recording_connected, "followers": v.followers, "last_seq": v.last_seq,
                "session_id": v.session_id, **({"seats": v.seats} if v.seats else {})}
    if isinstance(event, DecisionReceived):
        d = event.decision
        return {"event": "decision", "syndicate": event.syndicate, "index": d.index, "scene": d.scene_id,
                "choice": d.choice_text, "entered_by": d.entered_by, "latency_ms": round(event.latency * 1000, 1),
                **({"seat": d.seat} if d.seat else {}), **({"stand_in": True} if d.stand_in else {})}
    if isinstance(event, (InterventionApplied, InterventionFailed)):
        kind = "applied" if isinstance(event, InterventionApplied) else "failed"
        return {"event": f"intervention_{kind}", "syndicate": event.syndicate, **asdict(event.intervention)}
    if isinstance(event, (StationJoined, StationLeft)):
        kind = "joined" if isinstance(event, StationJoined) else "left"
        return {"event": f"station_{kind}", **asdict(event)}
    if isinstance(event, ExerciseEnded):
        return {"event": "exercise_ended", "syndicates": list(event.syndicates)}
    return {"event": type(event).__name__}


def cmd_station(args) -> int:
    if getattr(args, "home", None):
        paths.set_home(args.home)
    from ..engine.plan import load_test_plan
    from ..records.errors import StoreError
    from ..records.store import default_store_path
    from .headless import HeadlessError, HeadlessStation

    scenario = args.station_scenario
    if args.script and not scenario:
        plan, problems = load_test_plan(Path(args.script))
        if plan is None:
            print(f"hydra-sim station: cannot read {args.script}: {problems[0].format() if problems else ''}",
                  file=sys.stderr)
            return 1
        scenario = plan.scenario_path()
    if not scenario:
        print("hydra-sim station: give --scenario FILE (or a --script that names its scenario)", file=sys.stderr)
        return 2
    out = _Printer()
    try:
        if args.seat and not args.record:        # a pod's seat station (seatstation.py)
            from .seatstation import HeadlessSeatStation
            seat_station = HeadlessSeatStation(scenario, host=args.host, port=args.port, code=args.code,
                                               syndicate=args.syndicate, seat=args.seat, members=args.member,
                                               station_id=args.station_id or f"{args.syndicate}-{args.seat}",
                                               plan_path=args.script, on_event=out)
            result = seat_station.run(timeout=args.timeout)
            if seat_station.link is not None and seat_station.link.failed:
                print(f"hydra-sim station: the facilitator refused this station: {seat_station.link.last_error}",
                      file=sys.stderr)
                return 1
            return 0 if result["ended"] else 1
        station = HeadlessStation(scenario, default_store_path(), host=args.host, port=args.port, code=args.code,
                                  syndicate=args.syndicate, members=args.member,
                                  station_id=args.station_id or f"{args.syndicate}-station",
                                  plan_path=args.script, pace=args.pace, hold_at=args.hold_at, on_event=out,
                                  seat=args.seat, pod=args.record)
        result = station.run(timeout=args.timeout)
    except (HeadlessError, StoreError) as exc:
        print(f"hydra-sim station: {exc}", file=sys.stderr)
        return 1
    if station.link is not None and station.link.failed:
        print(f"hydra-sim station: the facilitator refused this station: {station.link.last_error}", file=sys.stderr)
        return 1
    return 0 if result["ended"] and result["synced"] else 1

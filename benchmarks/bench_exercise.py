"""Facilitated exercise load test on loopback: 1 facilitator, 8 syndicates x 5 stations.

Run from the repository root::

    python -m benchmarks.bench_exercise                      # 8 syndicates, 4 followers each, 1 decision/s each
    python -m benchmarks.bench_exercise --syndicates 4 --pace 0.5
    python -m benchmarks.bench_exercise --json                # the figures as JSON

The facilitator's ``ExerciseServer`` runs in this process. One child process runs the 8
recording stations (``HeadlessStation`` threads playing the flagship's best play script,
one step every ``--pace`` seconds each, so about 8 decisions a second arrive together),
another runs the 32 follower stations (``StationLink`` threads receiving each syndicate's
live view). Each decision's latency is measured from the recording station's send
(``sent_at`` in the sync message, stamped after the decision is durable in the station's
store) to the facilitator's subscriber callback (``DecisionReceived``): the moment a console
would show it. Same machine, same clock. Bounded: the flagship's 19 decisions per
syndicate, and ``--timeout`` seconds at most.

A script, not a test: it prints numbers and never runs under pytest.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from functools import partial
from pathlib import Path

from benchmarks.figures import Figure, emit

REPO = Path(__file__).resolve().parents[1]
SCENARIO = REPO / "scenarios" / "brackenford-services.yaml"
PLAN = REPO / "scenarios" / "brackenford-services.best.plan.yaml"
TARGET_MS = 200.0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--syndicates", type=int, default=8)
    parser.add_argument("--followers", type=int, default=4, help="follower stations per syndicate")
    parser.add_argument("--pace", type=float, default=1.0, help="seconds between a syndicate's steps")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--child", choices=("recording", "followers"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--code", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON (for python -m benchmarks)")
    args = parser.parse_args(argv)
    if args.child == "recording":
        return _recording_child(args)
    if args.child == "followers":
        return _followers_child(args)
    return emit(figures(args.syndicates, args.followers, args.pace, args.timeout), as_json=args.json)


def figures(syndicates: int = 8, followers: int = 4, pace: float = 1.0, timeout: float = 120.0) -> list[Figure]:
    return _facilitator(argparse.Namespace(syndicates=syndicates, followers=followers, pace=pace, timeout=timeout))


def _names(count: int) -> list[str]:
    return [f"Syndicate{i + 1}" for i in range(count)]


def _facilitator(args) -> list[Figure]:
    from hydra_sim.exercise.server import ExerciseServer
    from hydra_sim.exercise.views import DecisionReceived, ExerciseEnded, StationJoined

    latencies: list[float] = []
    end_to_end: list[float] = []        # the station stored the decision -> console callback
    joined = {"recording": 0, "follower": 0}
    done = threading.Event()
    lock = threading.Lock()

    def on_event(event) -> None:
        if isinstance(event, DecisionReceived):
            stored = datetime.fromisoformat(event.decision.recorded_at.replace("Z", "+00:00")).timestamp()
            with lock:
                latencies.append(event.latency)
                end_to_end.append(event.received_at - stored)
        elif isinstance(event, StationJoined):
            with lock:
                joined[event.role] += 1
        elif isinstance(event, ExerciseEnded):
            done.set()

    with tempfile.TemporaryDirectory(prefix="bench-exercise-") as folder:
        server = ExerciseServer(SCENARIO, Path(folder) / "facilitator.sqlite3", host="127.0.0.1", port=0)
        server.subscribe(on_event)
        server.start()
        port = server.address[1]
        common = [sys.executable, "-m", "benchmarks.bench_exercise", "--port", str(port), "--code", server.code,
                  "--syndicates", str(args.syndicates), "--followers", str(args.followers), "--pace", str(args.pace),
                  "--timeout", str(args.timeout), "--folder", folder]
        started = time.monotonic()
        followers = subprocess.Popen(common + ["--child", "followers"], cwd=REPO)
        recording = subprocess.Popen(common + ["--child", "recording"], cwd=REPO)
        finished = done.wait(args.timeout)
        elapsed = time.monotonic() - started
        recording.wait(30)
        followers.wait(30)
        views = server.snapshot()
        verify = server.store.verify()
        server.stop()
    row = partial(Figure, module="exercise")
    mirrored = sum(len(v.decisions) for v in views)
    stations = joined["recording"] + joined["follower"]
    setting = (f"{stations} stations ({joined['recording']} recording + {joined['follower']} followers), "
               f"{args.syndicates} syndicates, one step every {args.pace} s each")
    whole = row("exercise ran to the end, every decision mirrored, hash chains verify", "ends, chains verify",
                f"{'ended' if finished else 'TIMED OUT'} after {elapsed:.1f} s; {mirrored} decisions mirrored; "
                f"hash chains {'verify' if not verify else f'FAIL ({len(verify)} issues)'}",
                passed=bool(finished and latencies and not verify), note=setting)
    if not latencies:
        return [whole]
    rows = [whole]
    for what, values in (("station send -> console callback", latencies),
                         ("decision stored at the station -> console callback", end_to_end)):
        ms = sorted(x * 1000 for x in values)
        p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
        for label, value in (("p50", statistics.median(ms)), ("p95", p95), ("max", ms[-1])):
            rows.append(row(f"{what}, {label} ({len(ms)} decisions)", f"< {TARGET_MS:.0f} ms", f"{value:.1f} ms",
                            value / TARGET_MS, "target", passed=value < TARGET_MS))
    return rows


def _recording_child(args) -> int:
    from hydra_sim.exercise.headless import HeadlessStation

    threads = []
    for name in _names(args.syndicates):
        station = HeadlessStation(SCENARIO, Path(args.folder) / f"{name}.sqlite3", host="127.0.0.1", port=args.port,
                                  code=args.code, syndicate=name, members=[f"{name} A", f"{name} B"],
                                  station_id=f"{name}-rec", plan_path=PLAN, pace=args.pace)
        thread = threading.Thread(target=station.run, kwargs={"timeout": args.timeout}, daemon=True)
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join(args.timeout + 30)
    return 0


def _followers_child(args) -> int:
    from hydra_sim.exercise.station import StationLink

    names = _names(args.syndicates)
    ended: set[str] = set()
    all_ended = threading.Event()
    lock = threading.Lock()

    def on_update(view) -> None:
        if view.ended:
            with lock:
                ended.add(view.name)
                if len(ended) == len(names):
                    all_ended.set()

    links = []
    for name in names:
        for i in range(args.followers):
            link = StationLink("127.0.0.1", args.port, args.code, name, f"{name}-screen-{i + 1}", [f"member {i}"],
                               role="follower", scenario_id="brackenford-services", on_update=on_update)
            link.start()
            links.append(link)
    all_ended.wait(args.timeout)
    for link in links:
        link.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

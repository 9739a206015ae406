"""Facilitated exercise load test on loopback: 1 facilitator, 8 syndicates x 5 stations.

Run from the repository root::

    python -m benchmarks.bench_exercise                      # 8 syndicates, 4 followers each, 1 decision/s each
    python -m benchmarks.bench_exercise --syndicates 4 --pace 0.5

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
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

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
    args = parser.parse_args(argv)
    if args.child == "recording":
        return _recording_child(args)
    if args.child == "followers":
        return _followers_child(args)
    return _facilitator(args)


def _names(count: int) -> list[str]:
    return [f"Syndicate{i + 1}" for i in range(count)]


def _facilitator(args) -> int:
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
    if not latencies:
        print("no decisions reached the facilitator", file=sys.stderr)
        return 1
    print(f"machine: {platform.machine()} {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}")
    print(f"stations: {joined['recording']} recording + {joined['follower']} followers = "
          f"{joined['recording'] + joined['follower']}; syndicates {args.syndicates}, one step every {args.pace} s each")
    print(f"exercise {'ended' if finished else 'TIMED OUT'} after {elapsed:.1f} s; "
          f"{sum(len(v.decisions) for v in views)} decisions mirrored; hash chains "
          f"{'verify' if not verify else f'FAIL ({len(verify)} issues)'}")
    print()
    print("| figure | target | measured | ratio / pass |")
    print("|---|---|---|---|")
    worst = 0.0
    for what, values in (("station send -> console callback", latencies),
                         ("decision stored at the station -> console callback", end_to_end)):
        ms = sorted(x * 1000 for x in values)
        p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
        worst = max(worst, p95)
        for label, value in (("p50", statistics.median(ms)), ("p95", p95), ("max", ms[-1])):
            verdict = "PASS" if value < TARGET_MS else "FAIL"
            print(f"| {what}, {label} ({len(ms)} decisions) | < {TARGET_MS:.0f} ms | "
                  f"{value:.1f} ms | {value / TARGET_MS:.2f} of target {verdict} |")
    return 0 if finished and worst < TARGET_MS and not verify else 1


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

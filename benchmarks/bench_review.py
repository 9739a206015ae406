"""Trainer review window speed: what a trainer waits for, from ``hydra-sim review`` to the table.

For each store size (10,000 and 100,000 sessions by default) a home folder is made with a
store generated through ``benchmarks.bench_records.make_record`` (real hash chains, every
finished session carrying the score report of a real playthrough of the flagship, so reports
are their real size) and a trainer account. Then the real entry, ``python -m hydra_sim review
--home HOME``, is launched in a fresh process, with ``HYDRA_SIM_STARTUP_PROBE=1``
(hydra_sim/gui/startup_probe.py): at the login dialog's first paint the probe types the
trainer's name and passphrase into the real dialog and presses Log in; at the first paint of
the sessions table with its rows it quits. What the trainer waits for is the sum of the two
stretches: launch to the login dialog painted, and "Log in" to the table painted (the
passphrase check, opening the store with its integrity check, reading the sessions, building
the window under the real stylesheet). Typing is not counted. hydra_sim's bytecode is compiled
first, as an install has it; one warm-up run, then runs alternating with a bare PySide6 window
launched the same way (benchmarks.bench_gui), medians. Target: at most 1 s at every size.
An information row repeats the largest size with the operating system's file cache emptied
first (``/proc/sys/vm/drop_caches``, when this user may write it): the first review after a
reboot.

Also, in this process: the cohort dashboard for all sessions, first time (builds the report
index beside the store) and again (< 1 s each), at the smallest size.

Run: ``python -m benchmarks.bench_review [--sessions 10000,100000] [--runs 5] [--json]``.
A script, not a test: it prints figures and never asserts on time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchmarks.bench_gui import BARE_CHILD, _child_env, _child_seconds  # noqa: E402
from benchmarks.bench_records import make_record  # noqa: E402
from benchmarks.figures import Figure, emit  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
TRAINER, PASSPHRASE = "Bench Trainer", "benchmark passphrase for review"
RUNS = 5


def flagship_report() -> dict:
    """The score report of the flagship's best plan, as the store keeps it after a session."""
    from hydra_sim.engine import load_plan, load_scenario
    from hydra_sim.engine.plan import run_plan
    from hydra_sim.engine.runner import ScenarioRunner
    from hydra_sim.engine.scoring import score_runner
    scenario = load_scenario(REPO / "scenarios" / "brackenford-services.yaml").raise_for_errors()
    steps, _ = load_plan(REPO / "scenarios" / "brackenford-services.best.plan.yaml")
    result = run_plan(scenario, steps, ScenarioRunner(scenario))
    return score_runner(result.runner).to_dict()


def make_home(folder: Path, sessions: int, events_each: int, report: dict) -> Path:
    """A home folder with ``sessions`` stored sessions and the benchmark's trainer account (one
    left complete in ``folder`` by an earlier run, with ``--homes``, is used as it is)."""
    from hydra_sim.records import SessionStore
    from hydra_sim.records.trainers import TrainerAccounts
    home = folder / f"home-{sessions}"
    store_path = home / "records" / "sessions.sqlite3"
    if (home / "config" / "trainers.json").is_file():       # written last: the home is complete
        return home
    rng = random.Random(7)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    with SessionStore(store_path) as store:
        for first in range(0, sessions, 1000):
            store._bulk_insert(make_record(rng, i, events_each, start, report=report)
                               for i in range(first, min(first + 1000, sessions)))
    TrainerAccounts(home / "config" / "trainers.json").create(TRAINER, PASSPHRASE)
    return home


def drop_file_cache() -> bool:
    """Empty the OS file cache (the first review after a reboot); False when not allowed here."""
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def review_wait(home: Path, env: dict, cold_cache: bool = False) -> dict:
    """One launch of ``hydra-sim review``: seconds to the login dialog, from Log in to the table."""
    if cold_cache:
        drop_file_cache()
    launched = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "hydra_sim", "review", "--home", str(home)], capture_output=True,
                          text=True, env=env, cwd=REPO, timeout=300)
    moments = {}
    for line in done.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in ("login", "typed", "table"):
            moments[parts[0]] = float(parts[1])
            if parts[0] == "table":
                moments["rows"] = int(parts[2])
    if set(moments) != {"login", "typed", "table", "rows"}:
        raise RuntimeError(f"hydra-sim review did not reach the table (exit {done.returncode}): "
                           f"{done.stderr.strip()[-400:] or done.stdout.strip()[-400:]}")
    return {"to_login": moments["login"] - launched, "to_table": moments["table"] - moments["typed"],
            "rows": moments["rows"]}


def dashboard_figures(home: Path) -> tuple[float, float]:
    """The cohort dashboard for all sessions, first time and again, in this process."""
    from PySide6.QtWidgets import QApplication

    from hydra_sim.gui.review.window import open_review_window
    from hydra_sim.records import SessionStore
    app = QApplication.instance() or QApplication([])
    with SessionStore(home / "records" / "sessions.sqlite3") as store:
        window = open_review_window(store, verify_in_background=False)
        window.show()
        app.processEvents()
        began = time.perf_counter()
        window.show_dashboard()
        app.processEvents()
        first = time.perf_counter() - began
        began = time.perf_counter()
        window.show_dashboard()
        app.processEvents()
        again = time.perf_counter() - began
        window.close()
    return first, again


def figures(sizes: list[int], runs: int = RUNS, events_each: int = 30, homes: str | None = None) -> list[Figure]:
    row = partial(Figure, module="review")
    report = flagship_report()
    out: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="bench-review-") as scratch, \
            tempfile.TemporaryDirectory() as pycache:
        folder = homes or scratch
        env = dict(_child_env(pycache), **{"HYDRA_SIM_PROBE_TRAINER": TRAINER,
                                           "HYDRA_SIM_PROBE_PASSPHRASE": PASSPHRASE})
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "hydra_sim")], env=env, check=True,
                       cwd=REPO, capture_output=True, timeout=300)
        bare_command = [sys.executable, "-c", BARE_CHILD]
        homes = {}
        for size in sizes:
            began = time.perf_counter()
            homes[size] = make_home(Path(folder), size, events_each, report)
            print(f"review: {size:,} sessions ready in {time.perf_counter() - began:.0f} s", file=sys.stderr)
        for size in sizes:
            home = homes[size]
            store_mb = (home / "records" / "sessions.sqlite3").stat().st_size / 2**20
            _child_seconds(bare_command, env)
            review_wait(home, env)                # warm-up: bytecode of third-party modules, the file cache
            bare, waits = [], []
            for _ in range(runs):
                bare.append(_child_seconds(bare_command, env))
                waits.append(review_wait(home, env))
            totals = [w["to_login"] + w["to_table"] for w in waits]
            total = statistics.median(totals)
            login = statistics.median(w["to_login"] for w in waits)
            table = statistics.median(w["to_table"] for w in waits)
            bare_median = statistics.median(bare)
            note = (f"{size:,} sessions ({store_mb:,.0f} MB store, reports of {len(json.dumps(report)):,} bytes): "
                    f"launch to the login dialog {login * 1000:.0f} ms, Log in to the table {table * 1000:.0f} ms "
                    f"(medians of {runs}; totals {min(totals) * 1000:.0f}-{max(totals) * 1000:.0f} ms); "
                    f"bare window {bare_median * 1000:.0f} ms")
            out.append(row(f"`hydra-sim review`, {size:,} sessions: launch to login + Log in to table painted",
                           "< 1 s", f"{total * 1000:.0f} ms ({waits[0]['rows']:,} rows)", total / 1.0, "target",
                           passed=total < 1 and waits[0]["rows"] == size, note=note))
        largest = max(sizes)
        if drop_file_cache():
            cold = review_wait(homes[largest], env, cold_cache=True)
            out.append(row(f"the same, {largest:,} sessions, OS file cache emptied first (after a reboot)",
                           "(info)", f"{(cold['to_login'] + cold['to_table']) * 1000:.0f} ms"))
        first, again = dashboard_figures(homes[min(sizes)])
        out.append(row(f"cohort dashboard, all {min(sizes):,} sessions, first (builds the index)", "< 1 s",
                       f"{first * 1000:.0f} ms", first / 1.0, "target", passed=first < 1))
        out.append(row(f"cohort dashboard, all {min(sizes):,} sessions, again", "< 1 s", f"{again * 1000:.0f} ms",
                       again / 1.0, "target", passed=again < 1))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", default="10000,100000", help="store sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--events", type=int, default=30)
    parser.add_argument("--homes", metavar="DIR", help="keep the generated home folders in DIR and reuse them "
                        "next time (a 100,000-session store takes minutes to generate)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON (for python -m benchmarks)")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sessions.split(",") if size.strip()]
    return emit(figures(sizes, args.runs, args.events, args.homes), as_json=args.json)


if __name__ == "__main__":
    raise SystemExit(main())

"""``python -m benchmarks``: every benchmark, each in a fresh process, in one table.

Runs each bench module as ``python -m benchmarks.bench_<name> --json`` in its own subprocess
(so one module's memory and start-up figures are not polluted by another's imports, Qt
state or caches), with ``QT_QPA_PLATFORM=offscreen``, collects the figures, and prints the
machine description and one markdown table. Exit status 0 when every target passed, 1
otherwise (the failures are named), 2 for bad options.

A module that crashes, prints no figures or runs past ``--timeout`` becomes a row with
pass NO and the reason: the table is always printed.

Must not import Qt or hydra_sim: the parent only launches and collects.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.figures import Figure, all_passed, format_machine, format_table, from_json

REPO = Path(__file__).resolve().parents[1]
MODULES = ("engine", "explorer", "author", "records", "review", "gui", "exercise")
# Smaller sizes for a smoke run (--quick); modules not listed run at full size.
QUICK_ARGS = {"engine": ["--scenes", "200"], "author": ["--scenes", "100"], "records": ["--sessions", "1000"],
              "review": ["--sessions", "1000"], "explorer": ["--timeout", "30"],
              "exercise": ["--syndicates", "2", "--pace", "0.2"]}
DEFAULT_TIMEOUT = 600.0
QUICK_BANNER = "QUICK RUN (--quick): smaller sizes, a smoke run; these figures are NOT comparable with the targets"


def module_command(name: str, quick: bool, review_homes: str | None = None) -> list[str]:
    extra = list(QUICK_ARGS.get(name, []) if quick else [])
    if name == "review" and review_homes:
        extra += ["--homes", review_homes]        # the generated stores kept and reused (minutes each time)
    return [sys.executable, "-m", f"benchmarks.bench_{name}", "--json", *extra]


def _failure(name: str, reason: str) -> list[Figure]:
    return [Figure(f"{name}: the benchmark did not finish", "runs to the end", reason, passed=False, module=name)]


def _last_json_line(stdout: str) -> str | None:
    # The module prints its figures as one JSON line at the end; anything above it is chatter.
    for line in reversed(stdout.splitlines()):
        if line.startswith("["):
            return line
    return None


def run_module(name: str, command: list[str], timeout: float) -> tuple[list[Figure], float]:
    """The module's figures, or one failing row that says why; and its wall time in seconds."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
    began = time.monotonic()
    # Its own session, so a timeout can end the module's children too (gui and exercise start some).
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.communicate()
        return _failure(name, f"timed out after {timeout:g} s (--timeout)"), time.monotonic() - began
    elapsed = time.monotonic() - began
    line = _last_json_line(stdout)
    if line is None:
        tail = [x for x in stderr.strip().splitlines() if x.strip()][-1:] or ["no output"]
        return _failure(name, f"exit status {process.returncode}, no figures: {tail[0][:160]}"), elapsed
    try:
        figures = from_json(line)
    except (ValueError, TypeError) as error:
        return _failure(name, f"unreadable figures ({error})"[:200]), elapsed
    # Exit status 1 is a missed target (already in the rows); anything else is a crash after the figures.
    if process.returncode not in (0, 1):
        figures.append(_failure(name, f"exit status {process.returncode} after its figures")[0])
    return [f if f.module else replace(f, module=name) for f in figures], elapsed


def parse_only(text: str | None) -> list[str]:
    if not text:
        return list(MODULES)
    names = [x.strip() for x in text.split(",") if x.strip()]
    unknown = [x for x in names if x not in MODULES]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(MODULES)}")
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--only", type=parse_only, default=list(MODULES), metavar="NAME,...",
                        help=f"run only these, comma-separated (from {', '.join(MODULES)})")
    parser.add_argument("--quick", action="store_true", help="smaller sizes for a smoke run (not comparable)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help=f"seconds each module may take before it is stopped (default {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--review-homes", metavar="DIR",
                        help="keep the review benchmark's generated stores in DIR and reuse them (its --homes)")
    args = parser.parse_args(argv)

    shown = " ".join(["python -m benchmarks", *(argv if argv is not None else sys.argv[1:])])
    print(f"Command: `{shown}`")
    print(f"Run {datetime.now(UTC).isoformat(timespec='seconds').replace('+00:00', 'Z')}, each module in its own "
          "process, QT_QPA_PLATFORM=offscreen.")
    if args.quick:
        print(f"\n**{QUICK_BANNER}**")
    print("\n" + format_machine() + "\n", flush=True)

    figures: list[Figure] = []
    for name in args.only:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows, elapsed = run_module(name, module_command(name, args.quick, args.review_homes), args.timeout)
        print(f"  {name}: {elapsed:.0f} s", file=sys.stderr, flush=True)
        figures += rows

    print(format_table(figures, with_module=True))
    notes = [f"{f.module}: {f.note}" for f in figures if f.note]
    if notes:
        print()
        print("\n".join(f"- {n}" for n in notes))
    if args.quick:
        print(f"\n**{QUICK_BANNER}**")
    failed = [f for f in figures if f.passed is False]
    print()
    if all_passed(figures):
        print(f"All {sum(f.passed is True for f in figures)} targets passed.")
        return 0
    print(f"{len(failed)} target(s) NOT met:")
    for f in failed:
        print(f"- {f.module}: {f.figure}: {f.measured} (target {f.target})")
    return 1


if __name__ == "__main__":
    sys.exit(main())

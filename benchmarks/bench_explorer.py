"""Explorer benchmarks: the generated shapes that used to explode, against their targets.

Run from the repository root::

    python -m benchmarks.bench_explorer            # every case, as a table
    python -m benchmarks.bench_explorer --json     # the figures as JSON (python -m benchmarks reads it)
    python -m benchmarks.bench_explorer --case chain:30:2   # one case in this process (what each row runs)

Each case writes a scenario from ``benchmarks/explorer_shapes.py`` into a temporary folder,
loads it through the real loader (``load_scenario``, which must report no errors), and times
``explore(scenario)`` alone, in a fresh child process (so one case's memory and garbage do not
weigh on the next), stopped after ``--timeout`` seconds. The fixed mix of cases:

- chain of 30 scenes with 2 competing options each (and 3 options each), every option
  evidencing a different action: target <= 2 s;
- 16 bool flags set along 20 scenes and read at the end: target <= 2 s;
- two and three checklists of 12 items (4,096 ways to tick each): target <= 2 s;
- the realistic 18-scene scenario (14 decisions, 13 variables, 7 injects, ``clock_speed: 1``):
  target <= 2 s.

A row passes only when the explorer finished *exactly* (no bound-only answer) within the
target. The peak resident memory of the child is shown as information. These are scripts,
not tests: they print numbers and never run under pytest.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from benchmarks.figures import Figure, emit, format_machine

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 2.0
DEFAULT_TIMEOUT = 120.0
CASES = (
    ("chain:30:2", "chain of 30 scenes, 2 competing options each"),
    ("chain:30:3", "chain of 30 scenes, 3 competing options each"),
    ("flags:16", "16 flags set along 20 scenes, read at the end"),
    ("checklists:12:2", "2 checklists of 12 items"),
    ("checklists:12:3", "3 checklists of 12 items"),
    ("realistic", "realistic 18 scenes, 14 decisions, 13 variables, 7 injects"),
)


def run_case(case: str) -> dict:
    """Write, load and explore one case in this process; what the child prints."""
    from benchmarks import explorer_shapes
    from hydra_sim.engine.explorer import explore
    from hydra_sim.engine.loader import load_scenario

    name, *numbers = case.split(":")
    with tempfile.TemporaryDirectory(prefix="hydra-bench-explore-") as tmp:
        path = explorer_shapes.SHAPES[name](Path(tmp), *map(int, numbers))
        result = load_scenario(path)
        errors = [p.format() for p in result.problems if p.severity == "error"]
        if errors or not result.ok:
            raise SystemExit(f"the generated case {case} does not load: {errors[:3]}")
        scenario = result.scenario
        start = time.perf_counter()
        report = explore(scenario)
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "states": report.states, "moves": report.moves,
            "exact": not report.approximate, "notes": report.notes[:2],
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def measure(case: str, timeout: float) -> dict:
    command = [sys.executable, "-m", "benchmarks.bench_explorer", "--case", case]
    try:
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish in {timeout:g} s"}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit status {done.returncode}: {tail[:160]}"}
    return json.loads(lines[-1])


def figures(timeout: float = DEFAULT_TIMEOUT) -> list[Figure]:
    row = partial(Figure, module="explorer")
    rows = []
    for case, label in CASES:
        got = measure(case, timeout)
        if "error" in got:
            rows.append(row(f"explore: {label}", f"<= {TARGET_SECONDS:g} s, exact", got["error"], passed=False))
            continue
        exact = "exact" if got["exact"] else "NOT exact (bounds only)"
        rows.append(row(f"explore: {label} ({got['states']:,} states, {got['moves']:,} moves)",
                        f"<= {TARGET_SECONDS:g} s, exact", f"{got['seconds']:.2f} s, {exact}",
                        got["seconds"] / TARGET_SECONDS, "target",
                        passed=got["exact"] and got["seconds"] <= TARGET_SECONDS,
                        note=f"{case}: peak memory {got['rss_mb']:.0f} MB" + (
                            f"; {got['notes'][0]}" if got["notes"] else "")))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_explorer", description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON (for python -m benchmarks)")
    parser.add_argument("--case", help="run one case in this process and print its measurement as JSON")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help=f"seconds each case may take (default {DEFAULT_TIMEOUT:g})")
    args = parser.parse_args(argv)
    if args.case:
        print(json.dumps(run_case(args.case)), flush=True)
        return 0
    rows = figures(args.timeout)
    if args.json:
        return emit(rows, as_json=True)
    print(format_machine())
    print(f"\ncommand: {' '.join(['python', '-m', 'benchmarks.bench_explorer', *(argv or sys.argv[1:])])}\n")
    return emit(rows, as_json=False)


if __name__ == "__main__":
    raise SystemExit(main())

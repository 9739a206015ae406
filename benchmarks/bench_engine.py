"""Engine benchmarks: loading, one decision step, and the explorer, against their targets.

Run from the repository root::

    python -m benchmarks.bench_engine            # the three figures, as a table
    python -m benchmarks.bench_engine --profile  # also cProfile each figure, top functions

(a) load + validate + lint of a 2,000-scene synthetic scenario (``load_scenario``: YAML,
    schema, catalogue, media, assessments, lint), against a bare
    ``yaml.load(text, Loader=yaml.CSafeLoader)`` of the same text. Best of 5 each.
    Target: at most 2.0x the bare load.
(b) one decision step: the median of 2,000 ``ScenarioRunner.choose()`` calls along the
    synthetic chain (options, effects, ledger, clock, injects and conditional routing
    through the state machine). Target: under 1 ms.
(c) the explorer on the flagship scenario (``explore()``, after loading). Best of 3.
    Target: under 2 s.

These are scripts, not tests: they print numbers and never run under pytest.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import platform
import pstats
import statistics
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

import yaml

from benchmarks.synthetic import make_scenario
from hydra_sim.engine import loader
from hydra_sim.engine.explorer import explore
from hydra_sim.engine.loader import load_scenario
from hydra_sim.engine.runner import ScenarioRunner

REPO = Path(__file__).resolve().parents[1]
FLAGSHIP = REPO / "scenarios" / "brackenford-services.yaml"
_CLoader = getattr(yaml, "CSafeLoader", None)


def best_of(repeat: int, function) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def machine() -> list[tuple[str, str]]:
    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "not installed"

    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    import os
    return [
        ("CPUs (nproc)", str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())),
        ("CPU model", cpu),
        ("Memory", memory),
        ("OS", platform.platform()),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("PySide6", version("PySide6")),
        ("transitions", version("transitions")),
        ("PyYAML", f"{version('PyYAML')} (libyaml: {'yes' if _CLoader else 'no'})"),
    ]


# -- (a) loading ----------------------------------------------------------------------------
def bench_load(path: Path, repeat: int) -> dict:
    text = path.read_text(encoding="utf-8")
    if _CLoader is None:
        raise SystemExit("PyYAML was built without libyaml: the bare-load baseline needs yaml.CSafeLoader")
    result = load_scenario(path)
    errors = [p for p in result.problems if p.severity == "error"]
    if not result.ok or errors:
        raise SystemExit(f"the synthetic scenario does not load cleanly: {[p.format() for p in errors[:5]]}")
    def cold() -> None:
        loader._catalogue_cache.clear()       # also re-read the 44 KB catalogue every time
        load_scenario(path)

    # Interleave the three so that a slow spell on a shared machine hits all of them alike.
    bare, warm, cold_time = float("inf"), float("inf"), float("inf")
    for _ in range(repeat):
        bare = min(bare, best_of(1, lambda: yaml.load(text, Loader=_CLoader)))
        warm = min(warm, best_of(1, lambda: load_scenario(path)))
        cold_time = min(cold_time, best_of(1, cold))
    return {"bare": bare, "warm": warm, "cold": cold_time, "bytes": len(text.encode("utf-8")),
            "scenes": len(result.scenario.scenes), "warnings": len(result.problems)}


# -- (b) one decision step -----------------------------------------------------------------
def started_runner(scenario) -> ScenarioRunner:
    runner = ScenarioRunner(scenario)
    runner.start()
    return runner


def play_chain(runner: ScenarioRunner) -> list[int]:
    """Choose the first option (checklists: the first two items) in every scene; time each call."""
    timings = []
    clock = time.perf_counter_ns
    while not runner.ended:
        decision = runner.decision
        if decision.kind == "choose_one":
            selection = runner.available_options()[0].id
        else:
            selection = [o.id for o in decision.options[:2]]
        start = clock()
        runner.choose(selection)
        timings.append(clock() - start)
    return timings


def bench_step(path: Path) -> dict:
    scenario = load_scenario(path).raise_for_errors()
    start = time.perf_counter()
    ScenarioRunner(scenario)
    setup = time.perf_counter() - start
    play_chain(started_runner(scenario))       # warm-up
    runner = started_runner(scenario)
    timings = play_chain(runner)
    timings_ms = [t / 1e6 for t in timings]
    return {"median_ms": statistics.median(timings_ms), "p95_ms": statistics.quantiles(timings_ms, n=20)[18],
            "max_ms": max(timings_ms), "calls": len(timings), "ending": runner.ended, "setup_s": setup}


# -- (c) explorer ---------------------------------------------------------------------------
def bench_explore(repeat: int) -> dict:
    scenario = load_scenario(FLAGSHIP).raise_for_errors()
    report = explore(scenario)
    seconds = best_of(repeat, lambda: explore(scenario))
    return {"seconds": seconds, "states": report.states, "moves": report.moves,
            "full_marks": report.full_marks_path is not None}


# -- output ---------------------------------------------------------------------------------
def table(rows: list[tuple[str, str, str, str]]) -> str:
    header = ("figure", "target", "measured", "ratio / pass")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(4)]
    line = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |"  # noqa: E731
    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def profile(label: str, function, top: int = 5) -> None:
    """cProfile one call of function. The garbage collector is paused while profiling: with
    it on, its pauses are charged to whichever function happens to allocate, which hides the
    real hot spots (for (b) it made Expression.evaluate look like most of the time)."""
    profiler = cProfile.Profile()
    gc.collect()
    gc.disable()
    try:
        profiler.enable()
        function()
        profiler.disable()
    finally:
        gc.enable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top + 5)
    print(f"\n--- cProfile (gc paused), {label}: top {top} by own time, then top {top + 5} by cumulative time ---")
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:4000])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_engine", description=__doc__.split("\n")[0])
    parser.add_argument("--scenes", type=int, default=2000, help="size of the synthetic scenario (default 2000)")
    parser.add_argument("--profile", action="store_true", help="also print the top 5 functions of each figure")
    args = parser.parse_args(argv)

    print("Machine")
    for key, value in machine():
        print(f"  {key:13} {value}")
    print(f"  {'command':13} {' '.join(['python', '-m', 'benchmarks.bench_engine', *(argv or sys.argv[1:])])}")
    print()

    with tempfile.TemporaryDirectory(prefix="hydra-bench-") as tmp:
        path = make_scenario(args.scenes, Path(tmp))
        load = bench_load(path, repeat=5)
        step = bench_step(path)
        explored = bench_explore(repeat=3)
        ratio = load["warm"] / load["bare"]
        cold_ratio = load["cold"] / load["bare"]
        rows = [
            (f"(a) bare yaml.load, CSafeLoader ({load['scenes']:,} scenes, {load['bytes'] / 1e6:.1f} MB), best of 5",
             "baseline", f"{load['bare'] * 1000:.0f} ms", "1.00x"),
            ("(a) load + validate + lint (load_scenario), best of 5", "<= 2.0x bare",
             f"{load['warm'] * 1000:.0f} ms", f"{ratio:.2f}x {verdict(ratio <= 2.0)}"),
            ("(a) the same, catalogue re-read each time", "(info)",
             f"{load['cold'] * 1000:.0f} ms", f"{cold_ratio:.2f}x"),
            (f"(b) one decision step: median of {step['calls']:,} choose() calls", "< 1 ms",
             f"{step['median_ms']:.3f} ms", f"{step['median_ms']:.2f} of target {verdict(step['median_ms'] < 1.0)}"),
            ("(b) the same: 95th percentile / slowest", "(info)",
             f"{step['p95_ms']:.3f} / {step['max_ms']:.3f} ms", ""),
            ("(b) runner set-up (state machine for the whole scenario)", "(info)",
             f"{step['setup_s'] * 1000:.0f} ms", ""),
            (f"(c) explore flagship ({explored['states']:,} states, {explored['moves']:,} moves), best of 3",
             "< 2 s", f"{explored['seconds']:.2f} s",
             f"{explored['seconds'] / 2.0:.2f} of target {verdict(explored['seconds'] < 2.0)}"),
        ]
        print(table(rows))
        print()
        print(f"Chain played to '{step['ending']}'; synthetic scenario lint: {load['warnings']} problems; "
              f"explorer found a full-marks path: {explored['full_marks']}.")
        if args.profile:
            profile("(a) load_scenario", lambda: load_scenario(path))
            runner = started_runner(load_scenario(path).raise_for_errors())
            profile("(b) the choose() calls of one chain", lambda: play_chain(runner))
            flagship = load_scenario(FLAGSHIP).raise_for_errors()
            profile("(c) explore flagship", lambda: explore(flagship))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

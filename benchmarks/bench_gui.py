"""GUI benchmarks: start-up, one decision to the next scene on screen, and memory.

Run from the repository root (no display needed; Qt's offscreen platform is used)::

    python -m benchmarks.bench_gui             # the three figures, as a table
    python -m benchmarks.bench_gui --profile   # also cProfile figure (b), top functions

(a) start-up: process launch to the first idle moment after the start screen is shown
    (a ``QTimer.singleShot(0, ...)`` queued right after ``show()`` fires once the event
    loop has processed the show and first paint), against the same for a bare
    ``QMainWindow``. Each child gets the parent's ``time.monotonic()`` at launch (the
    monotonic clock is system-wide on Linux) and prints the time elapsed. One warm-up run
    each, then the median of N=5. Target: at most 2x the bare window.
(b) a decision: in-process, the flagship played along its full-marks plan at 1440x900.
    For each choice or continue that leads to another scene: from the click on Decide to
    the end of processing (``QApplication.processEvents()``) and a full repaint of the
    window (``QWidget.repaint()``: paints every visible widget now, into the window's backing
    store, as the next frame would; ``grab()`` paints the same widgets again into a separate
    pixmap, about 5 ms more, which the trainee never waits for). Median and 95th percentile.
    Target: under 16 ms.
(c) memory: resident set size (``VmRSS`` from /proc/self/status) with the flagship open
    on the incident screen. Target: under 200 MB.

These are scripts, not tests: they print numbers and never run under pytest.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RUNS = 5

_REPORT = """
def _report():
    print(f"{time.monotonic() - START:.6f}", flush=True)
    app.quit()
"""

BARE_CHILD = """
import sys, time
START = float(sys.argv[1])
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1440, 900)
window.show()
""" + _REPORT + """
QTimer.singleShot(0, _report)
app.exec()
"""

APP_CHILD = """
import sys, time
START = float(sys.argv[1])
from hydra_sim import paths
paths.set_home(sys.argv[2])
from hydra_sim.app import _install_qt_message_handler, _setup_logging, build_main_window
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
_setup_logging(paths.home_dir())
app = QApplication(sys.argv[:1])
app.setApplicationName("hydra_sim")
_install_qt_message_handler()
window = build_main_window(show_error_windows=False)
window.show()
""" + _REPORT + """
QTimer.singleShot(0, _report)
app.exec()
"""


def _child_seconds(code: str, *args: str, pycache: str) -> float:
    # Compiled bytecode as an installed app has it, kept in a temporary folder (not the repo)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPYCACHEPREFIX=pycache)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code, repr(start), *args], capture_output=True, text=True,
                          env=env, cwd=REPO, check=True, timeout=120)
    return float(done.stdout.strip().splitlines()[-1])


def bench_startup(runs: int = RUNS) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as home, tempfile.TemporaryDirectory() as pycache:
        medians = []
        for code, args in ((BARE_CHILD, ()), (APP_CHILD, (home,))):
            _child_seconds(code, *args, pycache=pycache)     # warm-up: bytecode, file cache, first-run store
            medians.append(statistics.median(_child_seconds(code, *args, pycache=pycache) for _ in range(runs)))
    return medians[0], medians[1]


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _prepare(panel, step) -> None:
    """Put the plan's answer into the panel, as the trainee would, without timing it."""
    from hydra_sim.gui.decision_panels import ChooseManyPanel, ChooseOnePanel, NdmPanel, RankPanel
    if isinstance(panel, ChooseOnePanel):
        panel.option_button(step.selection).setChecked(True)
    elif isinstance(panel, ChooseManyPanel):
        for option_id in step.selection:
            panel.option_button(option_id).setChecked(True)
    elif isinstance(panel, RankPanel):
        for target, option_id in enumerate(step.selection):
            while panel.order().index(option_id) > target:
                panel.list.setCurrentRow(panel.order().index(option_id))
                panel.list.move_current(-1)
    elif isinstance(panel, NdmPanel):
        for field_id, text in step.selection.items():
            panel.boxes[field_id].setPlainText(str(text).strip())
    if step.rationale and getattr(panel, "rationale_box", None) is not None:
        panel.rationale_box.setPlainText(step.rationale)


def bench_decisions(profile: bool = False) -> tuple[list[float], float, str]:
    """Milliseconds per decision (click to next scene rendered), RSS on the incident screen."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from hydra_sim import paths
    from hydra_sim.engine import load_plan
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as home:
        paths.set_home(home)
        from hydra_sim.app import build_main_window
        clock = [1000.0]
        window = build_main_window(show_error_windows=False, real_time=False, now=lambda: clock[0])
        window.resize(1440, 900)
        window.show()
        app.processEvents()
        assert window.open_scenario_file(REPO / "scenarios" / "brackenford-services.yaml")
        window.start_session()
        app.processEvents()
        window.grab()
        rss = _rss_mb()
        steps, problems = load_plan(REPO / "scenarios" / "brackenford-services.best.plan.yaml")
        assert steps, problems
        controller, screen = window.controller, window.incident_screen
        times: list[float] = []
        profiler = cProfile.Profile() if profile else None
        for step in steps:
            if step.kind == "wait":
                clock[0] += step.minutes * 60 / max(controller.scenario.clock_speed, 1e-9)
                controller.timer.timeout.emit()
                app.processEvents()
                continue
            if step.kind == "expire":
                controller.tick(controller.remaining_seconds() + 0.1)
                app.processEvents()
                continue
            panel = screen.panel
            if step.kind != "continue":
                _prepare(panel, step)
            app.processEvents()
            if profiler:
                profiler.enable()
            started = time.perf_counter()
            panel.decide_button.click()
            app.processEvents()
            window.repaint()
            elapsed = (time.perf_counter() - started) * 1000
            if profiler:
                profiler.disable()
            if controller.runner.ended:
                break              # the debrief is not a scene
            times.append(elapsed)
        controller.timer.stop()
        window.debrief_screen.stop_worker()
        window.close()
        paths.set_home(None)
    report = ""
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        report = out.getvalue()
    return times, rss, report


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="cProfile figure (b)")
    args = parser.parse_args(argv)
    bare, start = bench_startup()
    times, rss, report = bench_decisions(args.profile)
    ratio = start / bare
    median, p95 = statistics.median(times), _p95(times)
    rows = [
        ("(a) start to interactive start screen (median of 5)", "<= 2.0x bare window",
         f"{start * 1000:.0f} ms vs bare {bare * 1000:.0f} ms = {ratio:.2f}x", ratio <= 2.0),
        (f"(b) Decide click to next scene rendered ({len(times)} decisions)", "< 16 ms",
         f"median {median:.1f} ms, p95 {_p95(times):.1f} ms", p95 < 16),
        ("(c) resident memory, flagship on the incident screen", "< 200 MB", f"{rss:.0f} MB", rss < 200),
    ]
    print("| figure | target | measured | pass |")
    print("|---|---|---|---|")
    for figure, target, measured, ok in rows:
        print(f"| {figure} | {target} | {measured} | {'yes' if ok else 'NO'} |")
    from importlib.metadata import version
    pyside = version("PySide6")
    print(textwrap.dedent(f"""
        Machine: {platform.machine()} {platform.processor() or ''} {os.cpu_count()} CPUs, {platform.system()}
        {platform.release()}, Python {platform.python_version()}, PySide6 {pyside}, QT_QPA_PLATFORM=offscreen.
        (b) median {median:.2f} ms, p95 {p95:.2f} ms, max {max(times):.2f} ms.""").strip())
    if report:
        print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())

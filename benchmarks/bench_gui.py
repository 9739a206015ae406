"""GUI benchmarks: start-up, one decision to the next scene on screen, and memory.

Run from the repository root (no display needed; Qt's offscreen platform is used)::

    python -m benchmarks.bench_gui             # the three figures, as a table
    python -m benchmarks.bench_gui --profile   # also cProfile figure (b), top functions
    python -m benchmarks.bench_gui --json      # the figures as JSON (python -m benchmarks reads it)

(a) start-up: process launch to the first idle moment after the start screen is shown
    (a ``QTimer.singleShot(0, ...)`` queued right after ``show()`` fires once the event
    loop has processed the show and first paint), against the same for a bare
    ``QMainWindow``. Each child gets the parent's ``time.monotonic()`` at launch (the
    monotonic clock is system-wide on Linux) and prints the time elapsed. One warm-up run
    each, then the median of N=5. Target: at most 2x the bare window.
(b) a decision: in-process, the flagship played along its full-marks plan at 1440x900,
    three times (about 60 decisions). For each choice or continue that leads to another
    scene: from the click on Decide to the end of ``QApplication.processEvents()``, which
    runs the layout and paints the next frame into the window's backing store (the script
    checks that the new scene's heading and text were painted in that call; if they were
    not, it forces ``repaint()`` and counts that time too). The durable store write runs on
    the store writer's thread meanwhile and is not waited for: the screen says "recorded"
    only when it is done. Median and 95th percentile. Target: under 16 ms.
(c) memory: resident set size (``VmRSS`` from /proc/self/status) with the flagship open
    on the incident screen. Target: under 200 MB.

These are scripts, not tests: they print numbers and never run under pytest.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from benchmarks.figures import Figure, emit, format_machine

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


class _PaintCounter:
    """Counts Paint events reaching some widgets (the new scene's heading and text)."""

    def __init__(self, widgets):
        from PySide6.QtCore import QEvent, QObject

        counter = self

        class Filter(QObject):
            def eventFilter(self, obj, event):  # noqa: N802 - Qt override
                if event.type() == QEvent.Type.Paint:
                    counter.painted.add(id(obj))
                return False
        self.painted: set[int] = set()
        self.widgets = list(widgets)
        self.filter = Filter()
        for widget in self.widgets:
            widget.installEventFilter(self.filter)

    def all_painted(self) -> bool:
        return all(id(widget) in self.painted for widget in self.widgets)

    def remove(self) -> None:
        for widget in self.widgets:
            widget.removeEventFilter(self.filter)


def bench_decisions(profile: bool = False, rounds: int = 3) -> tuple[list[float], float, str, int]:
    """Milliseconds per decision (click to next scene painted), RSS on the incident screen, and
    how many frames needed a forced repaint (0 when processEvents painted them all)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from hydra_sim import paths
    from hydra_sim.engine import load_plan
    app = QApplication.instance() or QApplication([])
    times: list[float] = []
    forced = 0
    rss = 0.0
    profiler = cProfile.Profile() if profile else None
    steps, problems = load_plan(REPO / "scenarios" / "brackenford-services.best.plan.yaml")
    assert steps, problems
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as home:
            paths.set_home(home)
            from hydra_sim.app import build_main_window
            clock = [1000.0]
            window = build_main_window(show_error_windows=False, real_time=False, now=lambda clock=clock: clock[0])
            window.resize(1440, 900)
            window.show()
            app.processEvents()
            assert window.open_scenario_file(REPO / "scenarios" / "brackenford-services.yaml")
            window.start_session()
            app.processEvents()
            window.grab()
            rss = rss or _rss_mb()        # the first window only: later rounds add their own
            controller, screen = window.controller, window.incident_screen
            counter = _PaintCounter([screen.scene_heading, screen.narrative])
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
                counter.painted.clear()
                if profiler:
                    profiler.enable()
                started = time.perf_counter()
                panel.decide_button.click()
                app.processEvents()
                if not counter.all_painted():
                    forced += 1
                    window.repaint()
                elapsed = (time.perf_counter() - started) * 1000
                if profiler:
                    profiler.disable()
                if controller.runner.ended:
                    break              # the debrief is not a scene
                times.append(elapsed)
            counter.remove()
            controller.flush()
            controller.timer.stop()
            window.debrief_screen.stop_worker()
            window.close()
            paths.set_home(None)
    report = ""
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        report = out.getvalue()
    return times, rss, report, forced


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def figures(profile: bool = False) -> tuple[list[Figure], str]:
    """The three figures (the bare window's start as a baseline row), and the cProfile report of (b) if asked."""
    bare, start = bench_startup()
    times, rss, report, forced = bench_decisions(profile)
    ratio = start / bare
    median, p95 = statistics.median(times), _p95(times)
    bare_name = "bare QMainWindow start"
    row = partial(Figure, module="gui")
    rows = [
        row("(a) bare QMainWindow start to first idle moment (median of 5)", "baseline", f"{bare * 1000:.0f} ms",
            1.0, "baseline", bare_name),
        row("(a) start to interactive start screen (median of 5)", "<= 2.0x bare window",
            f"{start * 1000:.0f} ms", ratio, "baseline", bare_name, passed=ratio <= 2.0),
        # The pass/fail and the ratio are the 95th percentile's, as the script always judged (b).
        row(f"(b) Decide click to next scene rendered ({len(times)} decisions)", "< 16 ms",
            f"median {median:.1f} ms, p95 {p95:.1f} ms", p95 / 16, "target", passed=p95 < 16,
            note=f"(b) median {median:.2f} ms, p95 {p95:.2f} ms, max {max(times):.2f} ms; frames that needed a "
                 f"forced repaint: {forced} of {len(times)}; QT_QPA_PLATFORM={os.environ.get('QT_QPA_PLATFORM')}"),
        row("(c) resident memory, flagship on the incident screen", "< 200 MB", f"{rss:.0f} MB", rss / 200,
            "target", passed=rss < 200),
    ]
    return rows, report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="cProfile figure (b)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON (for python -m benchmarks)")
    args = parser.parse_args(argv)
    rows, report = figures(args.profile and not args.json)
    if args.json:
        return emit(rows, as_json=True)
    print(format_machine())
    print()
    code = emit(rows, as_json=False)
    if report:
        print(report)
    return code


if __name__ == "__main__":
    sys.exit(main())

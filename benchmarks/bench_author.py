"""Author mode timings: the map of a 300-scene scenario, and re-checking after a save.

(a) map layout + first paint, 300 scenes: build_graph + layout + populating the
    QGraphicsScene + one grab of the viewport. Target < 1 s.
(b) after a save of the flagship: load_scenario + replaying a 15-choice preview log
    (a fresh runner, load_snapshot of the preview's start, replay of each entry).
    Target < 200 ms.
Prints the shared table (benchmarks.figures). Run: python -m benchmarks.bench_author [--json]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.figures import Figure, emit  # noqa: E402
from benchmarks.synthetic import make_scenario  # noqa: E402
from hydra_sim.engine.graph import build_graph  # noqa: E402
from hydra_sim.engine.loader import load_scenario  # noqa: E402

FLAGSHIP = REPO / "scenarios" / "brackenford-services.yaml"


def bench_map(folder: Path, scenes: int = 300, repeats: int = 5) -> float:
    from PySide6.QtWidgets import QApplication

    from hydra_sim.gui.author.map_view import MapView
    app = QApplication.instance() or QApplication([])
    scenario = load_scenario(make_scenario(scenes, folder)).raise_for_errors()
    view = MapView()
    view.resize(1000, 700)
    view.show()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        view.populate(build_graph(scenario))      # build_graph + prepare + layout + items
        view.fit()
        view.viewport().grab()
        times.append(time.perf_counter() - start)
        app.processEvents()
    view.close()
    return statistics.median(times)


def preview_log(scenario, steps: int = 15):
    from hydra_sim.gui.author.session import PreviewSession, PreviewStart
    session = PreviewSession.begin(scenario, PreviewStart(scenario.start))
    while len(session.choices) < steps and not session.runner.ended:
        runner = session.runner
        decision = runner.decision
        if decision is None:
            session.continue_()
            continue
        options = [o.id for o in runner.available_options()]
        selection = {"choose_one": options[-1], "rank": options,
                     "choose_many": options[: max(1, decision.min_picks or 1)],
                     "ndm_rationale": {f: "because" for f in decision.fields}}[decision.kind]
        session.choose(selection, "because")
    return session


def bench_recheck(repeats: int = 15) -> tuple[float, int]:
    scenario = load_scenario(FLAGSHIP).raise_for_errors()
    session = preview_log(scenario)
    steps = len(session.choices)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = load_scenario(FLAGSHIP)
        stopped = session.replay(result.scenario)
        times.append(time.perf_counter() - start)
        assert stopped is None and len(session.choices) == steps
    return statistics.median(times), steps


def figures(scenes: int = 300) -> list[Figure]:
    with tempfile.TemporaryDirectory() as tmp:
        map_s = bench_map(Path(tmp), scenes)
    recheck_s, steps = bench_recheck()
    return [Figure(f"map layout + first paint, {scenes} scenes", "< 1 s", f"{map_s * 1000:.0f} ms", map_s / 1.0,
                   "target", passed=map_s < 1.0, module="author"),
            Figure(f"re-check + preview replay after a save, flagship, {steps} choices", "< 200 ms",
                   f"{recheck_s * 1000:.0f} ms", recheck_s / 0.2, "target", passed=recheck_s < 0.2, module="author")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_author", description=__doc__.split("\n")[0])
    parser.add_argument("--scenes", type=int, default=300, help="size of the synthetic scenario (default 300)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON (for python -m benchmarks)")
    args = parser.parse_args(argv)
    return emit(figures(args.scenes), as_json=args.json)


if __name__ == "__main__":
    raise SystemExit(main())

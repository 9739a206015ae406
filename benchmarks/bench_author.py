"""Author mode timings: the map of a 300-scene scenario, and re-checking after a save.

(a) map layout + first paint, 300 scenes: build_graph + layout + populating the
    QGraphicsScene + one grab of the viewport. Target < 1 s.
(b) after a save of the flagship: load_scenario + replaying a 15-choice preview log
    (a fresh runner, load_snapshot of the preview's start, replay of each entry).
    Target < 200 ms.
Prints ``figure | target | measured | pass``. Run: python -m benchmarks.bench_author
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.synthetic import make_scenario  # noqa: E402
from hydra_sim.engine.graph import build_graph  # noqa: E402
from hydra_sim.engine.loader import load_scenario  # noqa: E402

FLAGSHIP = REPO / "scenarios" / "brackenford-services.yaml"


def bench_map(folder: Path, repeats: int = 5) -> float:
    from PySide6.QtWidgets import QApplication

    from hydra_sim.gui.author.map_view import MapView
    app = QApplication.instance() or QApplication([])
    scenario = load_scenario(make_scenario(300, folder)).raise_for_errors()
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


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        map_s = bench_map(Path(tmp))
    recheck_s, steps = bench_recheck()
    rows = [("map layout + first paint, 300 scenes", "< 1 s", map_s, map_s < 1.0),
            (f"re-check + preview replay after a save, flagship, {steps} choices", "< 200 ms", recheck_s,
             recheck_s < 0.2)]
    print("figure | target | measured | pass")
    for figure, target, seconds, ok in rows:
        print(f"{figure} | {target} | {seconds * 1000:.0f} ms | {'yes' if ok else 'NO'}")
    return 0 if all(r[3] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())

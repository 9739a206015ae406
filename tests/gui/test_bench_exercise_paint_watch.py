"""benchmarks/bench_exercise.py's ``PaintWatch`` on a real ``FollowerWindow`` (no network: the link is never started).

The watch times a decision to the first paint of the decisions table that draws the decision's
row while the table holds it. Checked here: a paint before the window shows the decision counts
nothing, a paint after it counts each decision once, and a paint that misses a row does not count
that row's decision. Never asserts on a time measured, only on which decisions were counted.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))     # benchmarks/ is not an installed package; run from the checkout

from benchmarks.bench_exercise import PaintWatch, _row_rect, follower_rows  # noqa: E402

from hydra_sim.exercise.views import DecisionView, SyndicateView  # noqa: E402
from hydra_sim.gui.exercise.station import FollowerWindow, JoinRequest  # noqa: E402


def decision(index: int, clock: int) -> DecisionView:
    return DecisionView(index=index, scene_id=f"scene{index}", scene_title=f"Scene {index}", kind="choice",
                        selection="a", choice_text=f"Option {index}", rationale="", entered_by="PC Hale",
                        clock=clock, clock_label=f"00:{clock:02d}", decision_seconds=None,
                        recorded_at=f"2026-12-07T01:00:{index:02d}.000Z")


def view(count: int) -> SyndicateView:
    return SyndicateView(name="Alpha", decisions=[decision(i, 10 * i) for i in range(count)])


def test_a_decision_counts_once_at_the_first_paint_that_draws_its_row_while_the_table_holds_it(qtbot):
    from PySide6.QtGui import QRegion

    win = FollowerWindow(JoinRequest("127.0.0.1", 9, "CODE", "Alpha", ["PC Hale"], role="follower",
                                     scenario_id="brackenford-services", station_id="Alpha-screen"))
    qtbot.addWidget(win)
    win.resize(1000, 700)
    win.show()
    qtbot.waitExposed(win)
    watch = PaintWatch(win.table, lambda: follower_rows(win))
    table = win.table
    whole = QRegion(table.viewport().rect())

    watch.painted(whole)                    # a paint before any view: nothing to count
    assert watch.latencies == [] and watch.known == set()

    win.show_view(view(1))                  # a real paint, through the watch's event filter
    table.viewport().update()
    qtbot.waitUntil(lambda: len(watch.latencies) == 1)
    assert {key[1] for key in watch.known} == {0}

    win.show_view(view(3))
    watch.painted(QRegion(_row_rect(table, 2)))         # a paint of the newest row only
    assert {key[1] for key in watch.known} == {0, 20}
    watch.painted(whole)                    # the whole table: the row left over, once
    watch.painted(whole)
    assert {key[1] for key in watch.known} == {0, 10, 20} and len(watch.latencies) == 3

"""Trainer review window speed with 10,000 stored sessions (issue 4 targets).

Generates a store through ``benchmarks.bench_records.make_record`` (the same synthetic
sessions the records benchmark uses), then times, each against its target:

- opening the review window until the sessions table has every row (< 1 s);
- the cohort dashboard for all sessions, first time (builds the report index beside the
  store) and again (< 1 s);
- a bare ``sqlite3`` SELECT of the same summary rows, for the ratio.

Run: ``QT_QPA_PLATFORM=offscreen python -m benchmarks.bench_review [--sessions N]``.
A script, not a test: it prints figures and never asserts on time.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from benchmarks.bench_records import make_record  # noqa: E402
from hydra_sim.gui.review.window import open_review_window  # noqa: E402
from hydra_sim.records import SessionStore  # noqa: E402

SUMMARY_SQL = ("SELECT session_id, trainee_id, display_name, force, role, scenario_id, scenario_version, "
               "started_at, status, ending_id, percent, grade, critical_failures_json FROM sessions")


def timed(function) -> tuple[float, object]:
    began = time.perf_counter()
    value = function()
    return time.perf_counter() - began, value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=30)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="bench-review-") as folder:
        path = Path(folder) / "sessions.sqlite3"
        start = datetime(2024, 1, 1, tzinfo=UTC)
        with SessionStore(path) as store:
            for first in range(0, args.sessions, 1000):
                store._bulk_insert(make_record(rng, i, args.events, start)
                                   for i in range(first, min(first + 1000, args.sessions)))
        print(f"generated {args.sessions:,} sessions, {args.sessions * args.events:,} events")

        def bare_select():
            with sqlite3.connect(path) as connection:
                return connection.execute(SUMMARY_SQL).fetchall()
        bare = min(timed(bare_select)[0] for _ in range(3))

        with SessionStore(path) as store:
            def open_window():
                window = open_review_window(store, verify_in_background=False)
                window.show()
                app.processEvents()
                return window
            opened, window = timed(open_window)
            rows = window.model.rowCount()
            first_dashboard, _ = timed(lambda: (window.show_dashboard(), app.processEvents()))
            again, _ = timed(lambda: (window.show_dashboard(), app.processEvents()))
            window.close()

    print(f"{'figure':<58} | target | measured | ratio / pass")
    print(f"{'bare sqlite3 SELECT of the session summaries':<58} | baseline | {bare * 1000:.0f} ms | 1.00x")
    print(f"{f'review window open, table showing {rows:,} rows':<58} | < 1 s | {opened * 1000:.0f} ms | "
          f"{opened / bare:.1f}x bare, {'PASS' if opened < 1 else 'MISS'}")
    print(f"{'cohort dashboard, all sessions, first (builds the index)':<58} | < 1 s | "
          f"{first_dashboard * 1000:.0f} ms | {'PASS' if first_dashboard < 1 else 'MISS'}")
    print(f"{'cohort dashboard, all sessions, again':<58} | < 1 s | {again * 1000:.0f} ms | "
          f"{'PASS' if again < 1 else 'MISS'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

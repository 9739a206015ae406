"""Trainer review window speed with 10,000 stored sessions (issue 4 targets).

Generates a store through ``benchmarks.bench_records.make_record`` (the same synthetic
sessions the records benchmark uses), then times, each against its target:

- opening the review window until the sessions table has every row (< 1 s);
- the cohort dashboard for all sessions, first time (builds the report index beside the
  store) and again (< 1 s);
- a bare ``sqlite3`` SELECT of the same summary rows, for the ratio.

Run: ``QT_QPA_PLATFORM=offscreen python -m benchmarks.bench_review [--sessions N] [--json]``.
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
from functools import partial
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from benchmarks.bench_records import make_record  # noqa: E402
from benchmarks.figures import Figure, emit  # noqa: E402
from hydra_sim.gui.review.window import open_review_window  # noqa: E402
from hydra_sim.records import SessionStore  # noqa: E402

SUMMARY_SQL = ("SELECT session_id, trainee_id, display_name, force, role, scenario_id, scenario_version, "
               "started_at, status, ending_id, percent, grade, critical_failures_json FROM sessions")


def timed(function) -> tuple[float, object]:
    began = time.perf_counter()
    value = function()
    return time.perf_counter() - began, value


def figures(sessions: int = 10_000, events_each: int = 30) -> list[Figure]:
    app = QApplication.instance() or QApplication([])
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="bench-review-") as folder:
        path = Path(folder) / "sessions.sqlite3"
        start = datetime(2024, 1, 1, tzinfo=UTC)
        with SessionStore(path) as store:
            for first in range(0, sessions, 1000):
                store._bulk_insert(make_record(rng, i, events_each, start)
                                   for i in range(first, min(first + 1000, sessions)))
        generated = f"generated {sessions:,} sessions, {sessions * events_each:,} events"

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

    bare_name = "bare sqlite3 SELECT"
    row = partial(Figure, module="review")
    return [
        row("bare sqlite3 SELECT of the session summaries, best of 3", "baseline", f"{bare * 1000:.0f} ms", 1.0,
            "baseline", bare_name, note=generated),
        row(f"review window open, table showing {rows:,} rows", "< 1 s", f"{opened * 1000:.0f} ms", opened / bare,
            "baseline", bare_name, passed=opened < 1),
        row("cohort dashboard, all sessions, first (builds the index)", "< 1 s", f"{first_dashboard * 1000:.0f} ms",
            first_dashboard / 1.0, "target", passed=first_dashboard < 1),
        row("cohort dashboard, all sessions, again", "< 1 s", f"{again * 1000:.0f} ms", again / 1.0, "target",
            passed=again < 1),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=30)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON (for python -m benchmarks)")
    args = parser.parse_args(argv)
    return emit(figures(args.sessions, args.events), as_json=args.json)


if __name__ == "__main__":
    raise SystemExit(main())

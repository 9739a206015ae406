"""Session store benchmarks: a durable decision, listing sessions, and verifying every hash chain.

Run from the repository root::

    python -m benchmarks.bench_records                    # 10,000 sessions, ~300,000 events
    python -m benchmarks.bench_records --sessions 2000    # smaller
    python -m benchmarks.bench_records --json             # the figures as JSON

The store is generated in a temporary folder through ``SessionStore._bulk_insert`` (one
transaction, ``executemany``; the documented internal helper for test and benchmark data),
with real hash chains, so ``verify()`` does its full work. Then:

(a) one durable decision: the median of 200 ``append_input`` calls (a ``choose`` entry with
    ``clock_after``; each is its own ``BEGIN IMMEDIATE ... COMMIT`` with ``synchronous=FULL``,
    so it includes an fsync). Target: under 10 ms.
(b) ``store.sessions()`` (every session as a ``SessionSummary``) against a bare ``sqlite3``
    ``SELECT`` of the same rows in the same order. Best of 5 each; the ratio is reported.
(c) ``store.verify()`` of every session. Best of 3.
Also (info): opening the store (``PRAGMA quick_check`` of the whole file), exporting and
importing a 100-session bundle, and deleting one trainee's sessions.

A script, not a test: it prints numbers and never runs under pytest.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import closing
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from benchmarks.figures import Figure, emit
from hydra_sim.records import SessionStore, integrity
from hydra_sim.records.bundles import export_bundle, import_bundle

KINDS = ("scene_entered", "decision_recorded", "inject_fired", "reference_opened", "clock")


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def make_record(rng: random.Random, index: int, events: int, start: datetime, report: dict | None = None) -> dict:
    """One synthetic finished (or, every tenth, in-progress) session with a valid hash chain.
    ``report``: the score report a finished session keeps (a small made-up one if not given;
    the review benchmark passes a real one, so reports are their real size)."""
    started = start + timedelta(minutes=7 * index)
    catalogues = json.dumps({"core-nrp": "3"}, separators=(",", ":"))
    session = {"session_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
               "trainee_id": f"t-{index % 400:04d}", "display_name": "", "force": "Brackenford",
               "role": "call_handler", "scenario_id": "lorry-drop", "scenario_version": "1.4",
               "scenario_hash": "ab" * 32, "scenario_path": "/scenarios/lorry-drop.yaml",
               "scenario_title": "Clandestine lorry drop", "catalogues_json": catalogues,
               "started_at": _stamp(started), "updated_at": _stamp(started + timedelta(minutes=events)),
               "ended_at": None, "status": "in_progress", "clock": events * 60, "replay_clock": events * 60,
               "replay_exact": 1, "checkpointed": 0, "scene_id": "s3", "result_json": None, "percent": None,
               "grade": None, "ending_id": None, "critical_failures_json": "[]"}
    genesis = integrity.session_genesis(session)
    prev, rows = genesis, []
    for seq in range(1, events + 1):
        is_input = seq % 3 == 0
        kind = "choose" if is_input else KINDS[seq % len(KINDS)]
        data = ({"type": "choose", "scene": f"s{seq}", "clock": seq * 60, "selection": rng.choice("abcd"),
                 "rationale": "Life first: the occupants may be suffocating, so I sent an ambulance."}
                if is_input else {"scene_id": f"s{seq}", "index": seq // 3, "credit": rng.random()})
        recorded = _stamp(started + timedelta(seconds=seq * 40))
        digest = integrity.event_hash(session["session_id"], seq, kind, is_input, seq * 60, recorded, data, prev)
        rows.append({"seq": seq, "kind": kind, "is_input": is_input, "clock": seq * 60, "recorded_at": recorded,
                     "data": data, "prev_hash": prev, "hash": digest})
        prev = digest
    session.update(genesis=genesis, head_hash=prev)
    if index % 10:
        percent = round(rng.uniform(20, 100), 1)
        report = (dict(report, percent=percent) if report is not None else
                  {"scenario_id": "lorry-drop", "percent": percent, "grade_id": "competent",
                   "actions": [{"action_id": f"a{n}", "status": "on_time", "credit": 2.0} for n in range(12)]})
        session.update(status="finished", ended_at=session["updated_at"], percent=report["percent"],
                       grade="competent", ending_id="good_end", result_json=json.dumps(report))
        session["result_hash"] = integrity.result_hash(prev, report, report["percent"], "competent")
    return {"session": session, "events": rows, "annotations": [], "grade_overrides": [], "rescores": []}


def best(function, repeats: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeats):
        began = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - began)
    return min(times), value


def figures(sessions: int = 10_000, events_each: int = 30, folder: str | None = None) -> list[Figure]:
    """Generate the store in a temporary folder (inside ``folder`` if given) and time (a), (b), (c)."""
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(dir=folder, prefix="bench-records-") as folder:
        path = Path(folder) / "records" / "sessions.sqlite3"     # its records key: folder/config/records.key
        start = datetime(2024, 1, 1, tzinfo=UTC)
        began = time.perf_counter()
        with SessionStore(path) as store:
            batch = 1000
            for first in range(0, sessions, batch):
                store._bulk_insert(make_record(rng, i, events_each, start)
                                   for i in range(first, min(first + batch, sessions)))
        generated = time.perf_counter() - began
        events = sessions * events_each
        size = path.stat().st_size / 1e6
        generated_note = (f"generated {sessions:,} sessions, {events:,} events, {size:.0f} MB "
                          f"in {generated:.1f} s (SQLite {sqlite3.sqlite_version})")

        opened, store = best(lambda: SessionStore(path), 1)
        with store:
            live = next(s.session_id for s in store.sessions("in_progress"))
            times = []
            for n in range(200):
                entry = {"type": "choose", "scene": "s9", "clock": 10_000 + n, "selection": "a",
                         "rationale": "benchmark decision"}
                t0 = time.perf_counter()
                store.append_input(live, entry, clock_after=10_000 + n)
                times.append(time.perf_counter() - t0)
            append_ms = statistics.median(times) * 1000
            p95_ms = statistics.quantiles(times, n=20)[-1] * 1000

            listing, summaries = best(store.sessions, 5)
            with closing(sqlite3.connect(path)) as bare_conn:
                bare, bare_rows = best(lambda: bare_conn.execute(
                    "SELECT * FROM sessions ORDER BY started_at DESC, rowid DESC").fetchall(), 5)
            assert len(summaries) == len(bare_rows) == sessions

            verify, issues = best(store.verify, 3)
            assert issues == [], issues[:3]

            ids = [s.session_id for s in summaries[:100]]
            bundle = Path(folder) / "b.jsonl.gz"
            exported, _ = best(lambda: export_bundle(store, bundle, session_ids=ids), 1)
            with SessionStore(Path(folder) / "other" / "sessions.sqlite3") as other:
                imported, result = best(lambda: import_bundle(other, bundle), 1)
                assert result.added == 100
            trainee = summaries[0].trainee.trainee_id
            deleted, count = best(lambda: store.delete_trainee(trainee), 1)

    bare_name = "bare sqlite3 SELECT"
    row = partial(Figure, module="records")
    return [
        row("(a) one durable decision: median of 200 `append_input` (fsync each)", "< 10 ms", f"{append_ms:.2f} ms",
            append_ms / 10, "target", passed=append_ms < 10, note=generated_note),
        row("(a) the same, 95th percentile", "(info)", f"{p95_ms:.2f} ms"),
        row(f"(b) bare sqlite3 SELECT of {sessions:,} session rows, best of 5", "baseline",
            f"{bare * 1000:.0f} ms", 1.0, "baseline", bare_name),
        row("(b) `store.sessions()` (SessionSummary objects), best of 5", "(info)", f"{listing * 1000:.0f} ms",
            listing / bare, "baseline", bare_name),
        row(f"(c) `store.verify()` of {sessions:,} sessions, {events:,} events, best of 3", "(info)",
            f"{verify:.2f} s ({events / verify / 1000:.0f}k events/s)"),
        row(f"open the store ({size:.0f} MB, quick_check)", "(info)", f"{opened * 1000:.0f} ms"),
        row("export a 100-session bundle (gzip)", "(info)", f"{exported * 1000:.0f} ms"),
        row("import it into an empty store (chains checked)", "(info)", f"{imported * 1000:.0f} ms"),
        row(f"delete one trainee ({count} sessions)", "(info)", f"{deleted * 1000:.0f} ms"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=30, help="events per session (default 30)")
    parser.add_argument("--folder", help="where to make the temporary store (default: the system temp folder)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON (for python -m benchmarks)")
    args = parser.parse_args(argv)
    return emit(figures(args.sessions, args.events, args.folder), as_json=args.json)


if __name__ == "__main__":
    sys.exit(main())

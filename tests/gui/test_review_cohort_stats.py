"""cohort_stats without Qt: miss rates, histogram, median times, filters."""

from __future__ import annotations

import sys

from hydra_sim.gui.review import cohort_stats as cs


def _report(sid, percent, *actions):
    return cs.CompactReport(sid, "s", percent, "", None, list(actions))


def test_miss_rates_count_missed_and_contravened_over_assessed():
    reports = [
        _report("1", 100, ("a", "on_time", True, 60), ("b", "missed", False, None), ("c", "not_applicable", False, None)),
        _report("2", 40, ("a", "contravened", True, None), ("b", "late", False, 900), ("c", "missed", False, None)),
        _report("3", 55, ("a", "missed", True, None), ("b", "on_time", False, 30), ("c", "not_applicable", False, None)),
    ]
    rates = {m.action_id: m for m in cs.miss_rates(reports, {"a": "Action A"})}
    assert (rates["a"].missed, rates["a"].assessed, rates["a"].contravened) == (2, 3, 1)
    assert rates["a"].title == "Action A" and rates["a"].critical
    assert rates["b"].rate == 1 / 3
    assert (rates["c"].missed, rates["c"].assessed) == (1, 1)            # n/a sessions are not counted
    assert [m.action_id for m in cs.miss_rates(reports)] == ["c", "a", "b"]


def test_histogram_and_median_times():
    assert cs.score_histogram([0, 9.9, 10, 55, 100, None, 99.5]) == [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]
    reports = [_report("1", 1, ("a", "on_time", True, 60)), _report("2", 1, ("a", "late", True, 300)),
               _report("3", 1, ("a", "missed", True, None)), _report("4", 1, ("a", "on_time", True, 120)),
               _report("5", 1, ("b", "on_time", False, 5))]
    times = cs.median_critical_times(reports)
    assert [(t.action_id, t.median_seconds, t.achieved, t.assessed) for t in times] == [("a", 120, 3, 4)]


def test_row_filter():
    row = cs.SessionRow("id", "t-1", "Alex", "Kent", "call_handler", "mini", "1.0", "Mini scenario",
                        "2026-03-04T10:00:00Z", None, "finished", 50.0, "competent", "good_end", 1)
    assert cs.RowFilter(text="kent").accepts(row)
    assert not cs.RowFilter(text="essex").accepts(row)
    assert cs.RowFilter(date_from="2026-03-04", date_to="2026-03-04").accepts(row)
    assert not cs.RowFilter(date_from="2026-03-05").accepts(row)
    assert cs.RowFilter(critical_only=True, grade_id="competent").accepts(row)
    row.override = {"grade_id": "distinction"}
    assert row.grade_text == "Distinction (override)"
    assert cs.RowFilter(grade_id="distinction").accepts(row)


def test_headless_modules_do_not_import_qt():
    import hydra_sim.gui.review.cohort_counts  # noqa: F401
    import hydra_sim.gui.review.sample_data  # noqa: F401
    assert not any(name.startswith("PySide6") for name in sys.modules if "review" in name) or True
    import subprocess
    code = ("import sys, hydra_sim.gui.review.cohort_stats, hydra_sim.gui.review.cohort_counts, "
            "hydra_sim.gui.review.sample_data; print(any(m.startswith('PySide6') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"

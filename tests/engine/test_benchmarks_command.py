"""`python -m benchmarks`: the one-table command, its exit status, and the figures' JSON and table.

Runs the cheapest module in quick mode in a subprocess; never asserts on any time measured.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))     # benchmarks/ is not an installed package; run from the checkout

from benchmarks import __main__ as command  # noqa: E402
from benchmarks.figures import Figure, format_table, from_json, to_json  # noqa: E402


def _rows(output: str) -> list[list[str]]:
    """The cells of the figures table (the one whose header starts with 'module')."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| module "))
    table = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        table.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return table


def test_quick_engine_run_prints_one_table_and_exit_status_follows_the_targets():
    done = subprocess.run([sys.executable, "-m", "benchmarks", "--only", "engine", "--quick", "--timeout", "120"],
                          cwd=REPO, capture_output=True, text=True, timeout=180)
    out = done.stdout
    assert "QUICK RUN" in out and "NOT comparable" in out
    assert "| CPU model |" in out and "| SQLite |" in out and "| Python |" in out
    table = _rows(out)
    assert table[0] == ["module", "figure", "target", "measured", "ratio", "pass"]
    body = table[2:]
    assert len(body) == 9 and all(len(row) == 6 and row[0] == "engine" for row in body)
    for row in body:
        target, ratio, verdict = row[2], row[4], row[5]
        if target in ("(info)", "baseline"):
            assert verdict == ""
        else:
            assert verdict in ("PASS", "NO")
        if ratio:
            assert ratio.endswith("of target") or ratio.split(" ", 1)[1] == "bare yaml.load"
    verdicts = [row[5] for row in body if row[5]]
    assert len(verdicts) == 5
    # Exit status: 0 exactly when every target passed, and then the summary says so; else the misses are named.
    if all(v == "PASS" for v in verdicts):
        assert done.returncode == 0 and "All 5 targets passed." in out
    else:
        assert done.returncode == 1 and "NOT met" in out


def test_a_crashing_module_becomes_a_failing_row():
    rows, _ = command.run_module("engine", [sys.executable, "-c", "import sys; sys.exit('boom: no scenario')"], 60)
    assert len(rows) == 1 and rows[0].passed is False and rows[0].module == "engine"
    assert "exit status 1" in rows[0].measured and "boom: no scenario" in rows[0].measured


def test_a_module_past_its_timeout_is_stopped_and_becomes_a_failing_row():
    # The child waits forever on an event nobody sets; the runner must stop it at the timeout.
    code = "import threading; print('started', flush=True); threading.Event().wait()"
    rows, _ = command.run_module("gui", [sys.executable, "-c", code], 1.0)
    assert len(rows) == 1 and rows[0].passed is False and "timed out" in rows[0].measured


def test_unknown_module_is_a_clear_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        command.main(["--only", "engine,nosuch"])
    assert exit_info.value.code == 2
    assert "unknown benchmark nosuch" in capsys.readouterr().err


def test_figures_round_trip_through_json_and_format_as_one_markdown_table():
    figures = [
        Figure("bare load", "baseline", "10 ms", 1.0, "baseline", "bare yaml.load", module="engine"),
        Figure("full load", "<= 2.0x bare", "15 ms", 1.5, "baseline", "bare yaml.load", passed=True,
               module="engine", note="lint: 0 problems"),
        Figure("step | median", "< 1 ms", "2 ms", 2.0, "target", passed=False, module="engine"),
        Figure("set-up", "(info)", "3 ms", module="engine"),
    ]
    assert from_json(to_json(figures)) == figures
    lines = format_table(figures).splitlines()
    assert [c.strip() for c in lines[0].strip("|").split(" | ")] == ["figure", "target", "measured", "ratio", "pass"]
    assert len(lines) == 2 + len(figures) and len({len(line) for line in lines}) == 1
    assert "1.50x bare yaml.load" in lines[3] and "PASS" in lines[3]
    assert "2.00 of target" in lines[4] and "NO" in lines[4] and "step \\| median" in lines[4]
    assert lines[5].rstrip(" |").endswith("3 ms")


@pytest.mark.parametrize("kwargs, message", [
    ({"target": "< 1 ms"}, "no pass/fail"),
    ({"ratio": 0.5}, "ratio_of"),
    ({"ratio": 0.5, "ratio_of": "baseline"}, "name the baseline"),
])
def test_a_figure_must_say_pass_fail_and_what_its_ratio_compares_with(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Figure(**{"figure": "x", "target": "(info)", "measured": "1 ms", **kwargs})


def test_json_with_unknown_fields_is_refused():
    with pytest.raises(ValueError, match="not a figure"):
        from_json('[{"figure": "x", "target": "(info)", "measured": "1", "colour": "red"}]')

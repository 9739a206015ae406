"""The headless ``hydra-sim`` commands, run as a user runs them: ``python -m hydra_sim ...``.

Covers lint on the bundled folder (text and JSON), play with the flagship's best and
careless plans (text and JSON), a play script that goes wrong, explore (text and JSON) and
``--version``. Every command runs in a subprocess with a timeout, from the repository root.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from hydra_sim import __version__

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "scenarios"
FLAGSHIP = SCENARIOS / "brackenford-services.yaml"
BEST_PLAN = SCENARIOS / "brackenford-services.best.plan.yaml"
CARELESS_PLAN = SCENARIOS / "brackenford-services.careless.plan.yaml"
TIMEOUT = 120
LOCATED = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): error (?P<code>[A-Z]\d{3}) (?P<message>.+)$")


def hydra(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-m", "hydra_sim", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done


# -- lint --------------------------------------------------------------------------------
def test_lint_bundled_scenarios_folder_is_clean() -> None:
    done = hydra("lint", "scenarios")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"\d+ files checked: 0 errors, \d+ warnings?", done.stderr), done.stderr


def test_lint_json_output() -> None:
    done = hydra("lint", "scenarios", "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert {"files", "errors", "warnings", "problems"} <= set(report)
    yaml_files = [p for p in SCENARIOS.rglob("*.yaml") if p.is_file()]
    assert report["files"] == len(yaml_files)
    assert report["errors"] == 0
    assert isinstance(report["problems"], list)
    assert report["warnings"] == sum(p["severity"] == "warning" for p in report["problems"])
    for problem in report["problems"]:
        assert {"file", "line", "column", "severity", "code", "message", "hint"} <= set(problem)


def test_lint_json_reports_errors_with_positions(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: 1\nid: broken\ntilte: x\n", encoding="utf-8")
    done = hydra("lint", str(broken), "--format", "json")
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["files"] == 1 and report["errors"] >= 1
    unknown = [p for p in report["problems"] if p["code"] == "S002"]
    assert unknown and unknown[0]["line"] == 3 and unknown[0]["column"] == 1
    assert "title" in unknown[0]["hint"]


def test_lint_missing_path_exits_1(tmp_path: Path) -> None:
    done = hydra("lint", str(tmp_path / "nope.yaml"))
    assert done.returncode == 1
    assert "Y011" in done.stdout


# -- play --------------------------------------------------------------------------------
def test_play_best_plan_text() -> None:
    done = hydra("play", str(FLAGSHIP), "--script", str(BEST_PLAN))
    assert done.returncode == 0, done.stderr
    assert "100.0%" in done.stdout
    assert "Distinction" in done.stdout


def test_play_best_plan_json() -> None:
    done = hydra("play", str(FLAGSHIP), "--script", str(BEST_PLAN), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["finished"] is True
    assert result["ending"] == "everyone_safe"
    assert result["score"]["percent"] == 100
    assert result["score"]["grade_id"] == "distinction"
    assert result["score"]["critical_failures"] == []
    assert result["error"] is None


def test_play_careless_plan_fails_critical_actions() -> None:
    done = hydra("play", str(FLAGSHIP), "--script", str(CARELESS_PLAN), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["finished"] is True
    assert result["score"]["grade_id"] == "not_yet_competent"
    failures = result["score"]["critical_failures"]
    assert "ch_dispatch_ambulance" in failures
    assert "fr_open_ventilate_trailer" in failures

    text = hydra("play", str(FLAGSHIP), "--script", str(CARELESS_PLAN))
    assert text.returncode == 0
    assert "Not yet competent" in text.stdout
    critical_line = next(line for line in text.stdout.splitlines() if line.startswith("Critical actions"))
    assert "ch_dispatch_ambulance" in critical_line


def test_play_step_for_the_wrong_scene_is_located(tmp_path: Path) -> None:
    plan = tmp_path / "wrong.plan.yaml"
    plan.write_text("steps:\n"
                    "  - call_received: threat_to_life\n"
                    "  - fim_command: take_command\n", encoding="utf-8")
    done = hydra("play", str(FLAGSHIP), "--script", str(plan))
    assert done.returncode == 1
    located = [LOCATED.match(line) for line in done.stderr.splitlines()]
    located = [m for m in located if m]
    assert located, done.stderr
    error = located[0]
    assert error["file"] == str(plan)
    assert (int(error["line"]), int(error["col"])) == (3, 5)
    assert error["code"] == "P002"
    assert "'fim_command'" in error["message"]
    assert "'lorry_moving'" in error["message"]          # where the scenario actually is
    assert "options: " in error["message"] and "stop_at_pumps" in error["message"]


def test_play_unknown_option_is_located(tmp_path: Path) -> None:
    plan = tmp_path / "typo.plan.yaml"
    plan.write_text("steps:\n  - call_received: threat_to_lfe\n", encoding="utf-8")
    done = hydra("play", str(FLAGSHIP), "--script", str(plan), "--json")
    assert done.returncode == 1
    result = json.loads(done.stdout)
    assert result["steps_played"] == 0
    assert result["error"]["line"] == 2 and result["error"]["code"] == "P002"
    assert "call_received" in result["error"]["message"]


def test_play_refuses_a_broken_scenario(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: 1\n", encoding="utf-8")
    done = hydra("play", str(broken), "--script", str(BEST_PLAN))
    assert done.returncode == 1
    assert any(LOCATED.match(line) for line in done.stderr.splitlines()), done.stderr
    assert "fix them first" in done.stderr


# -- explore -----------------------------------------------------------------------------
def test_explore_text() -> None:
    done = hydra("explore", str(FLAGSHIP), "--budget", "0")      # 0: no time limit, so always exact
    assert done.returncode == 0, done.stderr
    assert "every figure below is exact" in done.stdout
    assert "Every ending is reachable" in done.stdout
    assert "A full-marks path exists" in done.stdout


def test_explore_json() -> None:
    done = hydra("explore", str(FLAGSHIP), "--json", "--budget", "0")
    assert done.returncode == 0, done.stderr
    combinations = json.loads(done.stdout)     # the flagship has run conditions: one report for each
    assert [c["conditions"] for c in combinations] == [
        {"custody": c, "ambulance": a} for c in ("four_local", "none_local") for a in ("nearest_crew", "crews_held")]
    report = combinations[0]["report"]
    endings = {e["ending_id"]: e for e in report["endings"]}
    assert "everyone_safe" in endings
    assert endings["everyone_safe"]["max_percent"] == 100
    assert report["unreachable_endings"] == []
    assert report["full_marks_path"]


def test_explore_write_best_replays_to_full_marks(tmp_path: Path) -> None:
    best = tmp_path / "found.plan.yaml"
    done = hydra("explore", str(FLAGSHIP), "--write-best", str(best), "--budget", "0")
    assert done.returncode == 0, done.stderr
    assert best.is_file() and "custody: four_local" in best.read_text(encoding="utf-8")
    assert "under custody=four_local" in done.stderr
    replay = hydra("play", str(FLAGSHIP), "--script", str(best), "--json")
    assert replay.returncode == 0, replay.stderr
    assert json.loads(replay.stdout)["score"]["percent"] == 100


def test_explore_within_a_budget_says_what_is_a_bound(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO))
    from benchmarks.explorer_shapes import make_realistic
    path = make_realistic(tmp_path)          # far more than half a second to explore exactly
    done = hydra("explore", str(path), "--budget", "0.5")
    assert done.returncode == 0, done.stderr
    assert "NOT complete" in done.stdout and ("bound:" in done.stdout or "not reached in the part explored" in done.stdout)
    assert "whether one exists is not known" in done.stdout or "A full-marks path exists" in done.stdout
    report = json.loads(hydra("explore", str(path), "--budget", "0.5", "--json").stdout)
    assert report["complete"] is False and all(not e["exact"] for e in report["endings"])
    assert all(e["lower_percent"] <= e["min_percent"] <= e["max_percent"] <= e["upper_percent"]
               for e in report["endings"])


# -- misc --------------------------------------------------------------------------------
def test_version() -> None:
    done = hydra("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"hydra-sim {__version__}"


@pytest.mark.parametrize("args", [["lint"], ["play", str(FLAGSHIP)], ["frobnicate"]])
def test_wrong_usage_exits_2(args: list[str]) -> None:
    done = hydra(*args)
    assert done.returncode == 2
    assert "usage:" in done.stderr

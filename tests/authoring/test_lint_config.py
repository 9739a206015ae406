"""hydra-project.yaml: severity overrides found in the scenario's folder or a parent."""

from __future__ import annotations

import json
import re
from pathlib import Path

from authoring_helpers import copy_fixtures, hydra

from hydra_sim.engine.lint_config import PROJECT_FILE, config_for, find_project_file, read_config
from hydra_sim.engine.loader import load_scenario


def lint_json(*paths: Path, deep: bool = False) -> tuple[int, dict]:
    args = ["lint", *map(str, paths), "--format", "json"] + ([] if deep else ["--no-deep"])
    done = hydra(*args)
    return done.returncode, json.loads(done.stdout)


def codes(report: dict, severity: str | None = None) -> list[str]:
    return [p["code"] for p in report["problems"] if severity is None or p["severity"] == severity]


def test_project_file_is_found_in_a_parent_folder(tmp_path: Path) -> None:
    scenario = copy_fixtures(tmp_path)
    assert find_project_file(scenario) is None or not str(find_project_file(scenario)).startswith(str(tmp_path))
    (tmp_path / PROJECT_FILE).write_text("lint: {severity: {G006: off}}\n", encoding="utf-8")
    assert find_project_file(scenario) == (tmp_path / PROJECT_FILE).resolve()
    nearer = scenario.parent / PROJECT_FILE
    nearer.write_text("lint: {severity: {V001: info}}\n", encoding="utf-8")
    assert find_project_file(scenario) == nearer.resolve()       # the first one found wins
    assert config_for(scenario).severity == {"V001": "info"}


def test_warning_raised_to_error_fails_lint(tmp_path: Path) -> None:
    scenario = copy_fixtures(tmp_path)
    text = scenario.read_text(encoding="utf-8").replace('version: "1.0"', "version: 1.0")
    scenario.write_text(text, encoding="utf-8")
    code, report = lint_json(scenario)
    assert code == 0 and "S007" in codes(report, "warning")
    (tmp_path / PROJECT_FILE).write_text("lint:\n  severity:\n    S007: error\n", encoding="utf-8")
    code, report = lint_json(scenario)
    assert code == 1 and "S007" in codes(report, "error")


def test_error_lowered_to_warning_no_longer_fails(tmp_path: Path) -> None:
    scenario = copy_fixtures(tmp_path)
    text = scenario.read_text(encoding="utf-8").replace('    alt: "A hand-written note."\n', "")
    scenario.write_text(text, encoding="utf-8")
    code, report = lint_json(scenario)
    assert code == 1 and "M002" in codes(report, "error")
    assert not load_scenario(scenario).ok
    (tmp_path / PROJECT_FILE).write_text("lint: {severity: {M002: warning}}\n", encoding="utf-8")
    code, report = lint_json(scenario)
    assert code == 0 and "M002" in codes(report, "warning") and report["errors"] == 0
    assert load_scenario(scenario).ok        # the app follows the project's settings too


def test_off_hides_a_code_and_info_keeps_it(tmp_path: Path) -> None:
    scenario = copy_fixtures(tmp_path)
    code, report = lint_json(scenario, deep=True)
    assert "A003" in codes(report, "info")
    (tmp_path / PROJECT_FILE).write_text("lint:\n  severity:\n    A003: off\n    A006: warning\n", encoding="utf-8")
    code, report = lint_json(scenario, deep=True)
    assert "A003" not in codes(report) and "A006" in codes(report, "warning")


def test_safety_errors_cannot_be_lowered(tmp_path: Path) -> None:
    scenario = copy_fixtures(tmp_path)
    text = scenario.read_text(encoding="utf-8").replace("next: why", "next: whyy")
    scenario.write_text(text, encoding="utf-8")
    project = tmp_path / PROJECT_FILE
    project.write_text("lint:\n  severity:\n    R001: off\n", encoding="utf-8")
    code, report = lint_json(scenario)
    assert code == 1 and "R001" in codes(report, "error")
    l003 = [p for p in report["problems"] if p["code"] == "L003"]
    assert l003 and l003[0]["file"].endswith(PROJECT_FILE) and l003[0]["line"] == 3


def test_problems_in_the_project_file_are_located(tmp_path: Path) -> None:
    scenario = copy_fixtures(tmp_path)
    project = tmp_path / PROJECT_FILE
    project.write_text("lint:\n  severity:\n    G006: silent\n    G06: off\n    Z999: info\n  colour: red\n",
                       encoding="utf-8")
    config = read_config(project)
    found = {(p.code, p.location.line, p.location.column) for p in config.problems}
    assert ("L001", 3, 11) in found          # bad value
    assert ("L001", 4, 5) in found           # not a code
    assert ("L002", 5, 5) in found           # no such check
    assert ("S002", 6, 3) in found           # unknown field, did-you-mean from the reader
    done = hydra("lint", str(scenario), "--no-deep")
    assert done.returncode == 1
    lines = [line for line in done.stdout.splitlines() if PROJECT_FILE in line]
    assert len(lines) == 4, done.stdout       # reported once, not once per linted file
    assert all(re.match(r"^.+:\d+:\d+: (error|warning) [A-Z]\d{3} ", line) for line in lines)
    assert any("did you mean 'error'" in line or "use one of" in line for line in lines)


def test_broken_project_yaml_is_reported(tmp_path: Path) -> None:
    scenario = copy_fixtures(tmp_path)
    (tmp_path / PROJECT_FILE).write_text("lint: [unclosed\n", encoding="utf-8")
    done = hydra("lint", str(scenario), "--no-deep")
    assert done.returncode == 1 and re.search(rf"{PROJECT_FILE}:\d+:\d+: error Y002", done.stdout), done.stdout
    (tmp_path / PROJECT_FILE).write_text("# nothing yet\n", encoding="utf-8")
    assert hydra("lint", str(scenario), "--no-deep").returncode == 0

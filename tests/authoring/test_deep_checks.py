"""Deep scoring checks in lint (A003-A007), from the explorer."""

from __future__ import annotations

import json
from pathlib import Path

from authoring_helpers import MINI, copy_fixtures, hydra, write_synthetic_scenario

from hydra_sim.engine.deep_checks import abbreviate, deep_check, pass_mark
from hydra_sim.engine.loader import load_scenario
from hydra_sim.engine.problems import INFO, WARNING


def by_code(problems, code):
    return [p for p in problems if p.code == code]


def test_mini_score_ranges_and_expected_failures() -> None:
    scenario = load_scenario(MINI).raise_for_errors()
    problems = deep_check(scenario)
    ranges = by_code(problems, "A003")
    assert {p.location.line for p in ranges} == {e.location.line for e in scenario.endings.values()}
    assert any("'good_end' (good) scores between 0% and 100%" in p.message for p in ranges)
    a005 = by_code(problems, "A005")
    assert [p.severity for p in a005] == [INFO] and "'tragedy' (harm) cannot pass" in a005[0].message
    assert pass_mark(scenario) == 60
    assert not by_code(problems, "A004") and not by_code(problems, "A007")


def test_critical_action_ruled_out_names_the_first_choice() -> None:
    scenario = load_scenario(MINI).raise_for_errors()
    a006 = {p.message.split("'")[1]: p for p in by_code(deep_check(scenario), "A006")}
    assert "becomes impossible after 'call: refer'" in a006["send_ambulance"].message
    option = scenario.scenes["call"].decision.option("refer")
    assert a006["send_ambulance"].location == option.location
    assert a006["send_ambulance"].severity == INFO


def test_unachievable_action_and_good_ending_that_cannot_pass(tmp_path: Path) -> None:
    path = copy_fixtures(tmp_path)
    text = path.read_text(encoding="utf-8")
    # bwv_on is only offered when 'delay > 5', which can never be true (delay is at most 3).
    text = text.replace('{id: bwv, label: "Switch on body-worn video", evidences: [bwv_on]}',
                        '{id: bwv, label: "Switch on body-worn video", evidences: [bwv_on], if: delay > 5}')
    text = text.replace("  escalate_death:\n", "  keep_lorry: {weight: 100}\n  escalate_death:\n")
    text = text.replace("when_kept: {evidences: [keep_lorry]}", "when_kept: {feedback: fine}")
    text = text.replace("lower: [forms]", "lower: [forms]\n          description: x")
    path.write_text(text, encoding="utf-8")
    result = load_scenario(path)
    assert result.ok, [p.format() for p in result.problems]
    problems = deep_check(result.scenario)
    a004 = by_code(problems, "A004")
    assert {p.message.split("'")[1] for p in a004} >= {"bwv_on", "keep_lorry"}
    assert all(p.severity == WARNING for p in a004)
    # A good ending leaves actions no decision offered out of its total ("not reached",
    # docs/scoring.md), so the heavy unachievable action does not stop it passing: the runner
    # scores it so, and the explorer agrees with the runner.
    good = [p for p in by_code(problems, "A005") if "'good_end'" in p.message and "cannot pass" in p.message]
    assert good == []


def test_explorer_stopping_early_is_reported() -> None:
    scenario = load_scenario(MINI).raise_for_errors()
    problems = deep_check(scenario, max_states=3)
    a007 = by_code(problems, "A007")
    assert a007 and a007[0].severity == INFO and "stopped after 3 states" in a007[0].message
    assert not by_code(problems, "A004") and not by_code(problems, "A005")


def test_time_budget_stops_the_explorer() -> None:
    scenario = load_scenario(MINI).raise_for_errors()
    problems = deep_check(scenario, seconds=0)
    a007 = by_code(problems, "A007")
    assert a007 and "stopped after 0 seconds" in a007[0].message
    assert not by_code(problems, "A004") and not by_code(problems, "A005") and not by_code(problems, "A006")


def test_big_scenarios_skip_deep_checks(tmp_path: Path) -> None:
    path = write_synthetic_scenario(tmp_path, 401, name="big")
    done = hydra("lint", str(path), "--format", "json")
    report = json.loads(done.stdout)
    assert done.returncode == 0 and report["warnings"] == 0, done.stdout
    a007 = [p for p in report["problems"] if p["code"] == "A007"]
    assert len(a007) == 1 and "skipped" in a007[0]["message"] and "401 scenes" in a007[0]["message"]
    assert not [p for p in report["problems"] if p["code"] == "A003"]


def test_lint_runs_deep_checks_unless_no_deep() -> None:
    # The mini fixture lists its best option last on purpose, so the deep run
    # also reports the assessment audit's A110 (a blind strategy passes) as an error.
    deep = hydra("lint", str(MINI))
    assert " info A003 " in deep.stdout and " info A006 " in deep.stdout
    assert " error A110 " in deep.stdout and deep.returncode == 1
    shallow = hydra("lint", str(MINI), "--no-deep")
    assert shallow.returncode == 0
    deep_codes = ("A003", "A004", "A005", "A006", "A007", "A101", "A102", "A110", "A111", "A112")
    assert not any(f" {code} " in shallow.stdout for code in deep_codes)


def test_broken_scenario_gets_no_deep_checks(tmp_path: Path) -> None:
    path = copy_fixtures(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("next: why", "next: whyy"), encoding="utf-8")
    done = hydra("lint", str(path))
    assert done.returncode == 1 and "R001" in done.stdout and "A003" not in done.stdout


def test_flagship_deep_checks_have_no_warnings() -> None:
    scenario = load_scenario(Path(__file__).resolve().parents[2] / "scenarios" / "brackenford-services.yaml")
    # no time budget here: what the checks find must not depend on how busy the machine is
    problems = deep_check(scenario.raise_for_errors(), seconds=float("inf"))
    assert not [p for p in problems if p.severity != INFO], [p.format() for p in problems]
    # every ending gets its score range; where the run conditions change it (the ambulance
    # response does), there is one finding per range, saying which conditions it holds under
    ranged = {p.message.split("'")[1] for p in by_code(problems, "A003")}
    assert ranged == set(scenario.scenario.endings)


def test_abbreviate_long_paths() -> None:
    path = [{f"s{i}": "a"} for i in range(10)]
    assert abbreviate(path) == "s0: a > s1: a > s2: a > … > s8: a > s9: a"
    assert abbreviate([{"continue": "x"}, {"s": ["a", "b"]}, {"s": []}]) == "continue x > s: [a, b] > s: (none ticked)"

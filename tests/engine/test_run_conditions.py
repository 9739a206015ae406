"""Run conditions: declared, drawn per session from its seed or fixed, read by text and routes,
recorded in the log so that replay and review use exactly the conditions the trainee met."""

from __future__ import annotations

import json

import pytest
from conditions_support import PARAMEDICS
from engine_helpers import codes, write_variant

from hydra_sim.engine import RunnerError, ScenarioRunner, load_scenario
from hydra_sim.engine.run_conditions import (
    ConditionError,
    combination_count,
    combinations,
    describe,
    parse_assignments,
)
from hydra_sim.engine.runner import ReplayError

CONDITIONS = ("run_conditions:\n" + PARAMEDICS
              + '  interpreter_wrong_dialect: {type: bool, title: "Interpreter booked speaks the wrong dialect"}\n'
              + "injects:")
ARRIVE_TEXT = '''    text: "You arrive."
    injects:'''
ARRIVE_VARIANTS = '''    text:
      - if: paramedics == "stacked"
        text: "You arrive. Control says no ambulance crew is free."
      - text: "You arrive. The ambulance is two minutes behind you."
    injects:'''


def conditioned(tmp_path, *extra):
    path = write_variant(tmp_path, [("injects:", CONDITIONS), (ARRIVE_TEXT, ARRIVE_VARIANTS), *extra])
    return load_scenario(path)


def test_conditions_are_read_only_variables_that_text_reads(tmp_path):
    scenario = conditioned(tmp_path).raise_for_errors()
    assert combination_count(scenario) == 4 and len(list(combinations(scenario))) == 4
    for value, words in (("stacked", "no ambulance crew"), ("prompt", "two minutes behind")):
        runner = ScenarioRunner(scenario, conditions={"paramedics": value})
        runner.start()
        runner.choose("ambulance")
        assert words in runner.scene_text()
        assert runner.variables["paramedics"] == value


def test_the_draw_follows_the_seed_and_is_recorded_then_replayed(tmp_path):
    scenario = conditioned(tmp_path).raise_for_errors()
    draws = {tuple(ScenarioRunner(scenario, seed=s).conditions.values()) for s in range(40)}
    assert len(draws) == 4                                    # every combination comes up
    runner = ScenarioRunner(scenario, seed=7)
    assert ScenarioRunner(scenario, seed=7).conditions == runner.conditions
    runner.start()
    assert {"type": "conditions", "values": runner.conditions, "clock": 0} in runner.log
    again = ScenarioRunner.restore(scenario, runner.log)
    assert again.conditions == runner.conditions
    other = dict(runner.conditions, interpreter_wrong_dialect=not runner.conditions["interpreter_wrong_dialect"])
    forged = [dict(e, values=other) if e["type"] == "conditions" else e for e in runner.log]
    with pytest.raises(ReplayError):                         # a log's conditions must agree with itself
        ScenarioRunner.restore(scenario, forged + [{"type": "conditions", "values": runner.conditions}])


def test_a_trainer_fixes_a_condition_and_bad_values_are_refused(tmp_path):
    scenario = conditioned(tmp_path).raise_for_errors()
    fixed = parse_assignments(["paramedics=stacked", "interpreter_wrong_dialect=TRUE"], scenario)
    assert fixed == {"paramedics": "stacked", "interpreter_wrong_dialect": True}
    assert all(ScenarioRunner(scenario, seed=s, conditions=fixed).conditions == fixed for s in range(5))
    for bad in (["paramedics=slow"], ["weather=rain"], ["interpreter_wrong_dialect=maybe"], ["paramedics"]):
        with pytest.raises(ConditionError):
            parse_assignments(bad, scenario)
    with pytest.raises(RunnerError, match="cannot be"):
        ScenarioRunner(scenario, conditions={"paramedics": "slow"})


def test_old_logs_without_conditions_replay_with_the_defaults(tmp_path):
    scenario = conditioned(tmp_path).raise_for_errors()
    runner = ScenarioRunner(scenario, seed=3)
    runner.start()
    runner.choose("ambulance")
    old_log = [e for e in runner.log if e["type"] != "conditions"]
    again = ScenarioRunner.restore(scenario, old_log)
    assert again.conditions == {"paramedics": "prompt", "interpreter_wrong_dialect": False}


def test_describe_uses_the_authors_words(tmp_path):
    scenario = conditioned(tmp_path).raise_for_errors()
    lines = describe(scenario, {"paramedics": "stacked", "interpreter_wrong_dialect": False})
    assert lines == ["Ambulance response: delayed: no crew free for 40 minutes",
                     "Interpreter booked speaks the wrong dialect: false"]


def test_an_outcome_cannot_change_a_run_condition(tmp_path):
    result = conditioned(tmp_path, ("set: {ambulance: true}", "set: {ambulance: true, paramedics: prompt}"))
    assert not result.ok and "V004" in codes(result.problems)


def test_bad_declarations_and_text_versions_are_located(tmp_path):
    result = conditioned(tmp_path, ("values: [prompt, stacked]", "values: [prompt]"),
                         ('      - text: "You arrive. The ambulance', '      - if: ambulance\n        text: "You'))
    found = {(p.code, p.severity) for p in result.problems}
    assert ("S001", "error") in found and ("G003", "error") in found
    clash = conditioned(tmp_path / "b", ("  ambulance: {type: bool}", "  paramedics: {type: bool}"))
    assert "S006" in codes(clash.problems)
    typo = conditioned(tmp_path / "c", ('if: paramedics == "stacked"', 'if: paramedics == "stuck"'))
    assert not typo.ok and any("stuck" in p.message for p in typo.problems)


def test_the_command_line_fixes_conditions_for_play_explore_and_test_plans(tmp_path, capsys):
    from hydra_sim.cli import main
    result = conditioned(tmp_path)
    path = result.scenario.path
    plan = path.with_name("stacked.plan.yaml")
    plan.write_text("scenario: mini.yaml\nconditions: {paramedics: stacked}\nsteps:\n  - {scene: call, choose: ambulance}\n"
                    "expect: {variables: {paramedics: stacked}}\n",
                    encoding="utf-8")
    assert main(["test", str(plan)]) == 0 and "PASS" in capsys.readouterr().out
    assert main(["play", str(path), "--script", str(plan), "--condition", "interpreter_wrong_dialect=true",
                 "--json"]) == 0
    played = json.loads(capsys.readouterr().out)
    assert played["steps_played"] == 1
    assert main(["play", str(path), "--script", str(plan), "--condition", "paramedics=slow"]) == 2
    assert "cannot be 'slow'" in capsys.readouterr().err
    assert main(["explore", str(path), "--condition", "paramedics=stacked", "--json"]) == 0
    explored = json.loads(capsys.readouterr().out)
    assert [c["conditions"] for c in explored] == [{"paramedics": "stacked", "interpreter_wrong_dialect": False},
                                                   {"paramedics": "stacked", "interpreter_wrong_dialect": True}]
    assert main(["explore", str(path)]) == 0
    assert capsys.readouterr().out.count("== run conditions:") == 4


def test_lint_deep_checks_explore_every_combination(tmp_path):
    from hydra_sim.engine.deep_checks import deep_check
    route = '''      - if: driver == "arrested" and lead != ""
        goto: good_end'''
    only_prompt = '''      - if: paramedics == "stacked"
        goto: lost_end
''' + route
    scenario = conditioned(tmp_path, (route, only_prompt)).raise_for_errors()
    problems = deep_check(scenario, seconds=float("inf"))
    good = [p.message for p in problems if p.code == "A003" and "'good_end'" in p.message]
    assert good and all("(under paramedics=prompt" in m for m in good)      # only reachable on those runs
    assert not any("paramedics=stacked" in m for m in good)

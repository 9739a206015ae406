"""Team actions of a seated scenario, scored from the shared record (engine/team.py), and each
seat's picture at each decision (the divergence view), on played paths of the seated flagship.
Must not import Qt."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from hydra_sim.engine.lint import lint_scenario
from hydra_sim.engine.loader import load_scenario
from hydra_sim.engine.model import ActionRef, Location, TeamAction
from hydra_sim.engine.plan import load_test_plan, run_test_plan
from hydra_sim.engine.runner import ScenarioRunner
from hydra_sim.engine.scoring import score_runner
from hydra_sim.engine.team import MET, MISSED, NOT_REACHED, pictures, score_team

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
FILE = SCENARIOS / "brackenford-seated.yaml"


@pytest.fixture(scope="module")
def seated():
    result = load_scenario(FILE)
    assert result.ok, [p.format() for p in result.problems]
    return result.scenario


def _played(scenario, name):
    plan, problems = load_test_plan(SCENARIOS / f"brackenford-seated.{name}.plan.yaml")
    assert plan is not None, problems
    result = run_test_plan(plan, scenario)
    assert result.passed, [p.format() for p in result.problems]
    return result.runner


def _by_id(team):
    return {a["team_action_id"]: a for a in team["actions"]}


def test_the_flagship_declares_team_actions_with_reasons(seated):
    assert len(seated.team_actions) >= 6
    for action in seated.team_actions.values():
        assert action.why.strip() and action.title.strip()
        assert action.knew or action.done


def test_best_path_meets_every_team_action(seated):
    runner = _played(seated, "best")
    report = score_runner(runner)
    team = report.team
    assert team["met"] == len(seated.team_actions) and team["missed"] == 0
    assert team["percent"] == 100.0 and team["earned"] == team["possible"] > 0
    count = _by_id(team)["count_before_custody"]
    assert count["status"] == MET and count["seat"] == "manager" and not count["stand_in"]
    assert "the officers at scene" in count["explanation"] and "arrived 04:27" in count["explanation"]
    assert report.to_dict()["team"]["met"] == team["met"]      # in the stored report


def test_careless_path_misses_them_and_says_what_was_missing(seated):
    runner = _played(seated, "careless")
    team = score_team(runner)
    assert team["met"] == 0 and team["missed"] == len(seated.team_actions)
    assert team["percent"] == 0.0
    count = _by_id(team)["count_before_custody"]
    assert count["status"] == MISSED and count["credit"] == 0
    assert "never sent" in count["explanation"] and "twelve out of the trailer" in count["explanation"]
    ambulance = _by_id(team)["ambulance_before_arrival"]
    assert "gone against" in ambulance["explanation"]       # the call went against sending one


def test_one_message_missing_misses_only_the_team_action_that_needs_it(seated):
    runner = _played(seated, "scene-no-count")         # the scene seat played, the others stand in
    team = _by_id(score_team(runner))
    assert team["count_before_custody"]["status"] == MISSED
    assert team["children_before_custody"]["status"] == MET
    assert team["count_before_custody"]["stand_in"]       # the inspector's seat was the stand-in's
    assert "stand-in" in team["count_before_custody"]["explanation"]


def test_a_message_still_on_its_way_is_not_known(seated):
    """Control's NCCU reference is on the log twelve minutes after the call to the NCCU: checked at
    the inspector's first decision (04:20), the investigator has not had it yet."""
    early = TeamAction("early", "Had the reference early", "Because.", None, "investigator", "fim_command",
                       (("nccu_reference", Location()),), (), 1, Location())
    runner = _played(replace(seated, team_actions={"early": early}), "best")
    result = score_team(runner)["actions"][0]
    assert result["status"] == MISSED
    assert "still on its way" in result["explanation"] and "arriving 04:30" in result["explanation"]


def test_not_reached_while_running_and_left_out_of_the_possible(seated):
    runner = ScenarioRunner(seated)
    runner.start()
    runner.choose("threat_to_life")
    team = score_team(runner)
    statuses = {a["status"] for a in team["actions"]}
    assert statuses == {NOT_REACHED}
    assert team["possible"] == 0 and team["percent"] == 0.0
    assert all("yet" in a["explanation"] for a in team["actions"])


def test_team_actions_never_change_a_seat_grade(seated):
    runner = _played(seated, "careless")
    plain = replace(seated, team_actions={})
    with_team = score_runner(runner)
    runner.scenario = plain
    without = score_runner(runner)
    assert without.team == {}
    assert (with_team.percent, with_team.grade_id) == (without.percent, without.grade_id)


def test_every_seat_report_carries_the_same_team_result(seated):
    runner = _played(seated, "best")
    whole = score_runner(runner).team
    for seat in seated.seats:
        assert score_runner(runner, seat=seat).team == whole


def test_lint_finds_a_team_action_that_names_nothing(seated):
    bad = TeamAction("ghost", "Knew it", "Because.", None, None, "no_such_scene", (("no_such_message", Location()),),
                     (), 1, Location())
    wrong_seat = TeamAction("wrong", "Knew it", "Because.", None, "control", None, (("headcount", Location()),),
                            (), 1, Location())
    scenario = replace(seated, team_actions={"ghost": bad, "wrong": wrong_seat})
    codes = [(p.code, p.message) for p in lint_scenario(scenario) if p.code in ("H012", "H013")]
    assert any(c == "H012" and "no_such_scene" in m for c, m in codes)
    assert any(c == "H012" and "no_such_message" in m for c, m in codes)
    assert any(c == "H013" and "'control'" in m and "headcount" in m for c, m in codes)


# -- each seat's picture at each decision ------------------------------------------------
def _picture(runner, scene_title):
    return next(p for p in pictures(runner) if p.scene_title == scene_title)


def test_pictures_show_what_the_inspector_lacked_on_the_careless_path(seated):
    runner = _played(seated, "careless")
    custody = _picture(runner, "Custody, care and resources")
    assert custody.seat_title == "Force incident manager" and custody.diverged
    assert any("twelve out of the trailer" in line for line in custody.needed_missing)
    assert custody.choice.startswith("Arrest every adult")


def test_pictures_on_the_best_path_lack_nothing_the_scene_needs(seated):
    runner = _played(seated, "best")
    found = pictures(runner)
    assert len(found) == len(runner.decisions)
    custody = _picture(runner, "Custody, care and resources")
    assert custody.needed_missing == [] and len(custody.knew) >= 2
    assert any("twelve out of the trailer" in line for line in custody.knew)
    # what the team knew that the inspector did not: e.g. control's messages to the scene
    assert any(line.startswith("Radio from Control room to Officers at scene") for line in custody.elsewhere)
    words = " ".join(" ".join(p.knew + p.elsewhere + p.needed_missing + p.on_the_way) for p in found)
    for scene_or_message_id in ("custody_plan", "headcount", "boys_found", "nccu_reference", "fim_alerted"):
        assert scene_or_message_id not in words          # plain words, never ids


def test_pictures_replay_from_the_log(seated):
    runner = _played(seated, "scene-no-count")
    again = ScenarioRunner.restore(seated, runner.log)
    assert [p.to_dict() for p in pictures(again)] == [p.to_dict() for p in pictures(runner)]
    assert score_team(again) == score_team(runner)


def test_lint_warns_about_a_team_action_no_path_can_meet(seated):
    """The phones are seized after the inspector's first call, and the debrief comes at the handover:
    checked at the first decisions, neither could ever have happened (H015)."""
    too_early = TeamAction("early", "Knew about the phones", "Because.", None, None, "fim_command",
                           (("phones_seized", Location()),), (), 1, Location())
    debriefed = TeamAction("debriefed", "Debriefed first", "Because.", None, None, "call_received", (),
                           (ActionRef("close_debrief_wellbeing", Location()),), 1, Location())
    scenario = replace(seated, team_actions={"early": too_early, "debriefed": debriefed})
    found = [p.message for p in lint_scenario(scenario) if p.code == "H015"]
    assert any("'early'" in m and "phones_seized" in m and "'fim_command'" in m for m in found)
    assert any("'debriefed'" in m and "close_debrief_wellbeing" in m for m in found)
    assert not [p for p in lint_scenario(seated) if p.code == "H015"]     # the flagship's own are possible

"""Scenario files are untrusted: no code runs, no file outside the scenario's folders is read,
no network is touched, sizes are bounded, and author-chosen ids cannot reach the state machine's
or the runner's own names. No Qt here."""

from __future__ import annotations

import os
import re
import shutil
import socket
import urllib.request
from pathlib import Path

import pytest

from hydra_sim import paths
from hydra_sim.engine import ScenarioRunner, load_scenario
from hydra_sim.engine.expressions import MAX_DEPTH, MAX_LENGTH
from hydra_sim.engine.reader import MAX_TEXT_CHARS
from hydra_sim.engine.schema import MAX_INJECTS, MAX_OPTIONS, MAX_SCENES

REPO = paths.bundled_root()
FIXTURES = REPO / "tests" / "fixtures"
FLAGSHIP = REPO / "scenarios" / "brackenford-services.yaml"
FLAGSHIP_BEST = REPO / "scenarios" / "brackenford-services.best.plan.yaml"


@pytest.fixture
def mini(tmp_path) -> Path:
    """A writable copy of the mini scenario with its catalogue and assets."""
    shutil.copytree(FIXTURES, tmp_path / "fx")
    return tmp_path / "fx" / "mini" / "mini.yaml"


def codes(path) -> set[str]:
    return {p.code for p in load_scenario(path).problems if p.severity == "error"}


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


# -- no code execution ---------------------------------------------------------------------------
@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system", "!!python/name:os.system",
                                 "!!python/object/new:subprocess.Popen", "!custom"])
def test_yaml_tags_are_refused_and_nothing_runs(mini, tag):
    marker = mini.parent / "pwned"
    edit(mini, 'summary: "A small scenario that uses every feature, for tests."',
         f'summary: {tag} ["touch {marker}"]')
    result = load_scenario(mini)
    assert not result.ok and "Y004" in {p.code for p in result.problems}
    assert not marker.exists()


def test_alias_bomb_and_deep_nesting_are_bounded(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, "
              f"*a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 9)]
    bomb.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "Y014" in codes(bomb)
    deep = tmp_path / "deep.yaml"
    deep.write_text("a: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    assert "Y013" in codes(deep)


# -- ids chosen by the author never reach Python names ----------------------------------------------
def test_ids_that_are_python_names_are_refused(mini):
    edit(mini, "  arrive:\n", "  __init__:\n")
    assert "S005" in codes(mini)


COLLIDING = ["trigger", "state", "machine", "to_call", "is_call", "may_route_0", "route_0", "redirect_0",
             "start", "choose", "advance", "on_enter_call", "on_exit_call", "scene_id", "log", "variables"]


def test_ids_named_like_machine_or_runner_attributes_play_normally(mini):
    text = mini.read_text(encoding="utf-8")
    renames = {"arrive": "trigger", "priorities": "state", "why": "machine", "driver": "may_route_0",
               "handover": "route_0", "death": "redirect_0", "good_end": "to_call", "lost_end": "is_call"}
    for old, new in renames.items():
        text = re.sub(rf"(?<!milestone: )\b{old}\b", new, text)     # milestones are a fixed list
    mini.write_text(text, encoding="utf-8")
    result = load_scenario(mini)
    assert result.ok, [str(p) for p in result.problems if p.severity == "error"]
    runner = ScenarioRunner(result.scenario)
    runner.start()
    runner.choose("ambulance")
    assert runner.scene_id == "trigger"
    runner.choose(["doors", "bwv"])
    assert runner.scene_id == "state"
    runner.choose(["medical", "lorry", "forms"])
    runner.choose({"threat_risk": "people may suffocate"})
    assert runner.scene_id == "may_route_0"
    runner.choose("arrest", "he controls the vehicle")
    runner.continue_()
    assert runner.ended == "to_call"
    # the runner's own methods and the machine were not replaced by anything from the file
    assert callable(ScenarioRunner.choose) and runner.machine.__class__.__name__ == "Machine"
    assert not any(hasattr(runner, f"is_{new}") for new in renames.values())


# -- no file outside the scenario's folders ---------------------------------------------------------
@pytest.mark.parametrize("file", ["../../../etc/passwd.png", "/etc/hosts.png", "mini/../../secret.png",
                                  "C:/Windows/win.png", "file:///etc/x.png", "mini\\\\..\\\\x.png"])
def test_media_paths_leading_out_are_refused(mini, file):
    edit(mini, "file: mini/note.png", f'file: "{file}"')
    found = codes(mini)
    assert found & {"R008", "R007"} and load_scenario(mini).ok is False


def test_media_symlink_leading_out_is_refused(mini, tmp_path):
    outside = tmp_path / "outside.png"
    shutil.copy(mini.parent.parent / "assets" / "mini" / "note.png", outside)
    link = mini.parent.parent / "assets" / "mini" / "linked.png"
    try:
        os.symlink(outside, link)
    except OSError:
        pytest.skip("symbolic links are not available here")
    edit(mini, "file: mini/note.png", "file: mini/linked.png")
    assert "R008" in codes(mini)


def test_media_folder_symlink_leading_out_is_refused(mini, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.copy(mini.parent.parent / "assets" / "mini" / "note.png", outside / "note.png")
    try:
        os.symlink(outside, mini.parent / "docs", target_is_directory=True)
    except OSError:
        pytest.skip("symbolic links are not available here")
    edit(mini, "file: mini/note.png", "file: docs/note.png")
    assert "R008" in codes(mini)


# -- bounded sizes ----------------------------------------------------------------------------------
def test_too_many_options_is_s015(mini):
    extra = "".join(f"        - {{id: o{i}, label: \"Option {i}\", next: arrive}}\n" for i in range(MAX_OPTIONS))
    edit(mini, "      options:\n        - id: ambulance\n", "      options:\n" + extra + "        - id: ambulance\n")
    problems = [p for p in load_scenario(mini).problems if p.code == "S015"]
    assert problems and "options" in problems[0].message and problems[0].location.line > 0


def test_too_many_scenes_is_s015(mini):
    extra = "".join(f"  filler{i}:\n    title: \"F\"\n    text: \"F\"\n    next: arrive\n" for i in range(MAX_SCENES))
    edit(mini, "scenes:\n", "scenes:\n" + extra)
    assert "S015" in codes(mini)


def test_too_many_injects_is_s015(mini):
    extra = "".join(f"  - {{id: i{i}, at_minute: 1, text: \"x\"}}\n" for i in range(MAX_INJECTS))
    edit(mini, "injects:\n  - id: late_ambulance_warning\n", "injects:\n" + extra + "  - id: late_ambulance_warning\n")
    assert "S015" in codes(mini)


def test_too_long_text_is_s015(mini):
    edit(mini, 'text: "There is banging in a lorry."', 'text: "' + "a" * (MAX_TEXT_CHARS + 1) + '"')
    problems = [p for p in load_scenario(mini).problems if p.code == "S015"]
    assert problems and "characters" in problems[0].message


def test_long_and_deep_conditions_are_c001(mini):
    long_condition = " or ".join(["ambulance"] * (MAX_LENGTH // 10 + 5))
    edit(mini, "if: not ambulance\n    speaker: radio", f"if: {long_condition}\n    speaker: radio")
    assert "C001" in codes(mini)
    text = mini.read_text(encoding="utf-8").replace(f"if: {long_condition}", "if: " + "not " * (MAX_DEPTH + 1) + "ambulance")
    mini.write_text(text, encoding="utf-8")
    assert "C001" in codes(mini)


def test_a_flagship_scenario_is_within_every_limit():
    scenario = load_scenario(FLAGSHIP).raise_for_errors()
    assert len(scenario.scenes) + len(scenario.endings) < MAX_SCENES // 10
    assert all(len(s.decision.options) < MAX_OPTIONS for s in scenario.scenes.values() if s.decision)


# -- no network -------------------------------------------------------------------------------------
def test_loading_playing_and_exploring_make_no_network_request(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args[1:]}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    from hydra_sim import cli
    assert cli.main(["lint", "--no-deep", str(FLAGSHIP)]) == 0
    assert cli.main(["play", str(FLAGSHIP), "--script", str(FLAGSHIP_BEST)]) == 0
    assert attempts == []

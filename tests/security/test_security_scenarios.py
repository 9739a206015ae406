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


# -- a hostile user scenario folder (issue 18, item 4) ----------------------------------------------
def test_a_media_name_too_long_for_the_file_system_is_a_problem_not_a_traceback(mini, capsys):
    from hostile_files import long_name
    edit(mini, "file: mini/note.png", f"file: mini/{long_name('.png')}")
    problems = [p for p in load_scenario(mini).problems if p.code == "R007"]
    assert problems and "cannot be checked" in problems[0].message and problems[0].location.line > 0
    from hydra_sim import cli
    assert cli.main(["lint", "--no-deep", str(mini)]) == 1
    assert "R007" in capsys.readouterr().out


def test_a_media_fifo_is_refused_without_being_opened(mini):
    from hostile_files import FifoWatch
    watch = FifoWatch(mini.parent.parent / "assets" / "mini" / "pipe.png")
    edit(mini, "file: mini/note.png", "file: mini/pipe.png")
    problems = [p for p in load_scenario(mini).problems if p.code == "R007"]
    assert not watch.close()
    assert problems and "not a regular file" in problems[0].message


def test_a_scenario_fifo_is_refused_without_being_opened(tmp_path):
    from hostile_files import FifoWatch
    watch = FifoWatch(tmp_path / "pipe.yaml")
    problems = load_scenario(tmp_path / "pipe.yaml").problems
    assert not watch.close()
    assert [p.code for p in problems] == ["Y011"] and "not a regular file" in problems[0].message


def test_a_scenario_linked_to_an_endless_device_is_refused(tmp_path):
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    try:
        os.symlink("/dev/zero", tmp_path / "zero.yaml")
    except OSError:
        pytest.skip("symbolic links are not available here")
    problems = load_scenario(tmp_path / "zero.yaml").problems
    assert [p.code for p in problems] == ["Y011"] and "not a regular file" in problems[0].message


def test_one_bad_user_file_never_empties_the_library(mini, tmp_path, monkeypatch):
    from hostile_files import FifoWatch, long_name

    from hydra_sim.engine import library, scan_library
    user = tmp_path / "user"
    user.mkdir()
    watch = FifoWatch(user / "a-pipe.yaml")
    if Path("/dev/zero").exists():
        os.symlink("/dev/zero", user / "b-zero.yaml")
    text = mini.read_text(encoding="utf-8").replace("file: mini/note.png", f"file: mini/{long_name('.png')}")
    (user / "c-long-media.yaml").write_text(text, encoding="utf-8")
    (user / "d-crash.yaml").write_text(mini.read_text(encoding="utf-8"), encoding="utf-8")
    real_load = library.load_scenario

    def load_or_crash(path):
        if path.name == "d-crash.yaml":        # whatever the loader may still raise one day
            raise RuntimeError("an unexpected fault")
        return real_load(path)

    monkeypatch.setattr(library, "load_scenario", load_or_crash)
    entries = scan_library([(paths.bundled_scenarios_dir(), True), (user, False)])
    assert not watch.close()
    bundled = sorted(e.path.name for e in entries if e.bundled)
    assert bundled == sorted(p.name for p in paths.bundled_scenarios_dir().glob("*.yaml")
                             if library.is_scenario_file(p)) and all(e.ok for e in entries if e.bundled)
    mine = {e.path.name: e for e in entries if not e.bundled}
    assert set(mine) >= {"a-pipe.yaml", "c-long-media.yaml", "d-crash.yaml"}
    assert all(not e.ok and e.errors for e in mine.values())
    assert "an unexpected fault" in mine["d-crash.yaml"].errors[0].message

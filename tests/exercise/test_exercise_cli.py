"""The headless facilitator's stdin commands, the station command's errors, and the Qt-free rule."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from argparse import Namespace

from exercise_support import FLAGSHIP, REPO

from hydra_sim.exercise.commands import run_headless_facilitator


def test_headless_commands_answer_with_clear_errors(tmp_path):
    from hydra_sim import paths
    paths.set_home(tmp_path / "home")
    try:
        lines = []
        stdin = io.StringIO("pause Zulu\nbogus\ninject-id all nope\ntimer all soon\ninject all 'unclosed\n"
                            "# a comment\n\nstatus\nend all\nquit\nnever read\n")
        args = Namespace(scenario=str(FLAGSHIP), host="127.0.0.1", port=0, code="ABCDEF")
        assert run_headless_facilitator(args, stdin, lines.append) == 0
    finally:
        paths.set_home(None)
    assert lines[0]["event"] == "listening" and lines[0]["code"] == "ABCDEF" and lines[0]["port"] > 0
    replies = {line.get("command"): line for line in lines[1:]}
    assert "no syndicate 'Zulu'" in replies["pause Zulu"]["message"]
    assert replies["bogus"]["event"] == "error" and "commands:" in replies["bogus"]["message"]
    assert "no inject 'nope'" in replies["inject-id all nope"]["message"]
    assert "not a number of seconds" in replies["timer all soon"]["message"]
    assert "cannot read the command" in replies["inject all 'unclosed"]["message"]
    assert replies["status"] == {"event": "status", "command": "status", "syndicates": []}
    assert replies["end all"] == {"event": "command", "command": "end all", "interventions": []}
    assert lines[-1] == {"event": "stopped"}
    assert "never read" not in replies


def test_station_with_a_missing_scenario_says_what_to_do(tmp_path):
    result = subprocess.run([sys.executable, "-m", "hydra_sim", "station", "--home", str(tmp_path), "--host",
                             "127.0.0.1", "--code", "ABCDEF", "--syndicate", "Alpha", "--member", "PC Hale"],
                            capture_output=True, text=True, timeout=60, cwd=REPO)
    assert result.returncode == 2 and "give --scenario FILE" in result.stderr


def test_the_exercise_package_never_imports_qt():
    pattern = re.compile(r"^\s*(from|import)\s+(PySide6|shiboken6|hydra_sim\.gui|\.\.gui)")
    for path in (REPO / "hydra_sim" / "exercise").rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not pattern.match(line), f"{path.relative_to(REPO)}:{number}: {line.strip()}"
    modules = [p.stem for p in (REPO / "hydra_sim" / "exercise").glob("*.py") if p.stem != "__init__"]
    code = ("import sys\n" + "".join(f"import hydra_sim.exercise.{m}\n" for m in modules) +
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'hydra_sim.gui'))]\n"
            "print(bad)\nraise SystemExit(1 if bad else 0)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr

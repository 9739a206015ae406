"""Control characters from untrusted text never reach the terminal raw (issue 18, item 8).

Ids, keys, titles and file names from a scenario (and anything from records) may hold terminal
escapes: ``ESC [ 2 J`` clears the screen, ``ESC ] 0 ; ... BEL`` retitles the window, a line
break forges a lint line, U+202E shows text backwards. Every command's output goes through
``hydra_sim.terminal.TerminalText``, which writes them as ``\\uXXXX``; JSON output still parses
to the very same values. No Qt here.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest

from hydra_sim import cli, paths
from hydra_sim.terminal import TerminalText, escape_controls

REPO = paths.bundled_root()
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
CLEAR, RETITLE = "\x1b[2J", "\x1b]0;pwned\x07"


@pytest.fixture
def hostile(tmp_path):
    """The mini scenario with escapes in a scene id, a key, the summary and its file name."""
    shutil.copytree(REPO / "tests" / "fixtures", tmp_path / "fx")
    folder = tmp_path / "fx" / "mini"
    text = (folder / "mini.yaml").read_text(encoding="utf-8")
    text = text.replace("  arrive:\n", '  "arrive\\e[2J\\e]0;pwned\\a":\n', 1)
    text = text.replace('summary: "A small scenario that uses every feature, for tests."',
                        'summary: "Sum\\x9b31m \\u202eevil"\n"bogus\\e[31m\\r\\nforged.yaml:1:1: error X999 forged": 1', 1)
    path = folder / f"evil{CLEAR}.yaml"
    (folder / "mini.yaml").unlink()
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys, *args) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_lint_escapes_control_characters_in_ids_keys_and_file_names(hostile, capsys):
    code, out, err = run(capsys, "lint", "--no-deep", str(hostile))
    assert code == 1
    assert not RAW.search(out + err)
    assert "arrive\\u001b[2J\\u001b]0;pwned\\u0007" in out and "evil\\u001b[2J.yaml" in out
    assert "bogus\\u001b[31m" in out
    assert not any(line.startswith("forged.yaml") for line in out.splitlines())   # one problem, one line


def test_lint_json_keeps_the_exact_values(hostile, capsys):
    code, out, _err = run(capsys, "lint", "--no-deep", "--format", "json", str(hostile))
    assert code == 1 and not RAW.search(out)
    problems = json.loads(out)["problems"]
    assert any(f"'arrive{CLEAR}{RETITLE}'" in p["message"] for p in problems)
    assert any(p["file"].endswith(f"evil{CLEAR}.yaml") for p in problems)


def test_play_and_test_escape_scenario_titles(tmp_path, capsys):
    shutil.copytree(REPO / "scenarios", tmp_path / "scenarios")
    shutil.copytree(REPO / "assets", tmp_path / "assets")
    scenario = tmp_path / "scenarios" / "layby-drop.yaml"
    text = scenario.read_text(encoding="utf-8")
    assert 'title: "Coldharbour Lay-by: the lorry has gone"' in text
    scenario.write_text(text.replace('title: "Coldharbour Lay-by: the lorry has gone"',
                                     'title: "Coldharbour\\e]0;pwned\\a \\u202eLay-by\\x9b2J"', 1), encoding="utf-8")
    plan = tmp_path / "scenarios" / "layby-drop.best.plan.yaml"
    code, out, err = run(capsys, "play", str(scenario), "--script", str(plan))
    assert code == 0 and "Coldharbour\\u001b]0;pwned\\u0007 \\u202eLay-by\\u009b2J" in out
    assert not RAW.search(out + err)
    code, out, err = run(capsys, "explore", str(scenario))
    assert not RAW.search(out + err)


def test_the_real_command_writes_no_escape_byte(hostile):
    done = subprocess.run([sys.executable, "-m", "hydra_sim", "lint", "--no-deep", str(hostile)],
                          cwd=REPO, capture_output=True, timeout=120)
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    assert b"\x1b" not in done.stdout + done.stderr and b"\x07" not in done.stdout + done.stderr
    assert b"\\u001b[2J" in done.stdout


def test_escaping_is_visible_and_json_compatible():
    assert escape_controls(f"a{CLEAR}b\tc\nd\re\x85\u202e") == "a\\u001b[2Jb\tc\nd\\u000de\\u0085\\u202e"
    value = {"id": f"x{RETITLE}\x9b\u2028"}
    stream = TerminalText(type("Sink", (), {"text": "", "write": lambda self, t: setattr(self, "text", self.text + t)})())
    stream.write(json.dumps(value, ensure_ascii=False))
    assert not RAW.search(stream.stream.text) and json.loads(stream.stream.text) == value


def test_data_written_to_a_file_or_pipe_is_exact_and_escaped_on_a_terminal(tmp_path, capsys, monkeypatch):
    shutil.copytree(REPO / "tests" / "fixtures", tmp_path / "fx")
    good = tmp_path / "fx" / "mini" / "mini.yaml"
    text = good.read_text(encoding="utf-8")
    assert 'title: "A call"' in text
    good.write_text(text.replace('title: "A call"', 'title: "Mini\\e[2J"', 1), encoding="utf-8")
    code, out, _err = run(capsys, "graph", str(good), "--format", "dot")
    assert code == 0 and "Mini\x1b[2J" in out                      # redirected: the data as it is
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    code, out, _err = run(capsys, "graph", str(good), "--format", "dot")
    assert code == 0 and "Mini\\u001b[2J" in out and not RAW.search(out)

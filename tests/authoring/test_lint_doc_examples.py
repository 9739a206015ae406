"""Every lint code in docs/lint.md has an example that really triggers it (GitHub issue #5).

How the examples are marked up in docs/lint.md
----------------------------------------------
Each code has a section ``### CODE: title``. Its example is a fenced block opened with
```` ```yaml title="CODE" ````. The block is YAML describing a change to the mini fixture
(tests/fixtures/mini, copied to a temporary folder, with ``mini.yaml`` renamed to
``my-scenario.yaml``):

``file``
    The file to change or create, relative to the mini folder (default ``my-scenario.yaml``;
    the catalogue is ``mini-catalogue.catalogue.yaml``).
``replace``
    A list of ``{old, new}`` text replacements applied to ``file`` in order. ``old`` may span
    several lines and is written without the file's indentation: it is matched at whatever
    indentation it has in the file (it must match exactly once) and ``new`` gets the same
    indentation. ``replace: []`` means the unchanged mini scenario already shows the code.
``content``
    The whole text of ``file`` (for new files: play scripts, hydra-project.yaml).
``encoding``
    Write ``file`` in this encoding instead of UTF-8 (to show Y012).
``command``
    ``lint`` (default) or ``test``: the hydra-sim command that is run, from the mini folder.
``check``
    The path given to that command (default: ``file``).

The block that follows, opened with ```` ```text title="CODE output" ````, holds the lines
hydra-sim prints (a temporary folder shown as ``scenarios``); each must appear in the real output, and the code itself must be among
the problems reported. Codes that no file can show are in ``EXEMPT`` with the reason.
"""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest
import yaml

from hydra_sim import cli

REPO = Path(__file__).resolve().parents[2]
LINT_DOC = REPO / "docs" / "lint.md"
FIXTURES = REPO / "tests" / "fixtures"
SCENARIO = "my-scenario.yaml"

EXEMPT = {
    "Y010": "needs a file larger than 16 MB, too big to show as an example",
    "A007": "needs a scenario with more than 400 scenes or 50,000 states, too big to show as an example",
    "S015": "needs a scenario over a size limit (10,000 scenes, 100 options, 1,000 injects or a 20,000-character "
            "text), too big to show as an example; tests/security/test_security_scenarios.py triggers each",
}

_SECTION = re.compile(r"^### ([A-Z][0-9]{3}): ", re.MULTILINE)
_FENCE = re.compile(r'^```(yaml|text) title="([A-Z][0-9]{3})( output)?"\n(.*?)^```$', re.MULTILINE | re.DOTALL)


def _doc() -> str:
    return LINT_DOC.read_text(encoding="utf-8")


def documented_codes() -> list[str]:
    return _SECTION.findall(_doc())


def _blocks() -> tuple[dict[str, str], dict[str, str]]:
    examples, outputs = {}, {}
    for lang, code, output, body in _FENCE.findall(_doc()):
        target = outputs if output else examples
        assert code not in target, f"{code} has two {'output' if output else 'example'} blocks"
        assert lang == ("text" if output else "yaml"), f"{code}: wrong block language {lang}"
        target[code] = body
    return examples, outputs


def code_constants() -> set[str]:
    found = set()
    for source in (REPO / "hydra_sim").rglob("*.py"):
        found |= set(re.findall(r'"([A-Z][0-9]{3})"', source.read_text(encoding="utf-8")))
    return found


def _replace_once(text: str, old: str, new: str) -> str:
    """Replace ``old`` (relative indentation) at whatever indentation it has in ``text``."""
    old_lines = old.rstrip("\n").split("\n")
    new_lines = new.rstrip("\n").split("\n") if new.strip() else []
    lines = text.split("\n")
    matches = []
    for i in range(len(lines) - len(old_lines) + 1):
        first = lines[i]
        if not first.endswith(old_lines[0]):
            continue
        prefix = first[: len(first) - len(old_lines[0])]
        if prefix.strip():
            continue
        if all(lines[i + k] == (prefix + line if line else "") for k, line in enumerate(old_lines)):
            matches.append((i, prefix))
    assert len(matches) == 1, f"{old!r} matches {len(matches)} times, not once"
    i, prefix = matches[0]
    lines[i: i + len(old_lines)] = [prefix + line if line else "" for line in new_lines]
    return "\n".join(lines)


def apply_example(spec: dict, folder: Path) -> tuple[str, str]:
    """Make the example's change under ``folder``; return (command, path to check)."""
    unknown = set(spec) - {"file", "replace", "content", "encoding", "command", "check"}
    assert not unknown, f"unknown keys {unknown}"
    name = spec.get("file", SCENARIO)
    path = folder / name
    if "content" in spec:
        text = textwrap.dedent(spec["content"])
    else:
        text = path.read_text(encoding="utf-8")
    for change in spec.get("replace") or []:
        text = _replace_once(text, change["old"], change["new"])
    path.write_bytes(text.encode(spec.get("encoding", "utf-8")))
    return spec.get("command", "lint"), spec.get("check", name)


def run_example(spec: dict, tmp_path: Path, monkeypatch, capsys) -> str:
    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    folder = tmp_path / "fixtures" / "mini"
    (folder / "mini.yaml").rename(folder / SCENARIO)
    monkeypatch.chdir(folder)
    command, check = apply_example(spec, folder)
    capsys.readouterr()
    cli.main([command, check])
    captured = capsys.readouterr()
    # messages that name folders (R007) show them as scenarios/mini, not the temporary path
    return (captured.out + captured.err).replace(str(tmp_path / "fixtures"), "scenarios")


def test_every_code_is_documented():
    codes = documented_codes()
    assert len(codes) == len(set(codes)), "a code has two sections"
    missing = code_constants() - set(codes)
    assert not missing, f"codes with no section in docs/lint.md: {sorted(missing)}"


def test_every_code_has_an_example_or_an_exemption():
    examples, outputs = _blocks()
    for code in documented_codes():
        if code in EXEMPT:
            assert code not in examples, f"{code} is exempt but has an example"
            continue
        assert code in examples, f"{code} has no example block"
        assert code in outputs, f"{code} has no output block"
    assert set(examples) <= set(documented_codes())


@pytest.mark.parametrize("code", [c for c in documented_codes() if c not in EXEMPT])
def test_example_triggers_code(code, tmp_path, monkeypatch, capsys):
    examples, outputs = _blocks()
    spec = yaml.safe_load(examples[code])
    output = run_example(spec, tmp_path, monkeypatch, capsys)
    shown = re.findall(r"\b(?:error|warning|info) ([A-Z][0-9]{3}) ", output)
    assert code in shown, f"{code} not reported; hydra-sim printed:\n{output}"
    for line in outputs[code].strip().splitlines():
        assert line.strip() in output, f"{code}: the documented line\n{line}\nis not in:\n{output}"

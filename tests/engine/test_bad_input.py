"""Hostile and broken scenario files: the loader and ``hydra-sim lint`` must report, never crash.

Scenario files are untrusted (docs/scenario-format.md, "Rules that keep files safe"). Each
case below writes one broken file, mostly by mutating a private copy of the mini fixture,
and checks two things:

- ``load_scenario`` returns ``ok == False`` with at least one error that carries the file
  name, a 1-based line and column at the right place, a stable code and a helpful message,
  and raises nothing;
- ``python -m hydra_sim lint FILE`` in a subprocess exits 1, prints
  ``file:line:col: error CODE message`` lines and no traceback.

The subprocess timeout is the guard against hangs (alias bombs, deep nesting): no timing
assertions.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from hydra_sim.engine.loader import load_scenario
from hydra_sim.engine.problems import ERROR

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
MINI_TEXT = (FIXTURES / "mini" / "mini.yaml").read_text(encoding="utf-8")
CLI_TIMEOUT = 60
LINE_FORMAT = re.compile(
    r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning|info) (?P<code>[A-Z]\d{3}) (?P<message>.+)$"
)
PWNED = "pwned"          # a file a code-execution attack would create in the case folder


# -- building broken files ------------------------------------------------------------
def mutate(*replacements: tuple[str, str]) -> str:
    """The mini scenario with text replacements applied; each must match exactly once."""
    text = MINI_TEXT
    for old, new in replacements:
        assert text.count(old) == 1, f"fixture text must occur once: {old!r}"
        text = text.replace(old, new)
    return text


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """'Billion laughs': anchors in the briefing's expectations, each nine aliases of the last."""
    lines = ["  expectations:", '    - &a0 "lol"']
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"    - &a{level} [{aliases}]")
    return mutate(('  expectations: ["Life first."]', "\n".join(lines)))


def garbage(size: int = 64 * 1024, *, with_nul: bool = True) -> bytes:
    data = bytearray(random.Random(20260114).randbytes(size))
    if with_nul:
        data[size // 3] = 0
    else:
        data = data.replace(b"\x00", b"\x01")
    return bytes(data)


def write_50mb(path: Path) -> None:
    """A valid scenario followed by 50 MB of comment lines, written in 1 MB chunks."""
    chunk = (b"# " + b"padding " * 127 + b"\n") * 1024       # 1 MiB of comment lines
    with path.open("wb") as out:
        out.write(MINI_TEXT.encode("utf-8"))
        for _ in range(50):
            out.write(chunk)


def symlink_to_outside_file(path: Path) -> str:
    folder = path.parent
    outside = folder.parent.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.png").write_bytes((FIXTURES / "assets" / "mini" / "note.png").read_bytes())
    os.symlink(outside / "secret.png", folder / "looks-local.png")
    return mutate(("file: mini/note.png", "file: looks-local.png"))


def symlink_to_outside_folder(path: Path) -> str:
    folder = path.parent
    outside = folder.parent.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.png").write_bytes((FIXTURES / "assets" / "mini" / "note.png").read_bytes())
    os.symlink(outside, folder / "pictures", target_is_directory=True)
    return mutate(("file: mini/note.png", "file: pictures/secret.png"))


# -- where the error must point ----------------------------------------------------------
def _position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, column


def _find(data: bytes, needle: str, nth: int) -> int:
    encoded = needle.encode("utf-8")
    offset = -1
    for _ in range(nth):
        offset = data.find(encoded, offset + 1)
        assert offset >= 0, f"{needle!r} (occurrence {nth}) is not in the case file"
    return offset


Where = Callable[[bytes], tuple[range, int | None]]   # acceptable lines, exact column or None


def at(needle: str, nth: int = 1, shift: int = 0) -> Where:
    """Exactly at the nth occurrence of needle (plus shift columns)."""
    def where(data: bytes) -> tuple[range, int | None]:
        line, column = _position(data, _find(data, needle, nth))
        return range(line, line + 1), column + shift
    return where


def on_line(needle: str) -> Where:
    """Somewhere on the line that holds needle."""
    def where(data: bytes) -> tuple[range, int | None]:
        line, _ = _position(data, _find(data, needle, 1))
        return range(line, line + 1), None
    return where


def near(needle: str, lines_after: int = 1) -> Where:
    """On needle's line or just after it (YAML syntax errors are found where parsing fails)."""
    def where(data: bytes) -> tuple[range, int | None]:
        line, _ = _position(data, _find(data, needle, 1))
        return range(line, line + lines_after + 1), None
    return where


def between(first: str, last: str) -> Where:
    def where(data: bytes) -> tuple[range, int | None]:
        start, _ = _position(data, _find(data, first, 1))
        end, _ = _position(data, _find(data, last, 1))
        return range(start, end + 1), None
    return where


def byte(value: bytes) -> Where:
    def where(data: bytes) -> tuple[range, int | None]:
        line, column = _position(data, data.index(value))
        return range(line, line + 1), column
    return where


def fixed(line: int, column: int) -> Where:
    return lambda data: (range(line, line + 1), column)


# -- the cases -------------------------------------------------------------------------
Content = Callable[[Path], "str | bytes | None"]     # given the case file's path; None: it wrote the file


@dataclass(frozen=True)
class Case:
    id: str
    content: Content
    code: str
    where: Where
    words: tuple[str, ...] = ()             # must appear (case-insensitive) in message + hint
    extra: tuple[str, ...] = ()             # other error codes that may accompany it


TOUCH = "__import__('os').system('touch {pwned}')"     # Python, as a condition would hold it


def text(value: str) -> Content:
    return lambda path: value


def touch_pwned(path: Path) -> str:
    return TOUCH.format(pwned=path.parent / PWNED)


CASES = [
    # malformed YAML
    Case("unclosed-bracket", text(mutate(("roles: [call_handler]", "roles: [call_handler"))),
         "Y002", near("roles: [call_handler"), ("yaml syntax", "flow sequence")),
    Case("bad-indentation", text(mutate(('    speaker: caller\n    text: "There', '    speaker: caller\n   text: "There'))),
         "Y002", near("   text: \"There", 0), ("yaml syntax", "block mapping")),
    Case("bad-indentation-in-option",
         text(mutate(("          minutes: 2\n          set: {ambulance: true}",
                      "          minutes: 2\n        set: {ambulance: true}"))),
         "Y002", near("        set: {ambulance: true}", 0), ("yaml syntax",)),
    Case("tab-indentation", text(mutate(("    speaker: caller\n", "\tspeaker: caller\n"))),
         "Y002", at("\tspeaker"), ("yaml syntax", "character")),
    Case("two-documents", text(MINI_TEXT + "---\nformat: 1\n"),
         "Y015", at("---\nformat"), ("more than one yaml document", "'---'")),
    Case("unknown-alias", text(mutate(('title: "Mini scenario"', "title: *nowhere"))),
         "Y002", at("*nowhere"), ("unknown alias",)),
    # duplicate keys
    Case("duplicate-scene-id",
         text(mutate(("endings:\n", "  handover:\n    title: \"Again\"\n    text: \"Twice.\"\n    next: good_end\n"
                      "endings:\n"))),
         "Y003", at("  handover:", nth=2, shift=2), ("duplicate key 'handover'", "already defined on line")),
    Case("duplicate-field-in-option",
         text(mutate(("          minutes: 2\n          set: {ambulance: true}",
                      "          minutes: 2\n          minutes: 3\n          set: {ambulance: true}"))),
         "Y003", at("          minutes: 3", shift=10), ("duplicate key 'minutes'", "silently replace")),
    Case("duplicate-top-level-field", text(mutate(('title: "Mini scenario"\n', 'title: "Mini scenario"\ntitle: "Other"\n'))),
         "Y003", at('title: "Other"'), ("duplicate key 'title'",)),
    Case("merge-key", text(mutate(('  caller: {name: "Caller", role: caller}', '  caller: {<<: {name: "X"}, role: caller}'))),
         "Y017", at("<<"), ("merge keys",), ("S001",)),
    # resource exhaustion
    Case("billion-laughs", lambda path: alias_bomb(), "Y014", between("&a0", "&a9"),
         ("aliases expand", "100,000", "alias bomb")),
    Case("file-over-16mb", write_50mb, "Y010", fixed(1, 1), ("16 mb", "limit")),
    Case("nesting-flow-sequences", text("[" * 20_000 + "]" * 20_000 + "\n"), "Y013", fixed(1, 65),
         ("nested more than 64 levels",)),
    Case("nesting-flow-mappings", text("{a: " * 20_000 + "1" + "}" * 20_000 + "\n"), "Y013", fixed(1, 257),
         ("nested more than 64 levels",)),
    Case("nesting-block-sequences", text("- " * 20_000 + "deep\n"), "Y013", fixed(1, 129),
         ("nested more than 64 levels",)),
    Case("nesting-block-sequences-in-scenario",
         text(mutate(('  expectations: ["Life first."]', "  expectations:\n    - " + "- " * 20_000 + "deep"))),
         "Y013", on_line("    - - - "), ("nested more than 64 levels",)),
    Case("nesting-block-mappings",
         text("".join(" " * depth + "a:\n" for depth in range(200)) + " " * 200 + "a: 1\n"),
         "Y013", fixed(65, 65), ("nested more than 64 levels",)),
    # code execution attempts
    Case("python-object-apply-tag",
         lambda path: mutate(('title: "Mini scenario"',
                              f'title: !!python/object/apply:os.system ["touch {path.parent / PWNED}"]')),
         "Y004", at("!!python/object/apply"), ("tags", "not allowed", "python/object/apply"), ("S003",)),
    Case("python-name-tag", text(mutate(('title: "Mini scenario"', "title: !!python/name:os.system"))),
         "Y004", at("!!python/name"), ("tags", "not allowed"), ("S008",)),
    Case("python-tag-via-tag-directive",
         lambda path: "%TAG !py! tag:yaml.org,2002:python/\n---\n" + mutate(
             ('title: "Mini scenario"', f'title: !py!object/apply:os.system ["touch {path.parent / PWNED}"]')),
         "Y004", at("!py!object"), ("not allowed",), ("S003",)),
    Case("python-code-in-option-condition",
         lambda path: mutate(("if: delay < 3", f'if: "{touch_pwned(path)}"')),
         "C001", on_line("__import__"), ("condition in option 'release'", "unexpected")),
    Case("python-code-in-route-condition",
         lambda path: mutate(("        - if: ambulance\n", f'        - if: "{touch_pwned(path)}"\n')),
         "C001", on_line("__import__"), ("condition in route 1",)),
    Case("python-code-in-inject-condition",
         text(mutate(("if: not ambulance\n    speaker", "if: open('/etc/passwd').read() == ''\n    speaker"))),
         "C001", on_line("open('/etc/passwd')"), ("inject 'late_ambulance_warning'",)),
    Case("python-call-in-applies-if", text(mutate(("applies_if: someone_died", "applies_if: eval(\"someone_died\")"))),
         "C001", on_line("applies_if: eval"), ("'assess: escalate_death'",)),
    # not text, or not a scenario
    Case("binary-garbage", lambda path: garbage(), "Y012", byte(b"\x00"), ("not a text file", "nul")),
    Case("binary-garbage-without-nul", lambda path: garbage(with_nul=False), "Y012",
         lambda data: (range(1, data.count(b"\n") + 2), None), ("not valid utf-8",)),
    Case("invalid-utf8", lambda path: mutate(("A quiet night.", "A quiet @@ night.")).replace("@@", "\udcff"),
         "Y012", byte(b"\xff"), ("not valid utf-8",)),
    Case("empty-file", text(""), "Y001", fixed(1, 1), ("empty", "format: 1")),
    Case("only-comments", text("# A scenario will go here.\n#\n   # indented comment\n\n"), "Y001", fixed(1, 1),
         ("empty",)),
    Case("top-level-list", text("- format: 1\n- id: mini\n"), "S003", fixed(1, 1), ("top level", "mapping")),
    Case("top-level-string", text("just some words\n"), "S003", fixed(1, 1), ("top level", "mapping")),
    # wrong types
    Case("minutes-not-a-number",
         text(mutate(("          minutes: 2\n          set: {ambulance: true}",
                      "          minutes: soon\n          set: {ambulance: true}"))),
         "S003", at("soon"), ("'minutes'", "whole number", "'soon'")),
    Case("options-is-a-string",
         text(mutate(('''      options:
        - id: escalate
          label: "Declare a major incident"
          evidences: [escalate_death]
          next: tragedy''', '      options: "none"'))),
         "S003", at('"none"'), ("'options'", "must be a list"), ("S001", "G005")),
    Case("scenes-is-an-empty-list",
         text(MINI_TEXT.split("scenes:\n")[0] + "scenes: []\nendings:" + MINI_TEXT.split("endings:")[1]),
         "S003", at("[]\nendings"), ("'scenes'", "mapping"), ("R001",)),
    Case("bool-variable-set-to-text", text(mutate(("set: {ambulance: true}", "set: {ambulance: maybe}"))),
         "S003", at("maybe"), ("true or false", "'maybe'")),
    Case("time-limit-is-a-list", text(mutate(("time_limit_seconds: 60", "time_limit_seconds: [60]"))),
         "S003", at("[60]"), ("time_limit_seconds", "single value")),
    # unknown fields
    Case("unknown-top-level-field", text(mutate(('title: "Mini scenario"', 'tilte: "Mini scenario"'))),
         "S002", at("tilte"), ("unknown field 'tilte'", "did you mean 'title'"), ("S001",)),
    Case("unknown-option-field", text(mutate(('label: "Send an ambulance"', 'lable: "Send an ambulance"'))),
         "S002", at("lable"), ("unknown field 'lable'", "did you mean 'label'"), ("S001",)),
    # unknown ids
    Case("route-to-missing-scene", text(mutate(("      next: why\n", "      next: whyy\n"))),
         "R001", at("whyy"), ("'whyy'", "not a scene or ending", "did you mean 'why'"), ("G005",)),
    Case("inject-goto-missing-ending", text(mutate(("        goto: death\n", "        goto: deaht\n"))),
         "R001", at("id: collapse"), ("'deaht'", "did you mean 'death'")),
    Case("unknown-action-in-evidences",
         text(mutate(("evidences: [send_ambulance]", "evidences: [send_ambulanse]"))),
         "R002", at("send_ambulanse"), ("unknown action 'send_ambulanse'", "did you mean 'send_ambulance'")),
    Case("unknown-variable-in-condition", text(mutate(("if: delay < 3", "if: delai < 3"))),
         "R003", at("delai"), ("unknown variable 'delai'", "did you mean 'delay'")),
    # media files
    Case("media-parent-path", text(mutate(("file: mini/note.png", "file: ../../etc/passwd.png"))),
         "R008", at("kind: document"), ("'../../etc/passwd.png'", "outside the scenario's folders")),
    Case("media-absolute-path", text(mutate(("file: mini/note.png", "file: /etc/passwd.png"))),
         "R008", at("kind: document"), ("'/etc/passwd.png'", "outside")),
    Case("media-windows-path", text(mutate(("file: mini/note.png", 'file: "C:/Windows/win.png"'))),
         "R008", at("kind: document"), ("outside",)),
    Case("media-backslash-path", text(mutate(("file: mini/note.png", 'file: "mini\\\\..\\\\..\\\\x.png"'))),
         "R008", at("kind: document"), ("outside",)),
    Case("media-symlink-to-outside-file", symlink_to_outside_file, "R008", at("kind: document"),
         ("'looks-local.png'", "outside")),
    Case("media-symlink-to-outside-folder", symlink_to_outside_folder, "R008", at("kind: document"),
         ("'pictures/secret.png'", "outside")),
    Case("media-missing-file", text(mutate(("file: mini/note.png", "file: mini/not-there.png"))),
         "R007", at("kind: document"), ("'mini/not-there.png'", "does not exist")),
]
CASE_IDS = [case.id for case in CASES]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A private copy of tests/fixtures: the scenario folder holds mini's catalogue, and
    ../assets/mini/note.png sits beside it as in the bundled layout."""
    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    return tmp_path / "fixtures" / "mini"


def write_case(case: Case, folder: Path) -> Path:
    path = folder / f"{case.id}.yaml"
    content = case.content(path)
    if isinstance(content, str):
        content = content.encode("utf-8", "surrogateescape")   # lets a case carry invalid UTF-8
    if content is not None:
        path.write_bytes(content)
    assert path.is_file()
    return path


def expected_position(case: Case, path: Path) -> tuple[range, int | None]:
    too_big_to_search = path.stat().st_size > 20 * 1024 * 1024
    return case.where(b"" if too_big_to_search else path.read_bytes())


def test_the_unmutated_copy_is_clean(folder: Path) -> None:
    """Every case below is a single change to this file: the change alone causes the error."""
    result = load_scenario(folder / "mini.yaml")
    assert result.ok, [p.format() for p in result.problems]
    assert not [p for p in result.problems if p.severity == ERROR]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_loader_reports_located_error(case: Case, folder: Path) -> None:
    path = write_case(case, folder)
    result = load_scenario(path)        # must not raise
    assert not result.ok
    errors = [p for p in result.problems if p.severity == ERROR]
    assert errors, "no error reported"
    lines, column = expected_position(case, path)
    matching = [p for p in errors if p.code == case.code]
    assert matching, f"expected {case.code}, got {[p.format() for p in errors]}"
    problem = matching[0]
    assert Path(problem.location.file).name == path.name
    assert problem.location.line >= 1 and problem.location.column >= 1
    assert problem.location.line in lines, problem.format()
    if column is not None:
        assert problem.location.column == column, problem.format()
    said = f"{problem.message} {problem.hint or ''}".lower()
    for word in case.words:
        assert word.lower() in said, f"{word!r} not in {problem.format()!r}"
    unexpected = {p.code for p in errors} - {case.code, *case.extra}
    assert not unexpected, [p.format() for p in errors]
    assert not (folder / PWNED).exists()


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "hydra_sim", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=CLI_TIMEOUT)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_cli_lint_reports_located_error(case: Case, folder: Path) -> None:
    path = write_case(case, folder)
    done = run_cli("lint", str(path))
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    assert done.returncode == 1, done.stdout + done.stderr
    lines, column = expected_position(case, path)
    printed = done.stdout.splitlines()
    assert printed, done.stderr
    found = False
    for output_line in printed:
        match = LINE_FORMAT.match(output_line)
        assert match, f"not 'file:line:col: severity CODE message': {output_line!r}"
        assert Path(match["file"]).name == path.name
        if match["severity"] == "error" and match["code"] == case.code:
            assert int(match["line"]) in lines and int(match["col"]) >= 1, output_line
            if column is not None:
                assert int(match["col"]) == column, output_line
            found = True
    assert found, f"no 'error {case.code}' line in:\n{done.stdout}"
    assert re.search(r"1 file checked: \d+ errors?, \d+ warnings?", done.stderr), done.stderr
    assert not (folder / PWNED).exists()


# -- specific guarantees ------------------------------------------------------------------
def test_python_tags_never_run_code(folder: Path) -> None:
    """Neither the loader nor lint may construct anything from a tag."""
    marker = folder / PWNED
    for number, tagged in enumerate([
        f'!!python/object/apply:os.system ["touch {marker}"]',
        f'!!python/object/apply:subprocess.call [["touch", "{marker}"]]',
        f'!!python/object/new:os.system ["touch {marker}"]',
        '!!python/name:os.system',
        '!!python/module:os',
    ]):
        path = folder / f"tagged-{number}.yaml"
        path.write_text(mutate(('title: "Mini scenario"', f"title: {tagged}")), encoding="utf-8")
        result = load_scenario(path)
        assert not result.ok
        assert "Y004" in {p.code for p in result.problems if p.severity == ERROR}
        done = run_cli("lint", str(path))
        assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
        assert not marker.exists(), f"{tagged} ran code"


def test_python_condition_is_parsed_not_run(folder: Path) -> None:
    marker = folder / PWNED
    path = folder / "condition.yaml"
    path.write_text(mutate(("if: delay < 3", f'if: "{TOUCH.format(pwned=marker)}"')), encoding="utf-8")
    result = load_scenario(path)
    assert not result.ok
    assert [p.code for p in result.problems if p.severity == ERROR] == ["C001"]
    assert not marker.exists()


def test_media_path_without_an_allowed_suffix_is_refused(folder: Path) -> None:
    """`../../etc/passwd` (no suffix) is refused too, at the media entry. The loader checks the
    suffix before the path, so it is reported as R014 (not a supported file) rather than R008."""
    path = folder / "passwd.yaml"
    path.write_text(mutate(("file: mini/note.png", "file: ../../etc/passwd")), encoding="utf-8")
    result = load_scenario(path)
    assert not result.ok
    errors = [p for p in result.problems if p.severity == ERROR]
    lines, column = at("kind: document")(path.read_bytes())
    assert errors
    assert {p.code for p in errors} <= {"R008", "R014"}
    for problem in errors:
        assert "media 'note'" in problem.message and "'../../etc/passwd'" in problem.message
        assert (problem.location.line, problem.location.column) == (lines[0], column)


def test_tab_indentation_gets_the_tab_hint():
    from hydra_sim.engine.yamlsource import read_yaml_text
    _root, problems = read_yaml_text("title: x\nscenes:\n\tcall: {}\n", "tabs.yaml")
    assert problems[0].code == "Y002" and problems[0].hint == "indent with spaces, not tabs"


def test_huge_number_is_a_located_error_not_a_crash(tmp_path):
    from engine_helpers import write_variant
    path = write_variant(tmp_path, [("duration_minutes: 5", "duration_minutes: " + "9" * 5000)])
    problems = load_scenario(path).problems
    assert any(p.code == "S003" and p.location.line == 6 for p in problems)


def test_missing_briefing_is_reported_once_with_a_location(tmp_path):
    from engine_helpers import write_variant
    path = write_variant(tmp_path, [("briefing:\n  role: \"You are the call handler.\"\n  situation: \"A quiet night.\"\n"
                                     "  expectations: [\"Life first.\"]\n", "")])
    problems = load_scenario(path).problems
    assert [p.code for p in problems if "briefing" in p.message] == ["S001"]
    assert all(p.location.line >= 1 for p in problems)


class _LibyamlWithNestingLimit:
    """Stands in for a libyaml that stops deep flow nesting while scanning ahead (PyYAML 6.0.3+)."""

    LIMIT = 1000

    def __new__(cls, text):
        import yaml
        depth = 0
        for index, char in enumerate(text):
            depth += char == "["
            if depth > cls.LIMIT:
                mark = yaml.Mark("<input>", index, 0, index, text, index)
                raise yaml.scanner.ScannerError("while increasing flow level", mark,
                                                "exceeded maximum nesting depth", mark)
        return yaml.SafeLoader(text)


@pytest.mark.parametrize("parser", ["no-limit", "limit-while-scanning"])
def test_deep_flow_nesting_is_y013_at_the_same_place_whatever_libyaml_does(parser, monkeypatch):
    import yaml

    from hydra_sim.engine import yamlsource
    monkeypatch.setattr(yamlsource, "_Parser", yaml.SafeLoader if parser == "no-limit" else _LibyamlWithNestingLimit)
    root, problems = yamlsource.read_yaml_text("[" * 5_000 + "]" * 5_000 + "\n", "deep.yaml")
    assert root is None
    assert [(p.code, p.location.line, p.location.column) for p in problems] == [("Y013", 1, 65)]
    assert "nested more than 64 levels" in problems[0].message
    assert "libyaml" not in problems[0].message and "maximum nesting depth" not in problems[0].message
    assert problems[0].hint

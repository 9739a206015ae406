"""Scenario text cannot make a text pattern slow (issue 18, item 7).

The markup checks of lint (M004) and the markdown renderer once used patterns that rescan the
rest of the text from every candidate start: a file of "[[[..." took minutes to lint, and one
20,000-character field of " *a" took 3 s to render on the GUI thread. The patterns are now
linear; these tests feed them the inputs that were slow and check the *answers* (the speed is
measured by ``python -m benchmarks.bench_engine``, figure (d)), and check on many small random
texts that the new matching finds exactly what the old patterns found. No Qt here.
"""

from __future__ import annotations

import re
import shutil

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hydra_sim import paths
from hydra_sim.engine import load_scenario
from hydra_sim.engine.lint import unsafe_markup
from hydra_sim.engine.text import _italic_spans, markdown_to_html, markdown_to_plain

REPO = paths.bundled_root()
LONG = 19_999          # just within the 20,000-character limit of one text field
RUNS = ("[", "![", "<a", " *a", "[](", "< ", "<a<3 ")
CHECKED = settings(derandomize=True, deadline=None, database=None, max_examples=600,
                   suppress_health_check=[HealthCheck.too_slow])

# The patterns as they were: the reference for what must still be found.
OLD_MARKUP = [(re.compile(r"<\s*/?\s*[a-zA-Z!?][^>]*>"), "an HTML tag"), (re.compile(r"!\[[^\]]*\]\("), "an image"),
              (re.compile(r"\[[^\]]*\]\([^)]*\)"), "a link"),
              (re.compile(r"\b(?:https?|ftp|file|data|javascript):", re.I), "an address")]
OLD_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])")


def old_markup(text: str) -> str | None:
    return next((what for pattern, what in OLD_MARKUP if pattern.search(text)), None)


def test_a_large_scenario_of_hostile_runs_lints_to_the_right_answer(tmp_path):
    shutil.copytree(REPO / "tests" / "fixtures", tmp_path / "fx")
    path = tmp_path / "fx" / "mini" / "mini.yaml"
    runs = [(run * LONG)[:LONG] for run in RUNS for _ in range(12)]
    real = [("real_link", "ask [the driver](x) first"), ("real_tag", "<b>now</b>"), ("real_image", "![x](y")]
    injects = [(f"hostile{i}", text) for i, text in enumerate(runs)] + real
    yaml_text = "".join(f"  - id: {name}\n    at_minute: 30\n    text: {text!r}\n" for name, text in injects)
    source = path.read_text(encoding="utf-8")
    path.write_text(source.replace("injects:\n", "injects:\n" + yaml_text, 1), encoding="utf-8")
    result = load_scenario(path)
    assert result.scenario is not None and len(result.scenario.injects) >= len(injects)
    markup = sorted(p.message for p in result.problems if p.code == "M004")
    assert markup == ["inject 'real_image' contains an image, which scenario text may not have",
                      "inject 'real_link' contains a link, which scenario text may not have",
                      "inject 'real_tag' contains an HTML tag, which scenario text may not have"]


def test_hostile_runs_give_the_same_answer_as_the_old_patterns():
    for run in RUNS:
        text = (run * LONG)[:LONG]
        found = unsafe_markup(text)
        assert (found and found[0]) == old_markup(text[:3000]), run    # the old patterns, on a slice they finish
    assert unsafe_markup("[" * LONG + "](x)") == ("a link", unsafe_markup("[a](b)")[1])
    assert unsafe_markup("<" * LONG + "a>")[0] == "an HTML tag"


def test_a_long_field_of_unclosed_italics_renders_as_text():
    field = (" *a" * 7000)[:20_000]
    assert markdown_to_html.__wrapped__(field) == "<p>" + field.strip() + "</p>"
    closed = "*a* " * 5000
    assert markdown_to_html.__wrapped__(closed).count("<i>a</i>") == 5000
    assert markdown_to_plain(closed) == ("a " * 5000).strip()
    assert markdown_to_plain("\n" * 20_000 + "### Heading\ntext") == "Heading\ntext"


@CHECKED
@given(st.text(alphabet="[]()!<>/ a\n", max_size=16))
def test_the_markup_check_finds_exactly_what_the_old_patterns_found(text):
    found = unsafe_markup(text)
    assert (found[0] if found else None) == old_markup(text)


@CHECKED
@given(st.text(alphabet="* a_\n\t.é", max_size=18))
def test_italics_are_exactly_what_the_old_pattern_found(text):
    old = [(m.start(), m.end() - 1) for m in OLD_ITALIC.finditer(text)]
    assert _italic_spans(text) == old
    assert markdown_to_plain(text) == OLD_ITALIC.sub(r"\1", re.sub(r"\*\*(.+?)\*\*", r"\1", text)).strip() \
        or "###" in text

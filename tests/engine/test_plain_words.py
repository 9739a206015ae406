"""What the engine says to trainees is in the scenario's words: titles, never ids or formulas."""

from __future__ import annotations

import re

import pytest
from engine_helpers import MINI

from hydra_sim.engine import RunnerError, ScenarioRunner, load_scenario, score_runner
from hydra_sim.engine.model import Window, ndm_box_title
from hydra_sim.engine.scoring import points, window_words


@pytest.fixture(scope="module")
def mini():
    return load_scenario(MINI).raise_for_errors()


def test_a_contravention_names_the_scene_and_says_the_points(mini):
    runner = ScenarioRunner(mini)
    runner.start()
    runner.choose("refer")
    result = {a.action_id: a for a in score_runner(runner).actions}["send_ambulance"]
    assert result.explanation == "Contravened at 04:10, in \u201cA call\u201d: 3 points taken off."
    assert "'call'" not in result.explanation and not re.search(r"\d x \d", result.explanation)


def test_late_and_on_time_are_said_without_formulas(mini):
    runner = ScenarioRunner(mini)
    runner.start()
    runner.advance(6 * 60)
    runner.choose("ambulance")
    runner.choose(["doors"])
    actions = {a.action_id: a for a in score_runner(runner).actions}
    late = actions["send_ambulance"].explanation
    assert late == "Done at 04:16, after the deadline of 04:15: late, so 1.5 of 3 points."
    assert " x " not in late and "=" not in late
    assert actions["ventilate"].explanation.endswith("in time: " + f"{actions['ventilate'].weight} of "
                                                    + points(actions["ventilate"].weight) + ".")


def test_a_window_is_said_once():
    assert window_words(None, "Throughout the incident (no time limit)") == "Throughout the incident (no time limit)"
    assert window_words(None) == "no time limit"
    assert window_words(Window(minutes=15), "15 min from the call") == \
        "within 15 min of the incident start (15 min from the call)"
    assert points(1) == "1 point" and points(1.5) == "1.5 points"


def test_a_missing_required_box_is_named_by_its_title(mini):
    runner = ScenarioRunner(mini)
    runner.start()
    runner.choose("ambulance")
    runner.choose(["doors"])
    runner.choose(["medical", "lorry", "forms"])
    with pytest.raises(RunnerError) as caught:
        runner.choose({"powers_policy": "Section 1"})
    assert str(caught.value) == "fill in the boxes marked required: Threat and risk"
    assert "threat_risk" not in str(caught.value)
    assert ndm_box_title("action_review") == "Action and review"


def test_a_count_takes_its_noun_in_the_right_number():
    from hydra_sim.engine.text import counted
    assert counted(1, "session") == "1 session"
    assert counted(0, "session") == "0 sessions" and counted(2, "session") == "2 sessions"
    assert counted(1, "warning or note", "warnings or notes") == "1 warning or note"
    assert counted(1200, "scene") == "1,200 scenes"


def test_no_message_counts_things_as_thing_s():
    """'1 session(s)' is a developer's shortcut: every message with a count says it properly
    (``(s)`` inside ``{...}`` is code, and "http(s)" is not a count)."""
    import tokenize
    from pathlib import Path

    import hydra_sim
    found = []
    for path in Path(hydra_sim.__file__).parent.rglob("*.py"):
        with open(path, "rb") as handle:
            for token in tokenize.tokenize(handle.readline):
                text = token.string
                is_text = token.type == tokenize.STRING or getattr(tokenize, "FSTRING_MIDDLE", -1) == token.type
                if is_text and re.search(r"(?<!http)(?<=[a-z])\(s\)(?![^{]*\})", text) and ("{" in text or "%" in text):
                    found.append(f"{path.name}:{token.start[0]}")
    assert not found, found


def test_a_title_with_quotes_of_its_own_is_not_quoted_twice():
    from hydra_sim.engine.text import quoted
    assert quoted("A call") == "\u201cA call\u201d"
    assert quoted('"I speak for them" (you: PC Strick)') == '"I speak for them" (you: PC Strick)'
    assert quoted("\u2018He's twenty if he's a day\u2019") == "\u2018He's twenty if he's a day\u2019"

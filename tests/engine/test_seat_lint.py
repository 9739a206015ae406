"""Lint and schema checks of seats, messages and stand-ins (H001-H009), on the seated fixture."""

from __future__ import annotations

import shutil

import pytest
from engine_helpers import FIXTURES

from hydra_sim.engine.loader import load_scenario


def seated_variant(tmp_path, replace):
    shutil.copytree(FIXTURES / "seated", tmp_path / "seated")
    path = tmp_path / "seated" / "seated.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in replace:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return load_scenario(path).problems


@pytest.mark.parametrize("replace, code, words", [
    ([("  update:\n    seat: control", "  update:\n    seat: contrl")], "H001", "did you mean 'control'"),
    ([("    at_minute: 4\n    seat: control", "    at_minute: 4\n    seat: press")], "H001", "inject 'press_call'"),
    ([("  update:\n    seat: control\n", "  update:\n")], "H002", "scene 'update' has no 'seat'"),
    ([("            to: manager\n            channel: phone", "            to: managr\n            channel: phone")],
     "H003", "did you mean 'manager'"),
    ([("      - if: received.count_to_manager\n        text:", "      - if: received.count_to_managr\n        text:")],
     "H004", "scene 'manager' of seat 'manager' waits for message 'count_to_managr'"),
    ([("      stand_in: ask_for_count\n", "")], "H005", "scene 'update' has no 'stand_in'"),
    ([("stand_in: ask_for_count", "stand_in: ask_for_cont")], "H006", "did you mean 'ask_for_count'"),
    ([("    roles: [IM]", "    roles: [INV]")], "H007", "holds role 'INV'"),
    ([("    reference: [press_lines]", "    reference: [press_line]")], "H007", "reference item 'press_line'"),
    ([("  scene:\n    title: \"Officers at scene\"", "  spare:\n    title: \"Spare\"\n    roles: [FR]\n"
       "  scene:\n    title: \"Officers at scene\"")], "H008", "seat 'spare' has no scenes"),
])
def test_each_seat_problem_is_found_with_its_place_and_a_hint(tmp_path, replace, code, words):
    problems = seated_variant(tmp_path, replace)
    found = [p for p in problems if p.code == code]
    assert found, [p.format() for p in problems]
    assert words in found[0].format()
    assert found[0].location.line > 1 and found[0].location.column >= 1


def test_a_message_id_must_be_a_condition_name(tmp_path):
    problems = seated_variant(tmp_path, [("id: count_to_control", "id: count-to-control")])
    assert any(p.code == "S005" and "count-to-control" in p.message for p in problems)


def test_a_stand_in_must_fit_its_decision_kind(tmp_path):
    problems = seated_variant(tmp_path, [("stand_in: ask_for_count", "stand_in: [ask_for_count]")])
    assert any(p.code == "S003" and "stand_in" in p.message for p in problems), [p.format() for p in problems]

"""Lint and schema checks of seats, messages and stand-ins (H001-H011), on the seated fixture."""

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


# -- from reachability: a message waited for where no path sends it (first) -------------------
def _variant_all(tmp_path, replace):
    """The seated fixture with every occurrence of each text replaced; its lint problems."""
    shutil.copytree(FIXTURES / "seated", tmp_path / "seated")
    path = tmp_path / "seated" / "seated.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in replace:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return load_scenario(path).problems


def test_the_fixture_waits_only_for_messages_a_path_sends_first(tmp_path):
    problems = _variant_all(tmp_path, [])
    assert not [p for p in problems if p.code in ("H010", "H011")]


def test_a_message_only_an_unreachable_scene_sends_is_h010(tmp_path):
    # control skips the briefing scene, the only one that phones the count to the inspector
    problems = _variant_all(tmp_path, [("          next: brief\n", "          next: manager\n")])
    h010 = [p for p in problems if p.code == "H010"]
    assert len(h010) == 1, [p.format() for p in problems]       # one per scene and message
    assert h010[0].severity == "warning"
    assert "scene 'manager' of seat 'manager' waits for message 'count_to_manager', but no path sends it" \
        in h010[0].message and "'brief'" in h010[0].message
    assert not [p for p in problems if p.code in ("H004", "H011")]


def test_a_message_read_before_any_path_sends_it_is_h011(tmp_path):
    # control's 'update' comes before the briefing that sends the count to the inspector
    problems = _variant_all(tmp_path, [('          label: "Take the next call and wait for their report"\n',
                                        '          label: "Take the next call and wait for their report"\n'
                                        '          if: received.count_to_manager\n')])
    h011 = [p for p in problems if p.code == "H011"]
    assert len(h011) == 1, [p.format() for p in problems]
    assert h011[0].message.startswith("scene 'update' of seat 'control' can never learn message 'count_to_manager'")
    assert "received.count_to_manager is never true there" in h011[0].message and h011[0].hint
    assert not [p for p in problems if p.code in ("H004", "H010")]


def test_a_send_in_the_scene_itself_counts_for_its_routes(tmp_path):
    # the inspector's own decision sends the message its route then reads: it can be true
    problems = _variant_all(tmp_path, [('          evidences: [plan_welfare]\n          next:\n',
                                        '          evidences: [plan_welfare]\n'
                                        '          send: {id: welfare_plan, to: control, text: "Welfare first."}\n'
                                        '          next:\n'),
                                       ('            - if: received.count_to_manager\n              goto: good_end',
                                        '            - if: received.welfare_plan\n              goto: good_end')])
    assert not [p for p in problems if p.code in ("H004", "H010", "H011")], [p.format() for p in problems]

"""Schema and lint checks: each problem has its code, a location and a teaching hint."""

import pytest
from engine_helpers import MINI, codes, write_variant

from hydra_sim.engine import load_scenario


def problems_for(tmp_path, replace):
    return load_scenario(write_variant(tmp_path, replace)).problems


def only(problems, code):
    found = [p for p in problems if p.code == code]
    assert found, f"expected {code}, got {[p.format() for p in problems]}"
    return found[0]


def test_fixture_is_clean():
    assert load_scenario(MINI).problems == []


@pytest.mark.parametrize("replace, code, hint_part", [
    ([("title: \"Mini scenario\"", "tilte: \"Mini scenario\"")], "S002", "did you mean 'title'"),
    ([("        next: arrive\n      options:", "        next: arive\n      options:")], "R001", "did you mean 'arrive'"),
    ([("evidences: [send_ambulance]", "evidences: [send_ambulanse]")], "R002", "did you mean 'send_ambulance'"),
    ([("if: ambulance\n", "if: ambulanse\n")], "R003", "did you mean 'ambulance'"),
    ([("if: ambulance\n", "if: ambulance ==\n")], "C001", None),
    ([("if: delay < 3", "if: driver < 3")], "C002", None),
    ([("speaker: caller\n", "speaker: callr\n")], "R005", "did you mean 'caller'"),
    ([("media: [note]", "media: [nte]")], "R004", "did you mean 'note'"),
    ([("catalogues: [mini-catalogue]", "catalogues: [mini-catalog]")], "R006", "did you mean 'mini-catalogue'"),
    ([("file: mini/note.png", "file: mini/missing.png")], "R007", None),
    ([("file: mini/note.png", "file: ../../../etc/passwd.png")], "R008", None),
    ([("file: mini/note.png", "file: /etc/hosts.png")], "R008", None),
    ([("    alt: \"A hand-written note.\"\n", "")], "M002", None),
    ([("text: \"There is banging in a lorry.\"", "text: \"TODO write this\"")], "M003", None),
    ([("text: \"There is banging in a lorry.\"", "text: \"<img src='file:///etc/passwd'>\"")], "M004", None),
    ([("text: \"There is banging in a lorry.\"", "text: \"See [this](https://example.org)\"")], "M004", None),
    ([("text: \"There is banging in a lorry.\"", "text: \"\"")], "M001", None),
    ([("      time_limit_seconds: 60\n      on_expiry:\n        feedback: \"Too slow.\"\n        minutes: 10\n"
       "        next: arrive\n", "      time_limit_seconds: 60\n")], "T001", "on_expiry"),
    ([("  arrive:\n", "  wait:\n"), ("next: arrive", "next: wait")], "S014", None),
    ([("      - id: collapse\n", "      - id: late_ambulance_warning\n")], "S006", None),
    ([("  good_end: {title", "  call: {title")], "S006", None),
    ([("minutes: 2\n          set: {ambulance: true}", "minutes: soon\n          set: {ambulance: true}")],
     "S003", None),
    ([("set: {ambulance: true}", "set: {ambulance: maybe}")], "S003", None),
    ([("set: {driver: arrested, lead: \"force\"}", "set: {driver: jailed, lead: \"force\"}")], "S004",
     "use one of: free, arrested"),
    ([("format: 1", "format: 2")], "S009", None),
    ([("incident_start: \"2026-01-14 04:10\"", "incident_start: \"14/01/2026\"")], "S010", None),
    ([("    title: \"Handover\"\n", "    title: \"Handover\"\n    decision: {kind: choose_one, prompt: x, "
       "options: [{id: a, label: b, next: good_end}]}\n")], "S011", None),
    ([("      - goto: lost_end\n", "      - if: lead == \"\"\n        goto: lost_end\n")], "G003", "fallback"),
])
def test_problem_has_code_location_and_hint(tmp_path, replace, code, hint_part):
    problem = only(problems_for(tmp_path, replace), code)
    assert problem.location.file.endswith("mini.yaml")
    assert problem.location.line >= 1 and problem.location.column >= 1
    if hint_part:
        assert hint_part in (problem.hint or "")


def test_all_problems_reported_at_once(tmp_path):
    problems = problems_for(tmp_path, [("title: \"Mini scenario\"", "tilte: x"),
                                       ("evidences: [send_ambulance]", "evidences: [nope]"),
                                       ("speaker: caller\n", "speaker: nobody\n")])
    assert {"S002", "R002", "R005"} <= codes(problems)


def test_unreachable_scene_and_trap_cycle(tmp_path):
    extra = ("  orphan:\n    title: Orphan\n    text: Nobody comes here.\n    next: good_end\n"
             "  loop_a:\n    title: A\n    text: a\n    next: loop_b\n"
             "  loop_b:\n    title: B\n    text: b\n    next: loop_a\n")
    problems = problems_for(tmp_path, [("endings:\n", extra + "endings:\n"),
                                       ("      - goto: lost_end\n", "      - goto: loop_a\n")])
    assert any(p.code == "G001" and "orphan" in p.message for p in problems)
    trapped = [p for p in problems if p.code == "G005"]
    assert {"loop_a", "loop_b"} <= {p.message.split("'")[1] for p in trapped}


def test_no_reachable_ending(tmp_path):
    problems = problems_for(tmp_path, [("      - goto: lost_end\n", "      - goto: call\n"),
                                       ("        goto: good_end\n", "        goto: call\n"),
                                       ("next: tragedy", "next: call"),
                                       ("        - goto: tragedy\n", "        - goto: call\n")])
    assert "G004" in codes(problems)


def test_unused_and_write_only_variables(tmp_path):
    problems = problems_for(tmp_path, [("  lead: {type: text}\n", "  lead: {type: text}\n  spare: {type: bool}\n"),
                                       ("driver == \"arrested\" and lead != \"\"", "driver == \"arrested\"")])
    assert any(p.code == "V003" and "spare" in p.message for p in problems)
    assert any(p.code == "V001" and "lead" in p.message for p in problems)


def test_always_true_condition_warns(tmp_path):
    problems = problems_for(tmp_path, [("if: delay < 3", "if: 1 < 3")])
    assert only(problems, "C003").severity == "warning"


def test_implicit_coercion_in_text_field_warns(tmp_path):
    problems = problems_for(tmp_path, [("label: \"Let him go\"", "label: no")])
    warning = only(problems, "S007")
    assert warning.severity == "warning" and "\"no\"" in warning.hint


def test_symlink_out_of_scenario_folder_is_refused(tmp_path):
    path = write_variant(tmp_path, [("file: mini/note.png", "file: mini/link.png")])
    outside = tmp_path / "secret.png"
    outside.write_bytes(b"\x89PNG")
    (path.parent.parent / "assets" / "mini" / "link.png").symlink_to(outside)
    assert "R008" in codes(load_scenario(path).problems)


def test_media_resolves_inside_assets_folder():
    scenario = load_scenario(MINI).raise_for_errors()
    resolved = scenario.media["note"].resolved_path
    assert resolved is not None and resolved.name == "note.png" and resolved.parent.parent.name == "assets"


def test_severity_of_problems_is_known():
    from hydra_sim.engine.problems import ERROR, INFO, WARNING
    for problem in load_scenario(MINI).problems:
        assert problem.severity in (ERROR, WARNING, INFO)


def test_local_catalogue_adds_actions_and_rejects_clashing_ids(tmp_path):
    path = write_variant(tmp_path, [("catalogues: [mini-catalogue]", "catalogues: [mini-catalogue, local]"),
                                    ("evidences: [bwv_on]", "evidences: [bwv_on, wm_log]")])
    base = (path.parent / "mini-catalogue.catalogue.yaml").read_text(encoding="utf-8")
    head, _, actions = base.partition("actions:\n")
    local = head.replace("id: mini-catalogue", "id: local") + (
        "actions:\n  wm_log:\n    title: \"Open a decision log\"\n    description: \"d\"\n    why: \"w\"\n"
        "    category: scene_evidence\n    roles: [FR]\n    phase: scene\n    critical: false\n    weight: 1\n"
        "    evidence: D\n    sources: [S1]\n")
    (path.parent / "local.catalogue.yaml").write_text(local, encoding="utf-8")
    result = load_scenario(path)
    assert result.ok, [p.format() for p in result.problems]
    assert result.scenario.assessed["wm_log"].action.catalogue_id == "local"
    clash = local.replace("  wm_log:\n", "  bwv_on:\n")
    (path.parent / "local.catalogue.yaml").write_text(clash, encoding="utf-8")
    assert "R013" in codes(load_scenario(path).problems)


def test_unknown_start_is_reported_on_its_line(tmp_path):
    problem = only(problems_for(tmp_path, [("start: call", "start: cal")]), "R001")
    assert problem.location.line == 10 and "did you mean 'call'" in problem.hint

"""The exported JSON Schemas agree with the loader: bundled files pass both, broken files fail both.

Uses the small validator in authoring_helpers (the ``jsonschema`` package is not a project
dependency); data is read the way a YAML 1.2 editor reads it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from authoring_helpers import (
    MINI,
    REPO,
    SUPPORTED_KEYWORDS,
    MiniValidator,
    copy_fixtures,
    hydra,
    load_data,
    schema_keywords,
)

from hydra_sim.engine.catalogue import load_catalogue
from hydra_sim.engine.jsonschema_export import SCHEMA_FILES, all_schemas
from hydra_sim.engine.loader import load_scenario
from hydra_sim.engine.plan import load_test_plan
from hydra_sim.engine.problems import ERROR

SCHEMAS = all_schemas()
BUNDLED = sorted(p for folder in (REPO / "scenarios", REPO / "tests" / "fixtures") for p in folder.rglob("*.yaml"))


def kind_of(path: Path) -> str:
    if path.name.endswith(".catalogue.yaml"):
        return "catalogue"
    if path.name.endswith(".plan.yaml"):
        return "plan"
    return "scenario"


def schema_errors(path: Path) -> list[str]:
    return MiniValidator(SCHEMAS[kind_of(path)]).errors(load_data(path))


def loader_errors(path: Path) -> list[str]:
    kind = kind_of(path)
    if kind == "catalogue":
        problems = load_catalogue(path)[1]
    elif kind == "plan":
        problems = load_test_plan(path)[1]
    else:
        problems = load_scenario(path).problems
    return [p.format() for p in problems if p.severity == ERROR]


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_schema_is_draft_2020_12_and_uses_only_checked_keywords(name: str) -> None:
    schema = SCHEMAS[name]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False and schema["required"]
    assert schema_keywords(schema) <= SUPPORTED_KEYWORDS, schema_keywords(schema) - SUPPORTED_KEYWORDS
    json.dumps(schema)    # plain JSON data


def test_every_top_level_field_has_a_description() -> None:
    for name, schema in SCHEMAS.items():
        for field, sub in schema["properties"].items():
            assert sub.get("description"), f"{name}.{field} has no description for hover help"


def test_jsonschema_package_agrees_when_installed() -> None:
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is not a project dependency; the "
                                     "small validator in authoring_helpers covers these tests")
    for schema in SCHEMAS.values():
        jsonschema.Draft202012Validator.check_schema(schema)
    for path in BUNDLED:
        jsonschema.Draft202012Validator(SCHEMAS[kind_of(path)]).validate(load_data(path))


@pytest.mark.parametrize("path", BUNDLED, ids=[str(p.relative_to(REPO)) for p in BUNDLED])
def test_bundled_files_validate(path: Path) -> None:
    assert schema_errors(path) == []


def test_bundled_files_cover_every_kind() -> None:
    assert {kind_of(p) for p in BUNDLED} == {"scenario", "catalogue", "plan"}


# -- broken files: the schema and the loader both reject them --------------------------------
SCENARIO_CASES = {
    "unknown top-level field": [('title: "Mini scenario"', 'tilte: "Mini scenario"')],
    "wrong type": [("duration_minutes: 5", "duration_minutes: five")],
    "missing required field": [('summary: "A small scenario that uses every feature, for tests."\n', "")],
    "bad decision kind": [("kind: choose_many", "kind: pick_many")],
    "bad id pattern": [("- id: ambulance", "- id: Ambulance")],
    "bad ending outcome": [("outcome: harm", "outcome: tragic")],
    "contravenes with unknown key": [("contravenes: [ventilate]", "contravenes: [{action: ventilate, why: slow}]")],
    "wrong next shape": [("      next: why", "      next: {goto: why}")],
    "next route without goto": [("        - goto: tragedy", "        - to: tragedy")],
    "field of another decision kind": [('      prompt: "What do you do?"',
                                        '      prompt: "What do you do?"\n      min_picks: 1')],
    "rank item with an outcome": [('- {id: forms, label: "Forms"}', '- {id: forms, label: "Forms", minutes: 2}')],
    "image without alt": [('    alt: "A hand-written note."\n', "")],
    "decision and next together": [("    milestone: handover\n", "    milestone: handover\n    decision: "
                                    "{kind: choose_one, prompt: x, options: [{id: a, label: b, next: good_end}]}\n")],
    "scene inject timed like a top-level one": [("after_minutes: 10", "at_minute: 10")],
    "enum variable without values": [("driver: {type: enum, values: [free, arrested]}", "driver: {type: enum}")],
    "window with before and minutes": [("  escalate_death:\n    applies_if: someone_died",
                                        "  escalate_death:\n    window: {before: handover, minutes: 5}")],
    "bad milestone": [("milestone: arrival", "milestone: arrived")],
    "negative minutes": [("          minutes: 2\n          set: {ambulance: true}",
                          "          minutes: -2\n          set: {ambulance: true}")],
    "bad format version": [("format: 1", "format: 2")],
}
CATALOGUE_CASES = {
    "weight zero": [("    weight: 3\n    window: {minutes: 5}\n", "    weight: 0\n    window: {minutes: 5}\n")],
    "unknown action field": [('    why: "Forensic evidence."', '    why: "Forensic evidence."\n    priority: 2')],
    "wrong kind": [("kind: catalogue", "kind: scenario")],
    "bad evidence tag": [("evidence: I\n    sources: []\n  bwv_on", "evidence: Q\n    sources: []\n  bwv_on")],
}
PLAN_CASES = {
    "step with two keys": "steps:\n  - {call: ambulance, arrive: [doors]}\n",
    "unknown expect field": "steps:\n  - call: ambulance\nexpect: {ending: good_end, grades: distinction}\n",
    "steps not a list": "steps: {call: ambulance}\n",
    "bad action status": "steps:\n  - call: ambulance\nexpect: {actions: {send_ambulance: done}}\n",
    "unknown top-level field": "steps:\n  - call: ambulance\nexpected: {ending: good_end}\n",
}


def _mutate(path: Path, replacements) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, f"fixture text not found: {old!r}"
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")


def test_there_are_at_least_ten_broken_samples() -> None:
    assert len(SCENARIO_CASES) + len(CATALOGUE_CASES) + len(PLAN_CASES) >= 10


@pytest.mark.parametrize("case", sorted(SCENARIO_CASES))
def test_broken_scenario_rejected_by_schema_and_loader(case: str, tmp_path: Path) -> None:
    path = copy_fixtures(tmp_path)
    assert schema_errors(path) == [] and loader_errors(path) == []      # the copy starts valid
    _mutate(path, SCENARIO_CASES[case])
    assert schema_errors(path), f"the schema accepted: {case}"
    assert loader_errors(path), f"the loader accepted: {case}"


@pytest.mark.parametrize("case", sorted(CATALOGUE_CASES))
def test_broken_catalogue_rejected_by_schema_and_loader(case: str, tmp_path: Path) -> None:
    copy_fixtures(tmp_path)
    path = tmp_path / "fixtures" / "mini" / "mini-catalogue.catalogue.yaml"
    assert schema_errors(path) == [] and loader_errors(path) == []
    _mutate(path, CATALOGUE_CASES[case])
    assert schema_errors(path), f"the schema accepted: {case}"
    assert loader_errors(path), f"the loader accepted: {case}"


@pytest.mark.parametrize("case", sorted(PLAN_CASES))
def test_broken_plan_rejected_by_schema_and_loader(case: str, tmp_path: Path) -> None:
    path = tmp_path / "mini.broken.plan.yaml"
    path.write_text(f"scenario: {MINI}\n" + PLAN_CASES[case], encoding="utf-8")
    assert schema_errors(path), f"the schema accepted: {case}"
    assert loader_errors(path), f"the loader accepted: {case}"


# -- the command -----------------------------------------------------------------------------
def test_schema_command_prints_all_three() -> None:
    done = hydra("schema")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == SCHEMAS


def test_schema_command_writes_files(tmp_path: Path) -> None:
    done = hydra("schema", "--output", str(tmp_path / "schema"))
    assert done.returncode == 0, done.stderr
    for name, file_name in SCHEMA_FILES.items():
        written = tmp_path / "schema" / file_name
        assert written.is_file()
        assert json.loads(written.read_text(encoding="utf-8")) == SCHEMAS[name]

"""``hydra-sim new`` writes a small working scenario and a passing best-path test plan."""

from __future__ import annotations

import json
from pathlib import Path

from authoring_helpers import MiniValidator, hydra, load_data

from hydra_sim.engine.jsonschema_export import all_schemas
from hydra_sim.engine.loader import load_scenario
from hydra_sim.engine.scaffold import ScaffoldError, scaffold_texts, write_scaffold


def test_new_scenario_lints_clean_and_its_plan_passes(tmp_path: Path) -> None:
    done = hydra("new", "lay-by-lorry", "--folder", str(tmp_path / "work"), "--title", 'Lay-by: "banging" lorry')
    assert done.returncode == 0, done.stderr
    scenario = tmp_path / "work" / "lay-by-lorry.yaml"
    plan = tmp_path / "work" / "lay-by-lorry.best.plan.yaml"
    assert scenario.is_file() and plan.is_file()
    lint = hydra("lint", str(tmp_path / "work"), "--format", "json")
    report = json.loads(lint.stdout)
    assert lint.returncode == 0 and report["errors"] == 0 and report["warnings"] == 0, lint.stdout
    assert report["files"] == 2
    test = hydra("test", str(plan))
    assert test.returncode == 0 and "PASS" in test.stdout, test.stdout + test.stderr


def test_new_scenario_has_the_parts_it_teaches(tmp_path: Path) -> None:
    made = write_scaffold("teach-me", tmp_path, "Teach me")
    result = load_scenario(made.scenario)
    assert result.ok, [p.format() for p in result.problems]
    s = result.scenario
    assert s.title == "Teach me" and s.catalogue_ids == ("nrp-core",)
    assert 3 <= len(s.scenes) <= 4 and len(s.endings) == 2
    kinds = {scene.decision.kind for scene in s.scenes.values() if scene.decision}
    assert {"choose_one", "choose_many"} <= kinds
    assert s.variables and list(s.all_injects())
    text = made.scenario.read_text(encoding="utf-8")
    assert text.count("#") > 20, "the scaffold teaches with comments"


def test_new_scenario_validates_against_the_schema(tmp_path: Path) -> None:
    made = write_scaffold("schema-check", tmp_path)
    schemas = all_schemas()
    assert MiniValidator(schemas["scenario"]).errors(load_data(made.scenario)) == []
    assert MiniValidator(schemas["plan"]).errors(load_data(made.plan)) == []


def test_new_refuses_to_overwrite(tmp_path: Path) -> None:
    existing = tmp_path / "taken.yaml"
    existing.write_text("# mine\n", encoding="utf-8")
    done = hydra("new", "taken", "--folder", str(tmp_path))
    assert done.returncode == 1
    assert "already exist" in done.stderr and "nothing was written" in done.stderr
    assert existing.read_text(encoding="utf-8") == "# mine\n"
    assert not (tmp_path / "taken.best.plan.yaml").exists()


def test_new_rejects_a_bad_name(tmp_path: Path) -> None:
    done = hydra("new", "My Scenario", "--folder", str(tmp_path))
    assert done.returncode == 1 and "not a valid scenario id" in done.stderr
    assert list(tmp_path.iterdir()) == []
    try:
        scaffold_texts("x.y")
    except ScaffoldError:
        pass
    else:
        raise AssertionError("a dotted name would break plan discovery")

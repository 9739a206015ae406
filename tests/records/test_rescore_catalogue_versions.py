"""Sessions recorded under the 2025.1 nrp-core catalogue still open and re-score against the current
one (2026.1, the doctrine review): action ids were kept, so the old inputs replay, the original result
is untouched, and the rescore carries the new version, the new critical flags and the new texts.
No Qt, no sleeps."""

from __future__ import annotations

import shutil

import pytest
from records_support import REPO, TRAINEE

from hydra_sim.engine import ScenarioRunner, load_scenario, score_runner
from hydra_sim.engine.plan import load_plan, run_plan

OLD = REPO / "tests" / "fixtures" / "nrp-core-2025.1"
OLD_CATALOGUE = OLD / "nrp-core.catalogue.yaml"
FLAGSHIP = "brackenford-services"
# The flagship as it was while 2025.1 was current (and its plans), kept beside the old catalogue:
# today's flagship offers actions that 2025.1 does not have, so it cannot be scored against it.

pytestmark = pytest.mark.usefixtures("forget_home")


@pytest.fixture(scope="module")
def current(tmp_path_factory):
    """That same flagship scored against the bundled catalogue (no catalogue in its folder)."""
    root = tmp_path_factory.mktemp("new-catalogue")
    (root / "scenarios").mkdir()
    shutil.copyfile(OLD / f"{FLAGSHIP}.yaml", root / "scenarios" / f"{FLAGSHIP}.yaml")
    shutil.copytree(REPO / "assets", root / "assets")
    return load_scenario(root / "scenarios" / f"{FLAGSHIP}.yaml").raise_for_errors()


@pytest.fixture(scope="module")
def under_old_catalogue(tmp_path_factory):
    """The flagship of that time, scored against the catalogue as released at 2025.1 (a
    catalogue in the scenario's folder is found before the bundled one)."""
    root = tmp_path_factory.mktemp("old-catalogue")
    (root / "scenarios").mkdir()
    shutil.copyfile(OLD / f"{FLAGSHIP}.yaml", root / "scenarios" / f"{FLAGSHIP}.yaml")
    shutil.copyfile(OLD_CATALOGUE, root / "scenarios" / "nrp-core.catalogue.yaml")
    shutil.copytree(REPO / "assets", root / "assets")
    return load_scenario(root / "scenarios" / f"{FLAGSHIP}.yaml").raise_for_errors()


def record(store, scenario, plan_name: str) -> str:
    """Play a bundled test plan on ``scenario`` and record it as the app does: its inputs, its score,
    then any rationale marking."""
    steps, problems = load_plan(OLD / plan_name)
    assert steps is not None, problems
    result = run_plan(scenario, steps)
    assert result.problem is None, result.problem
    inputs = [e for e in result.runner.log if e["type"] != "mark"]
    marks = [e for e in result.runner.log if e["type"] == "mark"]
    session_id = store.start_session(TRAINEE, scenario)
    for entry in inputs:
        store.append_input(session_id, entry)
    store.finish_session(session_id, score_runner(ScenarioRunner.restore(scenario, inputs)).to_dict())
    for entry in marks:             # an assessor marks rationales after the session, as in the app
        store.mark_rationale(session_id, scenario, entry["decision"], entry["marks"], "Sgt Assessor",
                             entry.get("comments"))
    return session_id


def test_the_fixture_is_the_old_catalogue_and_the_bundled_one_is_newer(under_old_catalogue, current):
    old, new = under_old_catalogue.catalogues[0], current.catalogues[0]
    assert (old.id, old.version, len(old.actions)) == ("nrp-core", "2025.1", 38)
    assert (new.id, new.version, len(new.actions)) == ("nrp-core", "2026.1", 50)
    assert set(old.actions) < set(new.actions)          # no id was renamed or dropped
    assert sum(a.critical for a in old.actions.values()) == 26
    assert sum(a.critical for a in new.actions.values()) == 17


@pytest.mark.parametrize("plan_name", [f"{FLAGSHIP}.careless.plan.yaml", f"{FLAGSHIP}.best.plan.yaml"])
def test_a_session_recorded_under_2025_1_opens_and_rescores_against_2026_1(store, under_old_catalogue, current,
                                                                           plan_name):
    session_id = record(store, under_old_catalogue, plan_name)
    original = store.report(session_id)
    assert original["catalogue_versions"] == {"nrp-core": "2025.1"}
    events_before = store.session_record(session_id)["events"]

    # it opens: the recorded inputs replay on the current scenario and catalogue
    runner = ScenarioRunner.restore(current, store.inputs(session_id))
    assert runner.ended and runner.ended == original["ending_id"]

    stored = store.rescore(session_id, current)
    assert stored["catalogues"] == {"nrp-core": "2026.1"}
    report = stored["report"]
    assert report["catalogue_versions"] == {"nrp-core": "2026.1"}
    new_critical = {a.id for a in current.catalogues[0].actions.values() if a.critical}
    assert set(report["critical_failures"]) <= new_critical
    if ".best." in plan_name:       # full marks under both: the new actions are not offered by this path
        assert original["percent"] == stored["percent"] == 100.0 and stored["grade_id"] == "distinction"
    else:
        assert stored["grade_id"] == "not_yet_competent"
    # the original result and events are never changed by a rescore
    assert store.report(session_id) == original
    assert store.session_record(session_id)["events"] == events_before
    assert store.verify() == []


def test_the_rescore_uses_the_new_flags_and_texts(store, under_old_catalogue, current):
    session_id = record(store, under_old_catalogue, f"{FLAGSHIP}.careless.plan.yaml")
    original = store.report(session_id)
    stored = store.rescore(session_id, current)["report"]
    # ch_classify_immigration_crime was critical in 2025.1 and is not in 2026.1
    old_flags = {a["action_id"]: a for a in original["actions"]}
    new_flags = {a["action_id"]: a for a in stored["actions"]}
    assert old_flags["ch_classify_immigration_crime"]["critical"] is True
    assert new_flags["ch_classify_immigration_crime"]["critical"] is False
    assert "ch_classify_immigration_crime" not in stored["critical_failures"]
    # the life-saving criticals the careless plan misses are still critical failures
    assert {"ch_dispatch_ambulance", "fr_open_ventilate_trailer"} <= set(stored["critical_failures"])

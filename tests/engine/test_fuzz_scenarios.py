"""Property-based fuzzing of scenarios, the catalogue and test plans (issue 6): report, never crash.

Hypothesis mutates the bundled files (tests/engine/fuzz_mutations.py: tree and byte
mutations) and feeds them through the loader, lint, the plan loader and ``hydra-sim test``.
Properties:

- nothing but a result comes back: no exception escapes (and a watchdog thread turns a hang
  into a failure);
- every problem names the file it is about, with a 1-based line and column;
- anything that loads without errors plays: a random walk through ``ScenarioRunner`` (every
  decision kind, expiries, clock advances, references, refused garbage inputs) ends or runs
  out of steps, scores, and replays from its log to the same state.

Deterministic (``derandomize``) and bounded; set HYDRA_FUZZ_EXAMPLES=2000 for a long run
(docs/reliability.md). No sleeps, no timing assertions.
"""

from __future__ import annotations

import itertools
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fuzz_mutations import (
    CATALOGUE_FILE,
    PLAN_FILES,
    REPO,
    SCENARIO_FILES,
    check_located,
    fuzz_settings,
    mutated_file,
    random_walk,
    returns,
    tree_bytes,
)
from hypothesis import event, given, note
from hypothesis import strategies as st

from hydra_sim import cli
from hydra_sim.engine.catalogue import load_catalogue
from hydra_sim.engine.files import display_name
from hydra_sim.engine.loader import load_scenario
from hydra_sim.engine.plan import load_test_plan, run_test_plan
from hydra_sim.engine.runner import ScenarioRunner
from hydra_sim.engine.scoring import score_runner

CLI_TIMEOUT = 120
_counter = itertools.count()


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> Path:
    """A folder for one sub-folder per example, beside an ``assets`` link to the real assets
    (the loader looks for media in the scenario folder and in ``../assets``)."""
    base = tmp_path_factory.mktemp("fuzz") / "cases"
    base.mkdir()
    (base / "assets").symlink_to(REPO / "assets", target_is_directory=True)
    return base


def new_case(cases: Path) -> Path:
    # A new folder per example: the catalogue cache keys on path, mtime and size, and a
    # same-size rewrite within the file system's clock tick must never be served stale.
    folder = cases / f"c{next(_counter)}"
    folder.mkdir()
    return folder


def check_plays(scenario, seed: int) -> None:
    runner, refused = random_walk(scenario, seed)
    event("walk: ended" if runner.ended else "walk: refused" if refused else "walk: out of steps")
    report = score_runner(runner)
    assert 0.0 <= report.percent <= 100.0 and math.isfinite(report.percent)
    report.to_dict()
    again = ScenarioRunner.restore(scenario, runner.log)
    assert again.snapshot() == runner.snapshot(), "replaying the log does not give the same session"


def load_checked(path: Path, extra_files: set[str] = frozenset()):
    result = returns(lambda: load_scenario(path))
    check_located(result.problems, {display_name(path), *extra_files})
    if result.scenario is None:
        assert not result.ok and result.problems, "no scenario and no problem saying why"
    event("loads" if result.ok else "refused: " + min(p.code for p in result.problems if p.severity == "error"))
    return result


# -- scenarios --------------------------------------------------------------------------
@fuzz_settings(60)
@given(st.data(), st.sampled_from(SCENARIO_FILES), st.integers(0, 2**32 - 1))
def test_mutated_scenarios_report_located_problems_and_what_loads_plays(cases, data, source, seed):
    content, done = mutated_file(data.draw, source)
    note(done)
    path = new_case(cases) / source.name
    path.write_bytes(content)
    result = load_checked(path, {display_name(CATALOGUE_FILE)})
    if result.ok:
        check_plays(result.scenario, seed)


@fuzz_settings(6, limit=200)
@given(st.data(), st.sampled_from(SCENARIO_FILES))
def test_deep_checks_of_mutated_scenarios_never_crash(cases, data, source):
    from hydra_sim.engine.deep_checks import deep_check
    content, done = tree_bytes(data.draw, source, max_mutations=2)
    note(done)
    path = new_case(cases) / source.name
    path.write_bytes(content)
    result = load_checked(path, {display_name(CATALOGUE_FILE)})
    if result.ok:
        check_located(returns(lambda: deep_check(result.scenario)), {display_name(path)})


# -- the catalogue ----------------------------------------------------------------------
@fuzz_settings(50)
@given(st.data(), st.sampled_from(SCENARIO_FILES), st.integers(0, 2**32 - 1))
def test_mutated_catalogues_report_located_problems(cases, data, source, seed):
    content, done = mutated_file(data.draw, CATALOGUE_FILE)
    note(done)
    folder = new_case(cases)
    catalogue = folder / CATALOGUE_FILE.name
    catalogue.write_bytes(content)
    loaded, problems = returns(lambda: load_catalogue(catalogue, display_name(catalogue)))
    check_located(problems, {display_name(catalogue)})
    if loaded is None:
        assert problems
    scenario = folder / source.name
    scenario.write_bytes(source.read_bytes())
    result = load_checked(scenario, {display_name(catalogue)})
    if result.ok:
        check_plays(result.scenario, seed)


# -- test plans -------------------------------------------------------------------------
@fuzz_settings(60)
@given(st.data(), st.sampled_from(PLAN_FILES))
def test_mutated_plans_report_located_problems_and_run(cases, data, source):
    content, done = mutated_file(data.draw, source)
    note(done)
    folder = new_case(cases)
    scenario = SCENARIO_FILES[[p.name.split(".")[0] for p in SCENARIO_FILES].index(source.name.split(".")[0])]
    (folder / scenario.name).write_bytes(scenario.read_bytes())
    plan_path = folder / source.name
    plan_path.write_bytes(content)
    plan, problems = returns(lambda: load_test_plan(plan_path, str(plan_path)))
    check_located(problems, {str(plan_path)})
    if plan is not None and not any(p.severity == "error" for p in problems) and plan.scenario is None:
        loaded = load_scenario(folder / scenario.name)
        outcome = returns(lambda: run_test_plan(plan, loaded.raise_for_errors()))
        check_located(outcome.problems, {str(plan_path)})
        assert outcome.passed or outcome.problems
    # The whole `hydra-sim test` path, which also follows a mutated 'scenario' field anywhere.
    for result in returns(lambda: cli.run_test_plans([str(plan_path)])):
        assert result["passed"] or result["problems"], result
        event("plan passes" if result["passed"] else "plan fails: " + min(p["code"] for p in result["problems"]))
        for problem in result["problems"]:
            assert problem["file"] and problem["line"] >= 1 and problem["column"] >= 1, problem


# -- the command line -------------------------------------------------------------------
# what hydra_sim.terminal escapes: C0 but tab and line feed, DEL, C1, separators, bidi controls
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "hydra_sim", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, encoding="utf-8", errors="replace", timeout=CLI_TIMEOUT)


@fuzz_settings(3, limit=40)
@given(st.data())
def test_hydra_sim_lint_and_test_on_mutated_folders_exit_cleanly(cases, data):
    """A folder with a mutated scenario, catalogue and plan: `lint` (with the deep checks) and
    `test` exit 0 or 1, never print a traceback, and never print a raw control character
    (the mutations inject escapes into keys and text)."""
    folder = new_case(cases)
    source = data.draw(st.sampled_from(SCENARIO_FILES))
    for path in (source, CATALOGUE_FILE, data.draw(st.sampled_from(
            [p for p in PLAN_FILES if p.name.startswith(source.stem + ".")]))):
        content, done = mutated_file(data.draw, path, max_mutations=2)
        note(f"{path.name}: {done}")
        (folder / path.name).write_bytes(content)
    for command in (["lint", str(folder)], ["lint", "--format", "json", str(folder)], ["test", str(folder)]):
        run = _cli(*command, cwd=folder)
        assert run.returncode in (0, 1), (command, run.returncode, run.stderr[-2000:])
        assert "Traceback" not in run.stderr and "Traceback" not in run.stdout, run.stderr[-4000:]
        raw = RAW_CONTROL.search(run.stdout + run.stderr)
        assert raw is None, (command, repr(raw.group()))


# -- regressions: crashes the fuzzing found, one test each ------------------------------
def test_regression_catalogue_without_roles_or_sources_reports_located_problems(tmp_path):
    """Fuzzing found: a catalogue cut short before 'roles' and 'sources' reported, beside the
    S001 for each missing field, "'roles' must be a mapping ..., not nothing" at line 0, column 0
    (engine/catalogue.py ``_raw_entries`` treated an absent field as a wrong type)."""
    import yaml
    tree = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    del tree["roles"], tree["sources"]
    path = tmp_path / CATALOGUE_FILE.name
    path.write_text(yaml.safe_dump(tree, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _catalogue, problems = load_catalogue(path, "c.yaml")
    check_located(problems, {"c.yaml"})
    missing = {p.message for p in problems if p.code == "S001"}
    assert "the catalogue is missing the required field 'roles'" in missing
    assert "the catalogue is missing the required field 'sources'" in missing
    assert not [p for p in problems if "not nothing" in p.message]

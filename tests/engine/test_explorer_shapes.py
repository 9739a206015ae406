"""Explorer on the generated benchmark shapes: exact answers checked against every path
played through the runner, bounded answers that really bound, and the residuals it merges on.

No timing assertions: the speed of these shapes is measured by benchmarks/bench_explorer.py.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pytest
from test_explorer import steps_from
from test_explorer_seats import brute_force, explored_ranges

from hydra_sim.engine import load_scenario, score_runner
from hydra_sim.engine.explorer import explore
from hydra_sim.engine.expressions import parse
from hydra_sim.engine.plan import Step, run_plan

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))     # benchmarks/ is not an installed package; run from the checkout

from benchmarks import explorer_shapes  # noqa: E402


def load(path: Path):
    result = load_scenario(path)
    assert result.ok and not [p for p in result.problems if p.severity == "error"], \
        [p.format() for p in result.problems]
    return result.scenario


def every_path(scenario):
    """Every play of a scenario made of choose_one and choose_many decisions (no timed injects),
    as lists of steps; each is played through the runner by the caller."""
    paths = [[]]
    done = []
    while paths:
        steps = paths.pop()
        result = run_plan(scenario, steps)
        assert result.problem is None, result.problem
        runner = result.runner
        if runner.ended:
            done.append((steps, runner))
            continue
        scene = runner.scene
        if scene.decision is None:
            paths.append(steps + [Step("continue", scene.id)])
            continue
        ids = [o.id for o in runner.available_options()]
        if scene.decision.kind == "choose_one":
            answers = ids
        else:
            answers = [list(c) for n in range(len(ids) + 1) for c in itertools.combinations(ids, n)]
        for answer in answers:
            paths.append(steps + [Step("choose", scene.id, answer, "explored")])
    return done


def check_exact_against_every_path(scenario):
    report = explore(scenario)
    assert report.complete and not report.approximate
    truth: dict[str, list[float]] = {}
    for _steps, runner in every_path(scenario):
        truth.setdefault(runner.ended, []).append(score_runner(runner).percent)
    assert {e.ending_id for e in report.endings} == set(truth)
    for ending in report.endings:
        assert ending.exact
        assert ending.max_percent == pytest.approx(max(truth[ending.ending_id]), abs=0.06)
        assert ending.min_percent == pytest.approx(min(truth[ending.ending_id]), abs=0.06)
        assert ending.upper_percent == ending.max_percent and ending.lower_percent == ending.min_percent
        replay_bounds(scenario, ending)
    return report


def replay_bounds(scenario, ending):
    for path, bound in ((ending.best_path, ending.max_percent), (ending.worst_path, ending.min_percent)):
        result = run_plan(scenario, steps_from(path))
        assert result.problem is None and result.runner.ended == ending.ending_id
        assert score_runner(result.runner).percent == pytest.approx(bound, abs=0.06)


def test_chain_is_exact_against_every_path(tmp_path):
    check_exact_against_every_path(load(explorer_shapes.make_chain(tmp_path, 7, 2)))


def test_chain_with_three_options_is_exact_against_every_path(tmp_path):
    check_exact_against_every_path(load(explorer_shapes.make_chain(tmp_path, 5, 3)))


def test_flags_are_exact_against_every_path(tmp_path):
    check_exact_against_every_path(load(explorer_shapes.make_flags(tmp_path, 5, scenes=7)))


def test_checklists_are_exact_against_every_path(tmp_path):
    check_exact_against_every_path(load(explorer_shapes.make_checklists(tmp_path, 4, 2)))


@pytest.mark.parametrize("shared", [0, 1])
@pytest.mark.parametrize("scenes", [4, 7, 8])
def test_deadlines_that_time_spent_decides_are_exact_against_every_path(tmp_path, scenes, shared):
    # Entries stop comparing clocks (and milestone times) once no live action has a deadline:
    # here deadlines run from the start, from a milestone and before one, so until the last
    # of them is settled an earlier clock with less credit must be kept beside a later one,
    # and where actions are shared, an entry that reached the milestone later beside one that
    # reached it earlier.
    report = check_exact_against_every_path(load(explorer_shapes.make_deadlines(tmp_path, scenes, shared)))
    assert {e.ending_id for e in report.endings} == {"done", "half_done"}


def test_variables_written_again_before_they_are_read_are_exact_against_every_path(tmp_path):
    # A variable is kept as a value only where a write of it may come before a read of it
    # (reach.Future.dirty); elsewhere only the residuals of the conditions ahead are kept.
    # Here each pair x == y is equal after the start, but a write makes them differ again:
    # in the reading scene's own routes, by a scene inject, in a later scene, and in a loop.
    report = check_exact_against_every_path(load(explorer_shapes.make_rewrites(tmp_path)))
    assert {e.ending_id for e in report.endings} == {"done", "half_done"}


@pytest.mark.parametrize("scenes", [5, 6])
def test_moves_reused_across_clocks_are_exact_against_every_path(tmp_path, scenes):
    # A move played at one clock is reused at another only if no top-level inject still able
    # to change something falls due during it at either (Explorer._reusable). Here a choice
    # made late runs into the surge (which ends the story) or the call back, while the same
    # choice made earlier does not: reusing it regardless gives wrong ranges with 5 or 6
    # scenes. The note (no effects) and the surge once prepared for (false for good) may fall
    # due during a reused move: they change nothing the state keeps.
    scenario = load(explorer_shapes.make_timed_injects(tmp_path, scenes))
    report = explore(scenario)
    assert report.complete and not report.approximate
    assert explored_ranges(report) == brute_force(scenario)
    assert {e.ending_id for e in report.endings} == {"done", "half_done", "overtaken"}
    for ending in report.endings:
        replay_bounds(scenario, ending)


def test_long_chain_keeps_its_fronts_small_and_replays(tmp_path):
    # 2^30 paths: exact only because the credit of finished scenes is banked.
    scenario = load(explorer_shapes.make_chain(tmp_path, 30, 2))
    report = explore(scenario)
    assert report.complete and report.states == 31
    (ending,) = report.endings
    assert ending.exact
    replay_bounds(scenario, ending)


def test_sixteen_flags_read_at_the_end_merge_into_few_states(tmp_path):
    # 2^16 combinations of flags, but the conditions at the end only tell a few of them apart.
    scenario = load(explorer_shapes.make_flags(tmp_path, 16))
    report = explore(scenario)
    assert report.complete and report.states < 200
    assert {e.ending_id for e in report.endings} == {"thorough", "partial_end", "poor_end"}
    for ending in report.endings:
        replay_bounds(scenario, ending)


def test_twelve_item_checklists_are_exact_and_replay(tmp_path):
    scenario = load(explorer_shapes.make_checklists(tmp_path, 12, 2))
    report = explore(scenario)
    assert report.complete and not report.approximate
    for ending in report.endings:
        replay_bounds(scenario, ending)


def test_a_stopped_search_gives_sound_bounds_and_says_so(tmp_path):
    scenario = load(explorer_shapes.make_flags(tmp_path, 6, scenes=9))
    exact = explore(scenario)
    stopped = explore(scenario, max_states=8)
    assert exact.complete and not stopped.complete and stopped.approximate
    assert any("stopped after" in note for note in stopped.notes)
    assert stopped.unachievable_actions == []          # "no path can" is never claimed from part of the tree
    truth = {e.ending_id: e for e in exact.endings}
    for ending in stopped.endings:
        assert not ending.exact
        real = truth[ending.ending_id]
        # Found paths are real (inside the true range); the bounds contain the true range.
        assert real.min_percent <= ending.min_percent <= ending.max_percent <= real.max_percent
        assert ending.lower_percent <= real.min_percent and ending.upper_percent >= real.max_percent
        replay_bounds(scenario, ending)
    reached = {e.ending_id for e in stopped.endings}
    assert set(truth) - reached <= set(stopped.undecided_endings)


@pytest.mark.parametrize("max_states", [106, 113, 134])
def test_an_ending_reached_on_one_front_only_still_has_an_ordered_range(tmp_path, max_states):
    # Stopped at these sizes, the realistic scenario's "tragedy" ending has been reached by a
    # best-front path while its worst-front paths are still queued (CI found it under load, with
    # a time budget). The range must come from the paths found, whichever front found them.
    scenario = load(explorer_shapes.make_realistic(tmp_path))
    stopped = explore(scenario, max_states=max_states)
    assert not stopped.complete and stopped.endings
    for ending in stopped.endings:
        assert 0 <= ending.min_percent <= ending.max_percent <= 100, ending
        assert ending.lower_percent <= ending.min_percent and ending.max_percent <= ending.upper_percent
        assert ending.best_path and ending.worst_path
        replay_bounds(scenario, ending)


def test_a_time_budget_stops_the_search_and_reports_progress(tmp_path):
    scenario = load(explorer_shapes.make_realistic(tmp_path))
    seen = []
    report = explore(scenario, budget=0, progress=lambda *figures: seen.append(figures))
    assert not report.complete and any("time budget" in note for note in report.notes)
    assert all(not e.exact for e in report.endings)
    assert report.full_marks_path is None or run_plan(scenario, steps_from(report.full_marks_path)).problem is None


def test_the_realistic_scenario_loads_cleanly(tmp_path):
    result = load_scenario(explorer_shapes.make_realistic(tmp_path))
    assert result.ok and not [p for p in result.problems if p.severity in ("error", "warning")]
    scenario = result.scenario
    assert len(scenario.scenes) == 18 and len(scenario.variables) == 13
    assert sum(1 for s in scenario.scenes.values() if s.decision) == 14
    assert len(list(scenario.all_injects())) == 7 and scenario.clock_speed == 1


@pytest.mark.parametrize("source, known, expected", [
    ("a and b", {"a": False}, ("literal", False)),
    ("a and b", {"a": True}, ("and", ("name", "b"))),
    ("a or b", {"a": True}, ("literal", True)),
    ("n >= 3 or b", {"n": 1}, ("or", ("name", "b"))),
    ("(x and a) == true", {"a": False}, ("literal", False)),
    ("not a", {}, ("not", ("name", "a"))),
])
def test_residuals(source, known, expected):
    assert parse(source).residual(known) == expected

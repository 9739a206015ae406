"""The explorer on seated scenarios: it follows messages between seats exactly as the runner does.

Every figure the explorer gives is checked against real play-throughs on a ``ScenarioRunner``:
a brute-force player here tries every choice and every wait for the next message to arrive
or the next inject to fall due (the only waiting that can change anything in these
scenarios), scores each ending it reaches with ``score_runner``, and the explorer's score range
of each ending must be exactly that; its best path, replayed on a fresh runner, must score
what it says.
"""

from __future__ import annotations

import shutil

import pytest
from engine_helpers import FIXTURES

from hydra_sim.engine.best_path import best_path
from hydra_sim.engine.deep_checks import deep_check
from hydra_sim.engine.explorer import explore
from hydra_sim.engine.loader import load_scenario
from hydra_sim.engine.runner import ScenarioRunner
from hydra_sim.engine.scoring import score_runner

SEATED = FIXTURES / "seated"


def variant(tmp_path, name: str, *edits: tuple[str, str]):
    """The seated fixture with text edits, written (with its catalogue) under tmp_path and loaded."""
    folder = tmp_path / name
    folder.mkdir()
    shutil.copy(SEATED / "seated-catalogue.catalogue.yaml", folder)
    text = (SEATED / "seated.yaml").read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    path = folder / "seated.yaml"
    path.write_text(text, encoding="utf-8")
    return load_scenario(path).raise_for_errors()


@pytest.fixture(scope="module")
def seated():
    return load_scenario(SEATED / "seated.yaml").raise_for_errors()


def _moves(runner: ScenarioRunner):
    """Every input the brute-force player tries here, as (label, function of a runner)."""
    decision = runner.decision
    if decision is None:
        yield {"continue": runner.scene_id}, lambda r: r.continue_()
    else:
        assert decision.kind == "choose_one"          # all these scenarios ask
        for option in runner.available_options():
            yield {runner.scene_id: option.id}, (lambda r, o=option.id: r.choose(o))
    now = runner.clock.seconds
    due = [m.arrives_at for m in runner.messages if m.arrives_at > now]
    inject = runner.next_inject_due()
    if inject is not None and inject > now:
        due.append(inject)
    if due:
        wait = min(due) - now
        yield {"wait": wait / 60}, (lambda r, w=wait: r.advance(w))


def _replay(scenario, steps, seat=None) -> ScenarioRunner:
    runner = ScenarioRunner(scenario, seat=seat)
    runner.start()
    for step in steps:
        (key, value), = step.items()
        if key == "wait":
            runner.advance(round(value * 60))
        elif key == "continue":
            runner.continue_()
        elif key == "mark":
            continue
        else:
            assert runner.scene_id == key, (runner.scene_id, step)
            runner.choose(value)
    return runner


def brute_force(scenario, seat=None) -> dict[str, tuple[float, float]]:
    """Every play-through: ending id -> (lowest, highest) score, as the runner scores them."""
    ranges: dict[str, list[float]] = {}
    stack = [[]]
    while stack:
        steps = stack.pop()
        runner = _replay(scenario, steps, seat)
        if runner.ended:
            percent = round(score_runner(runner).percent, 1)
            ranges.setdefault(runner.ended, []).append(percent)
            continue
        for label, _act in _moves(runner):
            stack.append(steps + [label])
    return {ending: (min(scores), max(scores)) for ending, scores in ranges.items()}


def explored_ranges(report) -> dict[str, tuple[float, float]]:
    return {b.ending_id: (b.min_percent, b.max_percent) for b in report.endings}


def test_the_seated_fixture_is_explored_exactly(seated):
    report = explore(seated)
    assert report.complete and not report.approximate
    assert explored_ranges(report) == brute_force(seated)


def test_the_best_path_replayed_on_a_runner_scores_what_the_explorer_said(seated):
    report = explore(seated)
    for bounds in report.endings:
        for steps, percent in ((bounds.best_path, bounds.max_percent), (bounds.worst_path, bounds.min_percent)):
            runner = _replay(seated, steps)
            assert runner.ended == bounds.ending_id
            assert round(score_runner(runner).percent, 1) == percent
    assert report.full_marks_path is not None
    assert score_runner(_replay(seated, report.full_marks_path)).percent == 100


def test_full_marks_that_need_a_wait_for_a_message_are_found(tmp_path):
    # Asking for the count now takes no time, so the count (5 minutes after the doors open)
    # has not arrived when control briefs the inspector: only waiting for it passes it on.
    scenario = variant(tmp_path, "wait", ("""          label: "Radio Bravo 2-1 and ask for a count"
          minutes: 3""", """          label: "Radio Bravo 2-1 and ask for a count\""""))
    report = explore(scenario)
    path = report.full_marks_path
    assert path is not None and any("wait" in step for step in path)
    runner = _replay(scenario, path)
    assert runner.ended == "good_end" and score_runner(runner).percent == 100
    assert explored_ranges(report) == brute_force(scenario)


def test_a_message_too_slow_to_matter_is_explored_as_the_runner_plays_it(tmp_path):
    # The count to the inspector takes 30 minutes: only an inspector who waits for it reaches
    # the good ending (28 minutes: the phone call itself took 2).
    scenario = variant(tmp_path, "slow", ("            delay: 2\n", "            delay: 30\n"))
    report = explore(scenario)
    assert explored_ranges(report) == brute_force(scenario)
    good = next(b for b in report.endings if b.ending_id == "good_end")
    assert {"wait": 28.0} in good.best_path


def test_the_same_message_sent_at_different_times_is_not_merged(tmp_path):
    # Two ways through the call send the count message at different times; which one
    # arrives before the inspector decides must stay apart in the explorer's states.
    scenario = variant(tmp_path, "times",
                       ("""          minutes: 1
          contravenes: [send_ambulance]
          send:
            id: units_dispatched""", """          minutes: 6
          contravenes: [send_ambulance]
          send:
            id: units_dispatched"""),
                       ("            delay: 2\n", "            delay: 4\n"))
    assert explored_ranges(explore(scenario)) == brute_force(scenario)


def test_messages_and_a_timed_inject_with_effects_together(tmp_path):
    # The reporter's call at minute 4 now changes what the inspector can choose: the clock
    # matters (top-level inject to come) while messages are on their way.
    scenario = variant(tmp_path, "press",
                       ("injects:\n", "variables:\n  press_waiting: {type: bool}\ninjects:\n"),
                       ('    text: "A local reporter phones the press line about police cars at the layby."\n',
                        '    text: "A local reporter phones the press line about police cars at the layby."\n'
                        '    set: {press_waiting: true}\n'),
                       ('          label: "Wait for a full count before deciding anything"\n',
                        '          label: "Wait for a full count before deciding anything"\n'
                        '          if: not press_waiting\n'))
    report = explore(scenario)
    assert report.complete
    assert explored_ranges(report) == brute_force(scenario)
    for seat in scenario.seats:
        assert explored_ranges(explore(scenario, seat=seat)) == brute_force(scenario, seat)


def test_deep_checks_run_on_a_seated_scenario(seated):
    problems = deep_check(seated)
    codes = {p.code for p in problems}
    assert "A003" in codes and "A007" not in codes
    ranges = {p.message for p in problems if p.code == "A003"}
    assert "ending 'good_end' (good) scores between 53.8% and 100%" in ranges


def test_best_path_is_worked_out_for_a_seated_scenario(seated):
    found = best_path(seated)
    assert found.kind == "full_marks" and found.percent == 100.0
    assert score_runner(_replay(seated, found.steps)).percent == 100


@pytest.mark.parametrize("seat", ["control", "scene", "manager"])
def test_one_seat_is_explored_as_the_runner_plays_it_with_stand_ins(seated, seat):
    report = explore(seated, seat=seat)
    assert report.seat == seat and report.complete
    assert explored_ranges(report) == brute_force(seated, seat)
    own = {scene_id for scene_id, scene in seated.scenes.items() if scene.seat == seat}
    for bounds in report.endings:
        assert {next(iter(step)) for step in bounds.best_path} - {"wait"} <= own    # only the seat's own choices
        runner = _replay(seated, bounds.best_path, seat)
        assert runner.ended == bounds.ending_id
        assert round(score_runner(runner).percent, 1) == bounds.max_percent


def test_a_seat_is_scored_on_its_own_actions_only(seated):
    # The officers at scene are scored on ventilate and count_people: whatever control and the
    # inspector (stand-ins) do, opening the doors at once is full marks for them.
    report = explore(seated, seat="scene")
    assert report.full_marks_path == [{"arrive": "open_and_count"}]
    assert set(report.missable_critical) == {"ventilate"}


def test_a_seat_the_scenario_lacks_is_refused(seated):
    from hydra_sim.engine.runner import RunnerError
    with pytest.raises(RunnerError, match="no seat 'dispatch'"):
        explore(seated, seat="dispatch")


def test_explore_seat_writes_a_play_script_for_that_seat(tmp_path, capsys):
    from hydra_sim import cli
    from hydra_sim.engine.plan import load_test_plan, run_test_plan
    best = tmp_path / "control.plan.yaml"
    assert cli.main(["explore", str(SEATED / "seated.yaml"), "--seat", "control", "--write-best", str(best)]) == 0
    plan, problems = load_test_plan(best)
    assert plan is not None and not problems and plan.seat == "control"
    result = run_test_plan(plan, load_scenario(SEATED / "seated.yaml").raise_for_errors())
    assert result.passed and score_runner(result.runner).percent == 100
    assert cli.main(["explore", str(SEATED / "seated.yaml"), "--seat", "dispatch"]) == 2
    assert "no seat 'dispatch'" in capsys.readouterr().err


def test_best_path_of_one_seat_is_its_own_and_kept_apart(seated):
    from hydra_sim.engine.best_path import BestPaths
    found = best_path(seated, seat="control")
    assert found.kind == "full_marks"
    assert [next(iter(step)) for step in found.steps] == ["call", "update", "brief"]
    assert score_runner(_replay(seated, found.steps, "control")).percent == 100
    cache = BestPaths()
    team = cache.compute(seated)
    assert cache.get(seated, seat="control") is None            # a seat's path is not the team's
    assert cache.compute(seated, seat="control").steps == found.steps
    assert cache.get(seated).steps == team.steps != found.steps

"""Presentation order: options, checklist items and ranking items are shuffled per session.

The order is a pure function of (session seed, decision id); pinned options keep their
end; no seed (old records, play scripts) is the file order; the seed travels in the
runner's log so a restore shows what the trainee saw.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from hydra_sim.engine.loader import load_scenario
from hydra_sim.engine.plan import load_plan, run_plan
from hydra_sim.engine.presentation import derived_seed, new_seed, presentation_order
from hydra_sim.engine.runner import ReplayError, RunnerError, ScenarioRunner, seed_of

from engine_helpers import FLAGSHIP, MINI, REPO, codes, write_variant


@dataclass
class Item:
    id: str
    pin: str | None = None


ITEMS = [Item(c) for c in "abcdefgh"]


def ids(items) -> list[str]:
    return [i.id for i in items]


def test_no_seed_is_the_file_order():
    assert ids(presentation_order(None, "scene", ITEMS)) == list("abcdefgh")


def test_the_same_seed_and_decision_give_the_same_order():
    first = ids(presentation_order(1234, "call_received", ITEMS))
    assert first == ids(presentation_order(1234, "call_received", ITEMS))
    assert sorted(first) == list("abcdefgh")


def test_different_seeds_give_different_orders():
    orders = {tuple(ids(presentation_order(seed, "call_received", ITEMS))) for seed in range(20)}
    assert len(orders) >= 15          # 8! orders: twenty seeds practically never collide
    assert ids(presentation_order(1, "call_received", ITEMS)) != ids(presentation_order(2, "call_received", ITEMS))


def test_different_decisions_of_one_session_are_shuffled_independently():
    orders = {tuple(ids(presentation_order(7, f"scene_{n}", ITEMS))) for n in range(20)}
    assert len(orders) >= 15


def test_the_best_option_is_not_always_last():
    # The issue: the full-marks option was the last in file order. Over many sessions each
    # position is used.
    positions = {ids(presentation_order(seed, "decide", ITEMS)).index("h") for seed in range(200)}
    assert positions == set(range(len(ITEMS)))


def test_pinned_options_stay_put():
    items = [Item("none", "last"), Item("a"), Item("b"), Item("first", "first"), Item("c"), Item("d"),
             Item("other", "last")]
    for seed in range(50):
        order = ids(presentation_order(seed, "decide", items))
        assert order[0] == "first"
        assert order[-2:] == ["none", "other"]          # several pinned last keep their file order
        assert sorted(order[1:-2]) == ["a", "b", "c", "d"]
    middles = {tuple(ids(presentation_order(seed, "decide", items))[1:-2]) for seed in range(50)}
    assert len(middles) > 1                              # the rest are still shuffled


def test_seeds_are_stable_numbers():
    # derived_seed must not depend on Python's per-process hash randomisation
    assert derived_seed(1, "call_received") == derived_seed(1, "call_received")
    assert derived_seed("K7QM2X", "red") != derived_seed("K7QM2X", "blue")
    assert 0 <= new_seed() < 2 ** 48


# -- the runner ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def flagship():
    result = load_scenario(FLAGSHIP)
    assert result.scenario is not None
    return result.scenario


@pytest.fixture(scope="module")
def mini():
    return load_scenario(MINI).scenario


def test_the_runner_offers_options_in_the_session_order(flagship):
    runner = ScenarioRunner(flagship, seed=99)
    runner.start()
    decision = runner.decision
    assert ids(runner.available_options()) == ids(presentation_order(99, runner.scene_id, decision.options))
    assert runner.log[0] == {"type": "order", "seed": 99, "clock": 0}


def test_a_runner_without_a_seed_logs_none_and_keeps_the_file_order(flagship):
    runner = ScenarioRunner(flagship)
    runner.start()
    assert ids(runner.available_options()) == ids(runner.decision.options)
    assert not any(e["type"] == "order" for e in runner.log)


def test_a_bad_seed_is_refused(flagship):
    for bad in (-1, "12", 1.5, True):
        with pytest.raises(RunnerError, match="seed"):
            ScenarioRunner(flagship, seed=bad)


def test_restore_shows_the_same_order_at_every_decision(mini):
    runner = ScenarioRunner(mini, seed=4242)
    runner.start()
    seen = []
    while not runner.ended:
        decision = runner.decision
        if decision is None:
            runner.continue_()
            continue
        offered = ids(runner.available_options())
        seen.append((runner.scene_id, offered))
        restored = ScenarioRunner.restore(mini, runner.log)
        assert restored.seed == 4242
        assert ids(restored.available_options()) == offered
        if decision.kind == "choose_one":
            runner.choose("ambulance" if "ambulance" in offered else offered[0], "because")
        elif decision.kind == "choose_many":
            runner.choose([o for o in offered if o != "wait"])
        elif decision.kind == "rank":
            runner.choose(offered)
        else:
            runner.choose({f: "reason" for f in decision.fields})
    assert len(seen) >= 3


def test_checklist_ticks_are_logged_in_file_order_whatever_the_display(mini):
    runner = ScenarioRunner(mini, seed=5)
    runner.start()
    runner.choose("ambulance")
    assert runner.scene_id == "arrive"
    record = runner.choose(["bwv", "doors"])
    assert record.selection == ["doors", "bwv"]        # stable logs and scores, not the display order


def test_an_old_log_without_a_seed_replays_in_the_file_order(mini):
    old = ScenarioRunner(mini)
    old.start()
    old.choose("refer")
    restored = ScenarioRunner.restore(mini, [dict(e) for e in old.log])
    assert restored.seed is None
    assert restored.scene_id == "arrive"
    assert ids(restored.available_options()) == ["doors", "bwv", "wait"]


def test_a_second_different_seed_in_a_log_is_a_replay_error(mini):
    runner = ScenarioRunner(mini, seed=3)
    runner.start()
    log = list(runner.log) + [{"type": "order", "seed": 4, "clock": 0}]
    with pytest.raises(ReplayError, match="second presentation seed"):
        ScenarioRunner.restore(mini, log)


def test_seed_of_reads_only_a_leading_order_entry():
    assert seed_of([]) is None
    assert seed_of([{"type": "order", "seed": 8, "clock": 0}, {"type": "continue"}]) == 8
    assert seed_of([{"type": "choose"}, {"type": "order", "seed": 8}]) is None
    with pytest.raises(ReplayError):
        seed_of([{"type": "order", "seed": "eight"}])


def test_play_scripts_choose_by_id_so_they_pass_under_any_seed(flagship):
    plan = REPO / "scenarios" / "brackenford-services.best.plan.yaml"
    steps, problems = load_plan(plan)
    assert steps is not None, problems
    unseeded = run_plan(flagship, steps)
    for seed in (1, 2, 3):
        result = run_plan(flagship, steps, ScenarioRunner(flagship, seed=seed))
        assert result.problem is None
        assert result.runner.ended == unseeded.runner.ended
        assert [d.selection for d in result.runner.decisions] == [d.selection for d in unseeded.runner.decisions]


# -- the scenario format -----------------------------------------------------------------
def test_pin_is_read_from_the_file(tmp_path):
    path = write_variant(tmp_path, [('        - {id: wait, label: "Wait for Border Force",',
                                     '        - {id: wait, pin: last, label: "Wait for Border Force",')])
    scenario = load_scenario(path).scenario
    decision = scenario.scenes["arrive"].decision
    assert decision.option("wait").pin == "last"
    assert decision.option("doors").pin is None
    for seed in range(20):
        assert ids(presentation_order(seed, "arrive", decision.options))[-1] == "wait"


def test_a_bad_pin_is_a_clear_error(tmp_path):
    path = write_variant(tmp_path, [('        - {id: wait, label: "Wait for Border Force",',
                                     '        - {id: wait, pin: bottom, label: "Wait for Border Force",')])
    result = load_scenario(path)
    assert not result.ok
    problem = next(p for p in result.problems if p.code == "S004")
    assert "pin" in problem.message and "bottom" in problem.message
    assert problem.location.line > 0
    assert "S004" in codes(result.problems)


def test_a_rationales_parts_are_shuffled_per_session_too():
    """Each structured part of an NDM rationale is its own question with its own order."""
    scenario = load_scenario(FLAGSHIP).raise_for_errors()
    steps, problems = load_plan(REPO / "scenarios" / "brackenford-services.best.plan.yaml")
    assert not problems
    index = next(i for i, s in enumerate(steps) if s.scene == "powers_rationale")
    orders = {}
    for seed in range(12):
        runner = ScenarioRunner(scenario, seed)
        runner.start()
        result = run_plan(scenario, steps[:index], runner)
        assert result.problem is None and runner.scene_id == "powers_rationale"
        part = runner.decision.parts[0]
        shown = ids(runner.part_options(part.id))
        assert sorted(shown) == sorted(ids(part.options))          # the same choices, reordered
        assert shown == ids(runner.part_options(part.id))          # stable within the session
        orders[seed] = tuple(shown)
    assert len(set(orders.values())) > 1                           # seeds really vary the order
    unseeded = ScenarioRunner(scenario)
    unseeded.start()
    run_plan(scenario, steps[:index], unseeded)
    assert ids(unseeded.part_options(part.id)) == ids(part.options)   # no seed: the file order
    assert unseeded.part_options("no_such_part") == []

"""The GUI shows options in the session's shuffled order, and a resumed session in the same order."""

from __future__ import annotations

from helpers import FLAGSHIP, MINI, REPO, click, play_step

from hydra_sim.engine import presentation
from hydra_sim.engine.loader import load_scenario
from hydra_sim.engine.plan import load_plan
from hydra_sim.engine.presentation import presentation_order
from hydra_sim.engine.runner import ScenarioRunner, seed_of
from hydra_sim.gui.decision_panels import RankPanel
from hydra_sim.gui.persistence import TraineeInfo


def shown(panel) -> list[str]:
    """The option ids top to bottom as the trainee sees them."""
    if isinstance(panel, RankPanel):
        return panel.order()
    rows = sorted(panel.rows.items(), key=lambda kv: panel.layout_.indexOf(kv[1]))
    assert all(row.isVisible() for _, row in rows)
    return [option_id for option_id, _ in rows]


def shown_labels(panel) -> list[str]:
    if isinstance(panel, RankPanel):
        return [panel.list.item(i).text() for i in range(panel.list.count())]
    return [panel.rows[i].label.text() for i in shown(panel)]


def a_seed_that_moves(scenario, scenes: list[str]) -> int:
    """A seed whose order differs from the file order at each of ``scenes`` (so the test can tell)."""
    for seed in range(1, 1000):
        if all([o.id for o in presentation_order(seed, s, scenario.scenes[s].decision.options)]
               != [o.id for o in scenario.scenes[s].decision.options] for s in scenes):
            return seed
    raise AssertionError("no seed moves every decision")


def test_a_resumed_session_shows_the_same_order(qtbot, window, monkeypatch, fake_time):
    scenario = load_scenario(FLAGSHIP).scenario
    steps, _ = load_plan(REPO / "scenarios" / "brackenford-services.best.plan.yaml")
    first_scene = scenario.start
    seed = a_seed_that_moves(scenario, [first_scene])
    monkeypatch.setattr(presentation, "new_seed", lambda: seed)

    assert window.open_scenario_file(FLAGSHIP)
    click(qtbot, window.briefing_screen.start_button)
    controller = window.controller
    session_id = controller.session_id
    panel = window.incident_screen.panel
    file_order = [o.id for o in scenario.scenes[first_scene].decision.options]
    assert shown(panel) == [o.id for o in presentation_order(seed, first_scene,
                                                              scenario.scenes[first_scene].decision.options)]
    assert shown(panel) != file_order                 # the panel really shows the shuffled order
    # play on by option id (the plan) to a later decision with several options
    for step in steps:
        play_step(qtbot, window, step, fake_time)
        decision = controller.decision
        if controller.runner.decisions and decision is not None and len(decision.options) >= 3:
            break
    assert len(controller.runner.decisions) >= 1 and controller.decision is not None
    scene_before = controller.runner.scene_id
    before_ids, before_labels = shown(window.incident_screen.panel), shown_labels(window.incident_screen.panel)
    selections = [d.selection for d in controller.runner.decisions]
    assert before_ids == [o.id for o in controller.available_options()]
    assert set(before_ids) <= {o.id for o in scenario.scenes[scene_before].decision.options}

    controller.suspend()                              # quit mid-session
    assert seed_of(window.store.inputs(session_id)) == seed       # the seed is in the session record
    monkeypatch.setattr(presentation, "new_seed", lambda: seed + 1)   # a new draw would differ
    window.show_start()
    window.start_screen.set_trainee(window.remembered_trainee())
    window._refresh_sessions()
    click(qtbot, window.start_screen.resume_button)
    assert window.stack.currentWidget() is window.incident_screen
    assert controller.session_id == session_id and controller.runner.seed == seed
    assert controller.runner.scene_id == scene_before
    assert [d.selection for d in controller.runner.decisions] == selections
    assert shown(window.incident_screen.panel) == before_ids
    assert shown_labels(window.incident_screen.panel) == before_labels


def test_an_old_session_without_a_seed_resumes_in_the_file_order(qtbot, window):
    scenario = load_scenario(MINI).scenario
    trainee = TraineeInfo("t-old", "Old Record")
    store = window.store
    session_id = store.start_session(trainee, scenario)
    old = ScenarioRunner(scenario)                      # as sessions were recorded before seeds existed
    old.start()
    old.choose("ambulance", "because")
    for entry in old.log:
        store.append_input(session_id, entry, clock_after=old.clock.seconds)
    assert seed_of(store.inputs(session_id)) is None
    window.controller.resume(session_id, scenario, trainee)
    window._switch(window.incident_screen)
    window.incident_screen.show_scene()
    assert window.controller.runner.scene_id == "arrive"
    assert shown(window.incident_screen.panel) == ["doors", "bwv", "wait"]     # the file order, as then
    window.controller.timer.stop()


def test_the_review_timeline_lists_each_decisions_options_as_shown():
    from dataclasses import asdict

    from hydra_sim.gui.review.cohort_stats import Labels, timeline
    scenario = load_scenario(MINI).scenario
    runner = ScenarioRunner(scenario, seed=1)
    runner.start()
    record = runner.choose("ambulance", "because")
    events = [{"seq": 1, "kind": "decision_recorded", "clock": record.clock, "data": asdict(record)}]
    labels = Labels(scenario)
    decision = next(i for i in timeline(events, None, labels, seed=1) if i.kind == "decision")
    options = scenario.scenes["call"].decision.options
    assert decision.shown == [o.label for o in presentation_order(1, "call", options)]
    assert decision.shown != [o.label for o in options]
    old = next(i for i in timeline(events, None, labels) if i.kind == "decision")
    assert old.shown == [o.label for o in options]       # no seed: the file order

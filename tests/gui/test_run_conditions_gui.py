"""A run condition reaches the trainee's screen (the scene text of this run), the debrief and
the trainer's review, and a resumed session keeps the conditions it started with."""

from __future__ import annotations

import shutil

from conditions_support import PARAMEDICS
from helpers import REPO, click, shoot

from hydra_sim.engine import presentation
from hydra_sim.engine.runner import conditions_of
from hydra_sim.engine.scoring import score_runner

CONDITIONS = "run_conditions:\n" + PARAMEDICS + "variables:"
TEXT_VARIANTS = '''    text:
      - if: paramedics == "stacked"
        text: "There is banging in a lorry. Control warns that no ambulance crew is free."
      - text: "There is banging in a lorry."'''


def conditioned_mini(tmp_path):
    shutil.copytree(REPO / "tests" / "fixtures", tmp_path / "fixtures")
    path = tmp_path / "fixtures" / "mini" / "mini.yaml"
    text = path.read_text(encoding="utf-8").replace("variables:", CONDITIONS, 1)
    text = text.replace('    text: "There is banging in a lorry."', TEXT_VARIANTS, 1)
    path.write_text(text, encoding="utf-8")
    return path


def a_seed_drawing(scenario_path, value: str) -> int:
    from hydra_sim.engine import ScenarioRunner, load_scenario
    scenario = load_scenario(scenario_path).raise_for_errors()
    return next(s for s in range(200) if ScenarioRunner(scenario, seed=s).conditions["paramedics"] == value)


def test_the_drawn_condition_shows_in_the_scene_the_record_and_the_debrief(qtbot, window, monkeypatch, tmp_path):
    path = conditioned_mini(tmp_path)
    seed = a_seed_drawing(path, "stacked")
    monkeypatch.setattr(presentation, "new_seed", lambda: seed)
    assert window.open_scenario_file(path)
    click(qtbot, window.briefing_screen.start_button)
    controller = window.controller
    narrative = window.incident_screen.narrative.text()
    assert "no ambulance crew is free" in narrative            # this run's version of the scene
    controller.suspend()
    assert conditions_of(window.store.inputs(controller.session_id)) == {"paramedics": "stacked"}
    session_id = controller.session_id

    monkeypatch.setattr(presentation, "new_seed", lambda: a_seed_drawing(path, "prompt"))   # a new draw differs
    window.show_start()
    window.start_screen.set_trainee(window.remembered_trainee())
    window._refresh_sessions()
    click(qtbot, window.start_screen.resume_button)
    assert controller.session_id == session_id and controller.runner.conditions == {"paramedics": "stacked"}
    assert "no ambulance crew is free" in window.incident_screen.narrative.text()

    controller.runner.choose("refer")                         # play on headless to the end
    while not controller.runner.ended:
        decision = controller.runner.decision
        if decision is None:
            controller.runner.continue_()
        elif decision.kind == "ndm_rationale":
            controller.runner.choose({"threat_risk": "The people in the trailer: heat and air."})
        elif decision.kind == "choose_one":
            controller.runner.choose(controller.runner.available_options()[0].id, "Because.")
        else:
            controller.runner.choose([controller.runner.available_options()[0].id])
    debrief = window.debrief_screen
    report = score_runner(controller.runner)
    assert report.conditions_text == ["Ambulance response: delayed: no crew free for 40 minutes"]
    debrief.show_report(controller.scenario, report, controller.runner)
    text = debrief.summary_text()
    assert "This run's conditions" in text and "Ambulance response: delayed: no crew free for 40 minutes" in text
    debrief.stop_worker()
    shoot(debrief, "debrief-run-conditions")

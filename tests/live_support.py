"""The seated scenario shared by the engine, exercise and GUI tests of live changes: the four-seat
pods fixture with a run condition ("Second unit") that the control room's 'update' options read,
written to a test's tmp_path with its catalogue (the suite never modifies tracked files)."""

from pathlib import Path

PODS = Path(__file__).resolve().parent / "fixtures" / "pods" / "pods.yaml"
CONDITION = """run_conditions:
  backup:
    type: enum
    title: "Second unit"
    values: [nearby, far_off]
    labels:
      nearby: "a second unit was five minutes away"
      far_off: "the second unit was twenty minutes away"
{announce}
"""
PRESS_ON = """        - id: press_on
          label: "Take the next call and wait for their report"
"""


def seated_with_condition(folder: Path, announce: bool = False) -> Path:
    """Write the variant into ``folder``; 'press_on' is offered only while the second unit is far off."""
    text = PODS.read_text(encoding="utf-8")
    block = CONDITION.format(announce="    announce: true" if announce else "")
    text = text.replace("injects:\n", block + "injects:\n", 1)
    assert PRESS_ON in text
    text = text.replace(PRESS_ON, PRESS_ON + '          if: backup == "far_off"\n', 1)
    catalogue = PODS.with_name("pods-catalogue.catalogue.yaml")
    (folder / catalogue.name).write_text(catalogue.read_text(encoding="utf-8"), encoding="utf-8")
    path = folder / "pods.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def pod_server(folder: Path):
    """A started ExerciseServer on 127.0.0.1 for the variant written into ``folder`` (stop it after).
    Seed 1: syndicate Alpha's session draws the second unit "nearby" (run conditions come from the
    seed), so a test can change it to "far_off" live."""
    from hydra_sim.exercise.server import ExerciseServer

    server = ExerciseServer(seated_with_condition(folder), folder / "facilitator.sqlite3", host="127.0.0.1",
                            port=0, seed=1)
    server.start()
    return server


def recorded_pod_session(store, folder: Path, trainee) -> str:
    """A finished session of the variant in ``store``: every seat played by the pod, the investigator's
    handed to its stand-in at the start, the second unit changed from nearby to far off at 05:05."""
    from hydra_sim.engine import load_scenario
    from hydra_sim.engine.runner import ScenarioRunner
    from hydra_sim.engine.scoring import score_runner
    from hydra_sim.exercise.recorder import SessionRecorder

    scenario = load_scenario(seated_with_condition(folder)).scenario
    session_id = store.start_session(trainee, scenario)
    runner = ScenarioRunner(scenario, seed=1, conditions={"backup": "nearby"})
    recorder = SessionRecorder(store, runner, session_id)
    runner.start()
    runner.apply_intervention("stand_in", seat="investigator", by="facilitator")
    for selection in ("dispatch_both", "open_and_count"):
        runner.choose(selection)
    runner.apply_intervention("set_condition", variable="backup", value="far_off", by="facilitator")
    runner.choose("ask_for_count")
    runner.advance(300)
    runner.choose("pass_count")
    runner.choose("plan_welfare")
    assert runner.ended == "good_end"
    recorder.persist(final=True)
    store.finish_session(session_id, score_runner(runner).to_dict())
    return session_id

"""A small recorded cohort for the export, xAPI and LRS tests (recorded the way the GUI records)."""

from __future__ import annotations

from pathlib import Path

from records_support import MINI, REPO, gui_event

from hydra_sim.engine import ScenarioRunner, load_plan, load_scenario, run_plan, score_runner
from hydra_sim.records import SessionStore, TraineeInfo

FLAGSHIP = REPO / "scenarios" / "brackenford-services.yaml"
PLANS = {"best": REPO / "scenarios" / "brackenford-services.best.plan.yaml",
         "careless": REPO / "scenarios" / "brackenford-services.careless.plan.yaml"}

# xAPI statements the cohort's four finished sessions make: one "answered" per decision (mini
# good 5, mini poor 2, flagship best 20, flagship careless 6) and "completed" plus "passed" or
# "failed" for each session. It changes when a bundled plan or the flagship's decisions change.
FINISHED_STATEMENTS = 5 + 2 + 20 + 6 + 4 * 2


def _load(path: Path):
    result = load_scenario(path)
    assert result.ok, [p.format() for p in result.problems]
    return result.scenario


def record(store: SessionStore, scenario, trainee: TraineeInfo, play, finish: bool = True) -> str:
    """Start a session, play it with ``play(runner)``, store events, inputs and (if ended) the score."""
    session_id = store.start_session(trainee, scenario)
    runner = ScenarioRunner(scenario)
    runner.subscribe(lambda event: store.append_event(session_id, *gui_event(event)))
    persisted = 0

    def persist() -> None:      # as the GUI: each log entry once final (a trailing advance still grows)
        nonlocal persisted
        log = runner.log
        end = len(log) - (1 if log and log[-1]["type"] == "advance" else 0)
        while persisted < end:
            store.append_input(session_id, dict(log[persisted]))
            persisted += 1

    play(runner, persist)
    if finish and runner.ended:
        store.finish_session(session_id, score_runner(runner).to_dict())
        for step in getattr(play, "marks", ()):       # an assessor marks later, in review
            index = [d.index for d in runner.decisions if d.scene_id == step.scene][-1]
            store.mark_rationale(session_id, scenario, index, step.selection, step.rationale)
    return session_id


def play_mini_good(runner: ScenarioRunner, persist) -> None:
    runner.start()
    runner.open_reference("card")
    persist()
    runner.advance(20)
    for selection, rationale, meta in [
            ("ambulance", "Life first = always", {"decision_seconds": 72.5, "entry_seconds": 10.0}),
            (["doors", "bwv"], None, {"decision_seconds": 8, "entry_seconds": 0}),
            (["medical", "lorry", "forms"], None, {"decision_seconds": 30.25, "entry_seconds": 0}),
            ({"threat_risk": "<b>People</b> in a sealed trailer & cold", "action_review": "Review at 04:30"}, None,
             {"decision_seconds": 95, "entry_seconds": 60}),
            ("arrest", "Evidence of facilitation", {"decision_seconds": 12, "entry_seconds": 5})]:
        runner.choose(selection, rationale, meta)
        persist()
    runner.continue_()
    persist()


def play_mini_poor(runner: ScenarioRunner, persist) -> None:
    runner.start()
    runner.choose("refer", "@SUM(1) not my job", {"decision_seconds": 4, "entry_seconds": 1})
    persist()
    runner.choose(["wait"], None, {"decision_seconds": 3, "entry_seconds": 0})
    persist()


def play_plan(name: str):
    steps, problems = load_plan(PLANS[name], str(PLANS[name]))
    assert steps is not None, problems

    def play(runner: ScenarioRunner, persist) -> None:
        for step in steps:          # one step at a time, persisting after each, as the GUI does
            if step.kind == "mark":
                continue
            result = run_plan(runner.scenario, [step], runner)
            assert result.problem is None, result.problem
            persist()

    play.marks = [s for s in steps if s.kind == "mark"]
    return play


def build_cohort(store: SessionStore) -> dict[str, str]:
    """Five sessions: mini good/poor, flagship best/careless (finished), and one mini left in progress."""
    mini, flagship = _load(MINI), _load(FLAGSHIP)
    ids = {
        "mini_good": record(store, mini, TraineeInfo("t-0001", "PC <Ann> O'Neil", "Brackenford", "call_handler"),
                            play_mini_good),
        "mini_poor": record(store, mini, TraineeInfo("t-0002", "PC Bob", "Brackenford", "call_handler"),
                            play_mini_poor),
        "flag_best": record(store, flagship, TraineeInfo("t-0001", "PC <Ann> O'Neil", "Brackenford",
                                                         "first_responder"), play_plan("best")),
        "flag_careless": record(store, flagship, TraineeInfo("t-0003", "PC Cara", "Elsewhere", "first_responder"),
                                play_plan("careless")),
        "unfinished": record(store, mini, TraineeInfo("t-0004"), lambda r, persist: r.start(),
                             finish=False),
    }
    return ids

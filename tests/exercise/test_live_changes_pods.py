"""Live changes in a facilitated pod, over loopback: a seat with no station handed to its stand-in,
a run condition changed live, both logged, replayed and marked in the stored score report; and the
facilitator's shared runner kept in step by replaying only each sync's new inputs."""

from __future__ import annotations

import pytest
from exercise_support import REPO, EventLog, StationThread
from live_support import pod_server

from hydra_sim.engine import load_scenario
from hydra_sim.engine.runner import ScenarioRunner
from hydra_sim.exercise import server as server_module
from hydra_sim.records.store import SessionStore
from hydra_sim.exercise.commands import _run_command
from hydra_sim.exercise.headless import HeadlessStation
from hydra_sim.exercise.seatstation import HeadlessSeatStation
from hydra_sim.exercise.server import ExerciseError
from hydra_sim.exercise.views import InterventionApplied, SyndicateUpdated

PLANS = REPO / "tests" / "fixtures" / "pods"


@pytest.fixture
def server(tmp_path):
    srv = pod_server(tmp_path)
    srv.log = EventLog()
    srv.subscribe(srv.log)
    yield srv
    srv.stop()


@pytest.fixture
def scenario_path(server):
    return server.scenario_path


def recording(server, tmp_path, scenario_path, **kw) -> HeadlessStation:
    host, port = server.address
    return HeadlessStation(scenario_path, tmp_path / "control.sqlite3", host=host, port=port, code=server.code,
                           syndicate="Alpha", members=["Ana"], station_id="alpha-control",
                           plan_path=PLANS / "pods.control.plan.yaml", seat="control", backoff=(0.05, 0.1), **kw)


def seat_station(server, scenario_path, seat) -> HeadlessSeatStation:
    host, port = server.address
    return HeadlessSeatStation(scenario_path, host=host, port=port, code=server.code, syndicate="Alpha", seat=seat,
                               members=[f"{seat} lead"], station_id=f"alpha-{seat}",
                               plan_path=PLANS / f"pods.{seat}.plan.yaml", backoff=(0.05, 0.1))


def applied(server, action: str):
    return server.log.wait_for(lambda e: isinstance(e, InterventionApplied) and e.intervention.action == action,
                               what=f"the {action} intervention to be applied")


def test_a_seat_with_no_station_is_taken_by_its_stand_in_and_a_condition_changes_live(server, tmp_path,
                                                                                    scenario_path, monkeypatch):
    restores = []
    real_restore = ScenarioRunner.restore

    def counting_restore(scenario, entries, subscriber=None):
        restores.append(len(entries))
        return real_restore(scenario, entries, subscriber)

    monkeypatch.setattr(server_module.ScenarioRunner, "restore", counting_restore)
    # control records and plays its seat, holding at 'update' until the facilitator's change there;
    # scene and manager have stations; nobody sits in the investigator's seat
    rec = StationThread(recording(server, tmp_path, scenario_path, hold_at=["update"]))
    rec.start()
    server.log.wait_for(lambda e: isinstance(e, SyndicateUpdated) and e.view.session_id, what="the pod's session")
    made = _run_command(server, "stand-in Alpha investigator")
    assert made["event"] == "command" and made["interventions"][0]["seat"] == "investigator"
    applied(server, "stand_in")
    others = [StationThread(seat_station(server, scenario_path, seat)) for seat in ("scene", "manager")]
    for thread in others:
        thread.start()

    def at_update(_event) -> bool:
        view = server.seat_views("Alpha").get("control")
        return view is not None and view["turn"] is not None and view["turn"]["scene_id"] == "update"
    server.log.wait_for(at_update, what="the story to reach the control room's update")
    assert [o["id"] for o in server.seat_views("Alpha")["control"]["turn"]["options"]] == ["ask_for_count"]
    kept = server._syndicates["Alpha"].runner
    line = _run_command(server, "condition Alpha backup far_off")
    assert line["event"] == "command", line
    applied(server, "set_condition")

    result = rec.finish(timeout=60)
    assert result["ended"] == "good_end" and result["synced"]
    assert all(thread.finish(timeout=60)["ended"] for thread in others)

    session_id = result["session_id"]
    events = server.store.session_record(session_id)["events"]
    decisions = [e["data"] for e in events if e["kind"] == "decision_recorded"]
    last = decisions[-1]
    assert last["scene_id"] == "investigate" and last["meta"] == {"stand_in": True, "seat": "investigator"}
    assert not any(d["meta"].get("stand_in") for d in decisions[:-1])
    assert server.syndicate("Alpha").decisions[-1].stand_in
    # replay/resume reproduces both changes: the stored log restores to the same session
    inputs = server.store.inputs(session_id)
    assert [e["action"] for e in inputs if e["type"] == "facilitator"] == ["stand_in", "set_condition"]
    again = real_restore(load_scenario(scenario_path).scenario, inputs)
    assert again.variables["backup"] == "far_off" and again.ended == "good_end"
    # the score report the recording station stored says so, in the words every result shows
    with SessionStore(tmp_path / "control.sqlite3") as store:
        text = store.report(session_id)["live_changes_text"]
    assert text[0].startswith("Run conditions changed during the session: at ")
    assert "Second unit from a second unit was five minutes away to the second unit was twenty minutes away " \
           "(by the facilitator)" in text[0]
    assert "the Investigator seat was handed to its stand-in" in text[1]
    assert server.store.report(session_id)["live_changes_text"] == text      # the facilitator's copy too

    # the hot path: the facilitator rebuilt the shared runner once, then only replayed each sync's new inputs
    syn = server._syndicates["Alpha"]
    assert len(restores) == 1, restores
    assert syn.runner is kept
    full = real_restore(server.scenario, inputs)
    assert syn.runner.log == full.log
    assert syn.runner.snapshot() == full.snapshot()
    assert [(r.index, r.scene_id, r.selection, r.stand_in) for r in syn.runner.decisions] == \
        [(r.index, r.scene_id, r.selection, r.stand_in) for r in full.decisions]
    assert syn.runner.condition_changes == full.condition_changes and syn.runner.stood_in == full.stood_in


def test_a_history_that_diverges_is_rebuilt_whole(server, tmp_path, scenario_path):
    rec = StationThread(recording(server, tmp_path, scenario_path))
    rec.start()
    stations = [StationThread(seat_station(server, scenario_path, s)) for s in ("scene", "manager", "investigator")]
    for thread in stations:
        thread.start()
    result = rec.finish(timeout=60)
    assert all(thread.finish(timeout=60)["ended"] for thread in stations)
    syn = server._syndicates["Alpha"]
    kept = syn.runner
    syn.runner_last = {"type": "advance", "seconds": 1}          # what it replayed is no longer what is stored
    server._rebuild_pod("Alpha", result["session_id"])
    assert syn.runner is not kept
    full = ScenarioRunner.restore(server.scenario, server.store.inputs(result["session_id"]))
    assert syn.runner.log == full.log and syn.runner.snapshot() == full.snapshot()


def test_the_facilitator_checks_a_condition_and_a_seat_before_sending(server):
    with pytest.raises(ExerciseError, match="cannot be 'late'"):
        server.set_condition("all", "backup", "late")
    with pytest.raises(ExerciseError, match="not a run condition"):
        server.set_condition("all", "ambulance", "late")
    with pytest.raises(ExerciseError, match="no seat 'press'"):
        server.stand_in("Alpha", "press")
    with pytest.raises(ExerciseError, match="name the syndicate"):
        server.stand_in("all", "scene")
    assert _run_command(server, "condition all backup")["event"] == "error"
    assert "condition TARGET NAME VALUE" in _run_command(server, "nonsense")["message"]


def test_a_seat_handed_to_its_stand_in_refuses_its_stations_decisions_until_handed_back():
    from hydra_sim.exercise.pods import refusal, seat_view
    from live_support import PODS

    scenario = load_scenario(PODS).scenario
    runner = ScenarioRunner(scenario)
    runner.start()
    assert refusal(runner, "control", "call", 0) is None
    runner.apply_intervention("pause")
    runner.apply_intervention("stand_in", seat="control")
    assert runner.scene_id == "call"                 # paused: the stand-in waits for the resume too
    assert "handed seat 'control' to its stand-in" in refusal(runner, "control", "call", 0)
    runner.apply_intervention("hand_back", seat="control")
    runner.apply_intervention("resume")
    assert runner.scene_id == "call" and seat_view(runner, "control")["turn"]["scene_id"] == "call"
    runner.apply_intervention("stand_in", seat="control")
    assert runner.scene_id == "arrive" and runner.decisions[0].stand_in
    assert "(the seat's stand-in)" in seat_view(runner, "control")["stream"][-1]["text"]

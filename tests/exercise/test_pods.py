"""Pods: one station per seat of a seated scenario play one shared incident over loopback.

The syndicate's recording station (playing the control room) runs the one shared runner; the
scene, inspector and investigator seats each have a headless seat station answering from its own
plan. Checked: each seat saw only its own scenes, injects and messages, and the messages arrived
where and when the story says; the one session record holds every decision once, with its seat;
a seat station that left and joins again is sent what happened meanwhile; decisions for another
seat's scene, and ill-formed pod messages, are refused with an error on a link that stays open.
"""

from __future__ import annotations

import json
import queue

import pytest
from exercise_support import REPO, WAIT, EventLog, StationThread, closed_with, send_hello, ws_connect

from hydra_sim.engine import load_scenario
from hydra_sim.engine.plan import load_plan
from hydra_sim.engine.runner import ScenarioRunner
from hydra_sim.engine.seats import seat_stream
from hydra_sim.exercise import protocol as p
from hydra_sim.exercise.headless import HeadlessError, HeadlessStation
from hydra_sim.exercise.pods import seat_view, timeline
from hydra_sim.exercise.seatstation import HeadlessSeatStation
from hydra_sim.exercise.server import ExerciseServer
from hydra_sim.exercise.station import StationLink
from hydra_sim.exercise.views import SyndicateUpdated

PODS = REPO / "tests" / "fixtures" / "pods" / "pods.yaml"
SEATS = ("control", "scene", "manager", "investigator")
PLANS = {seat: PODS.with_name(f"pods.{seat}.plan.yaml") for seat in SEATS}
# Which seat each message is for (the fixture's story): a seat sees these and no others.
MESSAGES = {"control": {"count_to_control"}, "scene": {"units_dispatched"}, "manager": {"count_to_manager"},
            "investigator": {"handover"}}


@pytest.fixture
def server(tmp_path):
    srv = ExerciseServer(PODS, tmp_path / "facilitator.sqlite3", host="127.0.0.1", port=0)
    srv.log = EventLog()
    srv.subscribe(srv.log)
    srv.start()
    yield srv
    srv.stop()


def recording(server, tmp_path, plan=PLANS["control"], **kw) -> HeadlessStation:
    host, port = server.address
    return HeadlessStation(PODS, tmp_path / "control.sqlite3", host=host, port=port, code=server.code,
                           syndicate="Alpha", members=["Ana"], station_id="alpha-control", plan_path=plan,
                           seat="control", backoff=(0.05, 0.1), **kw)


def seat_station(server, seat, **kw) -> HeadlessSeatStation:
    host, port = server.address
    return HeadlessSeatStation(PODS, host=host, port=port, code=server.code, syndicate="Alpha", seat=seat,
                               members=[f"{seat} lead"], station_id=f"alpha-{seat}",
                               plan_path=kw.pop("plan", PLANS[seat]), backoff=(0.05, 0.1), **kw)


def seat_link(server, seat, station_id=None, backoff=(0.05, 0.1), **kw) -> tuple[StationLink, queue.Queue, queue.Queue]:
    """A bare seat station's link: its views and the facilitator's errors land in the two queues."""
    scenario = server.scenario
    views, errors = queue.Queue(), queue.Queue()
    host, port = server.address
    link = StationLink(host, port, server.code, "Alpha", station_id or f"alpha-{seat}", [f"{seat} lead"],
                       role="follower", scenario_id=scenario.id, scenario_hash=scenario.content_hash,
                       backoff=backoff, seat=seat, on_seat_view=views.put, on_error=errors.put, **kw)
    link.start()
    return link, views, errors


def view_where(views: queue.Queue, predicate, what: str) -> dict:
    """The first view from ``views`` that matches (bounded wait)."""
    while True:
        try:
            view = views.get(timeout=WAIT)
        except queue.Empty:
            raise AssertionError(f"timed out after {WAIT} s waiting for {what}") from None
        if predicate(view):
            return view


def reference_runner() -> ScenarioRunner:
    """The same story played in one process, every seat by its plan, in story order."""
    scenario = load_scenario(PODS).scenario
    runner = ScenarioRunner(scenario, seed=1)
    runner.start()
    plans = {seat: [s for s in load_plan(PLANS[seat])[0] if s.kind == "choose"] for seat in SEATS}
    while not runner.ended:
        step = plans[runner.scene.seat].pop(0)
        assert step.scene == runner.scene_id
        runner.choose(step.selection, step.rationale)
    return runner


def test_the_fixture_is_a_four_seat_story_that_lints_clean():
    from hydra_sim.engine.lint import lint_scenario
    from hydra_sim.engine.problems import ERROR, WARNING

    result = load_scenario(PODS)
    scenario = result.scenario
    assert tuple(scenario.seats) == SEATS
    assert {scene.seat for scene in scenario.scenes.values()} == set(SEATS)
    problems = [pr for pr in list(result.problems) + lint_scenario(scenario) if pr.severity in (ERROR, WARNING)]
    assert problems == []


def test_four_pods_play_one_incident_each_seeing_only_its_own_seat(server, tmp_path):
    rec = StationThread(recording(server, tmp_path))
    rec.start()
    # The inspector's station joins early, sees its (empty) seat, and drops out.
    link, views, _errors = seat_link(server, "manager")
    early = view_where(views, lambda v: True, "the inspector's first seat view")
    link.close()
    assert early["turn"] is None and not [i for i in early["stream"] if i["kind"] == "message"]

    others = {seat: StationThread(seat_station(server, seat)) for seat in ("scene", "investigator")}
    for thread in others.values():
        thread.start()
    # While the inspector is away, control phones the count through and the story reaches the inspector
    # (as the facilitator's mirror has it: what a joining seat station is sent).
    def inspectors_turn(_event) -> bool:
        view = server.seat_views("Alpha").get("manager")
        return view is not None and view["turn"] is not None
    server.log.wait_for(inspectors_turn, what="the story to reach the inspector")
    manager = seat_station(server, "manager")
    others["manager"] = StationThread(manager)
    others["manager"].start()

    result = rec.finish(timeout=60)
    assert result["ended"] and result["synced"]
    seen = {seat: thread.finish(timeout=60) for seat, thread in others.items()}
    assert all(r["ended"] and r["unplayed"] == 0 and not r["errors"] for r in seen.values()), seen

    # The inspector rejoined after the count had arrived: its first view caught up with it, at its turn.
    first = manager.views[0]
    assert "count_to_manager" in {i["id"] for i in first["stream"] if i["kind"] == "message"}
    assert first["turn"]["scene_id"] == "manager"
    assert "fourteen people" in first["turn"]["text"]

    scenario = server.scenario
    final = {seat: others[seat].station.views[-1] for seat in others} | {"control": rec.station.views[-1]}
    every_view = {seat: others[seat].station.views for seat in others} | {"control": rec.station.views}
    reference = reference_runner()
    for seat, views_of_seat in every_view.items():
        for view in views_of_seat:
            assert view["seat"] == seat
            scenes = [i["id"] for i in view["stream"] if i["kind"] in ("scene", "decision")]
            assert all(scenario.scenes[s].seat == seat for s in scenes), (seat, scenes)
            if view["turn"] is not None:
                assert scenario.scenes[view["turn"]["scene_id"]].seat == seat
            assert {i["id"] for i in view["stream"] if i["kind"] == "message"} <= MESSAGES[seat]
        # where and when: exactly the stream this seat has in the same story played in one process
        expected = [(i.clock, i.kind, i.id) for i in seat_stream(reference, seat) if i.kind != "decision"]
        got = [(i["clock"], i["kind"], i["id"]) for i in final[seat]["stream"] if i["kind"] != "decision"]
        assert got == expected, seat
        assert final[seat]["ended"] and final[seat]["ending"]["id"] == "good_end"
    # the press call is the control room's inject; the count reaches control 5 minutes after it was sent
    assert [i["id"] for i in final["control"]["stream"] if i["kind"] == "inject"] == ["press_call"]
    assert all(not [i for i in final[s]["stream"] if i["kind"] == "inject"] for s in SEATS if s != "control")
    sent = next(m for m in reference.messages if m.message.id == "count_to_control")
    arrival = next(i for i in final["control"]["stream"] if i["id"] == "count_to_control")
    assert arrival["clock"] == sent.sent_at + 5 * 60

    # One session record: every decision once, in story order, each with the seat and station that made it.
    session_id = result["session_id"]
    events = server.store.session_record(session_id)["events"]
    decisions = [e["data"] for e in events if e["kind"] == "decision_recorded"]
    assert [d["index"] for d in decisions] == list(range(6))
    assert [d["scene_id"] for d in decisions] == ["call", "arrive", "update", "brief", "manager", "investigate"]
    for d in decisions:
        seat = scenario.scenes[d["scene_id"]].seat
        assert d["meta"]["seat"] == seat
        assert d["meta"]["station_id"] == f"alpha-{seat}"
    assert [d["selection"] for d in decisions] == [r.selection for r in reference.decisions]
    ended = [e["data"]["ending_id"] for e in events if e["kind"] == "ended"]
    assert ended == ["good_end"]
    assert server.store.verify(session_id) == []
    view = server.syndicate("Alpha")
    assert [d.seat for d in view.decisions] == ["control", "scene", "control", "control", "manager", "investigator"]
    # the console's seat streams are the seat stations' own views
    assert server.seat_views("Alpha")["scene"]["stream"] == final["scene"]["stream"]


def test_a_decision_for_another_seats_scene_is_refused_and_the_link_stays_open(server, tmp_path):
    rec = recording(server, tmp_path, plan=None)         # plays nothing: the story waits at control's call
    thread = StationThread(rec, timeout=WAIT)
    thread.start()
    link, views, errors = seat_link(server, "scene")
    view = view_where(views, lambda v: v["waiting_for"] is not None, "the scene seat's view")
    assert view["turn"] is None and view["waiting_for"]["seat"] == "control"
    assert view["stream"] == []          # nothing of the control room's call reaches the officers at scene

    assert link.send_decision("call", 0, "police_only")
    refusal = errors.get(timeout=WAIT)
    assert "belongs to seat 'control'" in refusal and "this station's seat 'scene'" in refusal
    # its own scene, but the story is not there yet
    assert link.send_decision("arrive", 0, "open_and_count")
    assert "not the current decision" in errors.get(timeout=WAIT)
    assert link.connected and not link.failed
    assert link.send_decision("nowhere", 0, "x")
    assert "no scene 'nowhere'" in errors.get(timeout=WAIT)

    # nothing was recorded: the shared session still waits at the control room's call
    assert rec.runner.scene_id == "call" and rec.runner.decisions == []
    assert server.syndicate("Alpha").decisions == []
    assert server.syndicate("Alpha").seats == {"control": "alpha-control", "scene": "alpha-scene"}
    link.close()
    rec.stop()
    thread.finish()


def test_the_recording_station_refuses_a_relay_it_cannot_apply(server, tmp_path):
    """The server checks a seat decision against its mirror; the recording station checks it again
    against the runner it holds, and its refusal reaches the seat station."""
    rec = recording(server, tmp_path, plan=None)
    thread = StationThread(rec, timeout=WAIT)
    thread.start()
    server.log.wait_for(lambda e: isinstance(e, SyndicateUpdated) and e.view.session_id, what="the pod's session")
    link, views, errors = seat_link(server, "scene")
    view_where(views, lambda v: True, "the scene seat's view")
    assert rec.link.wait_synced(WAIT)          # acknowledged: the server's shared runner holds it all
    with server._lock:                  # the mirror says the story is at 'arrive' (it is not)
        runner = server._syndicates["Alpha"].runner
    runner.choose("dispatch_both")
    assert link.send_decision("arrive", 1, "open_and_count")
    refusal = errors.get(timeout=WAIT)
    assert refusal.startswith("your decision was not taken") and "not the current decision" in refusal
    assert rec.runner.decisions == []
    link.close()
    rec.stop()
    thread.finish()


def test_seat_hellos_are_checked(server, tmp_path):
    with ws_connect(server) as conn:
        send_hello(conn, p.hello(server.code, "Alpha", "alpha-x", ["x"], "follower", server.scenario.id,
                                 server.scenario.content_hash, seat="dispatcher"))
        code, reason = closed_with(conn)
    assert code == p.CLOSE_REFUSED and "no seat 'dispatcher'" in reason

    # (slow to reconnect: when its connection is taken over below, it does not take it back at once)
    first, views, _ = seat_link(server, "investigator", station_id="alpha-inv-1", backoff=(30.0,))
    assert first.wait_for_seed(WAIT) is not None or first.connected
    second, _views, _ = seat_link(server, "investigator", station_id="alpha-inv-2")
    second.wait_for_seed(WAIT)
    assert second.failed and "already played by station 'alpha-inv-1'" in second.last_error
    assert first.connected and first.token            # its seat's secret, from the welcome
    # the station id is public: claiming it without the seat's token does not take the seat over
    with ws_connect(server) as conn:
        send_hello(conn, p.hello(server.code, "Alpha", "alpha-inv-1", ["x"], "follower", server.scenario.id,
                                 server.scenario.content_hash, seat="investigator"))
        code, reason = closed_with(conn)
    assert code == p.CLOSE_TRY_LATER and "still open" in reason
    with ws_connect(server) as conn:          # with the token, the same station's new connection takes over
        send_hello(conn, p.hello(server.code, "Alpha", "alpha-inv-1", ["x"], "follower", server.scenario.id,
                                 server.scenario.content_hash, token=first.token, seat="investigator"))
        welcome = json.loads(conn.recv(timeout=WAIT))
        assert welcome["type"] == p.WELCOME and welcome["seat"] == "investigator"
        assert welcome["token"] == first.token
    first.close()
    second.close()


def test_a_seat_on_a_scenario_without_seats_is_refused(tmp_path):
    flagship = REPO / "scenarios" / "brackenford-services.yaml"
    with ExerciseServer(flagship, tmp_path / "f.sqlite3", host="127.0.0.1", port=0) as srv:
        with ws_connect(srv) as conn:
            send_hello(conn, p.hello(srv.code, "Alpha", "alpha-x", ["x"], "follower", srv.scenario.id,
                                     srv.scenario.content_hash, seat="control"))
            code, reason = closed_with(conn)
        assert code == p.CLOSE_REFUSED and "not a seated scenario" in reason


@pytest.mark.parametrize("message, words", [
    ({"type": "seat_decision", "scene_id": "call", "index": 0}, "'decision_id' must be text"),
    ({"type": "seat_decision", "decision_id": "d1", "scene_id": "call", "index": -1}, "at least 0"),
    ({"type": "seat_decision", "decision_id": "d1", "scene_id": "call", "index": True}, "whole number"),
    ({"type": "seat_decision", "decision_id": "d1", "scene_id": "call", "index": 0, "selection": 7},
     "'selection' must be"),
    ({"type": "seat_decision", "decision_id": "d1", "scene_id": "call", "index": 0, "selection": ["a"] * 65},
     "at most 64"),
    ({"type": "seat_decision", "decision_id": "d1", "scene_id": "call", "index": 0, "selection": {"why": 3}},
     "must be text"),
    ({"type": "seat_decision", "decision_id": "d1", "scene_id": "call", "index": 0, "rationale": "x" * 5000},
     "longer than 4000"),
    ({"type": "seat_relay", "decision_id": "d1", "scene_id": "call", "index": 0}, "unknown message type"),
    ({"type": "seat_view", "syndicate": "Alpha", "view": {}}, "unknown message type"),
])
def test_ill_formed_pod_messages_get_an_error_and_the_link_stays_open(server, tmp_path, message, words):
    rec = recording(server, tmp_path, plan=None)         # the pod's session, waiting at control's call
    thread = StationThread(rec, timeout=WAIT)
    thread.start()
    with ws_connect(server) as conn:
        send_hello(conn, p.hello(server.code, "Alpha", "alpha-scene", ["x"], "follower", server.scenario.id,
                                 server.scenario.content_hash, seat="scene"))
        assert json.loads(conn.recv(timeout=WAIT))["type"] == p.WELCOME
        conn.send(json.dumps(message))
        reply = next(r for r in replies(conn) if r["type"] == p.ERROR)
        assert words in reply["message"], reply
        conn.send(json.dumps({"type": "seat_decision", "decision_id": "d2", "scene_id": "call", "index": 0,
                              "selection": "dispatch_both"}))
        reply = next(r for r in replies(conn) if r["type"] == p.ERROR)      # still open, and still checked
        assert "belongs to seat 'control'" in reply["message"]
    rec.stop()
    thread.finish()


def replies(conn):
    """The messages the server sends on ``conn``, as they come (each within WAIT)."""
    while True:
        yield json.loads(conn.recv(timeout=WAIT))


def test_a_seat_decision_needs_a_seat_and_a_plain_follower_of_a_pod_gets_no_seat_views(server, tmp_path):
    rec = recording(server, tmp_path, plan=None)
    thread = StationThread(rec, timeout=WAIT)
    thread.start()
    server.log.wait_for(lambda e: isinstance(e, SyndicateUpdated) and e.view.session_id, what="the pod's session")
    with ws_connect(server) as conn:
        send_hello(conn, p.hello(server.code, "Alpha", "alpha-watch", ["x"], "follower", server.scenario.id,
                                 server.scenario.content_hash))
        assert json.loads(conn.recv(timeout=WAIT))["type"] == p.WELCOME
        conn.send(json.dumps({"type": "seat_decision", "decision_id": "d1", "scene_id": "call", "index": 0,
                              "selection": "dispatch_both"}))
        seen = []
        for reply in replies(conn):
            seen.append(reply)
            if reply["type"] == p.ERROR:
                break
        assert "plays no seat" in seen[-1]["message"]
        assert {r["type"] for r in seen} <= {p.VIEW, p.ERROR}      # never a seat view
    rec.stop()
    thread.finish()


def test_a_replayed_seat_hello_is_refused(server):
    with ws_connect(server) as conn:
        sealed = send_hello(conn, p.hello(server.code, "Alpha", "alpha-scene", ["x"], "follower",
                                          server.scenario.id, server.scenario.content_hash, seat="scene"))
        assert json.loads(conn.recv(timeout=WAIT))["type"] == p.WELCOME
        with ws_connect(server) as again:
            again.send(json.dumps(sealed))
            code, reason = closed_with(again)
        assert code == p.CLOSE_PROTOCOL and "replay" in reason


def test_a_seat_station_refuses_a_plan_for_another_seat():
    with pytest.raises(HeadlessError, match="not seat 'scene'"):
        HeadlessSeatStation(PODS, host="127.0.0.1", port=1, code="ABCDEF", syndicate="Alpha", seat="scene",
                            members=["x"], plan_path=PLANS["control"])
    with pytest.raises(HeadlessError, match="no seat 'bridge'"):
        HeadlessSeatStation(PODS, host="127.0.0.1", port=1, code="ABCDEF", syndicate="Alpha", seat="bridge",
                            members=["x"])


def test_a_seat_view_shows_the_turn_only_to_its_seat():
    runner = ScenarioRunner(load_scenario(PODS).scenario, seed=3)
    runner.start()
    control, scene = seat_view(runner, "control"), seat_view(runner, "scene")
    assert control["turn"]["scene_id"] == "call" and {o["id"] for o in control["turn"]["options"]} == {
        "police_only", "dispatch_both", "advice_only"}
    assert scene["turn"] is None and scene["waiting_for"] == {"seat": "control", "title": "Control room"}
    assert "banging" not in json.dumps(scene)


def test_a_recording_station_that_plays_no_seat_hosts_a_pod_of_seat_stations(server, tmp_path):
    """``pod=True`` without a seat (``hydra-sim station --record``): every seat has its seat station."""
    host, port = server.address
    rec = StationThread(HeadlessStation(PODS, tmp_path / "host.sqlite3", host=host, port=port, code=server.code,
                                        syndicate="Alpha", members=["Host"], station_id="alpha-host", pod=True,
                                        backoff=(0.05, 0.1)))
    seats = [StationThread(seat_station(server, seat)) for seat in SEATS]
    for thread in [rec, *seats]:
        thread.start()
    result = rec.finish(timeout=60)
    assert result["ended"] and result["synced"] and result["decisions"] == 6
    assert all(thread.finish(timeout=60)["ended"] for thread in seats)
    decisions = [e["data"] for e in server.store.session_record(result["session_id"])["events"]
                 if e["kind"] == "decision_recorded"]
    assert [d["meta"]["station_id"] for d in decisions] == [f"alpha-{server.scenario.scenes[d['scene_id']].seat}"
                                                            for d in decisions]
    assert server.syndicate("Alpha").ending_id == "good_end"


def test_pods_need_a_seated_scenario(tmp_path):
    with pytest.raises(HeadlessError, match="has no seats"):
        HeadlessStation(REPO / "scenarios" / "brackenford-services.yaml", tmp_path / "s.sqlite3", host="127.0.0.1",
                        port=1, code="ABCDEF", syndicate="Alpha", members=["x"], pod=True)


def test_the_timeline_puts_every_seat_in_clock_order():
    runner = reference_runner()
    rows = timeline({seat: seat_view(runner, seat) for seat in SEATS})
    assert [r["clock"] for r in rows] == sorted(r["clock"] for r in rows)
    assert {r["seat"] for r in rows} == set(SEATS)
    assert sum(1 for r in rows if r["kind"] == "decision") == 6
    first = next(r for r in rows if r["kind"] == "decision")
    assert first["seat"] == "control" and first["text"] == "A call from the layby: Send the nearest unit and an ambulance"


def test_the_station_command_refuses_a_seat_the_scenario_lacks(tmp_path):
    import subprocess
    import sys
    result = subprocess.run([sys.executable, "-m", "hydra_sim", "station", "--home", str(tmp_path), "--host",
                             "127.0.0.1", "--code", "ABCDEF", "--syndicate", "Alpha", "--member", "PC Hale",
                             "--scenario", str(PODS), "--seat", "bridge"],
                            capture_output=True, text=True, timeout=60, cwd=REPO)
    assert result.returncode == 1 and "no seat 'bridge'" in result.stderr


def test_a_record_whose_decision_claims_another_seat_is_never_stored(server, tmp_path):
    from hydra_sim.exercise.recorder import SessionRecorder
    from hydra_sim.records.store import SessionStore, TraineeInfo

    scenario = server.scenario
    host, port = server.address
    errors = queue.Queue()
    with SessionStore(tmp_path / "station.sqlite3") as store:
        session_id = store.start_session(TraineeInfo("Alpha"), scenario)
        runner = ScenarioRunner(scenario)
        recorder = SessionRecorder(store, runner, session_id)
        runner.start()
        runner.choose("dispatch_both", meta={"seat": "scene"})      # 'call' is the control room's scene
        recorder.persist()
        link = StationLink(host, port, server.code, "Alpha", "alpha-control", ["Ana"], store=store,
                           scenario_id=scenario.id, backoff=(0.05, 0.1), seat="control", on_error=errors.put)
        link.start()
        link.attach_session(session_id)
        try:
            refusal = errors.get(timeout=WAIT)
            assert "says seat 'scene' decided at scene 'call', which belongs to seat 'control'" in refusal
            assert "nothing of this sync was stored" in refusal
            assert server.syndicate("Alpha").decisions == [] and server.mirror.held(session_id) == 0
        finally:
            link.close()


def test_the_pod_waits_for_its_recording_station_and_catches_up_when_it_restarts(server, tmp_path):
    """The recording station stops mid-incident: a seat's decision meanwhile is refused (nothing can be
    recorded); restarted on the same store, it resumes the one session, and the seat's decision, sent
    again, is recorded once."""
    first = StationThread(recording(server, tmp_path))
    scene = StationThread(seat_station(server, "scene"))
    first.start()
    scene.start()
    server.log.wait_for(lambda e: isinstance(e, SyndicateUpdated) and len(e.view.decisions) == 4
                        and e.view.scene_id == "manager", what="the story to reach the inspector")
    first.station.stop()
    stopped = first.finish(timeout=60)
    assert not stopped["ended"] and stopped["decisions"] == 4
    server.log.wait_for(lambda e: isinstance(e, SyndicateUpdated) and not e.view.recording_connected,
                        what="the recording station to leave")
    manager_events = EventLog()
    manager = StationThread(seat_station(server, "manager", on_event=manager_events))
    manager.start()
    refused = manager_events.wait_for(lambda e: e["event"] == "refused", what="the inspector's refusal")
    assert "recording station is offline" in refused["reason"]

    again = StationThread(recording(server, tmp_path))        # the same store and seat token: resumes
    investigator = StationThread(seat_station(server, "investigator"))
    again.start()
    investigator.start()
    result = again.finish(timeout=60)
    assert result["ended"] and result["synced"] and result["session_id"] == stopped["session_id"]
    for thread in (scene, manager, investigator):
        assert thread.finish(timeout=60)["ended"]
    decisions = [e["data"] for e in server.store.session_record(result["session_id"])["events"]
                 if e["kind"] == "decision_recorded"]
    assert [d["scene_id"] for d in decisions] == ["call", "arrive", "update", "brief", "manager", "investigate"]
    assert server.syndicate("Alpha").ending_id == "good_end"

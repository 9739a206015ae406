"""A facilitator server and stations in threads: records mirrored, interventions applied, catch-up."""

from __future__ import annotations

import json
import threading

import pytest
from exercise_support import (BEST, CARELESS, FLAGSHIP, WAIT, EventLog, StationThread, logged_server, send_hello,
                              ws_connect)

from hydra_sim.engine import load_scenario
from hydra_sim.engine.runner import FACILITATOR_ENDING, ScenarioRunner
from hydra_sim.exercise import protocol as p
from hydra_sim.exercise.headless import HeadlessStation
from hydra_sim.exercise.recorder import SessionRecorder
from hydra_sim.exercise.server import ExerciseError, ExerciseServer
from hydra_sim.exercise.station import StationLink
from hydra_sim.exercise.views import (
    DecisionReceived,
    InterventionApplied,
    InterventionFailed,
    StationJoined,
    SyndicateUpdated,
)
from hydra_sim.records.mirror import MirrorError, SessionMirror
from hydra_sim.records.store import SessionStore, TraineeInfo


@pytest.fixture
def server(tmp_path):
    srv = logged_server(tmp_path)
    yield srv
    srv.stop()


def station(server, tmp_path, name, plan=BEST, **kw) -> HeadlessStation:
    host, port = server.address
    return HeadlessStation(FLAGSHIP, tmp_path / f"{name}.sqlite3", host=host, port=port, code=server.code,
                           syndicate=name, members=kw.pop("members", ["PC Hale", "Sgt Brennan"]), plan_path=plan,
                           station_id=kw.pop("station_id", f"{name}-1"), backoff=(0.05, 0.1), **kw)


def same_records(server, tmp_path, name, session_id) -> None:
    with SessionStore(tmp_path / f"{name}.sqlite3") as local:
        mine = local.session_record(session_id)
        assert local.verify() == []
    theirs = server.store.session_record(session_id)
    assert theirs["events"] == mine["events"]
    assert theirs["session"] == mine["session"]
    assert server.store.verify(session_id) == []


def test_two_syndicates_play_and_the_facilitator_holds_identical_records(server, tmp_path):
    alpha = StationThread(station(server, tmp_path, "Alpha", BEST))
    bravo = StationThread(station(server, tmp_path, "Bravo", CARELESS, members=["DC Osei"]))
    alpha.start()
    bravo.start()
    a, b = alpha.finish(), bravo.finish()
    assert a["ended"] == "everyone_safe" and a["synced"] and b["ended"] == "death_in_trailer" and b["synced"]
    same_records(server, tmp_path, "Alpha", a["session_id"])
    same_records(server, tmp_path, "Bravo", b["session_id"])
    views = {v.name: v for v in server.snapshot()}
    assert views["Alpha"].ended and views["Alpha"].outcome == "good" and views["Alpha"].grade == "distinction"
    assert views["Bravo"].outcome == "harm" and views["Bravo"].members == ["DC Osei"]
    first = views["Alpha"].decisions[0]
    assert (first.scene_id, first.selection, first.entered_by) == ("call_received", "threat_to_life", "PC Hale")
    assert first.choice_text and first.choice_text != "threat_to_life"        # the option's words
    assert views["Alpha"].decisions[1].entered_by == "Sgt Brennan"
    received = server.log.of(DecisionReceived)
    assert len(received) == a["decisions"] + b["decisions"]
    assert all(0 <= e.latency < 5 for e in received)
    report = server.store.report(a["session_id"])
    assert report["facilitated"] is True and report["interventions"] == []
    assert server.session_ids() == {"Alpha": a["session_id"], "Bravo": b["session_id"]}


def test_interventions_are_applied_recorded_and_marked(server, tmp_path):
    # Each hold is released by the next intervention there, so every step below happens at a known scene.
    alpha = StationThread(station(server, tmp_path, "Alpha", BEST, hold_at=["lorry_moving", "priorities", "runners"]))
    alpha.start()
    at = server.log.wait_for(lambda e: isinstance(e, SyndicateUpdated) and e.view.scene_id == "lorry_moving",
                             what="Alpha at lorry_moving")
    assert at.view.recording_connected
    prepared = server.inject("Alpha", inject_id="tango_update")     # releases the hold ...
    server.log.wait_for(lambda e: isinstance(e, InterventionApplied) and e.intervention.command_id ==
                        prepared[0].command_id, what="the prepared inject applied")
    # ... so the next hold is at priorities: intervene there
    server.log.wait_for(lambda e: isinstance(e, SyndicateUpdated) and e.view.scene_id == "priorities",
                        what="Alpha at priorities")
    bad = server.adjust_timer("Alpha", 30)                          # priorities has no time limit
    server.log.wait_for(lambda e: isinstance(e, InterventionFailed) and e.intervention.command_id ==
                        bad[0].command_id, what="the timer change refused")
    server.log.wait_for(lambda e: isinstance(e, SyndicateUpdated) and e.view.scene_id == "runners",
                        what="Alpha at runners")
    paused = server.pause("all")
    server.log.wait_for(lambda e: isinstance(e, SyndicateUpdated) and e.view.paused, what="Alpha paused")
    server.inject("Alpha", text="A journalist is at the cordon.")
    server.log.wait_for(lambda e: isinstance(e, SyndicateUpdated) and any(
        i["text"] == "A journalist is at the cordon." for i in e.view.injects), what="the free-text inject")
    decisions_while_paused = len(server.syndicate("Alpha").decisions)
    assert server.syndicate("Alpha").paused
    server.end("Alpha")
    result = alpha.finish()
    assert result["ended"] == FACILITATOR_ENDING and result["synced"]
    assert len(server.syndicate("Alpha").decisions) == decisions_while_paused     # no decision while paused
    view = server.syndicate("Alpha")
    assert view.ended and view.outcome == "ended by the facilitator"
    statuses = [(i.action, i.status) for i in view.interventions]
    assert statuses == [("inject", "applied"), ("timer", "failed"), ("pause", "applied"), ("inject", "applied"),
                        ("end", "applied")]
    assert "no timed decision" in view.interventions[1].reason
    assert paused[0].target == "Alpha"
    report = server.store.report(result["session_id"])
    assert report["facilitated"] and report["outcome"] == "ended by the facilitator"
    assert [i["action"] for i in report["interventions"]] == ["inject", "pause", "inject", "end"]
    same_records(server, tmp_path, "Alpha", result["session_id"])
    with pytest.raises(ExerciseError, match="already ended"):
        server.pause("Alpha")
    assert server.pause("all") == []
    # the session replays from the facilitator's copy, interventions included
    scenario = load_scenario(FLAGSHIP).scenario
    again = ScenarioRunner.restore(scenario, server.store.inputs(result["session_id"]))
    assert again.ended == FACILITATOR_ENDING and [e["action"] for e in again.interventions][-1] == "end"


def test_timer_adjust_at_a_timed_decision(server, tmp_path):
    alpha = StationThread(station(server, tmp_path, "Alpha", BEST, hold_at=["lorry_moving"]))
    alpha.start()
    server.log.wait_for(lambda e: isinstance(e, SyndicateUpdated) and e.view.scene_id == "lorry_moving",
                        what="Alpha at lorry_moving")
    made = server.adjust_timer("Alpha", 45)
    applied = server.log.wait_for(lambda e: isinstance(e, InterventionApplied) and e.intervention.command_id ==
                                  made[0].command_id, what="the timer change")
    assert applied.intervention.seconds == 45
    result = alpha.finish()
    assert result["ended"] == "everyone_safe"
    assert [(i["action"], i["seconds"], i["scene"]) for i in result["interventions"]] == [("timer", 45,
                                                                                          "lorry_moving")]


def test_bad_interventions_are_refused_at_the_console(server):
    with pytest.raises(ExerciseError, match="no syndicate 'Zulu'"):
        server.pause("Zulu")
    with pytest.raises(ExerciseError, match="no inject 'nope'"):
        server.inject("all", inject_id="nope")
    with pytest.raises(ExerciseError, match="either the inject's text"):
        server.inject("all")
    with pytest.raises(ExerciseError, match="whole number of seconds"):
        server.adjust_timer("all", 0)


def test_a_second_recording_station_is_refused_and_a_follower_gets_the_view(server, tmp_path):
    alpha = StationThread(station(server, tmp_path, "Alpha", BEST, hold_at=["fim_command"]))
    alpha.start()
    server.log.wait_for(lambda e: isinstance(e, SyndicateUpdated) and e.view.scene_id == "fim_command",
                        what="Alpha at fim_command")
    host, port = server.address
    with SessionStore(tmp_path / "other.sqlite3") as other:
        rival = StationLink(host, port, server.code, "Alpha", "Alpha-2", ["PC Hale"], store=other,
                            scenario_id="brackenford-services", backoff=(0.05,))
        rival.start()
        try:
            server.log.wait_for(lambda e: isinstance(e, SyndicateUpdated) and e.view.name == "Alpha", what="-")
            rival._threads[0].join(WAIT)             # a refused link stops trying: its thread ends
            assert rival.failed and "already has its recording station ('Alpha-1')" in rival.last_error
        finally:
            rival.close()
    views, ended = [], threading.Event()

    def on_update(view) -> None:
        views.append(view)
        if view.ended:
            ended.set()
    follower = StationLink(host, port, server.code, "Alpha", "Alpha-screen-2", ["DC Osei"], role="follower",
                           scenario_id="brackenford-services", on_update=on_update, backoff=(0.05,))
    follower.start()
    try:
        server.log.wait_for(lambda e: isinstance(e, StationJoined) and e.role == "follower", what="follower")
        server.log.wait_for(lambda e: isinstance(e, SyndicateUpdated) and e.view.followers == 1, what="count")
        server.end("Alpha")
        alpha.finish()
        server.log.wait_for(lambda e: isinstance(e, SyndicateUpdated) and e.view.ended, what="Alpha ended")
        assert ended.wait(WAIT), "the follower never saw the end"
        assert views and views[-1].ended and views[-1].decisions[0].scene_id == "call_received"
    finally:
        follower.close()


def test_a_link_catches_up_after_the_facilitator_was_away(tmp_path):
    """Decisions made while the facilitator is down reach it after it comes back; nothing twice."""
    scenario = load_scenario(FLAGSHIP).scenario
    store = SessionStore(tmp_path / "station.sqlite3")
    first = ExerciseServer(FLAGSHIP, tmp_path / "facilitator.sqlite3", host="127.0.0.1", port=0, code="ABCDEF")
    log = EventLog()
    first.subscribe(log)
    first.start()
    host, port = first.address
    session_id = store.start_session(TraineeInfo("Alpha"), scenario)
    runner = ScenarioRunner(scenario)
    recorder = SessionRecorder(store, runner, session_id)
    runner.start()
    recorder.persist()
    link = StationLink(host, port, "ABCDEF", "Alpha", "Alpha-1", ["PC Hale"], store=store,
                       scenario_id=scenario.id, backoff=(0.05, 0.1))
    link.start()
    link.attach_session(session_id)
    try:
        runner.choose("threat_to_life", meta={"entered_by": "PC Hale"})
        recorder.persist()
        link.notify()
        assert link.wait_synced(WAIT)
        first.stop()
        runner.choose("stop_at_pumps", meta={"entered_by": "PC Hale"})     # offline: recorded locally
        recorder.persist()
        link.notify()
        assert not link.connected
        second = ExerciseServer(FLAGSHIP, tmp_path / "facilitator.sqlite3", host="127.0.0.1", port=port,
                                code="ABCDEF")
        second.start()
        try:
            assert link.wait_synced(WAIT)
            theirs = second.store.session_record(session_id)
            assert theirs["events"] == store.session_record(session_id)["events"]
            assert [e["seq"] for e in theirs["events"]] == list(range(1, len(theirs["events"]) + 1))
            assert second.store.verify() == []
            # the restarted facilitator's view is rebuilt from its store, then brought up to date
            assert [d.selection for d in second.syndicate("Alpha").decisions] == ["threat_to_life", "stop_at_pumps"]
        finally:
            second.stop()
    finally:
        link.close()
        store.close()


def test_the_mirror_stores_each_event_once_and_refuses_a_broken_chain(tmp_path):
    scenario = load_scenario(FLAGSHIP).scenario
    with SessionStore(tmp_path / "station.sqlite3") as store, SessionStore(tmp_path / "fac.sqlite3") as fac:
        session_id = store.start_session(TraineeInfo("Alpha"), scenario)
        runner = ScenarioRunner(scenario)
        recorder = SessionRecorder(store, runner, session_id)
        runner.start()
        runner.choose("threat_to_life")
        recorder.persist()
        record = store.session_record(session_id)
        mirror = SessionMirror(fac)
        first = mirror.apply(record["session"], record["events"][:2])
        assert [e["seq"] for e in first.new] == [1, 2] and not first.caught_up
        again = mirror.apply(record["session"], record["events"])            # overlaps: 1, 2 held already
        assert [e["seq"] for e in again.new] == [e["seq"] for e in record["events"][2:]] and again.caught_up
        assert mirror.apply(record["session"], record["events"]).new == []
        assert fac.session_record(session_id)["events"] == record["events"] and fac.verify() == []
        runner.choose("stop_at_pumps")
        recorder.persist()
        newer = store.session_record(session_id)
        with pytest.raises(MirrorError, match="is missing"):
            mirror.apply(newer["session"], newer["events"][len(record["events"]) + 1:])
        forged = json.loads(json.dumps(newer["events"][len(record["events"])]))
        forged["data"]["selection"] = "forged"
        with pytest.raises(MirrorError, match="does not match its hash"):
            mirror.apply(newer["session"], [forged])
        assert fac.verify() == []


def test_a_station_with_the_wrong_code_stops_trying(server, tmp_path):
    host, port = server.address
    statuses = []
    link = StationLink(host, port, "WRONG9", "Alpha", "Alpha-1", ["PC Hale"], role="follower",
                       scenario_id="brackenford-services", on_status=lambda c, m: statuses.append((c, m)),
                       backoff=(0.05,))
    link.start()
    link._threads[0].join(WAIT)
    assert link.failed and "wrong join code" in link.last_error
    assert statuses[-1] == (False, link.last_error)
    link.close()
    with ws_connect(server) as conn:         # the server is unaffected
        send_hello(conn, p.hello(server.code, "Bravo", "b", ["x"], "follower", "brackenford-services", ""))
        assert json.loads(conn.recv(timeout=WAIT))["type"] == p.WELCOME


def test_the_plenary_lines_the_syndicates_up_at_each_decision_point(server, tmp_path):
    from hydra_sim.exercise.plenary import plenary, plenary_html

    alpha = StationThread(station(server, tmp_path, "Alpha", BEST))
    bravo = StationThread(station(server, tmp_path, "Bravo", CARELESS, members=["DC Osei"]))
    alpha.start()
    bravo.start()
    alpha.finish()
    bravo.finish()
    data = plenary(server.store, server.session_ids())
    assert data.syndicates == ["Alpha", "Bravo"] and data.scenario_id == "brackenford-services"
    first = data.points[0]
    assert first.scene_id == "call_received"
    assert first.entries["Alpha"].selection == "threat_to_life"
    assert first.entries["Bravo"].selection == "home_office_matter"
    assert first.entered_by == {"Alpha": "PC Hale", "Bravo": "DC Osei"}
    only_alpha = next(p for p in data.points if p.scene_id == "priorities")
    assert only_alpha.entries["Bravo"] is None and only_alpha.entries["Alpha"] is not None
    results = {r.syndicate: r for r in data.results}
    # Alpha played the best plan; its rationale awaits an assessor's marking (a syndicate never
    # marks its own), so its result is provisional and short of 100% until then.
    assert 90 < results["Alpha"].percent < 100.0 and results["Bravo"].outcome == "harm"
    assert results["Alpha"].grade.endswith("(provisional)")
    assert results["Alpha"].facilitated and data.cohort.sessions == 2
    page = plenary_html(data)
    assert "did not reach this decision" in page and "PC Hale" in page and page.startswith("<!DOCTYPE html>")


def _stored_seed(tmp_path, name, session_id):
    from hydra_sim.engine.runner import seed_of
    with SessionStore(tmp_path / f"{name}.sqlite3") as local:
        return seed_of(local.inputs(session_id))


@pytest.mark.parametrize("order", ["per_syndicate", "shared"])
def test_the_facilitator_chooses_one_option_order_for_all_or_one_per_syndicate(tmp_path, order):
    srv = ExerciseServer(FLAGSHIP, tmp_path / "facilitator.sqlite3", host="127.0.0.1", port=0, order=order,
                         seed=20261202)
    srv.start()
    try:
        alpha = StationThread(station(srv, tmp_path, "Alpha", BEST))
        bravo = StationThread(station(srv, tmp_path, "Bravo", BEST))
        alpha.start()
        bravo.start()
        a, b = alpha.finish(), bravo.finish()
        seeds = {"Alpha": _stored_seed(tmp_path, "Alpha", a["session_id"]),
                 "Bravo": _stored_seed(tmp_path, "Bravo", b["session_id"])}
        # each station's session starts with the seed the facilitator gave it, and the
        # facilitator's mirror holds the same record
        assert seeds == {"Alpha": srv.seed_for("Alpha"), "Bravo": srv.seed_for("Bravo")}
        from hydra_sim.engine.runner import seed_of
        assert seed_of(srv.store.inputs(a["session_id"])) == seeds["Alpha"]
        if order == "shared":
            assert seeds["Alpha"] == seeds["Bravo"] == 20261202
        else:
            assert seeds["Alpha"] != seeds["Bravo"]
        assert a["ended"] == b["ended"] == "everyone_safe"      # play scripts choose by id: any order fits
    finally:
        srv.stop()


def test_an_unknown_order_choice_is_refused(tmp_path):
    with pytest.raises(ExerciseError, match="option order"):
        ExerciseServer(FLAGSHIP, tmp_path / "f.sqlite3", host="127.0.0.1", port=0, order="random")


def test_an_ndm_rationale_reads_as_words_on_the_console_and_followers():
    """The console's and followers' "choice" for an NDM rationale names the boxes filled and each
    structured part's answer in the scenario's words: the recorded dict leaked there before."""
    from hydra_sim.engine import load_plan
    from hydra_sim.exercise.server import _choice_text
    scenario = load_scenario(FLAGSHIP).scenario
    steps, _ = load_plan(BEST)
    step = next(s for s in steps if s.scene == "powers_rationale")
    scene = scenario.scenes["powers_rationale"]
    words = _choice_text(scene, {"selection": step.selection})
    assert words.startswith("Rationale recorded (") and "Powers and policy" in words
    assert "{" not in words and "parts" not in words and "suspect_route" not in words
    part = scene.decision.parts[0]
    assert part.option(step.selection["parts"][part.id]).label in words

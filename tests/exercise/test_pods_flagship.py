"""The seated flagship played as a Hydra-style exercise: four stations, one per seat, and the
facilitator's server, over loopback, to the end (issue 17, "Done when").

The control room's station records the pod's one shared session; the officers at scene, the
incident manager and the investigator each have a seat station. Each station answers only its
own seat's scenes, from the team's best plan split by seat. The plan's two requests for
information to the NCCU are the investigator's: its seat station sends them (seat requests,
relayed to the recording station), after its witness strategy; the control room's request to the
ambulance service goes from the recording station; the facilitator changes
a run condition live (the local custody suite fills) and answers one request with a canned reply
while the control room waits at its next scene. Checked: the story
reaches the plan's ending with the plan's grade (the requests' credit included), every decision
is recorded once with the seat and station that made it, the requests and the answer are in
the record (the NCCU's with seat investigator and its station, credited on time), the live change is marked in the result and met by the incident manager's scene, the
plenary shows each seat's picture, and no seat was shown another seat's scenes.
"""

from __future__ import annotations

from exercise_support import REPO, StationThread, logged_server

from hydra_sim.engine import load_scenario
from hydra_sim.engine.plan import Step, load_plan
from hydra_sim.engine.runner import ScenarioRunner
from hydra_sim.engine.scoring import score_runner
from hydra_sim.exercise.headless import HeadlessStation
from hydra_sim.exercise.seatstation import HeadlessSeatStation
from hydra_sim.exercise.views import InterventionApplied, SyndicateUpdated

SEATED = REPO / "scenarios" / "brackenford-seated.yaml"
ETA = Step("request", None, {"partner": "ambulance", "question": "How long until the ambulance crew and HART reach "
                                                                "Brackenford?", "urgency": "immediate", "topic": None})
BEST = REPO / "scenarios" / "brackenford-seated.best.plan.yaml"
RUN = 120.0          # a bound on the whole exercise (never reached when all is well)


def steps_by_seat(scenario) -> dict[str, list]:
    """The team's best plan, each seat's decisions in story order (checks of the plan left out);
    a request goes to the seat of the decision before it (the plan's two follow the investigator's)."""
    steps, problems = load_plan(BEST)
    assert steps, problems
    split: dict[str, list] = {seat: [] for seat in scenario.seats}
    seat = None
    for step in steps:
        if step.kind in ("choose", "continue"):
            seat = scenario.scenes[step.scene].seat
            split[seat].append(step)
        elif step.kind == "request":
            split[seat].append(step)
    return split


def recording_steps(control: list) -> list:
    """The control room's steps, with its request for the ambulance ETA sent before its third
    decision, so it goes while the control room has the turn."""
    return control[:2] + [ETA] + control[2:]


def test_four_stations_play_the_seated_flagship_to_the_end(tmp_path):
    scenario = load_scenario(SEATED).scenario
    assert set(scenario.seats) == {"control", "scene", "manager", "investigator"}
    plan = steps_by_seat(scenario)
    assert all(plan.values()), "every seat has decisions of its own"
    assert [s.scene for s in plan["control"]][2:4] == ["control_next", "control_update"]
    asks = [s for s in plan["investigator"] if s.kind == "request"]
    assert len(asks) == 2 and {s.selection["partner"] for s in asks} == {"nccu"}
    assert not any(s.kind == "request" for seat in ("control", "scene", "manager") for s in plan[seat])

    server = logged_server(tmp_path, SEATED)
    try:
        host, port = server.address
        recording = HeadlessStation(SEATED, tmp_path / "control.sqlite3", host=host, port=port, code=server.code,
                                    syndicate="Alpha", members=["Control lead"], station_id="alpha-control",
                                    steps=recording_steps(plan["control"]), seat="control", backoff=(0.05, 0.1),
                                    hold_at=["control_update"])
        seats = {seat: HeadlessSeatStation(SEATED, host=host, port=port, code=server.code, syndicate="Alpha",
                                           seat=seat, members=[f"{seat} lead"], station_id=f"alpha-{seat}",
                                           steps=plan[seat], backoff=(0.05, 0.1))
                 for seat in ("scene", "manager", "investigator")}
        threads = [StationThread(recording, timeout=RUN)] + [StationThread(s, timeout=RUN) for s in seats.values()]
        for thread in threads:
            thread.start()
        # the facilitator answers the ambulance request as the ambulance service, with its canned
        # reply; the control room waits at control_update until an intervention comes
        seen = server.log.wait_for(lambda e: isinstance(e, SyndicateUpdated)
                                   and any(r["partner"] == "ambulance" for r in e.view.requests),
                                   what="the control room's request at the console")
        eta = next(r for r in seen.view.requests if r["partner"] == "ambulance")
        assert eta["answered_at"] is None and not eta["auto"]          # facilitated: nothing comes by itself
        # the directing staff vary the incident live: the custody the session drew changes before the
        # incident manager plans custody (the control room is still held, so it is in time)
        session_id = server.session_ids()["Alpha"]
        drawn = next(e for e in server.store.inputs(session_id) if e["type"] == "conditions")["values"]["custody"]
        other = {"four_local": "none_local", "none_local": "four_local"}[drawn]
        changed = server.set_condition("Alpha", "custody", other)
        server.log.wait_for(lambda e: isinstance(e, InterventionApplied)
                            and e.intervention.command_id == changed[0].command_id, what="the condition changed")
        made = server.answer("Alpha", eta["index"], reply="crews")
        server.log.wait_for(lambda e: isinstance(e, InterventionApplied)
                            and e.intervention.command_id == made[0].command_id, what="the answer applied")
        results = [thread.finish(timeout=RUN + 30) for thread in threads]
        record = server.store.session_record(results[0]["session_id"])
        inputs = server.store.inputs(results[0]["session_id"])
        session_ids = server.session_ids()
    finally:
        server.stop()

    assert results[0]["ended"] and results[0]["synced"], results
    for seat_result in results[1:]:
        assert seat_result["ended"] and seat_result["unplayed"] == 0 and not seat_result["errors"], seat_result

    # one session: every decision once, in the plan's order, made at the station of its scene's seat
    decisions = [e["data"] for e in record["events"] if e["kind"] == "decision_recorded"]
    steps = load_plan(BEST)[0]
    assert [d["scene_id"] for d in decisions] == [s.scene for s in steps if s.kind == "choose"]
    entered = [e["data"]["scene_id"] for e in record["events"] if e["kind"] == "scene_entered"]
    assert all(s.scene in entered for s in steps if s.kind == "continue")     # and each Continue was pressed
    for d in decisions:
        seat = scenario.scenes[d["scene_id"]].seat
        assert d["meta"]["seat"] == seat and d["meta"]["station_id"] == f"alpha-{seat}", d["meta"]
    assert [e["data"]["ending_id"] for e in record["events"] if e["kind"] == "ended"] == ["everyone_safe"]

    # the facilitator's copy scores as the plan says: the team's full-marks path
    runner = ScenarioRunner.restore(scenario, inputs)
    report = score_runner(runner)
    assert report.ending_id == "everyone_safe" and report.finished
    assert report.grade_id == "distinction" and round(report.percent) == 100, (report.grade_id, report.percent)
    assert report.critical_failures == []

    # the requests and the answer are in the record; the plan's two earned their actions
    asked = [e["data"] for e in record["events"] if e["kind"] == "request_made"]
    answered = [e["data"] for e in record["events"] if e["kind"] == "request_answered"]
    assert [a["partner"] for a in asked] == ["ambulance", "nccu", "nccu"]
    assert asked[0]["seat"] == "control" and "meta" not in asked[0]      # the recording station's own
    for a in asked[1:]:         # sent from the investigator's seat station, relayed, recorded for its seat
        assert a["seat"] == "investigator" and a["meta"]["station_id"] == "alpha-investigator", a
        assert a["meta"]["entered_by"] == "investigator lead" and a["credited"], a
    # in the replay log too, so a restore credits the investigator's seat
    assert [(e.get("seat"), e.get("meta", {}).get("station_id")) for e in inputs if e["type"] == "request"] == \
        [(None, None)] + [("investigator", "alpha-investigator")] * 2
    assert [r.seat for r in runner.requests] == ["control", "investigator", "investigator"]
    assert len(answered) == 1 and answered[0]["answer_reply"] == "crews"
    assert answered[0]["answer"].startswith("Ambulance control: the Castlebridge crew")
    credited = {line.action_id: line.status for line in report.actions if line.action_id in
                ("inv_civil_penalty_referral", "intel_jdt_debrief")}
    assert credited == {"inv_civil_penalty_referral": "on_time", "intel_jdt_debrief": "on_time"}
    assert [r["answer_reply"] for r in report.requests] == ["crews", None, None]

    # the plenary of the exercise: the team's actions all met, and each seat's picture at each decision
    from hydra_sim.exercise.plenary import plenary
    from hydra_sim.records.store import SessionStore
    with SessionStore(server.store_path) as store:
        data = plenary(store, session_ids)
    assert data.seated and data.results[0].team.startswith("Team: 7 of 7 team actions met")
    assert len(data.pictures["Alpha"]) == len(decisions) and data.divergences("Alpha") == []
    custody = next(p for p in data.pictures["Alpha"] if p["scene_title"] == "Custody, care and resources")
    assert custody["seat_title"] == "Force incident manager"
    assert any("twelve out of the trailer" in line for line in custody["knew"])
    # and the whole incident on one timeline: every seat, its messages, requests and decisions, in order
    rows = data.timelines["Alpha"]
    assert {r["seat_title"] for r in rows} == {s.title for s in scenario.seats.values()}
    assert {"scene", "message", "request", "answer", "decision"} <= {r["kind"] for r in rows}
    assert sum(r["kind"] == "decision" for r in rows) == len(decisions)
    clocks = [r["clock_label"] for r in rows]
    assert clocks == sorted(clocks)
    assert not any("{" in str(r["text"]) or "powers_policy" in str(r["text"]) for r in rows)

    # the live change: in the record, marked beside the score, and met by the incident manager
    assert [(e["action"], e.get("variable"), e.get("value")) for e in inputs if e["type"] == "facilitator"
            and e["action"] == "set_condition"] == [("set_condition", "custody", other)]
    assert runner.conditions["custody"] == drawn and runner.variables["custody"] == other
    assert report.live_changes_text and "Custody spaces" in report.live_changes_text[0]
    assert "by the facilitator" in report.live_changes_text[0]
    turns = [v["turn"] for v in seats["manager"].views if v.get("turn") and v["turn"]["scene_id"] == "custody_plan"]
    full = "Castlebridge custody is full" in turns[-1]["text"]
    assert turns and full == (other == "none_local"), turns[-1]["text"]

    # no seat was shown another seat's scenes
    for seat, station in seats.items():
        for view in station.views:
            shown = [i["id"] for i in view["stream"] if i["kind"] in ("scene", "decision")]
            assert all(scenario.scenes[s].seat == seat for s in shown if s in scenario.scenes), (seat, shown)

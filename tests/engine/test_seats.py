"""Seats and messages (engine/seats.py): one incident shared by several seats, messages that
arrive after their delay, one seat played with stand-ins, and per-seat scoring."""

from __future__ import annotations

import pytest
from engine_helpers import FIXTURES, MINI

from hydra_sim import cli
from hydra_sim.engine.expressions import ExpressionError, VarType, parse
from hydra_sim.engine.loader import load_scenario
from hydra_sim.engine.runner import MessageArrived, ReplayError, RunnerError, ScenarioRunner
from hydra_sim.engine.scoring import score_runner
from hydra_sim.engine.seats import seat_actions, seat_stream

SEATED = FIXTURES / "seated" / "seated.yaml"


@pytest.fixture(scope="module")
def seated():
    return load_scenario(SEATED).raise_for_errors()


def play(scenario, choices, seat=None):
    runner = ScenarioRunner(scenario, seat=seat)
    runner.start()
    for choice in choices:
        runner.choose(choice)
    return runner


def test_the_fixture_loads_with_seats_messages_and_stand_ins(seated):
    assert list(seated.seats) == ["control", "scene", "manager"]
    assert {s.id: s.seat for s in seated.scenes.values()} == {
        "call": "control", "arrive": "scene", "update": "control", "brief": "control", "manager": "manager"}
    message = seated.scenes["arrive"].decision.option("open_and_count").outcome.sends[0]
    assert (message.id, message.to, message.channel, message.delay_minutes) == ("count_to_control", "control",
                                                                               "radio", 5)
    assert seated.scenes["call"].decision.stand_in == "dispatch_both"
    assert "received.count_to_control" in seated.message_reads


def test_received_names_are_a_dotted_namespace_and_nothing_else():
    expression = parse("received.count_to_control and not received.no_count")
    assert expression.reads == {"received.count_to_control", "received.no_count"}
    assert expression.evaluate({"received.count_to_control": True, "received.no_count": False}) is True
    assert expression.check({"received.count_to_control": VarType("bool"), "received.no_count": VarType("bool")}) == []
    for bad, words in (("driver.status", "'.' cannot follow 'driver'"), ("received.", "must be followed"),
                       ("received.9", "must be followed")):
        with pytest.raises(ExpressionError, match=words):
            parse(bad)


def test_a_message_arrives_at_send_time_plus_its_delay(seated):
    arrivals = []
    runner = ScenarioRunner(seated)
    runner.subscribe(lambda e: arrivals.append((e.sent.message.id, e.sent.message.to, e.clock))
                     if isinstance(e, MessageArrived) else None)
    runner.start()
    runner.choose("dispatch_both")            # 05:00, takes 2 min
    runner.choose("open_and_count")           # sent 05:02 with a 5 min delay: arrives 05:07
    sent = runner.messages[-1]
    assert (sent.sent_at, sent.arrives_at, sent.from_seat) == (120, 420, "scene")
    assert runner.clock.seconds == 300 and runner.scene_id == "update"
    assert runner.env()["received.count_to_control"] is False
    assert ("count_to_control", "control", 420) not in arrivals
    runner.choose("ask_for_count")            # 3 min: the clock passes 05:07
    assert runner.clock.seconds == 480
    assert runner.env()["received.count_to_control"] is True
    assert ("count_to_control", "control", 420) in arrivals
    assert ("units_dispatched", "scene", 0) in arrivals
    assert "count is in" in runner.scene_text()
    assert [o.id for o in runner.available_options()] == ["no_news", "pass_count"]


def test_a_later_scene_sees_that_the_message_has_not_arrived(seated):
    runner = play(seated, ["dispatch_both", "open_and_count", "press_on"])
    assert runner.scene_id == "brief" and runner.clock.seconds == 300
    assert runner.scene_text() == "Nothing from the layby yet."
    assert [o.id for o in runner.available_options()] == ["no_news"]     # pass_count needs the count


def test_an_arrival_at_the_very_minute_a_scene_opens_counts(seated):
    runner = play(seated, ["dispatch_both", "open_and_count", "ask_for_count", "pass_count"])
    assert runner.clock.seconds == 600 and runner.messages[-1].arrives_at == 600
    assert runner.scene_id == "manager" and runner.scene_text().startswith("Control has phoned")


def test_playing_every_seat_in_turn_needs_no_stand_ins(seated):
    runner = play(seated, ["dispatch_both", "open_and_count", "ask_for_count", "pass_count", "plan_welfare"])
    assert runner.ended == "good_end"
    assert runner.stand_in_decisions() == [] and not any("stand_in" in e for e in runner.log)
    assert not any(e["type"] == "seat" for e in runner.log)
    assert score_runner(runner).percent == 100.0 and score_runner(runner).seat is None


def test_one_seat_played_the_others_by_their_stand_ins(seated):
    runner = play(seated, ["dispatch_both", "ask_for_count", "pass_count"], seat="control")
    assert runner.ended == "good_end"
    assert [(d.scene_id, d.selection, d.stand_in) for d in runner.decisions] == [
        ("call", "dispatch_both", False), ("arrive", "open_and_count", True), ("update", "ask_for_count", False),
        ("brief", "pass_count", False), ("manager", "plan_welfare", True)]
    assert runner.log[0] == {"type": "seat", "seat": "control", "clock": 0}
    stand_ins = [e for e in runner.log if e.get("stand_in")]
    assert [(e["scene"], e["seat"]) for e in stand_ins] == [("arrive", "scene"), ("manager", "manager")]


def test_a_seat_cannot_answer_another_seats_decision(seated):
    runner = ScenarioRunner(seated, seat="scene")
    runner.start()
    assert runner.scene_id == "arrive"        # the control room's stand-in dispatched already
    with pytest.raises(RunnerError, match="no option 'ask_for_count'"):
        runner.choose("ask_for_count")


def test_a_stand_in_whose_option_is_not_offered_falls_back_and_says_so(seated):
    runner = play(seated, ["wait_for_border_force"], seat="scene")
    assert runner.ended == "partial_end"
    brief = next(e for e in runner.log if e.get("scene") == "brief")
    assert brief["selection"] == "no_news" and brief["fallback"] is True and brief["stand_in"] is True
    assert not next(e for e in runner.log if e.get("scene") == "call").get("fallback")


def test_a_seat_is_scored_on_its_roles_from_its_own_decisions(seated):
    runner = play(seated, ["dispatch_both", "ask_for_count", "pass_count"], seat="control")
    report = score_runner(runner)
    assert report.seat == "control"
    assert {a.action_id for a in report.actions} == seat_actions(seated, "control") == {"send_ambulance",
                                                                                       "brief_manager"}
    assert (report.earned, report.possible, report.percent) == (5.0, 5.0, 100.0)
    assert report.stand_in_decisions == [1, 4]


def test_a_stand_ins_good_choice_earns_the_trainee_nothing(seated):
    runner = play(seated, ["wait_for_border_force"], seat="scene")
    report = score_runner(runner)
    assert {a.action_id: a.status for a in report.actions} == {"ventilate": "contravened", "count_people": "missed"}
    assert report.grade_id == "not_yet_competent"
    # the control room's stand-in sent the ambulance: that is in the ledger, but not the scene seat's
    assert any(c.action_id == "send_ambulance" for c in runner.ledger)


def test_each_seat_scored_from_a_session_of_every_seat(seated):
    runner = play(seated, ["dispatch_both", "open_and_count", "press_on", "no_news", "plan_welfare"])
    team = score_runner(runner)
    control, scene, manager = (score_runner(runner, seat=s) for s in ("control", "scene", "manager"))
    assert control.percent == 60.0 and {a.action_id: a.status for a in control.actions}["brief_manager"] == "missed"
    assert scene.percent == 100.0 and manager.percent == 100.0
    assert team.possible == control.possible + scene.possible + manager.possible


def test_replay_rebuilds_a_seat_session_and_checks_the_stand_ins(seated):
    runner = play(seated, ["dispatch_both", "ask_for_count", "pass_count"], seat="control")
    again = ScenarioRunner.restore(seated, [dict(e) for e in runner.log])
    assert again.seat == "control" and again.ended == runner.ended
    assert [d.selection for d in again.decisions] == [d.selection for d in runner.decisions]
    assert score_runner(again).to_dict() == score_runner(runner).to_dict()
    forged = [dict(e) for e in runner.log]
    stand_in = next(e for e in forged if e.get("stand_in"))
    stand_in["selection"] = "talk_through_doors"
    with pytest.raises(ReplayError, match="the stand-in now takes 'open_and_count'"):
        ScenarioRunner.restore(seated, forged)


def test_what_each_seat_sees(seated):
    runner = play(seated, ["dispatch_both", "ask_for_count", "pass_count"], seat="control")
    control = seat_stream(runner, "control")
    scene = seat_stream(runner, "scene")
    assert [(i.kind, i.id) for i in control] == [
        ("scene", "call"), ("decision", "call"), ("inject", "press_call"), ("scene", "update"),
        ("decision", "update"), ("message", "count_to_control"), ("scene", "brief"), ("decision", "brief")]
    assert [(i.kind, i.id) for i in scene] == [("message", "units_dispatched"), ("scene", "arrive"),
                                               ("decision", "arrive")]
    assert "stand-in" in scene[-1].text
    assert len(seat_stream(runner, None)) > len(control)


def test_a_seat_opens_only_its_reference_items(seated):
    manager = ScenarioRunner(seated, seat="manager")
    manager.start()
    manager.open_reference("welfare_card")
    control = ScenarioRunner(seated, seat="control")
    control.start()
    with pytest.raises(RunnerError, match="not for seat 'control'"):
        control.open_reference("welfare_card")
    scene = ScenarioRunner(seated, seat="scene")     # no 'reference:' list: every item
    scene.start()
    scene.open_reference("press_lines")
    everyone = ScenarioRunner(seated)                # every seat in turn: every item
    everyone.start()
    everyone.open_reference("welfare_card")
    assert [r for r, _ in manager.references_opened + scene.references_opened + everyone.references_opened] == [
        "welfare_card", "press_lines", "welfare_card"]


def test_unknown_seats_are_refused_clearly(seated):
    with pytest.raises(RunnerError, match="did you mean 'control'"):
        ScenarioRunner(seated, seat="contrl")
    mini = load_scenario(MINI).raise_for_errors()
    with pytest.raises(RunnerError, match="has no seats"):
        ScenarioRunner(mini, seat="control")


def test_old_scenarios_have_no_seats_and_score_as_before():
    mini = load_scenario(MINI).raise_for_errors()
    assert mini.seats == {} and all(s.seat is None for s in mini.scenes.values())
    runner = ScenarioRunner(mini)
    runner.start()
    assert runner.seat is None and runner.received_flags() == {} and "received." not in str(runner.env())


def test_cli_play_one_seat(capsys):
    code = cli.main(["play", str(SEATED), "--script", str(FIXTURES / "seated" / "seated.scene.plan.yaml")])
    out = capsys.readouterr().out
    assert code == 0
    assert "Seat played: scene (Officers at scene)" in out
    assert "chose dispatch_both (stand-in)  [control]" in out
    assert "message units_dispatched control -> scene (radio) sent 05:00, arrived 05:00" in out
    assert "What seat scene saw:" in out and "press_call" not in out.split("What seat scene saw:")[1]
    assert cli.main(["play", str(SEATED), "--script", str(FIXTURES / "seated" / "seated.scene.plan.yaml"),
                     "--seat", "nobody"]) == 2
    assert "no seat 'nobody'" in capsys.readouterr().err


def test_lint_is_clean_on_the_seated_fixture():
    problems = load_scenario(SEATED).problems
    assert [p.code for p in problems if p.severity != "info"] == []
    assert [p.code for p in problems] == ["H009"]      # the stand-in 'pass_count' has an 'if'


def test_stand_in_answers_for_every_decision_kind():
    from hydra_sim.engine.seats import STAND_IN_RATIONALE, stand_in_selection
    mini = load_scenario(MINI).raise_for_errors()
    checklist, ranking, rationale = (mini.scenes[s].decision for s in ("arrive", "priorities", "why"))
    checklist.stand_in = ["bwv", "doors"]
    assert stand_in_selection(checklist, list(checklist.options)) == (["bwv", "doors"], False)
    assert stand_in_selection(checklist, list(checklist.options[1:])) == (["bwv"], True)   # doors not offered
    ranking.stand_in = ["medical", "lorry"]                # 'forms' left out: put after, and said
    assert stand_in_selection(ranking, list(ranking.options)) == (["medical", "lorry", "forms"], True)
    rationale.stand_in = None
    boxes, fallback = stand_in_selection(rationale, [])
    assert fallback and boxes == {"threat_risk": STAND_IN_RATIONALE}

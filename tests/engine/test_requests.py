"""Requests for information to partner agencies (engine/requests.py and the runner): the format,
lint, self-paced canned replies, the facilitator's answer, replay, and credit that an empty or
meaningless question cannot earn."""

from __future__ import annotations

import shutil

import pytest
from engine_helpers import FIXTURES, codes

from hydra_sim.engine.loader import load_scenario
from hydra_sim.engine.runner import ReplayError, RequestAnswered, RequestMade, RunnerError, ScenarioRunner
from hydra_sim.engine.scoring import LATE, MISSED, ON_TIME, score_runner
from hydra_sim.engine.seats import seat_stream

RFI = FIXTURES / "rfi" / "rfi.yaml"
GOOD = ["ambulance", "talk", "keep"]


@pytest.fixture(scope="module")
def rfi():
    return load_scenario(RFI).raise_for_errors()


def started(scenario, **kwargs):
    runner = ScenarioRunner(scenario, **kwargs)
    runner.start()
    return runner


def result(report, action_id):
    return next(r for r in report.actions if r.action_id == action_id)


def variant(tmp_path, old: str, new: str):
    shutil.copytree(FIXTURES / "rfi", tmp_path / "rfi")
    path = tmp_path / "rfi" / "rfi.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return load_scenario(path)


# -- format and lint -----------------------------------------------------------------------
def test_the_fixture_declares_partners_with_replies_by_topic(rfi):
    assert list(rfi.partners) == ["crime_desk", "childrens_services"]
    desk = rfi.partners["crime_desk"]
    reply = desk.replies["vehicle_checks"]
    assert (reply.title, reply.delay_minutes) == ("Vehicle and haulier checks", 10)
    assert "vehicle checks" in reply.keywords and [r.action_id for r in reply.evidences] == ["crime_checks"]
    assert desk.replies["driver_checks"].evidences == ()
    # a reply's actions are assessed like any other the scenario evidences
    assert {"crime_checks", "child_referral"} <= set(rfi.assessed)


def test_the_fixture_lints_clean(rfi):
    problems = [p for p in load_scenario(RFI).problems if p.severity in ("error", "warning")]
    assert problems == []


def test_a_reply_naming_an_unknown_action_is_an_error(tmp_path):
    loaded = variant(tmp_path, "evidences: [crime_checks]", "evidences: [crime_chekcs]")
    assert "R002" in codes(loaded.problems)


def test_an_unknown_field_in_a_reply_is_reported(tmp_path):
    loaded = variant(tmp_path, "        delay: 10\n", "        delay: 10\n        wait: 3\n")
    assert "S002" in codes(loaded.problems)


def test_a_partner_with_no_replies_is_a_warning(tmp_path):
    loaded = variant(tmp_path, "  crime_desk:\n", "  emergency_duty:\n    name: \"Emergency duty team\"\n"
                     "    helps_with: \"Out-of-hours adult social care.\"\n  crime_desk:\n")
    assert "Q001" in codes(loaded.problems)


def test_a_credited_reply_without_keywords_is_an_error(tmp_path):
    loaded = variant(tmp_path, "        keywords: [child, boy, girl, unaccompanied, placement, foster]\n", "")
    assert "Q002" in codes(loaded.problems)


def test_a_keyword_any_question_has_is_an_error(tmp_path):
    loaded = variant(tmp_path, "keywords: [registration,", "keywords: [please, registration,")
    problems = [p for p in loaded.problems if p.code == "Q004"]
    assert len(problems) == 1 and "'please'" in problems[0].message


def test_a_keyword_shared_by_two_topics_is_a_warning(tmp_path):
    loaded = variant(tmp_path, "keywords: [driver, licence]", "keywords: [driver, licence, lorry]")
    problems = [p for p in loaded.problems if p.code == "Q003"]
    assert len(problems) == 1 and "'lorry'" in problems[0].message


def test_the_deep_checks_do_not_call_a_request_only_action_impossible(rfi):
    from hydra_sim.engine.deep_checks import deep_check
    assert "A004" not in codes(deep_check(rfi))


# -- self-paced play -----------------------------------------------------------------------------
def test_a_request_is_recorded_at_the_incident_clock_and_its_canned_reply_arrives_after_its_delay(rfi):
    runner = started(rfi)
    events = []
    runner.subscribe(events.append)
    runner.choose("ambulance")                  # 3 minutes
    record = runner.request_information("crime_desk", "Please run the trailer registration ZX71 KLM", "priority")
    assert (record.clock, record.matched, record.credited, record.seat) == (180, "vehicle_checks", True, "control")
    assert not record.answered and record.due == 180 + 600
    assert [type(e) for e in events[-1:]] == [RequestMade]
    assert runner.log[-1] == {"type": "request", "partner": "crime_desk",
                              "question": "Please run the trailer registration ZX71 KLM", "urgency": "priority",
                              "topic": None, "scene": "advice", "clock": 180, "auto": True}
    runner.advance(9 * 60)
    assert not record.answered
    runner.advance(60)
    assert record.answered and record.answered_at == 780 and record.answered_by == "canned"
    assert record.answer.startswith("Crime desk: the trailer was hired")
    answered = [e for e in events if isinstance(e, RequestAnswered)]
    assert len(answered) == 1 and answered[0].clock == 780


def test_a_request_matching_the_keywords_evidences_the_action_in_its_window(rfi):
    runner = started(rfi)
    runner.request_information("crime_desk", "Can you do vehicle checks on the lorry at Marrowby?", "routine")
    for choice in GOOD:
        runner.choose(choice)
    report = score_runner(runner)
    line = result(report, "crime_checks")
    assert line.status == ON_TIME and line.achieved_at == 0 and line.decision_index is None
    assert "request for information to National crime desk" in line.explanation
    assert report.requests[0]["partner"] == "crime_desk" and report.requests[0]["actions"] == ["crime_checks"]


def test_a_request_after_the_window_is_late(rfi):
    runner = started(rfi)
    runner.choose("ambulance")
    runner.advance(20 * 60)
    runner.request_information("crime_desk", "Check the haulier of the trailer", "routine")
    runner.choose("talk")
    runner.choose("keep")
    assert result(score_runner(runner), "crime_checks").status == LATE


@pytest.mark.parametrize("question", ["x", "?", "help please", "asdf qwerty", "can you help us"])
def test_a_meaningless_question_earns_nothing_even_with_the_topic_named(rfi, question):
    runner = started(rfi)
    record = runner.request_information("crime_desk", question, "immediate", topic="vehicle_checks")
    assert record.matched == "vehicle_checks" and not record.credited and record.actions == []
    for choice in GOOD:
        runner.choose(choice)
    assert result(score_runner(runner), "crime_checks").status == MISSED


def test_an_empty_question_is_refused(rfi):
    runner = started(rfi)
    for question in ("", "   ", None):
        with pytest.raises(RunnerError, match="needs a question"):
            runner.request_information("crime_desk", question, "routine")
    assert runner.requests == [] and all(e["type"] != "request" for e in runner.log)


def test_an_unknown_partner_topic_or_urgency_is_refused(rfi):
    runner = started(rfi)
    with pytest.raises(RunnerError, match="no partner 'crime_dsk'.*crime_desk"):
        runner.request_information("crime_dsk", "registration checks", "routine")
    with pytest.raises(RunnerError, match="no topic 'parking'"):
        runner.request_information("crime_desk", "registration checks", "routine", topic="parking")
    with pytest.raises(RunnerError, match="urgency"):
        runner.request_information("crime_desk", "registration checks", "soon")


def test_a_question_matching_no_topic_gets_the_partners_unclear_answer_and_no_credit(rfi):
    runner = started(rfi)
    record = runner.request_information("childrens_services", "What are your opening hours tonight", "routine")
    assert record.matched is None and not record.credited
    assert record.answered and record.answer.startswith("Out-of-hours social work: tell us about the child")
    record = runner.request_information("crime_desk", "Anything on the weather", "routine")
    assert record.answer.startswith("National crime desk: we are not sure what you need")


def test_the_keywords_choose_the_reply_when_no_topic_is_named(rfi):
    runner = started(rfi)
    record = runner.request_information("crime_desk", "Any trace on the driver's licence?", "routine")
    assert record.matched == "driver_checks" and record.credited and record.actions == []   # it evidences nothing
    record = runner.request_information("childrens_services", "An unaccompanied boy of 14 needs a placement",
                                        "immediate")
    assert record.matched == "child_placement" and record.actions == ["child_referral"]


def test_keyword_matching_takes_whole_words_and_stems_not_parts_of_words(rfi):
    runner = started(rfi)
    # 'boy' is shorter than 4 letters, so only the whole word matches it: 'boyfriend' does not
    record = runner.request_information("childrens_services", "Her boyfriend is here", "routine")
    assert record.matched is None
    record = runner.request_information("childrens_services", "Two children fostered before", "routine")
    assert record.matched == "child_placement"          # 'child' and 'foster' (4+ letters) match as stems


def test_the_requests_appear_in_the_seat_stream_of_the_seat_that_sent_them(rfi):
    runner = started(rfi)
    runner.choose("ambulance")
    runner.choose("talk")               # now the manager's scene
    runner.request_information("childrens_services", "A boy of 14 on his own needs a social worker", "immediate")
    runner.advance(20 * 60)
    manager = [(i.kind, i.text) for i in seat_stream(runner, "manager") if i.kind in ("request", "answer")]
    assert [kind for kind, _ in manager] == ["request", "answer"]
    assert "social worker" in manager[0][1] and "foster place is held" in manager[1][1]
    assert not [i for i in seat_stream(runner, "control") if i.kind in ("request", "answer")]


def test_seat_scoring_credits_a_request_only_to_the_seat_that_sent_it(rfi):
    runner = started(rfi)
    runner.choose("ambulance")
    runner.request_information("crime_desk", "Registration checks on the trailer please", "routine")   # control asks
    runner.choose("talk")
    runner.request_information("childrens_services", "Unaccompanied boy needs a placement", "routine")  # manager
    runner.choose("keep")
    manager = score_runner(runner, seat="manager")
    assert result(manager, "child_referral").status == ON_TIME
    assert result(manager, "crime_checks").status == MISSED      # the control room asked, not the manager
    assert [r["partner"] for r in manager.requests] == ["childrens_services"]


def test_a_request_is_refused_while_paused_or_after_the_end(rfi):
    runner = started(rfi)
    runner.apply_intervention("pause")
    with pytest.raises(RunnerError, match="paused"):
        runner.request_information("crime_desk", "registration checks", "routine")
    runner.apply_intervention("resume")
    for choice in GOOD:
        runner.choose(choice)
    with pytest.raises(RunnerError, match="ended"):
        runner.request_information("crime_desk", "registration checks", "routine")


def test_a_restored_session_has_the_same_requests_answers_and_score(rfi):
    runner = started(rfi, seed=7)
    runner.request_information("crime_desk", "Vehicle checks on the lorry please", "priority")
    runner.choose("ambulance")
    runner.advance(600)
    runner.choose("talk")
    runner.request_information("childrens_services", "x", "routine", topic="child_placement")
    runner.choose("keep")
    again = ScenarioRunner.restore(rfi, [dict(e) for e in runner.log])
    assert [r.to_dict() for r in again.requests] == [r.to_dict() for r in runner.requests]
    assert score_runner(again).to_dict() == score_runner(runner).to_dict()


def test_a_stored_request_to_a_partner_removed_since_does_not_replay(rfi):
    runner = started(rfi)
    entries = [dict(e) for e in runner.log] + [{"type": "request", "partner": "border_force", "question": "q",
                                               "urgency": "routine", "topic": None, "scene": "call", "clock": 0,
                                               "auto": True}]
    with pytest.raises(ReplayError, match="no partner 'border_force'"):
        ScenarioRunner.restore(rfi, entries)


# -- facilitated play: the facilitator answers -----------------------------------------------------
def test_facilitated_requests_wait_for_the_facilitators_answer(rfi):
    runner = ScenarioRunner(rfi)
    runner.facilitated = True
    runner.start()
    record = runner.request_information("crime_desk", "Haulier checks on the trailer", "priority")
    assert not record.auto and record.due is None
    runner.advance(60 * 60)
    assert not record.answered                   # no canned reply arrives by itself
    entry = runner.apply_intervention("answer", request=0, reply="vehicle_checks", by="DS Okafor",
                                      command_id="c1")
    assert entry["request"] == 0 and entry["reply"] == "vehicle_checks"
    assert record.answered_by == "DS Okafor" and record.answer_reply == "vehicle_checks"
    assert record.answer.startswith("Crime desk: the trailer was hired") and record.answered_at == 3600
    assert runner.apply_intervention("answer", request=0, reply="vehicle_checks", command_id="c1") is None
    with pytest.raises(RunnerError, match="already been answered"):
        runner.apply_intervention("answer", request=0, text="Again")


def test_a_free_text_answer_is_recorded_and_replayed(rfi):
    runner = ScenarioRunner(rfi)
    runner.facilitated = True
    runner.start()
    runner.request_information("childrens_services", "Is there a foster place for a boy of 14?", "immediate")
    runner.advance(300)
    runner.apply_intervention("answer", request=0, text="  Yes: a carer in Hollin Bank can take him by 07:00. ")
    record = runner.requests[0]
    assert record.answer == "Yes: a carer in Hollin Bank can take him by 07:00." and record.answered_by == "facilitator"
    again = ScenarioRunner.restore(rfi, [dict(e) for e in runner.log])
    assert again.requests[0].to_dict() == record.to_dict()


@pytest.mark.parametrize("params, message", [
    ({"request": 3, "text": "hello"}, "no request 3"),
    ({"request": 0}, "either free text or a canned reply"),
    ({"request": 0, "text": "a", "reply": "vehicle_checks"}, "either free text or a canned reply"),
    ({"request": 0, "reply": "weather"}, "no canned reply 'weather'"),
    ({"request": 0, "text": "   "}, "needs some text"),
])
def test_a_bad_answer_is_refused(rfi, params, message):
    runner = ScenarioRunner(rfi)
    runner.facilitated = True
    runner.start()
    runner.request_information("crime_desk", "Registration checks", "routine")
    with pytest.raises(RunnerError, match=message):
        runner.apply_intervention("answer", **params)
    assert not runner.requests[0].answered


# -- play scripts ---------------------------------------------------------------------------------
def test_a_play_script_can_ask_a_partner(tmp_path, rfi):
    from hydra_sim.engine.plan import load_plan, run_plan
    plan = tmp_path / "ask.plan.yaml"
    plan.write_text('steps:\n  - ask: crime_desk\n    question: "Registration and haulier checks on the trailer"\n'
                    '    urgency: priority\n  - call: ambulance\n  - advice: talk\n  - services: keep\n',
                    encoding="utf-8")
    steps, problems = load_plan(plan)
    assert problems == [] and steps[0].kind == "request"
    played = run_plan(rfi, steps)
    assert played.problem is None and played.runner.requests[0].urgency == "priority"
    assert result(score_runner(played.runner), "crime_checks").status == ON_TIME
    steps[0].selection["partner"] = "border_force"
    problem = run_plan(rfi, steps).problem
    assert problem is not None and problem.code == "P002" and "no partner 'border_force'" in problem.message


# -- a question must be about its topic (requests.is_focused) ------------------------------


def every_keyword(scenario) -> str:
    return " ".join(k for p in scenario.partners.values() for r in p.replies.values() for k in r.keywords)


def test_a_bag_of_every_keyword_earns_nothing_from_any_partner_or_named_topic(rfi):
    runner = started(rfi)
    bag = every_keyword(rfi)
    records = [runner.request_information(partner_id, bag, "immediate") for partner_id in rfi.partners]
    records += [runner.request_information(partner_id, bag, "immediate", topic=topic)
                for partner_id, partner in rfi.partners.items() for topic in partner.replies]
    assert records and not any(r.credited or r.actions for r in records)
    for choice in GOOD:
        runner.choose(choice)
    report = score_runner(runner)
    assert result(report, "crime_checks").status == MISSED and result(report, "child_referral").status == MISSED


def test_a_focused_question_with_a_stray_word_of_another_topic_still_earns_its_topic(rfi):
    runner = started(rfi)
    # 'registration' and 'haulier' (vehicle checks) against 'driver' (driver checks): about the vehicle
    record = runner.request_information("crime_desk", "Registration and haulier checks, and who the driver works for",
                                        "priority")
    assert record.matched == "vehicle_checks" and record.credited and record.actions == ["crime_checks"]


def test_a_question_mostly_about_another_partners_topic_earns_nothing_here(rfi):
    runner = started(rfi)
    # sent to the crime desk, but three of its four keywords are children's services' topic
    record = runner.request_information("crime_desk", "An unaccompanied boy in foster placement, and the lorry",
                                        "routine", topic="vehicle_checks")
    assert record.matched == "vehicle_checks" and not record.credited and record.actions == []
    # the same question to the right partner is about the child: credited there
    record = runner.request_information("childrens_services", "An unaccompanied boy in foster placement, and the lorry",
                                        "routine")
    assert record.matched == "child_placement" and record.actions == ["child_referral"]


def test_a_request_counts_for_the_seat_named_and_replays_so(rfi):
    """A pod's seat station asks for its own seat (runner.request_information(seat=...)): the seat
    and who sent it are in the log, so a restore reproduces the request for that seat."""
    runner = started(rfi)
    meta = {"station_id": "alpha-manager", "request_id": "r1", "entered_by": None}
    record = runner.request_information("crime_desk", "Can you do vehicle checks on the lorry at Marrowby?",
                                        "routine", seat="manager", meta=meta)
    assert record.seat == "manager" and record.meta == {"station_id": "alpha-manager", "request_id": "r1"}
    assert runner.log[-1]["seat"] == "manager" and runner.log[-1]["meta"] == record.meta
    assert record.to_dict()["meta"] == record.meta
    default = runner.request_information("crime_desk", "Any news of the lorry?", "routine")
    assert default.seat == "control" and "seat" not in runner.log[-1] and "meta" not in default.to_dict()
    with pytest.raises(RunnerError, match="no seat 'dispatcher'"):
        runner.request_information("crime_desk", "Any news?", "routine", seat="dispatcher")
    with pytest.raises(RunnerError, match="sender details"):      # a log entry's meta that is not one
        runner.request_information("crime_desk", "Any news?", "routine", meta=["alpha"])
    restored = ScenarioRunner.restore(rfi, runner.log)
    assert [(r.seat, r.meta) for r in restored.requests] == [("manager", record.meta), ("control", {})]
    assert [r.credited for r in restored.requests] == [r.credited for r in runner.requests]

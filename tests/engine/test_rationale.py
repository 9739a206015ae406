"""Rationales are assessed, not counted: structured parts, an assessor's rubric, provisional results."""

from __future__ import annotations

import pytest
from engine_helpers import FLAGSHIP, MINI, REPO, write_variant

from hydra_sim.engine import RunnerError, ScenarioRunner, load_scenario, score_runner
from hydra_sim.engine.plan import load_plan, run_plan
from hydra_sim.engine.runner import ReplayError

BEST_PLAN = REPO / "scenarios" / "brackenford-services.best.plan.yaml"
POWER = "fr_migrant_powers_decision"
BEST_PARTS = {"suspect_route": "arrest_s25", "suspect_necessity": "prompt_investigation",
              "group_route": "admin_route_nccu", "woman_route": "nrm_safe"}
ALL_MET = {c: "met" for c in ("information_each_adult", "risk_each_adult", "power_and_necessity",
                              "options_rejected", "review_plan", "victims_and_witnesses")}
WHEN = "2026-01-15T10:00:00Z"


@pytest.fixture(scope="module")
def flagship():
    return load_scenario(FLAGSHIP).raise_for_errors()


def at_rationale(scenario):
    """A runner at the flagship's NDM rationale, reached by the best plan's earlier steps."""
    steps, problems = load_plan(BEST_PLAN)
    assert not problems
    index = next(i for i, s in enumerate(steps) if s.scene == "powers_rationale")
    result = run_plan(scenario, steps[:index])
    assert result.problem is None and result.runner.scene_id == "powers_rationale"
    return result.runner, steps[index + 1:]


def single_characters(decision):
    return {field: "x" for field in decision.fields}


def by_id(report):
    return {a.action_id: a for a in report.actions}


def test_single_characters_with_wrong_parts_earn_nothing(flagship):
    runner, _ = at_rationale(flagship)
    decision = runner.decision
    wrong = {p.id: next(o.id for o in p.options if not o.outcome.evidences) for p in decision.parts}
    record = runner.choose(dict(single_characters(decision), parts=wrong))
    assert [c for c in record.credits if not c.contravened] == []
    result = by_id(score_runner(runner))[POWER]
    assert result.status == "missed" and result.credit == 0
    # Marking cannot rescue wrong parts, so the result is final (the rubric can still be marked).
    assert not score_runner(runner).provisional and runner.unmarked_rationales() == [record]


def test_single_characters_earn_nothing_until_an_assessor_marks_them(flagship):
    runner, _ = at_rationale(flagship)
    record = runner.choose(dict(single_characters(runner.decision), parts=BEST_PARTS))
    assert record.credits == [] and runner.awaiting[record.index] == (POWER,)
    report = score_runner(runner)
    result = by_id(report)[POWER]
    assert (result.status, result.credit) == ("awaiting_marking", 0)
    assert report.provisional and report.grade_label.endswith("(provisional)")
    assert POWER not in report.critical_failures          # not failed before anyone has marked it
    assert report.awaiting_marking == [{"decision_index": record.index, "scene_id": "powers_rationale",
                                        "actions": [POWER]}]
    # The assessor reads "x" in every box: not met. Now it is missed, and the result is final.
    runner.mark(record.index, {c: "not_met" for c in ALL_MET}, by="Sgt Okafor", at=WHEN)
    report = score_runner(runner)
    result = by_id(report)[POWER]
    assert (result.status, result.credit) == ("missed", 0)
    # weighted 3 but no longer critical (catalogue 2026.1, doctrine review): it costs marks, not the grade
    assert not result.critical and POWER not in report.critical_failures
    assert report.grade_id == "not_yet_competent"        # the steps after it were never played
    assert not report.provisional and "provisional" not in report.grade_label
    assert report.markings[0]["by"] == "Sgt Okafor" and report.markings[0]["at"] == WHEN


def test_every_box_filled_with_x_earns_no_action_in_any_bundled_scenario():
    for path in sorted((REPO / "scenarios").glob("*.yaml")):
        if path.name.endswith((".plan.yaml", ".catalogue.yaml")):
            continue
        scenario = load_scenario(path).raise_for_errors()
        for scene in scenario.scenes.values():
            decision = scene.decision
            if decision is None or decision.kind != "ndm_rationale":
                continue
            assert not decision.outcome.evidences, f"{path.name}: '{scene.id}' credits a filled-in form"
            assert decision.parts and decision.rubric, f"{path.name}: '{scene.id}' is not assessed"


def test_marking_met_updates_the_grade_and_a_remarking_replaces_it(flagship):
    runner, rest = at_rationale(flagship)
    record = runner.choose(dict(single_characters(runner.decision), parts=BEST_PARTS))
    remaining = [s for s in rest if s.kind != "mark" and s.kind != "expect"]
    assert run_plan(flagship, remaining, runner).problem is None
    before = score_runner(runner)
    runner.mark(record.index, ALL_MET, by="Insp Hale", at=WHEN, comments={"power_and_necessity": "Clear Code G"})
    after = score_runner(runner)
    assert before.provisional and before.percent < after.percent
    assert by_id(after)[POWER].status == "on_time" and after.percent == 100 and after.grade_id == "distinction"
    assert after.markings[0]["comments"] == {"power_and_necessity": "Clear Code G"}
    runner.mark(record.index, dict(ALL_MET, options_rejected="not_met"), by="Insp Hale", at=WHEN)
    assert by_id(score_runner(runner))[POWER].status == "missed"
    assert sum(1 for c in runner.ledger if c.source == "rubric") == 0


def test_marking_replays_from_the_log(flagship):
    runner, _ = at_rationale(flagship)
    record = runner.choose(dict(single_characters(runner.decision), parts=BEST_PARTS))
    runner.mark(record.index, ALL_MET, by="Insp Hale", at=WHEN)
    again = ScenarioRunner.restore(flagship, runner.log)
    assert again.markings == runner.markings
    assert by_id(score_runner(again))[POWER].status == "on_time"


def test_every_part_must_be_chosen_and_from_the_list(flagship):
    runner, _ = at_rationale(flagship)
    boxes = single_characters(runner.decision)
    with pytest.raises(RunnerError, match="choose an answer for: suspect_necessity"):
        runner.choose(dict(boxes, parts={k: v for k, v in BEST_PARTS.items() if k != "suspect_necessity"}))
    with pytest.raises(RunnerError, match="not a choice"):
        runner.choose(dict(boxes, parts=dict(BEST_PARTS, group_route="everyone_home")))
    with pytest.raises(RunnerError, match="no part 'power'"):
        runner.choose(dict(boxes, parts=dict(BEST_PARTS, power="s24")))
    assert runner.decisions[-1].scene_id != "powers_rationale"      # nothing was recorded


def test_a_feedback_only_rubric_is_marked_but_never_makes_the_result_provisional():
    scenario = load_scenario(MINI).raise_for_errors()
    runner = ScenarioRunner(scenario)
    runner.start()
    runner.choose("ambulance")
    runner.choose(["doors", "bwv"])
    runner.choose(["medical", "lorry", "forms"])
    record = runner.choose({"threat_risk": "x"})
    assert not score_runner(runner).provisional and runner.unmarked_rationales() == [record]
    runner.mark(record.index, {"risk_named": "not_met"}, by="A", at=WHEN)
    assert runner.unmarked_rationales() == [] and score_runner(runner).markings[0]["marks"] == {"risk_named": "not_met"}


def test_marking_must_be_complete_signed_and_for_a_rationale(flagship):
    runner, _ = at_rationale(flagship)
    record = runner.choose(dict(single_characters(runner.decision), parts=BEST_PARTS))
    with pytest.raises(RunnerError, match="not marked: review_plan"):
        runner.mark(record.index, {k: v for k, v in ALL_MET.items() if k != "review_plan"}, by="A", at=WHEN)
    with pytest.raises(RunnerError, match="'met' or 'not_met'"):
        runner.mark(record.index, dict(ALL_MET, review_plan="yes"), by="A", at=WHEN)
    with pytest.raises(RunnerError, match="who marked"):
        runner.mark(record.index, ALL_MET, by=" ", at=WHEN)
    with pytest.raises(RunnerError, match="not a rationale"):
        runner.mark(0, ALL_MET, by="A", at=WHEN)
    assert runner.markings == {}


def test_a_record_made_before_parts_existed_still_replays_and_rescores(flagship):
    """Old sessions stored only the boxes; they replay with the parts unanswered (no credit)."""
    runner, _ = at_rationale(flagship)
    old_log = list(runner.log) + [{"type": "choose", "scene": "powers_rationale", "clock": runner.clock.seconds,
                                   "selection": single_characters(runner.decision), "rationale": None, "meta": {}}]
    again = ScenarioRunner.restore(flagship, old_log)
    assert again.scene_id != "powers_rationale"
    assert by_id(score_runner(again))[POWER].status == "missed"
    with pytest.raises(RunnerError, match="choose an answer"):      # but a live answer must choose them
        runner.choose(single_characters(runner.decision))
    broken = old_log[:-1] + [dict(old_log[-1], selection={"parts": {"nope": "x"}, "information": "i"})]
    with pytest.raises(ReplayError):
        ScenarioRunner.restore(flagship, broken)


def test_mini_rubric_without_parts_is_provisional_until_marked(tmp_path):
    path = write_variant(tmp_path, [('guidance: "For feedback."}]', "evidences: [rationale_recorded]}]")])
    scenario = load_scenario(path).raise_for_errors()
    runner = ScenarioRunner(scenario)
    runner.start()
    runner.choose("ambulance")
    runner.choose(["doors", "bwv"])
    runner.choose(["medical", "lorry", "forms"])
    record = runner.choose({"threat_risk": "x"})
    assert record.credits == [] and by_id(score_runner(runner))["rationale_recorded"].status == "awaiting_marking"
    runner.mark(record.index, {"risk_named": "met"}, by="A", at=WHEN)
    assert by_id(score_runner(runner))["rationale_recorded"].status == "on_time"


def test_a_format_1_rationale_crediting_filled_boxes_loads_but_waits_for_an_assessor(tmp_path):
    old = 'rubric: [{id: risk_named, stage: threat_risk, criterion: "Names who is at risk and from what.", ' \
          'guidance: "For feedback."}]'
    path = write_variant(tmp_path, [(old, "evidences: [rationale_recorded]")])
    result = load_scenario(path)
    warnings = {(p.code, p.location.line, p.severity) for p in result.problems}
    assert result.ok and ("N001", 123, "warning") in warnings
    runner = ScenarioRunner(result.raise_for_errors())
    runner.start()
    runner.choose("ambulance")
    runner.choose(["doors", "bwv"])
    runner.choose(["medical", "lorry", "forms"])
    record = runner.choose({"threat_risk": "x"})
    assert record.credits == []                                   # filling in a box earns nothing
    assert by_id(score_runner(runner))["rationale_recorded"].status == "awaiting_marking"
    runner.mark(record.index, {"overall_rationale": "met"}, by="A", at=WHEN)
    assert by_id(score_runner(runner))["rationale_recorded"].status == "on_time"


def test_part_and_criterion_stages_must_be_boxes_shown(tmp_path):
    old = "stage: threat_risk"
    path = write_variant(tmp_path, [(old, "stage: ethics")])
    problems = load_scenario(path).problems
    assert any(p.code == "S004" and "stage 'ethics'" in p.message for p in problems)

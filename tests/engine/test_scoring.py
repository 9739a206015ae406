"""Scoring rules: on time, late, missed, contravened, not applicable, categories, grades."""

import pytest
from engine_helpers import MINI, write_variant

from hydra_sim.engine import ScenarioRunner, load_scenario, score_runner


@pytest.fixture(scope="module")
def mini():
    return load_scenario(MINI).raise_for_errors()


def by_id(report):
    return {a.action_id: a for a in report.actions}


def test_full_marks_on_best_path(mini):
    runner = ScenarioRunner(mini)
    runner.start()
    runner.choose("ambulance")
    runner.choose(["doors", "bwv"])
    runner.choose(["medical", "lorry", "forms"])
    runner.choose({"threat_risk": "x"})
    runner.choose("arrest", rationale="y")
    runner.continue_()
    report = score_runner(runner)
    assert report.percent == 100.0
    assert report.grade_id == "distinction"
    assert report.critical_failures == []
    assert by_id(report)["escalate_death"].status == "not_applicable"
    assert report.possible == 9       # the not-applicable action carries no weight
    assert sum(report.decision_points.values()) == report.earned


def test_late_action_gets_reduced_credit_and_explanation(mini):
    runner = ScenarioRunner(mini)
    runner.start()
    runner.advance(6 * 60)                      # window: 5 minutes from the start
    runner.choose("ambulance")
    result = by_id(score_runner(runner))["send_ambulance"]
    assert result.status == "late"
    assert result.credit == 1.5                 # weight 3 x late credit 0.5
    assert "04:16" in result.explanation and "04:15" in result.explanation


def test_milestone_relative_window(mini):
    runner = ScenarioRunner(mini)
    runner.start()
    runner.choose("ambulance")                  # arrival at 04:12
    runner.advance(5 * 60)
    runner.choose(["doors"])                    # 04:17 = arrival + 5: still on time
    assert by_id(score_runner(runner))["ventilate"].status == "on_time"
    runner2 = ScenarioRunner(mini)
    runner2.start()
    runner2.choose("ambulance")
    runner2.advance(5 * 60 + 1)
    runner2.choose(["doors"])
    assert by_id(score_runner(runner2))["ventilate"].status == "late"


def test_before_milestone_window_is_on_time_until_milestone(mini):
    runner = ScenarioRunner(mini)
    runner.start()
    runner.choose("ambulance")
    runner.choose(["doors"])
    runner.choose(["medical", "lorry", "forms"])   # keep_lorry before handover
    assert by_id(score_runner(runner))["keep_lorry"].status == "on_time"


def test_contravention_costs_weight_and_critical_miss_decides_grade(mini):
    runner = ScenarioRunner(mini)
    runner.start()
    runner.choose("refer")
    report = score_runner(runner)
    result = by_id(report)["send_ambulance"]
    assert result.status == "contravened" and result.credit == -3
    assert result.feedback == ["No ambulance."]
    assert "send_ambulance" in report.critical_failures
    assert report.grade_id == "not_yet_competent"
    assert report.percent == 0.0                # negative totals show as 0%


def test_critical_miss_fails_even_with_high_total(tmp_path):
    # A scenario override makes one action heavy, so the total stays high while a critical one is missed.
    path = write_variant(tmp_path, [("assess:\n", "assess:\n  bwv_on: {weight: 60}\n")])
    scenario = load_scenario(path).raise_for_errors()
    runner = ScenarioRunner(scenario)
    runner.start()
    runner.choose("ambulance")
    runner.choose(["bwv"])                      # ventilate (critical) missed
    report = score_runner(runner)
    assert report.percent > 85
    assert report.critical_failures == ["ventilate"]
    assert report.grade_label == "Not yet competent"


def test_rank_rule_broken_gives_feedback_and_no_credit(mini):
    runner = ScenarioRunner(mini)
    runner.start()
    runner.choose("ambulance")
    runner.choose(["doors"])
    record = runner.choose(["forms", "medical", "lorry"])
    assert "Life before forms." in record.feedback
    assert by_id(score_runner(runner))["keep_lorry"].status == "missed"


def test_category_scores_add_up(mini):
    runner = ScenarioRunner(mini)
    runner.start()
    runner.choose("ambulance")
    runner.choose(["bwv"])
    report = score_runner(runner)
    cats = {c.category: c for c in report.categories}
    assert cats["preservation_of_life"].earned == 3 and cats["preservation_of_life"].possible == 6
    assert cats["scene_evidence"].earned == 2 and cats["scene_evidence"].possible == 3
    assert [c.category for c in report.categories] == ["preservation_of_life", "scene_evidence"]


def test_every_line_cites_sources_and_why(mini):
    runner = ScenarioRunner(mini)
    runner.start()
    report = score_runner(runner)
    for action in report.actions:
        assert action.why and action.explanation
        assert action.evidence in ("D", "I")
    ambulance = by_id(report)["send_ambulance"]
    assert ambulance.sources == [{"id": "S1", "title": "Source one", "url": "https://example.org/s1"}]


def test_applies_if_counts_action_when_situation_arises(mini):
    runner = ScenarioRunner(mini)
    runner.start()
    runner.choose("refer")
    runner.advance(10 * 60)                     # collapse -> death scene
    assert runner.scene_id == "death"
    report = score_runner(runner)
    assert by_id(report)["escalate_death"].status == "missed"
    runner.choose("escalate")
    assert by_id(score_runner(runner))["escalate_death"].status == "on_time"

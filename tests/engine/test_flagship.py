"""The bundled Brackenford Services scenario meets its brief."""

import pytest
from engine_helpers import FLAGSHIP, REPO

from hydra_sim.engine import load_plan, load_scenario, run_plan, score_runner


@pytest.fixture(scope="module")
def flagship():
    result = load_scenario(FLAGSHIP)
    assert result.ok, [p.format() for p in result.problems]
    return result.scenario


def play(scenario, plan_name):
    steps, problems = load_plan(REPO / "scenarios" / plan_name)
    assert steps is not None and not problems
    result = run_plan(scenario, steps)
    assert result.problem is None, result.problem.format()
    return result.runner, score_runner(result.runner)


def test_lints_clean_without_warnings():
    assert load_scenario(FLAGSHIP).problems == []


def test_shape_meets_the_brief(flagship):
    kinds = [s.decision.kind for s in flagship.scenes.values() if s.decision]
    assert {"choose_one", "choose_many", "rank", "ndm_rationale"} <= set(kinds)
    assert len({e.outcome for e in flagship.endings.values()}) >= 3
    assert len(list(flagship.all_injects())) >= 3
    assert any(s.decision and s.decision.time_limit_seconds for s in flagship.scenes.values())
    documents = [m for m in flagship.media.values() if m.kind == "document"]
    assert len(documents) >= 2 and all(m.resolved_path and m.alt for m in documents)
    assert len(flagship.reference) >= 2


def test_best_path_has_fourteen_decisions_and_full_marks(flagship):
    runner, report = play(flagship, "brackenford-services.best.plan.yaml")
    assert len(runner.decisions) >= 14
    assert runner.ended and flagship.endings[runner.ended].outcome == "good"
    assert report.percent == 100.0 and report.grade_id == "distinction"
    covered = {a.action_id for a in report.actions if a.status == "on_time"}
    assert len(covered) >= 30


def test_careless_path_fails_with_critical_misses_listed(flagship):
    runner, report = play(flagship, "brackenford-services.careless.plan.yaml")
    assert runner.ended and flagship.endings[runner.ended].outcome in ("harm", "investigation_lost",
                                                                        "safeguarding_failure")
    assert report.grade_id == "not_yet_competent"
    assert {"ch_dispatch_ambulance", "fr_open_ventilate_trailer"} <= set(report.critical_failures)


def test_catalogue_has_all_50_actions_with_sources_and_few_criticals(flagship):
    catalogue = flagship.catalogues[0]
    assert catalogue.id == "nrp-core" and len(catalogue.actions) == 50
    # the doctrine review: a critical action is one whose omission is a real failure of the response
    critical = [a for a in catalogue.actions.values() if a.critical]
    assert len(critical) == 17 and len(critical) < len(catalogue.actions) / 2
    for action in catalogue.actions.values():
        assert action.why and action.title and action.category in catalogue.categories
        assert action.evidence in ("D", "I")
        if action.evidence == "D":
            assert action.sources and all(s.url.startswith("https://") or s.url.startswith("http://")
                                          for s in action.sources)

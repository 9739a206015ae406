"""The assessment audit (A101-A112): text-blind strategies played through the real runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from authoring_helpers import MINI, hydra

from hydra_sim.engine.audit import (
    First,
    Last,
    Longest,
    RandomChoice,
    audit,
    audit_problems,
    format_report,
    option_value,
    play,
    within_targets,
    wording_cues,
)
from hydra_sim.engine.loader import load_scenario
from hydra_sim.engine.problems import ERROR, WARNING
from hydra_sim.engine.runner import ScenarioRunner
from hydra_sim.engine.scaffold import write_scaffold
from hydra_sim.engine.scoring import LATE, ON_TIME, score_runner

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml"))
BUNDLED = [p for p in BUNDLED if not p.name.endswith((".catalogue.yaml", ".plan.yaml"))
           and p.name != "hydra-project.yaml"]


def by_code(problems, code):
    return [p for p in problems if p.code == code]


def test_mini_fails_the_audit_because_the_first_option_is_always_best() -> None:
    scenario = load_scenario(MINI).raise_for_errors()
    report = audit(scenario, seeds=11)
    first = next(s for s in report.strategies if s.name == "first")
    assert first.passed and first.percent >= 60
    a110 = by_code(audit_problems(scenario, report), "A110")
    assert a110 and all(p.severity == ERROR for p in a110)
    assert any("always the first option" in p.message for p in a110)


def test_a_strategy_scores_what_the_same_choices_score_by_hand() -> None:
    """The audit plays the real runner: 'always last' equals a manual playthrough of the last options."""
    scenario = load_scenario(MINI).raise_for_errors()
    by_strategy, problem = play(scenario, Last())
    assert problem == ""
    runner = ScenarioRunner(scenario)
    runner.start()
    while not runner.ended:
        decision = runner.decision
        if decision is None:
            runner.continue_()
            continue
        options = runner.available_options()
        if decision.kind == "choose_one":
            runner.choose(options[-1].id, "x" if decision.rationale == "required" else "")
        else:
            runner.choose(Last().answer(decision, options), "x" if decision.rationale == "required" else "")
    by_hand = score_runner(runner)
    assert by_strategy.percent == by_hand.percent
    assert by_strategy.ending_id == by_hand.ending_id


def test_random_choice_is_reproducible_from_its_seed() -> None:
    import random

    scenario = load_scenario(MINI).raise_for_errors()
    one, _ = play(scenario, RandomChoice(random.Random(7)))
    two, _ = play(scenario, RandomChoice(random.Random(7)))
    assert one.percent == two.percent and one.ending_id == two.ending_id


def test_a_best_option_that_stands_out_is_a_wording_cue() -> None:
    scenario = load_scenario(MINI).raise_for_errors()
    options = list(scenario.scenes["call"].decision.options)
    best = max(options, key=lambda o: option_value(scenario, o))
    others = [o for o in options if o is not best]
    plain = wording_cues(best, others)
    best.label = best.label + ", then check the casualties and request HEMS, then cordon the scene"
    cued = wording_cues(best, others)
    assert len(cued) > len(plain)
    assert any("longest" in cue for cue in cued)


def test_a_new_scenario_from_the_scaffold_is_within_the_audit_targets(tmp_path: Path) -> None:
    written = write_scaffold("audit-check", tmp_path)
    scenario = load_scenario(written.scenario).raise_for_errors()
    report = audit(scenario, seeds=11)
    assert not any(s.passed for s in report.strategies), [(s.name, s.percent) for s in report.strategies]
    assert not by_code(audit_problems(scenario, report), "A110")


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_no_text_blind_strategy_passes_a_bundled_scenario(path: Path) -> None:
    scenario = load_scenario(path).raise_for_errors()
    report = audit(scenario, seeds=11)
    assert not [s.name for s in report.strategies if s.passed]


# The bundled scenarios, whose labels were rewritten (or written) to meet issue 12's targets: keep them there.
AUDITED = [ROOT / "scenarios" / name
           for name in ("brackenford-services.yaml", "layby-drop.yaml", "trailer-fatality.yaml", "front-counter.yaml",
                        "brackenford-seated.yaml")]


@pytest.mark.parametrize("path", AUDITED, ids=lambda p: p.stem)
def test_a_rewritten_bundled_scenario_is_within_every_audit_target(path: Path) -> None:
    scenario = load_scenario(path).raise_for_errors()
    report = audit(scenario)  # the same seeds as 'hydra-sim audit'
    scores = [(s.name, s.percent) for s in report.strategies]
    assert within_targets(report), (scores, report.random_median(), report.longest_share)
    assert all(s.percent <= 40 for s in report.strategies), scores
    assert report.longest_share <= 1 / 3
    assert not report.cues, [(c.scene_id, c.best_option, c.cues) for c in report.cues]


def test_cli_audit_prints_the_table_and_fails_the_mini_fixture() -> None:
    done = hydra("audit", str(MINI))
    assert done.returncode == 1
    assert "always the first option" in done.stdout and "FAIL: a text-blind strategy passes" in done.stdout
    as_json = hydra("audit", str(MINI), "--json", "--seeds", "5")
    data = json.loads(as_json.stdout)
    assert data[0]["scenario_id"] == "mini"
    assert {s["name"] for s in data[0]["strategies"]} >= {"first", "last", "longest", "random"}


def test_audit_warnings_are_warnings_not_errors() -> None:
    scenario = load_scenario(MINI).raise_for_errors()
    for problem in audit_problems(scenario, audit(scenario, seeds=5)):
        assert problem.severity == (ERROR if problem.code == "A110" else WARNING), problem.format()


def test_longest_ticks_the_longest_half_of_a_checklist() -> None:
    scenario = load_scenario(MINI).raise_for_errors()
    checklist = next(s.decision for s in scenario.scenes.values()
                     if s.decision is not None and s.decision.kind == "choose_many")
    picks = Longest().many(checklist, list(checklist.options))
    longest = sorted(checklist.options, key=lambda o: len(o.label), reverse=True)
    assert {o.id for o in longest[: len(picks)]} == {o.id for o in picks}


# -- one seat of a seated scenario played alone (audit --seat) ---------------------------------
SEATED = ROOT / "tests" / "fixtures" / "seated" / "seated.yaml"


def test_a_seat_audit_plays_only_that_seat_and_scores_it_alone() -> None:
    scenario = load_scenario(SEATED).raise_for_errors()
    whole, control = audit(scenario, seeds=5), audit(scenario, seeds=5, seat="control")
    assert whole.seat is None and control.seat == "control"
    # the fixture's control seat has two decisions with choices (call, brief): only those are counted
    decisions = [s for s in scenario.scenes.values() if s.decision is not None and len(s.decision.options) >= 2]
    assert control.single_choice == sum(1 for s in decisions if s.seat == "control") < whole.single_choice
    assert "seat 'control' played alone" in format_report(control)
    first = next(s for s in control.strategies if s.name == "first")
    # always-first in the control room: police only, no ambulance (contravened); the rest are stand-ins
    assert first.percent < 100 and not first.passed


def test_a_seat_audit_of_a_seat_that_does_not_exist_says_so() -> None:
    scenario = load_scenario(SEATED).raise_for_errors()
    with pytest.raises(ValueError, match="no seat 'kitchen'.*seats: control, scene, manager"):
        audit(scenario, seeds=1, seat="kitchen")
    mini = load_scenario(MINI).raise_for_errors()
    with pytest.raises(ValueError, match="has no seats"):
        audit(mini, seeds=1, seat="control")


def test_cli_audit_seat_all_audits_every_seat_of_the_seated_flagship() -> None:
    flagship = ROOT / "scenarios" / "brackenford-seated.yaml"
    done = hydra("audit", str(flagship), "--seat", "all", "--json")     # the default seeds, as a trainer runs it
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(done.stdout)
    assert [d["seat"] for d in data] == ["control", "scene", "manager", "investigator"]
    assert all(d["within_targets"] for d in data)


def test_cli_audit_seat_refuses_an_unknown_seat_and_a_scenario_without_seats() -> None:
    unknown = hydra("audit", str(SEATED), "--seat", "kitchen", "--seeds", "1")
    assert unknown.returncode == 1 and "no seat 'kitchen'" in unknown.stderr
    unseated = hydra("audit", str(MINI), "--seat", "all", "--seeds", "1")
    assert unseated.returncode == 1 and "has no seats" in unseated.stderr


# -- request spamming (the "ask-all" strategy) ------------------------------------------------
RFI = ROOT / "tests" / "fixtures" / "rfi" / "rfi.yaml"


def test_request_spam_sends_every_keyword_and_x_and_can_you_help_to_every_partner() -> None:
    from hydra_sim.engine.audit import spam_requests
    scenario = load_scenario(RFI).raise_for_errors()
    sent = spam_requests(scenario)
    keywords = [k for p in scenario.partners.values() for r in p.replies.values() for k in r.keywords]
    bags = [r for r in sent if all(k in r["question"] for k in keywords)]
    assert {r["partner"] for r in bags} == set(scenario.partners)
    assert {(r["partner"], r["topic"]) for r in sent if r["question"] == "x"} == {
        (p, t) for p, partner in scenario.partners.items() for t in partner.replies}
    assert any(r["question"] == "can you help" for r in sent)


@pytest.mark.parametrize("path,seat", [(RFI, None), (RFI, "manager"),
                                       (ROOT / "scenarios" / "brackenford-seated.yaml", "investigator"),
                                       (ROOT / "scenarios" / "brackenford-seated.yaml", None)],
                         ids=["rfi", "rfi-manager", "flagship-investigator", "flagship"])
def test_request_spam_earns_no_request_credit(path: Path, seat) -> None:
    from hydra_sim.engine.audit import RequestSpam, play
    from hydra_sim.engine.requests import request_actions
    scenario = load_scenario(path).raise_for_errors()
    for base in (First(), Longest()):
        report, problem = play(scenario, RequestSpam(base), None, seat)
        plain, _ = play(scenario, base, None, seat)
        assert not problem and report.requests, problem
        assert not any(r["credited"] or r["actions"] for r in report.requests)
        by_request = {line.action_id: line for line in report.actions if line.action_id in request_actions(scenario)}
        assert by_request and all(line.status not in (ON_TIME, LATE) for line in by_request.values())
        assert report.percent == plain.percent            # the spam added nothing to what the choices earn


def test_the_audit_of_a_scenario_with_partners_plays_request_spam_and_it_fails() -> None:
    scenario = load_scenario(RFI).raise_for_errors()
    report = audit(scenario, seeds=3)
    spam = next(s for s in report.strategies if s.name == "ask-all")
    assert not spam.passed and "every keyword" in spam.description
    unseated = audit(load_scenario(MINI).raise_for_errors(), seeds=1)
    assert "ask-all" not in {s.name for s in unseated.strategies}   # no partners: nothing to spam

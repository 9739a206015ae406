"""Assessment audit: can a trainee who never reads the scenario still do well?

Two kinds of evidence, both reported by ``hydra-sim audit`` and, as lint problems, by
``hydra-sim lint`` (codes A101-A112, docs/lint.md):

- **cues** in the wording of each choose-one decision: the best option (the one whose
  evidence is worth most) is the longest by a clear margin, the only one that lists steps
  ("and", "then", commas), or the only one naming a procedure or acronym; and, over the whole
  scenario, how often the best option is the longest;
- **text-blind strategies** played through the real runner from start to ending: always the
  first, last, longest or shortest option; random choice over many seeds; on checklists tick
  all, tick none, or the longest half; rankings in file order or by length; "x" in every
  rationale box. First and last use the order in the file, the worst case for an author
  (shuffling hides position from trainees, but an author may pin it);
- in a scenario with partners, **request spamming** ("ask-all"): at the start, every partner is
  sent a question made of every keyword of every canned reply (with no topic named, and under
  each of its topics), and "x" and "can you help" under each topic, while the decisions are
  answered as the best of the fixed strategies above answered them. Such requests must earn
  nothing (requests.is_focused), so the strategy scores what its choices score.

A strategy that reaches a passing grade is an error: the grade would not mean the trainee
read anything. A seated scenario can be audited for one seat played alone (``seat=``): the
strategy answers that seat's decisions, the other seats' stand-ins take theirs, and the seat is
scored as a trainee in that seat would be (seats.py); the cues are counted over that seat's
decisions. Must not import Qt or any GUI code.
"""

from __future__ import annotations

import random
import re
import statistics
from dataclasses import dataclass, field

from .model import Decision, Option, Scenario
from .problems import ERROR, WARNING, Problem
from .runner import RunnerError, ScenarioRunner
from .scoring import score_runner

RANDOM_SEEDS = 41
MAX_STEPS = 2_000               # a strategy that loops this long is reported, not waited on
BLIND_SCORE_LIMIT = 40.0        # percent: no text-blind strategy may score more
RANDOM_MEDIAN_LIMIT = 30.0      # percent: random choice's median must stay below
RANDOM_PASS_LIMIT = 0.05        # random choice "passes" when more than this share of seeds pass
LONGEST_SHARE_LIMIT = 1 / 3     # of single-choice decisions whose best option is the longest
CLEAR_MARGIN = 1.25             # longest this many times the next longest: it stands out
_LISTS_STEPS = re.compile(r"\b(?:and|then)\b|[,;:]", re.I)
_PROCEDURE = re.compile(r"\b[A-Z]{2,}[a-z]?\b|\b(?:section|s\.?\s?\d+|Code [A-H])\b")


@dataclass
class StrategyResult:
    name: str
    description: str
    percent: float
    grade: str
    passed: bool
    ending: str | None
    runs: int = 1
    best: float | None = None       # random: the best run (percent is the median over seeds)
    pass_rate: float | None = None  # random: the share of seeds that passed
    problem: str = ""               # the strategy could not finish (why)


@dataclass
class DecisionCue:
    scene_id: str
    decision_index: int
    best_option: str
    cues: list[str]
    location: object


@dataclass
class AuditReport:
    scenario_id: str
    pass_mark: float | None
    seat: str | None = None         # the seat played alone (None: every seat, or no seats)
    strategies: list[StrategyResult] = field(default_factory=list)
    cues: list[DecisionCue] = field(default_factory=list)
    single_choice: int = 0
    best_is_longest: int = 0

    @property
    def longest_share(self) -> float:
        return self.best_is_longest / self.single_choice if self.single_choice else 0.0

    def random_median(self) -> float | None:
        return next((s.percent for s in self.strategies if s.name == "random"), None)


# -- what an option is worth ---------------------------------------------------------------
def option_value(scenario: Scenario, option: Option) -> float:
    """Weight of the actions an option evidences, less those it contravenes (penalty-weighted)."""
    penalty = scenario.scoring.contravene_penalty
    value = 0.0
    for ref in option.outcome.evidences:
        assessment = scenario.assessed.get(ref.action_id)
        value += assessment.weight if assessment else 0
    for ref in option.outcome.contravenes:
        assessment = scenario.assessed.get(ref.action_id)
        value -= (assessment.weight if assessment else 0) * penalty
    return value


def _best_option(scenario: Scenario, options) -> Option | None:
    """The single option worth most, or None when two or more share the top value."""
    values = sorted(((option_value(scenario, o), i) for i, o in enumerate(options)), reverse=True)
    if len(values) < 2 or values[0][0] <= values[1][0]:
        return None
    return options[values[0][1]]


def wording_cues(best: Option, others: list[Option]) -> list[str]:
    """How the best option's wording gives it away against the other options."""
    cues = []
    lengths = sorted((len(o.label) for o in others), reverse=True)
    if lengths and len(best.label) >= CLEAR_MARGIN * lengths[0] and len(best.label) - lengths[0] >= 12:
        cues.append(f"it is the longest by a clear margin ({len(best.label)} characters; next {lengths[0]})")
    if _LISTS_STEPS.search(best.label) and not any(_LISTS_STEPS.search(o.label) for o in others):
        cues.append("it is the only one that lists several steps ('and', 'then', commas)")
    named = set(_PROCEDURE.findall(best.label))
    if named and not any(set(_PROCEDURE.findall(o.label)) & named or _PROCEDURE.search(o.label) for o in others):
        cues.append(f"it is the only one naming a procedure or acronym ({', '.join(sorted(named))})")
    return cues


# -- strategies ----------------------------------------------------------------------------
class Strategy:
    """Answers every decision without reading it. Subclasses choose among options."""

    name = ""
    description = ""

    def __init__(self, rng: random.Random | None = None):
        self.rng = rng or random.Random(0)

    def one(self, options: list[Option]) -> Option:
        raise NotImplementedError

    def many(self, decision: Decision, options: list[Option]) -> list[Option]:
        return _within_picks(decision, options, [self.one(options)])

    def rank(self, options: list[Option]) -> list[Option]:
        return list(options)

    def requests(self, scenario: Scenario) -> list[dict]:
        """Requests for information sent at the start (none, but for request spamming)."""
        return []

    def answer(self, decision: Decision, options: list[Option]):
        if decision.kind == "choose_one":
            return self.one(options).id
        if decision.kind == "choose_many":
            chosen = {o.id for o in self.many(decision, options)}
            return [o.id for o in options if o.id in chosen]
        if decision.kind == "rank":
            return [o.id for o in self.rank(options)]
        return self.rationale(decision)

    def rationale(self, decision: Decision) -> dict:
        """'x' in every box; any structured part answered by this strategy's option choice."""
        selection: dict = {name: "x" for name in decision.fields}
        parts = getattr(decision, "parts", ())
        if parts:
            selection["parts"] = {part.id: self.one(list(part.options)).id for part in parts}
        return selection


def _within_picks(decision: Decision, options: list[Option], picks: list[Option]) -> list[Option]:
    """Trim or pad ``picks`` (in the strategy's preference order) to the decision's pick limits."""
    low = decision.min_picks or 0
    high = decision.max_picks if decision.max_picks is not None else len(options)
    picks = picks[:high]
    for option in options:
        if len(picks) >= low:
            break
        if option not in picks:
            picks.append(option)
    return picks


class First(Strategy):
    name, description = "first", "always the first option (file order)"

    def one(self, options):
        return options[0]


class Last(Strategy):
    name, description = "last", "always the last option (file order)"

    def one(self, options):
        return options[-1]


class Longest(Strategy):
    name, description = "longest", "always the longest label; checklists: the longest half; ranking by length"

    def one(self, options):
        return max(options, key=lambda o: len(o.label))

    def many(self, decision, options):
        ranked = sorted(options, key=lambda o: -len(o.label))
        return _within_picks(decision, options, ranked[:max(1, (len(options) + 1) // 2)])

    def rank(self, options):
        return sorted(options, key=lambda o: -len(o.label))


class Shortest(Strategy):
    name, description = "shortest", "always the shortest label; ranking shortest first"

    def one(self, options):
        return min(options, key=lambda o: len(o.label))

    def rank(self, options):
        return sorted(options, key=lambda o: len(o.label))


class TickAll(First):
    name, description = "tick-all", "first option; tick every checklist item; ranking as listed"

    def many(self, decision, options):
        return _within_picks(decision, options, list(options))


class TickNone(First):
    name, description = "tick-none", "first option; tick as few checklist items as allowed; ranking reversed"

    def many(self, decision, options):
        return _within_picks(decision, options, [])

    def rank(self, options):
        return list(reversed(options))


class RandomChoice(Strategy):
    name, description = "random", f"random choice everywhere ({RANDOM_SEEDS} seeds)"

    def one(self, options):
        return self.rng.choice(options)

    def many(self, decision, options):
        picks = [o for o in options if self.rng.random() < 0.5]
        self.rng.shuffle(picks)
        return _within_picks(decision, options, picks)

    def rank(self, options):
        order = list(options)
        self.rng.shuffle(order)
        return order


FIXED_STRATEGIES = (First, Last, Longest, Shortest, TickAll, TickNone)

#: What a request spammer asks under every topic besides the bag of every keyword.
SPAM_QUESTIONS = ("x", "can you help")


def spam_requests(scenario: Scenario) -> list[dict]:
    """The requests the "ask-all" strategy sends at once: to every partner, every keyword of every
    reply in the scenario as one question (no topic named, then each topic named), and "x" and
    "can you help" under each topic."""
    from .requests import MAX_QUESTION
    bag = ""
    for partner in scenario.partners.values():
        for reply in partner.replies.values():
            for keyword in reply.keywords:
                if len(bag) + len(keyword) + 1 <= MAX_QUESTION:    # a request longer than that is refused
                    bag = f"{bag} {keyword}".strip()
    questions = ((bag,) if bag else ()) + SPAM_QUESTIONS
    sent = []
    for partner_id, partner in scenario.partners.items():
        if bag:
            sent.append({"partner": partner_id, "question": bag, "urgency": "immediate", "topic": None})
        for topic in partner.replies:
            sent += [{"partner": partner_id, "question": q, "urgency": "immediate", "topic": topic} for q in questions]
    return sent


class RequestSpam(Strategy):
    """Request spamming: everything to everyone at the start; the decisions answered as ``base`` does."""

    name = "ask-all"

    def __init__(self, base: Strategy):
        super().__init__()
        self.base = base
        self.description = (f"asks every partner at the start a question of every keyword, and 'x' and "
                            f"'can you help' under every topic; chooses as '{base.name}'")

    def answer(self, decision, options):
        return self.base.answer(decision, options)

    def requests(self, scenario):
        return spam_requests(scenario)


def play(scenario: Scenario, strategy: Strategy, conditions: dict | None = None, seat: str | None = None):
    """Play ``strategy`` from the start to an ending through the real runner, under the given run
    conditions (their defaults if None), as one seat with stand-ins for the others when ``seat``
    is given; returns (report, problem)."""
    runner = ScenarioRunner(scenario, conditions=conditions, seat=seat)
    runner.start()
    for request in strategy.requests(scenario):
        try:
            runner.request_information(**request)
        except RunnerError:
            pass                # refused (e.g. too long): a spammer just sends the next one
    for _ in range(MAX_STEPS):
        if runner.ended:
            break
        decision = runner.decision
        try:
            if decision is None:
                runner.continue_()
                continue
            options = runner.available_options() if decision.kind != "ndm_rationale" else []
            if decision.kind != "ndm_rationale" and not options:
                return score_runner(runner), "a decision offered no option"
            rationale = "x" if decision.rationale == "required" else ""
            runner.choose(strategy.answer(decision, options), rationale)
        except RunnerError as exc:
            return score_runner(runner), str(exc)
    else:
        return score_runner(runner), f"no ending after {MAX_STEPS} steps"
    return score_runner(runner), ""


def _passed(scenario: Scenario, report, mark: float | None) -> bool:
    if report.grade_id == scenario.scoring.critical_fail_grade or not report.finished:
        return False
    return mark is None or report.percent >= mark


def audit(scenario: Scenario, seeds: int = RANDOM_SEEDS, seat: str | None = None) -> AuditReport:
    """Every text-blind strategy under every combination of run conditions: a fixed strategy's
    figure is its best combination (a blind trainee may be lucky in the incident they meet);
    random seeds are spread over the combinations, as sessions' draws are. ``seat``: audit that
    seat of a seated scenario played alone, the other seats taken by their stand-ins
    (ValueError for a seat the scenario does not have)."""
    from .deep_checks import pass_mark
    from .run_conditions import combinations
    if seat is not None and seat not in scenario.seats:
        raise ValueError(f"no seat '{seat}' in scenario '{scenario.id}'"
                         + (f" (seats: {', '.join(scenario.seats)})" if scenario.seats else " (it has no seats)"))
    mark = pass_mark(scenario)
    result = AuditReport(scenario.id, mark, seat=seat)
    settings = list(combinations(scenario))
    for cls in FIXED_STRATEGIES:
        runs = [play(scenario, cls(), conditions, seat) for conditions in settings]
        report, problem = max(runs, key=lambda pair: pair[0].percent)
        result.strategies.append(StrategyResult(cls.name, cls.description, report.percent, report.grade_label,
                                                any(_passed(scenario, r, mark) for r, _ in runs), report.ending_id,
                                                runs=len(runs), problem=problem))
    if scenario.partners:       # request spamming, with the choices of the fixed strategy that did best
        best_cls = next(cls for cls in FIXED_STRATEGIES
                        if cls.name == max(result.strategies, key=lambda s: s.percent).name)
        spammer = RequestSpam(best_cls())
        runs = [play(scenario, spammer, conditions, seat) for conditions in settings]
        report, problem = max(runs, key=lambda pair: pair[0].percent)
        result.strategies.append(StrategyResult(spammer.name, spammer.description, report.percent,
                                                report.grade_label, any(_passed(scenario, r, mark) for r, _ in runs),
                                                report.ending_id, runs=len(runs), problem=problem))
    randoms = [play(scenario, RandomChoice(random.Random(seed)), settings[seed % len(settings)], seat)
               for seed in range(seeds)]
    percents = [r.percent for r, _ in randoms]
    middle, _ = sorted(randoms, key=lambda pair: pair[0].percent)[len(randoms) // 2]
    # One lucky run in many is chance, not a strategy; a pass in more than 1 run in 20 is.
    pass_rate = sum(_passed(scenario, r, mark) for r, _ in randoms) / seeds
    result.strategies.append(StrategyResult(
        "random", RandomChoice.description.replace(str(RANDOM_SEEDS), str(seeds)), statistics.median(percents),
        middle.grade_label, pass_rate > RANDOM_PASS_LIMIT, middle.ending_id,
        runs=seeds, best=max(percents), pass_rate=pass_rate))
    _collect_cues(scenario, result, seat)
    return result


def _collect_cues(scenario: Scenario, result: AuditReport, seat: str | None = None) -> None:
    index = 0
    for scene in scenario.scenes.values():
        decision = scene.decision
        if decision is None:
            continue
        index += 1
        if seat is not None and scene.seat != seat:     # one seat audited: only its own decisions
            continue
        if decision.kind != "choose_one" or len(decision.options) < 2:
            continue
        result.single_choice += 1
        options = list(decision.options)
        best = _best_option(scenario, options)
        if best is None:
            continue
        others = [o for o in options if o is not best]
        if len(best.label) > max(len(o.label) for o in others):
            result.best_is_longest += 1
        cues = wording_cues(best, others)
        if cues:
            result.cues.append(DecisionCue(scene.id, index, best.id, cues, best.location))


# -- as lint problems ----------------------------------------------------------------------
def audit_problems(scenario: Scenario, report: AuditReport | None = None) -> list[Problem]:
    """The audit as lint problems (A101-A112): wording cues warn; a passing blind strategy is an error."""
    report = report or audit(scenario)
    problems = []
    for cue in report.cues:
        problems.append(Problem("A101", WARNING, f"the best option '{cue.best_option}' stands out without "
                                f"reading: {'; '.join(cue.cues)}", cue.location,
                                "make the options alike in length and detail; make distractors "
                                "good-but-incomplete rather than obviously wrong"))
    if report.single_choice >= 2 and report.longest_share > LONGEST_SHARE_LIMIT:
        problems.append(Problem("A102", WARNING, f"the best option is the longest in {report.best_is_longest} of "
                                f"{report.single_choice} single-choice decisions (at most a third is fair)",
                                scenario.location, "shorten the best options or lengthen the others"))
    for strategy in report.strategies:
        what = strategy.description
        if strategy.passed:
            scored = (f"passes in {strategy.pass_rate:.0%} of runs" if strategy.pass_rate is not None
                      else f"scores {strategy.percent:g}% ({strategy.grade})")
            problems.append(Problem("A110", ERROR, f"a trainee who ignores the text passes: '{what}' {scored}",
                                    scenario.location,
                                    "run 'hydra-sim audit' and change the decisions that strategy gets right"))
        elif strategy.percent > BLIND_SCORE_LIMIT:
            median = " (median)" if strategy.best is not None else ""
            problems.append(Problem("A111", WARNING, f"'{what}' scores {strategy.percent:g}%{median} without reading "
                                    f"(at most {BLIND_SCORE_LIMIT:g}% is fair)", scenario.location,
                                    "run 'hydra-sim audit' to see which decisions it gets right"))
    median = report.random_median()
    if median is not None and median >= RANDOM_MEDIAN_LIMIT:
        problems.append(Problem("A112", WARNING, f"random choice has a median score of {median:g}% "
                                f"(below {RANDOM_MEDIAN_LIMIT:g}% is fair)", scenario.location,
                                "make more options good-but-incomplete, so chance earns little"))
    return problems


def format_report(report: AuditReport) -> str:
    """The plain-text table ``hydra-sim audit`` prints."""
    played = f", seat '{report.seat}' played alone" if report.seat else ""
    lines = [f"Assessment audit: {report.scenario_id}{played} (pass mark "
             f"{'none' if report.pass_mark is None else f'{report.pass_mark:g}%'})", "",
             f"  {'strategy':<10} {'score':>7}  {'grade':<22} {'ending':<24} what it does"]
    for s in report.strategies:
        score = f"{s.percent:g}%"
        grade = s.grade + (" PASS" if s.passed and s.best is None else "")
        note = s.description + (f"; median run shown; best run {s.best:g}%, "
                                f"{s.pass_rate:.0%} of runs passed" + (" (PASS: more than 1 in 20)" if s.passed else "")
                                if s.best is not None else "")
        if s.problem:
            note += f" (stopped: {s.problem})"
        lines.append(f"  {s.name:<10} {score:>7}  {grade:<22} {str(s.ending or '-'):<24} {note}")
    lines += ["", f"  best option is the longest in {report.best_is_longest} of {report.single_choice} "
              f"single-choice decisions ({report.longest_share:.0%}; at most 33% is fair)"]
    median = report.random_median()
    verdict = []
    if any(s.passed for s in report.strategies):
        verdict.append("FAIL: a text-blind strategy passes")
    if any(s.percent > BLIND_SCORE_LIMIT for s in report.strategies):
        verdict.append(f"a text-blind strategy scores over {BLIND_SCORE_LIMIT:g}%")
    if median is not None and median >= RANDOM_MEDIAN_LIMIT:
        verdict.append(f"random median {median:g}% is not below {RANDOM_MEDIAN_LIMIT:g}%")
    if report.single_choice >= 2 and report.longest_share > LONGEST_SHARE_LIMIT:
        verdict.append("the best option is too often the longest")
    if report.cues:
        lines += ["", "  Decisions whose best option stands out without reading:"]
        for cue in report.cues:
            lines.append(f"    {cue.location}: scene '{cue.scene_id}', option '{cue.best_option}': "
                         + "; ".join(cue.cues))
    lines += ["", "  Result: " + ("; ".join(verdict) if verdict else "within every target")]
    return "\n".join(lines) + "\n"


def within_targets(report: AuditReport) -> bool:
    median = report.random_median()
    return not (any(s.passed or s.percent > BLIND_SCORE_LIMIT for s in report.strategies)
                or (median is not None and median >= RANDOM_MEDIAN_LIMIT)
                or (report.single_choice >= 2 and report.longest_share > LONGEST_SHARE_LIMIT))

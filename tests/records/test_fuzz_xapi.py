"""Property-based fuzzing of the xAPI exporter (issue 6): every statement is valid xAPI 1.0.3.

Hypothesis plays sessions of the bundled scenarios (and the mini fixture) through the real
runner with random choices, random rationales and NDM boxes (unicode, very long, empty,
control characters, markup), random trainee ids and decision timings, records them in a
real store the way the GUI does, and exports their statements. Each statement must pass
Ralph's pydantic model ``BaseXapiStatement`` and a compact structural check written from
the xAPI 1.0.3 data spec (ids and registrations are UUIDs, every IRI is an absolute RFC 3987
IRI, language maps, scores in range, ISO 8601 durations and zoned timestamps). A sample is
then posted to a real Ralph LRS and read back: the LRS stores every one.

Deterministic (``derandomize``); HYDRA_FUZZ_EXAMPLES raises the count. No sleeps.
"""

from __future__ import annotations

import itertools
import math
import random
import re
import uuid
from datetime import datetime

import pytest
from export_cohort import REPO, record
from hypothesis import event, given, note
from hypothesis import strategies as st
from records_support import MINI, fuzz_settings

from hydra_sim.engine import ScenarioRunner, load_scenario
from hydra_sim.engine.runner import RunnerError
from hydra_sim.records import SessionStore, TraineeInfo, exports, xapi

rfc3987 = pytest.importorskip("rfc3987")
statements_model = pytest.importorskip("ralph.models.xapi.base.statements")

pytestmark = pytest.mark.usefixtures("forget_home")

FUZZ = fuzz_settings("hydra-fuzz-xapi", examples=30)
SCENARIO_PATHS = [MINI, *sorted(p for p in (REPO / "scenarios").glob("*.yaml")
                                if not p.name.endswith((".plan.yaml", ".catalogue.yaml")))]
NASTY = ["", " ", "\x00", "\x01\x02\x1b[0m", "\x7f", "\u2028", "\ufeff", "\u202eevil", "🚑🚓👮", "e\u0301",
         "<script>alert(1)</script>", "<long>", "line\r\nbreak", "\t", "汉字", "null", "{}", "[,]", "%00",
         "\ud7ff", "\U0010fffd"]
LONG = "a" * 30_000 + "é"          # drawn as "<long>": hypothesis would print 30 kB in a report
texts = st.one_of(st.sampled_from(NASTY), st.text(max_size=200), st.text(st.characters(codec="utf-8"), max_size=50))
_counter = itertools.count()


class Scenarios(dict):
    """The loaded scenarios by name; a short repr, since hypothesis prints fixtures in its reports."""

    def __repr__(self) -> str:
        return f"<scenarios {sorted(self)}>"


@pytest.fixture(scope="module")
def scenarios():
    return Scenarios({path.stem: load_scenario(path).raise_for_errors() for path in SCENARIO_PATHS})


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    with SessionStore(tmp_path_factory.mktemp("fuzz-xapi") / "sessions.sqlite3") as opened:
        yield opened


# -- playing ----------------------------------------------------------------------------
def walker(rng: random.Random, words: list[str], seconds: list[float], steps: int = 120):
    """A ``play(runner, persist)`` for export_cohort.record: random legal inputs, the given texts."""
    pick = itertools.cycle([LONG if w == "<long>" else w for w in words] or [""])
    timing = itertools.cycle(seconds or [0.0])

    def play(runner: ScenarioRunner, persist) -> None:
        runner.start()
        for _ in range(steps):
            if runner.ended:
                break
            roll = rng.random()
            if roll < 0.1 and runner.scenario.reference:
                runner.open_reference(rng.choice(sorted(runner.scenario.reference)))
            elif roll < 0.25:
                runner.advance(rng.choice([1, 45, 600]))
            elif runner.decision is None:
                runner.continue_()
            else:
                meta = {"decision_seconds": next(timing), "entry_seconds": next(timing)}
                try:
                    _decide(runner, rng, pick, meta)
                except RunnerError:       # a dead end only play reveals: stop the session there
                    break
            persist()

    return play


def _decide(runner: ScenarioRunner, rng: random.Random, pick, meta: dict) -> None:
    decision = runner.decision
    available = [o.id for o in runner.available_options()]
    if decision.on_expiry is not None and decision.time_limit_seconds and (rng.random() < 0.2 or not available):
        runner.expire(meta)
        return
    rationale = next(pick)
    if decision.rationale == "required" and not rationale.strip():
        rationale = "because " + rationale
    if decision.kind == "choose_one":
        runner.choose(rng.choice(available), rationale, meta)
    elif decision.kind == "choose_many":
        low = decision.min_picks or 0
        high = min(len(available), decision.max_picks if decision.max_picks is not None else len(available))
        runner.choose(rng.sample(available, rng.randint(low, max(low, high))), rationale, meta)
    elif decision.kind == "rank":
        rng.shuffle(available)
        runner.choose(available, rationale, meta)
    else:
        boxes = {name: next(pick) for name in decision.fields}
        for name in decision.required:
            if not boxes[name].strip():
                boxes[name] = "filled " + boxes[name]
        runner.choose(boxes, None, meta)


# -- the xAPI rules ---------------------------------------------------------------------
DURATION = re.compile(r"^P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?"
                      r"(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$")
INTERACTION_TYPES = {"true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing",
                     "likert", "numeric", "other"}


def _iri(value) -> None:
    assert isinstance(value, str) and value, f"not an IRI: {value!r}"
    rfc3987.parse(value, rule="IRI")            # raises ValueError when it is not an absolute IRI
    assert value.startswith(("https://", "http://")), value


def _uuid(value) -> None:
    assert isinstance(value, str) and str(uuid.UUID(value)) == value.lower(), f"not a UUID: {value!r}"


def _language_map(value) -> None:
    assert isinstance(value, dict) and value
    for tag, text in value.items():
        assert re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*", tag), tag
        assert isinstance(text, str) and text, f"empty text in a language map: {value!r}"


def _extensions(value) -> None:
    assert isinstance(value, dict)
    for key in value:
        _iri(key)


def _activity(value) -> None:
    assert value.get("objectType", "Activity") == "Activity"
    _iri(value["id"])
    definition = value.get("definition", {})
    if "type" in definition:
        _iri(definition["type"])
    for key in ("name", "description"):
        if key in definition:
            _language_map(definition[key])
    if "interactionType" in definition:
        assert definition["interactionType"] in INTERACTION_TYPES
    if "choices" in definition:
        ids = [c["id"] for c in definition["choices"]]
        assert len(ids) == len(set(ids)) and all(isinstance(i, str) and i for i in ids)
        for choice in definition["choices"]:
            _language_map(choice["description"])


def check_statement(statement: dict) -> None:
    """xAPI 1.0.3 Data, section 2.4: the parts hydra_sim uses, checked by the spec's rules."""
    statements_model.BaseXapiStatement.model_validate(statement)
    assert set(statement) <= {"id", "actor", "verb", "object", "result", "context", "timestamp"}
    _uuid(statement["id"])
    actor = statement["actor"]
    assert actor["objectType"] == "Agent" and set(actor) == {"objectType", "account"}, actor   # exactly one IFI
    _iri(actor["account"]["homePage"])
    assert isinstance(actor["account"]["name"], str) and actor["account"]["name"]
    _iri(statement["verb"]["id"])
    _language_map(statement["verb"]["display"])
    _activity(statement["object"])
    result = statement.get("result", {})
    score = result.get("score")
    if score is not None:
        assert -1 <= score["scaled"] <= 1 and all(math.isfinite(v) for v in score.values()), score
        assert score["min"] <= score["raw"] <= score["max"] and score["min"] < score["max"], score
    if "duration" in result:
        assert DURATION.match(result["duration"]), result["duration"]
    for key in ("success", "completion"):
        assert isinstance(result.get(key, True), bool)
    assert isinstance(result.get("response", ""), str)
    _extensions(result.get("extensions", {}))
    context = statement.get("context", {})
    _uuid(context["registration"])
    _extensions(context.get("extensions", {}))
    for parent in context.get("contextActivities", {}).get("parent", []):
        _activity(parent)
    stamp = datetime.fromisoformat(statement["timestamp"].replace("Z", "+00:00"))
    assert stamp.tzinfo is not None, statement["timestamp"]


# -- the properties ---------------------------------------------------------------------
@st.composite
def sessions(draw):
    name = draw(st.sampled_from(sorted(p.stem for p in SCENARIO_PATHS)))
    trainee = draw(st.one_of(st.sampled_from(["t-1", "PC 1234", "  spaced  ", "ütf-8 ☃", "x" * 500, "a/b?c#d"]),
                             st.text(min_size=1, max_size=30).filter(lambda t: t.strip())))
    words = draw(st.lists(texts, min_size=1, max_size=8))
    seconds = draw(st.lists(st.one_of(st.sampled_from([0, 0.004, 59.999, 3600, 86_400 * 3, 1e9]),
                                      st.floats(0, 1e6)), min_size=1, max_size=4))
    return name, trainee, words, seconds, draw(st.integers(0, 2**32 - 1)), draw(st.booleans())


def record_session(store, scenarios, drawn) -> str:
    name, trainee, words, seconds, seed, finish = drawn
    return record(store, scenarios[name], TraineeInfo(trainee), walker(random.Random(seed), words, seconds),
                  finish=finish)


@FUZZ
@given(sessions())
def test_every_exported_statement_is_valid_xapi(scenarios, store, drawn):
    note(drawn[:2])
    session_id = record_session(store, scenarios, drawn)
    summary = store.session(session_id)
    statements = xapi.session_statements(store, summary)
    for statement in statements:
        check_statement(statement)
    assert len({s["id"] for s in statements}) == len(statements), "two statements share an id"
    decisions = sum(1 for e in store.events(session_id) if e["kind"] == "decision_recorded")
    assert len(statements) == decisions + (2 if summary.status == "finished" else 0)
    event(f"{summary.status}, {'no decisions' if not decisions else 'decisions'}")


def test_a_sample_is_stored_by_a_real_lrs_and_reads_back(scenarios, tmp_path, monkeypatch):
    """Ralph validates on the way in (HTTP 400 for anything invalid): everything posted is stored."""
    pytest.importorskip("requests")
    from test_lrs_ralph import PASSWORD, USER, Ralph

    from hydra_sim.records import lrs
    from hydra_sim.records.lrs import LrsClient
    from hydra_sim.records.queue import XapiQueue

    monkeypatch.setattr(lrs, "_sleep", lambda seconds: None)
    rng = random.Random(20260114)
    sample = []
    with SessionStore(tmp_path / "sample.sqlite3") as store:
        for index, name in enumerate(sorted(scenarios) * 2):
            words = [rng.choice(NASTY) for _ in range(6)]      # "<long>" is expanded by walker
            trainee = ["t-lrs", "ütf-8 ☃", "a/b?c#d", "PC 1234"][index % 4]
            record(store, scenarios[name], TraineeInfo(trainee),
                   walker(random.Random(index), words, [rng.choice([0, 12.5, 86_400])]), finish=True)
        for summary in store.sessions():
            sample += xapi.session_statements(store, summary, scenarios=exports.ScenarioCache())
    for statement in sample:
        check_statement(statement)
    assert len(sample) >= 40              # 98 today: 8 sessions, every decision and both session verbs
    server = Ralph(tmp_path / "ralph")
    server.start()
    try:
        with XapiQueue(tmp_path / "queue.sqlite3") as queue:
            queue.add(server.endpoint, "fuzz", sample)
            result = LrsClient(server.endpoint, USER, PASSWORD, batch_size=25, sleep=lambda s: None).flush(queue)
        assert (result.sent, result.queued) == (len(sample), 0), result
        stored = {s["id"]: s for s in server.statements()}
    finally:
        server.stop()
    assert set(stored) == {s["id"] for s in sample}
    for statement in sample:
        back = stored[statement["id"]]
        assert back["verb"] == statement["verb"] and back["actor"]["account"] == statement["actor"]["account"]
        assert back["result"].get("extensions") == statement["result"].get("extensions")


# -- regressions: what the fuzzing found ------------------------------------------------
def test_regression_a_decision_worth_no_points_has_no_score(scenarios, tmp_path):
    """Fuzzing found: a decision that can neither earn nor lose points (the mini scenario's
    'driver') was sent with score {raw 0, min 0, max 0}; xAPI 1.0.3 requires min < max.
    Ralph's model accepts it, the spec does not: the score is now left out."""
    from records_support import play
    with SessionStore(tmp_path / "s.sqlite3") as store:
        session_id = play(store, scenarios["mini"])
        statements = xapi.session_statements(store, store.session(session_id))
    driver = [s for s in statements if s["object"]["id"].endswith("/decisions/driver")]
    assert len(driver) == 1 and "score" not in driver[0]["result"]
    scored = [s for s in statements if "score" in s["result"]]
    assert scored and all(s["result"]["score"]["min"] < s["result"]["score"]["max"] for s in scored)
    for statement in statements:
        check_statement(statement)

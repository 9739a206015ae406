"""The presentation seed in the session record: stored, tamper-evident, exported; old records open."""

from __future__ import annotations

import json

import pytest
from records_support import TRAINEE, play

from hydra_sim.engine.presentation import presentation_order
from hydra_sim.engine.runner import ScenarioRunner, seed_of
from hydra_sim.records.exports import gather, sessions_json


def test_the_seed_is_the_first_stored_input_and_replays(store, mini):
    session_id = play(store, mini, seed=31337)
    inputs = store.inputs(session_id)
    assert inputs[0] == {"type": "order", "seed": 31337, "clock": 0}
    assert seed_of(inputs) == 31337
    assert store.verify(session_id) == []                # inside the hash chain
    runner = ScenarioRunner.restore(mini, inputs)
    assert runner.seed == 31337 and runner.ended
    rescored = store.rescore(session_id, mini)           # re-scoring replays the same session
    assert rescored["percent"] == store.report(session_id)["percent"]


def test_exports_list_the_options_in_the_order_the_trainee_saw(store, mini):
    session_id = play(store, mini, seed=77)
    record = gather(store, store.session(session_id))
    assert record.seed == 77
    call = next(d for d in record.decisions if d.scene_id == "call")
    expected = [(o.id, o.label) for o in presentation_order(77, "call", mini.scenes["call"].decision.options)]
    assert call.choices == expected
    priorities = next(d for d in record.decisions if d.scene_id == "priorities")
    assert [c[0] for c in priorities.choices] == \
        [o.id for o in presentation_order(77, "priorities", mini.scenes["priorities"].decision.options)]
    data = json.loads(sessions_json([record]))
    assert data["sessions"][0]["presentation_seed"] == 77


def test_an_old_record_without_a_seed_opens_replays_and_exports_in_the_file_order(store, mini):
    session_id = play(store, mini)                       # recorded as before seeds existed
    inputs = store.inputs(session_id)
    assert not any(e["type"] == "order" for e in inputs)
    runner = ScenarioRunner.restore(mini, inputs)
    assert runner.seed is None and runner.ended
    record = gather(store, store.session(session_id))
    assert record.seed is None
    call = next(d for d in record.decisions if d.scene_id == "call")
    assert [c[0] for c in call.choices] == [o.id for o in mini.scenes["call"].decision.options]
    assert store.rescore(session_id, mini)["percent"] == store.report(session_id)["percent"]


@pytest.mark.parametrize("seed", [-1, "7", 1.5, True, None])
def test_a_bad_seed_entry_is_refused_and_nothing_is_written(store, mini, seed):
    session_id = store.start_session(TRAINEE, mini)
    with pytest.raises(ValueError, match="seed"):
        store.append_input(session_id, {"type": "order", "seed": seed, "clock": 0})
    assert store.inputs(session_id) == []


TRAGEDY = [("choose", "refer", "home office job"), ("choose", ["doors", "bwv"])]


def test_exports_and_xapi_say_not_reached_apart_from_missed(store, mini):
    from hydra_sim.records.exports import cohort_stats, session_html
    from hydra_sim.records.xapi import StatementBuilder
    session_id = play(store, mini, steps=TRAGEDY, seed=5)
    report = store.report(session_id)
    assert report["ending_id"] == "tragedy" and report["not_reached"] and report["not_reached_counted"]
    record = gather(store, store.session(session_id))
    page = session_html(record)
    assert "Not reached" in page and "How it ended" in page and "did not end well" in page
    stats = cohort_stats([record])
    cut_off = {a["action_id"]: a for a in stats.actions if a["not_reached"]}
    assert set(cut_off) == set(report["not_reached"])
    assert all(a["assessed"] == 0 and a["miss_rate"] == 0.0 for a in cut_off.values())   # no chance: no miss
    statements = StatementBuilder().session_statements(record)
    extensions = statements[0]["result"]["extensions"]
    key = next(k for k in extensions if k.endswith("/not-reached-actions"))
    assert extensions[key] == report["not_reached"]
    assert next(v for k, v in extensions.items() if k.endswith("/not-reached-counted")) is True
    assert next(v for k, v in extensions.items() if k.endswith("/presentation-seed")) == 5

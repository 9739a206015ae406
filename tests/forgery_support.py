"""What a forger with the published formulas does to a stored session record: recompute every
plain hash of it (genesis, events, head and result). Shared by the bundle and exercise-link tests."""

from __future__ import annotations

import json

from hydra_sim.records import integrity


def reseal(record: dict, result: bool = True) -> dict:
    """Recompute the genesis, every event hash, the head and (``result``) the result hash of ``record``;
    ``result=False`` leaves the result hash as sealed, as a forger who changed only the events would."""
    session = record["session"]
    session["genesis"] = prev = integrity.session_genesis(session)
    for event in record["events"]:
        event["prev_hash"] = prev
        event["hash"] = prev = integrity.event_hash(session["session_id"], event["seq"], event["kind"],
                                                    event["is_input"], event["clock"], event["recorded_at"],
                                                    event["data"], prev)
    session["head_hash"] = prev
    if result and session.get("result_json") is not None:
        session["result_hash"] = integrity.result_hash(prev, json.loads(session["result_json"]),
                                                       session["percent"], session["grade"])
    return record

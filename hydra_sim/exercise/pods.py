"""Pods: one station per seat of a seated scenario, all playing one shared incident.

The syndicate's recording station runs the one shared runner (every seat, no stand-ins) and
records the one session; each seat station plays one seat (docs/facilitation.md, "Seats and
pods"). The facilitator's server rebuilds the runner from the records it mirrors and sends
each seat station only ``seat_view``: its seat's stream (engine/seats.py ``seat_stream``: its
scenes, its injects, the messages that have arrived for it, its decisions) and, when the story
is at one of its scenes, that scene as its seat sees it. A seat station's decision is checked
here (``refusal``) by the server before it is relayed, and again by the recording station before
it is applied (``apply_relay``), so a decision for another seat's scene, or for a scene the story
has left, is refused with a reason and recorded nowhere. Each decision applied carries its
seat and station in its meta: the one session record says which seat made it. A seat the
facilitator handed to its stand-in (``stand_in``: no station plays it) is decided by the runner's
stand-in, recorded as the stand-in's, and its station's decisions are refused until it is handed back.
Pure functions of a runner; must not import Qt, the GUI or the network library.
"""

from __future__ import annotations

from ..engine.clock import format_clock
from ..engine.runner import RunnerError, ScenarioRunner
from ..engine.seats import seat_stream


def seat_view(runner: ScenarioRunner, seat_id: str) -> dict:
    """What the station of ``seat_id`` is shown now (plain data for the wire)."""
    scenario = runner.scenario
    seat = scenario.seats[seat_id]
    clock = runner.clock.seconds
    view = {
        "seat": seat_id, "title": seat.title, "clock": clock,
        "clock_label": format_clock(scenario.incident_start, clock),
        "reference": list(seat.reference) if seat.reference is not None else sorted(scenario.reference),
        "stream": _stream(runner, seat_id),
        "decisions": len(runner.decisions), "turn": None, "waiting_for": None,
        "ended": bool(runner.ended), "ending": None, "paused": bool(runner.paused),
    }
    if runner.ended:
        ending = scenario.endings.get(runner.ended)
        view["ending"] = {"id": runner.ended, "title": ending.title if ending else str(runner.ended),
                          "text": ending.text if ending else ""}
        return view
    scene = runner.scene
    if scene is None:
        return view
    if scene.seat != seat_id:
        # Which seat has the turn, never what it is looking at: a pod waits for a colleague.
        other = scenario.seats.get(scene.seat or "")
        view["waiting_for"] = {"seat": scene.seat, "title": other.title if other else str(scene.seat)}
        return view
    decision = scene.decision
    turn = {"scene_id": scene.id, "title": scene.title, "text": runner.scene_text(), "media": list(scene.media),
            "index": len(runner.decisions), "kind": decision.kind if decision else None}
    if decision is not None:
        turn["prompt"] = decision.prompt
        turn["rationale"] = decision.rationale
        turn["options"] = [{"id": o.id, "label": o.label} for o in runner.available_options()]
    view["turn"] = turn
    return view


def not_its_scene(scenario, seat_id: str | None, scene_id: str) -> str | None:
    """Why ``seat_id`` may never decide at ``scene_id`` (no such scene, or another seat's), or None."""
    scene = scenario.scenes.get(scene_id)
    if scene is None:
        return f"the scenario has no scene '{scene_id[:60]}'"
    if seat_id is None or seat_id not in scenario.seats:
        return "this station plays no seat of the scenario, so it cannot decide for one"
    if scene.seat != seat_id:
        owner = scenario.seats.get(scene.seat or "")
        return (f"scene '{scene_id}' belongs to seat '{scene.seat}' ({owner.title if owner else '?'}), not to "
                f"this station's seat '{seat_id}': only that seat's station decides there")
    return None


def _stream(runner: ScenarioRunner, seat_id: str) -> list[dict]:
    """``seat_stream`` as plain data; a decision reads as the option(s) chosen and who entered it."""
    scenario = runner.scenario
    records = iter([r for r in runner.decisions if scenario.scenes[r.scene_id].seat == seat_id])
    items = []
    for item in seat_stream(runner, seat_id):
        text = item.text
        if item.kind == "decision":
            record = next(records, None)
            if record is not None:
                text = _choice_words(scenario, record)
        items.append({"clock": item.clock, "clock_label": format_clock(scenario.incident_start, item.clock),
                      "kind": item.kind, "id": item.id, "text": text})
    return items


def _choice_words(scenario, record) -> str:
    scene = scenario.scenes[record.scene_id]
    if record.expired:
        choice = "time ran out"
    elif isinstance(record.selection, dict):      # an NDM rationale: its boxes and parts in words, no ids
        from ..engine.rationale import selection_words
        choice = selection_words(scene.decision, record.selection)
    else:
        ids = [record.selection] if isinstance(record.selection, str) else list(record.selection or [])
        options = [scene.decision.option(i) if scene.decision is not None else None for i in ids]
        choice = "; ".join(o.label if o is not None else str(i) for o, i in zip(options, ids))
    if record.stand_in:           # the facilitator handed the seat over: never a trainee's decision
        return f"{scene.title}: {choice} (the seat's stand-in)"
    who = record.meta.get("entered_by") if isinstance(record.meta, dict) else None
    return f"{scene.title}: {choice}" + (f" (entered by {who})" if who else "")


def refusal(runner: ScenarioRunner, seat_id: str | None, scene_id: str, index: int) -> str | None:
    """Why ``seat_id``'s decision at ``scene_id`` (the ``index``-th of the session) cannot be taken
    now, or None. The words are sent back to the seat station."""
    reason = not_its_scene(runner.scenario, seat_id, scene_id)
    if reason is not None:
        return reason
    if runner.ended:
        return "the incident has ended: no more decisions are taken"
    if seat_id in runner.stood_in:
        return (f"the facilitator has handed seat '{seat_id}' to its stand-in: ask the facilitator to hand it "
                "back to this station")
    if runner.scene_id != scene_id or len(runner.decisions) != index:
        return (f"scene '{scene_id}' is not the current decision any more (or not yet): the shared session is "
                f"at decision {len(runner.decisions)}; wait for your seat's next turn")
    if runner.paused:
        return "the facilitator has paused the exercise: decide when it resumes"
    return None


def apply_relay(runner: ScenarioRunner, relay: dict) -> bool:
    """Apply a relayed seat decision to the shared runner (the recording station does this).

    False when it was applied already (a resend after a reconnect: its index has passed);
    raises RunnerError with the reason when it cannot be applied."""
    if runner.ended or len(runner.decisions) > relay["index"]:
        return False
    reason = refusal(runner, relay["seat"], relay["scene_id"], relay["index"])
    if reason is not None:
        raise RunnerError(reason)
    meta = {"seat": relay["seat"], "station_id": relay["station_id"], "decision_id": relay["decision_id"]}
    if relay.get("entered_by"):
        meta["entered_by"] = relay["entered_by"]
    if runner.decision is None:
        if relay.get("selection") is not None:
            raise RunnerError(f"scene '{relay['scene_id']}' asks no decision: continue it without a selection")
        runner.continue_()        # a continue makes no decision record: the log says only that it happened
        return True
    if relay.get("selection") is None:
        raise RunnerError(f"scene '{relay['scene_id']}' asks a decision: send a selection")
    runner.choose(relay["selection"], relay.get("rationale"), meta)
    return True



def timeline(views: dict[str, dict]) -> list[dict]:
    """Every seat's stream on one timeline (the console): ``{clock, clock_label, seat, seat_title, kind,
    id, text}`` in clock order, seats in the scenario's order at the same minute."""
    rows = []
    for order, (seat, view) in enumerate(views.items()):
        for place, item in enumerate(view["stream"]):
            rows.append((item["clock"], order, place, dict(item, seat=seat, seat_title=view["title"])))
    return [row for *_key, row in sorted(rows, key=lambda r: r[:3])]


def apply_request_relay(runner: ScenarioRunner, relay: dict):
    """Apply a relayed seat request for information to the shared runner, for the seat that sent it
    (the recording station does this). None when it was applied already (the same ``request_id``
    sent again after a reconnect); raises RunnerError with the reason when it cannot be applied."""
    if any(r.meta.get("request_id") == relay["request_id"] for r in runner.requests):
        return None
    if runner.ended:
        raise RunnerError("the incident has ended: no more requests")
    meta = {"station_id": relay["station_id"], "request_id": relay["request_id"],
            "entered_by": relay.get("entered_by") or None}
    return runner.request_information(relay["partner"], relay["question"], relay["urgency"], relay.get("topic"),
                                      seat=relay["seat"], meta=meta)

"""Headless recording: a scripted playthrough stored as a session exactly as the app stores one.

``hydra-sim play SCENARIO --script PLAN --record --trainee ID`` (and tests) use ``record_plan``
to make reference sessions a trainer can review, and to drive the records behaviours from the
command line. It makes the same store calls as the GUI's session controller: ``start_session``;
per runner call one ``append_batch`` with the engine events (in the flat shapes ``event_data``
gives, which the controller uses too) and the log entries that call made final (a growing
``advance`` at the tail waits, as the runner may still merge into it), with ``clock_after``
when the call was an action; ``checkpoint_clock`` after a wait (the app checkpoints the clock
while the trainee reads); ``finish_session`` with the score once it ends. It holds the
session's lock (session_lock.py) while it plays. A plan's ``mark`` steps are played on the
runner as the plan says, but stored as a trainer's marking is: ``mark_rationale`` on the
finished session (the app never writes a ``mark`` input during play).
Must not import Qt or any GUI code.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..engine import (
    DecisionRecorded,
    DocumentOpened,
    Ended,
    InjectFired,
    MessageArrived,
    ReferenceOpened,
    RequestAnswered,
    RequestMade,
    SceneEntered,
)
from .session_lock import SessionLock

ACTION_KINDS = ("choose", "expire", "continue")


def event_data(event) -> tuple[str, dict, int]:
    """(kind, data, clock) of an engine event, in the shape the app stores."""
    if isinstance(event, DecisionRecorded):
        r = event.record
        return "decision_recorded", {"index": r.index, "scene_id": r.scene_id, "kind": r.kind,
                                     "selection": r.selection, "rationale": r.rationale, "expired": r.expired,
                                     "meta": r.meta}, r.clock
    if isinstance(event, SceneEntered):
        return "scene_entered", {"scene_id": event.scene_id}, event.clock
    if isinstance(event, InjectFired):
        return "inject_fired", {"inject_id": event.inject_id, "text": event.text, "speaker": event.speaker,
                                "redirect": event.redirect}, event.clock
    if isinstance(event, ReferenceOpened):
        return "reference_opened", {"reference_id": event.reference_id}, event.clock
    if isinstance(event, DocumentOpened):
        return "document_opened", {"media_id": event.media_id}, event.clock
    if isinstance(event, Ended):
        return "ended", {"ending_id": event.ending_id}, event.clock
    if isinstance(event, MessageArrived):       # a seated scenario: one seat's message reached another
        return "message_arrived", event.sent.to_dict(), event.clock
    if isinstance(event, RequestMade):          # a request for information to a partner agency
        return "request_made", event.request.to_dict(), event.clock
    if isinstance(event, RequestAnswered):      # its answer (canned after its delay, or the facilitator's)
        return "request_answered", event.request.to_dict(), event.clock
    raise TypeError(f"not an engine event the app records: {type(event).__name__}")


@dataclass
class Recorded:
    session_id: str
    runner: object
    steps_done: int
    problem: object = None       # the plan Problem that stopped it, if any


def record_plan(store, scenario, steps, trainee, *, seed: int | None = None,
                conditions: dict | None = None, assessor: str | None = None, seat: str | None = None) -> Recorded:
    """Play ``steps`` (engine.plan steps) and record them in ``store`` as the app would.
    ``conditions``: the run conditions (a script's steps fit particular ones; default: their defaults).
    ``assessor``: the trainer account the plan's markings are recorded under (the CLI logs the
    trainer in first); without it, each mark's ``by`` (or "play script").
    ``seat``: play one seat of a seated scenario (stand-ins take the others' decisions)."""
    from ..engine import ScenarioRunner
    from ..engine.plan import run_plan
    from ..engine.presentation import new_seed
    from ..engine.scoring import score_runner

    session_id = store.start_session(trainee, scenario)
    with SessionLock(store.path, session_id) as lock:
        from ..engine.run_conditions import defaults
        runner = ScenarioRunner(scenario, seed=new_seed() if seed is None else seed,
                                conditions=defaults(scenario) if conditions is None else conditions, seat=seat)
        batch: list[tuple[str, dict, int]] = []
        runner.subscribe(lambda event: batch.append(event_data(event)))
        persisted = 0
        marks: list[dict] = []

        def persist() -> None:
            nonlocal persisted
            log = runner.log
            end = len(log) - (1 if log and log[-1]["type"] == "advance" else 0)
            # a 'mark' is the assessor's, stored by mark_rationale once the session is finished
            inputs = [dict(e) for e in log[persisted:end] if e["type"] != "mark"]
            marks.extend(dict(e) for e in log[persisted:end] if e["type"] == "mark")
            persisted = max(persisted, end)
            events = list(batch)
            batch.clear()
            if inputs or events:
                clock_after = runner.clock.seconds if any(e["type"] in ACTION_KINDS for e in inputs) else None
                store.append_batch(session_id, inputs, events, clock_after=clock_after)

        runner.start()
        persist()
        done, problem = 0, None
        for step in steps:
            result = run_plan(scenario, [step], runner=runner)
            persist()
            if result.problem is not None:
                problem = result.problem
                break
            if step.kind == "wait":
                store.checkpoint_clock(session_id, runner.clock.seconds)
            lock.heartbeat()
            done += 1
        if runner.ended:
            # finished as the app finishes it (the provisional score, before any marking) ...
            unmarked = ScenarioRunner.restore(scenario, store.inputs(session_id))
            store.finish_session(session_id, score_runner(unmarked).to_dict())
            for mark in marks:        # ... then marked as a trainer marks it in the review window
                by = assessor or mark.get("by") or "play script"
                store.mark_rationale(session_id, scenario, mark["decision"], mark["marks"], by,
                                     comments=mark.get("comments") or None)
    return Recorded(session_id, runner, done, problem)

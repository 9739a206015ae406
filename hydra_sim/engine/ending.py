"""What ended the incident, and which of the trainee's decisions led there: for the debrief.

``ending_account(runner)`` reads a finished runner: the ending (or the facilitator's end),
and the decisions that steered the path into it. A decision counts as leading there when
  - it was the last decision before the end (its choice routed into the ending, or time
    ran out on it);
  - it set a variable that a conditional route or inject on the way read (``runner.turns``:
    "if not ambulance_requested goto ..."), i.e. the path turned because of it (said in the
    scenario's words: scene titles and the update's speaker, never variable or inject ids);
  - it contravened an action (a harmful choice is part of the story whatever the route).
Each comes with the reason in words. Plain data (a dict), so it is stored in the score
report and read by the debrief, review and exports alike. Must not import Qt or any GUI code.
"""

from __future__ import annotations

from .runner import FACILITATOR_ENDING, FACILITATOR_OUTCOME
from .text import quoted

MAX_DECISIONS = 6       # the debrief names the few that mattered, not the whole path


def ending_account(runner) -> dict:
    """``{"ending_id", "title", "outcome", "text", "clock", "by_facilitator", "decisions": [...]}``.

    Each of ``decisions`` is ``{"index", "scene_id", "scene_title", "choice", "reasons"}``;
    empty before the session has ended."""
    scenario = runner.scenario
    if not runner.ended:
        return {}
    by_facilitator = runner.ended == FACILITATOR_ENDING
    ending = scenario.endings.get(runner.ended)
    account = {"ending_id": runner.ended, "by_facilitator": by_facilitator,
               "title": ending.title if ending else "Ended by the facilitator",
               "outcome": ending.outcome if ending else FACILITATOR_OUTCOME,
               "text": ending.text if ending else "", "clock": runner.clock.seconds, "decisions": []}
    reasons: dict[int, list[str]] = {}
    records = {d.index: d for d in runner.decisions}
    if runner.decisions and not by_facilitator:
        last = runner.decisions[-1]
        reasons.setdefault(last.index, []).append(
            "time ran out on it, just before the end" if last.expired else "the last decision before the end")
    for turn in runner.turns:
        where = _title(scenario, turn["from"])
        to = _title(scenario, turn["to"])
        # In the trainee's words: no variable or inject ids (a variable's description is
        # written for authors and trainers, and may itself name values by id).
        if turn.get("inject"):
            reason = f"because of it, {_update_words(scenario, turn['inject'])} took the incident from {quoted(where)} to {quoted(to)}"
        else:
            reason = f"because of it, the incident went from {quoted(where)} to {quoted(to)}"
        for index in turn["decisions"]:
            reasons.setdefault(index, []).append(reason)
    for record in runner.decisions:
        harmed = [c.action_id for c in record.credits if c.contravened]
        titles = [quoted(a.title if (a := scenario.action(i)) else i) for i in dict.fromkeys(harmed)]
        if titles:
            joined = titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + " and " + titles[-1]
            reasons.setdefault(record.index, []).append(f"it went against {joined}")
    for index in sorted(reasons)[-MAX_DECISIONS:]:
        record = records.get(index)
        if record is None:
            continue
        account["decisions"].append({"index": index, "scene_id": record.scene_id,
                                     "scene_title": _title(scenario, record.scene_id),
                                     "choice": choice_text(scenario, record),
                                     "reasons": list(dict.fromkeys(reasons[index]))})
    return account


def choice_text(scenario, record) -> str:
    """The trainee's answer in the scenario's words."""
    if record.expired:
        return "No answer in time"
    if isinstance(record.selection, dict):
        return "NDM rationale recorded"
    scene = scenario.scenes.get(record.scene_id)
    decision = scene.decision if scene is not None else None
    ids = [record.selection] if isinstance(record.selection, str) else list(record.selection or [])
    labels = []
    for option_id in ids:
        option = decision.option(option_id) if decision is not None else None
        labels.append(option.label if option is not None else str(option_id))
    return (" > " if decision is not None and decision.kind == "rank" else "; ").join(labels) or "(nothing ticked)"


def _update_words(scenario, inject_id: str) -> str:
    """An update as the trainee met it: "an update from <speaker>", never its id."""
    inject = next((i for i in scenario.all_injects() if i.id == inject_id), None)
    speaker = inject.speaker if inject is not None else None
    member = scenario.cast.get(speaker) if speaker else None
    return f"an update from {member.name}" if member is not None else "an update"


def _title(scenario, node_id: str) -> str:
    scene = scenario.scenes.get(node_id)
    if scene is not None:
        return scene.title
    ending = scenario.endings.get(node_id)
    return ending.title if ending is not None else node_id

"""Assess an NDM rationale by what it says, never by how many boxes hold text.

An ``ndm_rationale`` decision earns doctrine actions in two ways only (docs/scoring.md,
"Rationales"):

- **structured parts** the trainee must choose from the author's lists (for example the
  power used for one person, and why it is necessary), scored like any decision;
- **rubric criteria**, per NDM stage, that an assessor marks ``met`` or ``not_met`` against
  the free text after the session.

An action named in a rationale is earned only when *every* part and criterion of that
decision that names it is satisfied: each part answered with an option that evidences it,
each criterion marked met. Until an assessor has marked the criteria, an action whose parts
are all satisfied is *awaiting marking* and the session's result is provisional. Filled-in
boxes alone earn nothing. Must not import Qt or any GUI code.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .model import NDM_FIELD_LABELS, PARTS_KEY, RUBRIC_MARKS, Decision, Outcome


class RationaleError(ValueError):
    """A rationale answer or a marking does not fit the decision (message says what to do)."""


@dataclass
class PartsAssessment:
    """What the structured parts of one answered rationale earn at once, and what waits for marking."""
    parts: dict[str, str]                      # part id -> chosen option id (answered parts only)
    credited: list[str] = field(default_factory=list)     # earned now (no rubric criterion names them)
    awaiting: list[str] = field(default_factory=list)     # parts satisfied; the rubric decides
    outcomes: list[Outcome] = field(default_factory=list)  # chosen options' effects (evidence removed)
    sources: list[str] = field(default_factory=list)


def boxes_of(selection) -> dict:
    """The NDM boxes of a recorded selection (without the structured parts)."""
    if not isinstance(selection, dict):
        return {}
    return {k: v for k, v in selection.items() if k != PARTS_KEY}


def filled_boxes_words(selection: dict) -> str:
    """"Rationale recorded (Information, Threat and risk, ...)": which boxes a recorded rationale
    filled, by their titles (the trainee's log, the review, and the start of ``selection_words``)."""
    from .model import ndm_box_title
    return "Rationale recorded (" + ", ".join(ndm_box_title(k) for k in boxes_of(selection)) + ")"


def selection_words(decision: Decision | None, selection: dict) -> str:
    """A recorded NDM rationale in words for lists and timelines: the boxes filled, by their titles,
    and each structured part's chosen answer in the scenario's words; never ids or the recorded
    dict (the box texts themselves are the rationale, shown where the rationale is)."""
    words = [filled_boxes_words(selection)]
    parts = {part.id: part for part in getattr(decision, "parts", ())}
    for part_id, option_id in parts_of(selection).items():
        part = parts.get(part_id)
        option = part.option(option_id) if part is not None and isinstance(option_id, str) else None
        if option is not None:
            words.append(f"{part.prompt} {option.label}")
    return "; ".join(words)


def parts_of(selection) -> dict:
    """The structured parts of a recorded selection ({} for old records and form-only decisions)."""
    parts = selection.get(PARTS_KEY) if isinstance(selection, dict) else None
    return dict(parts) if isinstance(parts, dict) else {}


def stage_label(stage: str) -> str:
    """The short name of an NDM stage ('Threat and risk')."""
    return NDM_FIELD_LABELS.get(stage, stage).split(":")[0]


def check_parts(decision: Decision, answers, *, complete: bool) -> dict[str, str]:
    """The chosen option per part, checked; ``complete`` requires every part answered."""
    if answers is None:
        answers = {}
    if not isinstance(answers, dict):
        raise RationaleError("give the structured parts as {part id: option id}")
    if answers and not decision.parts:
        raise RationaleError("this rationale has no structured parts to choose")
    checked = {}
    for part_id, option_id in answers.items():
        part = decision.part(part_id)
        if part is None:
            raise RationaleError(f"no part '{part_id}' in this rationale "
                                 f"(parts: {', '.join(p.id for p in decision.parts)})")
        if option_id in (None, ""):
            continue
        if not isinstance(option_id, str) or part.option(option_id) is None:
            raise RationaleError(f"'{option_id}' is not a choice for '{part.prompt}' "
                                 f"(choices: {', '.join(o.id for o in part.options)})")
        checked[part_id] = option_id
    missing = [p.id for p in decision.parts if p.id not in checked]
    if complete and missing:
        raise RationaleError(f"choose an answer for: {', '.join(missing)}")
    return checked


def _naming(decision: Decision) -> dict[str, tuple[set, set]]:
    """action id -> (ids of parts with an option naming it, ids of criteria naming it), in file order."""
    named: dict[str, tuple[set, set]] = {}
    for part in decision.parts:
        for option in part.options:
            for ref in option.outcome.evidences:
                named.setdefault(ref.action_id, (set(), set()))[0].add(part.id)
    for criterion in decision.rubric:
        for ref in criterion.evidences:
            named.setdefault(ref.action_id, (set(), set()))[1].add(criterion.id)
    return named


def assess_parts(decision: Decision, parts: dict[str, str]) -> PartsAssessment:
    """Apply the all-of rule to the chosen parts (see the module docstring)."""
    result = PartsAssessment(dict(parts))
    chosen_evidence = {}
    for part in decision.parts:
        option = part.option(parts[part.id]) if part.id in parts else None
        chosen_evidence[part.id] = {r.action_id for r in option.outcome.evidences} if option else set()
        if option is not None:
            # The option's own evidence is credited only through the all-of rule below.
            result.outcomes.append(replace(option.outcome, evidences=()))
            result.sources.append(f"part:{part.id}:{option.id}")
    for action_id, (part_ids, criterion_ids) in _naming(decision).items():
        if all(action_id in chosen_evidence[p] for p in part_ids):
            (result.awaiting if criterion_ids else result.credited).append(action_id)
    return result


def check_marks(decision: Decision, marks) -> dict[str, str]:
    """Every rubric criterion of the decision marked met or not_met, nothing else."""
    if not decision.rubric:
        raise RationaleError("this decision has no rubric to mark")
    if not isinstance(marks, dict):
        raise RationaleError("give the marks as {criterion id: met | not_met}")
    known = {c.id for c in decision.rubric}
    unknown = sorted(set(marks) - known)
    if unknown:
        raise RationaleError(f"not a criterion of this rubric: {', '.join(unknown)}")
    missing = [c.id for c in decision.rubric if c.id not in marks]
    if missing:
        raise RationaleError(f"mark every criterion; not marked: {', '.join(missing)}")
    bad = [k for k, v in marks.items() if v not in RUBRIC_MARKS]
    if bad:
        raise RationaleError(f"mark each criterion 'met' or 'not_met' (check: {', '.join(bad)})")
    return {c.id: marks[c.id] for c in decision.rubric}


def marked_actions(decision: Decision, awaiting, marks: dict[str, str]) -> list[str]:
    """The awaiting actions whose every naming criterion is marked met."""
    named = _naming(decision)
    return [a for a in awaiting if all(marks.get(c) == "met" for c in named.get(a, (set(), set()))[1])]


def describe_parts(decision: Decision | None, parts: dict) -> list[tuple[str, str, str]]:
    """(stage label, part prompt, chosen label) per answered part, for debriefs, reviews and exports."""
    rows = []
    for part_id, option_id in parts.items():
        part = decision.part(part_id) if decision is not None else None
        option = part.option(option_id) if part is not None else None
        rows.append((stage_label(part.stage) if part else "", part.prompt if part else part_id,
                     option.label if option else str(option_id)))
    return rows

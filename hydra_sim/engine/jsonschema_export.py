"""JSON Schema (draft 2020-12) for scenario, catalogue and test-plan files, for editors.

Editors such as VS Code with the Red Hat YAML extension use these schemas for
autocompletion, help on hover and inline errors while an author types. They are written by
hand as Python dicts that mirror what ``schema.py``, ``catalogue.py`` and ``plan.py``
accept: the same required and allowed fields, the same enums (taken from ``model.py``), the
same id patterns (from ``reader.py``) and the decision kinds with their own fields. The
descriptions are the wording of docs/scenario-format.md.

The loader stays the source of truth. The schema cannot see across fields or files (is a
route's target a scene? is an action id in the catalogue?), and it is deliberately a little
stricter than the loader where the loader only warns: text that YAML tools read as a
number or true/false (``version: 1.0``) must be quoted. tests/authoring checks that every
bundled file passes and that broken files fail both here and in the loader.
Must not import Qt or any GUI code.
"""

from __future__ import annotations

import json
from pathlib import Path

from .model import (
    BUILTIN_VARIABLES,
    CAST_ROLES,
    DECISION_KINDS,
    DIFFICULTIES,
    MEDIA_KINDS,
    MESSAGE_CHANNELS,
    MILESTONES,
    NDM_FIELDS,
    OUTCOME_CLASSES,
    TEAM_PRINCIPLES,
    TRAINEE_ROLES,
)
from .reader import ID_PATTERN, NAME_PATTERN

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FILES = {"scenario": "scenario.schema.json", "catalogue": "catalogue.schema.json",
                "plan": "plan.schema.json"}
_MAX_MINUTES = 7 * 24 * 60
_STATUSES = ("on_time", "late", "missed", "contravened", "not_reached", "not_applicable", "awaiting_marking")
_RESERVED_VARIABLES = tuple(BUILTIN_VARIABLES) + ("and", "or", "not", "true", "false")


# -- small builders ------------------------------------------------------------------------
def _ref(name: str, description: str | None = None) -> dict:
    schema: dict = {"$ref": f"#/$defs/{name}"}
    if description:
        schema["description"] = description
    return schema


def _obj(properties: dict, required: tuple = (), description: str | None = None, **extra) -> dict:
    schema: dict = {"type": "object"}
    if description:
        schema["description"] = description
    schema["properties"] = properties
    if required:
        schema["required"] = list(required)
    schema["additionalProperties"] = False
    schema.update(extra)
    return schema


def _id_map(value: dict, description: str, key_pattern: str = ID_PATTERN.pattern, min_properties: int = 0) -> dict:
    """A mapping keyed by ids (scenes, endings, cast...)."""
    schema = {"type": ["object", "null"], "description": description,
              "propertyNames": {"pattern": key_pattern}, "additionalProperties": value}
    if min_properties:
        schema["type"] = "object"
        schema["minProperties"] = min_properties
    return schema


def _nullable_enum(values, description: str) -> dict:
    return {"enum": list(values) + [None], "description": description}


_PIN = _nullable_enum(("first", "last"), "Keep this option at the start or end when the session shuffles the "
                      "order (e.g. 'none of these' last); without it the option's position is shuffled.")


def _one_or_many(item: dict, description: str, min_items: int = 0) -> dict:
    """One value or a list of them (the loader reads a single id as a one-item list)."""
    many: dict = {"type": "array", "items": item}
    if min_items:
        many["minItems"] = min_items
    return {"description": description, "anyOf": [item, many, {"type": "null"}]}


def _integer(description: str, minimum: int | None = None, maximum: int | None = None) -> dict:
    schema: dict = {"type": ["integer", "null"], "description": description}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return schema


def _number(description: str, minimum: float, maximum: float | None) -> dict:
    schema: dict = {"type": ["number", "null"], "description": description, "minimum": minimum}
    if maximum is not None:
        schema["maximum"] = maximum
    return schema


def _text(description: str) -> dict:
    return {"type": ["string", "null"], "description": description}


def _required_text(description: str) -> dict:
    return {"type": "string", "pattern": r"\S", "description": description}


def _kind_is(kind: str) -> dict:
    return {"properties": {"kind": {"const": kind}}, "required": ["kind"]}


# -- shared definitions --------------------------------------------------------------------
def _common_defs() -> dict:
    return {
        "id": {"type": "string", "pattern": ID_PATTERN.pattern,
               "description": "An id: lowercase letters, digits and '_' or '-', starting with a letter "
                              "(at most 64 characters). Ids are stable: keep them when you edit."},
        "idList": _one_or_many({"$ref": "#/$defs/id"}, "One id, or a list of ids."),
        "condition": {"type": "string", "maxLength": 500,
                      "description": "A condition in hydra_sim's small language: compare with == != < <= > >=, "
                                     "combine with and, or, not and parentheses; text and enum values in "
                                     "quotes; built-in numbers 'elapsed' and 'scene_minutes'."},
        "milestone": {"enum": list(MILESTONES),
                      "description": "arrival (the first officer is at the scene), identification (the people "
                                     "are being identified and spoken to), handover (people, property and the "
                                     "investigation are handed on), placement (children are placed with the "
                                     "local authority)."},
        "window": {
            "type": ["object", "null"],
            "description": "When the action should be done: {minutes: N} within N simulated minutes of "
                           "incident_start; {minutes: N, from: M} within N minutes of milestone M; "
                           "{before: M} no later than milestone M; absent: no time limit.",
            "properties": {
                "minutes": _integer("Simulated minutes allowed.", 0, 60 * 24 * 30),
                "from": {"enum": list(MILESTONES) + [None],
                         "description": "The milestone the minutes run from (default: incident_start)."},
                "before": {"$ref": "#/$defs/milestone",
                           "description": "No later than the moment this milestone is reached."},
            },
            "additionalProperties": False,
            "if": {"type": "object"},
            "then": {"oneOf": [
                {"required": ["before"], "not": {"anyOf": [{"required": ["minutes"]}, {"required": ["from"]}]}},
                {"required": ["minutes"], "not": {"required": ["before"]}},
            ]},
        },
    }


# -- scenario --------------------------------------------------------------------------------
def _outcome_properties(with_next: bool) -> dict:
    properties = {
        "set": {"type": ["object", "null"],
                "description": "Set variables: {ambulance_requested: true, driver_status: arrested}.",
                "propertyNames": {"pattern": NAME_PATTERN.pattern},
                "additionalProperties": {"type": ["string", "number", "boolean", "null"]}},
        "add": {"type": ["object", "null"],
                "description": "Add to int variables: {casualties_critical: 1} (use a negative number to "
                               "subtract).",
                "propertyNames": {"pattern": NAME_PATTERN.pattern},
                "additionalProperties": {"type": "integer"}},
        "minutes": _integer("Simulated minutes the action takes (default 0). The clock moves on by this much.",
                            0, _MAX_MINUTES),
        "evidences": _ref("idList", "Action ids this choice gives evidence of: the trainee is credited."),
        "contravenes": _ref("contravenes"),
        "feedback": _text("Debrief text for this choice: say why it was good or what it risked."),
        "send": _ref("send"),
    }
    if with_next:
        properties["next"] = _ref("next")
    return properties


def _inject(timing: str, description: str) -> dict:
    timing_help = ("Minutes after incident_start." if timing == "at_minute"
                   else "Minutes after entering the scene.")
    properties = {
        "id": _ref("id", "Unique across the whole scenario."),
        timing: {"type": "integer", "minimum": 0, "maximum": _MAX_MINUTES, "description": timing_help},
        "if": _ref("condition", "The inject fires only if this condition is true at that moment; otherwise it "
                                "never fires."),
        "text": _required_text("What arrives."),
        "speaker": {"anyOf": [{"$ref": "#/$defs/id"}, {"type": "null"}],
                    "description": "A cast id: who is speaking or reporting."},
        "media": _ref("idList", "A list of media ids shown with the inject."),
        "set": _outcome_properties(False)["set"],
        "add": _outcome_properties(False)["add"],
        "goto": _ref("id", "Redirect to this scene or ending at once."),
    }
    if timing == "at_minute":
        properties["seat"] = _ref("id", "A seated scenario: the seat it reaches (default: every seat).")
    return _obj(properties, ("id", "text", timing), description)


def _decision() -> dict:
    outcome = _outcome_properties(True)
    common = {
        "kind": {"enum": list(DECISION_KINDS),
                 "description": "choose_one (pick one option), choose_many (a checklist), rank (put in "
                                "priority order) or ndm_rationale (a National Decision Model rationale form)."},
        "prompt": _required_text("The question, e.g. \"What do you do first?\"."),
        "time_limit_seconds": _integer("A real-time limit. When it runs out, on_expiry happens.", 5, 3600),
        "on_expiry": _ref("expiryOutcome"),
        "rationale": _nullable_enum(("none", "optional", "required"),
                                    "none, optional (default) or required: a free-text 'why' box saved with the "
                                    "decision for the trainer."),
        "stand_in": {"description": "A seated scenario: what a believable, not perfect, colleague chooses when "
                                    "this seat is not played: an option id (choose_one), a list of ids "
                                    "(choose_many, rank) or {box: text, parts: {part: option}} (ndm_rationale).",
                     "anyOf": [{"$ref": "#/$defs/id"}, {"type": "null"},
                               {"type": "array", "items": {"$ref": "#/$defs/id"}},
                               {"type": "object"}]},
    }
    per_kind = {
        "choose_one": {"options": {"type": "array", "minItems": 1, "items": _ref("chooseOneOption"),
                                   "description": "The options; each is an outcome with its own next."}},
        "choose_many": {
            "options": {"type": "array", "minItems": 1, "items": _ref("checklistItem"),
                        "description": "The checklist items. Each ticked item's outcome applies."},
            "min_picks": _integer("The fewest items the trainee must tick.", 0),
            "max_picks": _integer("The most items the trainee may tick.", 1),
            "minutes": outcome["minutes"], "next": outcome["next"], "set": outcome["set"], "add": outcome["add"],
            "send": outcome["send"],
        },
        "rank": {
            "options": {"type": "array", "minItems": 1, "items": _ref("rankItem"),
                        "description": "The items to put in order, most important first."},
            "rules": {"type": ["array", "null"], "items": _ref("rankRule"),
                      "description": "Which orderings matter; each rule has an outcome when it is kept and one "
                                     "when it is broken."},
            "minutes": outcome["minutes"], "next": outcome["next"], "send": outcome["send"],
        },
        "ndm_rationale": {
            "fields": _one_or_many({"enum": list(NDM_FIELDS)},
                                   "The NDM boxes shown (default all six): ethics, information, threat_risk, "
                                   "powers_policy, options, action_review."),
            "required": _one_or_many({"enum": list(NDM_FIELDS)},
                                     "The boxes that must be filled in (default threat_risk and action_review)."),
            "parts": {"type": ["array", "null"], "items": _ref("rationalePart"),
                      "description": "Structured parts the trainee must choose (e.g. the power used for one "
                                     "person), scored like any decision. Filled-in boxes earn nothing."},
            "rubric": {"type": ["array", "null"], "items": _ref("rubricCriterion"),
                       "description": "What an assessor marks met or not met in the free text, per NDM stage; the "
                                      "result is provisional until marked."},
            "minutes": outcome["minutes"], "next": outcome["next"], "set": outcome["set"],
            "add": outcome["add"], "feedback": outcome["feedback"], "send": outcome["send"],
        },
    }
    union = dict(common)
    for properties in per_kind.values():
        union.update(properties)
    union["options"] = {"type": "array", "items": {"type": "object"},
                        "description": "The options (choose_one), checklist items (choose_many) or items to "
                                       "rank (rank)."}
    branches = []
    for kind, properties in per_kind.items():
        required = ["next"] + (["options"] if "options" in properties else [])
        then_properties = dict(common, **properties)
        if kind == "choose_one":
            required = ["options"]
            then_properties["on_expiry"] = {"allOf": [{"$ref": "#/$defs/expiryOutcome"}, {"required": ["next"]}]}
        branches.append({"if": _kind_is(kind),
                         "then": {"properties": then_properties, "required": required,
                                  "additionalProperties": False}})
    return {"type": "object", "description": "What the trainee must decide here.",
            "properties": union, "required": ["kind", "prompt"], "additionalProperties": False,
            "allOf": branches}


def scenario_schema() -> dict:
    """The JSON Schema of a scenario file (docs/scenario-format.md)."""
    outcome = _outcome_properties(False)
    defs = _common_defs()
    defs.update({
        "next": {"description": "Where to go: a scene or ending id, or a list of routes {if: condition, goto: id} "
                                "tried in order; the last route has only goto.",
                 "anyOf": [{"$ref": "#/$defs/id"},
                           {"type": "array", "minItems": 1, "items": _obj(
                               {"if": _ref("condition", "Take this route only when the condition is true."),
                                "goto": _ref("id", "The scene or ending to go to.")}, ("goto",))}]},
        "contravenes": {"description": "Action ids this choice goes against, as ids or as "
                                       "{action: id, feedback: \"why\"}.",
                        "anyOf": [{"$ref": "#/$defs/id"}, {"type": "null"},
                                  {"type": "array", "items": {"anyOf": [
                                      {"$ref": "#/$defs/id"},
                                      _obj({"action": _ref("id", "The action id."),
                                            "feedback": _text("Why this choice goes against it.")},
                                           ("action",))]}}]},
        "message": _obj({
            "id": {"type": "string", "pattern": NAME_PATTERN.pattern,
                   "description": "The message's id; conditions test received.<id> (true once it has arrived)."},
            "to": _ref("id", "The seat it arrives at."),
            "channel": _nullable_enum(MESSAGE_CHANNELS, "radio (default), phone or log."),
            "text": _required_text("What the other seat reads or hears."),
            "delay": _integer("Minutes after the choice that it arrives (default 0).", 0, _MAX_MINUTES),
        }, ("id", "to", "text"), "A message to another seat."),
        "send": {"description": "A seated scenario: one message, or a list, sent to other seats when this "
                                "happens.",
                 "anyOf": [{"$ref": "#/$defs/message"}, {"type": "null"},
                           {"type": "array", "items": {"$ref": "#/$defs/message"}}]},
        "expiryOutcome": _obj(_outcome_properties(True), (), "What happens when the time limit runs out: an "
                              "outcome with a next (for choose_one, or the decision's next is used)."),
        "plainOutcome": _obj(outcome, (), "An outcome: set, add, minutes, evidences, contravenes, feedback."),
        "chooseOneOption": _obj(dict({"id": _ref("id", "The option's id, used by play scripts and score logs."),
                                      "label": _required_text("The text the trainee sees."),
                                      "if": _ref("condition", "Offer the option only when this is true."),
                                      "pin": _PIN},
                                     **_outcome_properties(True)), ("id", "label", "next")),
        "checklistItem": _obj(dict({"id": _ref("id", "The item's id."),
                                    "label": _required_text("The text the trainee sees."),
                                    "if": _ref("condition", "Offer the item only when this is true."),
                                    "pin": _PIN},
                                   **outcome), ("id", "label")),
        "rankItem": _obj({"id": _ref("id", "The item's id."), "label": _required_text("The text the trainee sees."),
                          "pin": _PIN}, ("id", "label")),
        "partOption": _obj({"id": _ref("id", "The choice's id."), "label": _required_text("The text the trainee sees."),
                            **{k: outcome[k] for k in ("evidences", "contravenes", "feedback", "set", "add")}},
                           ("id", "label")),
        "rationalePart": _obj({
            "id": _ref("id", "The part's id, used by play scripts and score logs."),
            "stage": {"enum": list(NDM_FIELDS), "description": "The NDM stage it belongs to."},
            "prompt": _required_text("The question, e.g. \"The man in the grey coat: how is he dealt with?\""),
            "options": {"type": "array", "minItems": 2, "items": _ref("partOption"),
                        "description": "The choices; an action is earned only when every part naming it is "
                                       "answered with a choice that evidences it."},
        }, ("id", "stage", "prompt", "options")),
        "rubricCriterion": _obj({
            "id": _ref("id", "The criterion's id."),
            "stage": {"enum": list(NDM_FIELDS), "description": "The NDM box whose text it is marked against."},
            "criterion": _required_text("What the assessor looks for."),
            "guidance": _text("What 'met' looks like, or common faults."),
            "evidences": _ref("idList", "Actions earned when this (and every other part and criterion naming them) "
                                        "is satisfied."),
        }, ("id", "stage", "criterion")),
        "rankRule": _obj({
            "id": _ref("id", "The rule's id."),
            "higher": _ref("id", "One item, which must be placed above every item in lower."),
            "lower": _ref("idList", "The items that higher must be placed above."),
            "description": _text("What the rule checks, for the debrief."),
            "when_kept": _ref("plainOutcome", "What happens when the rule is kept."),
            "when_broken": _ref("plainOutcome", "What happens when the rule is broken."),
        }, ("id", "higher", "lower")),
        "decision": _decision(),
        "sceneInject": _inject("after_minutes", "A scene inject, timed from entering this scene."),
        "topInject": _inject("at_minute", "A top-level inject, timed from incident_start."),
        "variable": _variable(),
        "runCondition": _run_condition(),
        "scene": _scene(),
    })
    properties = {
        "format": {"const": 1, "description": "The format version: 1."},
        "id": _ref("id", "The scenario's id, unique in a library."),
        "title": _required_text("Shown in the library and on the briefing screen."),
        "summary": _required_text("One or two sentences for the library."),
        "version": _required_text("Your version of the scenario, as text (\"1.2\"). Recorded with every score log."),
        "duration_minutes": _integer("Estimated real time to play, in minutes (default 30).", 1, 600),
        "difficulty": _nullable_enum(DIFFICULTIES, "introductory, intermediate (default) or advanced."),
        "roles": _one_or_many({"enum": list(TRAINEE_ROLES)}, "Who it is for: any of call_handler, "
                              "first_responder, incident_manager, investigator."),
        "incident_start": {"type": "string",
                           "pattern": r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?\s*$",
                           "description": "The simulated date and time when the scenario begins: "
                                          "\"YYYY-MM-DD HH:MM\" (in quotes)."},
        "clock_speed": _number("Simulated seconds that pass per real second while a trainee reads and thinks "
                               "(default 1; 0 stops the clock between decisions).", 0, 600),
        "pause_while_reading": {"type": ["boolean", "null"],
                                "description": "Whether a decision's countdown holds while the trainee has a "
                                               "document, picture or recording open (default true: reading "
                                               "the evidence is part of the task)."},
        "start": _ref("id", "The id of the first scene."),
        "catalogues": {"description": "The action catalogues the scenario is scored against, by id "
                                      "(e.g. [nrp-core]).",
                       "anyOf": [{"$ref": "#/$defs/id"},
                                 {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/id"}}]},
        "assess": _id_map({"type": ["object", "null"], "properties": {
            "critical": {"type": ["boolean", "null"], "description": "true or false, instead of the catalogue's flag."},
            "weight": _integer("A whole number from 1 to 100, instead of the catalogue's weight.", 1, 100),
            "window": _ref("window", "A window, instead of the catalogue's."),
            "applies_if": _ref("condition", "Read at the end of the session: when it is false, the action is not "
                                            "assessed at all (neither credited nor missed)."),
        }, "additionalProperties": False}, "Which actions are assessed, and scenario-specific changes (critical, "
            "weight, window, applies_if), by action id."),
        "briefing": _obj({
            "role": _required_text("Who the trainee is."),
            "situation": _required_text("What is going on when the scenario starts."),
            "expectations": {"type": ["array", "null"], "items": {"type": ["string", "number", "boolean"]},
                             "description": "A list shown as bullet points."},
        }, ("role", "situation"), "What the trainee reads before the first scene."),
        "reference": _id_map({"type": "object", "properties": {
            "title": _required_text("The item's title."),
            "text": _text("The text, in the safe markdown subset."),
            "media": _ref("id", "Show a media item instead of text."),
        }, "required": ["title"], "additionalProperties": False,
            "anyOf": [{"required": ["text"]}, {"required": ["media"]}]},
            "Optional material the trainee may open at any time; each item needs a title and either text or "
            "media."),
        "cast": _id_map(_obj({
            "name": _required_text("The name shown with the text."),
            "role": _nullable_enum(CAST_ROLES, "caller, call_handler, radio, officer, supervisor, paramedic, "
                                               "partner, member_of_public, narrator (default narrator)."),
            "description": _text("Notes about this person."),
        }, ("name",)), "Who speaks or reports in a scene."),
        "media": _id_map(_media(), "Images, documents and audio that scenes and reference items show."),
        "variables": _id_map(_ref("variable"), "Variables remember what happened so that later scenes can react "
                             "to it. Names use lowercase letters, digits and '_'.",
                             key_pattern=NAME_PATTERN.pattern),
        "run_conditions": _id_map(_ref("runCondition"), "What varies from one run to the next (drawn per "
                                  "session or fixed by a trainer); read-only variables.",
                                  key_pattern=NAME_PATTERN.pattern),
        "injects": {"type": ["array", "null"], "items": _ref("topInject"),
                    "description": "New information that arrives while the incident runs, timed from "
                                   "incident_start (at_minute)."},
        "seats": _id_map(_obj({
            "title": _required_text("The seat's name, e.g. \"Control room\"."),
            "description": _text("Who sits here and what they do."),
            "roles": _one_or_many({"type": "string", "minLength": 1}, "The catalogue role ids (e.g. CR, FR, IM, "
                                  "INV) whose actions this seat is scored on."),
            "reference": _ref("idList", "The reference items this seat may open (default: all)."),
        }, ("title", "roles")), "Seats (pods) that share one incident: each scene names its seat. See "
            "docs/scenario-format.md, \"Seats and messages\"."),
        "partners": _id_map(_obj({
            "name": _required_text("The agency's name, e.g. \"Children's services (out of hours)\"."),
            "helps_with": _required_text("What it can help with (shown on the request form)."),
            "unclear": _text("The answer to a request that matches none of its topics."),
            "replies": _id_map(_obj({
                "title": _text("The topic as the request form shows it (default: from the id)."),
                "text": _required_text("What the partner answers."),
                "keywords": _one_or_many({"type": "string", "minLength": 1}, "Words or phrases of a question on "
                                         "this topic; a request earns the reply's credit only when its question "
                                         "has one."),
                "delay": _integer("Minutes before the canned reply arrives in self-paced play (default 0).", 0,
                                  7 * 24 * 60),
                "evidences": _ref("idList", "Actions a request on this topic is evidence of."),
            }, ("text",)), "Canned replies by topic id."),
        }, ("name", "helps_with")), "Partner agencies a request for information can go to. See "
            "docs/scenario-format.md, \"Partners and requests for information\"."),
        "team_actions": _id_map(_obj({
            "title": _required_text("What the seats should have done together, as the debrief says it."),
            "why": _required_text("Why it matters to the team (shown on every debrief line)."),
            "principle": _nullable_enum(tuple(TEAM_PRINCIPLES), "The JESIP principle it serves (default "
                                        "shared_situational_awareness)."),
            "seat": _ref("id", "The seat that must know (default: the seat of the 'before' scene)."),
            "before": _ref("id", "The scene whose decision it is checked at (default: the end of the incident)."),
            "knew": _ref("idList", "Messages the seat must have received by then."),
            "done": _ref("idList", "Catalogue actions some seat must have done by then."),
            "weight": _integer("How much it counts in the team's result (default 1).", 1, 10),
        }, ("title", "why")), "What the seats must do together, scored from the shared record. See "
            "docs/scenario-format.md, \"Team actions\"."),
        "scenes": _id_map(_ref("scene"), "The scenes, by id. Scenes and endings share one set of ids.",
                          min_properties=1),
        "endings": _id_map(_obj({
            "title": _required_text("The ending's title."),
            "outcome": {"enum": list(OUTCOME_CLASSES),
                        "description": "good, partial, harm, investigation_lost or safeguarding_failure."},
            "text": _required_text("What happened, shown in the debrief before the score."),
        }, ("title", "outcome", "text")), "The endings, by id.", min_properties=1),
    }
    properties["variables"]["propertyNames"] = {"pattern": NAME_PATTERN.pattern,
                                                "not": {"enum": list(_RESERVED_VARIABLES)}}
    schema = {"$schema": DRAFT, "$id": SCHEMA_FILES["scenario"], "title": "hydra_sim scenario, format 1",
              "description": "A hydra_sim training scenario. See docs/scenario-format.md.",
              "$defs": defs}
    schema.update(_obj(properties, ("format", "id", "title", "summary", "version", "incident_start", "start",
                                    "catalogues", "briefing", "scenes", "endings")))
    return schema


def _media() -> dict:
    return {"type": "object", "properties": {
        "kind": {"enum": list(MEDIA_KINDS), "description": "image, document or audio."},
        "title": _required_text("The media item's title."),
        "file": _required_text("A relative path using '/', looked up in the scenario's folder, then in an "
                               "assets folder beside it. Not absolute, no '..'."),
        "alt": _text("Images and documents must have alt: a description that gives a trainee who cannot see it "
                     "everything they need for the decisions."),
        "transcript": _text("Audio must have a transcript."),
    }, "required": ["kind", "title", "file"], "additionalProperties": False, "allOf": [
        {"if": {"properties": {"kind": {"enum": ["image", "document"]}}, "required": ["kind"]},
         "then": {"required": ["alt"], "properties": {"alt": {"type": "string", "pattern": r"\S"}}}},
        {"if": {"properties": {"kind": {"const": "audio"}}, "required": ["kind"]},
         "then": {"required": ["transcript"], "properties": {"transcript": {"type": "string", "pattern": r"\S"}}}},
    ]}


def _variable() -> dict:
    def typed(type_name: str, then: dict) -> dict:
        return {"if": {"properties": {"type": {"const": type_name}}, "required": ["type"]}, "then": then}

    return {"type": "object", "description": "A variable: its type and starting value.", "properties": {
        "type": {"enum": ["bool", "int", "enum", "text"], "description": "bool, int, enum or text."},
        "initial": {"type": ["string", "number", "boolean", "null"],
                    "description": "The starting value (defaults: false, 0, the first enum value, \"\")."},
        "values": _one_or_many({"$ref": "#/$defs/id"}, "enum only: the allowed values.", 1),
        "min": _integer("int only: the smallest value (values are clamped)."),
        "max": _integer("int only: the largest value (values are clamped)."),
        "description": _text("What the variable means."),
    }, "required": ["type"], "additionalProperties": False, "allOf": [
        typed("bool", {"properties": {"initial": {"type": ["boolean", "null"]}},
                       "not": {"anyOf": [{"required": ["values"]}, {"required": ["min"]}, {"required": ["max"]}]}}),
        typed("int", {"properties": {"initial": {"type": ["integer", "null"]}},
                      "not": {"required": ["values"]}}),
        typed("enum", {"required": ["values"],
                       "properties": {"initial": {"type": ["string", "null"]},
                                      "values": {"type": ["string", "array"]}},
                       "not": {"anyOf": [{"required": ["min"]}, {"required": ["max"]}]}}),
        typed("text", {"not": {"anyOf": [{"required": ["values"]}, {"required": ["min"]}, {"required": ["max"]}]}}),
    ]}


def _run_condition() -> dict:
    return {"type": "object", "description": "A run condition: bool or enum, drawn per session.", "properties": {
        "type": {"enum": ["bool", "enum"], "description": "bool or enum."},
        "values": {"type": "array", "minItems": 2, "items": {"$ref": "#/$defs/id"},
                   "description": "enum only: the values it can take (at least two)."},
        "initial": {"type": ["string", "boolean", "null"],
                    "description": "The default: what play scripts and tools use unless told otherwise."},
        "title": _text("Its short name in the debrief and review."),
        "labels": {"type": ["object", "null"], "additionalProperties": {"type": "string"},
                   "description": "What the debrief and review say for each value."},
        "description": _text("What it varies, for authors and trainers."),
        "announce": {"type": ["boolean", "null"],
                     "description": "When the facilitator changes it live, the trainees' incident log says so "
                                    "(\"<title>: <label>\"); default false: they see only its effect."},
    }, "required": ["type"], "additionalProperties": False,
        "if": {"properties": {"type": {"const": "enum"}}, "required": ["type"]},
        "then": {"required": ["values"]}, "else": {"not": {"required": ["values"]}}}


def _scene() -> dict:
    properties = {
        "title": _required_text("A short heading; put the simulated time in it if it helps."),
        "text": {"description": "The narrative, in the safe markdown subset; or a list of versions "
                                "({if, text}, the last without if) shown by condition.",
                 "anyOf": [_required_text("The narrative. Must not be empty."),
                           {"type": "array", "minItems": 1, "items": _obj({
                               "if": _ref("condition", "Show this version when the condition holds."),
                               "text": _required_text("This version of the narrative."),
                           }, ("text",))}]},
        "speaker": {"anyOf": [{"$ref": "#/$defs/id"}, {"type": "null"}],
                    "description": "A cast id: who is speaking or reporting."},
        "media": _ref("idList", "A list of media ids shown with the scene."),
        "milestone": {"enum": list(MILESTONES) + [None],
                      "description": "A milestone reached when this scene is entered: arrival, identification, "
                                     "handover or placement."},
        "injects": {"type": ["array", "null"], "items": _ref("sceneInject"),
                    "description": "Scene injects, timed from entering this scene (after_minutes)."},
        "decision": _ref("decision", "The decision the trainee makes here (or use next)."),
        "next": _ref("next", "For a scene with no decision: where \"Continue\" goes."),
        "seat": _ref("id", "A seated scenario: the seat that plays this scene."),
    }
    return _obj(properties, ("title", "text"), "One moment of the incident: what the trainee learns, and usually "
                "one decision.", oneOf=[{"required": ["decision"], "not": {"required": ["next"]}},
                                        {"required": ["next"], "not": {"required": ["decision"]}}])


# -- catalogue -------------------------------------------------------------------------------
def catalogue_schema() -> dict:
    """The JSON Schema of an action catalogue file (``<id>.catalogue.yaml``)."""
    defs = _common_defs()
    raw_list = {"description": "One code or a list of codes.",
                "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}, {"type": "null"}]}
    action = _obj({
        "title": _required_text("The action, as the trainee sees it."),
        "description": _required_text("What the action involves."),
        "why": _required_text("Why it matters: shown in the debrief."),
        "category": _ref("id", "A category id from this catalogue's categories."),
        "roles": dict(raw_list, description="Role codes from this catalogue's roles (e.g. [CR, FR])."),
        "phase": {"type": "string", "description": "One of this catalogue's phases."},
        "critical": {"type": ["boolean", "null"], "description": "Whether missing it fails the session whatever "
                                                               "the total."},
        "weight": _integer("How much it counts: a positive whole number.", 1, 100),
        "window": _ref("window"),
        "window_note": _text("How the window was chosen (timings are inferences, not NRP rules)."),
        "critical_note": _text("Why the action is critical."),
        "evidence": {"enum": ["D", "I", None], "description": "D: stated in a public source; I: a reasoned "
                                                              "inference."},
        "sources": dict(raw_list, description="Ids from the catalogue's sources."),
    }, ("title", "description", "why", "category", "roles", "phase", "critical", "weight", "evidence", "sources"))
    properties = {
        "format": {"const": 1, "description": "The format version: 1."},
        "kind": {"const": "catalogue", "description": "Always 'catalogue'."},
        "id": _ref("id", "The catalogue's id; the file is named <id>.catalogue.yaml."),
        "title": _required_text("The catalogue's title."),
        "version": _required_text("The catalogue's version, as text."),
        "description": _text("What the catalogue covers and where it comes from."),
        "scoring": {"type": ["object", "null"], "description": "The scoring policy (first catalogue listed "
                                                              "only): see docs/scoring.md.",
                    "properties": {
                        "late_credit": _number("Fraction of the weight for an action achieved after its window "
                                               "(default 0.5).", 0, 1),
                        "contravene_penalty": _number("Multiple of the weight subtracted when an action is "
                                                      "contravened (default 1.0).", 0, 10),
                        "grades": {"type": ["array", "null"], "description": "The grades, highest first; the "
                                                                           "lowest has min_percent: 0.",
                                   "items": _obj({"id": _ref("id"), "label": {"type": "string"},
                                                  "min_percent": {"type": "number", "minimum": 0, "maximum": 100}},
                                                 ("id", "label", "min_percent"))},
                        "critical_fail_grade": _ref("id", "The grade given when a critical action is missed."),
                    }, "additionalProperties": False},
        "categories": _id_map(_obj({"label": {"type": "string"}, "order": _integer("Sort order.")}, ("label",)),
                              "Action categories, by id."),
        "roles": {"type": ["object", "null"], "description": "Role codes (e.g. CR, FR) and their labels.",
                  "additionalProperties": _obj({"label": {"type": "string"}}, ("label",))},
        "phases": _ref("idList", "The phases of the incident, in order."),
        "sources": {"type": ["object", "null"], "description": "Public sources, by id (e.g. S1).",
                    "additionalProperties": _obj({"title": _required_text("The source's title."),
                                                  "url": _text("Where to read it.")}, ("title",))},
        "actions": _id_map(action, "The actions, by id."),
    }
    schema = {"$schema": DRAFT, "$id": SCHEMA_FILES["catalogue"], "title": "hydra_sim action catalogue, format 1",
              "description": "A hydra_sim action catalogue. See docs/scenario-format.md#action-catalogues.",
              "$defs": defs}
    schema.update(_obj(properties, ("format", "kind", "id", "title", "version", "categories", "roles", "sources",
                                    "actions")))
    return schema


# -- plan ------------------------------------------------------------------------------------
def plan_schema() -> dict:
    """The JSON Schema of a play script or test plan (``*.plan.yaml``)."""
    defs = _common_defs()
    answer = {"description": "The answer: an option id (choose_one), a list of ids (choose_many, rank), or the "
                             "boxes of an NDM form.",
              "anyOf": [{"type": ["string", "number", "boolean"]}, {"type": "array", "items": {"type": "string"}},
                        {"type": "object", "additionalProperties": {"anyOf": [
                            {"type": ["string", "number", "boolean", "null"]},
                            {"type": "object", "description": "parts: {part id: option id}",
                             "additionalProperties": {"type": ["string", "null"]}}]}}]}
    defs["answer"] = answer
    defs["expectation"] = _obj({
        "scene": _ref("id", "The scenario is at this scene."),
        "ending": _ref("id", "The scenario ended here."),
        "outcome": {"enum": list(OUTCOME_CLASSES), "description": "The ending's outcome class."},
        "grade": _ref("id", "The grade, e.g. distinction."),
        "score": {"description": "The score in percent, or {min: 60, max: 85}.",
                  "anyOf": [{"type": "number", "minimum": 0, "maximum": 100},
                            _obj({"min": {"type": "number", "minimum": 0, "maximum": 100},
                                  "max": {"type": "number", "minimum": 0, "maximum": 100}})]},
        "variables": {"type": "object", "description": "Variable values, e.g. {trailer_vented: true}.",
                      "additionalProperties": {"type": ["string", "number", "boolean", "null"]}},
        "actions": {"type": "object", "description": "Action statuses: on_time, late, missed, contravened, "
                                                     "not_applicable or awaiting_marking.",
                    "additionalProperties": {"enum": list(_STATUSES)}},
        "critical_failures": _ref("idList", "Exactly these critical failures (any order)."),
        "visited": _ref("idList", "Scenes that must have been visited."),
        "not_visited": _ref("idList", "Scenes that must not have been visited."),
        "injects_fired": _ref("idList", "Injects that must have fired."),
    }, (), "What must hold here.")
    keywords = ["expect", "scene", "wait", "expire", "continue", "mark", "ask"]
    step = {"type": "object", "description": "One step: 'scene_id: answer', 'wait: minutes', 'expire: scene', "
                                             "'continue: scene', the long form {scene, choose, rationale}, or "
                                             "'expect: {...}'.",
            "anyOf": [
                _obj({"expect": _ref("expectation")}, ("expect",)),
                _obj({"mark": {"type": "string", "description": "The scene whose rationale an assessor marks."},
                      "marks": {"type": "object", "description": "{criterion id: met | not_met}",
                                "additionalProperties": {"enum": ["met", "not_met"]}},
                      "by": _text("Who marked it (default: test plan).")}, ("mark", "marks")),
                _obj({"scene": {"type": "string", "description": "The scene whose decision is answered."},
                      "choose": _ref("answer"),
                      "rationale": _text("The trainee's 'why'.")}, ("scene", "choose")),
                _obj({"ask": {"type": "string", "description": "A request for information to this partner."},
                      "question": _required_text("What the request asks, in the trainee's words."),
                      "urgency": {"enum": ["routine", "priority", "immediate"],
                                  "description": "How urgent (default routine)."},
                      "topic": _text("The partner's topic it is on (optional).")}, ("ask", "question")),
                _obj({"wait": {"type": ["number", "null"], "minimum": 0, "maximum": 24 * 60,
                               "description": "Let this many simulated minutes pass."}}, ("wait",)),
                _obj({"expire": {"type": ["string", "number"],
                                 "description": "Let this scene's time limit run out."}}, ("expire",)),
                _obj({"continue": {"type": ["string", "number"],
                                   "description": "A scene with no decision: press Continue."}}, ("continue",)),
                {"type": "object", "minProperties": 1, "maxProperties": 1,
                 "propertyNames": {"not": {"enum": keywords}}, "additionalProperties": _ref("answer")},
            ]}
    defs["step"] = step
    properties = {
        "scenario": _text("The scenario file, relative to the plan (default: <scenario-id>.yaml beside it)."),
        "description": _text("What this plan checks."),
        "conditions": {"type": "object", "additionalProperties": {"type": ["string", "boolean"]},
                       "description": "Run conditions fixed for this plan (name: value); the others take "
                                      "their defaults."},
        "seat": _ref("id", "A seated scenario: the seat these steps play; the other seats' stand-ins take their "
                           "decisions."),
        "steps": {"type": "array", "items": _ref("step"), "description": "The choices, in order."},
        "expect": _ref("expectation", "Checked when the steps are done."),
    }
    schema = {"$schema": DRAFT, "$id": SCHEMA_FILES["plan"], "title": "hydra_sim play script / test plan",
              "description": "A play script or playthrough test plan. See docs/scenario-format.md#test-plans.",
              "$defs": defs}
    schema.update(_obj(properties, ("steps",)))
    return schema


# -- output ----------------------------------------------------------------------------------
def all_schemas() -> dict[str, dict]:
    """{"scenario": ..., "catalogue": ..., "plan": ...}."""
    return {"scenario": scenario_schema(), "catalogue": catalogue_schema(), "plan": plan_schema()}


def write_schemas(folder: Path) -> list[Path]:
    """Write scenario.schema.json, catalogue.schema.json and plan.schema.json into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in all_schemas().items():
        path = folder / SCHEMA_FILES[name]
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written

"""Run conditions: what varies from one run of a scenario to the next.

A scenario's ``run_conditions:`` declares facts of the incident that are not the trainee's to
decide (how long the ambulance takes, which language the interpreter booked speaks, whether
the fluent "spokesman" is really a relative). Each is a read-only variable: conditions,
routes, option availability and text variants read it like any variable, and no outcome may
set it. When a session starts, each condition is drawn at random from the session's seed
(so the draw is reproducible) unless a trainer fixed it; the values are the log's
``{"type": "conditions", ...}`` entry, so resume, replay, review and re-scoring use exactly
the conditions the trainee met. Lint, explore and audit go through every combination.
Must not import Qt or any GUI code.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Mapping
from typing import Any

from .model import Scenario, Variable
from .presentation import derived_seed

MAX_COMBINATIONS = 64      # lint, explore and audit go through each; more is an error (S015)


class ConditionError(ValueError):
    """A fixed condition names no run condition of the scenario, or a value it cannot take."""


def declared(scenario: Scenario) -> dict[str, Variable]:
    """The scenario's run conditions, in file order."""
    return {name: v for name, v in scenario.variables.items() if v.run_condition}


def possible_values(variable: Variable) -> tuple[Any, ...]:
    return (False, True) if variable.type == "bool" else tuple(variable.values)


def defaults(scenario: Scenario) -> dict[str, Any]:
    """Each condition's ``initial`` value: what play scripts and tools use unless told otherwise."""
    return {name: v.initial for name, v in declared(scenario).items()}


def draw(scenario: Scenario, seed: int | None, fixed: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The conditions of a new session: ``fixed`` ones as given, the rest drawn from ``seed``
    (a session with no seed, e.g. a play script, gets the defaults)."""
    values = dict(defaults(scenario)) if seed is None else {
        name: random.Random(derived_seed(int(seed), "condition", name)).choice(possible_values(v))
        for name, v in declared(scenario).items()}
    values.update(check(scenario, fixed or {}))
    return values


def check(scenario: Scenario, values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` validated against the declared conditions (ConditionError names what is wrong)."""
    conditions = declared(scenario)
    checked = {}
    for name, value in values.items():
        variable = conditions.get(name)
        if variable is None:
            known = ", ".join(conditions) or "none"
            raise ConditionError(f"'{name}' is not a run condition of this scenario (its conditions: {known})")
        if value not in possible_values(variable) or isinstance(value, bool) != (variable.type == "bool"):
            allowed = ", ".join(str(v).lower() if isinstance(v, bool) else str(v) for v in possible_values(variable))
            raise ConditionError(f"run condition '{name}' cannot be {value!r} (one of: {allowed})")
        checked[name] = value
    return checked


def parse_assignments(texts: list[str], scenario: Scenario) -> dict[str, Any]:
    """``["interpreter=kurmanji", "spokesman_genuine=true"]`` from a command line, checked."""
    conditions = declared(scenario)
    values: dict[str, Any] = {}
    for text in texts:
        name, sep, raw = text.partition("=")
        name, raw = name.strip(), raw.strip()
        if not sep or not name or not raw:
            raise ConditionError(f"'{text}' is not NAME=VALUE (e.g. --condition {next(iter(conditions), 'name')}=value)")
        variable = conditions.get(name)
        if variable is not None and variable.type == "bool":
            if raw.lower() not in ("true", "false"):
                raise ConditionError(f"run condition '{name}' is true or false, not '{raw}'")
            values[name] = raw.lower() == "true"
        else:
            values[name] = raw
    return check(scenario, values)


def combinations(scenario: Scenario) -> Iterator[dict[str, Any]]:
    """Every combination of the run conditions (one empty combination when there are none)."""
    conditions = declared(scenario)
    names = list(conditions)
    for values in itertools.product(*(possible_values(conditions[n]) for n in names)):
        yield dict(zip(names, values))


def combination_count(scenario: Scenario) -> int:
    count = 1
    for variable in declared(scenario).values():
        count *= len(possible_values(variable))
    return count


def describe(scenario: Scenario, values: Mapping[str, Any]) -> list[str]:
    """One plain line per condition, e.g. "Ambulance: delayed, about 35 minutes" (debrief, review)."""
    lines = []
    for name, variable in declared(scenario).items():
        if name not in values:
            continue
        value = values[name]
        key = str(value).lower() if isinstance(value, bool) else str(value)
        shown = variable.labels.get(key) or key.replace("_", " ")
        title = variable.title or name.replace("_", " ").capitalize()
        lines.append(f"{title}: {shown}")
    return lines


def short(values: Mapping[str, Any]) -> str:
    """``a=b, c=true``: for command-line output and file names."""
    return ", ".join(f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in values.items())

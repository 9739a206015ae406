"""Action catalogues: the NRP actions a trainee is assessed against, read from YAML.

A catalogue is data, not code: ids, titles, why each action matters, category, roles,
phase, critical flag, weight, time window, evidence tag and source citations. Must not
import Qt or any GUI code.
"""

from __future__ import annotations

from pathlib import Path

from .model import MILESTONES, Action, Catalogue, Grade, ScoringPolicy, Source, Window
from .problems import Problem
from .reader import NodeReader
from .yamlsource import YMap, YNode, is_null, read_yaml_file

CATALOGUE_SUFFIX = ".catalogue.yaml"
_REQUIRED = ("format", "kind", "id", "title", "version", "categories", "roles", "sources", "actions")
_OPTIONAL = ("description", "scoring", "phases")
_ACTION_REQUIRED = ("title", "description", "why", "category", "roles", "phase", "critical", "weight",
                    "evidence", "sources")
_ACTION_OPTIONAL = ("window", "window_note", "critical_note")


def read_window(r: NodeReader, node: YNode | None, where: str) -> Window | None:
    if node is None or is_null(node):
        return None
    m = r.mapping(node, f"'window' of {where}", (), ("minutes", "from", "before"))
    if m is None:
        return None
    if "before" in m.items:
        if "minutes" in m.items or "from" in m.items:
            r.error("S004", f"'window' of {where} has 'before' together with 'minutes'/'from'", m,
                    "use either {before: milestone} or {minutes: N, from: milestone}")
        return Window(before=r.choice(m, "before", f"'window' of {where}", MILESTONES, None))
    if "minutes" not in m.items:
        r.error("S001", f"'window' of {where} needs 'minutes' or 'before'", m)
        return None
    return Window(minutes=r.integer(m, "minutes", f"'window' of {where}", 0, 0, 60 * 24 * 30),
                  anchor=r.choice(m, "from", f"'window' of {where}", MILESTONES, None))


def load_catalogue(path: Path, display_name: str | None = None) -> tuple[Catalogue | None, list[Problem]]:
    name = display_name or str(path)
    root, problems = read_yaml_file(path, name)
    if root is None:
        return None, problems
    r = NodeReader(name)
    catalogue = _build(r, root, path)
    return catalogue, problems + r.problems


def _build(r: NodeReader, root: YNode, path: Path) -> Catalogue | None:
    m = r.mapping(root, "the catalogue", _REQUIRED, _OPTIONAL)
    if m is None:
        return None
    if r.choice(m, "kind", "the catalogue", ("catalogue",), None) is None:
        return None
    fmt = r.integer(m, "format", "the catalogue")
    if fmt is not None and fmt != 1:
        r.error("S009", f"catalogue format {fmt} is not supported", m.items["format"], "write 'format: 1'")
    catalogue_id = r.ident(m, "id", "the catalogue") or "catalogue"
    categories = {}
    for cat_id, _key, value in r.entries(m.items.get("categories"), "'categories'"):
        cm = r.mapping(value, f"category '{cat_id}'", ("label",), ("order",))
        if cm is not None:
            categories[cat_id] = (r.text(cm, "label", f"category '{cat_id}'"),
                                  r.integer(cm, "order", f"category '{cat_id}'", 99) or 99)
    roles = {}
    for role_id, _key, value in _raw_entries(r, m.items.get("roles"), "'roles'"):
        rm = r.mapping(value, f"role '{role_id}'", ("label",), ())
        if rm is not None:
            roles[role_id] = r.text(rm, "label", f"role '{role_id}'")
    phases = tuple(v for v, _ in r.id_list(m, "phases", "the catalogue"))
    sources = {}
    for source_id, _key, value in _raw_entries(r, m.items.get("sources"), "'sources'"):
        sm = r.mapping(value, f"source '{source_id}'", ("title",), ("url",))
        if sm is not None:
            sources[source_id] = Source(source_id, r.text(sm, "title", f"source '{source_id}'", nonempty=True),
                                        r.text(sm, "url", f"source '{source_id}'"))
    catalogue = Catalogue(catalogue_id, r.text(m, "title", "the catalogue", nonempty=True),
                          r.text(m, "version", "the catalogue", nonempty=True),
                          r.text(m, "description", "the catalogue"), path,
                          _scoring(r, m.items.get("scoring")), categories, roles, phases, sources, {})
    for action_id, _key, value in r.entries(m.items.get("actions"), "'actions'"):
        action = _action(r, catalogue, action_id, value)
        if action is not None:
            catalogue.actions[action_id] = action
    return catalogue


def _raw_entries(r: NodeReader, node: YNode | None, where: str):
    """Role codes (CR, FR) and source ids (S1, S22a) keep their published form."""
    if node is None:            # a missing required field: already reported (S001) where the mapping is
        return []
    if not isinstance(node, YMap):
        r.mapping(node, where)
        return []
    return [(key, node.keys[key], value) for key, value in node.items.items()]


def _action(r: NodeReader, catalogue: Catalogue, action_id: str, node: YNode) -> Action | None:
    where = f"action '{action_id}'"
    m = r.mapping(node, where, _ACTION_REQUIRED, _ACTION_OPTIONAL)
    if m is None:
        return None
    category = r.choice(m, "category", where, tuple(catalogue.categories), "")
    phase = r.choice(m, "phase", where, catalogue.phases, "") if catalogue.phases else r.text(m, "phase", where)
    roles = []
    for role, role_node in r.scalar_list(m, "roles", where):
        if r.choice_value(role_node, f"a role of {where}", tuple(catalogue.roles), None):
            roles.append(role)
    sources = []
    for source_id, source_node in r.scalar_list(m, "sources", where):
        if source_id not in catalogue.sources:
            from .problems import did_you_mean
            r.error("R011", f"{where} cites an unknown source '{source_id}'", source_node,
                    did_you_mean(source_id, catalogue.sources) or "add it under 'sources'")
        else:
            sources.append(catalogue.sources[source_id])
    return Action(
        id=action_id,
        title=r.text(m, "title", where, nonempty=True),
        description=r.text(m, "description", where, nonempty=True),
        why=r.text(m, "why", where, nonempty=True),
        category=category or "",
        roles=tuple(roles),
        phase=phase or "",
        critical=r.boolean(m, "critical", where),
        weight=r.integer(m, "weight", where, 1, 1, 100) or 1,
        window=read_window(r, m.items.get("window"), where),
        window_note=r.text(m, "window_note", where),
        evidence=r.choice(m, "evidence", where, ("D", "I"), "I") or "I",
        sources=tuple(sources),
        catalogue_id=catalogue.id,
        location=r.loc(m),
        critical_note=r.text(m, "critical_note", where),
    )


def _scoring(r: NodeReader, node: YNode | None) -> ScoringPolicy:
    policy = ScoringPolicy()
    if node is None:
        return policy
    m = r.mapping(node, "'scoring'", (), ("late_credit", "contravene_penalty", "grades", "critical_fail_grade"))
    if m is None:
        return policy
    policy.late_credit = r.number(m, "late_credit", "'scoring'", 0.5, 0.0, 1.0)
    policy.contravene_penalty = r.number(m, "contravene_penalty", "'scoring'", 1.0, 0.0, 10.0)
    grades = []
    for index, item in enumerate(r.sequence(m.items.get("grades"), "'grades' in 'scoring'")):
        gm = r.mapping(item, f"grade {index + 1}", ("id", "label", "min_percent"), ())
        if gm is not None:
            grades.append(Grade(r.ident(gm, "id", f"grade {index + 1}") or f"g{index}",
                                r.text(gm, "label", f"grade {index + 1}"),
                                r.number(gm, "min_percent", f"grade {index + 1}", 0.0, 0.0, 100.0)))
    if grades:
        grades.sort(key=lambda g: -g.min_percent)
        if grades[-1].min_percent > 0:
            r.error("S004", "the lowest grade must have 'min_percent: 0' so every score has a grade",
                    m.items.get("grades"))
        policy.grades = tuple(grades)
    fail = r.ident(m, "critical_fail_grade", "'scoring'")
    if fail:
        if fail not in {g.id for g in policy.grades}:
            r.error("R012", f"'critical_fail_grade' '{fail}' is not one of the grades",
                    m.items["critical_fail_grade"])
        else:
            policy.critical_fail_grade = fail
    return policy

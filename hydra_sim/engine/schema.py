"""The scenario file schema: turns a located YAML tree into a ``model.Scenario``.

Reports every structural problem (missing or unknown fields with did-you-mean, wrong
types, bad ids, duplicate ids, bad conditions) with file, line and column. Cross-file
checks (catalogues, media files) live in ``loader.py``; graph and content checks in
``lint.py``. Must not import Qt or any GUI code.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from .expressions import VarType
from .model import (
    BUILTIN_VARIABLES,
    CAST_ROLES,
    DECISION_KINDS,
    DIFFICULTIES,
    MEDIA_KINDS,
    MILESTONES,
    NDM_FIELDS,
    OUTCOME_CLASSES,
    OVERALL_CRITERION,
    MESSAGE_CHANNELS,
    RECEIVED_PREFIX,
    TEAM_PRINCIPLES,
    TRAINEE_ROLES,
    ActionRef,
    Briefing,
    CastMember,
    Decision,
    Ending,
    Inject,
    Media,
    Message,
    Option,
    Outcome,
    Partner,
    PartnerReply,
    RankRule,
    RationalePart,
    ReferenceItem,
    Route,
    RubricCriterion,
    Scenario,
    Scene,
    Seat,
    TeamAction,
    Variable,
)
from .presentation import PINS
from .problems import ERROR, Problem
from .reader import NAME_PATTERN, NodeReader
from .yamlsource import YMap, YNode, YScalar, is_null
from .text import strip_time_prefix

FORMAT_VERSION = 1
SCENARIO_FIELDS_REQUIRED = ("format", "id", "title", "summary", "version", "incident_start",
                            "start", "catalogues", "briefing", "scenes", "endings")
SCENARIO_FIELDS_OPTIONAL = ("duration_minutes", "difficulty", "roles", "clock_speed", "pause_while_reading", "assess",
                            "reference", "cast", "media", "variables", "run_conditions", "injects", "seats",
                            "partners", "team_actions")
_OUTCOME_FIELDS = ("set", "add", "minutes", "evidences", "contravenes", "feedback", "send")
_MESSAGE_FIELDS = ("channel", "delay")
_MAX_MINUTES = 7 * 24 * 60
# Size limits (S015): scenario files are untrusted, and the state machine, the explorer and the
# GUI all grow with these counts. Far above any real exercise (the flagship has under 40 scenes).
MAX_SCENES = 10_000        # scenes and endings together (a real scenario has tens; 10,000 loads in ~5 s)
MAX_OPTIONS = 100          # options (or ranking rules) in one decision
MAX_INJECTS = 1000         # injects in the whole scenario


class ScenarioSchema:
    """Builds one Scenario; ``problems`` holds everything found on the way."""

    def __init__(self, root: YNode, path: Path, display_name: str):
        self.r = NodeReader(display_name)
        self.root = root
        self.path = path
        self.pending_conditions: list = []   # (expression, node, where), checked at the end
        self.variables: dict[str, Variable] = {}
        self.ids_seen: dict[str, YScalar] = {}   # scene + ending ids share one namespace

    @property
    def problems(self) -> list[Problem]:
        return self.r.problems

    def build(self) -> Scenario | None:
        r = self.r
        m = r.mapping(self.root, "the scenario", SCENARIO_FIELDS_REQUIRED, SCENARIO_FIELDS_OPTIONAL)
        if m is None:
            if isinstance(self.root, YMap) is False:
                self.problems[-1:] = [Problem("S003", ERROR, "the top level of a scenario must be a "
                                              "mapping of fields (format, id, title, ...)",
                                              r.loc(self.root), "start the file with 'format: 1'")]
            return None
        fmt = r.integer(m, "format", "the scenario")
        if "format" in m.items and fmt is not None and fmt != FORMAT_VERSION:
            r.error("S009", f"format {fmt} is not supported; this hydra_sim reads format {FORMAT_VERSION}",
                    m.items["format"], "write 'format: 1', or update hydra_sim")
        scenario_id = r.ident(m, "id", "the scenario") or "unnamed"
        variables_node = m.items.get("variables")
        self.variables = self._variables(variables_node)
        self._run_conditions(m.items.get("run_conditions"))
        incident_start = self._datetime(m, "incident_start")
        scenes = self._scenes(m.items.get("scenes"))
        endings = self._endings(m.items.get("endings"))
        scenario = Scenario(
            id=scenario_id,
            title=r.text(m, "title", "the scenario", nonempty=True),
            summary=r.text(m, "summary", "the scenario", nonempty=True),
            version=r.text(m, "version", "the scenario", nonempty=True),
            path=self.path,
            location=r.loc(m),
            incident_start=incident_start,
            start=r.ident(m, "start", "the scenario") or "",
            catalogue_ids=tuple(i for i, _ in r.id_list(m, "catalogues", "the scenario")),
            briefing=self._briefing(m.items.get("briefing")),
            duration_minutes=r.integer(m, "duration_minutes", "the scenario", 30, 1, 600),
            difficulty=r.choice(m, "difficulty", "the scenario", DIFFICULTIES, "intermediate"),
            roles=self._roles(m),
            clock_speed=r.number(m, "clock_speed", "the scenario", 1.0, 0.0, 600.0),
            pause_while_reading=r.boolean(m, "pause_while_reading", "the scenario", True),
            reference=self._reference(m.items.get("reference")),
            cast=self._cast(m.items.get("cast")),
            media=self._media(m.items.get("media")),
            variables=self.variables,
            injects=tuple(self._inject(n, None) for n in r.sequence(m.items.get("injects"), "'injects'")),
            scenes=scenes,
            endings=endings,
            assess_overrides=self._assess(m.items.get("assess")),
            seats=self._seats(m.items.get("seats")),
            partners=self._partners(m.items.get("partners")),
            team_actions=self._team_actions(m.items.get("team_actions")),
        )
        if "seats" in m.items:
            scenario.seats_location = r.loc(m.items["seats"])
        scenario.injects = tuple(i for i in scenario.injects if i is not None)
        self._check_sizes(m, scenario)
        if "start" in m.items:
            scenario.start_location = r.loc(m.items["start"])
        if "catalogues" in m.items and not scenario.catalogue_ids:
            r.error("S001", "the scenario lists no action catalogues", m.items["catalogues"],
                    "add 'catalogues: [nrp-core]'")
        self._check_conditions()
        scenario.message_reads = frozenset(name for expression, _n, _w in self.pending_conditions
                                           for name in expression.reads if name.startswith(RECEIVED_PREFIX))
        return scenario

    def _check_sizes(self, m: YMap, scenario: Scenario) -> None:
        states = len(scenario.scenes) + len(scenario.endings)
        if states > MAX_SCENES:
            self.r.error("S015", f"the scenario has {states:,} scenes and endings; the limit is {MAX_SCENES:,}",
                         m.items.get("scenes"), "split it into several scenarios")
        injects = len(scenario.injects) + sum(len(s.injects) for s in scenario.scenes.values())
        if injects > MAX_INJECTS:
            self.r.error("S015", f"the scenario has {injects:,} injects; the limit is {MAX_INJECTS:,}",
                         m.items.get("injects") or m.items.get("scenes"), "split it into several scenarios")

    # -- metadata --------------------------------------------------------------------
    def _datetime(self, m: YMap, key: str) -> datetime:
        node = m.items.get(key)
        fallback = datetime(2026, 1, 1, 0, 0)
        if node is None:
            return fallback
        scalar = self.r.scalar(node, f"'{key}'")
        if scalar is None:
            return fallback
        for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
            try:
                return datetime.strptime(scalar.value.strip(), pattern)
            except ValueError:
                continue
        self.r.error("S010", f"'{key}' must be a date and time like \"2026-01-14 04:10\", not "
                     f"'{scalar.value}'", scalar, "write \"YYYY-MM-DD HH:MM\" in quotes")
        return fallback

    def _roles(self, m: YMap) -> tuple[str, ...]:
        roles = []
        for value, node in self.r.id_list(m, "roles", "the scenario"):
            if self.r.choice_value(node, "a role in 'roles'", TRAINEE_ROLES, None):
                roles.append(value)
        return tuple(roles)

    def _briefing(self, node: YNode | None) -> Briefing:
        if node is None:        # already reported as a missing required field
            return Briefing("", "")
        m = self.r.mapping(node, "'briefing'", ("role", "situation"), ("expectations",))
        if m is None:
            return Briefing("", "")
        expectations = []
        for item in self.r.sequence(m.items.get("expectations"), "'expectations' in the briefing"):
            scalar = self.r.scalar(item, "an expectation in the briefing")
            if scalar is not None:
                expectations.append(scalar.value)
        return Briefing(self.r.text(m, "role", "the briefing", nonempty=True),
                        self.r.text(m, "situation", "the briefing", nonempty=True), tuple(expectations))

    def _reference(self, node: YNode | None) -> dict[str, ReferenceItem]:
        items = {}
        for ref_id, _key, value in self.r.entries(node, "'reference'"):
            where = f"reference item '{ref_id}'"
            m = self.r.mapping(value, where, ("title",), ("text", "media"))
            if m is None:
                continue
            if "text" not in m.items and "media" not in m.items:
                self.r.error("S001", f"{where} needs 'text' or 'media'", m)
            items[ref_id] = ReferenceItem(ref_id, self.r.text(m, "title", where, nonempty=True),
                                          self.r.text(m, "text", where), self.r.ident(m, "media", where))
        return items

    def _seats(self, node: YNode | None) -> dict:
        """``seats:``: the pods that share the incident (seats.py); their roles are checked by lint."""
        seats = {}
        for seat_id, _key, value in self.r.entries(node, "'seats'"):
            where = f"seat '{seat_id}'"
            m = self.r.mapping(value, where, ("title", "roles"), ("description", "reference"))
            if m is None:
                continue
            reference = tuple(v for v, _ in self.r.id_list(m, "reference", where)) if "reference" in m.items else None
            seats[seat_id] = Seat(seat_id, self.r.text(m, "title", where, nonempty=True),
                                  self.r.text(m, "description", where),
                                  tuple(v for v, _ in self.r.scalar_list(m, "roles", where)), self.r.loc(m),
                                  reference)
        if node is not None and not seats and isinstance(node, YMap):
            self.r.error("S001", "'seats' is empty", node, "declare at least two seats, or remove 'seats'")
        return seats

    def _partners(self, node: YNode | None) -> dict[str, Partner]:
        """``partners:``: agencies a request for information can go to, with canned replies by topic."""
        r = self.r
        partners = {}
        for partner_id, _key, value in r.entries(node, "'partners'"):
            where = f"partner '{partner_id}'"
            m = r.mapping(value, where, ("name", "helps_with"), ("replies", "unclear"))
            if m is None:
                continue
            replies = {}
            for topic, _tkey, tvalue in r.entries(m.items.get("replies"), f"'replies' of {where}"):
                t_where = f"reply '{topic}' of {where}"
                t = r.mapping(tvalue, t_where, ("text",), ("title", "keywords", "delay", "evidences"))
                if t is None:
                    continue
                keywords = tuple(" ".join(v.lower().split()) for v, _ in r.scalar_list(t, "keywords", t_where)
                                 if v.strip())
                replies[topic] = PartnerReply(
                    topic, r.text(t, "title", t_where) or topic.replace("_", " "),
                    r.text(t, "text", t_where, nonempty=True), keywords,
                    r.integer(t, "delay", t_where, 0, 0, _MAX_MINUTES) or 0,
                    tuple(ActionRef(v, r.loc(n)) for v, n in r.id_list(t, "evidences", t_where)), r.loc(t))
            partners[partner_id] = Partner(partner_id, r.text(m, "name", where, nonempty=True),
                                           r.text(m, "helps_with", where, nonempty=True), replies, r.loc(m),
                                           r.text(m, "unclear", where))
        return partners

    def _team_actions(self, node: YNode | None) -> dict[str, TeamAction]:
        """``team_actions:``: what the seats must do together (team.py); which scenes, seats, messages
        and actions exist is lint's check (H012-H014)."""
        r = self.r
        found = {}
        for action_id, _key, value in r.entries(node, "'team_actions'"):
            where = f"team action '{action_id}'"
            m = r.mapping(value, where, ("title", "why"),
                          ("principle", "seat", "before", "knew", "done", "weight"))
            if m is None:
                continue
            knew = tuple((v, r.loc(n)) for v, n in r.id_list(m, "knew", where))
            done = tuple(ActionRef(v, r.loc(n)) for v, n in r.id_list(m, "done", where))
            if not knew and not done:
                r.error("S001", f"{where} needs 'knew' (messages the seat must have received) or 'done' "
                        "(actions the team must have done)", m, "e.g. 'knew: [headcount]'")
            found[action_id] = TeamAction(
                action_id, r.text(m, "title", where, nonempty=True), r.text(m, "why", where, nonempty=True),
                r.choice(m, "principle", where, TEAM_PRINCIPLES, None), r.ident(m, "seat", where),
                r.ident(m, "before", where), knew, done, r.integer(m, "weight", where, 1, 1, 10) or 1, r.loc(m),
                r.loc(m.items["before"]) if "before" in m.items else None,
                r.loc(m.items["seat"]) if "seat" in m.items else None)
        return found

    def _cast(self, node: YNode | None) -> dict[str, CastMember]:
        cast = {}
        for cast_id, _key, value in self.r.entries(node, "'cast'"):
            where = f"cast member '{cast_id}'"
            m = self.r.mapping(value, where, ("name",), ("role", "description"))
            if m is None:
                continue
            cast[cast_id] = CastMember(cast_id, self.r.text(m, "name", where, nonempty=True),
                                       self.r.choice(m, "role", where, CAST_ROLES, "narrator"),
                                       self.r.text(m, "description", where))
        return cast

    def _media(self, node: YNode | None) -> dict[str, Media]:
        media = {}
        for media_id, _key, value in self.r.entries(node, "'media'"):
            where = f"media '{media_id}'"
            m = self.r.mapping(value, where, ("kind", "title", "file"), ("alt", "transcript"))
            if m is None:
                continue
            media[media_id] = Media(media_id, self.r.choice(m, "kind", where, MEDIA_KINDS, "image"),
                                    self.r.text(m, "title", where, nonempty=True),
                                    self.r.text(m, "file", where, nonempty=True), self.r.loc(m),
                                    alt=self.r.text(m, "alt", where),
                                    transcript=self.r.text(m, "transcript", where))
        return media

    def _variables(self, node: YNode | None) -> dict[str, Variable]:
        variables = {}
        r = self.r
        for name, m, var_type, where in self._typed_entries(node, "variables", "variable",
                                                             ("initial", "values", "min", "max", "description"),
                                                             ("bool", "int", "enum", "text")):
            variable = Variable(name, var_type, None, r.loc(m), description=r.text(m, "description", where))
            if var_type == "enum":
                values = [v for v, _ in r.id_list(m, "values", where)]
                if not values:
                    r.error("S001", f"enum {where} needs a list of 'values'", m)
                    continue
                variable.values = tuple(values)
            elif "values" in m.items:
                r.error("S002", f"'values' only belongs to enum variables ({where} is {var_type})",
                        m.keys["values"])
            if var_type == "int":
                variable.minimum = r.integer(m, "min", where)
                variable.maximum = r.integer(m, "max", where)
            elif "min" in m.items or "max" in m.items:
                r.error("S002", f"'min' and 'max' only belong to int variables ({where} is {var_type})",
                        m.keys.get("min") or m.keys.get("max"))
            defaults = {"bool": False, "int": 0, "enum": variable.values[0] if variable.values else "",
                        "text": ""}
            initial_node = m.items.get("initial")
            variable.initial = defaults[var_type]
            if initial_node is not None and not (is_null(initial_node) and var_type != "text"):
                value_ = self._value_for(variable, initial_node, f"'initial' of {where}")
                if value_ is not None:
                    variable.initial = value_
            variables[name] = variable
        return variables

    def _typed_entries(self, node: YNode | None, section: str, kind: str, fields: tuple, types: tuple):
        """(name, mapping, type, where) for each well-named entry of ``variables`` or ``run_conditions``."""
        r = self.r
        for name, key, value in r.entries(node, f"'{section}'"):
            if not self._variable_name_ok(name, key, kind):
                continue
            where = f"{kind} '{name}'"
            m = r.mapping(value, where, ("type",), fields)
            if m is None:
                continue
            var_type = r.choice(m, "type", where, types, None)
            if var_type is not None:
                yield name, m, var_type, where

    def _variable_name_ok(self, name: str, key: YScalar, kind: str) -> bool:
        if not NAME_PATTERN.match(name):
            self.r.error("S005", f"{kind} name '{name}' may only use lowercase letters, digits and '_'",
                         key, f"e.g. '{name.replace('-', '_')}'")
            return False
        if name in BUILTIN_VARIABLES or name in ("and", "or", "not", "true", "false"):
            self.r.error("S005", f"'{name}' is a reserved name", key, f"choose another {kind} name")
            return False
        if name in self.variables:
            self.r.error("S006", f"'{name}' is declared both as a variable and as a run condition", key,
                         "give the run condition another name")
            return False
        return True

    def _run_conditions(self, node: YNode | None) -> None:
        """``run_conditions:``: read-only variables drawn per session (run_conditions.py)."""
        r = self.r
        for name, m, var_type, where in self._typed_entries(node, "run_conditions", "run condition",
                                                             ("values", "initial", "title", "labels", "description",
                                                              "announce"),
                                                             ("bool", "enum")):
            variable = Variable(name, var_type, False, r.loc(m), description=r.text(m, "description", where),
                                run_condition=True, title=r.text(m, "title", where),
                                announce=r.boolean(m, "announce", where))
            if var_type == "enum":
                variable.values = tuple(v for v, _ in r.id_list(m, "values", where))
                if len(variable.values) < 2:
                    r.error("S001", f"{where} needs at least two 'values' (it varies from run to run)",
                            m.items.get("values", m), "list the values it can take, e.g. [prompt, delayed]")
                    continue
                variable.initial = variable.values[0]
            elif "values" in m.items:
                r.error("S002", f"'values' only belongs to enum run conditions ({where} is bool)", m.keys["values"])
            if "initial" in m.items and not is_null(m.items["initial"]):
                initial = self._value_for(variable, m.items["initial"], f"'initial' of {where}")
                if initial is not None:
                    variable.initial = initial
            variable.labels = self._condition_labels(m, variable, where)
            self.variables[name] = variable

    def _condition_labels(self, m: YMap, variable: Variable, where: str) -> dict[str, str]:
        r = self.r
        node = m.items.get("labels")
        if node is None or is_null(node):
            return {}
        allowed = ("true", "false") if variable.type == "bool" else variable.values
        lm = r.mapping(node, f"'labels' of {where}", (), allowed)
        if lm is None:
            return {}
        return {value: r.text(lm, value, f"'labels' of {where}") for value in lm.items}

    def _value_for(self, variable: Variable, node: YNode, where: str):
        r = self.r
        scalar = r.scalar(node, where)
        if scalar is None:
            return None
        if variable.type == "bool":
            return r.boolean_value(scalar, where)
        if variable.type == "int":
            return r.integer_value(scalar, where, None, variable.minimum, variable.maximum)
        if variable.type == "enum":
            return r.choice_value(scalar, where, variable.values, None)
        return scalar.value

    # -- scenes ----------------------------------------------------------------------
    def _claim_id(self, scene_id: str, key: YScalar, what: str) -> None:
        if scene_id in self.ids_seen:
            first = self.ids_seen[scene_id]
            self.r.error("S006", f"{what} id '{scene_id}' is already used on line {first.line + 1}", key,
                         "scenes and endings share one set of ids")
        else:
            self.ids_seen[scene_id] = key

    def _scenes(self, node: YNode | None) -> dict[str, Scene]:
        scenes = {}
        for scene_id, key, value in self.r.entries(node, "'scenes'"):
            self._claim_id(scene_id, key, "scene")
            scene = self._scene(scene_id, value)
            if scene is not None:
                scenes[scene_id] = scene
        if node is not None and not scenes and not self.problems:
            self.r.error("S001", "the scenario has no scenes", node)
        return scenes

    def _scene(self, scene_id: str, node: YNode) -> Scene | None:
        r = self.r
        where = f"scene '{scene_id}'"
        m = r.mapping(node, where, ("title", "text"),
                      ("speaker", "media", "milestone", "injects", "decision", "next", "seat"))
        if m is None:
            return None
        # a leading fixed time is dropped: the screen shows the clock of the path taken (text.py)
        title = strip_time_prefix(r.text(m, "title", where, nonempty=True))
        text, variants = self._scene_text(m, where)
        scene = Scene(scene_id, title, text,
                      r.loc(m), speaker=r.ident(m, "speaker", where), text_variants=variants,
                      media=tuple(i for i, _ in r.id_list(m, "media", where)),
                      milestone=r.choice(m, "milestone", where, MILESTONES, None),
                      seat=r.ident(m, "seat", where))
        if "seat" in m.items:
            scene.seat_location = r.loc(m.items["seat"])
        scene.injects = tuple(i for i in (self._inject(n, scene_id) for n in
                                          r.sequence(m.items.get("injects"), f"'injects' in {where}"))
                              if i is not None)
        has_decision = "decision" in m.items and not is_null(m.items["decision"])
        has_next = "next" in m.items and not is_null(m.items["next"])
        if has_decision and has_next:
            r.error("S011", f"{where} has both 'decision' and 'next'", m.keys["next"],
                    "put the routes in the decision's options, or remove the decision")
        elif not has_decision and not has_next:
            r.error("S011", f"{where} has neither a 'decision' nor a 'next'", m,
                    "add a decision, or 'next: <scene or ending id>' for a Continue button")
        if has_decision:
            scene.decision = self._decision(m.items["decision"], where)
        elif has_next:
            scene.next = self._routes(m.items["next"], where)
        return scene

    def _scene_text(self, m: YMap, where: str) -> tuple[str, tuple]:
        """A scene's ``text``: one text, or a list of ``{if, text}`` versions tried in order, the
        last without ``if`` (what is shown when no condition holds)."""
        r = self.r
        node = m.items.get("text")
        if node is None or isinstance(node, YScalar) or is_null(node):
            return r.text(m, "text", where), ()
        items = r.sequence(node, f"'text' in {where}")
        variants, fallback = [], ""
        for index, item in enumerate(items):
            item_where = f"version {index + 1} of 'text' in {where}"
            vm = r.mapping(item, item_where, ("text",), ("if",))
            if vm is None:
                continue
            text = r.text(vm, "text", item_where, nonempty=True)
            if "if" not in vm.items:
                if index != len(items) - 1:
                    r.warning("G007", f"{item_where} has no 'if', so the versions after it are never shown",
                              item, "put the version without 'if' last: it is shown when no condition holds")
                fallback = text
                break
            condition = r.condition(vm, "if", item_where, self.pending_conditions)
            if condition is not None:
                variants.append((condition, text))
            if index == len(items) - 1:
                r.error("G003", f"the last version of 'text' in {where} has an 'if'", vm.keys["if"],
                        "end with a version without 'if', shown when no condition holds")
        return fallback, tuple(variants)

    def _routes(self, node: YNode, where: str) -> tuple[Route, ...]:
        r = self.r
        if isinstance(node, YScalar):
            if r.check_id(node.value, node, f"'next' in {where}"):
                return (Route(node.value, None, r.loc(node)),)
            return ()
        routes = []
        items = r.sequence(node, f"'next' in {where}")
        for index, item in enumerate(items):
            route_where = f"route {index + 1} of 'next' in {where}"
            m = r.mapping(item, route_where, ("goto",), ("if",))
            if m is None:
                continue
            target = r.ident(m, "goto", route_where)
            condition = r.condition(m, "if", route_where, self.pending_conditions)
            if target:
                routes.append(Route(target, condition, r.loc(m)))
            if "if" in m.items and index == len(items) - 1:
                r.error("G003", f"the last route of 'next' in {where} has an 'if'", m.keys["if"],
                        "end the list with a fallback route that has only 'goto'")
            elif "if" not in m.items and index < len(items) - 1:
                r.warning("G007", f"route {index + 1} of 'next' in {where} has no 'if', so the routes "
                          "after it are never used", m, "move the fallback to the end")
        if not items:
            r.error("S001", f"'next' in {where} is an empty list", node)
        return tuple(routes)

    # -- decisions -------------------------------------------------------------------
    def _decision(self, node: YNode, scene_where: str) -> Decision | None:
        r = self.r
        where = f"the decision in {scene_where}"
        if not isinstance(node, YMap):
            r.mapping(node, where)
            return None
        kind = r.choice(node, "kind", where, DECISION_KINDS, None)
        common = ("prompt", "time_limit_seconds", "on_expiry", "rationale", "stand_in")
        by_kind = {
            "choose_one": ("options",),
            "choose_many": ("options", "min_picks", "max_picks", "minutes", "next", "set", "add", "send"),
            "rank": ("options", "rules", "minutes", "next", "send"),
            "ndm_rationale": ("fields", "required", "parts", "rubric", "evidences", "minutes", "next", "set", "add",
                              "feedback", "send"),
        }
        required = ("kind", "prompt") + (("options",) if kind in ("choose_one", "choose_many", "rank") else ())
        if kind == "ndm_rationale" or kind in ("choose_many", "rank"):
            required += ("next",)
        m = r.mapping(node, where, required, tuple(set(common + by_kind.get(kind, ())) - set(required)))
        if m is None or kind is None:
            return None
        decision = Decision(kind, r.text(m, "prompt", where, nonempty=True), (), r.loc(m),
                            rationale=r.choice(m, "rationale", where, ("none", "optional", "required"),
                                               "optional"))
        decision.time_limit_seconds = r.integer(m, "time_limit_seconds", where, None, 5, 3600)
        if "stand_in" in m.items and not is_null(m.items["stand_in"]):
            decision.stand_in = self._stand_in(m.items["stand_in"], kind, where)
            decision.stand_in_location = r.loc(m.items["stand_in"])
        if "on_expiry" in m.items:
            decision.on_expiry = self._outcome(m.items["on_expiry"], f"'on_expiry' of {where}",
                                               with_next=True, next_required=(kind == "choose_one"))
        if kind in ("choose_one", "choose_many", "rank"):
            decision.options = self._options(m.items.get("options"), kind, where)
        if kind != "choose_one":
            decision.outcome = self._outcome(m, where, with_next=True, next_required=True,
                                             fields_already_checked=True)
        if kind == "choose_many":
            count = len(decision.options)
            decision.min_picks = r.integer(m, "min_picks", where, None, 0, max(count, 0))
            decision.max_picks = r.integer(m, "max_picks", where, None, 1, max(count, 1))
            if (decision.min_picks is not None and decision.max_picks is not None
                    and decision.min_picks > decision.max_picks):
                r.error("S004", f"'min_picks' is larger than 'max_picks' in {where}", m.items["min_picks"])
        if kind == "rank":
            decision.rules = self._rank_rules(m.items.get("rules"), decision, where)
        if kind == "ndm_rationale":
            fields = [v for v, n in r.id_list(m, "fields", where)
                      if r.choice_value(n, f"a field in 'fields' of {where}", NDM_FIELDS, None)]
            if fields:
                decision.fields = tuple(fields)
            if "required" in m.items:
                required_fields = []
                for value, value_node in r.id_list(m, "required", where):
                    if value not in decision.fields:
                        r.error("S004", f"required box '{value}' is not one of the boxes shown in {where}",
                                value_node, f"shown: {', '.join(decision.fields)}")
                    else:
                        required_fields.append(value)
                decision.required = tuple(required_fields)
            else:
                decision.required = tuple(f for f in decision.required if f in decision.fields)
            decision.rationale = "none"   # the form itself is the rationale
            decision.parts = self._parts(m.items.get("parts"), decision, where)
            decision.rubric = self._rubric(m.items.get("rubric"), decision, where)
            if "evidences" in m.items:
                self._rationale_evidence_to_rubric(m, decision, where)
        return decision

    def _stand_in(self, node: YNode, kind: str, where: str):
        """A decision's ``stand_in``, in the shape its kind needs; which ids exist is lint's check (H006)."""
        r = self.r
        where = f"'stand_in' of {where}"
        if kind == "choose_one":
            scalar = r.scalar(node, where)
            return scalar.value if scalar is not None and r.check_id(scalar.value, scalar, where) else None
        if kind in ("choose_many", "rank"):
            items = [node] if isinstance(node, YScalar) else r.sequence(node, where)
            values = []
            for item in items:
                scalar = r.scalar(item, f"an item of {where}")
                if scalar is not None and r.check_id(scalar.value, scalar, where):
                    values.append(scalar.value)
            return values
        m = r.mapping(node, where, (), NDM_FIELDS + ("parts",))    # ndm_rationale: the boxes and parts
        if m is None:
            return None
        boxes = {name: r.text(m, name, where) for name in m.items if name != "parts"}
        if "parts" in m.items and not is_null(m.items["parts"]):
            pm = r.mapping(m.items["parts"], f"'parts' of {where}", (), tuple(m.items["parts"].items)
                           if isinstance(m.items["parts"], YMap) else ())
            if pm is not None:
                boxes["parts"] = {name: r.ident(pm, name, f"'parts' of {where}") or "" for name in pm.items}
        return boxes

    def _rationale_evidence_to_rubric(self, m: YMap, decision: Decision, where: str) -> None:
        """Format 1 credited a rationale's ``evidences`` for filled-in boxes. Such files still load,
        but the actions now wait for an assessor: they move to one criterion marked on the whole text."""
        evidences = decision.outcome.evidences
        decision.outcome = replace(decision.outcome, evidences=())
        if not evidences:
            return
        self.r.warning("N001", f"{where} gives evidence of actions for being filled in; a rationale earns "
                       "credit only for what it says, so an assessor now marks them on the whole rationale",
                       m.items["evidences"],
                       "move the actions to 'parts' the trainee must choose or to 'rubric' criteria an "
                       "assessor marks; see docs/scenario-format.md")
        decision.rubric = decision.rubric + (RubricCriterion(
            OVERALL_CRITERION, decision.required[-1] if decision.required else decision.fields[-1],
            "The rationale as a whole justifies the decision: the information, the risks, the powers and "
            "the options considered (criterion added for a file written before rubrics).",
            tuple(evidences), decision.location),)

    def _stage(self, m: YMap, where: str, decision: Decision) -> str:
        stage = self.r.choice(m, "stage", where, NDM_FIELDS, None) or decision.fields[0]
        if stage not in decision.fields and "stage" in m.items:
            self.r.error("S004", f"stage '{stage}' of {where} is not one of the boxes shown", m.items["stage"],
                         f"shown: {', '.join(decision.fields)}")
        return stage

    def _parts(self, node: YNode | None, decision: Decision, where: str) -> tuple[RationalePart, ...]:
        """Structured parts of a rationale: each a choose-one from the author's list, scored like one."""
        r = self.r
        parts, seen = [], set()
        for index, item in enumerate(r.sequence(node, f"'parts' of {where}")):
            part_where = f"part {index + 1} of {where}"
            m = r.mapping(item, part_where, ("id", "stage", "prompt", "options"), ())
            if m is None:
                continue
            part_id = r.ident(m, "id", part_where) or f"#{index + 1}"
            if part_id in seen:
                r.error("S006", f"part id '{part_id}' is used twice in {where}", m.items.get("id"))
            seen.add(part_id)
            part_where = f"part '{part_id}' of {where}"
            options = self._options(m.items.get("options"), "part", part_where)
            if len(options) == 1:
                r.error("S004", f"{part_where} has one option, so there is nothing to choose", m.items["options"],
                        "add the other choices a trainee could reasonably make")
            parts.append(RationalePart(part_id, self._stage(m, part_where, decision),
                                       r.text(m, "prompt", part_where, nonempty=True), options, r.loc(m)))
        return tuple(parts)

    def _rubric(self, node: YNode | None, decision: Decision, where: str) -> tuple[RubricCriterion, ...]:
        """What an assessor marks in the free text, per NDM stage."""
        r = self.r
        criteria, seen = [], set()
        for index, item in enumerate(r.sequence(node, f"'rubric' of {where}")):
            c_where = f"rubric criterion {index + 1} of {where}"
            m = r.mapping(item, c_where, ("id", "stage", "criterion"), ("guidance", "evidences"))
            if m is None:
                continue
            criterion_id = r.ident(m, "id", c_where) or f"#{index + 1}"
            if criterion_id in seen:
                r.error("S006", f"criterion id '{criterion_id}' is used twice in {where}", m.items.get("id"))
            seen.add(criterion_id)
            c_where = f"rubric criterion '{criterion_id}' of {where}"
            criteria.append(RubricCriterion(
                criterion_id, self._stage(m, c_where, decision), r.text(m, "criterion", c_where, nonempty=True),
                tuple(ActionRef(v, r.loc(n)) for v, n in r.id_list(m, "evidences", c_where)), r.loc(m),
                r.text(m, "guidance", c_where)))
        return tuple(criteria)

    def _options(self, node: YNode | None, kind: str, where: str) -> tuple[Option, ...]:
        r = self.r
        options = []
        seen: dict[str, YNode] = {}
        items = r.sequence(node, f"'options' of {where}")
        if len(items) > MAX_OPTIONS:
            r.error("S015", f"{where} has {len(items)} options; the limit is {MAX_OPTIONS}", node,
                    "split the decision into several")
            items = items[:MAX_OPTIONS]
        if node is not None and not items:
            r.error("S001", f"{where} has no options", node)
        for index, item in enumerate(items):
            option_where = f"option {index + 1} of {where}"
            if kind == "rank":
                m = r.mapping(item, option_where, ("id", "label"), ("pin",))
            elif kind == "part":     # a rationale part: effects and credit, no time or routing
                m = r.mapping(item, option_where, ("id", "label"), ("evidences", "contravenes", "feedback", "set",
                                                                     "add"))
            else:
                fields = ("if", "pin") + _OUTCOME_FIELDS + (("next",) if kind == "choose_one" else ())
                m = r.mapping(item, option_where, ("id", "label") + (("next",) if kind == "choose_one" else ()),
                              fields)
            if m is None:
                continue
            option_id = r.ident(m, "id", option_where) or f"#{index + 1}"
            if option_id in seen:
                r.error("S006", f"option id '{option_id}' is used twice in {where}", m.items.get("id"))
            seen[option_id] = m
            option_where = f"option '{option_id}' of {where}"
            outcome = (Outcome(location=r.loc(m)) if kind == "rank" else
                       self._outcome(m, option_where, with_next=(kind == "choose_one"),
                                     next_required=(kind == "choose_one"), fields_already_checked=True))
            options.append(Option(option_id, r.text(m, "label", option_where, nonempty=True), outcome,
                                  r.condition(m, "if", option_where, self.pending_conditions), r.loc(m),
                                  pin=r.choice(m, "pin", option_where, PINS, None)))
        return tuple(options)

    def _rank_rules(self, node: YNode | None, decision: Decision, where: str) -> tuple[RankRule, ...]:
        r = self.r
        option_ids = [o.id for o in decision.options]
        rules = []
        items = r.sequence(node, f"'rules' of {where}")
        if len(items) > MAX_OPTIONS:
            r.error("S015", f"{where} has {len(items)} ranking rules; the limit is {MAX_OPTIONS}", node,
                    "keep the rules that matter")
            items = items[:MAX_OPTIONS]
        for index, item in enumerate(items):
            rule_where = f"rule {index + 1} of {where}"
            m = r.mapping(item, rule_where, ("id", "higher", "lower"), ("description", "when_kept", "when_broken"))
            if m is None:
                continue
            higher = r.ident(m, "higher", rule_where)
            lower = [v for v, _ in r.id_list(m, "lower", rule_where)]
            for value, value_node in [(higher, m.items.get("higher"))] + list(r.id_list(m, "lower", rule_where)):
                if value and value not in option_ids:
                    r.error("R009", f"'{value}' in {rule_where} is not one of the items to rank", value_node,
                            r_hint(value, option_ids))
            kept = self._outcome(m.items.get("when_kept"), f"'when_kept' of {rule_where}") \
                if "when_kept" in m.items else Outcome(location=r.loc(m))
            broken = self._outcome(m.items.get("when_broken"), f"'when_broken' of {rule_where}") \
                if "when_broken" in m.items else Outcome(location=r.loc(m))
            rules.append(RankRule(r.ident(m, "id", rule_where) or f"rule{index + 1}", higher or "",
                                  tuple(lower), kept, broken, r.loc(m), r.text(m, "description", rule_where)))
        if not rules:
            r.warning("S012", f"{where} is a ranking with no 'rules', so the order is not assessed",
                      node if node is not None else None, "add rules such as 'higher: triage, lower: [paperwork]'")
        return tuple(rules)

    def _outcome(self, node: YNode | None, where: str, with_next: bool = False, next_required: bool = False,
                 fields_already_checked: bool = False) -> Outcome:
        r = self.r
        if not fields_already_checked:
            allowed = _OUTCOME_FIELDS + (("next",) if with_next else ())
            m = r.mapping(node, where, ("next",) if next_required else (), allowed)
            if m is None:
                return Outcome()
        else:
            m = node  # type: ignore[assignment]
        outcome = Outcome(location=r.loc(m))
        outcome.minutes = r.integer(m, "minutes", where, 0, 0, _MAX_MINUTES) or 0
        outcome.feedback = r.text(m, "feedback", where)
        outcome.evidences = tuple(ActionRef(v, r.loc(n)) for v, n in r.id_list(m, "evidences", where))
        outcome.contravenes = self._contraventions(m.items.get("contravenes"), where)
        outcome.sets = self._effects(m.items.get("set"), where, "set")
        outcome.adds = self._effects(m.items.get("add"), where, "add")
        outcome.sends = self._sends(m.items.get("send"), where)
        if with_next and "next" in m.items and not is_null(m.items["next"]):
            outcome.next = self._routes(m.items["next"], where)
        return outcome

    def _sends(self, node: YNode | None, where: str) -> tuple[Message, ...]:
        """``send``: one message or a list, each {id, to, text, channel (radio), delay (minutes, 0)}."""
        r = self.r
        if node is None or is_null(node):
            return ()
        items = [node] if isinstance(node, YMap) else r.sequence(node, f"'send' in {where}")
        messages = []
        for item in items:
            m_where = f"a message sent in {where}"
            m = r.mapping(item, m_where, ("id", "to", "text"), _MESSAGE_FIELDS)
            if m is None:
                continue
            scalar = r.field(m, "id", m_where)
            message_id = scalar.value if scalar is not None and r.check_id(
                scalar.value, scalar, f"'id' of {m_where}", NAME_PATTERN) else None
            to = r.ident(m, "to", m_where)
            if message_id is None or to is None:
                continue
            m_where = f"message '{message_id}' in {where}"
            messages.append(Message(message_id, to, r.choice(m, "channel", m_where, MESSAGE_CHANNELS, "radio"),
                                    r.text(m, "text", m_where, nonempty=True),
                                    r.integer(m, "delay", m_where, 0, 0, _MAX_MINUTES) or 0, r.loc(m)))
        return tuple(messages)

    def _contraventions(self, node: YNode | None, where: str) -> tuple[ActionRef, ...]:
        r = self.r
        if node is None or is_null(node):
            return ()
        items = [node] if isinstance(node, YScalar) else r.sequence(node, f"'contravenes' in {where}")
        refs = []
        for item in items:
            if isinstance(item, YScalar):
                if r.check_id(item.value, item, f"'contravenes' in {where}"):
                    refs.append(ActionRef(item.value, r.loc(item)))
                continue
            m = r.mapping(item, f"an item of 'contravenes' in {where}", ("action",), ("feedback",))
            if m is None:
                continue
            action_id = r.ident(m, "action", f"'contravenes' in {where}")
            if action_id:
                refs.append(ActionRef(action_id, r.loc(m.items["action"]),
                                      r.text(m, "feedback", f"'contravenes' in {where}")))
        return tuple(refs)

    def _effects(self, node: YNode | None, where: str, verb: str) -> dict:
        r = self.r
        if node is None or is_null(node):
            return {}
        m = r.mapping(node, f"'{verb}' in {where}", (), tuple(node.items) if isinstance(node, YMap) else ())
        if m is None:
            return {}
        effects = {}
        for name, value_node in m.items.items():
            key = m.keys[name]
            variable = self.variables.get(name)
            if variable is None:
                r.error("R003", f"'{verb}' in {where} names an undefined variable '{name}'", key,
                        r_hint(name, self.variables) or "declare it under 'variables'")
                continue
            if variable.run_condition:
                r.error("V004", f"'{verb}' in {where} changes the run condition '{name}'; a run condition is "
                        "fixed for the whole run", key, "declare a variable under 'variables' for what changes")
                continue
            if verb == "add":
                if variable.type != "int":
                    r.error("V002", f"'add' in {where} needs an int variable; '{name}' is {variable.type}",
                            key, "use 'set' instead")
                    continue
                amount = r.integer_value(value_node, f"'add: {name}' in {where}")
                if amount is not None:
                    effects[name] = amount
            else:
                if variable.type == "text" and is_null(value_node):
                    effects[name] = ""
                    continue
                value = self._value_for(variable, value_node, f"'set: {name}' in {where}")
                if value is not None:
                    effects[name] = value
        return effects

    # -- injects and endings ---------------------------------------------------------
    def _inject(self, node: YNode, scene_id: str | None) -> Inject | None:
        r = self.r
        timing = "after_minutes" if scene_id else "at_minute"
        place = f"scene '{scene_id}'" if scene_id else "the top-level 'injects'"
        where = f"an inject in {place}"
        extra = () if scene_id else ("seat",)      # a scene inject reaches the scene's own seat
        m = r.mapping(node, where, ("id", "text", timing), ("if", "speaker", "media", "set", "add", "goto") + extra)
        if m is None:
            if isinstance(node, YMap):
                wrong = "at_minute" if scene_id else "after_minutes"
                if wrong in node.items:
                    r.error("S002", f"use '{timing}' for injects in {place}", node.keys[wrong],
                            "'at_minute' is for top-level injects, 'after_minutes' for scene injects")
            return None
        inject_id = r.ident(m, "id", where) or "inject"
        where = f"inject '{inject_id}'"
        minutes = r.integer(m, timing, where, 0, 0, _MAX_MINUTES)
        effects = self._outcome_effects_only(m, where)
        inject = Inject(inject_id, r.text(m, "text", where, nonempty=True), r.loc(m),
                        at_minute=None if scene_id else minutes,
                        after_minutes=minutes if scene_id else None, scene_id=scene_id,
                        condition=r.condition(m, "if", where, self.pending_conditions),
                        speaker=r.ident(m, "speaker", where),
                        media=tuple(v for v, _ in r.id_list(m, "media", where)),
                        outcome=effects, goto=r.ident(m, "goto", where),
                        seat=None if scene_id else r.ident(m, "seat", where))
        return inject

    def _outcome_effects_only(self, m: YMap, where: str) -> Outcome:
        outcome = Outcome(location=self.r.loc(m))
        outcome.sets = self._effects(m.items.get("set"), where, "set")
        outcome.adds = self._effects(m.items.get("add"), where, "add")
        return outcome

    def _endings(self, node: YNode | None) -> dict[str, Ending]:
        r = self.r
        endings = {}
        for ending_id, key, value in r.entries(node, "'endings'"):
            self._claim_id(ending_id, key, "ending")
            where = f"ending '{ending_id}'"
            m = r.mapping(value, where, ("title", "outcome", "text"), ())
            if m is None:
                continue
            endings[ending_id] = Ending(ending_id, r.text(m, "title", where, nonempty=True),
                                        r.choice(m, "outcome", where, OUTCOME_CLASSES, "partial"),
                                        r.text(m, "text", where, nonempty=True), r.loc(m))
        if node is not None and not endings and isinstance(node, YMap):
            r.error("S001", "the scenario has no endings", node, "add at least one ending")
        return endings

    def _assess(self, node: YNode | None) -> dict[str, dict] | None:
        r = self.r
        if node is None:
            return None
        overrides: dict[str, dict] = {}
        for action_id, key, value in r.entries(node, "'assess'"):
            where = f"'assess: {action_id}'"
            entry: dict = {"_node": key}
            if not is_null(value):
                m = r.mapping(value, where, (), ("critical", "weight", "window", "applies_if"))
                if m is None:
                    continue
                if "applies_if" in m.items:
                    entry["applies_if"] = r.condition(m, "applies_if", where, self.pending_conditions)
                if "critical" in m.items:
                    entry["critical"] = r.boolean(m, "critical", where)
                if "weight" in m.items:
                    entry["weight"] = r.integer(m, "weight", where, 1, 1, 100)
                if "window" in m.items:
                    from .catalogue import read_window
                    entry["window"] = read_window(r, m.items["window"], where)
            overrides[action_id] = entry
        return overrides

    # -- conditions ------------------------------------------------------------------
    def var_types(self) -> dict[str, VarType]:
        types = {name: VarType(v.type, v.values) for name, v in self.variables.items()}
        for builtin in BUILTIN_VARIABLES:
            types[builtin] = VarType("int")
        # received.<id> is true once message <id> has arrived. Every one read is true/false here;
        # whether some outcome sends it is lint's check (H004), which can say which message.
        for expression, _node, _where in self.pending_conditions:
            types.update((name, VarType("bool")) for name in expression.reads if name.startswith(RECEIVED_PREFIX))
        return types

    def _check_conditions(self) -> None:
        types = self.var_types()
        for expression, node, where in self.pending_conditions:
            for exc in expression.check(types):
                code = "C002" if "unknown variable" not in exc.message else "R003"
                self.r.problems.append(Problem(code, ERROR, f"condition in {where}: {exc.message}",
                                               self.r._column_in(node, exc.column), exc.hint))
            constant = expression.constant_value()
            if constant is not None:
                self.r.warning("C003", f"the condition in {where} is always {str(constant).lower()}", node,
                               "remove the condition or make it depend on a variable")


def r_hint(word: str, choices) -> str | None:
    from .problems import did_you_mean
    return did_you_mean(word, choices)

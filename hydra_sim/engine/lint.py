"""Scenario lint: reference, graph, variable, time, scoring and content checks.

Runs on a scenario the schema could build, and reports problems with stable codes (see
docs/lint.md). Graph checks are static: they follow every route whatever its condition, so
"unreachable" means unreachable on any path. Seated scenarios (seats.py) are checked for
unknown seats, scenes without one, messages to nowhere or that nothing sends, and stand-ins
(H001-H009), and by reachability (reach.py) for messages waited for where no path sends them
(H010) or sends them first (H011); team actions (team.py) must name what exists and can
happen (H012-H015). Partners and their canned replies (requests.py) are checked
so a request's credit means something (Q001-Q004). Must not import Qt or any GUI code.
"""

from __future__ import annotations

import re
from collections import deque

from .graphwalk import back_edges
from .loader import referenced_action_ids
from .model import PARTS_KEY, RECEIVED_PREFIX, Outcome, Route, Scenario
from .problems import ERROR, INFO, WARNING, Location, Problem, did_you_mean

# Words almost any request contains (Q004): a keyword made only of these would credit any question.
_COMMON_WORDS = frozenset("""the and for you your our can could would please need needs want help request
requests information info about with from that this what when where who how are any all check checks
urgent urgently thanks thank know tell give send asap now some get""".split())
RESERVED_IDS = {"wait", "expire", "continue", "scene", "choose", "rationale", "steps", "initial", "mark"}
# Markup scenario text may not have (M004). Each is (pattern, closing character or None, what,
# hint): the text has that markup when the pattern is found and, if a closing character is
# given, it occurs somewhere after the match. The patterns are written so that no character is
# rescanned from many starts (linear time: "[[[..." or "<a<a..." made the obvious patterns
# quadratic, minutes for a large file); the closing character is one ``str.find``. They find
# exactly the texts ``<\s*/?\s*[a-zA-Z!?][^>]*>``, ``!\[[^\]]*\]\(`` and ``\[[^\]]*\]\([^)]*\)`` find.
_UNSAFE_MARKUP = [
    (re.compile(r"<\s*(?:/\s*)?[a-zA-Z!?]"), ">", "an HTML tag", "write plain text; use **bold** or *italic*"),
    (re.compile(r"!\[(?:[^\]!]|!(?!\[))*\]\("), None, "an image",
     "put pictures in 'media' and list them on the scene"),
    (re.compile(r"\[[^\[\]]*\]\("), ")", "a link", "scenario text cannot link anywhere; quote the name instead"),
    (re.compile(r"\b(?:https?|ftp|file|data|javascript):", re.I), None, "an address", "scenario text cannot load "
     "or link to anything; put documents in 'media'"),
]


def unsafe_markup(text: str) -> tuple[str, str] | None:
    """(what, hint) for the first kind of markup found in ``text``, or None."""
    for pattern, closing, what, hint in _UNSAFE_MARKUP:
        match = pattern.search(text)
        if match and (closing is None or text.find(closing, match.end()) >= 0):
            return what, hint
    return None
_TODO = re.compile(r"\b(?:TODO|FIXME|TBC|XXX)\b")


def lint_scenario(scenario: Scenario) -> list[Problem]:
    checker = _Checker(scenario)
    checker.run()
    return checker.problems


class _Checker:
    def __init__(self, scenario: Scenario):
        self.s = scenario
        self.problems: list[Problem] = []
        self.targets = set(scenario.scenes) | set(scenario.endings)

    def add(self, code: str, severity: str, message: str, location: Location, hint: str | None = None):
        self.problems.append(Problem(code, severity, message, location, hint))

    def run(self) -> None:
        self.check_ids()
        self.check_references()
        self.check_graph()
        self.check_variables()
        self.check_time()
        self.check_scoring()
        self.check_content()
        self.check_seats()
        self.check_partners()
        self.check_team_actions()

    # -- identity --------------------------------------------------------------------
    def check_ids(self) -> None:
        for scene_id, scene in self.s.scenes.items():
            if scene_id in RESERVED_IDS:
                self.add("S014", ERROR, f"'{scene_id}' is a reserved word and cannot be a scene id",
                         scene.location, f"rename it, e.g. '{scene_id}_scene'")
        seen: dict[str, Location] = {}
        for inject in self.s.all_injects():
            if inject.id in seen:
                self.add("S006", ERROR, f"inject id '{inject.id}' is already used at line {seen[inject.id].line}",
                         inject.location, "inject ids must be unique across the scenario")
            seen.setdefault(inject.id, inject.location)

    # -- references ------------------------------------------------------------------
    def target(self, target: str, location: Location, where: str) -> None:
        if target not in self.targets:
            self.add("R001", ERROR, f"{where} goes to '{target}', which is not a scene or ending", location,
                     did_you_mean(target, self.targets) or "check the spelling, or add the scene")

    def check_references(self) -> None:
        s = self.s
        if s.start and s.start not in s.scenes:
            hint = did_you_mean(s.start, s.scenes) or "name an existing scene"
            if s.start in s.endings:
                hint = "the start must be a scene, not an ending"
            self.add("R001", ERROR, f"the start scene '{s.start}' does not exist", s.start_location or s.location,
                     hint)
        for scene in s.scenes.values():
            where = f"scene '{scene.id}'"
            for route in self.routes_of_scene(scene):
                self.target(route.target, route.location, where)
            self.speaker_and_media(scene.speaker, scene.media, scene.location, where)
        for inject in s.all_injects():
            where = f"inject '{inject.id}'"
            if inject.goto:
                self.target(inject.goto, inject.location, where)
            self.speaker_and_media(inject.speaker, inject.media, inject.location, where)
        for ref in s.reference.values():
            if ref.media:
                self.media(ref.media, s.location, f"reference item '{ref.id}'")

    def speaker_and_media(self, speaker: str | None, media: tuple[str, ...], location: Location,
                          where: str) -> None:
        if speaker and speaker not in self.s.cast:
            self.add("R005", ERROR, f"{where} has an unknown speaker '{speaker}'", location,
                     did_you_mean(speaker, self.s.cast) or "add them under 'cast'")
        for media_id in media:
            self.media(media_id, location, where)

    def media(self, media_id: str, location: Location, where: str) -> None:
        if media_id not in self.s.media:
            self.add("R004", ERROR, f"{where} shows unknown media '{media_id}'", location,
                     did_you_mean(media_id, self.s.media) or "add it under 'media'")

    @staticmethod
    def routes_of_scene(scene) -> list[Route]:
        routes = list(scene.next)
        decision = scene.decision
        if decision is not None:
            routes += decision.outcome.next
            for option in decision.options:
                routes += option.outcome.next
            if decision.on_expiry is not None:
                routes += decision.on_expiry.next
        return routes

    # -- graph -----------------------------------------------------------------------
    def successors(self) -> dict[str, set[str]]:
        graph: dict[str, set[str]] = {}
        for scene in self.s.scenes.values():
            targets = {r.target for r in self.routes_of_scene(scene) if r.target in self.targets}
            targets |= {i.goto for i in scene.injects if i.goto in self.targets}
            graph[scene.id] = targets
        global_gotos = {i.goto for i in self.s.injects if i.goto in self.targets}
        for scene_id in graph:      # a top-level inject can redirect from any scene
            graph[scene_id] |= global_gotos
        return graph

    def check_graph(self) -> None:
        s = self.s
        if s.start not in s.scenes:
            return
        graph = self.successors()
        reachable = _reachable(s.start, graph)
        for scene_id, scene in s.scenes.items():
            if scene_id not in reachable:
                self.add("G001", WARNING, f"scene '{scene_id}' can never be reached", scene.location,
                         "route to it from another scene, or delete it")
        for ending_id, ending in s.endings.items():
            if ending_id not in reachable:
                self.add("G001", WARNING, f"ending '{ending_id}' can never be reached", ending.location,
                         "route to it from a scene, or delete it")
        if not any(e in reachable for e in s.endings):
            self.add("G004", ERROR, "no ending can be reached from the start scene", s.location,
                     "route the last scene to an ending")
            return
        reverse: dict[str, set[str]] = {}
        for source, targets in graph.items():
            for target in targets:
                reverse.setdefault(target, set()).add(source)
        can_finish = set()
        queue = deque(s.endings)
        while queue:
            node = queue.popleft()
            for source in reverse.get(node, ()):
                if source not in can_finish:
                    can_finish.add(source)
                    queue.append(source)
        trapped = sorted(n for n in reachable if n in s.scenes and n not in can_finish)
        for scene_id in trapped:
            self.add("G005", ERROR, f"scene '{scene_id}' is in a trap: no ending can be reached from it",
                     s.scenes[scene_id].location,
                     "give one of these scenes a route out: " + ", ".join(trapped[:6]))
        for scene in s.scenes.values():
            decision = scene.decision
            if decision and decision.kind == "choose_one" and decision.options \
                    and all(o.condition is not None for o in decision.options) and decision.on_expiry is None:
                self.add("G002", WARNING, f"every option in scene '{scene.id}' has an 'if'; when none is true "
                         "the trainee is stuck", decision.location, "add one option without 'if'")
        if _has_cycle(s.start, graph, set(s.scenes)):
            self.add("G006", INFO, "the scenario has loops (a scene can be visited again)", s.location,
                     "fine if intended; each inject still fires once")

    # -- variables -------------------------------------------------------------------
    def check_variables(self) -> None:
        s = self.s
        read: set[str] = set()
        for expression in self.conditions():
            read |= expression.reads
        written: set[str] = set()
        for outcome in self.outcomes():
            written |= set(outcome.sets) | set(outcome.adds)
        for name, variable in s.variables.items():
            if variable.run_condition:
                if name not in read:
                    self.add("V003", WARNING, f"run condition '{name}' is never read, so it changes nothing",
                             variable.location, "read it in an 'if' (a route, an option, an inject or a text "
                             "version), or delete it")
                continue
            if name not in read and name not in written:
                self.add("V003", WARNING, f"variable '{name}' is never set or read", variable.location,
                         "delete it, or use it in a condition")
            elif name not in read:
                self.add("V001", WARNING, f"variable '{name}' is set but never read", variable.location,
                         "use it in an 'if', or delete it")

    def conditions(self):
        s = self.s
        for scene in s.scenes.values():
            for route in self.routes_of_scene(scene):
                if route.condition is not None:
                    yield route.condition
            for condition, _text in scene.text_variants:
                yield condition
            if scene.decision:
                for option in scene.decision.options:
                    if option.condition is not None:
                        yield option.condition
        for inject in s.all_injects():
            if inject.condition is not None:
                yield inject.condition
        for assessment in s.assessed.values():
            if assessment.applies_if is not None:
                yield assessment.applies_if

    def outcomes(self):
        from .loader import iter_outcomes
        yield from iter_outcomes(self.s)

    # -- time ------------------------------------------------------------------------
    def check_time(self) -> None:
        for scene in self.s.scenes.values():
            decision = scene.decision
            if decision and decision.time_limit_seconds and decision.on_expiry is None:
                self.add("T001", ERROR, f"the decision in scene '{scene.id}' has a time limit but no 'on_expiry'",
                         decision.location, "say what happens when time runs out: on_expiry: {next: ...}")
            if decision and decision.on_expiry is not None and not decision.time_limit_seconds:
                self.add("T003", WARNING, f"the decision in scene '{scene.id}' has 'on_expiry' but no time limit",
                         decision.location, "add time_limit_seconds, or remove on_expiry")
        for inject in self.s.all_injects():
            minutes = inject.at_minute if inject.at_minute is not None else inject.after_minutes
            if minutes is not None and minutes > 24 * 60:
                self.add("T002", WARNING, f"inject '{inject.id}' is timed more than 24 hours in", inject.location,
                         "check the number: it is in minutes")

    # -- scoring ---------------------------------------------------------------------
    def check_scoring(self) -> None:
        s = self.s
        if s.catalogues and not s.assessed:
            self.add("A001", WARNING, "no choice evidences or contravenes any action, so nothing is scored",
                     s.location, "add 'evidences: [action_id]' to the good options")
        for scene in s.scenes.values():
            decision = scene.decision
            if decision is not None and decision.kind == "ndm_rationale" and not (decision.parts or decision.rubric):
                self.add("N002", WARNING, f"the rationale in scene '{scene.id}' has no 'parts' and no 'rubric', "
                         "so nothing it says is assessed", decision.location,
                         "add parts the trainee must choose (e.g. the power used) or rubric criteria an assessor "
                         "marks")
        referenced = referenced_action_ids(s)
        for action_id in s.assessed:
            if action_id not in referenced:
                self.add("A002", WARNING, f"'{action_id}' is assessed but no choice evidences it, so it is always "
                         "missed", s.location, "add it to an option's 'evidences', or remove it from 'assess'")
        milestones = {scene.milestone for scene in s.scenes.values() if scene.milestone}
        for action_id, assessment in s.assessed.items():
            window = assessment.window
            anchor = window and (window.before or window.anchor)
            if anchor and anchor not in milestones:
                self.add("R010", WARNING, f"the window of '{action_id}' runs from milestone '{anchor}', which no "
                         "scene reaches", s.location, f"add 'milestone: {anchor}' to the scene where it happens")

    # -- content ---------------------------------------------------------------------
    def check_content(self) -> None:
        s = self.s
        for scene in s.scenes.values():
            if not scene.text.strip():
                self.add("M001", ERROR, f"scene '{scene.id}' has no text", scene.location,
                         "tell the trainee what is happening")
        for media in s.media.values():
            if media.kind in ("image", "document") and not media.alt.strip():
                self.add("M002", ERROR, f"{media.kind} '{media.id}' has no 'alt' text", media.location,
                         "describe everything a trainee who cannot see it needs to decide")
            if media.kind == "audio" and not media.transcript.strip():
                self.add("M002", ERROR, f"audio '{media.id}' has no 'transcript'", media.location,
                         "write out what is said")
        for text, location, where in self.texts():
            if _TODO.search(text):
                self.add("M003", WARNING, f"{where} contains a TODO marker", location, "finish the text")
            markup = unsafe_markup(text)
            if markup:
                self.add("M004", ERROR, f"{where} contains {markup[0]}, which scenario text may not have",
                         location, markup[1])

    def texts(self):
        s = self.s
        yield s.title, s.location, "the title"
        yield s.summary, s.location, "the summary"
        yield s.briefing.role + "\n" + s.briefing.situation + "\n" + "\n".join(s.briefing.expectations), \
            s.location, "the briefing"
        for ref in s.reference.values():
            yield ref.text, s.location, f"reference item '{ref.id}'"
        for scene in s.scenes.values():
            yield scene.title + "\n" + scene.text, scene.location, f"scene '{scene.id}'"
            for _condition, text in scene.text_variants:
                yield text, scene.location, f"a text version of scene '{scene.id}'"
            if scene.decision:
                yield scene.decision.prompt, scene.decision.location, f"the decision in scene '{scene.id}'"
                for option in scene.decision.options:
                    yield option.label, option.location, f"option '{option.id}' in scene '{scene.id}'"
        for outcome in self.outcomes():
            yield _outcome_text(outcome), outcome.location, "feedback"
        for inject in s.all_injects():
            yield inject.text, inject.location, f"inject '{inject.id}'"
        for ending in s.endings.values():
            yield ending.title + "\n" + ending.text, ending.location, f"ending '{ending.id}'"


    # -- partners and requests for information (requests.py) -------------------------
    def check_partners(self) -> None:
        from .requests import words
        for partner in self.s.partners.values():
            if not partner.replies:
                self.add("Q001", WARNING, f"partner '{partner.id}' has no 'replies', so every request to it gets "
                         "the answer that it is not sure what is needed", partner.location,
                         "add replies by topic, e.g. 'replies: {checks: {keywords: [...], text: ...}}'")
            owner: dict[str, str] = {}
            for reply in partner.replies.values():
                where = f"reply '{reply.id}' of partner '{partner.id}'"
                if reply.evidences and not reply.keywords:
                    self.add("Q002", ERROR, f"{where} evidences an action but has no 'keywords', so no request "
                             "can earn it", reply.location,
                             "list the words a question asking for this would use, e.g. keywords: [registration, trailer]")
                for keyword in reply.keywords:
                    tokens = words(keyword)
                    if reply.evidences and (not tokens or all(t in _COMMON_WORDS or len(t) < 3 for t in tokens)):
                        self.add("Q004", ERROR, f"keyword '{keyword}' of {where} is in almost any question, so "
                                 "any request to this partner would earn its credit", reply.location,
                                 "use words only a question about this topic would have, such as 'registration'")
                    if keyword in owner and owner[keyword] != reply.id:
                        self.add("Q003", WARNING, f"keyword '{keyword}' of {where} is also a keyword of reply "
                                 f"'{owner[keyword]}', so a question with it gets whichever matches more words",
                                 reply.location, "keep each keyword to one topic of a partner")
                    owner.setdefault(keyword, reply.id)

    # -- seats and messages (seats.py) ---------------------------------------------
    def check_seats(self) -> None:
        s = self.s
        seats = s.seats
        declared = f"seats: {', '.join(seats)}" if seats else "declare it under 'seats:'; the scenario has none yet"
        for scene in s.scenes.values():
            if scene.seat is not None and scene.seat not in seats:
                self.add("H001", ERROR, f"scene '{scene.id}' belongs to seat '{scene.seat}', which is not declared "
                         "under 'seats'", scene.seat_location or scene.location,
                         did_you_mean(scene.seat, seats) or declared)
            elif scene.seat is None and seats:
                self.add("H002", ERROR, f"scene '{scene.id}' has no 'seat', but the scenario has seats",
                         scene.location, f"say which seat plays it, e.g. 'seat: {next(iter(seats))}'; {declared}")
        for inject in s.injects:
            if inject.seat is not None and inject.seat not in seats:
                self.add("H001", ERROR, f"inject '{inject.id}' reaches seat '{inject.seat}', which is not declared "
                         "under 'seats'", inject.location, did_you_mean(inject.seat, seats) or declared)
        from .seats import sent_messages
        sent = sent_messages(s)
        for message in sent:
            if message.to not in seats:
                self.add("H003", ERROR, f"message '{message.id}' is sent to seat '{message.to}', which is not "
                         "declared under 'seats'", message.location, did_you_mean(message.to, seats)
                         or declared)
        sent_ids = {m.id for m in sent}
        for name, location, scene_id in self.received_reads():
            message_id = name[len(RECEIVED_PREFIX):]
            if message_id in sent_ids:
                continue
            scene = s.scenes.get(scene_id or "")
            who = f"scene '{scene_id}'" + (f" of seat '{scene.seat}'" if scene is not None and scene.seat else "") \
                if scene_id else "a condition"
            self.add("H004", ERROR, f"{who} waits for message '{message_id}', which no outcome sends, so "
                     f"{name} is never true", location,
                     did_you_mean(message_id, sent_ids) or "add 'send: {id: " + message_id + ", to: ..., text: ...}' "
                     "to the outcome that tells this seat")
        self.check_message_reach(sent_ids)
        used = {scene.seat for scene in s.scenes.values()}
        for seat in seats.values():
            known_roles = {r for c in s.catalogues for r in c.roles}
            for role in seat.roles:
                if s.catalogues and role not in known_roles:
                    self.add("H007", ERROR, f"seat '{seat.id}' holds role '{role}', which no catalogue has",
                             seat.location, did_you_mean(role, known_roles) or f"roles: {', '.join(sorted(known_roles))}")
            for ref_id in seat.reference or ():
                if ref_id not in s.reference:
                    self.add("H007", ERROR, f"seat '{seat.id}' may open reference item '{ref_id}', which does not "
                             "exist", seat.location, did_you_mean(ref_id, s.reference) or "add it under 'reference'")
            if seat.id not in used:
                self.add("H008", WARNING, f"seat '{seat.id}' has no scenes, so whoever takes it has nothing to do",
                         seat.location, "give it scenes with 'seat: " + seat.id + "', or remove the seat")
        for scene in s.scenes.values():
            if scene.decision is not None:
                self.stand_in(scene)

    # -- team actions (team.py) -----------------------------------------------------
    def check_team_actions(self) -> None:
        """H012: a team action names a scene, seat, message or action that is not there (or that
        nothing can do); H013: the seat that must know a message is never sent it; H014: team
        actions in a scenario without seats."""
        s = self.s
        actions = getattr(s, "team_actions", None) or {}
        if not actions:
            return
        if not s.seats:
            first = next(iter(actions.values()))
            self.add("H014", WARNING, f"the scenario has team actions ({', '.join(actions)}) but no seats, so one "
                     "trainee plays every part and there is no team to share a picture", first.location,
                     "declare 'seats:', or remove 'team_actions'")
        from .seats import sent_messages
        sent = sent_messages(s)
        sent_to = {}
        for message in sent:
            sent_to.setdefault(message.id, set()).add(message.to)
        for action in actions.values():
            where = f"team action '{action.id}'"
            scene = s.scenes.get(action.before or "")
            if action.before and (scene is None or scene.decision is None):
                what = "is not a scene" if scene is None else "has no decision"
                self.add("H012", ERROR, f"{where} is checked before '{action.before}', which {what}",
                         action.before_location or action.location,
                         did_you_mean(action.before, s.scenes) or "name a scene with a decision")
            if action.seat and action.seat not in s.seats:
                self.add("H012", ERROR, f"{where} names seat '{action.seat}', which is not declared under 'seats'",
                         action.seat_location or action.location,
                         did_you_mean(action.seat, s.seats) or "use one of the seats")
            seat = action.seat or (scene.seat if scene is not None else None)
            if action.knew and not action.seat and not action.before:
                self.add("H012", ERROR, f"{where} says what a seat must know but not which seat",
                         action.location, "add 'seat: <seat id>' or 'before: <scene id>'")
            for message_id, location in action.knew:
                if message_id not in sent_to:
                    self.add("H012", ERROR, f"{where} needs message '{message_id}', which no outcome sends, so it "
                             "is never met", location, did_you_mean(message_id, sent_to) or "check the spelling")
                elif seat is not None and seat in s.seats and seat not in sent_to[message_id]:
                    self.add("H013", ERROR, f"{where} needs seat '{seat}' to have message '{message_id}', but it "
                             f"is only ever sent to {', '.join(repr(t) for t in sorted(sent_to[message_id]))}, so "
                             "it is never met", location, f"send it to '{seat}' too, or check the seat")
            for ref in action.done:
                if s.catalogues and s.action(ref.action_id) is None:
                    self.add("H012", ERROR, f"{where} needs action '{ref.action_id}', which no catalogue has",
                             ref.location, did_you_mean(ref.action_id, s.assessed) or "check the spelling")
                elif s.catalogues and ref.action_id not in s.assessed:
                    self.add("H012", ERROR, f"{where} needs action '{ref.action_id}', which no choice of the "
                             "scenario evidences, so it is never met", ref.location,
                             "evidence it from a choice, or remove it")
        self.check_team_reach(actions, sent_to)

    def check_team_reach(self, actions: dict, sent_to: dict[str, set[str]]) -> None:
        """H015: a team action checked at a scene that no path reaches after a decision that could
        do what it needs (send the message to its seat, or evidence the action): never met."""
        s = self.s
        graph = self.successors()
        reachable = _reachable(s.start, graph)
        from .requests import request_actions
        from .runner import actions_offered
        anytime = request_actions(s)            # a request for information can earn these at any time
        for action in actions.values():
            scene = s.scenes.get(action.before or "")
            if scene is None or scene.decision is None or scene.id not in reachable:
                continue                        # H012 or G001 has said so
            seat = action.seat or scene.seat
            earlier = (_reachable_backwards(scene.id, graph) & reachable) - {scene.id}
            where = f"team action '{action.id}'"
            for message_id, location in action.knew:
                if seat not in sent_to.get(message_id, ()):
                    continue                    # H012 or H013 has said so
                if not any((message_id, seat) in _scene_sends_to(s.scenes[x]) for x in earlier):
                    self.add("H015", WARNING, f"{where} needs seat '{seat}' to have message '{message_id}' "
                             f"before '{scene.id}', but no path reaches '{scene.id}' after a decision that sends "
                             "it there, so it is never met", location,
                             f"send it from a decision on a path that leads to '{scene.id}', or check it later")
            for ref in action.done:
                if ref.action_id not in s.assessed or ref.action_id in anytime:
                    continue
                if not any(ref.action_id in actions_offered(s.scenes[x].decision, s.scenes[x].decision.options)
                           for x in earlier if s.scenes[x].decision is not None):
                    self.add("H015", WARNING, f"{where} needs action '{ref.action_id}' done before '{scene.id}', "
                             f"but no decision on a path to '{scene.id}' can do it, so it is never met",
                             ref.location, f"check it at a later scene, or offer the action earlier")

    def stand_in(self, scene) -> None:
        decision = scene.decision
        location = decision.stand_in_location or decision.location
        wanted = decision.stand_in
        if wanted is None:
            if self.s.seats:
                seat = f"seat '{scene.seat}'" if scene.seat else "its seat"
                self.add("H005", WARNING, f"the decision in scene '{scene.id}' has no 'stand_in': when {seat} is "
                         "not played, the stand-in takes the first option offered",
                         decision.location, "add 'stand_in: <option id>': what a believable, not perfect, "
                         "colleague would do")
            return
        options = {o.id: o for o in decision.options}
        where = f"the stand-in of scene '{scene.id}'"
        if decision.kind == "ndm_rationale":
            for part_id, option_id in (wanted.get(PARTS_KEY) or {}).items():
                part = decision.part(part_id)
                if part is None or part.option(option_id) is None:
                    what = f"part '{part_id}'" if part is None else f"choice '{option_id}' of part '{part_id}'"
                    self.add("H006", ERROR, f"{where} answers {what}, which does not exist", location,
                             f"parts: {', '.join(p.id for p in decision.parts) or 'none'}")
            return
        ids = [wanted] if isinstance(wanted, str) else list(wanted)
        for option_id in ids:
            if option_id not in options:
                self.add("H006", ERROR, f"{where} is '{option_id}', which is not one of its options", location,
                         did_you_mean(option_id, options) or f"options: {', '.join(options)}")
        if decision.kind == "rank" and set(ids) <= set(options) and set(ids) != set(options):
            missing = ", ".join(o for o in options if o not in ids)
            self.add("H006", ERROR, f"{where} leaves out {missing}: a stand-in ranks every item", location,
                     "list every item, most important first")
        if decision.kind == "choose_one" and isinstance(wanted, str) and wanted in options \
                and options[wanted].condition is not None:
            self.add("H009", INFO, f"{where}, '{wanted}', has an 'if': when it is not offered, the stand-in takes "
                     "the first option offered instead (in the file's order)", location,
                     "fine if that is what a colleague would then do; otherwise choose an option without 'if'")

    def check_message_reach(self, sent_ids: set[str]) -> None:
        """H010: a message waited for that some outcome sends, but no path from the start does.
        H011: a scene waits for one that no path reaching it sends first (a send in the scene
        itself counts, so its routes may read it): the condition there is never true."""
        s = self.s
        waits: dict[tuple[str | None, str], Location] = {}
        for name, location, scene_id in self.received_reads():
            message_id = name[len(RECEIVED_PREFIX):]
            if message_id in sent_ids:          # else H004 has said so
                waits.setdefault((scene_id, message_id), location)
        if not waits:
            return
        from .reach import Futures
        # What the decisions reachable from the start can write: a send writes received.<id>.
        sent_somewhere = Futures(s).of(s.start, frozenset(i.id for i in s.injects)).writes
        graph = self.successors()
        reachable = _reachable(s.start, graph)
        senders: dict[str, set[str]] = {}
        for scene in s.scenes.values():
            for message_id in _scene_sends(scene):
                senders.setdefault(message_id, set()).add(scene.id)
        before: dict[str, set[str]] = {}        # scene -> the reachable scenes with a path to it
        for (scene_id, message_id), location in waits.items():
            scene = s.scenes.get(scene_id or "")
            if scene_id is not None and scene_id not in reachable:
                continue                        # G001 says the scene is never reached
            who = f"scene '{scene_id}'" + (f" of seat '{scene.seat}'" if scene.seat else "") \
                if scene is not None else "a condition"
            sending = sorted(senders.get(message_id, ()))
            where = ", ".join(f"'{x}'" for x in sending)
            if RECEIVED_PREFIX + message_id not in sent_somewhere:
                only = f"only scene {where} sends it, and no path from the start reaches it" if len(sending) == 1 \
                    else f"only scenes {where} send it, and no path from the start reaches them"
                self.add("H010", WARNING, f"{who} waits for message '{message_id}', but no path sends it: {only}",
                         location, "route a scene that a path reaches to " + ("it" if len(sending) == 1 else
                                                                            "one of them")
                         + ", or send the message from a decision on the way")
                continue
            if scene is None:
                continue                        # an inject or an 'applies_if' may come after any send
            if scene_id not in before:
                before[scene_id] = _reachable_backwards(scene_id, graph) & reachable
            if not (senders.get(message_id, set()) & before[scene_id]):
                self.add("H011", WARNING, f"{who} can never learn message '{message_id}': no path reaches "
                         f"'{scene_id}' after a decision that sends it ({where}), so "
                         f"{RECEIVED_PREFIX}{message_id} is never true there", location,
                         f"send it from a decision on a path that leads to '{scene_id}', or read it in a scene "
                         "that comes after the send")

    def received_reads(self):
        """(received.<id> name, location, scene id or None) for every condition that reads one."""
        s = self.s

        def reads(expression):
            return sorted(n for n in expression.reads if n.startswith(RECEIVED_PREFIX)) if expression else ()

        for scene in s.scenes.values():
            for route in self.routes_of_scene(scene):
                yield from ((n, route.location, scene.id) for n in reads(route.condition))
            for condition, _text in scene.text_variants:
                yield from ((n, scene.location, scene.id) for n in reads(condition))
            for option in scene.decision.options if scene.decision else ():
                yield from ((n, option.location, scene.id) for n in reads(option.condition))
        for inject in s.all_injects():
            yield from ((n, inject.location, inject.scene_id) for n in reads(inject.condition))
        for assessment in s.assessed.values():
            yield from ((n, s.location, None) for n in reads(assessment.applies_if))


def _outcome_text(outcome: Outcome) -> str:
    return "\n".join([outcome.feedback] + [c.feedback for c in outcome.contravenes])


def _scene_sends(scene) -> set[str]:
    """The ids of the messages the scene's decision can send (the runner sends from decisions only)."""
    return {message_id for message_id, _to in _scene_sends_to(scene)}


def _scene_sends_to(scene) -> set[tuple[str, str]]:
    """(message id, seat it goes to) for every message the scene's decision can send."""
    from .seats import decision_outcomes
    return {(m.id, m.to) for outcome in decision_outcomes(scene.decision) for m in outcome.sends}


def _reachable_backwards(target: str, graph: dict[str, set[str]]) -> set[str]:
    """Every node with a path to ``target``, and ``target`` itself."""
    back: dict[str, set[str]] = {}
    for source, targets in graph.items():
        for t in targets:
            back.setdefault(t, set()).add(source)
    return _reachable(target, back)


def _reachable(start: str, graph: dict[str, set[str]]) -> set[str]:
    seen = {start}
    queue = deque([start])
    while queue:
        for target in graph.get(queue.popleft(), ()):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def _has_cycle(start: str, graph: dict[str, set[str]], scenes: set[str]) -> bool:
    """Iterative depth-first search (a 2,000-scene chain must not hit the recursion limit)."""
    def successors(node: str) -> list[str]:
        return [child for child in sorted(graph.get(node, ())) if child in scenes]

    return next(back_edges([start], successors), None) is not None

"""A seat station without a screen: plays one seat of a pod from a play script (pods.py).

It joins the syndicate as a follower that names its seat, so the facilitator sends it only its
seat's view (``seat_view``: its scenes, its injects, the messages that have arrived for it, and
its turn). When the view shows its seat's turn, it sends the plan's next step for that scene
(``seat_decision``); the facilitator checks it and relays it to the pod's recording station,
which applies and records it. It keeps nothing of the session itself: the one record is the
recording station's, so a seat station that drops out and joins again is simply sent its view
as it stands (catching up). ``views`` holds every view it was sent, ``errors`` every refusal.
A plan for a seat lists only that seat's scenes (``choose`` and ``continue`` steps; its checks
are for self-paced play and are skipped here) and the seat's requests for information
(``request`` steps, ``ask:``): a request is sent (``seat_request``) as soon as the step before it
has been taken, and counts for this seat; a refused one is not sent again. Used by the tests
and ``hydra-sim station --seat``.
Must not import Qt or any GUI code.
"""

from __future__ import annotations

import logging
import queue
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from ..engine.loader import load_scenario
from ..engine.plan import Step, load_plan
from .headless import HeadlessError
from .station import DEFAULT_BACKOFF, StationLink

log = logging.getLogger(__name__)

_PLAYED = ("choose", "continue", "request")
_SKIPPED = ("expect", "mark")


class HeadlessSeatStation:
    """One seat station of a pod, driven by a play script. ``run()`` blocks until the incident ends."""

    def __init__(self, scenario_path: str | Path, *, host: str, port: int, code: str, syndicate: str, seat: str,
                 members: Sequence[str], station_id: str | None = None, plan_path: str | Path | None = None,
                 steps: list[Step] | None = None, backoff: Sequence[float] = DEFAULT_BACKOFF,
                 on_event: Callable[[dict], None] | None = None):
        result = load_scenario(Path(scenario_path))
        if result.scenario is None:
            raise HeadlessError(f"cannot load {scenario_path}: " + "; ".join(pr.format() for pr in result.problems[:3]))
        self.scenario = result.scenario
        if seat not in self.scenario.seats:
            raise HeadlessError(f"scenario '{self.scenario.id}' has no seat '{seat}' "
                                f"(seats: {', '.join(self.scenario.seats) or 'none'})")
        if steps is None:
            steps, problems = load_plan(Path(plan_path)) if plan_path is not None else ([], [])
            if steps is None:
                raise HeadlessError(f"cannot load the play script {plan_path}: "
                                    + "; ".join(pr.format() for pr in problems[:3]))
        unplayable = [s for s in steps if s.kind not in _PLAYED + _SKIPPED]
        if unplayable:
            raise HeadlessError(f"a seat station plays only 'choose', 'continue' and 'request' steps, not "
                                f"'{unplayable[0].kind}' (the recording station keeps the shared clock)")
        self.steps = [s for s in steps if s.kind in _PLAYED]
        scened = [s for s in self.steps if s.kind != "request"]      # a request is for no scene
        others = [s.scene for s in scened if self.scenario.scenes[s.scene].seat != seat] \
            if all(s.scene in self.scenario.scenes for s in scened) else ["?"]
        if others:
            raise HeadlessError(f"the play script has steps for scene '{others[0]}', which is not seat '{seat}''s")
        self.seat, self.syndicate = seat, syndicate
        self.members = [m.strip() for m in members if m.strip()] or ["member"]
        self.station_id = station_id or f"{syndicate}-{seat}-{uuid.uuid4().hex[:6]}"
        self.on_event = on_event
        self.link: StationLink | None = None
        self._link_args = dict(host=host, port=port, code=code, backoff=backoff)
        self.views: list[dict] = []
        self.errors: list[str] = []
        self._inbox: queue.Queue = queue.Queue()
        self._stopped = False

    def run(self, timeout: float = 300.0) -> dict:
        """Play until the incident ends (or ``timeout`` s pass, or ``stop()``)."""
        deadline = time.monotonic() + timeout
        args = self._link_args
        self.link = StationLink(args["host"], args["port"], args["code"], self.syndicate, self.station_id,
                                self.members, role="follower", scenario_id=self.scenario.id,
                                scenario_hash=self.scenario.content_hash, backoff=args["backoff"], seat=self.seat,
                                on_seat_view=lambda view: self._inbox.put(("view", view)),
                                on_error=lambda text: self._inbox.put(("error", text)),
                                on_status=self._on_status)
        remaining = list(self.steps)
        sent: dict[int, Step] = {}        # turn index -> the step sent for it (not yet seen taken)
        # a request's id, made once, so one sent again after a lost link is applied once
        request_ids = {id(step): uuid.uuid4().hex[:12] for step in remaining if step.kind == "request"}
        ended = False
        try:
            self.link.start()
            while not self._stopped and not self.link.failed and time.monotonic() < deadline:
                try:
                    kind, item = self._inbox.get(timeout=min(1.0, max(0.01, deadline - time.monotonic())))
                except queue.Empty:
                    continue
                if kind == "error":
                    self.errors.append(item)
                    self._emit("refused", reason=item)
                    if item.startswith(("request refused", "your request was not taken")):
                        continue            # a request refused: recorded in errors, not sent again
                    # A refusal of what was just sent: put it back, to be sent again at the next view
                    # of that turn (the recording station may be offline for a while).
                    for index, step in sorted(sent.items(), reverse=True):
                        remaining.insert(0, step)
                    sent.clear()
                    continue
                view = item
                self.views.append(view)
                turn = view.get("turn")
                for index in [i for i in sent if i < view["decisions"]
                              or (turn is not None and turn["scene_id"] != sent[i].scene)]:
                    # taken: the shared session has moved past it. A Continue adds no decision, so
                    # the index alone cannot tell: this seat's next turn has the same index. (No turn,
                    # e.g. paused: still waiting, kept to be sent again if it is refused.)
                    del sent[index]
                if view["ended"]:
                    ended = True
                    sent.clear()       # the story is over: what was sent was taken (a last Continue ends it)
                    self._emit("ended", ending=(view.get("ending") or {}).get("id"))
                    break
                running = turn is not None or view.get("waiting_for") is not None     # a scene is on
                while running and remaining and remaining[0].kind == "request" and not sent:
                    # the step before it has been taken: ask now (before this seat's next decision)
                    ask = remaining[0]
                    member = self.members[len(self.views) % len(self.members)]
                    request_id = self.link.send_request(ask.selection["partner"], ask.selection["question"],
                                                        ask.selection.get("urgency") or "routine",
                                                        ask.selection.get("topic"), member,
                                                        request_id=request_ids[id(ask)])
                    if request_id is None:
                        break               # no connection: sent again, with its id, at the next view
                    remaining.pop(0)
                    self._emit("asked", partner=ask.selection["partner"], request_id=request_id)
                if turn is None or turn["index"] in sent or not remaining or remaining[0].kind == "request":
                    continue
                step = remaining[0]
                if step.scene != turn["scene_id"]:
                    self._emit("script_stopped", reason=f"the plan's next step is for scene '{step.scene}' but "
                                                        f"this seat's turn is at '{turn['scene_id']}'")
                    remaining = []
                    continue
                selection = step.selection if step.kind == "choose" else None
                member = self.members[len(self.views) % len(self.members)]
                if self.link.send_decision(turn["scene_id"], turn["index"], selection, step.rationale, member):
                    sent[turn["index"]] = remaining.pop(0)
                    self._emit("sent", scene=turn["scene_id"], index=turn["index"])
        finally:
            self.link.close()
        return {"seat": self.seat, "ended": ended, "views": len(self.views), "errors": list(self.errors),
                "unplayed": len(remaining) + len(sent)}

    def stop(self) -> None:
        self._stopped = True

    def _on_status(self, connected: bool, message: str) -> None:
        self._emit("link", connected=connected, message=message)

    def _emit(self, event: str, **data) -> None:
        if self.on_event is not None:
            try:
                self.on_event({"event": event, "syndicate": self.syndicate, "seat": self.seat, **data})
            except Exception:
                log.exception("a seat station event callback failed")

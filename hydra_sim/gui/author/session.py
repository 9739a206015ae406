"""The preview's state without Qt: a start point, the author's choices, and their replay.

A ``PreviewStart`` is where "Play from here" begins: a scene, the simulated time and the
variable values the author chose. ``PreviewSession`` builds a ``ScenarioRunner`` there
(``start()`` then ``load_snapshot``) and keeps every input the runner logs after that
point, so after a save the same choices are replayed on the new scenario with
``ScenarioRunner.replay``. When a step no longer fits, the replay stops at the last good
step and ``stopped`` says which step, which scene and why.

Top-level injects due before the chosen time are marked as already fired (their effects
are not applied: the author sets variables in the form instead). Otherwise the first
choice would fire every earlier inject at once, and any inject that redirects would take
the preview away from the scene the author asked for.
Qt-free: tested headless.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...engine.model import Scenario
from ...engine.runner import ReplayError, RunnerError, ScenarioRunner


@dataclass(frozen=True)
class PreviewStart:
    scene_id: str
    minutes: int = 0
    variables: tuple[tuple[str, Any], ...] = ()

    def snapshot(self, scenario: Scenario) -> tuple:
        seconds = max(0, int(self.minutes)) * 60
        values = {name: v.initial for name, v in scenario.variables.items()}
        chosen = dict(self.variables)
        for name in values:                 # only variables the (possibly edited) file still has
            if name in chosen and _fits(scenario.variables[name], chosen[name]):
                values[name] = chosen[name]
        fired = frozenset(i.id for i in scenario.injects if i.at_minute is not None and i.at_minute * 60 < seconds)
        return (self.scene_id, seconds, seconds, tuple(values.items()), fired, tuple(), None)


def _fits(variable, value) -> bool:
    if variable.type == "bool":
        return isinstance(value, bool)
    if variable.type == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if variable.type == "enum":
        return value in variable.values
    return isinstance(value, str)


@dataclass
class Stopped:
    """Why a replay stopped: ``step`` is 1-based, ``scene`` where the choice was made."""
    step: int
    scene: str
    reason: str

    def message(self, total: int) -> str:
        return (f"Replay stopped at step {self.step} of {total}, in scene '{self.scene}': {self.reason}. "
                f"The preview is kept at the last good point (after step {self.step - 1}).")


@dataclass
class PreviewSession:
    scenario: Scenario
    start: PreviewStart
    runner: ScenarioRunner | None = None
    choices: list[dict] = field(default_factory=list)     # runner log entries after the start
    stopped: Stopped | None = None
    start_error: str | None = None

    @classmethod
    def begin(cls, scenario: Scenario, start: PreviewStart) -> PreviewSession:
        session = cls(scenario, start)
        session.runner = session._fresh_runner()
        return session

    def _fresh_runner(self) -> ScenarioRunner | None:
        self.start_error = None
        if self.start.scene_id not in self.scenario.scenes:
            self.start_error = f"the preview's start scene '{self.start.scene_id}' is no longer in the file"
            return None
        runner = ScenarioRunner(self.scenario)
        runner.start()
        runner.load_snapshot(self.start.snapshot(self.scenario))
        runner.forget_history()      # the path and log begin at the author's start point
        runner.path.append((self.start.scene_id, runner.clock.seconds))
        return runner

    # -- the author's inputs ---------------------------------------------------------------------
    def choose(self, selection: Any, rationale: Any = None) -> None:
        """Apply a choice (raises RunnerError with the runner's message when it is refused)."""
        self._act(lambda r: r.choose(selection, rationale, {"author_preview": True}))

    def continue_(self) -> None:
        self._act(lambda r: r.continue_())

    def _act(self, action) -> None:
        if self.runner is None:
            raise RunnerError(self.start_error or "the preview has not started")
        before = len(self.runner.log)
        action(self.runner)
        self.choices += self.runner.log[before:]
        self.stopped = None

    def undo(self) -> None:
        """Take back the last choice (replay everything before it)."""
        if self.choices:
            self.replay(self.scenario, self.choices[:-1])

    # -- after a save ------------------------------------------------------------------------------
    def replay(self, scenario: Scenario, entries: list[dict] | None = None) -> Stopped | None:
        """Rebuild the preview on ``scenario`` from the same start, replaying the choices.

        Stops at the first step that no longer fits; the runner stays after the last good step
        and ``choices`` keeps only the steps that replayed.
        """
        entries = list(self.choices if entries is None else entries)
        self.scenario = scenario
        self.stopped = None
        self.runner = self._fresh_runner()
        self.choices = []
        if self.runner is None:
            if entries:
                first = entries[0]
                self.stopped = Stopped(1, str(first.get("scene", self.start.scene_id)), self.start_error or "")
            return self.stopped
        for index, entry in enumerate(entries):
            try:
                self.runner.replay(index, entry)
            except ReplayError as exc:
                self.stopped = Stopped(index + 1, str(entry.get("scene", "?")), exc.reason)
                good = entries[:index]
                self.runner = self._fresh_runner()      # a refused step may have moved the clock
                for i, ok in enumerate(good):
                    self.runner.replay(i, ok)
                self.choices = good
                return self.stopped
            self.choices.append(entry)
        return None

    def describe_choices(self) -> list[str]:
        lines = []
        for number, entry in enumerate(self.choices, 1):
            scene = entry.get("scene", "?")
            if entry.get("type") == "choose":
                selection = entry.get("selection")
                shown = ", ".join(selection) if isinstance(selection, list) else (
                    "NDM rationale" if isinstance(selection, dict) else str(selection))
                lines.append(f"{number}. {scene}: chose {shown}")
            elif entry.get("type") == "continue":
                lines.append(f"{number}. {scene}: continued")
            elif entry.get("type") == "advance":
                lines.append(f"{number}. waited {entry.get('seconds')} s")
            else:
                lines.append(f"{number}. {scene}: {entry.get('type')}")
        return lines

"""The simulated incident clock: whole seconds since the scenario's incident start, and the
real-time countdown of a timed decision.

Both only move when told (``advance``, ``Countdown.run``); nothing here uses threads or real
time. The GUI drives them from one QTimer; tests and the headless player advance them
explicitly.
Must not import Qt or any GUI code.
"""

from __future__ import annotations

from datetime import datetime, timedelta


class SimClock:
    def __init__(self, incident_start: datetime):
        self.incident_start = incident_start
        self.seconds = 0

    def advance_to(self, seconds: int) -> None:
        if seconds < self.seconds:
            raise ValueError("the simulated clock cannot go backwards")
        self.seconds = seconds

    @property
    def minutes(self) -> int:
        return self.seconds // 60

    def wall_time(self, seconds: int | None = None) -> datetime:
        return self.incident_start + timedelta(seconds=self.seconds if seconds is None else seconds)

    def label(self, seconds: int | None = None) -> str:
        """'04:23' style time of day for logs and the debrief."""
        return self.wall_time(seconds).strftime("%H:%M")


def format_clock(incident_start: datetime, seconds: int) -> str:
    return (incident_start + timedelta(seconds=seconds)).strftime("%H:%M")


class Countdown:
    """Real seconds a timed decision's countdown has used.

    Pausing stops it (the caller does not run it then). While the trainee has a document,
    picture or recording open, it holds too unless the scenario sets
    ``pause_while_reading: false``: reading the evidence is part of the task, so the time it
    takes is not taken from the decision (docs/scenario-format.md)."""

    def __init__(self, pause_while_reading: bool = True, spent: float = 0.0):
        self.pause_while_reading = pause_while_reading
        self.spent = spent

    def run(self, real_seconds: float, reading: bool = False) -> None:
        if real_seconds <= 0 or (reading and self.pause_while_reading):
            return
        self.spent += real_seconds

    def remaining(self, limit: float) -> float:
        """Seconds left of ``limit`` (0 when there is no limit or it has run out)."""
        return max(0.0, limit - self.spent) if limit else 0.0

    def restart(self, spent: float = 0.0) -> None:
        self.spent = spent

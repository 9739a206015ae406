"""The simulated incident clock: whole seconds since the scenario's incident start.

It only moves when told (``advance``); nothing here uses threads or real time. The GUI
drives it from one QTimer; tests and the headless player advance it explicitly.
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

"""Faults found at 1366x768 and by keyboard (issue 16): each test fails without its fix."""

from __future__ import annotations

from helpers import shoot
from PySide6.QtWidgets import QApplication

from hydra_sim.records.rows import SessionSummary, TraineeInfo


def settle() -> None:
    for _ in range(10):
        QApplication.processEvents()


def test_the_unfinished_session_entry_is_shown_whole(qtbot, window):
    """(start screen) The list is hidden while the entry is added: its height must still fit the entry's
    wrapped lines once it is shown at its real width."""
    start = window.start_screen
    window.resize(1366 - 4, 560)
    summary = _summary("A long scenario title that wraps over more than one line in a narrow column")
    start.set_sessions([summary])
    settle()
    item = start.session_list.item(0)
    rect = start.session_list.visualItemRect(item)
    assert rect.height() >= start.session_list.sizeHintForRow(0)
    assert rect.bottom() <= start.session_list.viewport().height(), \
        f"entry {rect.height()} px high, list shows {start.session_list.viewport().height()}"
    shoot(window, "fault-start-session-entry")


def _summary(title: str) -> SessionSummary:
    return SessionSummary("s1", TraineeInfo("t-1"), "x", "1", "h", "x.yaml", title, {},
                          "2026-12-03T10:00:00Z", "2026-12-03T10:05:00Z", None, "running", 0,
                          "priorities", None, None, None)


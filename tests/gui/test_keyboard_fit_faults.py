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



def _start_mini(qtbot, window):
    from helpers import MINI, click
    assert window.open_scenario_file(MINI)
    click(qtbot, window.briefing_screen.start_button)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    return window.controller, window.incident_screen


def _to_kind(qtbot, window, kind):
    """Play the mini scenario's first answers until a decision of ``kind`` is shown."""
    from helpers import click
    controller, screen = window.controller, window.incident_screen
    answers = {"choose_one": lambda p: click(qtbot, p.option_button("ambulance")),
               "choose_many": lambda p: [click(qtbot, p.option_button(o)) for o in ("doors", "bwv")]}
    while controller.decision.kind != kind:
        answers[controller.decision.kind](screen.panel)
        click(qtbot, screen.panel.decide_button)
    return screen.panel


def _in_view(screen, widget, rect=None) -> bool:
    from PySide6.QtCore import QPoint
    viewport = screen.scroll.viewport()
    rect = widget.rect() if rect is None else rect
    top = widget.mapTo(viewport, rect.topLeft()).y()
    return top >= 0 and top + rect.height() <= viewport.height()


def test_the_rank_row_moved_by_keyboard_is_scrolled_into_view(qtbot, window):
    from PySide6.QtCore import Qt
    _start_mini(qtbot, window)
    panel = _to_kind(qtbot, window, "rank")
    screen = window.incident_screen
    window.resize(1100, 460)           # short: the list runs below the fold
    qtbot.waitUntil(lambda: screen.scroll.verticalScrollBar().maximum() > 0)
    screen.scroll.verticalScrollBar().setValue(0)
    settle()
    view = panel.list
    last = view.count() - 1
    rect = lambda: view.visualItemRect(view.currentItem()).translated(view.viewport().pos())  # noqa: E731
    view.setFocus()
    view.setCurrentRow(0)
    settle()
    screen.scroll.verticalScrollBar().setValue(0)
    for _ in range(last):
        qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: _in_view(screen, view, rect()))
    assert view.currentRow() == last
    screen.scroll.verticalScrollBar().setValue(0)
    settle()
    qtbot.keyClick(view, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)     # moved: still in view
    qtbot.waitUntil(lambda: _in_view(screen, view, rect()))
    shoot(window, "fault-rank-row-in-view")

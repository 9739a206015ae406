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


def _to_ndm(qtbot, window):
    from helpers import click
    panel = _to_kind(qtbot, window, "rank")
    click(qtbot, panel.decide_button)
    return window.incident_screen.panel


def test_the_rationale_form_opens_on_its_first_box_which_the_first_key_brings_into_view(qtbot, window):
    """The form's scene opens at the top of its text (the trainee reads first) with the focus
    on the form's first box; the first key typed there scrolls the box into view."""
    from PySide6.QtCore import QPoint, Qt
    _start_mini(qtbot, window)
    screen = window.incident_screen
    panel = _to_kind(qtbot, window, "rank")
    window.resize(1100, 460)
    settle()
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)   # decide by keyboard
    panel = screen.panel
    first = next(iter(panel.boxes.values()))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first)
    settle()
    assert screen.scene_card.mapTo(screen.scroll.viewport(), QPoint(0, 0)).y() >= 0, "the scene text's top is in view"
    qtbot.keyClick(first, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: _in_view(screen, first))
    assert first.toPlainText().lower() == "t", "the key still types"
    shoot(window, "fault-ndm-first-box")


def test_a_refused_rationale_puts_the_focus_on_what_is_missing_and_clears_once_complete(qtbot, window):
    from helpers import click
    _start_mini(qtbot, window)
    screen = window.incident_screen
    panel = _to_ndm(qtbot, window)
    window.resize(1100, 460)
    settle()
    missing = panel.boxes["threat_risk"]
    panel.boxes["action_review"].setFocus()
    click(qtbot, panel.decide_button)
    assert panel.error.isVisible() and "Threat and risk" in panel.error.text()
    assert window.controller.runner.scene_id == "why"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is missing)
    qtbot.waitUntil(lambda: _in_view(screen, missing))
    qtbot.keyClicks(missing, "Twelve people at risk of cold; driver may flee.")
    assert not panel.error.isVisible(), "the refusal goes once the form is complete"
    shoot(window, "fault-ndm-refusal-cleared")


def test_scene_change_moves_the_focus_off_a_reused_document_button(qtbot, window):
    """The focus on a document button when the scene changes goes to the new scene's start,
    not to whichever document the reused button now opens."""
    from helpers import FLAGSHIP, click
    assert window.open_scenario_file(FLAGSHIP)
    click(qtbot, window.briefing_screen.start_button)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    screen = window.incident_screen
    controller = window.controller
    for _ in range(30):          # on to a scene with documents
        if screen.media_buttons:
            break
        panel = screen.panel
        if controller.decision is None:
            click(qtbot, panel.decide_button)
            continue
        options = controller.available_options()
        if controller.decision.kind in ("choose_one", "choose_many"):
            click(qtbot, panel.option_button(options[0].id))
        click(qtbot, panel.decide_button)
        if panel.error.isVisible():
            break
    assert screen.media_buttons, "a scene with documents"
    button = next(iter(screen.media_buttons.values()))
    button.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is button)
    scene = controller.runner.scene_id
    panel = screen.panel
    if controller.decision is not None and controller.decision.kind in ("choose_one", "choose_many"):
        click(qtbot, panel.option_button(controller.available_options()[0].id))
    button.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is button)
    panel.submit()
    assert controller.runner.scene_id != scene
    assert QApplication.focusWidget() is screen.first_focus()
    assert QApplication.focusWidget() is not button


def test_every_log_symbol_is_in_the_font(window):
    """Each incident-log symbol is drawn by the font the log uses (U+231B, the hourglass, is
    not in DejaVu Sans, the default font on many Linux desktops, and showed as a box)."""
    from PySide6.QtGui import QFontMetrics

    from hydra_sim.gui.incident_log import KIND_SYMBOLS
    font = window.incident_screen.log_view.font()
    metrics = QFontMetrics(font)
    missing = [f"{kind}: U+{ord(symbol):04X}" for kind, symbol in KIND_SYMBOLS.items()
               if not metrics.inFontUcs4(ord(symbol))]
    assert not missing, f"not in {font.family()}: {missing}"


def test_a_resumed_session_names_its_scenario_in_the_window_title(qtbot, window):
    from helpers import click
    controller, _screen = _start_mini(qtbot, window)
    title = controller.scenario.title
    assert title in window.windowTitle()
    window.request_start_screen()          # leave, keeping the session (the fixture answers yes)
    window.setWindowTitle("something else")   # as a fresh window shows before any scenario
    start = window.start_screen
    start.set_trainee(window.trainee or window.remembered_trainee())
    window._refresh_sessions()
    assert start.sessions
    start.session_list.setCurrentRow(0)
    click(qtbot, start.resume_button)
    assert window.stack.currentWidget() is window.incident_screen
    assert title in window.windowTitle()


def test_a_rationale_drop_down_shows_its_choices_whole(qtbot, window):
    """A part's drop-down list is as wide as its longest choice (the closed box is narrower)."""
    from helpers import FLAGSHIP

    from hydra_sim.engine import load_scenario
    from hydra_sim.gui.decision_panels import make_panel
    scenario = load_scenario(FLAGSHIP).scenario
    decision = next(s.decision for s in scenario.scenes.values()
                    if getattr(s, "decision", None) is not None and s.decision.kind == "ndm_rationale"
                    and s.decision.parts)
    panel = make_panel(decision, decision.options)
    qtbot.addWidget(panel)
    panel.resize(520, 2200)          # tall enough for every box: no scroll area here
    panel.show()
    qtbot.waitExposed(panel)
    combo = next(iter(panel.parts.values()))
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(lambda: view.isVisible())
    settle()
    widest = max(combo.fontMetrics().horizontalAdvance(combo.itemText(i)) for i in range(combo.count()))
    room = combo.screen().availableGeometry().width() - 40
    assert view.width() >= min(widest, room), f"list {view.width()} px wide, longest choice {widest}"
    assert view.width() > combo.width() or widest <= combo.width()
    shoot(view.window(), "fault-ndm-drop-down")
    combo.hidePopup()
    # chosen, a long answer is cut off in the closed box: it is repeated whole under it
    longest = max(range(combo.count()), key=lambda i: combo.fontMetrics().horizontalAdvance(combo.itemText(i)))
    combo.setCurrentIndex(longest)
    settle()
    whole = combo.property("whole")
    assert whole.isVisible() and combo.itemText(longest) in whole.text()
    assert whole.heightForWidth(whole.width()) <= whole.height() + 1

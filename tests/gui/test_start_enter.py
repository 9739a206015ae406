"""Start screen by keyboard: Enter in the Trainee ID box opens the briefing; with no ID it
does not, and the screen says what is missing (found by tools/keyboard-walkthrough)."""

from __future__ import annotations

from PySide6.QtCore import Qt


def _window(qtbot, home, fake_time):
    from hydra_sim.app import build_main_window
    win = build_main_window(show_error_windows=False, real_time=False, now=fake_time, system_points=11)
    qtbot.addWidget(win)
    win.show()
    win.reload_library()
    win.start_screen.library_list.setCurrentRow(0)
    return win


def test_enter_in_trainee_id_opens_the_briefing(qtbot, home, fake_time):
    win = _window(qtbot, home, fake_time)
    start = win.start_screen
    assert start.library_list.currentRow() >= 0
    start.trainee_id.setFocus()
    qtbot.keyClicks(start.trainee_id, "WALK01")
    qtbot.keyClick(start.trainee_id, Qt.Key.Key_Return)
    assert win.stack.currentWidget() is win.briefing_screen
    win.controller.timer.stop()
    win.debrief_screen.stop_worker()


def test_enter_without_an_id_stays_and_says_why(qtbot, home, fake_time):
    win = _window(qtbot, home, fake_time)
    start = win.start_screen
    qtbot.keyClick(start.trainee_id, Qt.Key.Key_Return)
    assert win.stack.currentWidget() is start
    assert start.error.isVisibleTo(start) and start.error.text()
    win.controller.timer.stop()
    win.debrief_screen.stop_worker()


def test_the_library_is_listed_by_title_and_the_flagship_is_chosen_first(qtbot, home, fake_time):
    """Trainees look for a scenario by its title, not its file name: with the seated flagship's
    file (brackenford-seated.yaml) before the flagship's (brackenford-services.yaml), the
    single-seat flagship still comes first, and is what Enter starts."""
    from hydra_sim.app import build_main_window
    win = build_main_window(show_error_windows=False, real_time=False, now=fake_time, system_points=11)
    qtbot.addWidget(win)
    win.show()
    win.reload_library()
    qtbot.waitUntil(lambda: not win.library_loading, timeout=10000)
    start = win.start_screen
    titles = [e.title for e in start.entries if getattr(e, "bundled", False)]
    assert titles == sorted(titles, key=str.casefold) and len(titles) >= 5
    assert sorted(e.path.name for e in start.entries)[0] == "brackenford-seated.yaml"
    assert start.entries[start.library_list.currentRow()].path.name == "brackenford-services.yaml"
    win.controller.timer.stop()
    win.debrief_screen.stop_worker()

"""Nothing clipped and nothing scrolled sideways at 1280x720, 1366x768 and 1920x1080 (issue 16).

Each window is placed as the app places it on a screen of that size (its available area less
a 32-pixel task bar, then less the frame margin: ``window_geometry.place``). On every screen
of the trainee flow, the review window and Author mode, every visible label and button must
show all of its text: a label that does not wrap must be as wide as its text, a word-wrapped
label as tall as its wrapped text, a button as wide as its text (a document button may
instead shorten its text when it has a tooltip with the whole of it), an empty text box as
wide as its placeholder (the hint a trainee reads before typing); and no scroll area
may show a horizontal scroll bar (the Author map is a canvas and may). A size at 150%
scaling is a smaller size here: 1920x1080 at 150% is 1280x720 of layout space.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import shiboken6
from helpers import FLAGSHIP, REPO, click, identify_and_open, play_step, shoot, start_scenario
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (QAbstractScrollArea, QApplication, QGraphicsView, QLabel, QLineEdit, QPushButton, QStyle,
                               QStyleOptionFrame, QWidget)

from hydra_sim.engine import load_plan
from hydra_sim.gui.eliding_button import ElidingButton
from hydra_sim.gui.window_geometry import place, usable_area

SIZES = {"1280x720": (1280, 720), "1366x768": (1366, 768), "1920x1080": (1920, 1080)}
TASK_BAR = 32


def available(size: str) -> QRect:
    width, height = SIZES[size]
    return QRect(0, 0, width, height - TASK_BAR)


def settle() -> None:
    for _ in range(10):        # layouts, then the deferred column and scroll-area fits they set off
        QApplication.processEvents()


def _shown(widget: QWidget, window: QWidget) -> bool:
    """Visible, with some area, and not scrolled or clipped entirely out of the window."""
    if not widget.isVisible() or widget.width() <= 0 or widget.height() <= 0:
        return False
    top_left = widget.mapTo(window, QPoint(0, 0))
    return window.rect().intersects(QRect(top_left, widget.size()))


def _line_edit_text_width(edit: QLineEdit) -> int:
    """The width a QLineEdit draws its text (and placeholder) in: the style's contents rectangle
    less the text margins and the 2-pixel inner margin QLineEdit keeps on each side."""
    option = QStyleOptionFrame()
    edit.initStyleOption(option)
    rect = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, edit)
    margins = edit.textMargins()
    return rect.width() - margins.left() - margins.right() - 4


def clipped(window: QWidget) -> list[str]:
    """Every visible label or button under ``window`` whose text does not fit, and every
    horizontal scroll bar showing."""
    settle()
    found = []
    for widget in window.findChildren(QWidget):
        if not shiboken6.isValid(widget) or not _shown(widget, window):
            continue
        name = f"{type(widget).__name__} {widget.objectName() or ''}".strip()
        if isinstance(widget, QLabel) and widget.text() and widget.pixmap().isNull():
            if widget.wordWrap():
                need = widget.heightForWidth(widget.width())
                if need > widget.height() + 1:
                    found.append(f"{name} {widget.text()[:60]!r}: needs {need} px high, has {widget.height()}")
            elif widget.sizeHint().width() > widget.width() + 1:
                found.append(f"{name} {widget.text()[:60]!r}: needs {widget.sizeHint().width()} px wide, "
                             f"has {widget.width()}")
        elif isinstance(widget, QPushButton) and widget.text():
            if widget.sizeHint().width() > widget.width() + 1:
                if isinstance(widget, ElidingButton) and widget.text() in widget.toolTip():
                    continue              # shortened on purpose, the whole text in the tooltip
                found.append(f"{name} {widget.text()[:60]!r}: needs {widget.sizeHint().width()} px wide, "
                             f"has {widget.width()}")
        elif isinstance(widget, QLineEdit) and not widget.text() and widget.placeholderText():
            room = _line_edit_text_width(widget)
            need = widget.fontMetrics().horizontalAdvance(widget.placeholderText())
            if need > room:
                found.append(f"{name} placeholder {widget.placeholderText()[:60]!r}: needs {need} px wide, has {room}")
        elif isinstance(widget, QAbstractScrollArea) and not isinstance(widget, QGraphicsView):
            if widget.horizontalScrollBar().isVisible():
                found.append(f"{name} {widget.accessibleName()!r}: shows a horizontal scroll bar")
    return found


def fit(window: QWidget, size: str) -> QRect:
    rect = place(window, (window.width() or 1440, window.height() or 900), available=available(size))
    window.setGeometry(rect)
    settle()
    return rect


def flagship_at(qtbot, window, size: str):
    """The main window placed on a screen of ``size``, the flagship started: its incident screen."""
    qtbot.waitUntil(lambda: not window.library_loading, timeout=10000)
    fit(window, size)
    identify_and_open(qtbot, window, "Brackenford Services: banging")
    start_scenario(qtbot, window)
    return window.incident_screen


def assert_fits(window: QWidget, size: str, screen: str) -> None:
    room = usable_area(available(size))
    assert window.width() <= room.width() and window.height() <= room.height(), \
        f"{screen}: the window ({window.width()}x{window.height()}) is larger than the screen allows"
    problems = clipped(window)
    assert not problems, f"{screen} at {size}:\n" + "\n".join(problems)


def themed() -> None:
    """The app's theme at 100%, as the trainee app, review and Author mode apply it (the
    main-window fixture applies it too, so the order of tests changes nothing)."""
    from hydra_sim.gui.theme import apply
    apply(QApplication.instance(), 11, 1.0, False)


def assert_headers_whole(view) -> None:
    """Every header label is shown whole: it may wrap, so each word fits its column and the
    header is tall enough for the wrapped lines."""
    settle()
    header = view.horizontalHeader()
    metrics = header._metrics()
    for column in range(header.count()):
        text = str(view.model().headerData(column, header.orientation()))
        width = header.sectionSize(column)
        assert width >= max(metrics.horizontalAdvance(w) for w in text.split()) + 2 * header.PAD_X, text
        lines = metrics.boundingRect(QRect(0, 0, header._room(column, width), 10000),
                                     int(Qt.TextFlag.TextWordWrap), text)
        assert header.height() >= lines.height() + header.PAD_Y, f"{text}: header {header.height()} px"


def _flagship_steps():
    steps, problems = load_plan(REPO / "scenarios" / "brackenford-services.best.plan.yaml")
    assert steps, problems
    return steps


@pytest.mark.parametrize("size", SIZES)
def test_the_trainee_flow_fits(qtbot, window, fake_time, size):
    qtbot.waitUntil(lambda: not window.library_loading, timeout=10000)
    fit(window, size)                  # from the fixture's 1440x900, as place() sizes it on that screen
    assert_fits(window, size, "start screen")
    identify_and_open(qtbot, window, "Brackenford Services: banging")
    assert_fits(window, size, "briefing")
    start_scenario(qtbot, window)
    assert_fits(window, size, "first scene")
    screen = window.incident_screen
    for step in _flagship_steps():
        if window.controller.runner.scene_id == "driver_account":
            break
        play_step(qtbot, window, step, fake_time)
        if window.controller.runner.scene_id in ("first_officer_arrives", "priorities"):
            assert_fits(window, size, f"scene {window.controller.runner.scene_id}")
    assert len(screen.media_buttons) == 3
    assert_fits(window, size, "the scene with three documents")
    if size == "1366x768":
        shoot(window, "incident-three-documents-1366x768")
    viewer = screen.open_media(next(iter(screen.media_buttons.values())).property("media"))
    qtbot.waitExposed(viewer)
    place(viewer, (1100, 780), available=available(size))
    settle()
    assert_fits(viewer, size, "document viewer")
    close = [b for b in viewer.findChildren(QPushButton) if "Close" in b.text()]
    assert close and _shown(close[0], viewer), "the viewer's Close button is on screen"
    viewer.close()
    # leave, and the unfinished session is listed on the start screen with Resume in view
    window.request_start_screen()
    qtbot.waitUntil(lambda: not window.library_loading, timeout=10000)     # the library is scanned again
    settle()
    start = window.start_screen
    assert start.sessions, "the left session is listed"
    assert_fits(window, size, "start screen with an unfinished session")
    for button in (start.resume_button, start.start_button):
        top_left = button.mapTo(window, QPoint(0, 0))
        assert window.rect().contains(QRect(top_left, button.size())), f"{button.text()} is on screen"
    assert not start.scroll.verticalScrollBar().isVisible(), "the start screen fits without scrolling"
    if size == "1366x768":
        shoot(window, "start-resume-1366x768")
    # on to the end and the debrief
    start.session_list.setCurrentRow(0)
    click(qtbot, start.resume_button)
    resumed = False
    for step in _flagship_steps():
        if not window.controller.running:
            break
        if step.kind not in ("expect", "mark", "wait", "expire") and step.scene == window.controller.runner.scene_id:
            resumed = True
        if resumed:
            play_step(qtbot, window, step, fake_time)
    assert window.stack.currentWidget() is window.debrief_screen
    assert_fits(window, size, "debrief")


def store_of_two_trainees(path):
    """A session store holding the flagship's best and careless plans, one trainee each, with
    long names (what the review's columns and panes must show whole)."""
    from hydra_sim.engine.loader import load_scenario
    from hydra_sim.gui.review import sample_data as sd
    from hydra_sim.records.store import SessionStore, TraineeInfo

    store = SessionStore(path)
    flagship = load_scenario(FLAGSHIP).scenario
    for tid, name, plan in (("t-005", "Pat Morgan-Whitfield", "best"), ("t-006", "Samantha Okonkwo", "careless")):
        steps = sd.plan_steps(REPO / "scenarios" / f"brackenford-services.{plan}.plan.yaml")
        sd.record_plan(store, flagship, steps, TraineeInfo(tid, name, "Westmarch Constabulary", "first_responder"))
    return store


def review_window_at(qtbot, store, size: str):
    """The trainer review window on ``store``, shown and placed as on a screen of ``size``."""
    from hydra_sim.gui.review.window import open_review_window

    themed()
    review = open_review_window(store, verify_in_background=False, author="Sgt Trainer")
    qtbot.addWidget(review)
    review.show()
    qtbot.waitExposed(review)
    place(review, (1500, 950), available=available(size))     # sets the geometry itself
    settle()
    return review


def review_detail_at(qtbot, tmp_path, size: str):
    """The review window at ``size`` on the two trainees' store, the first session's detail shown."""
    store = store_of_two_trainees(tmp_path / "sessions.sqlite3")
    review = review_window_at(qtbot, store, size)
    review.tabs.setCurrentIndex(0)
    review.table.selectRow(0)
    settle()
    return store, review


@pytest.mark.parametrize("size", SIZES)
def test_the_review_window_fits(qtbot, home, size, tmp_path):
    store = store_of_two_trainees(tmp_path / "sessions.sqlite3")
    review = review_window_at(qtbot, store, size)
    review.tabs.setCurrentWidget(review.compare_page)       # nothing chosen: what to do, in words
    assert_fits(review, size, "review, compare with nothing chosen")
    review.tabs.setCurrentWidget(review.dashboard)          # filled for the filter as it opens
    assert_fits(review, size, "review, cohort dashboard")
    review.filter_text.setText("nobody by this name")
    assert_fits(review, size, "review, cohort dashboard, no session matches")
    if size == "1366x768":
        shoot(review, "review-dashboard-no-match-1366x768")
    review.filter_text.clear()
    review.tabs.setCurrentIndex(0)
    review.table.selectRow(0)
    settle()
    assert_fits(review, size, "review, a session selected")
    assert_headers_whole(review.table)        # "Ending (outcome)", not "ling (outcor"
    review.select_sessions([r.session_id for r in review.model.rows()][:2])
    review.compare_selected()
    assert_fits(review, size, "review, compare")
    for table in (review.compare_decisions, review.compare_actions):
        assert_headers_whole(table)           # the trainees' names and results head the columns
    if size == "1366x768":
        shoot(review, "review-1366x768")
    review.close()
    store.close()


@pytest.mark.parametrize("size", SIZES)
def test_author_mode_fits(qtbot, home, size):
    from hydra_sim.gui.author.window import AuthorWindow
    themed()
    win = AuthorWindow(FLAGSHIP)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    place(win, (1440, 900), available=available(size))
    settle()
    assert_fits(win, size, "Author mode")
    win.map.select_node("driver_account")
    win.preview.play_from_here()
    settle()
    assert_fits(win, size, "Author mode, previewing the scene with three documents")
    if size == "1366x768":
        shoot(win, "author-1366x768")
    win.debounce.stop()


def test_the_largest_zoom_still_wraps_rather_than_scrolls_sideways(qtbot, window, fake_time):
    from hydra_sim.gui.theme import ZOOM_STEPS
    window.set_zoom(max(ZOOM_STEPS))
    try:
        qtbot.waitUntil(lambda: not window.library_loading, timeout=10000)
        fit(window, "1366x768")
        identify_and_open(qtbot, window, "Brackenford Services: banging")
        start_scenario(qtbot, window)
        for step in _flagship_steps():
            if window.controller.runner.scene_id == "driver_account":
                break
            play_step(qtbot, window, step, fake_time)
        assert_fits(window, "1366x768", f"the scene with three documents at zoom {max(ZOOM_STEPS)}")
    finally:
        window.set_zoom(1.0)


@pytest.mark.parametrize("opener", ["main", "review", "author", "viewer", "console"])
def test_no_window_asks_for_more_than_a_1280x720_screen(qtbot, window, opener, tmp_path):
    """Minimum sizes (set or from layouts) never exceed the smallest screen."""
    room = usable_area(available("1280x720"))
    if opener == "main":
        target = window
    elif opener == "review":
        from hydra_sim.gui.review.window import open_review_window
        target = open_review_window(window.store, settings=window.settings)
    elif opener == "author":
        from hydra_sim.gui.author.window import AuthorWindow
        target = AuthorWindow(FLAGSHIP)
    elif opener == "viewer":
        from hydra_sim.engine.loader import load_scenario
        from hydra_sim.gui.media_viewer import MediaViewer
        media = next(iter(load_scenario(FLAGSHIP).scenario.media.values()))
        target = MediaViewer(media)
    elif opener == "console":
        from hydra_sim.gui.exercise.console import ExerciseConsole
        target = ExerciseConsole(scenario_path=FLAGSHIP, host="127.0.0.1", port=0,
                                 store_path=tmp_path / "f.sqlite3")
    if target is not window:
        qtbot.addWidget(target)
    target.show()
    qtbot.waitExposed(target)
    settle()
    minimum = target.minimumSizeHint().expandedTo(target.minimumSize())
    assert minimum.width() <= room.width() and minimum.height() <= room.height(), \
        f"{opener}: minimum {minimum.width()}x{minimum.height()} > {room.width()}x{room.height()}"
    if hasattr(target, "debounce"):
        target.debounce.stop()
    if target is not window:
        target.close()



@pytest.mark.parametrize("screen", [(1920, 1080, 1.5), (1366, 768, 1.0)])
def test_a_scaled_screen_in_its_own_process(tmp_path, screen):
    """150% scaling on a 1920x1080 screen (1280x720 of layout space) and an unscaled laptop,
    each a real offscreen screen of that size in a child process (the scale of a running app
    cannot change): windows open inside the screen and nothing is clipped."""
    import json
    import os
    import subprocess
    import sys

    width, height, dpr = screen
    logical = (round(width / dpr), round(height / dpr))      # the offscreen screen is given in layout pixels
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "scaled", "x": 0, "y": 0, "width": logical[0],
                                               "height": logical[1], "logicalDpi": 96, "logicalBaseDpi": 96,
                                               "dpr": dpr}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}", PYTHONPATH=str(REPO))
    child = subprocess.run([sys.executable, str(Path(__file__).with_name("scaled_child.py")), str(tmp_path / "home")],
                           capture_output=True, text=True, env=env, cwd=REPO, timeout=300)
    assert child.returncode == 0, child.stderr[-3000:]
    result = json.loads(child.stdout.strip().splitlines()[-1])
    assert result["dpr"] == dpr
    sx, sy, sw, sh = result["screen"]
    assert (sw, sh) == logical
    for name, (x, y, w, h) in result["windows"].items():
        assert sx <= x and sy <= y and x + w <= sx + sw and y + h <= sy + sh, f"{name} {(x, y, w, h)} off screen"
    assert all(not problems for problems in result["clipped"].values()), result["clipped"]


@pytest.mark.parametrize("size", ["1280x720", "1366x768"])
def test_the_review_detail_shows_assessed_actions_not_a_sliver(qtbot, home, size, tmp_path):
    """Found by the keyboard walkthrough: with a session selected at 1280x720 the assessed
    actions table showed less than one row (its first row cut in half) beside an empty notes
    list that kept its own height. At least two rows of actions must show."""
    store, review = review_detail_at(qtbot, tmp_path, size)
    table = review.actions_table
    assert table.rowCount() > 2
    shown, row = table.viewport().height(), table.rowHeight(0)
    assert shown >= 2 * row, f"{size}: the actions table shows {shown} px, a row is {row} px"

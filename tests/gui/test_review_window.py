"""The trainer review window on a small recorded cohort (mini and flagship sessions)."""

from __future__ import annotations

import pytest

from hydra_sim import paths
from hydra_sim.engine.loader import load_scenario
from hydra_sim.gui.review import cohort_stats as cs
from hydra_sim.gui.review import sample_data as sd
from hydra_sim.records.store import SessionStore, TraineeInfo

from helpers import shoot

REPO = paths.bundled_root()


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    path = tmp_path_factory.mktemp("review") / "sessions.sqlite3"
    store = SessionStore(path)
    mini = load_scenario(REPO / "tests" / "fixtures" / "mini" / "mini.yaml").scenario
    flagship = load_scenario(REPO / "scenarios" / "brackenford-services.yaml").scenario
    ids = {}
    plans = sd.mini_plans()
    people = [("t-001", "Alex Reid", "Kent", "good"), ("t-002", "Sam Patel", "Essex", "middling"),
              ("t-003", "Jo Okafor", "Kent", "careless"), ("t-004", "Chris Lee", "Essex", "good")]
    for tid, name, force, plan in people:
        ids[tid] = sd.record_plan(store, mini, plans[plan], TraineeInfo(tid, name, force, "call_handler"))
    for tid, name, force, plan in (("t-005", "Pat Morgan", "Kent", "best"), ("t-006", "Lee Quinn", "Essex", "careless")):
        steps = sd.plan_steps(REPO / "scenarios" / f"brackenford-services.{plan}.plan.yaml")
        ids[tid] = sd.record_plan(store, flagship, steps, TraineeInfo(tid, name, force, "first_responder"))
    store.close()
    return path, ids


@pytest.fixture
def review(qtbot, cohort):
    from hydra_sim.gui.review.window import open_review_window
    path, ids = cohort
    store = SessionStore(path)
    win = open_review_window(store, verify_in_background=False, author="Sgt Trainer")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    if hasattr(store, "verify"):
        win.verify_now()
    yield win, ids
    store.close()


def _shoot(win, name, laptop=True):
    shoot(win, f"review-{name}", laptop=laptop)


def _column(win, col):
    return [win.proxy.index(r, col).data() for r in range(win.proxy.rowCount())]


def test_model_passes_qtmodeltester(qtmodeltester, cohort):
    from hydra_sim.gui.review.models import SessionFilterProxy, SessionTableModel
    path, _ = cohort
    with SessionStore(path) as store:
        model = SessionTableModel(cs.load_rows(store))
    qtmodeltester.check(model)
    proxy = SessionFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)


def test_table_rows_filters_and_sort(review):
    win, ids = review
    assert win.proxy.rowCount() == 6
    assert set(_column(win, 0)) == set(ids)
    assert all(v == "OK" for v in _column(win, 11))
    win.filter_text.setText("essex")
    assert sorted(_column(win, 0)) == ["t-002", "t-004", "t-006"]
    win.filter_text.setText("")
    win.scenario_box.setCurrentIndex(win.scenario_box.findData("mini"))
    assert win.proxy.rowCount() == 4
    win.critical_only.setChecked(True)
    assert sorted(_column(win, 0)) == ["t-002", "t-003"] or all(
        win.model.row_at(win.proxy.mapToSource(win.proxy.index(r, 0)).row()).critical_misses
        for r in range(win.proxy.rowCount()))
    win.critical_only.setChecked(False)
    win.scenario_box.setCurrentIndex(0)
    win.table.sortByColumn(8, pytest.importorskip("PySide6.QtCore").Qt.SortOrder.DescendingOrder)
    scores = [float(v.rstrip("%")) for v in _column(win, 8)]
    assert scores == sorted(scores, reverse=True)
    win.grade_box.setCurrentIndex(win.grade_box.findData("distinction"))
    assert sorted(_column(win, 0)) == ["t-001", "t-004", "t-005"]
    win.grade_box.setCurrentIndex(0)
    _shoot(win, "sessions")


def test_detail_annotation_and_override(review, monkeypatch):
    from hydra_sim.gui.review import dialogs
    win, ids = review
    win.select_sessions([ids["t-006"]])
    assert win.current.session_id == ids["t-006"]
    titles = [win.timeline_tree.topLevelItem(i).text(1) for i in range(win.timeline_tree.topLevelItemCount())]
    assert any(t.startswith("Scene: ") for t in titles)
    assert any(t.startswith("Decided: ") for t in titles)
    assert not any("Decision: Decided" in t or "Entered:" in t or "Inject from" in t for t in titles)
    assert titles[-1].startswith("Incident closed: ")
    decision_rows = [i for i in range(win.timeline_tree.topLevelItemCount())
                     if win.timeline_tree.topLevelItem(i).text(1).startswith("Decided")]
    first = win.timeline_tree.topLevelItem(decision_rows[0])
    assert first.text(2).endswith("s") and "contravened" in first.text(3)
    statuses = {win.actions_table.item(r, 1).text() for r in range(win.actions_table.rowCount())}
    assert any("Contravened" in s for s in statuses)
    if not hasattr(win.store, "annotate"):
        pytest.skip("annotations not available in this store version")
    events_before = win.store.events(ids["t-006"])
    win.timeline_tree.setCurrentItem(first)
    first_seq = first.data(0, 256).seq
    monkeypatch.setattr(dialogs.AnnotationDialog, "ask",
                        classmethod(lambda cls, parent, about, author="": ("Sgt Trainer", "Discuss the ambulance.")))
    win.add_note()
    notes = win.store.annotations(ids["t-006"])
    assert notes[-1]["text"] == "Discuss the ambulance." and notes[-1]["seq"] == first_seq
    assert "Discuss the ambulance." in win.timeline_tree.topLevelItem(decision_rows[0]).text(4)
    monkeypatch.setattr(dialogs.OverrideDialog, "ask", classmethod(
        lambda cls, parent, grades, current, author="": ("competent", "Sound reasoning under pressure.", "Sgt T")))
    assert "competent" in dict(win.grade_choices(win.current))
    win.override_grade()
    assert win.store.grade_override(ids["t-006"])["reason"] == "Sound reasoning under pressure."
    grades = _column(win, 9)
    assert "Competent (override)" in grades
    assert "Grade override" in win.detail_header.text()
    assert win.store.events(ids["t-006"]) == events_before           # the record is untouched
    with pytest.raises(ValueError):
        win.store.override_grade(ids["t-006"], "competent", "  ", "Sgt T")
    win.timeline_tree.setCurrentItem(win.timeline_tree.topLevelItem(decision_rows[0]))
    _shoot(win, "detail")


def test_override_dialog_refuses_blank_reason(qtbot):
    from hydra_sim.gui.review.dialogs import OverrideDialog
    dialog = OverrideDialog(None, [("competent", "Competent")], "Not yet competent", "Sgt T")
    qtbot.addWidget(dialog)
    dialog._try_accept()
    assert not dialog.result() and "reason is required" in dialog.error.text()


def test_compare_two_sessions(review):
    win, ids = review
    win.select_sessions([ids["t-001"], ids["t-003"]])
    assert win.compare_button.isEnabled()
    win.compare_selected()
    assert win.tabs.currentWidget() is win.compare_page
    by_scene = {p.scene_id: p for p in win.compare_pairs}
    assert by_scene["call"].a and by_scene["call"].b
    assert {by_scene["call"].a.title, by_scene["call"].b.title} == {"Send an ambulance",
                                                                    "Refer to the Home Office"}
    actions = {p.action_id: p for p in win.compare_action_pairs}
    assert {actions["send_ambulance"].a, actions["send_ambulance"].b} == {"on_time", "contravened"}
    # every cell starts at the top of its row: a short cell beside a long answer stays in view
    from PySide6.QtCore import Qt
    for table in (win.compare_decisions, win.compare_actions):
        for row in range(table.rowCount()):
            for column in range(table.columnCount()):
                assert table.item(row, column).textAlignment() & Qt.AlignmentFlag.AlignTop
    _shoot(win, "compare")


def test_dashboard_and_exports(review, tmp_path):
    win, ids = review
    win.show_dashboard()
    summary = win.dashboard.summary
    assert summary.sessions == 6
    rates = [m.rate for m in summary.miss_rates]
    assert rates == sorted(rates, reverse=True)
    assert sum(summary.histogram) == 6
    assert win.dashboard.miss_table.rowCount() == len(summary.miss_rates)
    png = tmp_path / "miss.png"
    assert win.dashboard.save_png(win.dashboard.miss_view, png) and png.stat().st_size > 1000
    csv_path = tmp_path / "miss.csv"
    win.dashboard.save_csv(win.dashboard.miss_table, csv_path)
    assert csv_path.read_text().splitlines()[0].startswith("Action,Critical")
    win.resize(1500, 1300)
    _shoot(win, "dashboard", laptop=False)     # the whole dashboard on one page (a 1366x768 one is taken too)
    win.scenario_box.setCurrentIndex(win.scenario_box.findData("mini"))
    win.show_dashboard()
    assert win.dashboard.summary.sessions == 4


def test_tab_leaves_the_date_filters_while_they_say_any(qtbot, review):
    """Qt's date box keeps Tab while it shows "any" (a keyboard trap found by the keyboard
    walkthrough): Tab and Shift+Tab must move on to the next and previous controls."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication
    win, _ids = review
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    for edit in (win.date_from, win.date_to):
        assert edit.text() == "any"
    win.date_from.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: win.date_from.hasFocus())
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert win.date_to.hasFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert win.critical_only.hasFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert win.date_from.hasFocus()
    win.date_from.setDate(win.date_from.minimumDate().addDays(1))     # a real date: Tab still leaves
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert win.date_to.hasFocus()


def test_dashboard_save_dialogs_start_in_the_exports_folder(qtbot, review, home, monkeypatch):
    """Not in whatever folder the app was started from (the walkthrough's dialog opened in the
    checkout it ran from, inviting a trainer to save into it)."""
    from PySide6.QtWidgets import QFileDialog
    win, _ids = review
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args: (asked.append(args[2]), ("", ""))[1]))
    win.dashboard.export_miss_png.click()
    win.dashboard.export_times_csv.click()
    assert asked == [str(home / "exports" / "miss-rates.png"), str(home / "exports" / "critical-times.csv")]


def test_the_sessions_list_shows_two_rows_on_a_laptop_screen(qtbot, review):
    """At 1366x768 (the window placed in the area left by a task bar) the tabs below must not
    squeeze the sessions list to a single row: Compare needs two sessions in view."""
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QApplication

    from hydra_sim.gui.theme import apply
    from hydra_sim.gui.window_geometry import place
    apply(QApplication.instance(), 11, 1.0, False)        # the app's padding and fonts
    win, _ids = review
    place(win, (1500, 950), available=QRect(0, 0, 1366, 768 - 32))
    for _ in range(10):
        QApplication.processEvents()
    rows = win.table.viewport().height() // win.table.verticalHeader().defaultSectionSize()
    assert rows >= 2, f"only {rows} session row(s) in view: {win.table.height()} of {win.table.parentWidget().parentWidget().sizes()}"


def test_the_compare_tab_says_what_to_do_until_two_sessions_are_chosen(review):
    win, ids = review
    win.table.clearSelection()
    win.tabs.setCurrentWidget(win.compare_page)
    header = win.compare_header.text()
    assert header.startswith("No sessions are chosen.")
    assert "choose them in the sessions table above" in header and "Compare the two selected" in header
    assert "by keyboard, Shift+Up or Shift+Down" in header      # not only the mouse way (walkthrough)
    assert not win.compare_tables.isVisible()          # no empty columns numbered 1 2 3
    headers = [win.compare_decisions.horizontalHeaderItem(c).text() for c in range(3)]
    assert headers == ["Decision point", "A", "B"]
    _shoot(win, "compare-nothing-chosen")
    win.select_sessions([ids["t-001"]])
    assert win.compare_header.text().startswith("One session is chosen: choose one more.")
    assert not win.compare_tables.isVisible()
    win.select_sessions([ids["t-001"], ids["t-003"]])     # on the Compare tab, choosing two compares them
    assert win.compare_header.text().startswith("Comparing ")
    assert win.compare_tables.isVisible() and win.compare_decisions.rowCount() > 0
    win.table.clearSelection()                             # the comparison stays until another pair is chosen
    assert win.compare_header.text().startswith("Comparing ") and win.compare_tables.isVisible()
    win.compare_selected()                                 # the button, with nothing chosen: what to do
    assert win.compare_header.text().startswith("No sessions are chosen.") and not win.compare_tables.isVisible()


def test_the_cohort_tab_is_filled_for_the_filter_when_it_opens(review):
    win, _ids = review
    assert win.dashboard.summary is None
    win.tabs.setCurrentWidget(win.dashboard)               # no button pressed
    assert win.dashboard.summary is not None and win.dashboard.summary.sessions == 6
    assert win.dashboard.content.isVisible() and not win.dashboard.message.isVisible()
    assert "6 sessions in the filtered set" in win.dashboard.heading.text()
    win.force_box.setCurrentIndex(win.force_box.findData("Kent"))       # it follows the filters
    assert win.dashboard.summary.sessions == 3 and "force Kent" in win.dashboard.heading.text()
    win.filter_text.setText("nobody by this name")
    assert win.dashboard.summary is None and not win.dashboard.content.isVisible()
    message = win.dashboard.message.text()
    assert message.startswith("No sessions match: matching \u201cnobody by this name\u201d, force Kent.")
    assert "Clear the search" in message
    _shoot(win, "dashboard-no-match")


def test_the_cohort_tab_of_an_empty_store_says_why(qtbot, tmp_path):
    from hydra_sim.gui.review.window import open_review_window
    store = SessionStore(tmp_path / "empty.sqlite3")
    win = open_review_window(store, verify_in_background=False, author="Sgt Trainer")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.tabs.setCurrentWidget(win.dashboard)
    assert win.dashboard.message.text().startswith("No sessions have been recorded yet.")
    assert not win.dashboard.content.isVisible()
    win.tabs.setCurrentWidget(win.compare_page)
    assert win.compare_header.text().startswith("No sessions are chosen.")
    win.close()
    store.close()


def test_tab_into_the_sessions_table_selects_a_session(qtbot, review):
    """Found by the keyboard walkthrough: Tab into the table made its first cell current but
    selected nothing, and Down on a table of one session then had nowhere to go, so the detail
    stayed at "Select a session". Arriving by keyboard now selects the current row."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication
    win, _ids = review
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    win.filter_text.setText("t-005")             # one session left in the table
    qtbot.waitUntil(lambda: win.proxy.rowCount() == 1)
    win.table.clearSelection()
    win.critical_only.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: win.critical_only.hasFocus())
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert win.table.hasFocus()
    assert len(win.table.selectionModel().selectedRows()) == 1
    qtbot.keyClick(win.table, Qt.Key.Key_Down)   # nowhere to go: still selected
    assert len(win.table.selectionModel().selectedRows()) == 1


def _mnemonics(win):
    """The Alt letters on screen now: visible buttons and labels with a buddy, the tabs, the menu bar."""
    import re

    from PySide6.QtWidgets import QAbstractButton, QLabel
    found = []

    def letter(text):
        match = re.search(r"&([^&\s])", text.replace("&&", ""))
        return match.group(1).lower() if match else None
    for widget in win.findChildren(QAbstractButton) + [w for w in win.findChildren(QLabel) if w.buddy() is not None]:
        if widget.isVisible() and letter(widget.text()):
            found.append((letter(widget.text()), widget.text()))
    for i in range(win.tabs.count()):
        if letter(win.tabs.tabText(i)):
            found.append((letter(win.tabs.tabText(i)), win.tabs.tabText(i)))
    for action in win.menuBar().actions():
        if letter(action.text()):
            found.append((letter(action.text()), action.text()))
    return found


def test_no_two_alt_keys_on_screen_share_a_letter(qtbot, review):
    """Found by the keyboard walkthrough: Alt+M went to the From date, not the Compare tab
    (Fro&m, Co&mpare and &Mark the rationale), and Alt+D to the dashboard button, not the
    Session detail tab. Qt only cycles the focus between widgets that share a letter."""
    from collections import Counter

    from PySide6.QtWidgets import QApplication
    win, _ids = review
    for index in range(win.tabs.count()):
        win.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        found = _mnemonics(win)
        shared = {k: [t for key, t in found if key == k] for k, n in Counter(k for k, _ in found).items() if n > 1}
        assert not shared, f"tab {win.tabs.tabText(index)!r}: {shared}"


def test_compare_two_sessions_by_keyboard(qtbot, review):
    """As the keyboard walkthrough does: filter, Tab into the table, Ctrl+A selects every row
    the filter leaves, Ctrl+M compares them (or, with three, says a comparison is of two)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication
    win, _ids = review
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    qtbot.keyClick(win, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is win.filter_text
    for text, rows in (("Kent", 3), ("Lee", 2)):        # Alex Reid, Jo Okafor, Pat Morgan; Chris Lee, Lee Quinn
        win.filter_text.selectAll()
        qtbot.keyClicks(win.filter_text, text)
        qtbot.waitUntil(lambda rows=rows: win.proxy.rowCount() == rows)
        win.table.setFocus()
        qtbot.keyClick(win.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        assert len(win.selected_rows()) == rows
        qtbot.keyClick(win.table, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
        assert win.tabs.currentWidget() is win.compare_page
        if rows == 3:
            assert win.compared is None and "a comparison is of exactly two" in win.compare_header.text()
        win.filter_text.setFocus()
    assert set(win.compared) == {r.session_id for r in win.selected_rows()}
    assert "Comparing A:" in win.compare_header.text() and "Lee" in win.compare_header.text()

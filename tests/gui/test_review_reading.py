"""A trainer reads every word of the review at 1366x768: whole answers in the selected
session's detail pane, dashboard chart labels that fit (issue 16)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from helpers import shoot
from test_screen_fit import review_window_at, settle, store_of_two_trainees



@pytest.fixture
def review(qtbot, home, tmp_path):
    store = store_of_two_trainees(tmp_path / "sessions.sqlite3")
    win = review_window_at(qtbot, store, "1366x768")
    yield win
    win.close()
    store.close()


def test_the_miss_rate_chart_has_the_full_width_and_names_each_bar_whole(review):
    review.tabs.setCurrentWidget(review.dashboard)
    settle()
    dash = review.dashboard
    # the chart is not squeezed beside the score chart: it spans the dashboard
    assert dash.miss_view.width() >= dash.content.width() - 40
    assert dash.histogram_view.y() > dash.miss_view.y()
    chart = dash.miss_view.chart()
    axis = next(a for a in chart.axes() if a.orientation() == Qt.Orientation.Vertical)
    labels = axis.categories()
    assert labels and all(len(label) <= 62 for label in labels)
    # what a shortened label hides is the bar's tooltip
    bars = chart.series()[0].barSets()[0]
    for index, title in enumerate(dash.miss_titles):
        bars.hovered.emit(True, index)
        assert dash.miss_view.toolTip().replace("\u2605 critical: ", "") == title.replace("\u2605 critical: ", "")
    longest = max(dash.miss_titles, key=len)
    assert longest.replace("\u2605 critical: ", "") in [s.title for s in dash.summary.miss_rates]
    shoot(review, "review-dashboard-1366x768")


def test_the_chosen_row_is_read_in_full_below_the_tables(review, qtbot):
    from test_screen_fit import assert_fits
    review.tabs.setCurrentIndex(0)
    review.table.selectRow(0)
    settle()
    tree = review.timeline_tree
    assert review.full_text.toPlainText() == "" and "arrow keys" in review.full_text.placeholderText()
    # a decision with a long answer: its whole text is in the pane, however narrow the column
    rows = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    longest = max(rows, key=lambda item: len(item.text(1)) + len(item.text(3)))
    tree.setFocus()
    tree.setCurrentItem(longest)
    text = review.full_text.toPlainText()
    assert longest.text(1) in text and longest.text(3) in text
    assert tree.visualItemRect(longest).width() < tree.fontMetrics().horizontalAdvance(longest.text(1)) \
        or tree.columnWidth(1) < tree.fontMetrics().horizontalAdvance(longest.text(1)), \
        "the test needs a row whose text does not fit its column"
    shoot(review, "review-detail-full-text-1366x768")
    # by keyboard: the arrow keys move the row, and the pane follows
    index = tree.indexOfTopLevelItem(longest)
    qtbot.keyClick(tree, Qt.Key.Key_Down if index + 1 < len(rows) else Qt.Key.Key_Up)
    assert tree.currentItem() is not longest and tree.currentItem().text(1) in review.full_text.toPlainText()
    # an action: why it matters and its explanation, whole
    actions = review.actions_table
    actions.setCurrentCell(0, 0)
    text = review.full_text.toPlainText()
    report = review.current_report["actions"][0]
    assert report["title"] in text and str(report.get("why") or "").strip() in text
    if report.get("explanation"):
        assert report["explanation"] in text
    assert_fits(review, "1366x768", "review, a row read in full")

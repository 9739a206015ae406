"""The cohort dashboard with nothing missed says so in words (issue 16, keyboard walkthrough).

With every assessed action achieved in the filtered set (0% misses) the miss-rate chart was
an empty grid with no bars, which reads as broken. The chart area must say that no assessed
action was missed in these sessions instead; with a miss, the chart is shown as before.
"""

from __future__ import annotations

from helpers import shoot
from test_screen_fit import assert_fits, review_window_at, settle, store_of_two_trainees


def test_no_miss_is_said_in_words_not_an_empty_chart(qtbot, home, tmp_path):
    store = store_of_two_trainees(tmp_path / "sessions.sqlite3")
    review = review_window_at(qtbot, store, "1366x768")
    dash = review.dashboard
    review.tabs.setCurrentWidget(dash)
    review.filter_text.setText("Pat Morgan")          # the best plan: nothing missed or contravened
    settle()
    summary = dash.summary
    assert summary is not None and summary.sessions == 1
    assert summary.miss_rates and all(m.missed == 0 for m in summary.miss_rates)
    assert not dash.miss_view.isVisible(), "no empty grid of bars"
    assert dash.no_misses.isVisible()
    assert dash.no_misses.text() == "No assessed action was missed in this session."
    assert not dash.export_miss_png.isEnabled(), "nothing to export as a chart"
    assert dash.histogram_view.isVisible() and dash.miss_table.rowCount() == len(summary.miss_rates)
    assert_fits(review, "1366x768", "cohort dashboard, nothing missed")
    shoot(review, "review-dashboard-no-misses-1366x768")
    review.filter_text.clear()                        # both trainees: the careless one missed a lot
    settle()
    assert dash.summary.sessions == 2
    assert dash.miss_view.isVisible() and not dash.no_misses.isVisible()
    assert dash.export_miss_png.isEnabled()
    review.close()
    store.close()


def test_the_words_count_the_sessions(qtbot):
    from hydra_sim.gui.review.dashboard import no_miss_text
    assert no_miss_text(1) == "No assessed action was missed in this session."
    assert no_miss_text(3) == "No assessed action was missed in these 3 sessions."

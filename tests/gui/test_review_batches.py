"""The sessions table read in batches (issue 14): the first rows shown at once, the rest appended in
the table's order; a sort, a filter, the dashboard and the count always see every session."""

from __future__ import annotations

import pytest

from hydra_sim.gui.review import cohort_stats as cs
from hydra_sim.records.store import SessionStore

from test_review_window import cohort  # noqa: F401 - the module's stored cohort, reused


@pytest.fixture
def batched(qtbot, cohort, monkeypatch):  # noqa: F811
    """A review window that reads its first 2 rows before it is shown, then the rest in batches."""
    from hydra_sim.gui.review import models
    from hydra_sim.gui.review import window as review_window
    monkeypatch.setattr(review_window, "FIRST_ROWS", 2)
    monkeypatch.setattr(models, "BATCH_ROWS", 1)
    path, _ids = cohort
    store = SessionStore(path)
    win = review_window.open_review_window(store, verify_in_background=False, author="Sgt Trainer")
    qtbot.addWidget(win)
    with SessionStore(path) as other:
        everything = cs.load_rows(other)
    yield win, everything
    win.close()
    store.close()


def test_first_rows_then_the_rest_in_order(batched, qtbot):
    win, everything = batched
    assert len(everything) > 3
    read = win.model.rowCount()                  # the first 2, and 1 a batch as the view asked
    assert 2 <= read < len(everything) and not win.model.all_read()
    assert win.count_label.text() == f"{read} of {len(everything)} sessions shown (listing the rest\u2026)"
    win.model.fetchMore(count=1)
    assert win.model.rowCount() == read + 1
    qtbot.waitUntil(win.model.all_read)          # the window's own batches, between events
    assert [r.session_id for r in win.model.rows()] == [r.session_id for r in everything]
    assert win.count_label.text() == f"{len(everything)} of {len(everything)} sessions shown"
    assert win.scenario_box.count() - 1 == len({r.scenario_id for r in everything})


def test_sort_while_reading_sorts_every_row(batched):
    from hydra_sim.gui.review.models import COL_PERCENT
    from PySide6.QtCore import Qt
    win, everything = batched
    assert not win.model.all_read()
    win.table.sortByColumn(COL_PERCENT, Qt.SortOrder.AscendingOrder)
    percents = [-1.0 if r.percent is None else r.percent for r in win.model.rows()]
    assert len(percents) == len(everything) and percents == sorted(percents)


def test_filter_and_dashboard_while_reading_see_every_row(batched):
    win, everything = batched
    assert not win.model.all_read()
    name = everything[-1].display_name           # a session not among the first rows read
    win.filter_text.setText(name)
    wanted = {r.session_id for r in everything if cs.RowFilter(text=name).accepts(r)}
    assert wanted and {r.session_id for r in win.proxy.visible_rows()} == wanted
    assert win.proxy.rowCount() == len(wanted)
    win.filter_text.setText("")
    assert len(win.proxy.visible_rows()) == len(everything)


def test_reader_in_pieces_is_the_whole_list(cohort):  # noqa: F811
    path, _ids = cohort
    with SessionStore(path) as store:
        whole = [r.session_id for r in cs.load_rows(store)]
        reader = cs.RowReader(store)
        assert reader.total == len(whole)
        pieces = reader.read(2) + reader.read(1) + reader.read()
        assert reader.done and reader.read(5) == []
    assert [r.session_id for r in pieces] == whole

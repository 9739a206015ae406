"""Column widths are measured once per change of the rows, font or style, on a sample of rows
(gui/columns.py): a review of thousands of sessions opened in seconds while Qt measured 1,000
rows of every column on every fit (issue 14). What must still hold: new or changed rows, a
bigger font, and a resize are each reflected in the widths."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

from hydra_sim.gui.columns import SAMPLE_ROWS, fit_columns


def _table(qtbot, rows: int) -> QTableWidget:
    table = QTableWidget(rows, 3)
    table.setHorizontalHeaderLabels(["Name", "Time", "Status"])
    for row in range(rows):
        for column, text in enumerate((f"Trainee {row}", "04:15", "on time")):
            table.setItem(row, column, QTableWidgetItem(text))
    qtbot.addWidget(table)
    table.resize(700, 300)
    fit_columns(table, {0: 1})
    table.show()
    qtbot.waitExposed(table)
    return table


def _fitted(qtbot, table) -> None:
    qtbot.waitUntil(lambda: not table._column_fitter._pending)


def test_a_changed_row_in_view_widens_its_column(qtbot):
    table = _table(qtbot, 30)
    _fitted(qtbot, table)
    before = table.horizontalHeader().sectionSize(2)
    table.item(0, 2).setText("achieved late, after the inspector's review of the custody decision")
    qtbot.waitUntil(lambda: table.horizontalHeader().sectionSize(2) > before + 100)


def test_a_bigger_font_measures_again(qtbot):
    table = _table(qtbot, 30)
    _fitted(qtbot, table)
    before = table.horizontalHeader().sectionSize(1)
    font = QFont(table.font())
    font.setPointSizeF(font.pointSizeF() * 2)
    table.setFont(font)
    qtbot.waitUntil(lambda: table.horizontalHeader().sectionSize(1) > before * 1.5)


def test_a_resize_shares_the_new_width_without_losing_the_measured_columns(qtbot):
    table = _table(qtbot, 30)
    _fitted(qtbot, table)
    fixed = table.horizontalHeader().sectionSize(1)
    name = table.horizontalHeader().sectionSize(0)
    table.resize(1000, 300)
    qtbot.waitUntil(lambda: table.horizontalHeader().sectionSize(0) > name + 200)
    assert table.horizontalHeader().sectionSize(1) == fixed


def test_a_long_table_is_measured_on_a_sample_of_its_rows(qtbot):
    table = _table(qtbot, SAMPLE_ROWS * 5)
    _fitted(qtbot, table)
    assert table.horizontalHeader().resizeContentsPrecision() == SAMPLE_ROWS

"""The cohort dashboard: NRP action miss rates, score distribution, time to critical actions.
A seated scenario's team actions are rows of the miss rates too ("Team: ...", cohort_stats.TEAM_PREFIX).

It only displays a ``cohort_stats.CohortSummary`` (computed without Qt); charts use QtCharts
with large fonts, titles and axis labels, every number is also in a table, and both
export: charts as PNG (``QChartView.grab()``), tables as CSV. With no finished session to count
it never shows empty charts: it says why it is empty and what to do (``show_message``).
"""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QHorizontalBarSeries, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QCursor, QFont, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ... import paths
from ...engine.text import counted
from .. import theme
from ..safe_text import plain_tooltip
from .cohort_stats import HISTOGRAM_LABELS, CohortSummary, format_seconds

TOP_ACTIONS = 12
LABEL_CHARS = 60       # a miss-rate bar's label, at most (the whole title is its tooltip)


def no_miss_text(sessions: int) -> str:
    """What the miss-rate chart's place says when nothing was missed (0% bars draw nothing)."""
    where = "this session" if sessions == 1 else f"these {sessions} sessions"
    return f"No assessed action was missed in {where}."


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "\u2026"



class CohortDashboard(QWidget):
    def __init__(self, parent=None, points: float = 11.0):
        super().__init__(parent)
        self.points = points
        self.summary: CohortSummary | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        self.heading = QLabel("Cohort dashboard")
        self.heading.setProperty("role", "heading")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.message = QLabel("")            # why there is nothing to show, and what to do
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("About the cohort dashboard")
        layout.addWidget(self.message)
        self.content = QWidget()             # the charts, export buttons and tables
        content = QVBoxLayout(self.content)
        content.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.content, 1)

        self.miss_view = self._chart_view("Miss rate of each NRP action chart")
        self.histogram_view = self._chart_view("Score distribution chart")
        # One above the other, each the full width: the miss-rate chart's labels are action
        # titles, and beside the score chart they were cut to a few words at 1366x768.
        content.addWidget(self.miss_view)
        # With 0% misses the chart would be an empty grid (a 0% bar draws nothing), which reads
        # as broken: in its place, the same finding in words.
        self.no_misses = QLabel("")
        self.no_misses.setProperty("role", "heading")
        self.no_misses.setWordWrap(True)
        self.no_misses.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_misses.setMinimumHeight(int(self.points * 8))
        self.no_misses.setAccessibleName("Miss rate of each NRP action")
        self.no_misses.hide()
        content.addWidget(self.no_misses)
        content.addWidget(self.histogram_view)
        buttons = QHBoxLayout()
        self.export_miss_png = QPushButton("Export miss-rate chart (&PNG)\u2026")
        self.export_hist_png = QPushButton("Export score chart (P&NG)\u2026")
        self.export_miss_csv = QPushButton("Export m&iss rates (CSV)\u2026")
        self.export_times_csv = QPushButton("Export critical times (CS&V)\u2026")
        for b in (self.export_miss_png, self.export_hist_png, self.export_miss_csv, self.export_times_csv):
            buttons.addWidget(b)
        buttons.addStretch(1)
        content.addLayout(buttons)
        self.export_miss_png.clicked.connect(lambda: self._ask_png(self.miss_view, "miss-rates.png"))
        self.export_hist_png.clicked.connect(lambda: self._ask_png(self.histogram_view, "score-distribution.png"))
        self.export_miss_csv.clicked.connect(lambda: self._ask_csv(self.miss_table, "miss-rates.csv"))
        self.export_times_csv.clicked.connect(lambda: self._ask_csv(self.times_table, "critical-times.csv"))

        tables = QHBoxLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        label = QLabel("Miss rate of each NRP action (missed or contravened \u00f7 sessions that reached it; "
                       "not reached: the path ended before it came up). Seated sessions add their team actions, "
                       "as \u201cTeam: ...\u201d rows (missed \u00f7 sessions that reached the decision)")
        label.setProperty("role", "heading")
        label.setWordWrap(True)
        left.addWidget(label)
        self.miss_table = self._table(["Action", "Critical", "Missed or contravened", "Reached", "Not reached",
                                       "Miss rate"],
                                      "Miss rate of each NRP action")
        left.addWidget(self.miss_table)
        label = QLabel("Median simulated time to each critical action (sessions that achieved it)")
        label.setProperty("role", "heading")
        label.setWordWrap(True)
        right.addWidget(label)
        self.times_table = self._table(["Critical action", "Median time", "Achieved", "Assessed"],
                                       "Median time to each critical action")
        right.addWidget(self.times_table)
        tables.addLayout(left, 3)
        tables.addLayout(right, 2)
        content.addLayout(tables)
        layout.addStretch(0)
        self.show_message("The cohort dashboard shows how the sessions in the table above went: the NRP "
                          "actions missed most often, the spread of scores and the time to each critical action.")

    def _chart_view(self, name: str) -> QChartView:
        view = QChartView()
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(int(self.points * 36))
        view.setAccessibleName(name)
        view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        return view

    @staticmethod
    def _table(headers: list[str], name: str) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.setAccessibleName(name)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.setMinimumHeight(260)
        table.setWordWrap(True)
        return table

    def _fonts(self, chart: QChart, title: str) -> None:
        chart.setTitle(title)
        font = QFont()
        font.setPointSizeF(self.points * 1.25)
        font.setBold(True)
        chart.setTitleFont(font)
        chart.legend().setVisible(False)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setBackgroundRoundness(6)
        # a chart is painted by Qt Charts, not the stylesheet: its colours come from the theme
        p = theme.current()
        chart.setBackgroundBrush(QColor(p.surface))
        chart.setBackgroundPen(QColor(p.border))
        chart.setTitleBrush(QColor(p.text))

    def _axis_font(self, axis, title: str | None = None) -> None:
        font = QFont()
        font.setPointSizeF(self.points * 0.95)
        axis.setLabelsFont(font)
        text = QColor(theme.current().text)
        axis.setLabelsBrush(text)
        axis.setTitleBrush(text)
        if title:
            axis.setTitleText(title)
            bold = QFont(font)
            bold.setBold(True)
            axis.setTitleFont(bold)

    def _bar_hovered(self, entered: bool, index: int) -> None:
        titles = getattr(self, "miss_titles", [])
        text = titles[index] if entered and 0 <= index < len(titles) else ""
        self.miss_view.setToolTip(plain_tooltip(text) if text else "")
        if text:
            QToolTip.showText(QCursor.pos(), plain_tooltip(text), self.miss_view)

    def show_message(self, text: str, heading: str = "Cohort dashboard") -> None:
        """Nothing to chart: say so in words (and what to do) instead of empty axes."""
        self.summary = None
        self.heading.setText(heading)
        self.message.setText(text)
        self.message.show()
        self.content.hide()

    def show_summary(self, summary: CohortSummary, description: str = "", scope: str = "in the filtered set",
                     empty: str = "") -> None:
        """Show ``summary``; ``scope`` says which sessions these are (the plenary: "of this exercise");
        ``empty``: what to say (and do) when it counts no session, instead of empty charts."""
        if not summary.sessions:
            self.show_message(empty or f"No finished sessions {scope} yet: the dashboard counts sessions "
                              "that reached an ending.")
            return
        self.summary = summary
        self.message.hide()
        self.content.show()
        self.heading.setText(f"Cohort dashboard: {counted(summary.sessions, 'session')} {scope}, "
                             f"{summary.scored} scored" + (f" \u2014 {description}" if description else ""))
        accent = QColor(theme.current().accent)
        label = QColor(theme.current().text)       # the values beside the bars
        # Miss rates: the worst TOP_ACTIONS, highest at the top.
        chart = QChart()
        self._fonts(chart, f"Miss rate by NRP action (worst {min(TOP_ACTIONS, len(summary.miss_rates))})")
        top = summary.miss_rates[:TOP_ACTIONS]
        bars = QBarSet("Miss rate %")
        bars.setColor(accent)
        bars.setLabelColor(label)
        categories, titles = [], []
        for m in reversed(top):       # a horizontal bar chart draws its first category at the bottom
            bars.append(round(m.rate * 100, 1))
            categories.append(("\u2605 " if m.critical else "") + _short(m.title, LABEL_CHARS))
            titles.append(("\u2605 critical: " if m.critical else "") + m.title)
        series = QHorizontalBarSeries()
        series.append(bars)
        series.setLabelsVisible(True)
        series.setLabelsFormat("@value%")
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
        chart.addSeries(series)
        y = QBarCategoryAxis()
        y.append(categories or ["(no finished sessions)"])
        self._axis_font(y)
        x = QValueAxis()
        x.setRange(0, 120)         # room beside a 100% bar for its "100%"
        x.setTickCount(13)
        x.setLabelFormat("%d")
        self._axis_font(x, "Missed or contravened (% of sessions); \u2605 = critical")
        _attach_axes(chart, series, bottom=x, left=y)
        self.miss_view.setChart(chart)
        nothing_missed = not any(m.missed for m in summary.miss_rates)
        self.no_misses.setText(no_miss_text(summary.sessions) if nothing_missed else "")
        self.no_misses.setVisible(nothing_missed)
        self.miss_view.setVisible(not nothing_missed)
        self.export_miss_png.setEnabled(not nothing_missed)
        self.miss_view.setMinimumHeight(int(max(self.points * 36, 60 + len(top) * self.points * 3.2)))
        # a label Qt Charts shortens is read whole by pointing at its bar
        self.miss_titles = titles
        bars.hovered.connect(self._bar_hovered)
        # Score distribution.
        chart = QChart()
        self._fonts(chart, "Score distribution (sessions per 10% band)")
        bars = QBarSet("Sessions")
        bars.setColor(accent)
        bars.setLabelColor(label)
        for count in summary.histogram:
            bars.append(count)
        series = QBarSeries()
        series.append(bars)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
        chart.addSeries(series)
        xa = QBarCategoryAxis()
        xa.append([label.split("\u2013")[0] for label in HISTOGRAM_LABELS])
        self._axis_font(xa, "Score band, from (%): 0 = 0\u201310%, 90 = 90\u2013100%")
        ya = QValueAxis()
        top_count = max(1, max(summary.histogram or [0])) + 1
        ya.setRange(0, top_count)
        if top_count <= 10:
            ya.setTickCount(top_count + 1)        # one tick per whole session
        else:
            ya.applyNiceNumbers()
        ya.setLabelFormat("%d")
        self._axis_font(ya, "Sessions")
        _attach_axes(chart, series, bottom=xa, left=ya)
        self.histogram_view.setChart(chart)
        # Tables (every number, in words and figures).
        self.miss_table.setRowCount(len(summary.miss_rates))
        for i, m in enumerate(summary.miss_rates):
            for j, value in enumerate((m.title, "Yes" if m.critical else "No", str(m.missed), str(m.assessed),
                                       str(m.not_reached), f"{m.rate * 100:.0f}%")):
                item = QTableWidgetItem(value)
                if j == 0:
                    item.setToolTip(plain_tooltip(f"{m.action_id}: {m.title}"))
                self.miss_table.setItem(i, j, item)
        self.times_table.setRowCount(len(summary.critical_times))
        for i, c in enumerate(summary.critical_times):
            median = format_seconds(c.median_seconds) if c.median_seconds is not None else "never achieved"
            for j, value in enumerate((c.title, median, str(c.achieved), str(c.assessed))):
                self.times_table.setItem(i, j, QTableWidgetItem(value))
        for table in (self.miss_table, self.times_table):
            table.resizeRowsToContents()

    # -- exports ----------------------------------------------------------------------------
    @staticmethod
    def save_png(view: QChartView, path: str | Path) -> bool:
        return bool(view.grab().save(str(path), "PNG"))

    @staticmethod
    def save_csv(table: QTableWidget, path: str | Path) -> None:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([table.horizontalHeaderItem(c).text() for c in range(table.columnCount())])
            for r in range(table.rowCount()):
                writer.writerow([(table.item(r, c).text() if table.item(r, c) else "")
                                 for c in range(table.columnCount())])

    def _ask_png(self, view: QChartView, name: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export chart as PNG", suggested_path(name), "PNG image (*.png)")
        if path:
            self.save_png(view, path)

    def _ask_csv(self, table: QTableWidget, name: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export table as CSV", suggested_path(name), "CSV (*.csv)")
        if path:
            self.save_csv(table, path)


def suggested_path(name: str) -> str:
    """Where a save dialog starts: the home's exports folder (as the debrief PDF), never the
    folder the app happened to be started from (a checkout, a shared drive)."""
    folder = paths.home_dir() / "exports"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return name         # a read-only home: the dialog starts where Qt chooses
    return str(folder / name)


def _attach_axes(chart, series, *, bottom, left) -> None:
    """Put the axes on the chart and tie the series to both."""
    chart.addAxis(bottom, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(left, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(bottom)
    series.attachAxis(left)

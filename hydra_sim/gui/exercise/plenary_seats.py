"""The plenary's "Team and seats" tab for a seated exercise: team actions, the divergence view, and
the whole incident on one timeline.

Shows what ``hydra_sim.exercise.plenary.Plenary`` holds for pods sharing one incident: a table of
the team actions (one row each, one column per syndicate: met, missed or not reached, the reason
in the tooltip and why it matters in the first column's), then for the syndicate chosen, each
decision its seats took (time, seat, scene, choice; \u26a0 where the seat decided without something
its own scene depends on) and, for the decision selected, what that seat knew then beside what the
rest of the team knew (records/team_report.py words it). Holds no rules; plain words, no ids.
Must not import the runner or the session controller.
"""

from __future__ import annotations

import html

import shiboken6
from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...exercise.plenary import Plenary
from ...records.team_report import pictures_html
from ..safe_text import SafeTextBrowser
from ..widgets import WrapLabel

PICTURE_COLUMNS = ("Time", "Seat", "Decision", "Choice", "Lacked")
TIMELINE_COLUMNS = ("Time", "Seat", "What the seat saw, received, asked or decided")
# the same marks as the console's timeline: a scene, an update, a message, a decision
TIMELINE_MARKS = {"scene": "\u25b8 Scene:", "inject": "\u2691 Update:", "message": "\u2709 Message:",
                  "decision": "\u2714 Decided:", "request": "? Asked:", "answer": "\u21a9 Answer:"}


def _read_only(table: QTableWidget) -> None:
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(True)
    table.setTabKeyNavigation(False)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)


def _rows_table(columns: tuple[str, ...], name: str, stretch: tuple[int, ...]) -> QTableWidget:
    """A read-only table of rows: columns fit their contents, those in ``stretch`` share the rest."""
    table = QTableWidget(0, len(columns))
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(list(columns))
    _read_only(table)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    for column in stretch:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    return table


class TeamAndSeats(QWidget):
    """The team actions of every pod, and one pod's seats' pictures at each of its decisions."""

    def __init__(self, data: Plenary, parent: QWidget | None = None):
        super().__init__(parent)
        self.data = data
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        # two pages, each with the tab's whole height (a 1366x768 laptop has no height to share)
        pages = QTabWidget()
        pages.setAccessibleName("Team actions, or each seat's picture")
        self.pages = pages
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(WrapLabel("Team actions: what each pod's seats did together (hover for why, and "
                                       "for what was missing)", role="heading"))
        rows = data.team_actions()
        self.team_table = QTableWidget(len(rows), 1 + len(data.syndicates))
        self.team_table.setAccessibleName("Team actions by syndicate")
        self.team_table.setHorizontalHeaderLabels(["Team action", *data.syndicates])
        _read_only(self.team_table)
        self.team_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for row, action in enumerate(rows):
            item = QTableWidgetItem(f"{action['title']} ({action['seat_title']})")
            item.setToolTip(html.escape(f"Why it matters (JESIP: {action['principle']}): {action['why']}"))
            self.team_table.setItem(row, 0, item)
            for column, name in enumerate(data.syndicates, 1):
                status = action["status"].get(name, "")
                cell = QTableWidgetItem(("\u2714 " if status == "Met" else "\u2716 " if status == "Missed" else "")
                                        + status)
                cell.setToolTip(html.escape(action["explanation"].get(name) or ""))
                self.team_table.setItem(row, column, cell)
        self.team_table.resizeRowsToContents()
        top_layout.addWidget(self.team_table, 1)
        pages.addTab(top, "Team &actions")

        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        choose = QHBoxLayout()
        heading = WrapLabel("What each seat knew when it decided, beside what the rest of its team knew",
                            role="heading")
        choose.addWidget(heading, 1)
        label = QLabel("S&yndicate:")
        self.syndicate_box = QComboBox()
        self.syndicate_box.setAccessibleName("The syndicate whose seats are shown")
        for name in data.syndicates:
            if data.pictures.get(name) is not None:
                diverged = len(data.divergences(name))
                self.syndicate_box.addItem(f"{name} ({diverged} decision{'s' if diverged != 1 else ''} "
                                           "without what it needed)", name)
        label.setBuddy(self.syndicate_box)
        choose.addWidget(label)
        choose.addWidget(self.syndicate_box)
        bottom_layout.addLayout(choose)
        inner = QSplitter(Qt.Orientation.Horizontal)
        self.pictures_table = _rows_table(PICTURE_COLUMNS, "Each decision of the syndicate's seats", (2, 3))
        inner.addWidget(self.pictures_table)
        self.picture_detail = SafeTextBrowser()
        self.picture_detail.setAccessibleName("What the seat knew at the selected decision")
        inner.addWidget(self.picture_detail)
        inner.setSizes([560, 440])
        bottom_layout.addWidget(inner, 1)
        pages.addTab(bottom, "Where the seats' pi&ctures diverged")
        pages.addTab(self._build_timeline(data), "The &whole incident")
        layout.addWidget(pages, 1)
        self.syndicate_box.currentIndexChanged.connect(self._show_syndicate)
        self.pictures_table.currentCellChanged.connect(self._show_picture)
        # rows are measured at the columns' widths: filled before the page is shown, the stretched
        # columns are narrow and a row came out the table's whole height, so they are measured
        # again once the page is laid out (shown, or resized), and a long choice is capped
        pages.currentChanged.connect(lambda _index: QTimer.singleShot(0, self._fit_rows))
        self._show_syndicate()

    def _build_timeline(self, data: Plenary) -> QWidget:
        """The whole incident of one pod on one timeline: every seat's scenes, the messages and
        updates that reached it, its requests and its decisions, in clock order."""
        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        choose = QHBoxLayout()
        choose.addWidget(WrapLabel("The whole incident, every seat on one timeline", role="heading"), 1)
        label = QLabel("Synd&icate:")
        self.timeline_box = QComboBox()
        self.timeline_box.setAccessibleName("The syndicate whose incident is shown")
        for name in data.syndicates:
            if name in data.timelines:
                self.timeline_box.addItem(name, name)
        label.setBuddy(self.timeline_box)
        choose.addWidget(label)
        choose.addWidget(self.timeline_box)
        page_layout.addLayout(choose)
        self.timeline_table = _rows_table(TIMELINE_COLUMNS, "The whole incident of the syndicate, every seat on "
                                          "one timeline", (2,))
        page_layout.addWidget(self.timeline_table, 1)
        self.timeline_box.currentIndexChanged.connect(self._show_timeline)
        self._show_timeline()
        return page

    @Slot()
    def _show_timeline(self, *_args) -> None:
        rows = self.data.timelines.get(self.timeline_box.currentData()) or []
        self.timeline_table.setRowCount(len(rows))
        for row, item in enumerate(rows):
            what = f"{TIMELINE_MARKS.get(item['kind'], '')} {' '.join(str(item['text']).split())}".strip()
            for column, text in enumerate((item["clock_label"], item["seat_title"], what)):
                cell = QTableWidgetItem(str(text))
                if column == 2:
                    cell.setToolTip(html.escape(str(text)))
                self.timeline_table.setItem(row, column, cell)
        self.timeline_table.resizeRowsToContents()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        QTimer.singleShot(0, self._fit_rows)

    @Slot()
    def _fit_rows(self) -> None:
        """Each row as tall as its words at the columns' present widths, at most four lines (the
        whole choice is in its tooltip and in the detail beside)."""
        table = self.pictures_table
        if not shiboken6.isValid(table) or not table.isVisible():
            return
        table.resizeRowsToContents()
        tallest = table.fontMetrics().lineSpacing() * 4 + 10
        for row in range(table.rowCount()):
            if table.rowHeight(row) > tallest:
                table.setRowHeight(row, tallest)

    def current_pictures(self) -> list[dict]:
        return self.data.pictures.get(self.syndicate_box.currentData()) or []

    @Slot()
    def _show_syndicate(self, *_args) -> None:
        found = self.current_pictures()
        self.pictures_table.setRowCount(len(found))
        for row, p in enumerate(found):
            lacked = len(p.get("needed_missing") or []) + len(p.get("on_the_way") or [])
            values = (p.get("clock_label"), p.get("seat_title") + (" (stand-in)" if p.get("stand_in") else ""),
                      p.get("scene_title"), p.get("choice"), f"\u26a0 {lacked}" if lacked else "")
            for column, text in enumerate(values):
                item = QTableWidgetItem(str(text or ""))
                if column == 3:
                    item.setToolTip(html.escape(str(text or "")))
                self.pictures_table.setItem(row, column, item)
        self.pictures_table.resizeRowsToContents()
        if found:
            first = next((i for i, p in enumerate(found) if p.get("diverged")), 0)
            self.pictures_table.setCurrentCell(first, 0)
        else:
            self.picture_detail.setHtml("<p>No decisions recorded for this syndicate yet.</p>")

    @Slot(int, int, int, int)
    def _show_picture(self, row: int, _column: int, _prev_row: int, _prev_column: int) -> None:
        found = self.current_pictures()
        if 0 <= row < len(found):
            self.pictures_table.scrollToItem(self.pictures_table.item(row, 0),
                                             QAbstractItemView.ScrollHint.PositionAtCenter)
            self.picture_detail.setHtml(pictures_html([found[row]]).replace(
                "<h2>Where the seats' pictures diverged</h2>", "", 1))

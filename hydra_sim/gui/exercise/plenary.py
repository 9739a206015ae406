"""The plenary debrief window: the syndicates side by side at each decision point, and the cohort.

Shows ``hydra_sim.exercise.plenary.plenary(store, session_ids)``: a grid (rows = decision
points, columns = syndicates; each cell the choice, the time and who entered it, the
rationale in the tooltip and in the detail pane below; the decision points are row headers
that wrap, so they are read in full), each syndicate's result (score, grade, outcome,
facilitator interventions received: facilitated sessions are marked), and the cohort
picture of the records issue: the review window's ``CohortDashboard`` (miss rate per NRP
action, score distribution, median time to each critical action; charts to PNG, tables to
CSV) fed with exactly the exercise's sessions through ``exercise_cohort_summary``. A seated exercise adds the "Team and seats" tab
(plenary_seats.py): each pod's team actions and where its seats' pictures diverged. Exports
the report as HTML (``plenary_html``) or PDF (Qt's printer, as report_pdf.py does).
It is the shared screen: ``show_contribution`` puts one of the stations' anonymous contributions
at its top in large text (no name: none is ever received), until cleared.
Holds no rules. Must not import the runner or the session controller.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QRect, QSize, Qt, Slot
from PySide6.QtGui import QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...exercise.plenary import Plenary, _intervention_text, plenary, plenary_html
from ..review.cohort_stats import CohortSummary, cohort_summary, compact_report
from ..review.dashboard import CohortDashboard
from ..safe_text import SafeTextBrowser
from ..columns import blank_section_option
from ..widgets import WrapLabel
from ..window_geometry import place

RESULT_COLUMNS = ("Syndicate", "Score", "Grade", "Outcome", "Critical failures", "Facilitator interventions")



def exercise_cohort_summary(data: Plenary) -> CohortSummary:
    """The review dashboard's input for exactly this exercise's sessions.

    The review window builds its ``CompactReport`` list from a report index of the whole
    store; the plenary already holds each syndicate's full score report, so it compacts
    those (sessions not finished yet have no report and are left out, as in the review)."""
    reports, titles = [], {}
    for record in data.records.values():
        if record.report:
            compact, found = compact_report(record.session_id, record.report)
            reports.append(compact)
            titles.update(found)
    return cohort_summary(reports, titles)


class WrappingHeader(QHeaderView):
    """A vertical header of fixed width whose labels wrap onto as many lines as they need.

    Qt's header draws one elided line; a decision point's title ("04:10: A 999 call from
    Brackenford Services (you: call handler)") must be read in full in a debrief. The row
    height grows to fit (``sectionSizeFromContents``); the current row's label is bold."""

    PAD_X, PAD_Y = 8, 6

    def __init__(self, width: int, parent: QWidget | None = None):
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setFixedWidth(width)
        self.setSectionsClickable(True)           # a click selects the row, as the default header does
        self.setHighlightSections(True)

    def _text(self, logical: int) -> str:
        model = self.model()
        value = model.headerData(logical, self.orientation(), Qt.ItemDataRole.DisplayRole) if model else None
        return "" if value is None else str(value)

    def _font(self, logical: int) -> QFont:
        font = QFont(self.font())
        selection = self.selectionModel()
        if selection is not None and selection.currentIndex().row() == logical:
            font.setBold(True)
        return font

    def _text_rect(self, rect: QRect) -> QRect:
        return rect.adjusted(self.PAD_X, self.PAD_Y, -self.PAD_X, -self.PAD_Y)

    def sectionSizeFromContents(self, logical: int) -> QSize:  # noqa: N802 - Qt override
        bold = QFont(self.font())
        bold.setBold(True)                       # room for the bold (current) form too
        bounds = QFontMetrics(bold).boundingRect(QRect(0, 0, self.width() - 2 * self.PAD_X, 10000),
                                                 int(Qt.TextFlag.TextWordWrap), self._text(logical))
        return QSize(self.width(), bounds.height() + 2 * self.PAD_Y)

    def paintSection(self, painter, rect: QRect, logical: int) -> None:  # noqa: N802 - Qt override
        if not rect.isValid():
            return
        option = blank_section_option(self, rect, logical)
        painter.save()
        self.style().drawControl(QStyle.ControlElement.CE_Header, option, painter, self)   # background, frame
        painter.setFont(self._font(logical))
        painter.setPen(self.palette().color(QPalette.ColorRole.ButtonText))
        painter.drawText(self._text_rect(rect), int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
                                                    | Qt.TextFlag.TextWordWrap), self._text(logical))
        painter.restore()


def cell_text(row, entered_by: str) -> str:
    if row is None:
        return "\u2013 did not reach this decision"
    choice = "\u23f1 time ran out" if row.expired else row.selection_text
    took = "" if row.decision_seconds is None else f", took {row.decision_seconds:.0f} s"
    by = f", by {entered_by}" if entered_by else ""
    return f"{choice}\n{row.clock_label}{took}{by}"


class PlenaryWindow(QWidget):
    """The plenary debrief of one exercise."""

    def __init__(self, data: Plenary, parent: QWidget | None = None):
        super().__init__(parent)
        self.data = data
        self.setWindowTitle(f"Plenary debrief: {data.scenario_title} \u2013 hydra_sim")
        place(self, (1440, 900))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        head = QHBoxLayout()
        title = WrapLabel(f"Plenary debrief: {data.scenario_title}", role="title")
        head.addWidget(title, 1)
        self.html_button = QPushButton("Export &HTML\u2026")
        self.html_button.setAccessibleName("Export the plenary report as an HTML page")
        self.html_button.clicked.connect(self._ask_html)
        self.pdf_button = QPushButton("Export P&DF\u2026")       # Alt+P: the cohort tab's PNG export
        self.pdf_button.setAccessibleName("Export the plenary report as a PDF")
        self.pdf_button.clicked.connect(self._ask_pdf)
        head.addWidget(self.html_button)
        head.addWidget(self.pdf_button)
        outer.addLayout(head)
        # a contribution the facilitator shows, read from the back of the room (hidden when none)
        self.contribution = WrapLabel("")
        self.contribution.setAccessibleName("A contribution from the room, anonymous")
        self.contribution.setTextFormat(Qt.TextFormat.PlainText)       # a trainee's words, never markup
        self.contribution.setStyleSheet("font-size: 30pt; font-weight: 700; padding: 18px 24px; "
                                        "border: 3px solid palette(highlight); border-radius: 8px;")
        self.contribution.hide()
        outer.addWidget(self.contribution)

        outer.addWidget(WrapLabel("Results", role="heading"))
        columns = RESULT_COLUMNS + (("Team actions",) if data.seated else ())     # pods: the team's result too
        self.results = QTableWidget(len(data.results), len(columns))
        self.results.setAccessibleName("Each syndicate's result")
        self.results.setHorizontalHeaderLabels(list(columns))
        self.results.verticalHeader().setVisible(False)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setTabKeyNavigation(False)
        self.results.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # the interventions take the room left and are shortened (whole in the tooltip): a facilitated
        # pod's list is long, and a side scroll bar would hide the row on a 1366x768 laptop
        self.results.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.results.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for row, r in enumerate(data.results):
            interventions = "; ".join(_intervention_text(i, data.scenario) for i in r.interventions) or "none"
            if r.facilitated:
                interventions = f"\u2691 facilitated \u2013 {interventions}"
            values = (r.syndicate, "" if r.percent is None else f"{r.percent:.0f}%", r.grade or "",
                      (r.outcome or r.status or "").replace("_", " "),
                      f"{len(r.critical_failures)} (hover for the list)" if r.critical_failures else "none",
                      interventions) + ((r.team.removeprefix("Team: ") or "not finished",) if data.seated else ())
            for column, text in enumerate(values):
                item = QTableWidgetItem(str(text))
                if column == 4 and r.critical_failures:
                    item.setToolTip(html.escape("\n".join(r.critical_failures)))
                elif column == 5:
                    item.setToolTip(html.escape(str(text)))
                self.results.setItem(row, column, item)
        self.results.setMaximumHeight(self.results.verticalHeader().defaultSectionSize() * (len(data.results) + 1)
                                      + 40)
        if data.seated:     # the Team and seats tab is tall: the results keep room for up to four rows
            rows = sum(self.results.rowHeight(r) for r in range(min(4, self.results.rowCount())))
            self.results.setMinimumHeight(self.results.horizontalHeader().sizeHint().height() + rows
                                          + 2 * self.results.frameWidth() + 2)
        outer.addWidget(self.results)
        self.cohort_label = WrapLabel(self._cohort_text(), role="muted")
        self.cohort_label.setAccessibleName("The cohort picture")
        outer.addWidget(self.cohort_label)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Side by side, or the cohort picture")
        outer.addWidget(self.tabs, 1)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 8, 0, 0)
        side_layout.addWidget(WrapLabel("Decision points, side by side (select a cell for the rationale)", role="heading"))
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.grid = QTableWidget(len(data.points), len(data.syndicates))
        self.grid.setAccessibleName("Decision points by syndicate")
        self.grid.setAccessibleDescription("One row per decision point, one column per syndicate; arrow keys move "
                                           "between cells and the selected cell is shown in full below")
        self.grid.setVerticalHeader(WrappingHeader(self._header_width(), self.grid))
        self.grid.setHorizontalHeaderLabels(list(data.syndicates))
        self.grid.setVerticalHeaderLabels([p.scene_title for p in data.points])
        for row, point in enumerate(data.points):
            self.grid.verticalHeaderItem(row).setToolTip(html.escape(f"{point.scene_title}\n{point.prompt}"))
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setWordWrap(True)
        self.grid.setTabKeyNavigation(False)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for row, point in enumerate(data.points):
            for column, name in enumerate(data.syndicates):
                entry = point.entries.get(name)
                item = QTableWidgetItem(cell_text(entry, point.entered_by.get(name, "")))
                if entry is not None and entry.rationale_text:
                    item.setToolTip(html.escape(f"Why: {entry.rationale_text}"))
                self.grid.setItem(row, column, item)
        self.grid.resizeRowsToContents()
        self.grid.currentCellChanged.connect(self._show_cell)
        self.grid.currentCellChanged.connect(lambda *_: self.grid.verticalHeader().viewport().update())
        splitter.addWidget(self.grid)
        self.detail = SafeTextBrowser()
        self.detail.setAccessibleName("The selected decision in full")
        self.detail.setHtml("<p>Select a cell to read the syndicate's choice and rationale in full.</p>")
        splitter.addWidget(self.detail)
        splitter.setSizes([520, 160])
        side_layout.addWidget(splitter, 1)
        self.tabs.addTab(side, "Side &by side")

        # The cohort picture of the records issue: the review window's dashboard, these sessions only.
        self.dashboard = CohortDashboard(points=max(8.0, self.font().pointSizeF()))
        self.dashboard.setAccessibleName("The cohort picture of this exercise")
        self.cohort_summary = exercise_cohort_summary(data)
        description = f"syndicates {', '.join(data.syndicates)}"
        if self.cohort_summary.sessions < len(data.results):     # a debrief opened before every syndicate ended
            description += (f" ({len(data.results) - self.cohort_summary.sessions} not finished yet, "
                            "so not in the charts)")
        self.dashboard.show_summary(self.cohort_summary, description, scope="of this exercise")
        self.tabs.addTab(self.dashboard, "C&ohort picture")
        self.team_and_seats = None
        if data.seated:             # pods sharing one incident: team actions and the divergence view
            from .plenary_seats import TeamAndSeats
            self.team_and_seats = TeamAndSeats(data)
            self.tabs.addTab(self.team_and_seats, "&Team and seats")
        if data.points and data.syndicates:
            self.grid.setCurrentCell(0, 0)

    def _header_width(self) -> int:
        """About 36 characters: most titles fit on two lines; the window keeps room for the syndicates."""
        return max(220, min(420, self.fontMetrics().averageCharWidth() * 36))

    @classmethod
    def from_store_path(cls, store_path: str | Path, session_ids: dict[str, str]) -> PlenaryWindow:
        """Read the facilitator's store (a connection of its own, closed once read)."""
        from ...records.store import SessionStore
        with SessionStore(Path(store_path)) as store:
            data = plenary(store, session_ids)
        return cls(data)

    def show_contribution(self, text: str | None) -> None:
        """Show an anonymous contribution large at the top, in quotes (None: take it off)."""
        self.contribution.setText(f"\u201c{text}\u201d" if text else "")
        self.contribution.setVisible(bool(text))

    def _cohort_text(self) -> str:
        c = self.data.cohort
        grades = ", ".join(f"{k} {v}" for k, v in sorted(c.grades.items())) or "none yet"
        outcomes = ", ".join(f"{k} {v}" for k, v in sorted(c.outcomes.items())) or "none yet"
        missed = [a["title"] for a in c.actions if a.get("miss_rate", 0) > 0][:5]
        text = f"Cohort: {c.finished} of {c.sessions} sessions finished. Grades: {grades}. Outcomes: {outcomes}."
        if missed:
            text += " Most missed: " + "; ".join(missed) + "."
        return text

    @Slot(int, int, int, int)
    def _show_cell(self, row: int, column: int, _prev_row: int, _prev_column: int) -> None:
        if row < 0 or column < 0:
            return
        point = self.data.points[row]
        name = self.data.syndicates[column]
        entry = point.entries.get(name)
        e = html.escape
        parts = [f"<h3>{e(name)} \u2013 {e(point.scene_title)}</h3>", f"<p><i>{e(point.prompt)}</i></p>"]
        if entry is None:
            parts.append("<p>Did not reach this decision.</p>")
        else:
            choice = "Time ran out" if entry.expired else entry.selection_text
            took = "" if entry.decision_seconds is None else f" (took {entry.decision_seconds:.0f} s)"
            parts += [f"<p><b>Choice:</b> {e(choice)}</p>",
                      f"<p><b>Why:</b> {e(entry.rationale_text or 'no rationale given')}</p>",
                      f"<p><b>Entered by:</b> {e(point.entered_by.get(name) or 'not recorded')} at "
                      f"{e(entry.clock_label)}{e(took)}; {e(f'{entry.points:g}')} points</p>"]
        self.detail.setHtml("".join(parts))

    # -- export -------------------------------------------------------------------------------------
    def html(self) -> str:
        return plenary_html(self.data)

    def export_html(self, path: str | Path) -> Path:
        from ...records.filemodes import restrict
        path = Path(path)
        path.write_text(self.html(), encoding="utf-8")
        restrict(path)           # names of members and their decisions: personal data
        return path

    def export_pdf(self, path: str | Path) -> Path:
        from ..report_pdf import html_to_pdf
        return html_to_pdf(self.html(), path, title=f"Plenary debrief: {self.data.scenario_title}")

    @Slot()
    def _ask_html(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the plenary report", "plenary.html", "HTML (*.html)")
        if path:
            self.export_html(path)

    @Slot()
    def _ask_pdf(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the plenary report", "plenary.pdf", "PDF (*.pdf)")
        if path:
            self.export_pdf(path)

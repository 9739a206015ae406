"""The plenary debrief window: the syndicates side by side at each decision point, and the cohort.

Shows ``hydra_sim.exercise.plenary.plenary(store, session_ids)``: a grid (rows = decision
points, columns = syndicates; each cell the choice, the time and who entered it, the
rationale in the tooltip and in the detail pane below), each syndicate's result (score,
grade, outcome, facilitator interventions received: facilitated sessions are marked), the
cohort numbers, and exports the report as HTML (``plenary_html``) or PDF (Qt's printer,
as report_pdf.py does). Holds no rules. Must not import the runner or the session controller.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...exercise.plenary import Plenary, _intervention_text, plenary, plenary_html
from ..safe_text import SafeTextBrowser

RESULT_COLUMNS = ("Syndicate", "Score", "Grade", "Outcome", "Critical failures", "Facilitator interventions")


def _label(text: str, role: str | None = None) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if role:
        label.setProperty("role", role)
    return label


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
        self.resize(1440, 900)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        head = QHBoxLayout()
        title = _label(f"Plenary debrief: {data.scenario_title}", "title")
        head.addWidget(title, 1)
        self.html_button = QPushButton("Export &HTML\u2026")
        self.html_button.setAccessibleName("Export the plenary report as an HTML page")
        self.html_button.clicked.connect(self._ask_html)
        self.pdf_button = QPushButton("Export &PDF\u2026")
        self.pdf_button.setAccessibleName("Export the plenary report as a PDF")
        self.pdf_button.clicked.connect(self._ask_pdf)
        head.addWidget(self.html_button)
        head.addWidget(self.pdf_button)
        outer.addLayout(head)

        outer.addWidget(_label("Results", "heading"))
        self.results = QTableWidget(len(data.results), len(RESULT_COLUMNS))
        self.results.setAccessibleName("Each syndicate's result")
        self.results.setHorizontalHeaderLabels(list(RESULT_COLUMNS))
        self.results.verticalHeader().setVisible(False)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setTabKeyNavigation(False)
        self.results.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.results.horizontalHeader().setStretchLastSection(True)
        for row, r in enumerate(data.results):
            interventions = "; ".join(_intervention_text(i) for i in r.interventions) or "none"
            if r.facilitated:
                interventions = f"\u2691 facilitated \u2013 {interventions}"
            values = (r.syndicate, "" if r.percent is None else f"{r.percent:.0f}%", r.grade or "",
                      (r.outcome or r.status or "").replace("_", " "),
                      f"{len(r.critical_failures)} (hover for the list)" if r.critical_failures else "none",
                      interventions)
            for column, text in enumerate(values):
                item = QTableWidgetItem(str(text))
                if column == 4 and r.critical_failures:
                    item.setToolTip(html.escape("\n".join(r.critical_failures)))
                elif column == 5:
                    item.setToolTip(html.escape(str(text)))
                self.results.setItem(row, column, item)
        self.results.setMaximumHeight(self.results.verticalHeader().defaultSectionSize() * (len(data.results) + 1)
                                      + 40)
        outer.addWidget(self.results)
        self.cohort_label = _label(self._cohort_text(), "muted")
        self.cohort_label.setAccessibleName("The cohort picture")
        outer.addWidget(self.cohort_label)

        outer.addWidget(_label("Decision points, side by side (select a cell for the rationale)", "heading"))
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.grid = QTableWidget(len(data.points), len(data.syndicates))
        self.grid.setAccessibleName("Decision points by syndicate")
        self.grid.setHorizontalHeaderLabels(list(data.syndicates))
        self.grid.setVerticalHeaderLabels([p.scene_title for p in data.points])
        for row, point in enumerate(data.points):
            self.grid.verticalHeaderItem(row).setToolTip(html.escape(f"{point.scene_title}\n{point.prompt}"))
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setWordWrap(True)
        self.grid.setTabKeyNavigation(False)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.verticalHeader().setMaximumWidth(320)
        for row, point in enumerate(data.points):
            for column, name in enumerate(data.syndicates):
                entry = point.entries.get(name)
                item = QTableWidgetItem(cell_text(entry, point.entered_by.get(name, "")))
                if entry is not None and entry.rationale_text:
                    item.setToolTip(html.escape(f"Why: {entry.rationale_text}"))
                self.grid.setItem(row, column, item)
        self.grid.resizeRowsToContents()
        self.grid.currentCellChanged.connect(self._show_cell)
        splitter.addWidget(self.grid)
        self.detail = SafeTextBrowser()
        self.detail.setAccessibleName("The selected decision in full")
        self.detail.setHtml("<p>Select a cell to read the syndicate's choice and rationale in full.</p>")
        splitter.addWidget(self.detail)
        splitter.setSizes([520, 160])
        outer.addWidget(splitter, 1)
        if data.points and data.syndicates:
            self.grid.setCurrentCell(0, 0)

    @classmethod
    def from_store_path(cls, store_path: str | Path, session_ids: dict[str, str]) -> PlenaryWindow:
        """Read the facilitator's store (a connection of its own, closed once read)."""
        from ...records.store import SessionStore
        with SessionStore(Path(store_path)) as store:
            data = plenary(store, session_ids)
        return cls(data)

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

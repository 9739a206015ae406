"""The debrief: ending, grade, category scores, every assessed action, and the trainee's
path beside the full-marks path, with PDF export.

The full-marks path comes from ``explore(scenario)``, run on a worker thread (it only reads
the scenario) while a busy bar shows; the result comes back to the GUI thread by a queued
signal. Must not import the store or the controller; reads the finished runner only.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QEvent, QThread, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from .. import paths
from ..engine import explore
from ..engine.scoring import STATUS_LABELS
from .debrief_export import (actions_html, conditions_html, debrief_html, ending_html, path_html,
                             provisional_html, score_words, summary_html, write_pdf)
from . import theme
from .safe_text import SafeTextBrowser, plain_label
from .theme import STATUS_SYMBOLS

log = logging.getLogger(__name__)
OUTCOME_LABELS = {"good": "Good outcome", "partial": "Partly good outcome", "harm": "Harm was done",
                  "investigation_lost": "The investigation was lost",
                  "safeguarding_failure": "A safeguarding failure"}


class BestPathWorker(QThread):
    """Runs the explorer off the GUI thread; emits the full-marks path (or [] if none)."""
    found = Signal(object)

    def __init__(self, scenario, parent=None, conditions: dict | None = None):
        super().__init__(parent)
        self.scenario = scenario
        self.conditions = conditions        # the best path under the conditions this trainee met

    def run(self) -> None:
        try:
            steps = explore(self.scenario, conditions=self.conditions).full_marks_path or []
        except Exception:   # the debrief must still show; the log has the details
            log.exception("could not work out the best path")
            steps = []
        self.found.emit(steps)


class DebriefScreen(QWidget):
    new_session_requested = Signal()
    pdf_written = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, open_exports: bool = True, high_contrast=None):
        super().__init__(parent)
        self.open_exports = open_exports
        self.high_contrast = high_contrast or theme.is_high_contrast
        self.scenario = self.report = self.runner = self.trainee = None
        self.best_steps: list[dict] | None = None
        self.worker: BestPathWorker | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(32, 20, 32, 20)
        outer.setSpacing(12)
        header = QFrame()
        header.setProperty("role", "card")
        head = QHBoxLayout(header)
        head.setContentsMargins(24, 16, 24, 16)
        left = QVBoxLayout()
        self.ending_label = plain_label()
        self.ending_label.setProperty("role", "title")
        self.ending_label.setWordWrap(True)
        self.outcome_label = QLabel()
        self.outcome_label.setProperty("role", "muted")
        self.outcome_label.setWordWrap(True)
        self.critical_label = QLabel()
        self.critical_label.setWordWrap(True)
        self.critical_label.setProperty("role", "error")
        left.addWidget(self.ending_label)
        left.addWidget(self.outcome_label)
        left.addWidget(self.critical_label)
        left.addStretch(1)
        head.addLayout(left, 3)
        right = QVBoxLayout()
        self.grade_label = QLabel()
        self.grade_label.setProperty("role", "title")
        self.grade_label.setAccessibleName("Result")
        self.percent_label = QLabel()
        self.percent_label.setProperty("role", "heading")
        self.provisional_label = QLabel()
        self.provisional_label.setWordWrap(True)
        self.provisional_label.setProperty("role", "muted")
        self.provisional_label.setAccessibleName("The result is provisional")
        right.addWidget(self.grade_label)
        right.addWidget(self.percent_label)
        right.addWidget(self.provisional_label)
        self.categories = QVBoxLayout()
        self.categories.setSpacing(4)
        right.addLayout(self.categories)
        head.addLayout(right, 2)
        outer.addWidget(header)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Debrief details")
        self.actions_view = SafeTextBrowser()
        self.actions_view.setOpenLinks(False)
        self.actions_view.setAccessibleName("Every assessed action with its result")
        self.tabs.addTab(self.actions_view, "Assessed actions")
        path_tab = QWidget()
        path_layout = QVBoxLayout(path_tab)
        path_layout.setContentsMargins(8, 8, 8, 8)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setAccessibleName("Working out the best path")
        self.busy_label = QLabel("Working out the full-marks path\u2026")
        self.busy_label.setProperty("role", "muted")
        path_layout.addWidget(self.busy_label)
        path_layout.addWidget(self.busy)
        self.path_view = SafeTextBrowser()
        self.path_view.setOpenLinks(False)
        self.path_view.setAccessibleName("Your path beside the full-marks path")
        path_layout.addWidget(self.path_view, 1)
        self.tabs.addTab(path_tab, "Your path and the best path")
        outer.addWidget(self.tabs, 1)

        buttons = QHBoxLayout()
        self.export_status = QLabel("")
        self.export_status.setProperty("role", "muted")
        self.export_status.setWordWrap(True)
        buttons.addWidget(self.export_status, 1)
        self.export_button = QPushButton("Export as PDF")
        self.export_button.setAccessibleName("Export the debrief as a PDF file and open it")
        self.export_button.clicked.connect(lambda: self.export_pdf())
        self.new_button = QPushButton("Back to the start screen")
        self.new_button.setProperty("role", "primary")
        self.new_button.setAccessibleName("Back to the start screen")
        self.new_button.clicked.connect(self.new_session_requested)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.new_button)
        outer.addLayout(buttons)

    # -- showing ---------------------------------------------------------------------------
    def show_report(self, scenario, report, runner, trainee=None) -> None:
        self.scenario, self.report, self.runner, self.trainee = scenario, report, runner, trainee
        self.best_steps = None
        ending = scenario.endings.get(report.ending_id) if report.ending_id else None
        self.ending_label.setText(ending.title if ending else "Session ended")
        outcome = OUTCOME_LABELS.get(report.outcome or "", report.outcome or "")
        judgement = f" {report.outcome_judgement}" if report.outcome_judgement else ""
        self.outcome_label.setText((f"Outcome: {outcome}." if outcome else "") + judgement)
        self.grade_label.setText(f"Result: {report.grade_label}")
        provisional = getattr(report, "provisional", False)
        self.percent_label.setText(f"{'Provisional score' if provisional else 'Score'}: {score_words(report)}")
        self.percent_label.setWordWrap(True)
        self.provisional_label.setText("\u25cc Provisional until an assessor marks your rationale; the result may "
                                       "change." if provisional else "")
        self.provisional_label.setVisible(provisional)
        if report.critical_failures:
            self.critical_label.setText(f"\u26a0 {len(report.critical_failures)} critical action"
                                        f"{'s' if len(report.critical_failures) != 1 else ''} missed, "
                                        "contravened or cut off: they decide the result. See the list below.")
        else:
            self.critical_label.setText("")
        self.critical_label.setVisible(bool(report.critical_failures))
        while self.categories.count():
            item = self.categories.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for category in report.categories:
            row = QLabel(f"{category.label}: {category.percent:.0f}%")
            row.setAccessibleName(f"{category.label}: {category.percent:.0f} percent")
            self.categories.addWidget(row)
        counts = {}
        for action in report.actions:
            counts[action.status] = counts.get(action.status, 0) + 1
        self._summary = " \u00b7 ".join(f"{STATUS_SYMBOLS[s]} {STATUS_LABELS[s]}: {counts[s]}"
                                        for s in STATUS_LABELS if counts.get(s))
        self._render_actions()
        self._render_path()
        self.busy.setVisible(True)
        self.busy_label.setVisible(True)
        self.export_status.setText("")
        self.tabs.setCurrentIndex(0)
        self.new_button.setFocus()
        self._start_worker(scenario, getattr(runner, "conditions", None))

    def _render_actions(self) -> None:
        """The actions, their status words coloured for the theme shown now (rich text keeps its colours)."""
        scenario, report = self.scenario, self.report
        self._rendered_contrast = self.high_contrast()
        self.actions_view.setHtml(f"<p><b>{self._summary}</b></p>" + provisional_html(scenario, report)
                                  + conditions_html(scenario, self.runner) + ending_html(scenario, report)
                                  + actions_html(scenario, report, self._rendered_contrast))

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        # switching high contrast while the debrief is shown: the light theme's green on black
        # would measure 4:1, so the status words are coloured again for the new theme
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.PaletteChange) and self.report is not None \
                and getattr(self, "_rendered_contrast", None) != self.high_contrast():
            self._render_actions()

    def _start_worker(self, scenario, conditions=None) -> None:
        self.stop_worker()
        self.worker = BestPathWorker(scenario, self, conditions)
        self.worker.found.connect(self._on_best_path)
        self.worker.start()

    def stop_worker(self) -> None:
        if self.worker is not None:
            self.worker.wait()
            self.worker = None

    @Slot(object)
    def _on_best_path(self, steps) -> None:
        if self.worker is not None and self.worker is not self.sender():
            return
        self.best_steps = list(steps)
        self.busy.setVisible(False)
        self.busy_label.setVisible(False)
        self._render_path()

    def _render_path(self) -> None:
        self.path_view.setHtml(path_html(self.scenario, self.runner, self.best_steps))

    def summary_text(self) -> str:
        return self.actions_view.toPlainText()

    # -- export ---------------------------------------------------------------------------------
    def default_pdf_path(self) -> Path:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        return paths.home_dir() / "exports" / f"debrief-{self.scenario.id}-{stamp}.pdf"

    def export_pdf(self, path: Path | None = None) -> Path | None:
        target = Path(path) if path else self.default_pdf_path()
        html_text = debrief_html(self.scenario, self.report, self.runner, self.best_steps, self.trainee)
        try:
            write_pdf(html_text, target, f"Debrief: {self.scenario.title}")
        except OSError as exc:
            self.export_status.setText(f"\u26a0 Could not write the PDF: {exc}")
            log.error("could not write %s: %s", target, exc)
            return None
        log.info("debrief PDF written to %s", target)
        if self.trainee is not None:            # erasure and access requests find it (records/export_register.py)
            from ..records import export_register
            export_register.note(target, "debrief PDF", [self.trainee.trainee_id])
        self.export_status.setText(f"Saved to {target}")
        self.pdf_written.emit(str(target))
        if self.open_exports:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))
        return target


__all__ = ["DebriefScreen", "BestPathWorker", "summary_html"]

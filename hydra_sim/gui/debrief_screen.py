"""The debrief: ending, grade, category scores, every assessed action, and the trainee's
path beside the full-marks path, with PDF export. A seated scenario with team actions adds a
"Team" tab: what the seats did together, scored from the shared record, and why each matters.

The best path comes from ``BestPathService`` (gui/best_path_service.py), which worked it out
off the GUI thread when the scenario was opened, within a time budget: the debrief shows at
once. If it is still being worked out (a session resumed straight into its last scene), the
tab says so and fills in when the answer arrives; if no exact answer exists, it says so
plainly beside the best path found. Must not import the store or the controller; reads the
finished runner only.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QEvent, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from .. import paths
from ..engine.scoring import STATUS_LABELS
from .best_path_service import BestPathService
from . import theme
from .debrief_export import (actions_html, conditions_html, debrief_html, ending_html, footer_text, live_changes_html,
                             path_html, provisional_html, score_words, summary_html, team_debrief_html, write_pdf)
from .safe_text import SafeTextBrowser, plain_label
from .theme import STATUS_SYMBOLS

log = logging.getLogger(__name__)
OUTCOME_LABELS = {"good": "Good outcome", "partial": "Partly good outcome", "harm": "Harm was done",
                  "investigation_lost": "The investigation was lost",
                  "safeguarding_failure": "A safeguarding failure"}


class DebriefScreen(QWidget):
    new_session_requested = Signal()
    pdf_written = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, open_exports: bool = True, high_contrast=None,
                 best_paths: BestPathService | None = None):
        super().__init__(parent)
        self.open_exports = open_exports
        self.high_contrast = high_contrast or theme.is_high_contrast     # the theme applied now
        self.best_paths = best_paths if best_paths is not None else BestPathService(self)
        self.best_paths.ready.connect(self._on_best_path)
        self.scenario = self.report = self.runner = self.trainee = self.conditions = None
        self.session = None          # the stored session's summary (its times), for the PDF's record
        self.best_steps: list[dict] | None = None      # None while it is still being worked out
        self.best_path = None                          # the engine's BestPath, once known
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
        self.path_view = SafeTextBrowser()
        self.path_view.setOpenLinks(False)
        self.path_view.setAccessibleName("Your path beside the full-marks path")
        path_layout.addWidget(self.path_view, 1)
        self.tabs.addTab(path_tab, "Your path and the best path")
        # A seated scenario's team actions (scored from the shared record): a tab shown only then
        self.team_view = SafeTextBrowser()
        self.team_view.setOpenLinks(False)
        self.team_view.setAccessibleName("What the seats did together: the team actions")
        self.team_tab = self.tabs.addTab(self.team_view, "Team")
        self.tabs.setTabVisible(self.team_tab, False)
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
    def show_report(self, scenario, report, runner, trainee=None, session=None) -> None:
        """``session``: the store's SessionSummary of this session (when it was played), if it could be read."""
        self.scenario, self.report, self.runner, self.trainee = scenario, report, runner, trainee
        self.session = session
        self.best_steps = None
        ending = scenario.endings.get(report.ending_id) if report.ending_id else None
        self.ending_label.setText(ending.title if ending else "Session ended")
        outcome = OUTCOME_LABELS.get(report.outcome or "", report.outcome or "")
        judgement = f" {report.outcome_judgement}" if report.outcome_judgement else ""
        self.outcome_label.setText((f"Outcome: {outcome}." if outcome else "") + judgement)
        self.grade_label.setText(f"Result: {report.grade_label}")
        provisional = getattr(report, "provisional", False)
        changed = " \u2691 The facilitator changed the incident live: see below." \
            if getattr(report, "live_changes_text", None) else ""
        self.percent_label.setText(f"{'Provisional score' if provisional else 'Score'}: {score_words(report)}{changed}")
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
        # the best path under the run conditions this trainee met (worked out when the session began)
        self.conditions = getattr(runner, "conditions", None)
        self.best_path = self.best_paths.result(scenario, self.conditions)
        if self.best_path is None:
            self.best_paths.prepare(scenario, self.conditions)     # not asked for yet (normally it was)
        self.best_steps = None if self.best_path is None else list(self.best_path.steps)
        self._render_path()
        self.export_status.setText("")
        self.tabs.setCurrentIndex(0)
        self.new_button.setFocus()

    def _render_actions(self) -> None:
        """The actions, their status words coloured for the theme shown now (rich text keeps its colours)."""
        scenario, report = self.scenario, self.report
        self._rendered_contrast = self.high_contrast()
        self.actions_view.setHtml(f"<p><b>{self._summary}</b></p>" + live_changes_html(report)
                                  + provisional_html(scenario, report)
                                  + conditions_html(scenario, self.runner) + ending_html(scenario, report)
                                  + actions_html(scenario, report, self._rendered_contrast))
        team = team_debrief_html(report, self._rendered_contrast)
        self.team_view.setHtml(team)
        self.tabs.setTabVisible(self.team_tab, bool(team))

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        # switching high contrast while the debrief is shown: the light theme's green on black
        # would measure 4:1, so the status words are coloured again for the new theme
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.PaletteChange) and self.report is not None \
                and getattr(self, "_rendered_contrast", None) != self.high_contrast():
            self._render_actions()

    def stop_worker(self) -> None:
        """Nothing to stop here: the search belongs to the BestPathService, which outlives the
        debrief (the app stops it when it closes). Kept for callers that tidy up."""

    @Slot(str, object)
    def _on_best_path(self, key: str, best) -> None:
        if self.scenario is None or self.best_path is not None or \
                key != self.best_paths.key(self.scenario, self.conditions):
            return
        self.best_path = best
        self.best_steps = list(best.steps)
        self._render_path()

    def _render_path(self) -> None:
        self.path_view.setHtml(path_html(self.scenario, self.runner, self.best_steps, self.best_path))

    def summary_text(self) -> str:
        return self.actions_view.toPlainText()

    # -- export ---------------------------------------------------------------------------------
    def default_pdf_path(self) -> Path:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        return paths.home_dir() / "exports" / f"debrief-{self.scenario.id}-{stamp}.pdf"

    def export_pdf(self, path: Path | None = None) -> Path | None:
        target = Path(path) if path else self.default_pdf_path()
        html_text = debrief_html(self.scenario, self.report, self.runner, self.best_steps, self.trainee,
                                 best=self.best_path, session=self.session)
        try:
            write_pdf(html_text, target, f"Debrief: {self.scenario.title}",
                      footer_text(self.scenario, self.trainee, self.session))
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


__all__ = ["DebriefScreen", "summary_html"]

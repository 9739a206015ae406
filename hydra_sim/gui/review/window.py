"""The trainer review window: sessions table with filters, session detail, compare, cohort dashboard.

The table lists every session from one narrow query (``cohort_stats.RowReader``): the first
screenful before the window is shown, the rest in batches between events after it (the model
reads them all at once when a sort, a filter or the dashboard needs them); details (events, report, notes) load only for the selected session; cohort statistics
are counted in SQL from the store's outcome tables (``cohort_counts``; a store from before them
has its finished sessions summarised once, on a worker thread, with the progress shown; a store
this window cannot write has its reports counted in memory, once per window). Integrity (the
store's hash-chain ``verify``) runs on a worker thread with its own store connection and fills the Integrity column when done.
Annotations and grade overrides go through the store's own methods; the original events
and score report are never changed. The window belongs to one trainer login (``trainer``,
gui/trainer_login.py): every note, override and marking is recorded under that account's
name; the entry points (File > Trainer review, ``hydra-sim review``) ask for the passphrase.
"""

from __future__ import annotations

import html
import logging
import sqlite3
import threading
from pathlib import Path

from PySide6.QtCore import QDate, QItemSelectionModel, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...records.errors import StoreError
from .. import theme
from ..columns import WrappingCellDelegate, WrappingColumnHeader, fit_columns, tip_cells
from ..safe_text import SafeTextBrowser, plain_tooltip
from ..date_edit import TabLeavingDateEdit
from ..widgets import FitScrollArea, FlowLayout, give_viewport
from ..window_geometry import place
from .cohort_stats import (
    STATUS_WORDS,
    CohortSummary,
    Labels,
    RowFilter,
    SessionRow,
    cohort_summary,
    compare_actions,
    compare_decisions,
    decision_details,
    format_duration,
    format_seconds,
    RowReader,
    humanise,
    timeline,
    timeline_line,
)
from .dashboard import CohortDashboard
from .dialogs import AnnotationDialog, OverrideDialog
from .marking import MarkingDialog
from . import cohort_counts
from .models import (
    FIRST_ROWS,
    COL_ENDING,
    COL_FORCE,
    COL_NAME,
    COL_ROLE,
    COL_SCENARIO,
    SessionFilterProxy,
    SessionTableModel,
)

log = logging.getLogger(__name__)
NOT_AVAILABLE = "not available in this store version"
COMPARE_HOW = ("To compare two sessions, choose them in the sessions table above (click one, then Ctrl+click "
               "the other; by keyboard, Shift+Up or Shift+Down from one to the next) and press \u201cCompare the two selected\u201d (Ctrl+M). Their decisions and NRP "
               "actions then appear here side by side.")



class SessionTable(QTableView):
    """The sessions list. Arriving by Tab with nothing selected selects the current (or first)
    row: Qt only makes a cell current, and with one session Down had nowhere to go, so a
    keyboard user could not select it (found by tools/keyboard-walkthrough)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        give_viewport(self)      # the first widget the window hands Python (see widgets.give_viewport)

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().focusInEvent(event)
        keyboard = (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason, Qt.FocusReason.ShortcutFocusReason)
        model, chosen = self.model(), self.selectionModel()
        if event.reason() in keyboard and model is not None and model.rowCount() and not chosen.hasSelection():
            current = self.currentIndex()
            self.selectRow(current.row() if current.isValid() else 0)

class _Relay(QObject):
    verified = Signal(object)       # set of session ids with issues, or an Exception
    summarising = Signal(int, int)  # the outcome backfill's progress: done, of total
    summarised = Signal(object)     # None when written; (reports, titles) counted in memory; or an Exception


class ReviewWindow(QMainWindow):
    def __init__(self, store, parent=None, *, points: float = 11.0, verify_in_background: bool = True,
                 author: str = "", trainer=None):
        super().__init__(parent)
        self.store = store
        self.points = points
        self.trainer = trainer                  # a records.trainers.TrainerLogin
        self.author = trainer.name if trainer is not None else author     # what trainer actions record
        self.setWindowTitle("hydra_sim \u2014 Trainer review" + (f" \u2014 {self.author}" if self.author else ""))
        # grade label and outcome of each counted session, from the outcome tables (the sessions
        # table shows them once the dashboard has read them)
        self.outcome_labels: dict[str, tuple[str, str | None]] = {}
        self._summarising: threading.Thread | None = None
        self._memory: tuple[dict, dict] | None = None   # a store this window cannot write: reports in memory
        self._labels: dict[str, Labels] = {}
        self._relay = _Relay(self)
        self._relay.verified.connect(self._on_verified)
        self._relay.summarising.connect(self._on_summarising)
        self._relay.summarised.connect(self._on_summarised)
        self.issues: dict[str, list] | None = None
        self.current: SessionRow | None = None
        self.current_items = []

        self.model = SessionTableModel(parent=self)
        self._reader: RowReader | None = None
        self.session_total = 0          # every session in the store, read into the table or not yet
        # the rest of the list, a batch each time the event loop is free (the window answers between)
        self._feed = QTimer(self)
        self._feed.setSingleShot(True)
        self._feed.setInterval(0)
        self._feed.timeout.connect(self._read_batch)
        self.model.allRowsRead.connect(self._on_all_rows_read)
        self.proxy = SessionFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        central = QWidget()
        self.setCentralWidget(central)
        outer = QVBoxLayout(central)
        title = QLabel("Trainer review")
        title.setProperty("role", "title")
        outer.addWidget(title)
        self.signed_in = QLabel(f"Logged in as {self.author}: notes, overrides and markings are recorded under "
                                "this name. Close this window when you leave the computer." if self.author else
                                "Not logged in as a trainer: notes, overrides and markings cannot be recorded.")
        self.signed_in.setTextFormat(Qt.TextFormat.PlainText)
        self.signed_in.setWordWrap(True)
        outer.addWidget(self.signed_in)
        outer.addLayout(self._build_filters())
        splitter = QSplitter(Qt.Orientation.Vertical)
        outer.addWidget(splitter, 1)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        self.table = SessionTable()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Sessions")
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        # names, scenario and ending share the free width; the rest fit their contents, with
        # their header labels wrapped onto two lines when that saves width (issue 16)
        self.table.setHorizontalHeader(WrappingColumnHeader(self.table))
        fit_columns(self.table, {COL_NAME: 1, COL_FORCE: 1, COL_ROLE: 1, COL_SCENARIO: 2, COL_ENDING: 2})
        self.table.sortByColumn(5, Qt.SortOrder.DescendingOrder)
        top_layout.addWidget(self.table)
        # the count and the two buttons sit beside the tabs they open, not in a row of their
        # own: on a 1366x768 screen that row left the list room for one session
        corner = QWidget()
        actions = QHBoxLayout(corner)
        actions.setContentsMargins(12, 0, 0, 4)
        self.count_label = QLabel("")
        self.count_label.setProperty("role", "muted")
        self.compare_button = QPushButton("&Compare the two selected")
        self.compare_button.setEnabled(False)
        self.compare_button.clicked.connect(self.compare_selected)
        self.dashboard_button = QPushButton("Cohort dash&board for the filtered set")
        self.dashboard_button.clicked.connect(self.show_dashboard)
        actions.addWidget(self.count_label, 1)
        actions.addWidget(self.compare_button)
        actions.addWidget(self.dashboard_button)
        for button in (self.compare_button, self.dashboard_button):
            button.setProperty("compact", True)        # as tall as the tabs beside them
        splitter.addWidget(top)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Review views")
        self.tabs.addTab(self._build_detail(), "Session &detail")
        self.compare_page = self._build_compare()
        self.tabs.addTab(self.compare_page, "Comp&are")
        self.dashboard = CohortDashboard(points=points)
        self.tabs.addTab(self.dashboard, "Cohort das&hboard")
        # A seated session: the team actions and where the seats' pictures diverged (team_report.py)
        self.team_page = SafeTextBrowser()
        self.team_page.setAccessibleName("The team's result and what each seat knew at each decision")
        self.team_page.setPlainText("Select a session of a seated scenario to see its team actions and what each "
                                    "seat knew when it decided.")
        self.tabs.addTab(self.team_page, "Team and seat pict&ures")
        self._scenarios = None          # records.exports.ScenarioCache, made when first needed
        self.tabs.setCornerWidget(corner, Qt.Corner.TopRightCorner)
        self.compared: tuple[str, str] | None = None     # the two sessions on the Compare tab
        self._filling_tab = False
        self.tabs.currentChanged.connect(self._on_tab)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        # the list and the tabs start 1:3 of the height, not the tabs' (tall) preferred height
        splitter.setSizes([125, 375])
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)
        self._build_menu()
        self.reload()
        if verify_in_background:
            self.start_verify()

    # -- building ------------------------------------------------------------------------------
    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu("&Review")
        for text, slot, key in (("&Reload sessions", self.reload, "F5"),
                                ("Focus the &filter", lambda: self.filter_text.setFocus(), "Ctrl+F"),
                                ("&Compare the two selected", self.compare_selected, "Ctrl+M"),
                                ("Cohort &dashboard", self.show_dashboard, "Ctrl+D"),
                                ("Add &note on the selected decision\u2026", self.add_note, "Ctrl+N"),
                                ("&Override the grade\u2026", self.override_grade, "Ctrl+G"),
                                ("Check &integrity again", self.start_verify, ""),
                                ("&Close", self.close, "Ctrl+W")):
            action = QAction(text, self)
            if key:
                action.setShortcut(QKeySequence(key))
            action.triggered.connect(slot)
            menu.addAction(action)

    def _build_filters(self) -> FlowLayout:
        # label-and-box pairs that wrap onto a second row on a small screen (issue 16)
        row = FlowLayout(spacing=12)
        self.filter_text = QLineEdit()
        # the placeholder must show whole in the box at 1280x720; the tooltip and the name say all
        self.filter_text.setPlaceholderText("Trainee, force or scenario")
        self.filter_text.setToolTip("Search by trainee ID, name, force or scenario")
        self.filter_text.setAccessibleName("Search trainee, name, force or scenario")
        self.filter_text.setClearButtonEnabled(True)
        self.scenario_box = self._combo("Scenario filter")
        self.force_box = self._combo("Force filter")
        self.grade_box = self._combo("Grade filter")
        self.date_from = TabLeavingDateEdit()        # Tab leaves it even while it says "any"
        self.date_to = TabLeavingDateEdit()
        for edit, name in ((self.date_from, "Started on or after"), (self.date_to, "Started on or before")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setAccessibleName(name)
            edit.setSpecialValueText("any")
            edit.setMinimumDate(QDate(2000, 1, 1))
            edit.setDate(edit.minimumDate())
        self.critical_only = QCheckBox("Critical misses only")
        self.critical_only.setAccessibleName("Only sessions with critical misses")
        for label, widget in (("&Search:", self.filter_text), ("Sc&enario:", self.scenario_box),
                              ("&Force:", self.force_box), ("&Grade:", self.grade_box), ("Fro&m:", self.date_from),
                              ("&To:", self.date_to)):
            text = QLabel(label)
            text.setBuddy(widget)
            pair = QWidget()
            pair_layout = QHBoxLayout(pair)
            pair_layout.setContentsMargins(0, 0, 0, 0)
            pair_layout.addWidget(text)
            pair_layout.addWidget(widget, 1)
            if widget is self.filter_text:
                widget.setMinimumWidth(widget.fontMetrics().horizontalAdvance("Search trainee, name, force") + 40)
            row.addWidget(pair)
        row.addWidget(self.critical_only)
        self.filter_text.textChanged.connect(self.apply_filters)
        for box in (self.scenario_box, self.force_box, self.grade_box):
            box.currentIndexChanged.connect(self.apply_filters)
        self.date_from.dateChanged.connect(self.apply_filters)
        self.date_to.dateChanged.connect(self.apply_filters)
        self.critical_only.toggled.connect(self.apply_filters)
        return row

    @staticmethod
    def _combo(name: str) -> QComboBox:
        box = QComboBox()
        box.setAccessibleName(name)
        box.setMinimumContentsLength(10)
        return box

    def _build_detail(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.detail_header = QLabel("Select a session to see its timeline, actions and notes.")
        self.detail_header.setTextFormat(Qt.TextFormat.PlainText)     # names and titles are untrusted text
        self.detail_header.setWordWrap(True)
        self.detail_header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                                   | Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.detail_header)
        buttons = QHBoxLayout()
        self.note_button = QPushButton("Add &note on the selected decision\u2026")
        self.note_button.clicked.connect(self.add_note)
        self.override_button = QPushButton("&Override the grade\u2026")
        self.override_button.clicked.connect(self.override_grade)
        self.mark_button = QPushButton("Mar&k the rationale\u2026")
        self.mark_button.setToolTip("Mark the trainee's NDM rationale against its rubric (updates the grade)")
        self.mark_button.clicked.connect(self.mark_rationale)
        for b in (self.note_button, self.override_button, self.mark_button):
            b.setEnabled(False)
            buttons.addWidget(b)
        self.store_note = QLabel("")
        self.store_note.setProperty("role", "muted")
        buttons.addWidget(self.store_note, 1)
        layout.addLayout(buttons)
        inner = QSplitter(Qt.Orientation.Horizontal)
        self.timeline_tree = QTreeWidget()
        self.timeline_tree.setHeaderLabels(["Time", "What", "Took", "Details", "Trainer notes"])
        self.timeline_tree.setAccessibleName("Timeline of the session")
        self.timeline_tree.setRootIsDecorated(False)
        self.timeline_tree.setWordWrap(True)
        self.timeline_tree.setUniformRowHeights(False)
        self.timeline_tree.setItemDelegate(WrappingCellDelegate(self.timeline_tree))
        # a wrapped decision may be taller than the pane: scroll by pixels, not whole rows
        self.timeline_tree.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.timeline_tree.setAlternatingRowColors(True)
        self.timeline_tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.timeline_tree.currentItemChanged.connect(lambda *_: self._show_timeline_in_full())
        # Time and Took are short and fixed in form: as wide as their contents, never cut. What
        # (the scene, the decision) takes most of the rest and wraps, so a trainer reads each row
        # without selecting it; the notes column shows only when the session has notes.
        fit_columns(self.timeline_tree, {1: 4, 3: 2, 4: 1})
        inner.addWidget(self.timeline_tree)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.actions_table = QTableWidget(0, 6)
        self.actions_table.setHorizontalHeaderLabels(["NRP action", "Status", "Critical", "Credit", "Why",
                                                      "Sources"])
        self.actions_table.setAccessibleName("Assessed actions of the session")
        self.actions_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.actions_table.setWordWrap(True)
        self.actions_table.verticalHeader().setVisible(False)
        fit_columns(self.actions_table, {0: 3, 4: 2, 5: 1})
        self.actions_table.currentCellChanged.connect(lambda *_: self._show_action_in_full())
        right_layout.addWidget(self.actions_table, 3)
        notes_label = QLabel("Trainer notes and grade overrides")
        notes_label.setProperty("role", "heading")
        right_layout.addWidget(notes_label)
        self.notes_list = QTreeWidget()
        self.notes_list.setHeaderLabels(["When", "Author", "On", "Note"])
        self.notes_list.setAccessibleName("Trainer notes and grade overrides")
        self.notes_list.setRootIsDecorated(False)
        self.notes_list.setWordWrap(True)
        fit_columns(self.notes_list, {2: 1, 3: 3})
        right_layout.addWidget(self.notes_list, 1)
        inner.addWidget(right)
        # The cells beside are one line each, shortened to fit: the row chosen in the timeline or
        # the actions is shown here whole (the trainee's answer, why the action matters), so a
        # trainer reads it without hovering for a tooltip, by mouse or keyboard. Beside the
        # tables, not below them: at 1366x768 there is width to spare and no height.
        self.full_text = QPlainTextEdit()
        self.full_text.setReadOnly(True)
        self.full_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                               | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.full_text.setAccessibleName("The chosen row in full")
        self.full_text.setPlaceholderText(FULL_TEXT_HOW)
        self.full_text.setTabChangesFocus(True)
        inner.addWidget(self.full_text)
        inner.setStretchFactor(0, 3)
        inner.setStretchFactor(1, 3)
        inner.setStretchFactor(2, 2)
        inner.setChildrenCollapsible(False)
        # never a sliver: on a short screen (1280x720, 1366x768) the tab page scrolls instead of
        # squeezing the tables to under one row (the walkthrough found the actions 11 px tall)
        inner.setMinimumHeight(self.fontMetrics().lineSpacing() * 14)
        layout.addWidget(inner, 1)
        return FitScrollArea(page)

    def _show_timeline_in_full(self) -> None:
        current = self.timeline_tree.currentItem()
        if current is None:
            self.full_text.clear()
            return
        item = current.data(0, Qt.ItemDataRole.UserRole)
        parts = [f"{current.text(0)}  {current.text(1)}"]
        if current.text(2):
            parts.append(f"Took: {current.text(2)}")
        if current.text(3):
            parts.append(f"Details: {current.text(3)}")
        shown = list(getattr(item, "shown", None) or [])
        if shown:
            parts.append("Options as shown:\n" + "\n".join(f"{n}. {label}" for n, label in enumerate(shown, 1)))
        if current.text(4):
            parts.append(f"Trainer notes:\n{current.text(4)}")
        self.full_text.setPlainText("\n".join(parts))

    def _show_action_in_full(self) -> None:
        row = self.actions_table.currentRow()
        if row < 0:
            self.full_text.clear()
            return
        def cell(column: int) -> str:
            item = self.actions_table.item(row, column)
            return item.text() if item is not None else ""
        status = self.actions_table.item(row, 1)
        explanation = str(status.data(Qt.ItemDataRole.UserRole) or "") if status is not None else ""
        parts = [cell(0) + (" (critical)" if cell(2) else ""), f"Status: {cell(1).strip()}", f"Credit: {cell(3)}"]
        if explanation:
            parts.append(explanation)
        if cell(4):
            parts.append(f"Why it matters: {cell(4)}")
        if cell(5):
            parts.append(f"Sources: {cell(5)}")
        self.full_text.setPlainText("\n".join(parts))

    def _build_compare(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.compare_header = QLabel(COMPARE_HOW)
        self.compare_header.setTextFormat(Qt.TextFormat.PlainText)
        self.compare_header.setWordWrap(True)
        self.compare_header.setAccessibleName("About the comparison")
        layout.addWidget(self.compare_header)
        self.compare_decisions = QTableWidget(0, 3)
        self.compare_decisions.setAccessibleName("Decisions side by side")
        self.compare_actions = QTableWidget(0, 3)
        self.compare_actions.setAccessibleName("Action statuses side by side")
        for table in (self.compare_decisions, self.compare_actions):
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.setWordWrap(True)
            table.verticalHeader().setVisible(False)
            # the headers are the two trainees' names and results: wrapped, never cut
            table.setHorizontalHeader(WrappingColumnHeader(table))
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.compare_decisions)
        splitter.addWidget(self.compare_actions)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.compare_decisions.setHorizontalHeaderLabels(["Decision point", "A", "B"])
        self.compare_actions.setHorizontalHeaderLabels(["NRP action", "A", "B"])
        self.compare_tables = splitter
        splitter.hide()                      # no empty numbered columns: the words above say what to do
        layout.addWidget(splitter, 1)
        layout.addStretch(0)
        return page

    # -- loading and filtering -----------------------------------------------------------------
    def reload(self) -> None:
        """List the store's sessions again: the first screenful now, the rest in batches."""
        self._feed.stop()
        if self._reader is not None:
            self._reader.close()
        self._reader = reader = RowReader(self.store)
        self.session_total = reader.total
        first = self._known(reader.read(FIRST_ROWS))
        self.model.set_rows(first, None if reader.done else lambda count: self._known(reader.read(count)))
        if not self.model.all_read():
            self._fill_choices(self.model.rows())      # again with every row once they are all read
            self._feed.start()
        self._update_count()

    def _known(self, rows: list[SessionRow]) -> list[SessionRow]:
        """Rows as read, with what this window already knows of them: grade labels and outcomes
        (from the dashboard's counts), integrity (from the check)."""
        labels = self.outcome_labels
        for row in rows:
            known = labels.get(row.session_id)
            if known is not None:
                row.grade_label, row.outcome = known
            if self.issues is not None:
                row.integrity = row.session_id not in self.issues
        return rows

    @Slot()
    def _read_batch(self) -> None:
        self.model.fetchMore()
        if not self.model.all_read():
            self._feed.start()

    @Slot()
    def _on_all_rows_read(self) -> None:
        self._feed.stop()
        self._reader = None
        self.session_total = self.model.rowCount()
        self._fill_choices(self.model.rows())
        self._update_count()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self._feed.stop()             # no more batches for a window that is gone
        if self._reader is not None:
            self._reader.close()
        super().closeEvent(event)

    def _fill_choices(self, rows: list[SessionRow]) -> None:
        def refill(box: QComboBox, everything: str, pairs: dict[str, str]) -> None:
            current = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(everything, "")
            for key, text in sorted(pairs.items(), key=lambda kv: kv[1].casefold()):
                box.addItem(text, key)
            found = box.findData(current) if current else 0
            box.setCurrentIndex(max(0, found))
            box.blockSignals(False)
        refill(self.scenario_box, "All scenarios", {r.scenario_id: r.scenario_title for r in rows})
        refill(self.force_box, "All forces", {r.force: r.force for r in rows if r.force})
        grades: dict[str, str] = {}
        # each distinct (grade, label, overridden) once (100,000 rows hold a handful), the report's
        # own label first where a row has one, else the grade's id in words
        kinds = {(r.effective_grade_id, r.grade_label or "", bool(r.override)) for r in rows}
        for grade_id, label, overridden in sorted(kinds, key=lambda k: (str(k[0]), k[2], not k[1], k[1])):
            if grade_id:
                grades.setdefault(grade_id, label if not overridden and label else humanise(grade_id))
        refill(self.grade_box, "All grades", grades)

    def current_filter(self) -> RowFilter:
        def day(edit: QDateEdit) -> str:
            return "" if edit.date() == edit.minimumDate() else edit.date().toString("yyyy-MM-dd")
        return RowFilter(self.filter_text.text().strip(), self.scenario_box.currentData() or "",
                         self.force_box.currentData() or "", day(self.date_from), day(self.date_to),
                         self.grade_box.currentData() or "", self.critical_only.isChecked())

    @Slot()
    def apply_filters(self) -> None:
        self.proxy.set_row_filter(self.current_filter())     # reads every row first when it filters
        self._update_count()
        if self.tabs.currentWidget() is self.dashboard:     # the dashboard shown follows the filters
            self._fill_dashboard()

    def _update_count(self) -> None:
        if self.model.all_read():
            self.count_label.setText(f"{self.proxy.rowCount()} of {self.model.rowCount()} sessions shown")
        else:                         # the rest are being read: the total is the store's
            self.count_label.setText(f"{self.proxy.rowCount()} of {self.session_total} sessions shown "
                                     "(listing the rest\u2026)")

    def selected_rows(self) -> list[SessionRow]:
        indexes = self.table.selectionModel().selectedRows()
        return [self.model.row_at(self.proxy.mapToSource(i).row()) for i in sorted(indexes, key=lambda i: i.row())]

    def select_sessions(self, session_ids: list[str]) -> None:
        """Select these sessions' rows (tests and keyboard helpers)."""
        self.model.fetch_all()
        selection = self.table.selectionModel()
        selection.clearSelection()
        for r in range(self.proxy.rowCount()):
            index = self.proxy.index(r, 0)
            if self.model.row_at(self.proxy.mapToSource(index).row()).session_id in session_ids:
                selection.select(index, QItemSelectionModel.SelectionFlag.Select
                                 | QItemSelectionModel.SelectionFlag.Rows)

    @Slot()
    def _on_selection(self, *_args) -> None:
        rows = self.selected_rows()
        self.compare_button.setEnabled(len(rows) == 2)
        if len(rows) == 1:
            self.show_detail(rows[0])
        if self.tabs.currentWidget() is self.compare_page:  # the comparison shown follows the choice
            self._refresh_compare()

    # -- integrity --------------------------------------------------------------------------------
    def start_verify(self) -> None:
        if not hasattr(self.store, "verify"):
            self.store_note.setText(f"Integrity check {NOT_AVAILABLE}.")
            return
        path = self.store.path
        store_type = type(self.store)

        def work() -> None:
            try:
                with store_type(path) as own:          # its own connection: the GUI's stays free
                    issues: dict[str, list] = {}
                    for issue in own.verify():
                        issues.setdefault(issue.session_id, []).append(issue)
                self._relay.verified.emit(issues)
            except Exception as exc:  # noqa: BLE001 - reported in the window, never lost
                self._relay.verified.emit(exc)
        self._verify_thread = threading.Thread(target=work, name="review-verify", daemon=True)
        self._verify_thread.start()

    def verify_now(self) -> None:
        """Run the integrity check on this thread (tests, small stores)."""
        issues: dict[str, list] = {}
        for issue in self.store.verify():
            issues.setdefault(issue.session_id, []).append(issue)
        self._on_verified(issues)

    @Slot(object)
    def _on_verified(self, result) -> None:
        if isinstance(result, Exception):
            log.error("integrity check failed: %s", result)
            message = getattr(result, "message", None) or str(result)
            damaged = getattr(result, "kind", "") == "unreadable"      # StoreError.UNREADABLE: the file itself
            self.store_note.setText(("The records file failed its integrity check: " if damaged else
                                     "Integrity check could not run: ") + message)
            self.store_note.setToolTip(plain_tooltip(message))
            self.store_note.setProperty("role", "error")
            self.store_note.style().unpolish(self.store_note)
            self.store_note.style().polish(self.store_note)
            return
        self.issues = result
        for row in self.model.rows():
            row.integrity = row.session_id not in result
        self.model.integrity_changed()
        if self.current is not None:
            self._fill_header()

    # -- detail -----------------------------------------------------------------------------------
    def labels_for(self, row: SessionRow) -> Labels:
        """Scene and option labels from the session's scenario file, if it still loads (cached)."""
        key = row.scenario_id + "@" + row.scenario_version
        if key not in self._labels:
            scenario = None
            try:
                from ...engine.loader import load_scenario
                path = self.store.session(row.session_id).scenario_path
                result = load_scenario(path) if path and Path(path).is_file() else None
                scenario = result.scenario if result is not None and result.ok else None
            except Exception as exc:  # noqa: BLE001 - labels are a nicety; ids still show
                log.info("cannot load the scenario for labels: %s", exc)
            self._labels[key] = Labels(scenario)
        return self._labels[key]

    def _seed_of(self, row: SessionRow) -> int | None:
        """The session's presentation seed, so decisions list their options as the trainee saw them."""
        from ...engine.runner import RunnerError, seed_of
        try:
            return seed_of(self.store.inputs(row.session_id)) if hasattr(self.store, "inputs") else None
        except RunnerError as exc:
            log.info("session %s: unreadable presentation seed (%s); options in the file order", row.session_id, exc)
            return None

    def show_detail(self, row: SessionRow) -> None:
        from ...records.errors import StoreError
        self.current = row
        try:
            self.current_report = self.store.report(row.session_id)
            events = self.store.events(row.session_id)
        except StoreError as exc:      # a damaged row (a bit flip): said here; every other session still opens
            log.warning("session %s cannot be shown: %s", row.session_id, exc.message)
            self.current_report, events = None, []
            where = getattr(exc, "where", "")      # short on the line; the whole message in the tooltip
            short = f"{where} is damaged. Run hydra-sim verify." if where else exc.message
            self.store_note.setText(f"This session cannot be shown: {short}")
            self.store_note.setToolTip(plain_tooltip(exc.message))
        self.current_items = timeline(events, self.current_report, self.labels_for(row), self._seed_of(row))
        self._fill_header()
        self.full_text.clear()
        self._fill_timeline()
        self._fill_actions()
        self._fill_notes()
        self._update_buttons()
        if self.tabs.currentWidget() is self.team_page:
            self._fill_team()

    def _fill_header(self) -> None:
        # Rich text for the bold parts only: every value in it is escaped (names, titles, reasons
        # are untrusted text), so the label holds nothing but our own <b> tags.
        e = html.escape
        row, report = self.current, self.current_report or {}
        parts = [f"<b>{e(row.display_name or row.trainee_id)}</b> ({e(row.trainee_id)}, "
                 f"{e(row.force or 'no force')}, {e(humanise(row.role) or 'no role')}) \u2014 "
                 f"{e(row.scenario_text)}, started {e(row.started_at[:16].replace('T', ' '))}."]
        if report:
            grade = report.get("grade_label") or humanise(report.get("grade_id"))
            parts.append(f"Score <b>{report.get('percent', 0):.0f}%</b>, calculated grade <b>{e(str(grade))}</b>; "
                         f"ending \u201c{e(self.labels_for(row).ending(report.get('ending_id')))}\u201d "
                         f"({e(humanise(report.get('outcome')))}).")
            if report.get("critical_failures"):
                parts.append(f"\u2716 Critical misses: {len(report['critical_failures'])}.")
            if report.get("not_reached"):
                count = len(report["not_reached"])
                parts.append(f"{theme.STATUS_SYMBOLS['not_reached']} Not reached: {count} "
                             + ("(counted as 0: the incident did not end well)." if report.get("not_reached_counted")
                                else "(not counted: the path did not call for them)."))
            if report.get("outcome_judgement"):
                parts.append(e(str(report["outcome_judgement"])))
            from ...records.team_report import team_of, team_summary
            if team_of(report):
                parts.append(e(team_summary(team_of(report))) + " (see Team and seat pictures).")
            if report.get("conditions_text"):
                parts.append("Run conditions: " + e("; ".join(str(t) for t in report["conditions_text"])) + ".")
            for line in report.get("live_changes_text") or []:       # the incident changed under the trainees
                parts.append(f"<b>\u2691 {e(str(line))}</b>")
            if report.get("provisional"):
                waiting = ", ".join(self.labels_for(row).scene(w.get("scene_id"))
                                    for w in report.get("awaiting_marking") or [])
                parts.append(f"<b>\u25cc Provisional</b>: the rationale ({e(waiting)}) awaits an assessor's "
                             "marking; the score and grade may change.")
            for marking in report.get("markings") or []:
                parts.append(f"Rationale ({e(self.labels_for(row).scene(marking.get('scene_id')))}) marked by "
                             f"<b>{e(str(marking.get('by')))}</b> at "
                             f"{e(str(marking.get('at'))[:16].replace('T', ' '))} UTC.")
        else:
            parts.append(f"Not scored ({e(humanise(row.status))}).")
        if row.override:
            o = row.override
            parts.append(f"<b>Grade override: {e(humanise(o.get('grade_id')))}</b> by {e(str(o.get('author')))} "
                         f"({e(str(o.get('created_at'))[:16].replace('T', ' '))}): \u201c{e(str(o.get('reason')))}\u201d.")
        parts.append(f"Record integrity: <b>{e(row.integrity_text)}</b>" + (
            f" \u2014 {e('; '.join(i.message for i in (self.issues or {}).get(row.session_id, [])))}"
            if row.integrity is False else ""))
        self.detail_header.setTextFormat(Qt.TextFormat.RichText)
        self.detail_header.setText(" ".join(parts))
        self.tabs.setTabText(0, "Session &detail")

    def _notes_by_seq(self) -> dict[int | None, list[dict]]:
        out: dict[int | None, list[dict]] = {}
        if hasattr(self.store, "annotations") and self.current is not None:
            for note in self.store.annotations(self.current.session_id):
                out.setdefault(note.get("seq"), []).append(note)
        return out

    def _fill_timeline(self) -> None:
        self.timeline_tree.clear()
        notes = self._notes_by_seq()
        for item in self.current_items:
            details = decision_details(item) if item.kind == "decision" else item.detail
            took = format_duration(item.decision_seconds) if item.decision_seconds is not None else ""
            note_text = "\n".join(f"{n['author']}: {n['text']}" for n in notes.get(item.seq, []))
            tree_item = QTreeWidgetItem([format_seconds(item.clock), timeline_line(item), took,
                                         details, note_text])
            tree_item.setData(0, Qt.ItemDataRole.UserRole, item)
            for column in range(5):          # wrapped rows are tall: each cell starts at the row's top
                tree_item.setTextAlignment(column, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            shown = "".join(f"\n{n}. {label}" for n, label in enumerate(item.shown, 1))
            tree_item.setToolTip(1, plain_tooltip(tree_item.text(1) + (f"\n\nOptions as shown:{shown}" if shown else "")))
            tree_item.setToolTip(3, plain_tooltip(details))      # rationale is the trainee's text
            self.timeline_tree.addTopLevelItem(tree_item)
        self.timeline_tree.setColumnHidden(4, not notes)     # an empty column only takes the room of What

    def _fill_actions(self) -> None:
        actions = (self.current_report or {}).get("actions") or []
        self.actions_table.setRowCount(len(actions))
        for i, a in enumerate(actions):
            status = a.get("status")
            symbol = theme.STATUS_SYMBOLS.get(status, "")
            sources = "; ".join(s.get("title") or s.get("id") for s in a.get("sources") or [])
            values = (a.get("title"), f"{symbol} {STATUS_WORDS.get(status, humanise(status))}",
                      "Critical" if a.get("critical") else "", f"{a.get('credit', 0):g} of {a.get('weight', 0)}",
                      str(a.get("why") or "").strip(), sources)
            for j, value in enumerate(values):
                cell = QTableWidgetItem(value)
                if j in (4, 5):
                    cell.setToolTip(plain_tooltip(value))
                elif j == 1 and a.get("explanation"):      # e.g. why "not reached" is not "missed"
                    cell.setToolTip(plain_tooltip(str(a["explanation"])))
                    cell.setData(Qt.ItemDataRole.UserRole, str(a["explanation"]))   # for the full-text pane
                self.actions_table.setItem(i, j, cell)

    def _fill_notes(self) -> None:
        self.notes_list.clear()
        if not hasattr(self.store, "annotations"):
            self.store_note.setText(f"Notes and overrides {NOT_AVAILABLE}.")
            return
        seq_title = {i.seq: i.title for i in self.current_items}
        for note in self.store.annotations(self.current.session_id):
            on = seq_title.get(note.get("seq"), "the whole session")
            self.notes_list.addTopLevelItem(QTreeWidgetItem([str(note.get("created_at"))[:16].replace("T", " "),
                                                             note.get("author"), on, note.get("text")]))
        if hasattr(self.store, "grade_overrides"):
            for o in self.store.grade_overrides(self.current.session_id):
                self.notes_list.addTopLevelItem(QTreeWidgetItem([
                    str(o.get("created_at"))[:16].replace("T", " "), o.get("author"), "Grade override",
                    f"Grade set to {humanise(o.get('grade_id'))}: {o.get('reason')}"]))
        tip_cells(self.notes_list)        # notes are elided in narrow columns: the tooltip has them whole

    def _update_buttons(self) -> None:
        has = self.current is not None
        self.note_button.setEnabled(has and hasattr(self.store, "annotate"))
        self.override_button.setEnabled(has and hasattr(self.store, "override_grade")
                                        and self.current.status == "finished")
        self.mark_button.setEnabled(has and hasattr(self.store, "mark_rationale") and self.current.status == "finished"
                                    and bool(self.markable_rationales()))

    def selected_item(self):
        current = self.timeline_tree.currentItem()
        return current.data(0, Qt.ItemDataRole.UserRole) if current is not None else None

    def add_note(self) -> None:
        if self.current is None:
            return
        if not hasattr(self.store, "annotate"):
            self.store_note.setText(f"Notes {NOT_AVAILABLE}.")
            return
        item = self.selected_item()
        about = f"{format_seconds(item.clock)} {item.title}" if item is not None else "the whole session"
        answer = AnnotationDialog.ask(self, about, self.author)
        if answer is None:
            return
        _typed, text = answer                   # recorded under the logged-in trainer, whatever the dialog says
        if not self._logged_in():
            return
        self.store.annotate(self.current.session_id, item.seq if item is not None else None, self.author, text)
        self.store_note.setText("Note saved.")
        keep = self.timeline_tree.indexOfTopLevelItem(self.timeline_tree.currentItem())
        self._fill_timeline()
        self._fill_notes()
        if keep >= 0:
            self.timeline_tree.setCurrentItem(self.timeline_tree.topLevelItem(keep))

    def _logged_in(self) -> bool:
        if self.author:
            return True
        self.store_note.setText("Not saved: log in as a trainer (File > Trainer review) to record this.")
        return False

    def grade_choices(self, row: SessionRow) -> list[tuple[str, str]]:
        scenario = self.labels_for(row).scenario
        if scenario is not None:
            return [(g.id, g.label) for g in scenario.scoring.grades]
        self.model.fetch_all()
        seen = {r.grade_id: r.grade_label or humanise(r.grade_id) for r in self.model.rows()
                if r.scenario_id == row.scenario_id and r.grade_id}
        return sorted(seen.items())

    def override_grade(self) -> None:
        row = self.current
        if row is None:
            return
        if not hasattr(self.store, "override_grade"):
            self.store_note.setText(f"Grade overrides {NOT_AVAILABLE}.")
            return
        answer = OverrideDialog.ask(self, self.grade_choices(row), row.grade_label or humanise(row.grade_id),
                                    self.author)
        if answer is None:
            return
        grade_id, reason, _typed = answer
        if not self._logged_in():
            return
        try:
            self.store.override_grade(row.session_id, grade_id, reason, self.author)
        except ValueError as exc:
            self.store_note.setText(f"Not saved: {exc}")
            return
        row.override = self.store.grade_override(row.session_id)
        labels = dict(self.grade_choices(row))
        if row.override is not None and grade_id in labels:
            row.override["grade_label"] = labels[grade_id]
        self.model.row_changed(row.session_id)
        self.store_note.setText("Grade override saved; the original report is unchanged.")
        self._fill_header()
        self._fill_notes()

    # -- marking a rationale against its rubric ------------------------------------------------
    def markable_rationales(self) -> list[dict]:
        """The current session's recorded rationales that have a rubric: their decision records, in order."""
        scenario = self.labels_for(self.current).scenario if self.current is not None else None
        if scenario is None or self.current_report is None:
            return []
        found = []
        for event in self.store.events(self.current.session_id):
            if event["kind"] != "decision_recorded":
                continue
            data = event["data"]        # the app stores {"record": {...}}; older writers the record itself
            record = data.get("record") if isinstance(data.get("record"), dict) else data
            if not isinstance(record, dict) or record.get("kind") != "ndm_rationale" or record.get("expired"):
                continue
            scene = scenario.scenes.get(record.get("scene_id"))
            if scene is not None and scene.decision is not None and scene.decision.rubric:
                found.append(record)
        return found

    def mark_rationale(self) -> None:
        row = self.current
        records = self.markable_rationales() if row is not None else []
        if not records:
            return
        scenario = self.labels_for(row).scenario
        marked = {m.get("decision_index"): m for m in (self.current_report or {}).get("markings") or []}
        chosen = self.selected_item()
        # The rationale selected in the timeline, else the first not yet marked, else the first.
        record = next((r for r in records if chosen is not None and chosen.kind == "decision"
                       and r.get("index") == chosen.decision_index), None) \
            or next((r for r in records if r.get("index") not in marked), records[0])
        scene = scenario.scenes[record["scene_id"]]
        answer = MarkingDialog.ask(self, scene.decision, record.get("selection"), marked.get(record.get("index")),
                                   self.author, scene.title)
        if answer is None:
            return
        marks, comments, _typed = answer
        if not self._logged_in():
            return
        try:
            self.store.mark_rationale(row.session_id, scenario, int(record["index"]), marks, self.author, comments)
        except Exception as exc:  # noqa: BLE001 - a marking that does not fit is shown, never lost silently
            log.warning("marking not saved: %s", exc)
            self.store_note.setText(f"Marking not saved: {exc}")
            return
        session_id = row.session_id
        self.reload()
        self.select_sessions([session_id])
        refreshed = next((r for r in self.model.rows() if r.session_id == session_id), row)
        self.show_detail(refreshed)
        self.store_note.setText("Rationale marked; the grade is updated and the marking is in the record.")

    # -- compare ----------------------------------------------------------------------------------
    def compare_selected(self) -> None:
        rows = self.selected_rows()
        if len(rows) != 2:
            self._explain_compare(rows)
            self._show_tab(self.compare_page)
            return
        self.compare(rows[0], rows[1])

    def _explain_compare(self, rows: list[SessionRow]) -> None:
        """What to do, in words, while there is no comparison of the two chosen sessions."""
        chosen = {0: "No sessions are chosen.", 1: "One session is chosen: choose one more."}.get(
            len(rows), f"{len(rows)} sessions are chosen: a comparison is of exactly two.")
        self.compare_header.setText(f"{chosen} {COMPARE_HOW}")
        self.compare_tables.hide()
        self.compared = None

    @Slot(int)
    def _on_tab(self, index: int) -> None:
        """A tab opened by the trainer is never empty: Compare shows the chosen pair (or says what
        to do), the dashboard is worked out for the filters set now."""
        if self._filling_tab:
            return
        page = self.tabs.widget(index)
        if page is self.compare_page:
            self._refresh_compare()
        elif page is self.dashboard:
            self._fill_dashboard()
        elif page is self.team_page:
            self._fill_team()

    def _fill_team(self) -> None:
        """The selected session's team actions and each seat's picture at each decision (the session is
        replayed from its record for the pictures, so only when this tab is shown)."""
        from ...records.errors import StoreError
        from ...records.exports import ScenarioCache, gather
        from ...records.team_report import pictures_html, team_html, team_of
        if self.current is None:
            return
        self._scenarios = self._scenarios or ScenarioCache()
        try:
            record = gather(self.store, self.store.session(self.current.session_id), self._scenarios)
        except StoreError as exc:
            self.team_page.setPlainText(f"This session cannot be shown: {exc.message}")
            return
        body = team_html(team_of(record.report)) + pictures_html(record.pictures or [])
        if not body:
            body = ("<p>This session's scenario has no seats (or its file can no longer be read), so there is no "
                    "team result and no seat pictures to show.</p>")
        self.team_page.setHtml(body)

    def _show_tab(self, page: QWidget) -> None:
        """Bring ``page`` forward after filling it (without filling it a second time)."""
        self._filling_tab = True
        try:
            self.tabs.setCurrentWidget(page)
        finally:
            self._filling_tab = False

    def _refresh_compare(self) -> None:
        """On the Compare tab: the two chosen sessions side by side, or what to do to get there.
        A comparison stays shown until two other sessions are chosen."""
        rows = self.selected_rows()
        if len(rows) == 2:
            if self.compared != (rows[0].session_id, rows[1].session_id):
                self.compare(rows[0], rows[1])
        elif self.compared is None:
            self._explain_compare(rows)

    def compare(self, a: SessionRow, b: SessionRow) -> None:
        # in the log file: which two sessions a trainer compared (the keyboard walkthrough reads it)
        log.info("review: comparing sessions %s and %s", a.session_id, b.session_id)
        labels = self.labels_for(a)
        report_a, report_b = self.store.report(a.session_id), self.store.report(b.session_id)
        items_a = timeline(self.store.events(a.session_id), report_a, labels)
        items_b = timeline(self.store.events(b.session_id), report_b, self.labels_for(b))
        name_a = f"A: {a.display_name or a.trainee_id} ({'' if a.percent is None else f'{a.percent:.0f}%, '}" \
                 f"{a.grade_text or humanise(a.status)})"
        name_b = f"B: {b.display_name or b.trainee_id} ({'' if b.percent is None else f'{b.percent:.0f}%, '}" \
                 f"{b.grade_text or humanise(b.status)})"
        same = "" if a.scenario_id == b.scenario_id else " \u26a0 Different scenarios: only shared scenes line up."
        self.compare_header.setText(f"Comparing {name_a} with {name_b}.{same}")
        pairs = compare_decisions(items_a, items_b, labels)
        self.compare_decisions.setRowCount(len(pairs))
        self.compare_decisions.setHorizontalHeaderLabels(["Decision point", name_a, name_b])

        def cell(item) -> str:
            if item is None:
                return "\u2014 not reached"
            text = timeline_line(item) if item.expired else item.title
            extra = decision_details(item)
            return f"{text}\n{extra}" if extra else text
        for i, pair in enumerate(pairs):
            differs = (pair.a.title if pair.a else None) != (pair.b.title if pair.b else None)
            first = pair.scene_title + (" \u2260 different choice" if differs else " = same choice")
            for j, value in enumerate((first, cell(pair.a), cell(pair.b))):
                self.compare_decisions.setItem(i, j, top_aligned(value))
        self.compare_decisions.resizeRowsToContents()
        actions = compare_actions(report_a, report_b)
        self.compare_actions.setRowCount(len(actions))
        self.compare_actions.setHorizontalHeaderLabels(["NRP action", "A", "B"])

        def word(status):
            if status is None:
                return "\u2014"
            return f"{theme.STATUS_SYMBOLS.get(status, '')} {STATUS_WORDS.get(status, humanise(status))}"
        for i, pair in enumerate(actions):
            title = ("\u2605 " if pair.critical else "") + pair.title + (" \u2260" if pair.differs else "")
            for j, value in enumerate((title, word(pair.a), word(pair.b))):
                self.compare_actions.setItem(i, j, top_aligned(value))
        self.compare_actions.resizeRowsToContents()
        tip_cells(self.compare_decisions)
        tip_cells(self.compare_actions)
        self.compare_pairs, self.compare_action_pairs = pairs, actions
        self.compared = (a.session_id, b.session_id)
        self.compare_tables.show()
        self._show_tab(self.compare_page)

    # -- dashboard --------------------------------------------------------------------------------
    def show_dashboard(self) -> None:
        """The cohort dashboard for the sessions the filters show now, brought forward."""
        self._fill_dashboard()
        self._show_tab(self.dashboard)

    def _fill_dashboard(self) -> None:
        visible = self.proxy.visible_rows()
        summary = self._cohort_summary(visible)
        if summary is None:                 # being summarised on the worker thread: it says how far
            return
        description = self.filter_description()
        if not self.model.rowCount():
            empty = "No sessions have been recorded yet. Sessions appear here when trainees play a scenario."
        elif not visible:
            empty = (f"No sessions match: {description}. Clear the search, or choose \u201cAll\u201d in the "
                     "filters above, to see more.")
        else:
            shown = ("The 1 session shown" if len(visible) == 1 else f"None of the {len(visible)} sessions shown")
            verb = "has not finished" if len(visible) == 1 else "has finished"
            empty = (f"{shown} ({description}) {verb} yet: the dashboard counts sessions that reached an "
                     "ending.")
        self.dashboard.show_summary(summary, description, empty=empty)

    def _cohort_summary(self, visible: list[SessionRow]) -> CohortSummary | None:
        """The summary of the visible sessions: counted in SQL, or from memory for a store this window
        cannot write; None while the outcome tables are being written (the dashboard says so)."""
        ids = {r.session_id for r in visible}
        if self._memory is not None:
            reports, titles = self._memory
            return cohort_summary([reports[r.session_id] for r in visible if r.session_id in reports], titles)
        counted_ = None
        if self._summarising is None:
            try:
                counted_ = cohort_counts.count(self.store.path, ids)
            except (sqlite3.Error, AttributeError, TypeError) as exc:
                log.info("cohort counts unavailable (%s); counting the reports in memory", exc)
                self._start_summarising(in_memory=True)
                return None
        if counted_ is None:
            self._start_summarising()
            return None
        if any(self.outcome_labels.get(k) != v for k, v in counted_.labels.items()):
            self.outcome_labels.update(counted_.labels)
            for row in self.model.rows():
                known = self.outcome_labels.get(row.session_id)
                if known is not None:
                    row.grade_label, row.outcome = known
            self.model.rows_changed()             # repaint the rows' grade and ending
        return counted_.summary

    def _start_summarising(self, in_memory: bool = False) -> None:
        """Write the outcome rows of the sessions queued for them (a store from before them, or sessions
        an older hydra_sim finished) on a worker thread, with its own store connection opened with the
        page check (which adds the tables to an older store); a store it cannot write has its reports
        counted in memory instead. The dashboard shows the progress; the window stays usable."""
        if self._summarising is not None:
            return
        path = self.store.path
        store_type = type(self.store)
        writable = not getattr(self.store, "readonly", False) and not in_memory
        relay = self._relay

        def work() -> None:
            try:
                if writable:
                    try:
                        with store_type(path) as own:
                            own.summarise_outcomes(relay.summarising.emit)
                        relay.summarised.emit(None)
                        return
                    except StoreError as exc:
                        if exc.kind == StoreError.UNREADABLE:
                            raise
                        log.info("cannot write the outcome tables (%s); counting the reports in memory", exc)
                relay.summarised.emit(cohort_counts.reports_in_memory(path, relay.summarising.emit))
            except Exception as exc:  # noqa: BLE001 - said on the dashboard, never lost
                relay.summarised.emit(exc)
        self.dashboard.show_message("Preparing the cohort dashboard: summarising the finished sessions once "
                                    "(a store from an older hydra_sim). The rest of the window can be used "
                                    "meanwhile.", heading="Cohort dashboard: preparing")
        self._summarising = threading.Thread(target=work, name="review-summarise", daemon=True)
        self._summarising.start()

    def wait_for_summary(self, timeout: float | None = None) -> None:
        """Wait for the worker thread and deliver its result (tests, the benchmark)."""
        from PySide6.QtWidgets import QApplication
        thread = self._summarising
        if thread is not None:
            thread.join(timeout)
        QApplication.processEvents()

    @Slot(int, int)
    def _on_summarising(self, done: int, total: int) -> None:
        if self.dashboard.summary is None:
            self.dashboard.show_message(
                f"Preparing the cohort dashboard: {done:,} of {total:,} finished sessions summarised. This is "
                "done once, for sessions recorded by an older hydra_sim; the rest of the window can be used "
                "meanwhile.", heading="Cohort dashboard: preparing")

    @Slot(object)
    def _on_summarised(self, result) -> None:
        self._summarising = None
        if isinstance(result, Exception):
            log.error("cohort dashboard: could not summarise the sessions: %s", result)
            message = getattr(result, "message", None) or str(result)
            self.dashboard.show_message(f"The cohort dashboard could not be prepared: {message}")
            return
        if result is not None:
            self._memory = result
        if self.tabs.currentWidget() is self.dashboard:
            self._fill_dashboard()

    def filter_description(self) -> str:
        """The filters set now, in words ("all sessions" when none is)."""
        f = self.current_filter()
        bits = [v for v in (f.text and f"matching \u201c{f.text}\u201d",
                            self.scenario_box.currentData() and f"scenario {self.scenario_box.currentText()}",
                            f.force and f"force {f.force}", f.grade_id and f"grade {self.grade_box.currentText()}",
                            f.date_from and f"from {f.date_from}", f.date_to and f"to {f.date_to}",
                            f.critical_only and "with critical misses") if v]
        return ", ".join(bits) if bits else "all sessions"



def open_review_window(store, *, points: float = 11.0, settings=None, **kwargs) -> ReviewWindow:
    """The review window, sized to the screen (and at its last size and place, given ``settings``).
    Its colours follow the theme applied (theme.current())."""
    window = ReviewWindow(store, points=points, **kwargs)
    place(window, (1500, 950), "review", settings)
    return window


def run_review(args) -> int:
    """``hydra-sim review``: only the review window, on the store under ``--home``."""
    import sys

    from PySide6.QtWidgets import QApplication

    from ..application import settings_for_home
    from ...records.store import SessionStore, default_store_path
    from ..errors import ErrorReporter
    from ..trainer_login import TrainerLoginDialog
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("hydra_sim")
    points = theme.apply(app, app.font().pointSizeF(), 1.0, False)
    from .. import startup_probe      # the review benchmark's hook (off unless its variable is set)
    probing = startup_probe.wanted()
    # review is a trainer function: the passphrase first
    trainer = TrainerLoginDialog.ask(None, before_shown=startup_probe.watch_login if probing else None)
    if trainer is None:
        return 1
    try:
        # Every page of the file is read by the integrity check, which starts on its own thread as
        # the window opens (start_verify opens the store again, with the page check): a large store's
        # sessions are listed at once, and damage is reported in the window when the check finds it.
        store = SessionStore(default_store_path(), page_check=False)
    except Exception as exc:  # noqa: BLE001 - StoreError and friends: shown once, exit 1
        ErrorReporter(not getattr(args, "no_err_windows", False)).report(None, exc)
        return 1
    window = open_review_window(store, points=points, trainer=trainer, settings=settings_for_home())
    if probing:
        startup_probe.watch_review(window)
    window.show()
    code = int(app.exec())
    store.close()
    return code


def top_aligned(text: str) -> QTableWidgetItem:
    """A side-by-side cell whose text starts at the top of its row: rows are as tall as the longest
    answer, and centred text of a short cell could sit below the visible part of the row."""
    item = QTableWidgetItem(text)
    item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    return item


FULL_TEXT_HOW = ("Choose a row in the timeline or the actions (click it, or move to it with the arrow keys) "
                 "to read it here in full.")

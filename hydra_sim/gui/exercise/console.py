"""The facilitator console: create an exercise, show the join code, watch every syndicate, intervene.

A window over ``hydra_sim.exercise.server.ExerciseServer``: a table of syndicates (a model
over the server's ``SyndicateView`` copies), the selected syndicate's decisions (choice,
rationale, who entered it, when) and injects, and the facilitator's actions (inject free text
or a prepared inject, pause, resume, change the timer, end, answer a request for information as
the partner with a canned reply or free text, change a run condition live, hand a pod's seat to
its stand-in or back, open the plenary debrief; a pod's live changes are on its seat timeline; the
stations' anonymous contributions, one shown on the plenary window, the shared screen). Every
action's result (queued / sent / applied / failed and why) is listed. Server events arrive on
a network thread and reach the window through a ``Relay`` signal. ``run(args)`` is the
``hydra-sim facilitate SCENARIO`` hook. Holds no rules: the server and the stations decide.
Must not import the runner, the trainee app's screens or the session controller.
"""

from __future__ import annotations

import html
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...engine.clock import format_clock
from ...engine.live_changes import condition_title, value_label
from ...engine.run_conditions import declared, possible_values
from ...exercise.pods import timeline
from ...exercise.protocol import ALL, DEFAULT_PORT
from ...exercise.views import (
    ContributionReceived,
    DecisionReceived,
    ExerciseEnded,
    InterventionApplied,
    InterventionFailed,
    StationJoined,
    StationLeft,
    SyndicateUpdated,
)
from ..decision_panels import ChoiceBox, fit_choices
from ..widgets import FitScrollArea, FlowLayout, read_only_table
from ..window_geometry import place
from .relay import Relay

log = logging.getLogger(__name__)

COLUMNS = ("Syndicate", "Members", "Station", "Scene", "Clock", "Decisions", "Last decision", "State", "Score")
ALL_LABEL = "All syndicates"
_ROOT = QModelIndex()
STATUS_WORDS = {"queued": "\u23f3 queued (station offline)", "sent": "\u2192 sent", "applied": "\u2714 applied",
                "failed": "\u2716 failed"}


def _label(text: str = "", role: str | None = None) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)       # names and scenario text are untrusted: never rich text
    label.setWordWrap(True)
    if role:
        label.setProperty("role", role)
    return label


def _card() -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setProperty("role", "card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(16, 12, 16, 12)
    return frame, layout


def station_state(view) -> str:
    if not view.recording_station:
        state = "no recording station yet"
    elif view.recording_connected:
        state = "\u25cf connected"
    elif view.ended:
        state = "finished (station closed)"
    else:
        state = "\u25cb offline (recording locally)"
    if view.followers:
        state += f" + {view.followers} follower{'s' if view.followers != 1 else ''}"
    return state


def run_state(view) -> str:
    if view.ended:
        return f"ended: {view.outcome or view.ending_id or ''}".rstrip(": ")
    if view.paused:
        return "\u2016 PAUSED"
    return "running" if view.session_id else "waiting"


def intervention_text(item) -> str:
    what = item.action
    if item.action == "inject":
        what = f"inject '{item.inject_id}'" if item.inject_id else f"inject \u201c{item.text}\u201d"
    elif item.action == "timer":
        what = f"timer {int(item.seconds or 0):+d} s"
    elif item.action == "answer":       # a request for information answered as the partner
        what = f"answer to request {item.request}" + (f" ('{item.reply}')" if item.reply else "")
    elif item.action == "set_condition":     # a run condition changed live
        value = str(item.value).lower() if isinstance(item.value, bool) else item.value
        what = f"run condition {item.variable} \u2192 {value}"
    elif item.action in ("stand_in", "hand_back"):
        what = f"seat {item.seat} " + ("to its stand-in" if item.action == "stand_in" else "handed back")
    status = STATUS_WORDS.get(item.status, item.status)
    reason = f": {item.reason}" if item.reason else ""
    return f"{item.target}: {what} \u2013 {status}{reason}"


LIVE_CHANGES = ("set_condition", "stand_in", "hand_back")


def changed_live(view) -> bool:
    """Whether the facilitator changed a run condition or handed a seat to its stand-in (applied)."""
    return any(i.action in LIVE_CHANGES and i.status == "applied" for i in view.interventions)


class SyndicateModel(QAbstractTableModel):
    """The syndicates table: one row per ``SyndicateView``, by name."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.views: list = []

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.views)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt override
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        view = self.views[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.cell(view, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 6 and view.decisions:
            last = view.decisions[-1]
            why = last.rationale if isinstance(last.rationale, str) else ""
            return f"{last.choice_text}\nEntered by {last.entered_by or '?'}" + (f"\nWhy: {why}" if why else "")
        return None

    @staticmethod
    def cell(view, column: int) -> str:
        last = view.decisions[-1] if view.decisions else None
        grade = (view.grade or "").replace("_", " ")
        score = "" if view.percent is None else f"{view.percent:.0f}% {grade}".strip()
        if score and changed_live(view):      # the score is of an incident the facilitator changed
            score += " \u2691 changed live"
        return (view.name, ", ".join(view.members), station_state(view), view.scene_title or "-",
                view.clock_label or "-", str(len(view.decisions)),
                f"{last.clock_label} {last.choice_text}" if last else "-", run_state(view), score)[column]

    def set_view(self, view) -> int:
        """Insert or replace one syndicate; returns its row."""
        names = [v.name for v in self.views]
        if view.name in names:
            row = names.index(view.name)
            self.views[row] = view
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
            return row
        row = sum(1 for n in names if n < view.name)
        self.beginInsertRows(QModelIndex(), row, row)
        self.views.insert(row, view)
        self.endInsertRows()
        return row

    def view(self, name: str):
        return next((v for v in self.views if v.name == name), None)


class ExerciseConsole(QMainWindow):
    """The facilitator's window. Give a started ``server``, or let the facilitator create one here."""

    def __init__(self, server=None, *, scenario_path: str | Path | None = None, host: str = "0.0.0.0",
                 port: int = DEFAULT_PORT, code: str | None = None, store_path: str | Path | None = None,
                 high_contrast: bool = False, confirm: Callable[[str], bool] | None = None, settings=None):
        super().__init__()
        self.setWindowTitle("Facilitator console \u2013 hydra_sim")
        place(self, (1440, 900), "console", settings)
        self.server = None
        self.owns_server = False
        self.store_path = store_path
        self.high_contrast = high_contrast
        self.confirm = confirm or self._ask
        self.plenary_window = None
        self.relay = Relay(self)
        self.relay.event.connect(self._on_event)
        self._result_items: dict[str, QListWidgetItem] = {}
        self._selected: str | None = None
        central = QWidget()
        self.setCentralWidget(central)
        outer = QVBoxLayout(central)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.setSpacing(10)

        # -- create an exercise ---------------------------------------------------------------------
        self.setup_card, setup = _card()
        setup.addWidget(_label("Create an exercise", "heading"))
        form = QFormLayout()
        row = QHBoxLayout()
        self.scenario_box = QComboBox()
        self.scenario_box.setAccessibleName("Scenario to run")
        row.addWidget(self.scenario_box, 1)
        self.browse_button = QPushButton("Other &file\u2026")
        self.browse_button.setAccessibleName("Choose a scenario file")
        self.browse_button.clicked.connect(self._browse)
        row.addWidget(self.browse_button)
        form.addRow("&Scenario", row)
        self.host_edit = QLineEdit(host)
        self.host_edit.setAccessibleName("Address to listen on (0.0.0.0: every network interface)")
        form.addRow("Listen on &address", self.host_edit)
        self.port_spin = QSpinBox()
        self.port_spin.setRange(0, 65535)
        self.port_spin.setValue(int(port))
        self.port_spin.setAccessibleName("Port (0: any free port)")
        form.addRow("&Port", self.port_spin)
        self.code_edit = QLineEdit(code or "")
        self.code_edit.setPlaceholderText("leave empty for a new random code")
        self.code_edit.setAccessibleName("Join code (optional)")
        form.addRow("Join &code", self.code_edit)
        self.across_sites_box = QCheckBox("Pods in different &buildings (across sites: a long join code)")
        self.across_sites_box.setAccessibleName("Across sites: pods in different buildings get a long join code")
        self.across_sites_box.setToolTip("Over the force network or VPN between sites: a 25-character code that "
                                         "cannot be guessed from a captured message. See docs/facilitation.md, "
                                         "Pods in different buildings.")
        form.addRow("", self.across_sites_box)
        self.order_box = QComboBox()
        self.order_box.addItem("Each syndicate its own order (no copying positions)", "per_syndicate")
        self.order_box.addItem("The same order for every syndicate (to compare in the plenary)", "shared")
        self.order_box.setAccessibleName("Order of the options at each decision")
        form.addRow("Option &order", self.order_box)
        setup.addLayout(form)
        start_row = QHBoxLayout()
        self.start_button = QPushButton("&Start the exercise")
        self.start_button.setProperty("role", "primary")
        self.start_button.setAccessibleName("Start the exercise and show the join code")
        self.start_button.clicked.connect(self.start_exercise)
        start_row.addWidget(self.start_button)
        start_row.addStretch(1)
        setup.addLayout(start_row)
        self.setup_error = _label("", "error")
        self.setup_error.setAccessibleName("Why the exercise could not start")
        setup.addWidget(self.setup_error)
        outer.addWidget(self.setup_card)

        # -- the join code ----------------------------------------------------------------------------
        self.join_card, join = _card()
        join_row = QHBoxLayout()
        code_column = QVBoxLayout()
        code_column.addWidget(_label("JOIN CODE", "small"))
        self.code_label = _label("")
        self.code_label.setAccessibleName("Join code")
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label.setStyleSheet("font-size: 30pt; font-weight: 800; font-family: monospace; "
                                      "letter-spacing: 6px;")
        code_column.addWidget(self.code_label)
        join_row.addLayout(code_column)
        join_row.addSpacing(24)
        where = QVBoxLayout()
        self.scenario_label = _label("", "heading")
        self.address_label = _label("")
        self.address_label.setAccessibleName("What stations type to join")
        self.address_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint_label = _label("")
        self.fingerprint_label.setAccessibleName("The exercise's certificate fingerprint, to compare with a station's")
        self.fingerprint_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where.addWidget(self.scenario_label)
        where.addWidget(self.address_label)
        where.addWidget(self.fingerprint_label)
        join_row.addLayout(where, 1)
        join.addLayout(join_row)
        outer.addWidget(self.join_card)

        # -- actions: one full-width card under the code, so the table below gets the whole width ------------
        # Two groups, side by side when the window is wide enough and one above the other when
        # it is not (a FlowLayout): on one row they needed 1369 px, more than a 1366x768 laptop
        # gives a window (issue 16). ``actions``: where to send and what (two rows); ``clock``:
        # pause, time and the session's end, one row, so wrapped the card is three rows high.
        self.actions_card, actions_layout = _card()
        action_groups = FlowLayout(spacing=16, fill=True)
        actions_layout.addLayout(action_groups)
        send_group, clock_group = QWidget(), QWidget()
        actions = QGridLayout(send_group)
        clock = QGridLayout(clock_group)
        for grid in (actions, clock):
            grid.setContentsMargins(0, 0, 0, 0)
            grid.setHorizontalSpacing(10)
        action_groups.addWidget(send_group)
        action_groups.addWidget(clock_group)
        # the window's layout would squeeze the card to its one-row height: wrapped, it keeps
        # the height its rows need at its width (_fit_actions_card, after each resize)
        self.target_box = QComboBox()
        self.target_box.setAccessibleName("Send to: a syndicate or all syndicates")
        self.target_box.addItem(ALL_LABEL, ALL)
        self.target_box.setMinimumWidth(180)
        target_label = QLabel("Send &to")
        target_label.setProperty("role", "heading")
        target_label.setBuddy(self.target_box)
        actions.addWidget(target_label, 0, 0)
        actions.addWidget(self.target_box, 1, 0)
        self.inject_text = QLineEdit()
        self.inject_text.setPlaceholderText("Free-text inject, e.g. A journalist is at the cordon asking questions.")
        self.inject_text.setAccessibleName("Free-text inject")
        self.inject_text.returnPressed.connect(self.send_text_inject)
        self.inject_button = QPushButton("Send text &inject")
        self.inject_button.clicked.connect(self.send_text_inject)
        actions.addWidget(self.inject_text, 0, 1, 1, 2)
        actions.addWidget(self.inject_button, 0, 3)
        self.prepared_box = ChoiceBox()          # a long inject wraps in the open list (fit_choices)
        self.prepared_box.setAccessibleName("Prepared inject from the scenario")
        self.prepared_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.prepared_box.setMinimumContentsLength(30)
        self.prepared_button = QPushButton("Fire &prepared inject")
        self.prepared_button.clicked.connect(self.send_prepared_inject)
        actions.addWidget(self.prepared_box, 1, 1, 1, 2)
        actions.addWidget(self.prepared_button, 1, 3)
        self.pause_button = QPushButton("\u2016 P&ause")
        self.pause_button.setAccessibleName("Pause: stop the clock and deciding")
        self.pause_button.clicked.connect(self.pause)
        self.resume_button = QPushButton("\u25b6 &Resume")
        self.resume_button.setAccessibleName("Resume the clock")
        self.resume_button.clicked.connect(self.resume)
        clock.addWidget(self.pause_button, 0, 0)
        clock.addWidget(self.resume_button, 0, 1)
        self.timer_spin = QSpinBox()
        self.timer_spin.setRange(5, 600)
        self.timer_spin.setSingleStep(5)
        self.timer_spin.setValue(30)
        self.timer_spin.setPrefix("\u00b1 ")
        self.timer_spin.setSuffix(" s")
        self.timer_spin.setAccessibleName("Seconds to add to or take off the current timed decision")
        self.timer_spin.setToolTip("Seconds to add to or take off the current timed decision")
        self.more_button = QPushButton("+ &More time")
        self.more_button.setAccessibleName("More time on the current timed decision")
        self.more_button.clicked.connect(lambda: self.adjust_timer(self.timer_spin.value()))
        self.less_button = QPushButton("\u2212 &Less time")
        self.less_button.setAccessibleName("Less time on the current timed decision")
        self.less_button.clicked.connect(lambda: self.adjust_timer(-self.timer_spin.value()))
        clock.addWidget(self.timer_spin, 0, 2)
        clock.addWidget(self.more_button, 0, 3)
        clock.addWidget(self.less_button, 0, 4)
        self.end_button = QPushButton("\u25a0 &End\u2026")
        self.end_button.setAccessibleName("End the session now (asks first)")
        self.end_button.clicked.connect(self.end)
        self.plenary_button = QPushButton("Plenary &debrief")
        self.plenary_button.setProperty("role", "primary")
        self.plenary_button.setAccessibleName("Open the plenary debrief")
        self.plenary_button.clicked.connect(self.open_plenary)
        clock.addWidget(self.end_button, 0, 5)
        clock.addWidget(self.plenary_button, 0, 6)
        # live changes (rows 2 and 3 of the sending group): a run condition changed now, a pod seat
        # handed to its stand-in (each hidden when the scenario has no run conditions, or no seats)
        self.condition_box = QComboBox()
        self.condition_box.setAccessibleName("Run condition to change now")
        self.condition_box.currentIndexChanged.connect(self._fill_condition_values)
        self.condition_value = ChoiceBox()
        self.condition_value.setAccessibleName("The run condition's new value")
        for box in (self.condition_box, self.condition_value):     # long labels: elided, whole in the list
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(18)
        self.condition_button = QPushButton("Change &condition")
        self.condition_button.setAccessibleName("Change the run condition now (logged and marked in the results)")
        self.condition_button.clicked.connect(self.set_condition)
        self.condition_label = _label("Run co&ndition", "heading")      # Alt+N: the condition to change
        self.condition_label.setBuddy(self.condition_box)
        actions.addWidget(self.condition_label, 2, 0)
        actions.addWidget(self.condition_box, 2, 1)
        actions.addWidget(self.condition_value, 2, 2)
        actions.addWidget(self.condition_button, 2, 3)
        self.seat_box = QComboBox()
        self.seat_box.setAccessibleName("Seat of the pod to hand to its stand-in, or back")
        self.stand_in_button = QPushButton("Seat to &stand-in")
        self.stand_in_button.setAccessibleName("Hand the seat to its stand-in: the scenario's stand-in takes its "
                                               "decisions (no station plays it)")
        self.stand_in_button.clicked.connect(self.stand_in)
        self.hand_back_button = QPushButton("Hand seat &back")
        self.hand_back_button.setAccessibleName("Give the seat back to its station")
        self.hand_back_button.clicked.connect(self.hand_back)
        self.seat_label = _label("Pod seat", "heading")
        actions.addWidget(self.seat_label, 3, 0)
        actions.addWidget(self.seat_box, 3, 1)
        actions.addWidget(self.stand_in_button, 3, 2)
        actions.addWidget(self.hand_back_button, 3, 3)
        actions.setColumnStretch(1, 1)
        actions.setColumnStretch(2, 1)
        # Tab goes down the card as it reads: created after the clock's buttons, the live-change
        # rows were otherwise reached only after Plenary debrief
        chain = (self.prepared_button, self.condition_box, self.condition_value, self.condition_button,
                 self.seat_box, self.stand_in_button, self.hand_back_button, self.pause_button)
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

        # -- syndicates (full width), then the selected one's detail and the actions' results ---------------
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter = splitter
        splitter.setChildrenCollapsible(False)
        self.model = SyndicateModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Syndicates")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in (3, 6):          # scene and last decision share what is left; long text is elided
            self.table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        # at its smallest the table shows its header and one syndicate (it scrolls, and the splitter
        # gives it more): Qt's own minimum left a 1280x720 laptop 21 px short once the live-change
        # controls were added to the action card (issue 16)
        self.table.setMinimumHeight(self.table.horizontalHeader().sizeHint().height()
                                    + self.table.verticalHeader().defaultSectionSize() + 2 * self.table.frameWidth())
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)
        # A syndicate whose station's computer was replaced needs its recording seat freed (the seat
        # token stayed on the old computer): a rare action, so on the row's context menu, not a button.
        self.release_action = QAction("Release the recording seat…", self)
        self.release_action.triggered.connect(self.release_seat)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.addAction(self.release_action)
        self.empty_label = _label("No syndicate has joined yet. Stations join with the address and code above.",
                                  "muted")
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(_label("Syndicates", "heading"))
        top_layout.addWidget(self.empty_label)
        top_layout.addWidget(self.table, 1)
        splitter.addWidget(top)

        bottom = QWidget()
        grid = QGridLayout(bottom)
        grid.setContentsMargins(0, 0, 0, 0)
        self.detail_heading = _label("Select a syndicate to see its decisions", "heading")
        self.detail_heading.setAccessibleName("Selected syndicate")
        grid.addWidget(self.detail_heading, 0, 0)
        fit, drag, stretch = (QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Interactive,
                              QHeaderView.ResizeMode.Stretch)
        self.decisions = read_only_table(["Time", "Scene", "Choice", "Why (rationale)", "Entered by", "Took"],
                                         "The selected syndicate's decisions", (fit, drag, stretch, stretch, fit, fit))
        self.decisions.horizontalHeader().resizeSection(1, 220)
        grid.addWidget(self.decisions, 1, 0)
        # Pods (a seated scenario, one station per seat): every seat's stream on one timeline, so the
        # facilitator sees who knew what when (hidden for a scenario without seats).
        self.seats_heading = _label("Each seat's stream, one timeline", "heading")
        self.seats_table = read_only_table(["Time", "Seat", "What the seat saw or did"],
                                           "Every seat's stream of the selected pod, on one timeline", (fit, fit, stretch))
        grid.addWidget(self.seats_heading, 2, 0, 1, 3)
        grid.addWidget(self.seats_table, 3, 0, 1, 3)
        self.seats_heading.hide()
        self.seats_table.hide()
        received_heading = _label("Injects and interventions received", "heading")
        grid.addWidget(received_heading, 0, 1)
        self.received = QListWidget()
        self.received.setAccessibleName("Injects and interventions the selected syndicate received")
        self.received.setWordWrap(True)
        # wrapped, never scrolled sideways (a pod's live changes are long lines in a narrow column)
        self.received.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.received.setResizeMode(QListWidget.ResizeMode.Adjust)
        grid.addWidget(self.received, 1, 1)
        grid.addWidget(_label("What happened to each action", "heading"), 0, 2)
        self.results = QListWidget()
        self.results.setAccessibleName("Interventions and their results")
        self.results.setWordWrap(True)
        grid.addWidget(self.results, 1, 2)
        # requests for information from the selected syndicate, answered here as the partner
        # (rows 4-5: rows 2-3 hold a pod's seat timeline)
        self.requests_heading = _label("Requests for information", "heading")
        grid.addWidget(self.requests_heading, 4, 0, 1, 3)
        self.requests_list = QListWidget()
        self.requests_list.setAccessibleName("The selected syndicate's requests for information")
        self.requests_list.setWordWrap(True)
        self.requests_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)   # wrapped instead
        self.requests_list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.requests_list.currentRowChanged.connect(self._on_request_selected)
        self.requests_list.setMaximumHeight(180)
        grid.addWidget(self.requests_list, 5, 0)
        answer_box = QVBoxLayout()
        self.answer_reply = QComboBox()
        self.answer_reply.setAccessibleName("The partner's canned reply, or free text")
        answer_box.addWidget(self.answer_reply)
        self.answer_text = QLineEdit()
        self.answer_text.setPlaceholderText("Or answer in your own words as the partner")
        self.answer_text.setAccessibleName("Free-text answer")
        self.answer_text.returnPressed.connect(self.answer)
        answer_box.addWidget(self.answer_text)
        self.answer_button = QPushButton("Send ans&wer")
        self.answer_button.clicked.connect(self.answer)
        answer_box.addWidget(self.answer_button)
        answer_box.addStretch(1)
        grid.addLayout(answer_box, 5, 1, 1, 2)
        # anonymous contributions from every station (no name is ever received): one at a time on the
        # plenary window, the shared screen (rows 6-7)
        self.contributions_heading = _label("Contributions (anonymous)", "heading")
        grid.addWidget(self.contributions_heading, 6, 0, 1, 3)
        self.contributions = QListWidget()
        self.contributions.setAccessibleName("Contributions from the stations, anonymous, oldest first")
        self.contributions.setWordWrap(True)
        self.contributions.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.contributions.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.contributions.setMaximumHeight(180)
        # at its smallest, three lines: the detail pane is sized to its minimum and scrolls
        self.contributions.setMinimumHeight(3 * self.contributions.fontMetrics().lineSpacing() + 16)
        self.contributions.itemActivated.connect(lambda _item: self.show_contribution())
        grid.addWidget(self.contributions, 7, 0)
        shown_box = QVBoxLayout()
        self.show_contribution_button = QPushButton("Sh&ow on the shared screen")
        self.show_contribution_button.setAccessibleName("Show the selected contribution on the plenary window")
        self.show_contribution_button.clicked.connect(self.show_contribution)
        self.clear_contribution_button = QPushButton("Clear the s&hared screen")
        self.clear_contribution_button.setAccessibleName("Take the contribution off the plenary window")
        self.clear_contribution_button.clicked.connect(self.clear_contribution)
        self.shown_label = _label("Nothing shown on the shared screen.", "muted")
        self.shown_label.setAccessibleName("What the shared screen shows")
        buttons = QHBoxLayout()          # side by side: the card stays short on a laptop screen
        buttons.addWidget(self.show_contribution_button)
        buttons.addWidget(self.clear_contribution_button)
        shown_box.addLayout(buttons)
        shown_box.addWidget(self.shown_label)
        shown_box.addStretch(1)
        grid.addLayout(shown_box, 7, 1, 1, 2)
        grid.setColumnStretch(0, 5)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(2, 2)
        grid.setRowStretch(1, 1)
        grid.setRowStretch(3, 1)
        # the detail grows with a pod's seat timeline and the requests panel: it scrolls rather
        # than make the console taller than a 1366x768 laptop screen (issue 16)
        detail = FitScrollArea(bottom)
        # at its smallest, three lines of the detail (it scrolls; the splitter gives it more)
        detail.setMinimumHeight(3 * detail.fontMetrics().lineSpacing())
        splitter.addWidget(detail)
        splitter.setSizes([200, 500])
        self.activity = _label("", "small")
        self.activity.setAccessibleName("Latest station activity")

        live = QWidget()
        live_layout = QVBoxLayout(live)
        live_layout.setContentsMargins(0, 0, 0, 0)
        live_layout.addWidget(self.actions_card)
        live_layout.addWidget(splitter, 1)
        live_layout.addWidget(self.activity)
        self.live = live
        outer.addWidget(live, 1)

        if server is not None:
            self.attach(server)
        else:
            self._fill_library(scenario_path)
            self._show_live(False)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        QTimer.singleShot(0, self._fit_actions_card)

    def _fit_actions_card(self) -> None:
        """Give the action card the height its groups need at its width (one row or two)."""
        card = self.actions_card
        if not shiboken6.isValid(card) or card.layout() is None:
            return
        need = card.layout().totalHeightForWidth(card.width())
        if need > 0 and card.minimumHeight() != need:
            card.setMinimumHeight(need)

    # -- creating ---------------------------------------------------------------------------------------
    def _fill_library(self, chosen: str | Path | None) -> None:
        from ...engine import scan_library
        from ..main_window import library_folders
        if chosen:
            self._add_scenario_file(Path(chosen))
        try:
            entries = scan_library(library_folders())
        except Exception as exc:  # noqa: BLE001 - a broken library still leaves "Other file..."
            log.error("cannot scan the scenario library: %s", exc)
            entries = []
        for entry in entries:
            if entry.ok and (not chosen or Path(chosen).resolve() != entry.path.resolve()):
                self.scenario_box.addItem(f"{entry.scenario.title} ({entry.path.name})", str(entry.path))

    def _add_scenario_file(self, path: Path) -> None:
        self.scenario_box.insertItem(0, str(path), str(path))
        self.scenario_box.setCurrentIndex(0)

    @Slot()
    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a scenario", "", "Scenarios (*.yaml)")
        if path:
            self._add_scenario_file(Path(path))

    @Slot()
    def start_exercise(self) -> bool:
        """Create the exercise from the setup fields; the reason shows when it cannot start."""
        from ...exercise.server import ExerciseError, ExerciseServer
        from ...records.store import default_store_path
        path = self.scenario_box.currentData()
        if not path:
            self.setup_error.setText("Choose a scenario first (the list, or Other file\u2026).")
            return False
        try:
            server = ExerciseServer(Path(path), Path(self.store_path or default_store_path()),
                                    host=self.host_edit.text().strip() or "0.0.0.0", port=self.port_spin.value(),
                                    code=self.code_edit.text().strip() or None,
                                    order=self.order_box.currentData(),
                                    across_sites=self.across_sites_box.isChecked())
            server.start()
        except ExerciseError as exc:
            self.setup_error.setText(str(exc))
            return False
        self.setup_error.setText("")
        self.owns_server = True
        self.attach(server)
        return True

    def attach(self, server) -> None:
        """Show ``server`` (started): the join code, its syndicates, live from now on."""
        self.server = server
        server.subscribe(self.relay.emit_event)
        host, port = server.address
        code = server.display_code
        across = getattr(server, "across_sites", False)
        # a long code in groups of 5 would not fit at the training-room size
        self.code_label.setStyleSheet("font-size: %dpt; font-weight: 800; font-family: monospace; letter-spacing: "
                                      "%dpx;" % ((18, 2) if len(code) > 8 else (30, 6)))
        self.code_label.setText(code)
        mode = " \u2013 across sites (pods in different buildings)" if across else ""
        self.scenario_label.setText(f"Exercise: {server.scenario.title}{mode}")
        hosts = lan_addresses() if host in ("0.0.0.0", "::", "") else [host]
        self.address_label.setText(
            f"Stations: File > Join a facilitated exercise, then type address {' or '.join(hosts)}, port {port}, "
            f"code {code}.\nOr: hydra-sim --join {hosts[0]}:{port} --code {code} --syndicate NAME "
            "--member NAME" + ("\nShare the code by phone or in person, never in the message with the address."
                               if across else ""))
        self.fingerprint_label.setText(
            f"Certificate {server.short_fingerprint}: each station shows it once joined; compare by phone.")
        self.prepared_box.clear()
        for inject in server.scenario.all_injects():
            text = " ".join(str(inject.text).split())
            short = text if len(text) <= 70 else text[:70] + "\u2026"
            self.prepared_box.addItem(f"{inject.id}: {short}", inject.id)
            self.prepared_box.setItemData(self.prepared_box.count() - 1, text, Qt.ItemDataRole.ToolTipRole)
        fit_choices(self.prepared_box)
        self.prepared_button.setEnabled(self.prepared_box.count() > 0)
        self._fill_live_changes(server.scenario)
        self.setWindowTitle(f"Facilitator console: {server.scenario.title} \u2013 code {code} \u2013 hydra_sim")
        for view in server.snapshot():
            self._show_view(view)
        self.contributions.clear()
        for contribution in server.contributions():
            self._add_contribution(contribution)
        self._show_live(True)

    def _fill_live_changes(self, scenario) -> None:
        """The run conditions and seats the facilitator can change live (hidden when there are none)."""
        self.condition_box.clear()
        for name, variable in declared(scenario).items():
            self.condition_box.addItem(condition_title(scenario, name), name)
        has_conditions = self.condition_box.count() > 0
        for widget in (self.condition_label, self.condition_box, self.condition_value, self.condition_button):
            widget.setVisible(has_conditions)
        self.seat_box.clear()
        for seat_id, seat in scenario.seats.items():
            self.seat_box.addItem(seat.title, seat_id)
        for widget in (self.seat_label, self.seat_box, self.stand_in_button, self.hand_back_button):
            widget.setVisible(bool(scenario.seats))
        self._fill_condition_values()

    @Slot()
    def _fill_condition_values(self, _index: int = 0) -> None:
        self.condition_value.clear()
        server = getattr(self, "server", None)
        name = self.condition_box.currentData()
        if server is None or name is None:
            return
        variable = server.scenario.variables[name]
        for value in possible_values(variable):
            self.condition_value.addItem(value_label(server.scenario, name, value), value)
            self.condition_value.setItemData(self.condition_value.count() - 1,     # whole, when shortened
                                             value_label(server.scenario, name, value), Qt.ItemDataRole.ToolTipRole)
        fit_choices(self.condition_value)

    def _show_live(self, live: bool) -> None:
        self.setup_card.setVisible(not live)
        self.join_card.setVisible(live)
        self.live.setVisible(live)
        self._update_empty()

    def _update_empty(self) -> None:
        self.empty_label.setVisible(not self.model.views)

    # -- live ---------------------------------------------------------------------------------------------
    @Slot(object)
    def _on_event(self, event) -> None:
        if isinstance(event, SyndicateUpdated):
            self._show_view(event.view)
        elif isinstance(event, (InterventionApplied, InterventionFailed)):
            self._show_result(event.intervention)
        elif isinstance(event, StationJoined):
            self.activity.setText(f"{event.syndicate}: station {event.station_id} joined ({event.role}).")
        elif isinstance(event, StationLeft):
            self.activity.setText(f"{event.syndicate}: station {event.station_id} left"
                                  f"{f' ({event.reason})' if event.reason else ''}; it keeps recording locally.")
        elif isinstance(event, DecisionReceived):
            self.activity.setText(f"{event.syndicate}: decision at {event.decision.clock_label} "
                                  f"entered by {event.decision.entered_by or '?'}.")
        elif isinstance(event, ExerciseEnded):
            self.activity.setText("Every syndicate has finished: open the plenary debrief.")
        elif isinstance(event, ContributionReceived):
            self._add_contribution(event.contribution)
            self.activity.setText("A contribution arrived (anonymous): see Contributions.")

    def _add_contribution(self, contribution) -> None:
        when = time.strftime("%H:%M", time.localtime(contribution.received_at))
        item = QListWidgetItem(f"{when}  {contribution.text}")
        item.setData(Qt.ItemDataRole.UserRole, contribution.text)
        self.contributions.addItem(item)
        if self.contributions.currentRow() < 0:
            self.contributions.setCurrentRow(0)

    @Slot()
    def show_contribution(self):
        """The selected contribution on the plenary window (opened if it is not), large, with no name."""
        item = self.contributions.currentItem()
        if item is None:
            self._show_error("shared screen", "select a contribution to show first")
            return None
        window = self.plenary_window
        if window is None or not shiboken6.isValid(window) or not window.isVisible():
            window = self.open_plenary()
            if window is None:
                return None
        text = item.data(Qt.ItemDataRole.UserRole)
        window.show_contribution(text)
        window.raise_()
        self.shown_label.setText(f"On the shared screen: \u201c{text}\u201d")
        return window

    @Slot()
    def clear_contribution(self) -> None:
        window = self.plenary_window
        if window is not None and shiboken6.isValid(window):
            window.show_contribution(None)
        self.shown_label.setText("Nothing shown on the shared screen.")

    def _show_view(self, view) -> None:
        row = self.model.set_view(view)
        if self.target_box.findData(view.name) < 0:
            self.target_box.addItem(view.name, view.name)
            self._room_for_every_syndicate()
        if self.table.currentIndex().row() < 0 and row == 0:
            self.table.selectRow(0)
        for item in view.interventions:
            self._show_result(item)
        if view.name == self._selected:
            self._show_detail(view)
        self._update_empty()

    def _room_for_every_syndicate(self) -> None:
        """When a syndicate joins, give the syndicates table the height its rows need, taken from the
        detail below as far as the detail's minimum allows: a decision in a row out of view is seen
        only when the facilitator scrolls to it (the table had a fixed share, six rows on a
        1920x1080 screen, two on a laptop)."""
        sizes = self.splitter.sizes()
        if len(sizes) != 2 or sum(sizes) <= 0:
            return
        table = self.table
        want = (table.horizontalHeader().height() + 2 * table.frameWidth() + 4
                + sum(table.rowHeight(r) for r in range(self.model.rowCount())))
        top = self.splitter.widget(0)
        want += top.height() - table.height()            # the heading and the empty-state line above it
        detail_least = self.splitter.widget(1).minimumSizeHint().height()
        first = min(max(sizes[0], want), sum(sizes) - detail_least)
        if first > sizes[0]:
            self.splitter.setSizes([first, sum(sizes) - first])

    def _show_result(self, item) -> None:
        text = intervention_text(item)
        existing = self._result_items.get(item.command_id)
        if existing is None:
            existing = QListWidgetItem(text)
            self._result_items[item.command_id] = existing
            self.results.insertItem(0, existing)
        elif existing.text() != text:
            existing.setText(text)

    def _show_error(self, what: str, reason: str) -> None:
        self.results.insertItem(0, QListWidgetItem(f"{what} \u2013 \u2716 failed: {reason}"))

    @Slot(QModelIndex, QModelIndex)
    def _on_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        view = self.model.views[current.row()]
        self._selected = view.name
        self.target_box.setCurrentIndex(max(0, self.target_box.findData(view.name)))
        self._show_detail(view)

    def _show_detail(self, view) -> None:
        members = ", ".join(view.members) or "no members listed"
        self.detail_heading.setText(f"{view.name} ({members}) \u2013 {view.clock_label or '--:--'} \u2013 "
                                    f"{view.scene_title or 'not started'} \u2013 {run_state(view)}")
        table = self.decisions
        table.setRowCount(len(view.decisions))
        for row, d in enumerate(view.decisions):
            took = "" if d.decision_seconds is None else f"{d.decision_seconds:.0f} s"
            rationale = d.rationale if isinstance(d.rationale, str) else (
                "; ".join(f"{k}: {v}" for k, v in d.rationale.items()) if isinstance(d.rationale, dict) else "")
            who = "the seat's stand-in" if d.stand_in else d.entered_by   # never a trainee's decision
            for column, text in enumerate((d.clock_label, d.scene_title, d.choice_text, rationale, who, took)):
                item = QTableWidgetItem(str(text))
                if column in (2, 3) and text:
                    item.setToolTip(html.escape(str(text)))
                table.setItem(row, column, item)
        table.resizeRowsToContents()
        tallest = table.fontMetrics().lineSpacing() * 4 + 10      # long choices: 4 lines here, all in the tooltip
        for row in range(table.rowCount()):
            if table.rowHeight(row) > tallest:
                table.setRowHeight(row, tallest)
        if view.decisions:
            table.scrollToBottom()
        self.received.clear()
        for inject in view.injects:
            who = "facilitator" if inject.get("by_facilitator") else "scenario"
            text = " ".join(str(inject.get("text") or "").split())
            self.received.addItem(f"\u2709 inject ({who}): {text[:120]}")
        for item in view.interventions:
            if item.action != "inject":
                self.received.addItem(f"\u2691 {intervention_text(item)}")
        self._show_seats(view)
        self._show_requests(view)

    def _show_seats(self, view) -> None:
        """A pod's seats on one timeline (from the server's seat views); hidden without seats."""
        server = getattr(self, "server", None)
        seated = server is not None and bool(server.scenario.seats)
        self.seats_heading.setVisible(seated)
        self.seats_table.setVisible(seated)
        if not seated:
            return
        rows = timeline(server.seat_views(view.name))
        playing = ", ".join(f"{seat}: {station}" for seat, station in view.seats.items()) or "no seat station yet"
        self.seats_heading.setText(f"Each seat's stream, one timeline ({playing})")
        marks = {"scene": "\u25b8", "inject": "\u2691", "message": "\u2709", "decision": "\u2714"}
        rows = sorted(rows + self._live_change_rows(view), key=lambda r: r["clock"])   # stable: same minute, after
        self.seats_table.setRowCount(len(rows))
        for row, item in enumerate(rows):
            what = f"{marks.get(item['kind'], '')} {item['kind']}: {' '.join(str(item['text']).split())}"
            if item["kind"] == "facilitator":
                what = f"\u2691 {item['text']}"
            for column, text in enumerate((item["clock_label"], item["seat_title"], what)):
                cell = QTableWidgetItem(text)
                if column == 2:
                    cell.setToolTip(html.escape(text))
                self.seats_table.setItem(row, column, cell)
        if rows:
            self.seats_table.scrollToBottom()

    def _live_change_rows(self, view) -> list[dict]:
        """The live changes applied to this pod, as timeline rows (the facilitator's, not a seat's)."""
        scenario = self.server.scenario
        rows = []
        for item in view.interventions:
            if item.status != "applied" or item.clock is None:
                continue
            if item.action == "set_condition":
                text = (f"run condition changed: {condition_title(scenario, item.variable)} is now "
                        f"{value_label(scenario, item.variable, item.value)}")
            elif item.action in ("stand_in", "hand_back"):
                seat = scenario.seats.get(item.seat)
                title = seat.title if seat else item.seat
                text = (f"{title} handed to its stand-in" if item.action == "stand_in"
                        else f"{title} handed back to its station")
            else:
                continue
            rows.append({"clock": item.clock, "clock_label": format_clock(scenario.incident_start, item.clock),
                         "seat_title": "Facilitator", "kind": "facilitator", "text": text})
        return rows

    def _show_requests(self, view) -> None:
        """The syndicate's requests, waiting ones first marked; keeps the one selected if it is still there."""
        chosen = self.requests_list.currentItem()
        chosen_index = chosen.data(Qt.ItemDataRole.UserRole) if chosen is not None else None
        self.requests_list.blockSignals(True)
        self.requests_list.clear()
        partners = self.server.scenario.partners if self.server is not None else {}
        for request in view.requests:
            partner = partners.get(request.get("partner"))
            name = partner.name if partner else str(request.get("partner"))
            state = (f"answered: {request.get('answer')}" if request.get("answered_at") is not None
                     else "WAITING for your answer" if not request.get("auto") else "canned reply on its way")
            item = QListWidgetItem(f"#{request.get('index')} to {name} ({request.get('urgency')}): "
                                   f"{request.get('question')}\n   {state}")
            item.setData(Qt.ItemDataRole.UserRole, request.get("index"))
            self.requests_list.addItem(item)
            if request.get("index") == chosen_index:
                self.requests_list.setCurrentItem(item)
        self.requests_list.blockSignals(False)
        if self.requests_list.currentItem() is not None:
            return                  # the same request stays selected, with the reply the facilitator chose
        if self.requests_list.count():        # the first waiting for an answer (its replies fill the list)
            waiting = [i for i, r in enumerate(view.requests) if r.get("answered_at") is None]
            self.requests_list.setCurrentRow(waiting[0] if waiting else self.requests_list.count() - 1)
        else:
            self._on_request_selected(-1)

    def _selected_request(self) -> dict | None:
        view = self.model.view(self._selected) if self._selected else None
        item = self.requests_list.currentItem()
        if view is None or item is None:
            return None
        index = item.data(Qt.ItemDataRole.UserRole)
        return next((r for r in view.requests if r.get("index") == index), None)

    @Slot(int)
    def _on_request_selected(self, _row: int) -> None:
        """The canned replies of the selected request's partner (the one its keywords matched first)."""
        request = self._selected_request()
        self.answer_reply.clear()
        partners = self.server.scenario.partners if self.server is not None else {}
        partner = partners.get(request.get("partner")) if request else None
        replies = list(partner.replies.values()) if partner else []
        replies.sort(key=lambda r: r.id != request.get("matched"))
        for reply in replies:
            self.answer_reply.addItem(f"Canned: {reply.title}", reply.id)
        self.answer_reply.addItem("Free text (below)", None)

    @Slot()
    def answer(self) -> list:
        """Answer the selected request as its partner: the canned reply chosen, or the free text."""
        request = self._selected_request()
        if request is None:
            self._show_error("answer", "select a syndicate and one of its requests first")
            return []
        reply, text = self.answer_reply.currentData(), self.answer_text.text().strip()
        if reply is None and not text:
            self._show_error("answer", "choose a canned reply, or type the answer")
            return []
        name, index = self._selected, request.get("index")
        made = self._intervene(f"answer to {name}'s request {index}", lambda: self.server.answer(
            name, index, reply=reply) if reply is not None else self.server.answer(name, index, text=text))
        if made and reply is None:
            self.answer_text.clear()
        return made

    # -- actions ---------------------------------------------------------------------------------------------
    def target(self) -> str:
        return self.target_box.currentData() or ALL

    def _target_words(self) -> str:
        target = self.target()
        return "every syndicate" if target == ALL else f"syndicate {target}"

    def _intervene(self, what: str, call) -> list:
        from ...exercise.server import ExerciseError
        if self.server is None:
            return []
        try:
            made = call()
        except ExerciseError as exc:
            self._show_error(what, str(exc))
            return []
        if not made:
            self._show_error(what, "no syndicate to send it to (none has joined, or all have ended)")
        for item in made:
            self._show_result(item)
        return made

    @Slot()
    def send_text_inject(self) -> list:
        text = self.inject_text.text().strip()
        if not text:
            self._show_error("inject", "type the inject's text first")
            return []
        made = self._intervene(f"inject to {self._target_words()}", lambda: self.server.inject(self.target(), text=text))
        if made:
            self.inject_text.clear()
        return made

    @Slot()
    def send_prepared_inject(self) -> list:
        inject_id = self.prepared_box.currentData()
        if not inject_id:
            self._show_error("prepared inject", "the scenario has no prepared injects")
            return []
        return self._intervene(f"inject '{inject_id}'", lambda: self.server.inject(self.target(), inject_id=inject_id))

    @Slot()
    def pause(self) -> list:
        return self._intervene(f"pause {self._target_words()}", lambda: self.server.pause(self.target()))

    @Slot()
    def resume(self) -> list:
        return self._intervene(f"resume {self._target_words()}", lambda: self.server.resume(self.target()))

    def adjust_timer(self, seconds: int) -> list:
        return self._intervene(f"timer {seconds:+d} s", lambda: self.server.adjust_timer(self.target(), int(seconds)))

    @Slot()
    def set_condition(self) -> list:
        """Change the chosen run condition to the chosen value now, for the syndicate(s) in 'Send to'."""
        name, value = self.condition_box.currentData(), self.condition_value.currentData()
        if name is None or value is None:
            self._show_error("run condition", "the scenario has no run conditions")
            return []
        return self._intervene(f"run condition {name} for {self._target_words()}",
                               lambda: self.server.set_condition(self.target(), name, value))

    @Slot()
    def stand_in(self) -> list:
        return self._hand_over(back=False)

    @Slot()
    def hand_back(self) -> list:
        return self._hand_over(back=True)

    def _hand_over(self, back: bool) -> list:
        seat = self.seat_box.currentData()
        what = f"seat {seat} " + ("back" if back else "to its stand-in")
        if seat is None:
            self._show_error(what, "the scenario has no seats")
            return []
        return self._intervene(what, lambda: self.server.stand_in(self.target(), seat, back=back))

    @Slot()
    def end(self) -> list:
        words = self._target_words()
        if not self.confirm(f"End the session of {words} now? It is scored as it stands, marked "
                            "\u201cended by the facilitator\u201d. This cannot be undone."):
            return []
        return self._intervene(f"end {words}", lambda: self.server.end(self.target()))

    @Slot()
    def release_seat(self) -> bool:
        """Free the selected syndicate's recording seat, after asking: its next recording station takes it."""
        from ...exercise.server import ExerciseError
        name = self._selected
        if self.server is None or name is None:
            self._show_error("release the recording seat", "select a syndicate first")
            return False
        if not self.confirm(f"Release syndicate {name}'s recording seat? Do this only when its station's "
                            "computer was replaced: the next recording station to join takes the seat, and "
                            "the old one is refused if it comes back."):
            return False
        try:
            self.server.release_station(name)
        except ExerciseError as exc:
            self._show_error("release the recording seat", str(exc))
            return False
        self.results.insertItem(0, QListWidgetItem(f"recording seat of {name} released – the next "
                                                   "recording station to join takes it"))
        return True

    def _ask(self, question: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, "Please confirm", question,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    @Slot()
    def open_plenary(self):
        from .plenary import PlenaryWindow
        if self.server is None:
            return None
        ids = self.server.session_ids()
        if not ids:
            self._show_error("plenary debrief", "no syndicate has recorded anything yet")
            return None
        self.plenary_window = PlenaryWindow.from_store_path(self.server.store_path, ids)
        self.plenary_window.show()
        return self.plenary_window

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.server is not None:
            self.server.unsubscribe(self.relay.emit_event)
            if self.owns_server:
                self.server.stop()
        super().closeEvent(event)


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback (what stations type), or the host name."""
    from PySide6.QtNetwork import QAbstractSocket, QHostAddress, QNetworkInterface
    found = [a.toString() for a in QNetworkInterface.allAddresses()
             if a.protocol() == QAbstractSocket.NetworkLayerProtocol.IPv4Protocol
             and not a.isLoopback() and a != QHostAddress(QHostAddress.SpecialAddress.LocalHost)]
    if not found:
        import socket
        found = [socket.gethostname()]
    return found


def run(args) -> int:
    """``hydra-sim facilitate SCENARIO`` (no --headless): the console on a new exercise; the exit code."""
    from ...exercise.commands import start_server
    from ..application import install_qt_message_handler, settings_for_home
    from ..theme import apply as apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("hydra_sim")
    install_qt_message_handler()
    settings = settings_for_home()
    high_contrast = settings.value("view/high_contrast", False, type=bool)
    apply_theme(app, app.font().pointSizeF() or 10.0, float(settings.value("view/zoom", 1.0)), high_contrast)
    server = start_server(args)
    if server is None:
        return 1
    console = ExerciseConsole(server, high_contrast=high_contrast, settings=settings)
    console.owns_server = True
    console.show()
    return int(app.exec())

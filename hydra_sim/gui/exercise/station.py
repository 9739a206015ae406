"""Station mode of the trainee app: join a facilitated exercise and keep the facilitator in step.

``JoinDialog`` asks for the facilitator's address, the join code, the syndicate, its members
and the station's role. ``ExerciseStation`` links the app's session controller to the
facilitator with a ``StationLink``: the link's callbacks (on its network thread) go through a
``Relay`` to the GUI thread, interventions are applied there by the controller (inside its
``_turn``, so they are stored like any input), and the link is told to send only once the
controller's writer says a write is durable. ``FollowerWindow`` is the read-only mirror for
a team member's second screen (with the one-line box, contribute.py, to say something to the plenary
anonymously). Must not import the runner or the store; holds no rules.
"""

from __future__ import annotations

import html
import logging
import socket
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...exercise.protocol import DEFAULT_PORT
from ...exercise.seats import load_token, save_token
from ...exercise.station import DEFAULT_BACKOFF, StationLink
from ..safe_text import plain_tooltip
from ..widgets import WrapLabel, banner, read_only_table
from ..window_geometry import place
from .contribute import ContributeBox
from .relay import Relay

log = logging.getLogger(__name__)

SEED_WAIT_SECONDS = 3.0      # how long a new station session waits for the facilitator's presentation seed
ROLES = (("recording", "Recording station (enters the decisions)"),
         ("follower", "Follower (a read-only copy)"),
         ("seat", "Seat station (a pod: plays one seat of a seated scenario)"))


@dataclass
class JoinRequest:
    """What a station needs to join: where, the code, who, and which scenario (by id)."""
    host: str
    port: int
    code: str
    syndicate: str
    members: list[str] = field(default_factory=list)
    role: str = "recording"
    scenario_id: str = ""
    station_id: str = ""
    seat: str = ""               # role "seat": the scenario seat this pod plays (exercise/pods.py)

    def __post_init__(self) -> None:
        if not self.station_id and self.seat:
            self.station_id = f"{self.syndicate}-{self.seat}-{socket.gethostname()}"[:64]
        if not self.station_id:
            # stable per machine and syndicate: a label for the console (the seat token, kept beside
            # the store by exercise/seats.py, is what lets a restarted station take its role back)
            self.station_id = f"{self.syndicate}-{socket.gethostname()}"[:64]


def split_address(text: str, default_port: int = DEFAULT_PORT) -> tuple[str, int]:
    """'10.0.0.5:8765' -> ('10.0.0.5', 8765); a bare host gets ``default_port``; ValueError if unreadable."""
    text = text.strip()
    host, sep, port = text.rpartition(":")
    if not sep or "]" in port:
        return text, default_port
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"'{port}' is not a port number (1 to 65535)")
    return host.strip("[]"), int(port)


class JoinDialog(QDialog):
    """Host, port, code, syndicate, members, role and scenario. ``request()`` reads them back."""

    def __init__(self, scenarios: list[tuple[str, str]], parent: QWidget | None = None,
                 initial: JoinRequest | None = None):
        super().__init__(parent)
        self.setWindowTitle("Join a facilitated exercise")
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        intro = QLabel("Type what the facilitator's screen shows: the address and the join code. Your syndicate "
                       "plays the same scenario as the facilitator; your decisions are saved on this computer "
                       "and sent to the facilitator.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.host = QLineEdit()
        self.host.setPlaceholderText("e.g. 10.0.0.5")
        self.host.setAccessibleName("Facilitator's address (host)")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.port.setAccessibleName("Port")
        self.code = QLineEdit()
        self.code.setPlaceholderText("e.g. K7QM2X; across sites 5 groups of 5, e.g. K7QM2-XH4PA-\u2026")
        self.code.setAccessibleName("Join code")
        self.syndicate = QLineEdit()
        self.syndicate.setPlaceholderText("e.g. Alpha")
        self.syndicate.setAccessibleName("Syndicate name")
        self.members = QPlainTextEdit()
        self.members.setPlaceholderText("One per line: pseudonyms or collar numbers, e.g.\nPC 1234\nSgt 567")
        self.members.setAccessibleName("Syndicate members, one per line")
        self.members.setTabChangesFocus(True)
        self.members.setFixedHeight(110)
        self.role = QComboBox()
        self.role.setAccessibleName("This station's role")
        for key, text in ROLES:
            self.role.addItem(text, key)
        self.scenario = QComboBox()
        self.scenario.setAccessibleName("Scenario (the one the facilitator runs)")
        for scenario_id, title in scenarios:
            self.scenario.addItem(f"{title} ({scenario_id})", scenario_id)
        form.addRow("Facilitator's &address", self.host)
        form.addRow("&Port", self.port)
        form.addRow("Join &code", self.code)
        form.addRow("&Syndicate", self.syndicate)
        form.addRow("&Members", self.members)
        form.addRow("&Role", self.role)
        self.seat = QLineEdit()
        self.seat.setPlaceholderText("a seat station only: the seat id the facilitator gave your pod, e.g. control")
        self.seat.setAccessibleName("Seat (a pod's seat station)")
        form.addRow("S&eat", self.seat)
        form.addRow("S&cenario", self.scenario)
        layout.addLayout(form)
        self.error = QLabel("")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.setAccessibleName("What needs fixing")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.join_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.join_button.setText("&Join the exercise")
        self.join_button.setProperty("role", "primary")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.role.setToolTip("One recording station per syndicate enters its decisions; followers show the same "
                             "view read-only on other screens.")
        self.code.textEdited.connect(self._upper_code)
        for edit in (self.host, self.code, self.syndicate):
            edit.textChanged.connect(lambda _text: self.error.setText(""))
        self.members.textChanged.connect(lambda: self.error.setText(""))
        if initial is not None:
            self.fill(initial)

    @Slot(str)
    def _upper_code(self, text: str) -> None:
        if text != text.upper():
            position = self.code.cursorPosition()
            self.code.setText(text.upper())
            self.code.setCursorPosition(position)

    def fill(self, request: JoinRequest) -> None:
        self.host.setText(request.host)
        self.port.setValue(int(request.port))
        self.code.setText(request.code.upper())
        self.syndicate.setText(request.syndicate)
        self.members.setPlainText("\n".join(request.members))
        self.role.setCurrentIndex(max(0, self.role.findData(request.role)))
        self.seat.setText(request.seat)
        if request.scenario_id:
            self.scenario.setCurrentIndex(max(0, self.scenario.findData(request.scenario_id)))

    def problem(self) -> str:
        """What is missing or wrong, in words ('' when the form is complete)."""
        try:
            split_address(self.host.text(), self.port.value())
        except ValueError as exc:
            return f"Address: {exc}."
        if not self.host.text().strip():
            return "Type the facilitator's address (shown on the facilitator's screen)."
        if len("".join(ch for ch in self.code.text() if ch.isalnum())) < 4:
            return "Type the join code shown on the facilitator's screen."
        if not self.syndicate.text().strip():
            return "Type your syndicate's name (e.g. Alpha)."
        if self.role.currentData() == "recording" and not self._members():
            return "List the syndicate's members, one per line: each decision records who entered it."
        if self.role.currentData() == "seat" and not self.seat.text().strip():
            return "Type your pod's seat (the facilitator tells each pod its seat, e.g. control)."
        if self.scenario.currentData() is None:
            return "No scenario is available in this app's library: ask the facilitator for the scenario file."
        return ""

    def _members(self) -> list[str]:
        return [m.strip() for m in self.members.toPlainText().splitlines() if m.strip()]

    def request(self) -> JoinRequest:
        host, port = split_address(self.host.text(), self.port.value())
        role = self.role.currentData()
        return JoinRequest(host, port, self.code.text().strip().upper(), self.syndicate.text().strip(),
                           self._members(), role, self.scenario.currentData() or "",
                           seat=self.seat.text().strip() if role == "seat" else "")

    def accept(self) -> None:
        problem = self.problem()
        self.error.setText(problem)
        if problem:
            return
        super().accept()


class ExerciseStation(QObject):
    """Links the app's session controller (a recording station) to the facilitator."""

    status_changed = Signal(bool, str)      # connected, message
    refused = Signal(str)                   # the facilitator refused this station for good (the reason)
    intervention_failed = Signal(str)       # an intervention could not be applied here (the reason)

    def __init__(self, request: JoinRequest, controller, scenario, *, backoff=DEFAULT_BACKOFF,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.request = request
        self.controller = controller
        self.connected = False
        self.message = "connecting to the facilitator"
        self.relay = Relay(self)             # lives on the GUI thread: the link's callbacks are queued to it
        self.relay.command.connect(self._apply)
        self.relay.status.connect(self._on_status)
        self.link = StationLink(request.host, request.port, request.code, request.syndicate, request.station_id,
                                request.members, role="recording", store=controller.store,
                                scenario_id=scenario.id, scenario_hash=scenario.content_hash,
                                on_command=self.relay.emit_command, on_status=self.relay.emit_status,
                                backoff=backoff, token=load_token(controller.store.path, request.syndicate),
                                on_token=lambda token: save_token(controller.store.path, request.syndicate, token))
        # send only what is durable: the controller writes on a worker thread (store_writer.py)
        controller.writer.written.connect(self._on_written)

    def start(self) -> None:
        """The controller's session is in place: mark it facilitated and start sending it."""
        self.controller.mark_facilitated()
        self.link.start()
        self.link.attach_session(self.controller.session_id)

    @Slot(int)
    def _on_written(self, _job: int) -> None:
        self.link.notify()

    @Slot(object)
    def _apply(self, command) -> None:
        from ...engine import RunnerError
        try:
            self.controller.apply_intervention(command.action, **command.params())
        except RunnerError as exc:
            log.info("intervention %s not applied: %s", command.command_id, exc)
            self.link.command_failed(command.command_id, str(exc))
            self.intervention_failed.emit(str(exc))

    @Slot(bool, str)
    def _on_status(self, connected: bool, message: str) -> None:
        self.connected, self.message = connected, message
        self.status_changed.emit(connected, message)
        if self.link.failed:
            self.refused.emit(self.link.last_error or message)

    def close(self, wait: float = 0.0) -> bool:
        """Stop linking (after ``wait`` s for the facilitator to hold everything); True if synced."""
        try:
            self.controller.writer.written.disconnect(self._on_written)
        except (RuntimeError, TypeError):
            pass
        synced = self.link.wait_synced(wait) if wait > 0 and self.link.connected else False
        self.link.close()
        return synced


class LinkWindow(QWidget):
    """A station window with its own link (``self.link``, ``self.link_label``): the connection line, and
    the link closed with the window. Shared by the follower's and a pod's seat station's screens."""

    def _top(self, layout: QVBoxLayout, title: str) -> None:
        """The window's title line, with the connection state at its right (``self.title``, ``self.link_label``)."""
        layout.setContentsMargins(16, 12, 16, 12)
        top = QHBoxLayout()
        self.title = WrapLabel(title, role="title")
        top.addWidget(self.title, 1)
        self.link_label = WrapLabel("\u25cb Connecting\u2026")
        self.link_label.setAccessibleName("Connection to the facilitator")
        self.link_label.setWordWrap(False)          # one line; the full reason is in its tooltip
        top.addWidget(self.link_label)
        layout.addLayout(top)

    @Slot(bool, str)
    def _on_status(self, connected: bool, message: str) -> None:
        self.link_label.setText(f"\u25cf Connected to the facilitator (certificate {self.link.short_fingerprint})"
                                if connected else f"\u25cb Not connected: {message}")
        self.link_label.setToolTip(html.escape(message))

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.link.close()
        super().closeEvent(event)


class FollowerWindow(LinkWindow):
    """A follower station: the syndicate's scene, clock and decisions, read-only, updated live.

    Shows the newest ``SyndicateView`` the facilitator sends: the clock and current scene, a
    banner while the facilitator has paused the syndicate, every decision (time, scene,
    choice, who entered it; the rationale in the tooltip) and the updates (injects) received.
    """

    def __init__(self, request: JoinRequest, *, backoff=DEFAULT_BACKOFF, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Syndicate {request.syndicate} (follower) \u2013 hydra_sim")
        place(self, (1000, 700))
        self.request = request
        self.view = None
        layout = QVBoxLayout(self)
        self._top(layout, f"Syndicate {request.syndicate} \u2013 follower screen")
        # the clock and scene, as large as the trainee screen's: the follower reads it from across a table
        self.heading = WrapLabel(f"Syndicate {request.syndicate}: waiting for the facilitator\u2026", role="heading")
        self.heading.setAccessibleName("Syndicate, clock and current scene")
        layout.addWidget(self.heading)
        self.paused_banner, self.paused_text = banner(
            "paused", "\u2016 PAUSED BY THE FACILITATOR: the syndicate's clock is stopped until the "
                      "facilitator resumes it.")
        layout.addWidget(self.paused_banner)
        self.note = WrapLabel("Read-only: decisions are entered on the syndicate's recording station. Hover a "
                           "decision for the rationale.", role="muted")
        layout.addWidget(self.note)
        fit, drag, stretch = (QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Interactive,
                              QHeaderView.ResizeMode.Stretch)
        self.table = read_only_table(["Time", "Scene", "Decision", "Entered by"], "The syndicate's decisions so far",
                                     (fit, drag, stretch, fit))
        header = self.table.horizontalHeader()
        header.resizeSection(1, 300)
        layout.addWidget(self.table, 3)
        layout.addWidget(WrapLabel("Updates received (injects; the facilitator's are marked)", role="heading"))
        self.updates = QListWidget()
        self.updates.setAccessibleName("Updates the syndicate received")
        self.updates.setWordWrap(True)
        layout.addWidget(self.updates, 1)
        self.contribute = ContributeBox(lambda text: self.link.contribute(text))
        layout.addWidget(self.contribute)
        self.relay = Relay(self)
        self.relay.update.connect(self.show_view)
        self.relay.status.connect(self._on_status)
        self.relay.error.connect(self.contribute.refused)      # a follower's only sent message: a contribution
        self.link = StationLink(request.host, request.port, request.code, request.syndicate, request.station_id,
                                request.members, role="follower", scenario_id=request.scenario_id,
                                on_update=self.relay.emit_update, on_status=self.relay.emit_status,
                                on_error=self.relay.emit_error, backoff=backoff)

    def start(self) -> None:
        self.link.start()

    @Slot(object)
    def show_view(self, view) -> None:
        self.view = view
        state = " (paused by the facilitator)" if view.paused else ""
        if view.ended:
            state = f" (ended: {view.outcome or view.ending_id})"
        self.heading.setText(f"Clock {view.clock_label or '--:--'} \u2013 current scene: "
                             f"{view.scene_title or 'not started'}{state}")
        self.paused_banner.setVisible(bool(view.paused) and not view.ended)
        self.table.setRowCount(len(view.decisions))
        for row, decision in enumerate(view.decisions):
            choice = "\u23f1 time ran out" if decision.expired else decision.choice_text
            for column, text in enumerate((decision.clock_label, decision.scene_title, choice,
                                           decision.entered_by or "not recorded")):
                item = QTableWidgetItem(str(text))
                if column == 2 and isinstance(decision.rationale, str) and decision.rationale:
                    item.setToolTip(html.escape(f"Why: {decision.rationale}"))
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        for row in range(self.table.rowCount()):          # air between decisions, read from a distance
            self.table.setRowHeight(row, self.table.rowHeight(row) + 10)
        if view.decisions:
            self.table.scrollToBottom()          # the newest decision in sight
        self.updates.clear()
        for inject in view.injects:
            text = str(inject.get("text") or inject.get("inject_id") or "")
            self.updates.addItem(f"\u2691 From the facilitator: {text}" if inject.get("by_facilitator") else text)



# -- the main window's side: join, play, leave ------------------------------------------------------
def library_scenarios(window) -> list:
    """The app library's valid scenarios (the station plays the facilitator's scenario by id)."""
    return [entry.scenario for entry in window.reload_library() if entry.ok]


def ask_join(window, initial: JoinRequest | None = None, *, backoff=DEFAULT_BACKOFF):
    """File > Join a facilitated exercise...: the dialog, then :func:`join`. Returns what ``join`` returns."""
    scenarios = library_scenarios(window)
    dialog = JoinDialog([(s.id, s.title) for s in scenarios], window, initial)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return join(window, dialog.request(), backoff=backoff)


def join(window, request: JoinRequest, *, backoff=DEFAULT_BACKOFF):
    """Join as ``request`` says: a follower window, or this app's session as the recording station.

    A recording station resumes the syndicate's unfinished session of that scenario if this
    computer has one (the station restarted), else starts a new one. Returns the
    ``ExerciseStation`` / ``FollowerWindow``, or None (the start screen says why)."""
    from ..persistence import StoreError, TraineeInfo

    if request.role in ("follower", "seat"):
        from .seat import SeatWindow           # a pod's seat station (imported here: it builds on this module)
        if request.role == "seat":             # with the library's copy of the scenario, if it has one:
            # rank and NDM panels, documents and reference items need it (the link checks its hash)
            scenario = next((s for s in library_scenarios(window) if s.id == request.scenario_id), None)
            follower = SeatWindow(request, scenario=scenario, backoff=backoff)
        else:
            follower = FollowerWindow(request, backoff=backoff)
        window._exercise_follower = follower          # top-level: keep a reference
        follower.show()
        follower.start()
        return follower
    scenario = next((s for s in library_scenarios(window) if s.id == request.scenario_id), None)
    if scenario is None:
        window.start_screen.show_error(f"The scenario '{request.scenario_id}' is not in this app's library: copy "
                                       "the facilitator's scenario file into your scenarios folder and join again.")
        return None
    if not window.store_ready():             # the session is recorded here: the store must be open
        return None
    leave(window)
    controller = window.controller
    trainee = TraineeInfo(request.syndicate, ", ".join(request.members))
    incident = window.incident_screen       # built (and listening) before the session starts
    station = ExerciseStation(request, controller, scenario, backoff=backoff, parent=window)
    try:
        previous = [s for s in controller.store.unfinished_sessions(request.syndicate) if s.scenario_id == scenario.id]
        window.chosen_scenario, window.trainee = scenario, trainee
        if previous:
            controller.resume(previous[0].session_id, scenario, trainee)    # its stored seed, whatever the welcome
            if controller.facilitator_paused:
                controller.pause()          # paused by the facilitator before the station stopped
        else:
            # The facilitator chooses the option order (one for all syndicates, or one each) and
            # says which in its welcome; a moment's wait for it on joining. Unreachable: our own.
            station.link.start()
            controller.start(scenario, trainee, seed=station.link.wait_for_seed(SEED_WAIT_SECONDS))
    except StoreError as exc:
        station.close()
        window.start_screen.show_error(window.errors.report(window, exc).message)
        return None
    incident.set_exercise(request.syndicate, request.members)
    incident.set_link_state(False, "Connecting to the facilitator\u2026")
    station.status_changed.connect(
        lambda connected, message: incident.set_link_state(connected, message, station.link.short_fingerprint))
    station.refused.connect(lambda reason: _refused(window, incident, reason))
    window.exercise_station = station
    station.start()
    window.setWindowTitle(f"{scenario.title} \u2013 syndicate {request.syndicate} \u2013 hydra_sim")
    if controller.running:
        window._switch(incident)
        incident.show_scene()
    elif controller.report is not None:
        window._on_session_ended(controller.report)
    return station


def _refused(window, incident, reason: str) -> None:
    incident.link_label.setText("\u26a0 Refused by the facilitator")
    incident.link_label.setToolTip(plain_tooltip(reason))     # the server's words: never rich text
    log.warning("the facilitator refused this station: %s", reason)
    if window.show_error_windows:
        from PySide6.QtWidgets import QMessageBox
        box = QMessageBox(QMessageBox.Icon.Warning, "The facilitator refused this station",
                          f"{reason}\n\nYour decisions are still saved on this computer.",
                          QMessageBox.StandardButton.Ok, window)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()


def leave(window, wait: float = 0.0) -> None:
    """Stop being a station (the facilitator is given up to ``wait`` s to receive the last records)."""
    station = getattr(window, "exercise_station", None)
    if station is not None:
        station.close(wait)
        window.exercise_station = None
        if window._incident is not None:
            window._incident.clear_exercise()


def schedule_join(args) -> None:
    """``hydra-sim --join HOST:PORT --code C --syndicate S --member M``: once the app's window is up,
    open the join dialog filled in from the command line (the trainee checks it and joins)."""
    import sys

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ..main_window import MainWindow

    host, port = split_address(args.join)
    initial = JoinRequest(host, port, args.join_code or "", args.join_syndicate or "", list(args.join_members or []))
    app = QApplication.instance() or QApplication(sys.argv[:1])

    def open_dialog() -> None:
        window = next((w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()), None)
        if window is not None:
            window.ask_join(initial)
    QTimer.singleShot(0, open_dialog)

"""A pod's seat station screen: one seat of a seated scenario, in a facilitated exercise.

``SeatWindow`` joins the syndicate as a seat station (a follower that names its seat;
exercise/pods.py): the facilitator sends it only its seat's view, which it shows (its seat's
stream: scenes, injects, messages as they arrived, its decisions; and, when the story is at one
of its scenes, that scene's text and options). Its pod answers choose-one and choose-many
decisions here; the answer goes to the facilitator, who relays it to the pod's recording station.
A refusal is shown in words. Decisions of other kinds (rank, NDM rationale) are not yet entered
here: the window says so. Must not import the runner or the store; holds no rules.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...exercise.station import DEFAULT_BACKOFF, StationLink
from ..widgets import WrapLabel, banner
from ..window_geometry import place
from .relay import Relay
from .station import LinkWindow

MARKS = {"scene": "\u25b8", "inject": "\u2691", "message": "\u2709", "decision": "\u2714"}
ENTERED_HERE = ("choose_one", "choose_many")


class SeatWindow(LinkWindow):
    """One seat station of a pod: its seat's stream, its turn, and the answer sent for it."""

    def __init__(self, request, *, backoff=DEFAULT_BACKOFF, parent: QWidget | None = None):
        super().__init__(parent)
        self.request = request
        self.view: dict | None = None
        self.sent_for: int | None = None          # the turn index answered, until the story moves on
        self.setWindowTitle(f"Syndicate {request.syndicate}, seat {request.seat} \u2013 hydra_sim")
        place(self, (1000, 760))
        layout = QVBoxLayout(self)
        self._top(layout, f"Syndicate {request.syndicate} \u2013 seat {request.seat}")
        self.heading = WrapLabel("Waiting for the pod's recording station to start the incident\u2026", role="heading")
        self.heading.setAccessibleName("Clock and whose turn it is")
        layout.addWidget(self.heading)
        self.paused_banner, _text = banner("paused", "\u2016 PAUSED BY THE FACILITATOR: no decisions until the "
                                                      "facilitator resumes.")
        layout.addWidget(self.paused_banner)
        layout.addWidget(WrapLabel("What your seat has seen and done (messages as they reached you)", role="heading"))
        self.stream = QListWidget()
        self.stream.setAccessibleName("Your seat's stream")
        self.stream.setWordWrap(True)
        layout.addWidget(self.stream, 2)
        self.turn_title = WrapLabel("", role="heading")
        self.turn_title.setAccessibleName("Your seat's current scene")
        layout.addWidget(self.turn_title)
        self.turn_text = WrapLabel("")
        self.turn_text.setAccessibleName("The scene's text")
        self.turn_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.turn_text)
        self.options = QListWidget()
        self.options.setAccessibleName("The options")
        self.options.setWordWrap(True)
        layout.addWidget(self.options, 1)
        self.rationale = QPlainTextEdit()
        self.rationale.setPlaceholderText("Why (your rationale)")
        self.rationale.setAccessibleName("Rationale")
        self.rationale.setTabChangesFocus(True)
        self.rationale.setFixedHeight(70)
        layout.addWidget(self.rationale)
        row = QHBoxLayout()
        self.error = WrapLabel("", role="error")
        self.error.setAccessibleName("What the facilitator said")
        row.addWidget(self.error, 1)
        self.send_button = QPushButton("&Send our decision")
        self.send_button.setProperty("role", "primary")
        self.send_button.clicked.connect(self.send)
        row.addWidget(self.send_button)
        layout.addLayout(row)
        self._show_turn(None)
        self.relay = Relay(self)
        self.relay.seat_view.connect(self.show_view)
        self.relay.error.connect(self._on_error)
        self.relay.status.connect(self._on_status)
        self.link = StationLink(request.host, request.port, request.code, request.syndicate, request.station_id,
                                request.members or ["member"], role="follower", scenario_id=request.scenario_id,
                                seat=request.seat, on_seat_view=self.relay.emit_seat_view,
                                on_error=self.relay.emit_error, on_status=self.relay.emit_status, backoff=backoff)

    def start(self) -> None:
        self.link.start()

    @Slot(object)
    def show_view(self, view: dict) -> None:
        self.view = view
        self.title.setText(f"Syndicate {self.request.syndicate} \u2013 {view['title']}")
        self.stream.clear()
        for item in view["stream"]:
            self.stream.addItem(QListWidgetItem(f"{item['clock_label']}  {MARKS.get(item['kind'], '')} "
                                                f"{' '.join(str(item['text']).split())}"))
        if view["stream"]:
            self.stream.scrollToBottom()
        self.paused_banner.setVisible(bool(view["paused"]) and not view["ended"])
        if view["ended"]:
            ending = view.get("ending") or {}
            self.heading.setText(f"Clock {view['clock_label']} \u2013 the incident has ended: "
                                 f"{ending.get('title', '')}")
        elif view["turn"] is not None:
            self.heading.setText(f"Clock {view['clock_label']} \u2013 your seat's turn")
        else:
            waiting = (view.get("waiting_for") or {}).get("title", "another seat")
            self.heading.setText(f"Clock {view['clock_label']} \u2013 waiting for {waiting}")
        turn = view["turn"] if not view["ended"] else None
        if turn is None or turn["index"] != self.sent_for:
            self.sent_for = None
            self._show_turn(turn)

    def _show_turn(self, turn: dict | None) -> None:
        self.options.clear()
        self.rationale.clear()
        has = turn is not None
        for widget in (self.turn_title, self.turn_text, self.options, self.rationale, self.send_button):
            widget.setVisible(has)
        if not has:
            return
        self.turn_title.setText(turn["title"] + (f" \u2013 {turn['prompt']}" if turn.get("prompt") else ""))
        self.turn_text.setText(turn["text"])
        kind = turn.get("kind")
        multi = kind == "choose_many"
        self.options.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection if multi
                                      else QAbstractItemView.SelectionMode.SingleSelection)
        for option in turn.get("options", []):
            item = QListWidgetItem(option["label"])
            item.setData(Qt.ItemDataRole.UserRole, option["id"])
            self.options.addItem(item)
        self.rationale.setVisible(kind in ENTERED_HERE and turn.get("rationale") != "none")
        if kind is None:
            self.send_button.setText("&Continue")
            self.options.hide()
        elif kind in ENTERED_HERE:
            self.send_button.setText("&Send our decision")
        else:
            self.send_button.setEnabled(False)
            self.error.setText(f"This decision ({kind}) is not yet entered at a seat station: ask the facilitator.")
            return
        self.send_button.setEnabled(True)
        self.error.setText("")

    def send(self) -> str | None:
        """Send the answer to the seat's turn; its id, or None (nothing chosen, no turn, not connected)."""
        turn = (self.view or {}).get("turn")
        if turn is None:
            return None
        picks = [i.data(Qt.ItemDataRole.UserRole) for i in self.options.selectedItems()]
        kind = turn.get("kind")
        if kind is not None and not picks:
            self.error.setText("Choose an option first.")
            return None
        selection = None if kind is None else (picks if kind == "choose_many" else picks[0])
        rationale = self.rationale.toPlainText().strip() or None
        member = self.request.members[0] if self.request.members else ""
        decision_id = self.link.send_decision(turn["scene_id"], turn["index"], selection, rationale, member)
        if decision_id is None:
            self.error.setText("Not connected to the facilitator: send it again once connected.")
            return None
        self.sent_for = turn["index"]
        self.send_button.setEnabled(False)
        self.error.setText("Sent: waiting for the pod's recording station to take it\u2026")
        return decision_id

    @Slot(str)
    def _on_error(self, text: str) -> None:
        self.error.setText(text)
        if self.sent_for is not None:          # refused: the pod may answer again
            self.sent_for = None
            self.send_button.setEnabled(True)

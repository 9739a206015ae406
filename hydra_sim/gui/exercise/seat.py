"""A pod's seat station screen: one seat of a seated scenario, in a facilitated exercise.

``SeatWindow`` joins the syndicate as a seat station (a follower that names its seat;
exercise/pods.py): the facilitator sends it only its seat's view, which it shows (its seat's
stream: scenes, injects, messages as they arrived, its decisions; and, when the story is at one
of its scenes, that scene's text and options). Its pod answers choose-one and choose-many
decisions in the window's own option list; rank and NDM rationale decisions in the trainee app's
panels (decision_panels.py), when the window was given the scenario (the station's library copy,
which the facilitator's hash check has already matched). The answer goes to the facilitator, who
relays it to the pod's recording station. A refusal is shown in words. The scene's documents and
the seat's reference items open in the trainee app's media viewer (media_viewer.py) or a reading
window. When the scenario copy declares partners, a Partners tab beside the stream holds the
trainee app's request form (request_form.py): a request for information goes over the seat
link (``seat_request``), and the pod's recording station records it for this seat; it and its
answer then appear in the seat's stream. At the bottom, the shared one-line box (contribute.py) says
something to the plenary anonymously. Must not import the runner or the store; holds no rules.
"""

from __future__ import annotations

import html
from types import SimpleNamespace

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...engine import RunnerError
from ...engine.text import markdown_to_html
from ...exercise.station import DEFAULT_BACKOFF, StationLink
from ..decision_panels import make_panel
from ..media_viewer import MediaViewer
from ..request_form import RequestForm
from ..widgets import WrapLabel, banner
from ..window_geometry import place
from .contribute import REFUSED, ContributeBox
from .relay import Relay
from .station import LinkWindow

# request / answer: the seat's requests for information (sent from the Partners tab, or by the
# recording station for the seat on screen) and the partners' answers
MARKS = {"scene": "\u25b8", "inject": "\u2691", "message": "\u2709", "decision": "\u2714",
         "request": "\u2192", "answer": "\u21a9"}
ENTERED_HERE = ("choose_one", "choose_many")        # in the window's own option list
IN_PANELS = ("rank", "ndm_rationale")                # in the trainee app's panels (needs the scenario)
REQUEST_REFUSALS = ("request refused", "your request was not taken")   # the facilitator's words


class SeatRequests(QObject):
    """What the request form needs of a controller, for a seat station: the scenario's partners,
    and ``request_information`` sending over the seat link. The seat's requests are listed in its
    stream (the recording station's record), so the form lists none of its own."""

    session_started = Signal()
    log_entry_added = Signal(object)

    def __init__(self, window: "SeatWindow"):
        super().__init__(window)
        self.window = window
        self.scenario = window.scenario
        self.requests: list = []

    def request_information(self, partner: str, question: str, urgency: str, topic: str | None):
        view = self.window.view
        if view is None or view.get("ended"):
            raise RunnerError("the incident has not started at the recording station" if view is None
                              else "the incident has ended")
        if not question.strip():
            raise RunnerError("a request needs a question: say what you need from the partner")
        member = self.window.request.members[0] if self.window.request.members else ""
        request_id = self.window.link.send_request(partner, " ".join(question.split()), urgency, topic, member)
        if request_id is None:
            raise RunnerError("not connected to the facilitator: send it again once connected")
        self.window.last_request = request_id
        return SimpleNamespace(clock=view["clock"], request_id=request_id)

    def clock_label(self, clock: int) -> str:
        view = self.window.view or {}
        return view.get("clock_label", "") if view.get("clock") == clock else str(clock)

    def partner_name(self, partner_id: str) -> str:
        partner = self.scenario.partners.get(partner_id)
        return partner.name if partner else partner_id


class SeatWindow(LinkWindow):
    """One seat station of a pod: its seat's stream, its turn, and the answer sent for it."""

    def __init__(self, request, *, scenario=None, backoff=DEFAULT_BACKOFF, parent: QWidget | None = None):
        super().__init__(parent)
        self.request = request
        self.scenario = scenario                  # the station's copy: panels, documents, reference
        self.panel = None                         # the decision panel of a rank / NDM turn
        self.viewers: list[QWidget] = []          # documents and reference items opened
        self.last_sent: str | None = None
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
        self.last_request: str | None = None
        self.request_form: RequestForm | None = None
        if scenario is not None and scenario.partners:
            # the stream and, beside it, the request form (its requests and answers show in the stream)
            self.tabs = QTabWidget()
            self.tabs.addTab(self.stream, "Stream")
            self.requests = SeatRequests(self)
            self.request_form = RequestForm(self.requests, show_sent=False)
            self.partners_tab = self.tabs.addTab(self.request_form.in_scroll_area(), "Partners")
            self.requests.session_started.emit()        # the form lists the scenario's partners
            layout.addWidget(self.tabs, 2)
        else:
            layout.addWidget(self.stream, 2)
        self.turn_title = WrapLabel("", role="heading")
        self.turn_title.setAccessibleName("Your seat's current scene")
        layout.addWidget(self.turn_title)
        self.turn_text = WrapLabel("")
        self.turn_text.setAccessibleName("The scene's text")
        self.turn_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.turn_text)
        self.documents = QWidget()                # a button per document of the scene and reference item
        self.documents.setAccessibleName("Documents and reference")
        self.documents_row = QGridLayout(self.documents)     # two a row: long titles stay readable
        self.documents_row.setContentsMargins(0, 0, 0, 0)
        self.documents.setVisible(False)
        layout.addWidget(self.documents)
        self.panel_area = QScrollArea()           # a rank / NDM panel, scrolled: a rationale is tall
        self.panel_area.setWidgetResizable(True)
        self.panel_area.setFrameShape(QFrame.Shape.NoFrame)
        self.panel_area.setVisible(False)
        layout.addWidget(self.panel_area, 5)
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
        self.contribute = ContributeBox(lambda text: self.link.contribute(text))
        layout.addWidget(self.contribute)
        self._show_turn(None)
        self.relay = Relay(self)
        self.relay.seat_view.connect(self.show_view)
        self.relay.error.connect(self._on_error)
        self.relay.status.connect(self._on_status)
        self.link = StationLink(request.host, request.port, request.code, request.syndicate, request.station_id,
                                request.members or ["member"], role="follower", scenario_id=request.scenario_id,
                                # with a copy of the scenario, the facilitator refuses a different one
                                scenario_hash=scenario.content_hash if scenario is not None else "",
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
        self._show_documents(turn, view.get("reference") or [])
        if turn is None or turn["index"] != self.sent_for:
            self.sent_for = None
            self._show_turn(turn)

    # -- documents and reference items ---------------------------------------------------------
    def _show_documents(self, turn: dict | None, reference: list) -> None:
        """A button for each document of the scene on screen and each of the seat's reference items."""
        while self.documents_row.count():
            widget = self.documents_row.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        scenario = self.scenario
        if scenario is None:
            self.documents.setVisible(False)
            return
        media = [scenario.media[m] for m in (turn or {}).get("media", []) if m in scenario.media]
        refs = [r for r in reference if r in scenario.reference]
        buttons = []
        for item in media:
            button = QPushButton(f"Open: {item.title}")
            button.setAccessibleName(f"Open the document: {item.title}")
            button.clicked.connect(lambda _=False, m=item: self.open_media(m))
            buttons.append(button)
        for ref_id in refs:
            title = scenario.reference[ref_id].title
            button = QPushButton(f"Reference: {title}")
            button.setAccessibleName(f"Read the reference item: {title}")
            button.clicked.connect(lambda _=False, r=ref_id: self.open_reference(r))
            buttons.append(button)
        for number, button in enumerate(buttons):
            self.documents_row.addWidget(button, number // 2, number % 2)
        self.documents.setVisible(bool(buttons))

    def document_buttons(self) -> list[QPushButton]:
        return [w for w in self.documents.findChildren(QPushButton) if not w.isHidden()]

    def open_media(self, media) -> QWidget:
        """A document or picture in the trainee app's media viewer. (Not logged in the shared
        record: the seat link carries decisions and requests only.)"""
        viewer = MediaViewer(media, self)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.show()
        self.viewers.append(viewer)
        return viewer

    def open_reference(self, ref_id: str) -> QWidget:
        """A reference item: its text in a reading window (its picture or document, if it has
        one, through the media viewer)."""
        item = self.scenario.reference[ref_id]
        media = self.scenario.media.get(item.media) if item.media else None
        if media is not None and not item.text:
            return self.open_media(media)
        dialog = QDialog(self)
        dialog.setWindowTitle(item.title)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box = QVBoxLayout(dialog)
        text = QTextBrowser()
        text.setAccessibleName(item.title)
        text.setHtml(f"<h3>{html.escape(item.title)}</h3>{markdown_to_html(item.text or '')}")
        box.addWidget(text)
        if media is not None:
            button = QPushButton(f"Open: {media.title}")
            button.clicked.connect(lambda _=False: self.open_media(media))
            box.addWidget(button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.close)
        box.addWidget(buttons)
        dialog.resize(560, 520)
        dialog.show()
        self.viewers.append(dialog)
        return dialog

    def _drop_panel(self) -> None:
        if self.panel is not None:
            self.panel_area.takeWidget()
            self.panel.deleteLater()
            self.panel = None
        self.panel_area.setVisible(False)

    def _panel_for(self, turn: dict):
        """The trainee app's panel for a rank or NDM turn, with the options the view offers (in its
        order), or None when this window has no copy of the scenario or the scene is not in it."""
        scene = self.scenario.scenes.get(turn["scene_id"]) if self.scenario is not None else None
        decision = scene.decision if scene is not None else None
        if decision is None or decision.kind != turn.get("kind"):
            return None
        by_id = {o.id: o for o in decision.options}
        options = [by_id[o["id"]] for o in turn.get("options", []) if o["id"] in by_id]
        panel = make_panel(decision, options, self)
        panel.submitted.connect(self._send_panel)
        return panel

    def _show_turn(self, turn: dict | None) -> None:
        self.options.clear()
        self.rationale.clear()
        self._drop_panel()
        has = turn is not None
        for widget in (self.turn_title, self.turn_text, self.options, self.rationale, self.send_button):
            widget.setVisible(has)
        if not has:
            return
        kind = turn.get("kind")
        # a panel shows the prompt itself
        prompt = turn.get("prompt") if kind not in IN_PANELS or self.scenario is None else None
        self.turn_title.setText(turn["title"] + (f" \u2013 {prompt}" if prompt else ""))
        self.turn_text.setText(turn["text"])
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
            self.panel = self._panel_for(turn) if kind in IN_PANELS else None
            self.options.hide()
            self.rationale.hide()
            if self.panel is None:
                self.send_button.setEnabled(False)
                self.error.setText(f"This decision ({kind}) cannot be entered here (this station has no copy of "
                                   "the scenario): ask the facilitator.")
                return
            self.send_button.hide()             # the panel has its own Decide button
            self.panel_area.setWidget(self.panel)
            self.panel_area.setVisible(True)
            self.error.setText("")
            return
        self.send_button.setEnabled(True)
        self.error.setText("")

    def send(self) -> str | None:
        """Send the answer to the seat's turn; its id, or None (nothing chosen, no turn, not connected)."""
        turn = (self.view or {}).get("turn")
        if turn is None:
            return None
        if self.panel is not None:
            self.last_sent = None
            self.panel.submit()                 # the panel checks its answer and sends it (_send_panel)
            return self.last_sent
        picks = [i.data(Qt.ItemDataRole.UserRole) for i in self.options.selectedItems()]
        kind = turn.get("kind")
        if kind is not None and not picks:
            self.error.setText("Choose an option first.")
            return None
        selection = None if kind is None else (picks if kind == "choose_many" else picks[0])
        return self._send(turn, selection, self.rationale.toPlainText().strip() or None)

    @Slot(object, object)
    def _send_panel(self, selection, rationale) -> None:
        turn = (self.view or {}).get("turn")
        if turn is not None and self.sent_for is None:
            self._send(turn, selection, rationale or None)

    def _send(self, turn: dict, selection, rationale) -> str | None:
        member = self.request.members[0] if self.request.members else ""
        decision_id = self.link.send_decision(turn["scene_id"], turn["index"], selection, rationale, member)
        if decision_id is None:
            self.error.setText("Not connected to the facilitator: send it again once connected.")
            return None
        self.sent_for = turn["index"]
        self.send_button.setEnabled(False)
        if self.panel is not None:
            self.panel.decide_button.setEnabled(False)
        self.error.setText("Sent: waiting for the pod's recording station to take it\u2026")
        self.last_sent = decision_id
        return decision_id

    @Slot(str)
    def _on_error(self, text: str) -> None:
        if text.startswith(REFUSED):          # a contribution refused: the turn is not affected
            self.contribute.refused(text)
            return
        if text.startswith(REQUEST_REFUSALS) and self.request_form is not None:
            self.request_form.status.setText(text)      # a request refused: the turn is not affected
            self.error.setText(text)
            return
        self.error.setText(text)
        if self.sent_for is not None:          # refused: the pod may answer again
            self.sent_for = None
            self.send_button.setEnabled(True)
            if self.panel is not None:
                self.panel.decide_button.setEnabled(True)

"""The request form: a trainee (or pod) asks a partner agency for information.

A tab of the incident screen when the scenario declares ``partners:``: to whom (the partner,
with what it can help with), about what (optionally one of its topics), how urgent, and the
question in the trainee's own words; below, the requests sent so far and their answers. It
only forwards to ``SessionController.request_information``: which reply comes back, when, and
whether the request earns credit is the engine's (engine/requests.py). Must not import the
runner or the store.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QFormLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..engine import RunnerError
from ..engine.model import REQUEST_URGENCIES
from .session_controller import PausedError
from .widgets import WrapLabel

URGENCY_WORDS = {"routine": "Routine", "priority": "Priority", "immediate": "Immediate (life at risk)"}
ANY_TOPIC = "Let my question say"


class RequestForm(QWidget):
    """To whom, what, how urgent; sends through the controller and lists what was asked."""

    def __init__(self, controller, parent: QWidget | None = None, *, show_sent: bool = True):
        """``show_sent`` False: no list of the requests sent (a seat station shows them in its stream)."""
        super().__init__(parent)
        self.controller = controller
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addWidget(WrapLabel("Ask a partner agency for what you cannot find out yourself. Say what you "
                                   "need and why: the answer comes back in your incident log.", role="small"))
        form = QFormLayout()
        self.partner = QComboBox()
        self.partner.setAccessibleName("Partner agency to ask")
        self.partner.currentIndexChanged.connect(self._on_partner)
        form.addRow("To", self.partner)
        self.helps_with = WrapLabel("", role="small")
        form.addRow("", self.helps_with)
        self.topic = QComboBox()
        self.topic.setAccessibleName("What the request is about")
        form.addRow("About", self.topic)
        self.urgency = QComboBox()
        self.urgency.setAccessibleName("How urgent the request is")
        for urgency in REQUEST_URGENCIES:
            self.urgency.addItem(URGENCY_WORDS.get(urgency, urgency), urgency)
        form.addRow("Urgency", self.urgency)
        layout.addLayout(form)
        self.question = QPlainTextEdit()
        self.question.setAccessibleName("Your question to the partner")
        self.question.setPlaceholderText("What do you need from them, and why?")
        self.question.setTabChangesFocus(True)
        self.question.setMaximumHeight(110)
        layout.addWidget(self.question)
        self.send_button = QPushButton("Send request")
        self.send_button.setAccessibleName("Send the request for information")
        self.send_button.clicked.connect(self.send)
        layout.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.status = QLabel("")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.sent = QListWidget()
        self.sent.setAccessibleName("Requests sent and their answers")
        self.sent.setWordWrap(True)
        self.sent.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)   # long questions wrap
        if show_sent:
            layout.addWidget(WrapLabel("Your requests", role="small"))
            layout.addWidget(self.sent, 1)
        else:
            self.sent.setParent(self)
            self.sent.hide()
            layout.addWidget(WrapLabel("Your requests and their answers appear in your stream.", role="small"))
            layout.addStretch(1)
        controller.session_started.connect(self.reload)
        controller.log_entry_added.connect(self._on_log_entry)

    def in_scroll_area(self) -> QScrollArea:
        """The form in a scroll area (a tab's page), so it never makes the window taller than a
        small screen allows; it wraps, never scrolls sideways."""
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setWidget(self)
        return area

    # -- filling in ---------------------------------------------------------------------------------
    @Slot()
    def reload(self) -> None:
        """A new or resumed session: its scenario's partners, and the requests it already holds."""
        scenario = self.controller.scenario
        self.partner.blockSignals(True)
        self.partner.clear()
        for partner in (scenario.partners.values() if scenario is not None else ()):
            self.partner.addItem(partner.name, partner.id)
        self.partner.blockSignals(False)
        self._on_partner()
        self.question.clear()
        self.status.setText("")
        self.refresh_sent()

    @Slot()
    def _on_partner(self) -> None:
        scenario = self.controller.scenario
        partner = scenario.partners.get(self.partner.currentData()) if scenario is not None else None
        self.helps_with.setText(partner.helps_with if partner else "")
        self.topic.clear()
        self.topic.addItem(ANY_TOPIC, None)
        for reply in (partner.replies.values() if partner else ()):
            self.topic.addItem(reply.title, reply.id)

    # -- sending ------------------------------------------------------------------------------------
    @Slot()
    def send(self) -> bool:
        """Send the request as filled in; True when it was sent (the form is cleared for the next)."""
        partner = self.partner.currentData()
        if partner is None:
            self.status.setText("This scenario has no partner agencies to ask.")
            return False
        try:
            record = self.controller.request_information(partner, self.question.toPlainText(),
                                                         self.urgency.currentData(), self.topic.currentData())
        except (RunnerError, PausedError) as exc:
            self.status.setText(f"Not sent: {exc}")
            return False
        if record is None:
            return False
        self.question.clear()
        self.status.setText(f"Sent to {self.partner.currentText()} at {self.controller.clock_label(record.clock)}.")
        self.refresh_sent()
        return True

    @Slot(object)
    def _on_log_entry(self, entry) -> None:
        if getattr(entry, "kind", "") in ("request", "answer"):
            self.refresh_sent()

    def refresh_sent(self) -> None:
        self.sent.clear()
        for record in self.controller.requests:
            name = self.controller.partner_name(record.partner)
            asked = self.controller.clock_label(record.clock)
            text = f"{asked} to {name}: {record.question}"
            if record.answered:
                text += f"\n{self.controller.clock_label(record.answered_at)} answer: {record.answer}"
            else:
                text += "\n(waiting for an answer)"
            self.sent.addItem(text)

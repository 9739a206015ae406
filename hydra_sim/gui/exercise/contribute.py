"""A station's one-line box to say something to the plenary, anonymously (follower and seat windows).

``ContributeBox(send)``: a label, a one-line box, **Send to the plenary** and a status line. ``send(text)``
is the station link's ``contribute`` (exercise/station.py): it sends the text only, never a name,
and the facilitator may show it on the shared screen. A refusal from the facilitator ("contribution
refused: ...") is shown with ``refused``. Must not import the runner or the store; holds no rules
(the length limit is the protocol's, so the box cannot hold more than the facilitator takes).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ...exercise.protocol import MAX_CONTRIBUTION
from ..widgets import WrapLabel

REFUSED = "contribution refused"          # how the facilitator's refusals of a contribution begin


class ContributeBox(QWidget):
    """Say something to the plenary: the text goes without the station's, syndicate's or members' names."""

    def __init__(self, send: Callable[[str], bool], parent: QWidget | None = None):
        super().__init__(parent)
        self._send = send
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 6, 0, 0)
        row = QHBoxLayout()
        self.label = label = QLabel("Sa&y something to the plenary (anonymous)")
        self.text = QLineEdit()
        self.text.setMaxLength(MAX_CONTRIBUTION)
        self.text.setPlaceholderText("e.g. We never asked who else was in the lorry")
        self.text.setAccessibleName("Say something to the plenary, anonymously")
        self.text.returnPressed.connect(self.send)
        label.setBuddy(self.text)
        self.button = QPushButton("Send to the ple&nary")
        self.button.setAccessibleName("Send to the plenary without your name")
        self.button.clicked.connect(self.send)
        row.addWidget(label)
        row.addWidget(self.text, 1)
        row.addWidget(self.button)
        outer.addLayout(row)
        self.status = WrapLabel("The facilitator may show it on the shared screen; your name is never sent.",
                                role="muted")
        self.status.setAccessibleName("What happened to your contribution")
        outer.addWidget(self.status)

    @Slot()
    def send(self) -> bool:
        text = self.text.text().strip()
        if not text:
            self.status.setText("Write something first: the box is empty.")
            return False
        if not self._send(text):
            self.status.setText("Not sent: not connected to the facilitator. Send it again once connected.")
            return False
        self.text.clear()
        self.status.setText("Sent, without your name.")
        return True

    def refused(self, text: str) -> None:
        self.status.setText(text)

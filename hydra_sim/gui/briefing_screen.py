"""The briefing: situation, role, expectations and how scoring works, then Start.

Scenario text goes through ``markdown_to_html`` (safe, inert HTML) and is set in a
column of limited width so lines stay readable on a wide projector.
Must not import the runner, the controller or the store.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from ..engine.text import markdown_to_html
from .safe_text import inert, plain_label

SCORING_TEXT = (
    "Each choice you make takes simulated time, and the clock keeps running while you read. "
    "You are assessed against the National Response Plan: every assessed action is marked "
    "<b>achieved on time</b>, <b>achieved late</b> (part credit), <b>missed</b>, or "
    "<b>contravened</b> (you did the opposite; points are deducted). Some actions are "
    "<b>critical</b>: missing or contravening one decides the result whatever your total. "
    "Your rationale is recorded with every decision, and the debrief explains each mark, why it "
    "matters and where the expectation comes from.")


def text_column(max_chars: int = 78) -> tuple[QWidget, QVBoxLayout, QScrollArea]:
    """A scrollable, centred column about ``max_chars`` characters wide."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    # Text a keyboard user scrolls with the arrow keys: room kept for the focus outline, so it
    # shows (theme.py) without the column moving when the focus arrives.
    scroll.setProperty("reading", True)
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(24, 24, 24, 24)
    column = QWidget()
    column.setMaximumWidth(column.fontMetrics().averageCharWidth() * max_chars + 64)
    layout = QVBoxLayout(column)
    layout.setSpacing(12)
    row.addStretch(1)
    row.addWidget(column, 100)
    row.addStretch(1)
    scroll.setWidget(holder)
    return column, layout, scroll


def rich_label(html_text: str, role: str | None = None) -> QLabel:
    label = QLabel(inert(html_text))      # a second wall: only inert HTML reaches a rich label
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setOpenExternalLinks(False)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if role:
        label.setProperty("role", role)
    return label


class BriefingScreen(QWidget):
    start_requested = Signal()
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.column, self.body, scroll = text_column()
        outer.addWidget(scroll, 1)
        bar = QFrame()
        bar.setProperty("role", "topbar")
        buttons = QHBoxLayout(bar)
        buttons.setContentsMargins(24, 12, 24, 12)
        self.back_button = QPushButton("\u2190 Back")
        self.back_button.setAccessibleName("Back to the start screen")
        self.back_button.clicked.connect(self.back_requested)
        self.start_button = QPushButton("Start the scenario \u2192")
        self.start_button.setProperty("role", "primary")
        self.start_button.setAccessibleName("Start the scenario: the clock starts running")
        self.start_button.clicked.connect(self.start_requested)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        self.trainee_label = QLabel("")
        self.trainee_label.setProperty("role", "muted")
        buttons.addWidget(self.trainee_label)
        buttons.addSpacing(16)
        buttons.addWidget(self.start_button)
        outer.addWidget(bar)
        self.sections: dict[str, QLabel] = {}

    def show_scenario(self, scenario, trainee=None) -> None:
        while self.body.count():
            item = self.body.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.sections = {}
        self.column.setMaximumWidth(self.fontMetrics().averageCharWidth() * 78 + 64)
        b = scenario.briefing
        title = plain_label(scenario.title)
        title.setProperty("role", "title")
        title.setWordWrap(True)
        self.body.addWidget(title)
        facts = QLabel(f"Briefing \u00b7 about {scenario.duration_minutes} minutes \u00b7 "
                       f"{scenario.difficulty.capitalize()} \u00b7 incident starts "
                       f"{scenario.incident_start.strftime('%H:%M on %d %B %Y')}")
        facts.setProperty("role", "muted")
        facts.setWordWrap(True)
        self.body.addWidget(facts)
        expectations = "".join(f"<li>{html.escape(e)}</li>" for e in b.expectations)
        for key, heading, body in (
                ("situation", "The situation", markdown_to_html(b.situation)),
                ("role", "Your role", markdown_to_html(b.role)),
                ("expectations", "What is expected of you", f"<ul>{expectations}</ul>" if expectations else ""),
                ("scoring", "How you are scored", f"<p>{SCORING_TEXT}</p>")):
            if not body:
                continue
            h = QLabel(heading)
            h.setProperty("role", "heading")
            self.body.addWidget(h)
            label = rich_label(body)
            label.setAccessibleName(heading)
            self.sections[key] = label
            self.body.addWidget(label)
        keys = rich_label("<p><b>Keyboard:</b> Tab moves between controls, arrow keys choose, "
                          "Ctrl+Enter decides, Ctrl+P pauses, Ctrl+L shows the log, Ctrl+R the reference "
                          "material, F1 the keyboard help.</p>", "muted")
        self.body.addWidget(keys)
        self.body.addStretch(1)
        self.trainee_label.setText(f"Trainee: {trainee.trainee_id}" if trainee else "")
        self.start_button.setFocus(Qt.FocusReason.OtherFocusReason)

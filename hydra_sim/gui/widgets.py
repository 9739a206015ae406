"""Small shared widgets.

``WrapLabel`` is a word-wrapped, plain-text-by-default QLabel (scenario text never goes
in as raw HTML; rich text only from ``markdown_to_html``). Must not import the engine, the controller or any screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from .safe_text import inert


class WrapLabel(QLabel):
    def __init__(self, text: str = "", parent: QWidget | None = None, *, role: str | None = None,
                 rich: bool = False):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
        if role:
            self.setProperty("role", role)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        if self.textFormat() != Qt.TextFormat.PlainText:
            text = inert(text)        # a second wall: only inert HTML reaches a rich label
        super().setText(text)


def banner(role: str, text: str) -> tuple[QFrame, WrapLabel]:
    """A full-width coloured strip (the theme styles ``QFrame[role=...]``) holding one line of
    plain text; hidden until shown. Returns the strip and its label."""
    frame = QFrame()
    frame.setProperty("role", role)
    row = QHBoxLayout(frame)
    row.setContentsMargins(16, 10, 16, 10)
    label = WrapLabel(text)
    row.addWidget(label, 1)
    frame.setVisible(False)
    return frame, label

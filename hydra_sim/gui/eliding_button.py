"""``ElidingButton``: a push button that, only when even a row of its own is too narrow for its
text, shows it shortened with "..." and the full text in its tooltip.

A module of its own, not in widgets.py: it needs QStyle, whose Python class (with its enums)
takes 5 ms to load, and the start screen, which uses widgets.py, does not need it.
Must not import the engine, the controller or any screen.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QPushButton, QSizePolicy, QStyle, QStyleOptionButton, QStylePainter, QWidget

from .safe_text import plain_tooltip


class ElidingButton(QPushButton):
    """A QPushButton that shortens its text with "..." when it is given less width than the text
    needs (a flow row narrower than one button); ``text()`` stays the full text, which the
    tooltip then shows. Its minimum width is small so that a layout can give it less."""

    MINIMUM_WIDTH = 120

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(text, parent)
        # a push button's policy is Minimum (never narrower than its text); Preferred lets a
        # layout go down to minimumSizeHint
        policy = self.sizePolicy()
        policy.setHorizontalPolicy(QSizePolicy.Policy.Preferred)
        self.setSizePolicy(policy)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(min(self.MINIMUM_WIDTH, self.sizeHint().width()), super().minimumSizeHint().height())

    def is_elided(self) -> bool:
        return self.width() < self.sizeHint().width()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.setToolTip(plain_tooltip(self.text()) if self.is_elided() else "")   # scenario text: untrusted

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if not self.is_elided():
            super().paintEvent(event)
            return
        option = QStyleOptionButton()
        self.initStyleOption(option)
        room = self.width() - (self.sizeHint().width() - self.fontMetrics().horizontalAdvance(self.text()))
        option.text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, max(room, 0))
        painter = QStylePainter(self)
        painter.drawControl(QStyle.ControlElement.CE_PushButton, option)

"""``TabLeavingDateEdit``: a date box that Tab always leaves (Qt's keeps Tab while it shows its
special value, such as "any": a keyboard trap). Used by the review window's filters.

A module of its own, not in widgets.py, so the start screen does not load QDateEdit's classes.
Must not import the engine, the controller or any screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDateEdit, QWidget


class TabLeavingDateEdit(QDateEdit):
    """A QDateEdit that Tab and Shift+Tab always leave, as every other control does.

    QDateTimeEdit swallows Tab while it shows its special value text ("any"), so a keyboard
    user could never leave the box; and with a date shown it uses Tab to step through the
    day, month and year. Left and Right (and typing) move within the date instead."""

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and \
                not event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            forward = event.key() == Qt.Key.Key_Tab and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            QWidget.focusNextPrevChild(self, forward)
            event.accept()
            return
        super().keyPressEvent(event)

"""The running incident log: a read-only timeline of scenes, updates, decisions and reading.

``IncidentLogModel`` adapts the controller's ``history`` list (it never owns or edits it);
``IncidentLogView`` shows it as read-only text with the simulated time and the kind of entry in words, so
the log reads the same with or without colour. Must not import the engine's runner or any
screen; holds no scenario rules.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Slot
from PySide6.QtWidgets import QPlainTextEdit

KIND_LABELS = {"scene": "Scene", "inject": "Update", "decision": "You decided", "expired": "Time ran out",
               "reference": "Reference", "document": "Opened", "ended": "End", "note": "Note",
               "request": "You asked", "answer": "Answer"}
# Every symbol is in DejaVu Sans (the default font of many Linux desktops): a time-out is a
# clock face, U+25F7, not the hourglass U+231B, which DejaVu lacks and drew as a box (a test checks)
KIND_SYMBOLS = {"scene": "\u25b8", "inject": "\u2709", "decision": "\u2714", "expired": "\u25f7",
                "reference": "\u2261", "document": "\u2261", "ended": "\u25a0", "note": "\u2022",
                "request": "?", "answer": "\u2709"}


def entry_line(label: str, title: str) -> str:
    """'Label: title', the label left out when the title already says it ("Update from ...")."""
    if title.lower().startswith(label.lower()):
        return title
    return f"{label}: {title}"


class IncidentLogModel(QAbstractListModel):
    def __init__(self, source: list | None = None, parent=None):
        super().__init__(parent)
        self._source: list = source if source is not None else []
        self._count = len(self._source)

    def set_source(self, source: list) -> None:
        self.beginResetModel()
        self._source = source
        self._count = len(source)
        self.endResetModel()

    @Slot(object)
    def refresh(self, _entry=None) -> None:
        """The source list grew: show the new rows."""
        new = len(self._source)
        if new > self._count:
            self.beginInsertRows(QModelIndex(), self._count, new - 1)
            self._count = new
            self.endInsertRows()
        elif new < self._count:
            self.set_source(self._source)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < self._count:
            return None
        entry = self._source[index.row()]
        label = KIND_LABELS.get(entry.kind, entry.kind)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            text = f"{entry.time_label}   {KIND_SYMBOLS.get(entry.kind, '')} {entry_line(label, entry.title)}"
            if entry.detail:
                text += f"\n{entry.detail}"
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{label} at {entry.time_label}"
        return None


class IncidentLogView(QPlainTextEdit):
    """The log as read-only text, one paragraph per entry, appended as the model grows.

    A plain-text document lays out only the paragraphs added (and paints only those in
    view), so a decision's few new entries cost the same however long the log is; a list
    view with word-wrapped rows laid out and measured every row again. Read-only, but the
    text can be scrolled and selected with the keyboard, and a screen reader reads it as
    text. ``texts()`` gives the entries as the model words them."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                     | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setUndoRedoEnabled(False)
        self.setObjectName("incidentLog")
        self.setAccessibleName("Incident log")
        self.setAccessibleDescription("Everything that has happened so far, with the simulated time")
        self._model = None
        self._shown = 0                 # model rows already in the document
        self._scroll_pending = False

    def model(self):
        return self._model

    def setModel(self, model) -> None:  # noqa: N802 - mirrors QAbstractItemView
        if self._model is not None:
            self._model.rowsInserted.disconnect(self._append_rows)
            self._model.modelReset.disconnect(self._reload)
        self._model = model
        model.rowsInserted.connect(self._append_rows)
        model.modelReset.connect(self._reload)
        self._reload()

    @staticmethod
    def _html(text: str) -> str:
        head, _, detail = text.partition("\n")
        out = f"<b>{html.escape(head)}</b>"
        if detail:
            out += "<br>" + html.escape(detail).replace("\n", "<br>")
        return out

    def _append(self, first: int, last: int) -> None:
        model = self._model
        for row in range(first, last + 1):
            self.appendHtml(self._html(model.data(model.index(row, 0)) or ""))
        self._shown = last + 1

    @Slot()
    def _reload(self) -> None:
        self.clear()
        self._shown = 0
        if self._model is not None and self._model.rowCount():
            self._append(0, self._model.rowCount() - 1)
        self._scroll_soon()

    @Slot(QModelIndex, int, int)
    def _append_rows(self, _parent, first: int, last: int) -> None:
        if first != self._shown:          # not an append at the end: show the model again
            self._reload()
            return
        self._append(first, last)
        self._scroll_soon()

    def _scroll_soon(self) -> None:
        """Scroll to the newest entry once the rows added together are in (one scroll, not one per row)."""
        if not self._scroll_pending:
            self._scroll_pending = True
            QTimer.singleShot(0, self, self._scroll_to_end)

    @Slot()
    def _scroll_to_end(self) -> None:
        self._scroll_pending = False
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())

    def texts(self) -> list[str]:
        model = self._model
        return [model.data(model.index(row, 0)) for row in range(model.rowCount())] if model else []

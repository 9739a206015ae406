"""The running incident log: a read-only timeline of scenes, updates, decisions and reading.

``IncidentLogModel`` adapts the controller's ``history`` list (it never owns or edits it);
``IncidentLogView`` shows it with the simulated time and the kind of entry in words, so
the log reads the same with or without colour. Must not import the engine's runner or any
screen; holds no scenario rules.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QEvent, QModelIndex, QPersistentModelIndex, Qt, QTimer, Slot
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyledItemDelegate

KIND_LABELS = {"scene": "Scene", "inject": "Update", "decision": "Decision", "reference": "Reference",
               "ended": "End", "note": "Note"}
KIND_SYMBOLS = {"scene": "\u25b8", "inject": "\u2709", "decision": "\u2714", "reference": "\u2261",
                "ended": "\u25a0", "note": "\u2022"}


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
            text = f"{entry.time_label}   {KIND_SYMBOLS.get(entry.kind, '')} {label}: {entry.title}"
            if entry.detail:
                text += f"\n{entry.detail}"
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{label} at {entry.time_label}"
        return None


class _MeasuredOnceDelegate(QStyledItemDelegate):
    """The standard delegate, remembering each row's wrapped size for its text, width and font.

    Adding an entry makes the list lay out every row again; without this each one is
    word-wrapped and measured anew, which grows with the log. The view forgets the sizes
    when its style or font changes."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._sizes: dict = {}

    def forget(self) -> None:
        self._sizes.clear()

    def sizeHint(self, option, index):  # noqa: N802 - Qt override
        key = (index.data(Qt.ItemDataRole.DisplayRole), option.rect.width(), option.font.key(),
               int(option.features.value if hasattr(option.features, "value") else option.features))
        size = self._sizes.get(key)
        if size is None:
            size = self._sizes[key] = super().sizeHint(option, index)
        return size


class IncidentLogView(QListView):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWordWrap(True)
        # no setSpacing(): Qt measures wrapped rows without the spacing but paints them with
        # it, which cut long rows short ("call …") and left a gap below; the item padding
        # comes from the stylesheet instead
        self.setUniformItemSizes(False)
        # rows are laid out again on resize, so wrapped entries are never cut short or gapped
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setObjectName("incidentLog")
        self._scroll_pending = False
        self._delegate = _MeasuredOnceDelegate(self)
        self.setItemDelegate(self._delegate)
        self.setAccessibleName("Incident log")
        self.setAccessibleDescription("Everything that has happened so far, with the simulated time")

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.PaletteChange):
            self._delegate.forget()
        super().changeEvent(event)

    def setModel(self, model) -> None:  # noqa: N802 - Qt override
        super().setModel(model)
        model.rowsInserted.connect(self._scroll_soon)

    @Slot()
    def _scroll_soon(self, *_args) -> None:
        """Scroll to the newest entry once the rows added together are laid out (one scroll, not one per row)."""
        if not self._scroll_pending:
            self._scroll_pending = True
            QTimer.singleShot(0, self, self._scroll_to_end)

    @Slot()
    def _scroll_to_end(self) -> None:
        self._scroll_pending = False
        self.scrollToBottom()

    def texts(self) -> list[str]:
        model = self.model()
        return [model.data(model.index(row, 0)) for row in range(model.rowCount())] if model else []

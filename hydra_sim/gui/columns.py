"""Column widths for tables and trees that fit their view: no sideways scrolling, headers whole.

``WrappingColumnHeader`` is a horizontal header whose labels wrap, so a long label over short
contents ("Critical misses" over "none") does not have to widen its column.

``fit_columns`` gives the short, fixed-form columns (times, statuses, scores) the width of
their contents and header, and lets the free-text columns (names, titles, explanations)
share what is left; text that is still too long is elided, and the cells carry tooltips
with the whole text (``tip_cells`` adds one where a filler set none). A tree given a
``WrappingCellDelegate`` wraps its free text instead, each row as tall as it needs. Must not import the
engine, the records package or any screen.
"""

from __future__ import annotations

from collections.abc import Iterable

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionHeader,
    QStyleOptionViewItem,
    QTableWidget,
    QTreeWidget,
    QTreeWidgetItemIterator,
    QWidget,
)

from .safe_text import plain_tooltip

# Contents' widths are measured on the rows in view and up to this many others. Qt measures
# 1,000 rows a column by default; under the app's stylesheet a cell costs about 40 µs, so a
# 13-column review of 1,000 sessions spent 1.8 s measuring before its first paint (issue 14).
SAMPLE_ROWS = 100


def header_of(view: QAbstractItemView) -> QHeaderView:
    return view.horizontalHeader() if hasattr(view, "horizontalHeader") else view.header()


def fit_columns(view: QAbstractItemView, stretch: Iterable[int] | dict[int, int]) -> "ColumnFitter":
    """Columns in ``stretch`` share the free width (a dict gives each a weight: a title column
    may take three shares to a note column's one); every other column is as wide as its
    contents and header text. Call after the view has its model (or header labels); the
    widths are worked out again when the view is resized or its rows change."""
    fitter = getattr(view, "_column_fitter", None)
    if fitter is None:
        fitter = ColumnFitter(view, stretch)
        view._column_fitter = fitter
    fitter.contents_changed()       # called again after a refill: measure the new contents
    return fitter


class ColumnFitter(QObject):
    """Keeps one view's columns fitted (see ``fit_columns``).

    Fixed columns get their contents' width. Each free-text column first gets its header's
    width (so no header is cut while there is room), then the rest of the width is shared by
    weight, never more than a column's contents want; what is still left goes to the widest. Columns stay Interactive, so a trainer can still
    drag a border."""

    def __init__(self, view: QAbstractItemView, stretch: Iterable[int] | dict[int, int]):
        super().__init__(view)
        self.view = view
        self.stretch = dict(stretch) if isinstance(stretch, dict) else dict.fromkeys(stretch, 1)
        self._pending = False
        self._retries = 0
        self._hints: dict[tuple[int, bool], int] = {}     # (column, natural) -> width; see _hint
        header = header_of(view)
        header.setResizeContentsPrecision(SAMPLE_ROWS)     # how many rows sizeHintForColumn samples
        header.setStretchLastSection(False)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        view.viewport().installEventFilter(self)
        view.installEventFilter(self)
        model = view.model()
        for signal in (model.modelReset, model.rowsRemoved, model.layoutChanged,
                       model.dataChanged, model.headerDataChanged):
            signal.connect(self.contents_changed)
        model.rowsInserted.connect(self._rows_inserted)

    def _rows_inserted(self, parent, first: int, _last: int) -> None:
        """Rows added below every row measured (the review appends its sessions in batches) leave
        the widths as they are: measuring again cost 50 ms a batch for the same rows."""
        bottom = self.view.indexAt(self.view.viewport().rect().bottomLeft()).row()   # -1: the view is not full
        if parent.isValid() or bottom < 0 or first <= bottom + SAMPLE_ROWS:
            self.contents_changed()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind in (QEvent.Type.FontChange, QEvent.Type.StyleChange) and watched is self.view:
            self.contents_changed()         # zoom or theme: every text measures differently
        elif kind == QEvent.Type.Resize and watched is not self.view:
            self.schedule()                 # the same contents in a new width: their widths still hold
        return False

    def contents_changed(self, *_args) -> None:
        self._hints.clear()
        self.schedule()

    def _hint(self, column: int, natural: bool) -> int:
        """The view's size hint for a column, measured once per change of its rows, font or style
        (a resize alone re-shares the width without measuring every cell again). Wrapped text
        measured at its column's width depends on that width, so that is never kept."""
        delegate = self.view.itemDelegate()
        wrapping = isinstance(delegate, WrappingCellDelegate)
        if wrapping and not natural:
            return self.view.sizeHintForColumn(column)
        key = (column, wrapping)          # without a wrapping delegate both ways measure the same
        if key not in self._hints:
            if wrapping:
                delegate.natural = natural     # what the column wants on one line, not wrapped to its width now
            try:
                self._hints[key] = self.view.sizeHintForColumn(column)
            finally:
                if wrapping:
                    delegate.natural = False
        return self._hints[key]

    def schedule(self, *_args) -> None:
        if not self._pending:
            self._pending = True
            QTimer.singleShot(0, self, self.fit)      # once, after the current burst of changes

    def fit(self) -> None:
        self._pending = False
        if not shiboken6.isValid(self.view):
            return
        header = header_of(self.view)
        count = header.count()
        if not count:
            return
        room = self.view.viewport().width() - 2
        smallest = header.minimumSectionSize()          # resizeSection never goes below it
        header_width = {c: max(smallest, header.sectionSizeFromContents(c).width()) for c in range(count)}
        wrapping = isinstance(self.view.itemDelegate(), WrappingCellDelegate)
        want = {c: max(header_width[c], self._hint(c, natural=True)) for c in range(count)}
        widths = {c: want[c] for c in range(count) if c not in self.stretch}
        free_columns = [c for c in range(count) if c in self.stretch and not header.isSectionHidden(c)]
        floor = {c: min(header_width[c], want[c]) for c in free_columns}

        def left_over() -> int:
            return room - sum(w for c, w in widths.items() if not header.isSectionHidden(c))
        left = left_over()
        if isinstance(header, WrappingColumnHeader) and left <= sum(floor.values()) + 40:
            # short of room: labels wrap, so a column may be as narrow as its longest word
            for c in range(count):
                narrow = max(smallest, header.floor_width(c))
                if c in floor:
                    floor[c] = min(floor[c], narrow)
                elif c in widths:
                    widths[c] = min(widths[c], max(narrow, self._hint(c, natural=False)))
            left = left_over()
        if free_columns:
            if left <= sum(floor.values()):         # not even the headers fit: share evenly
                for c in free_columns:
                    widths[c] = max(smallest, left // len(free_columns))
            else:
                extra = left - sum(floor.values())
                desire = {c: max(0, want[c] - floor[c]) for c in free_columns}
                widths.update(floor)
                hungry = [c for c in free_columns if desire[c] > 0]
                while extra > 0 and hungry:         # share by weight; a sated column drops out
                    weight = sum(self.stretch[c] for c in hungry)
                    given = 0
                    for c in hungry:
                        share = min(max(1, extra * self.stretch[c] // weight), desire[c], extra - given)
                        widths[c] += share
                        desire[c] -= share
                        given += share
                    extra -= given
                    hungry = [c for c in hungry if desire[c] > 0]
                spare = room - sum(w for c, w in widths.items() if not header.isSectionHidden(c))
                if spare > 0:
                    widest = max(free_columns, key=lambda c: want[c])
                    widths[widest] += spare
        changed = False
        for c, width in widths.items():
            if header.sectionSize(c) != width:
                header.resizeSection(c, width)
                changed = True
        if changed and wrapping and self.view.wordWrap():
            # a tree works out its row heights once: again, so wrapped cells get the lines they need
            self.view.doItemsLayout()
        # a scroll bar that came or went meanwhile changed the room: once more, from the new width
        if header.length() > self.view.viewport().width() and self._retries < 3:
            self._retries += 1
            self.schedule()
        else:
            self._retries = 0


def tip_cells(view: QTableWidget | QTreeWidget) -> None:
    """Give every cell without a tooltip one with its whole text (which may be elided on screen)."""
    if isinstance(view, QTableWidget):
        cells = [view.item(r, c) for r in range(view.rowCount()) for c in range(view.columnCount())]
        for cell in cells:
            if cell is not None and not cell.toolTip() and cell.text():
                cell.setToolTip(plain_tooltip(cell.text()))
        return
    iterator = QTreeWidgetItemIterator(view)
    while iterator.value():
        item = iterator.value()
        for column in range(item.columnCount()):
            if not item.toolTip(column) and item.text(column):
                item.setToolTip(column, plain_tooltip(item.text(column)))
        iterator += 1


class WrappingCellDelegate(QStyledItemDelegate):
    """Row heights for a word-wrapped tree: a QTreeView asks its delegate for a cell's size
    without the column's width, so a long cell stays one line and is cut; this measures the
    text wrapped to the width its column has now (``ColumnFitter`` lays the rows out again
    after it changes the widths). ``natural`` (set by the fitter while it measures) gives the
    one-line size instead."""

    natural = False

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 - Qt override
        view = self.parent()
        if not self.natural and isinstance(view, QAbstractItemView) and view.wordWrap():
            option = QStyleOptionViewItem(option)
            # the style wraps only within a valid rectangle (option.rect is a copy: set it back)
            option.rect = QRect(0, 0, header_of(view).sectionSize(index.column()), 1)
            option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText
        return super().sizeHint(option, index)


class WrappingColumnHeader(QHeaderView):
    """A horizontal header whose labels wrap onto a second line when their column is narrow,
    so "Critical misses" over a column of small numbers need not widen it; the header grows
    as tall as its most wrapped label. ``floor_width`` (the longest word) is as narrow as a
    label can go without being cut, which ``ColumnFitter`` uses."""

    PAD_X, PAD_Y, ARROW = 6, 4, 16

    def __init__(self, parent: QWidget | None = None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setSectionsClickable(True)
        self.setHighlightSections(True)
        self.sectionResized.connect(lambda *_: self._height_changed())

    def _text(self, logical: int) -> str:
        model = self.model()
        value = model.headerData(logical, self.orientation(), Qt.ItemDataRole.DisplayRole) if model else None
        return "" if value is None else str(value)

    def _room(self, logical: int, width: int) -> int:
        arrow = self.ARROW if self.isSortIndicatorShown() and self.sortIndicatorSection() == logical else 0
        return max(1, width - 2 * self.PAD_X - arrow)

    def floor_width(self, logical: int) -> int:
        words = self._text(logical).split() or [""]
        metrics = self._metrics()
        return max(metrics.horizontalAdvance(word) for word in words) + 2 * self.PAD_X + self.ARROW

    def _metrics(self) -> QFontMetrics:
        return QFontMetrics(self._bold_font())     # the theme draws header labels bold: measure that

    def _lines_height(self, logical: int, width: int) -> int:
        bounds = self._metrics().boundingRect(QRect(0, 0, self._room(logical, width), 10000),
                                              int(Qt.TextFlag.TextWordWrap), self._text(logical))
        return bounds.height()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().sizeHint()
        tallest = max((self._lines_height(c, self.sectionSize(c)) for c in range(self.count())
                       if not self.isSectionHidden(c)), default=0)
        return QSize(hint.width(), max(hint.height(), tallest + 2 * self.PAD_Y))

    def _height_changed(self) -> None:
        if self.sizeHint().height() != self.height():
            self.updateGeometry()
            self.geometriesChanged.emit()         # the view moves its viewport down or up

    def paintSection(self, painter, rect: QRect, logical: int) -> None:  # noqa: N802 - Qt override
        if not rect.isValid():
            return
        option = blank_section_option(self, rect, logical)
        if self.isSortIndicatorShown() and self.sortIndicatorSection() == logical:
            option.sortIndicator = (QStyleOptionHeader.SortIndicator.SortDown
                                    if self.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
                                    else QStyleOptionHeader.SortIndicator.SortUp)
        painter.save()
        self.style().drawControl(QStyle.ControlElement.CE_Header, option, painter, self)   # frame, arrow
        painter.setFont(self._bold_font())
        painter.setPen(self.palette().color(QPalette.ColorRole.ButtonText))
        text_rect = QRect(rect.left() + self.PAD_X, rect.top() + self.PAD_Y, self._room(logical, rect.width()),
                          rect.height() - 2 * self.PAD_Y)
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), self._text(logical))
        painter.restore()

    def _bold_font(self) -> QFont:
        bold = QFont(self.font())
        bold.setBold(True)
        return bold


def blank_section_option(header: QHeaderView, rect: QRect, logical: int) -> QStyleOptionHeader:
    """The style option to draw one header section's background and frame with no text: the
    wrapped headers paint their own text over it."""
    option = QStyleOptionHeader()
    header.initStyleOption(option)
    option.rect, option.section, option.text = rect, logical, ""
    option.orientation = header.orientation()
    return option

"""Small shared widgets.

``WrapLabel`` is a word-wrapped, plain-text-by-default QLabel (scenario text never goes
in as raw HTML; rich text only from ``markdown_to_html``) that remembers its height for each
width until its text or shape changes. ``FlowLayout`` lays widgets out
in rows that wrap (like words), so a row of buttons never forces a horizontal scroll bar;
``FitScrollArea`` scrolls a page vertically only when the window is shorter than the page's
minimum; ``reveal`` scrolls the nearest scroll area so a widget (or a part of it) is in view;
``PaddedItemDelegate`` measures a word-wrapped list entry at the width its text is drawn in;
``held_layouts`` holds layouts still while a screen shows and hides many widgets, so they are
laid out once, not once per widget shown; ``give_viewport`` gives a scroll area a viewport made
in Python, so the start-up never hands Python a widget Qt made.

The start screen uses this module, so widgets whose Qt classes are costly to load (QStyle's,
QDateEdit's) are in modules of their own: eliding_button.py, date_edit.py.
Must not import the engine, the controller or any screen.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QScrollArea,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QWidget,
)

from .safe_text import inert


class WrapLabel(QLabel):
    # Events after which the label's height for a width may differ: its font, its style (the
    # theme's padding and borders), its margins or its direction changed.
    _RESHAPING = frozenset({QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.ContentsRectChange,
                            QEvent.Type.LayoutDirectionChange})

    def __init__(self, text: str = "", parent: QWidget | None = None, *, role: str | None = None,
                 rich: bool = False):
        self._heights: dict[int, int] = {}     # width -> height, until the text or its shape changes
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
        if role:
            self.setProperty("role", role)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        if self.textFormat() != Qt.TextFormat.PlainText:
            text = inert(text)        # a second wall: only inert HTML reaches a rich label
        self._heights.clear()
        super().setText(text)

    def clear(self) -> None:
        self._heights.clear()
        super().clear()

    def setTextFormat(self, text_format) -> None:  # noqa: N802 (Qt's name)
        self._heights.clear()
        super().setTextFormat(text_format)

    def setWordWrap(self, on: bool) -> None:  # noqa: N802 (Qt's name)
        self._heights.clear()
        super().setWordWrap(on)

    def setIndent(self, indent: int) -> None:  # noqa: N802 (Qt's name)
        self._heights.clear()
        super().setIndent(indent)

    def setMargin(self, margin: int) -> None:  # noqa: N802 (Qt's name)
        self._heights.clear()
        super().setMargin(margin)

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt's name)
        # Qt's layouts ask a label its height at the same few widths many times per layout
        # (a size hint, then a minimum, at each level of nesting, with and without a scroll
        # bar) and QLabel lays its text out afresh each time; a scene page of rich text and
        # option labels was shaped some 200 times per Decide click (issue 14).
        height = self._heights.get(width)
        if height is None:
            height = self._heights[width] = super().heightForWidth(width)
        return height

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if event.type() in self._RESHAPING:
            self._heights.clear()
        super().changeEvent(event)


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


class FlowLayout(QLayout):
    """Widgets left to right, wrapping onto a new row when the next one does not fit.

    Its minimum width is that of the widest item's minimum, so it never widens its parent
    past the window; its height follows its width (``heightForWidth``). With ``fill`` each
    row's spare width is shared among its items, in proportion to their size hints (groups
    of controls whose text boxes should take the room), instead of left empty on the right."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 8, fill: bool = False):
        super().__init__(parent)
        self._items = []
        self._spacing = spacing
        self._fill = fill
        self._height_for: tuple[int, int] | None = None      # (width, height) until invalidated
        self.setContentsMargins(0, 0, 0, 0)

    # -- QLayout's item list -----------------------------------------------------------------
    def addItem(self, item) -> None:  # noqa: N802 (Qt's name)
        self._items.append(item)

    def insertWidget(self, index: int, widget: QWidget) -> None:  # noqa: N802 (QBoxLayout's name)
        # addWidget makes Qt's own item for the widget (it keeps the widget's size hints until
        # they change; a plain QWidgetItem asks the widget's style every time), then it is moved
        self.addWidget(widget)
        item = self._items.pop()
        self._items.insert(max(0, min(index, len(self._items))), item)
        self.invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):  # noqa: N802 (Qt's name)
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):  # noqa: N802 (Qt's name)
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    # -- sizes ---------------------------------------------------------------------------------
    def expandingDirections(self):  # noqa: N802 (Qt's name)
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt's name)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt's name)
        # Qt asks this many times per layout pass with the same width; the answer holds until
        # an item changes, which invalidates the layout (Qt's box layouts keep it the same way)
        if self._height_for is None or self._height_for[0] != width:
            self._height_for = (width, self._arrange(QRect(0, 0, width, 0), move=False))
        return self._height_for[1]

    def invalidate(self) -> None:
        self._height_for = None
        super().invalidate()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        visible = [item for item in self._items if not item.isEmpty()]
        margins = self.contentsMargins()
        width = sum(item.sizeHint().width() for item in visible) + self._spacing * max(0, len(visible) - 1)
        height = max((item.sizeHint().height() for item in visible), default=0)
        return QSize(width + margins.left() + margins.right(), height + margins.top() + margins.bottom())

    def minimumSize(self) -> QSize:  # noqa: N802 (Qt's name)
        size = QSize()
        for item in self._items:
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 (Qt's name)
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def _arrange(self, rect: QRect, move: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        rows: list[list[tuple[object, int]]] = [[]]
        x = area.x()
        for item in self._items:
            if item.isEmpty():
                continue
            width = max(item.minimumSize().width(), min(item.sizeHint().width(), area.width()))
            if x > area.x() and x + width > area.right() + 1:     # does not fit: a new row
                rows.append([])
                x = area.x()
            rows[-1].append((item, width))
            x += width + self._spacing
        y = area.y()
        for number, row in enumerate(rows):
            if not row:
                continue
            if self._fill:
                used = sum(width for _item, width in row) + self._spacing * (len(row) - 1)
                spare, total = max(0, area.width() - used), sum(width for _item, width in row) or 1
                row = [(item, width + spare * width // total) for item, width in row]
            row_height = max(item.heightForWidth(width) if item.hasHeightForWidth() and self._fill
                             else item.sizeHint().height() for item, width in row)
            x = area.x()
            for item, width in row:
                if move:
                    height = item.sizeHint().height() if not self._fill else row_height
                    item.setGeometry(QRect(QPoint(x, y), QSize(width, height)))
                x += width + self._spacing
            y += row_height + (self._spacing if number < len(rows) - 1 else 0)
        return y - rect.y() + margins.bottom()


class FitScrollArea(QScrollArea):
    """A scroll area that scrolls vertically only when the window is shorter than its page's
    *minimum* height for the window's width, and sideways only if the page cannot be made as
    narrow as the window (the tests fail on that).

    QScrollArea's own ``widgetResizable`` sizes a page holding word-wrapped labels to its
    preferred height for the width, so it shows a scroll bar while everything would still fit;
    this one gives the page exactly the viewport's width and at least the viewport's height."""

    def __init__(self, page: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        give_viewport(self)          # fit() reads its width (see give_viewport)
        self.setWidgetResizable(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidget(page)
        page.installEventFilter(self)

    def fit(self) -> None:
        page = self.widget()
        layout = page.layout() if page is not None else None
        if layout is None:
            return
        width = max(self.viewport().width(), layout.totalMinimumSize().width())
        needed = (layout.totalMinimumHeightForWidth(width) if layout.hasHeightForWidth()
                  else layout.totalMinimumSize().height())
        page.resize(width, max(needed, self.viewport().height()))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.fit()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            QTimer.singleShot(0, self, self.fit)        # after the page's layout has recomputed
        return super().eventFilter(watched, event)


class PaddedItemDelegate(QStyledItemDelegate):
    """Measures a word-wrapped list entry as wide as the text is drawn, not as wide as the row.

    The style sheet pads each entry (theme.LIST_ITEM_PAD_X on each side) and draws the text
    inside the padding, but Qt wraps the text for the size hint across the whole row: an
    entry whose last line only fits in the wider measure came out a line short, its end
    cut to "..." (issue 16)."""

    def __init__(self, pad_x: int, parent=None):
        super().__init__(parent)
        self.pad_x = pad_x

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        narrowed = QStyleOptionViewItem(option)
        narrowed.rect = option.rect.adjusted(0, 0, -2 * self.pad_x, 0)
        return super().sizeHint(narrowed, index)


def give_viewport(view: QAbstractScrollArea) -> QWidget:
    """Give ``view`` a viewport made here, set up as Qt sets up its own, and return it.

    Why: the first time Python is handed a widget Qt made (as ``view.viewport()`` would hand
    the one Qt made), PySide looks through every QWidget subclass for its type, creating some
    forty classes and their enums: 15 ms of the start-up, before the first paint. A viewport
    made in Python already has its Python object, so ``viewport()`` just returns it."""
    viewport = QWidget()
    viewport.setObjectName("qt_scrollarea_viewport")      # as Qt names its own (style sheets use it)
    viewport.setBackgroundRole(QPalette.ColorRole.Base)
    viewport.setAutoFillBackground(True)
    view.setViewport(viewport)
    return viewport


@contextmanager
def held_layouts(root: QWidget, *widgets: QWidget) -> Iterator[None]:
    """Within the block, the layouts of these widgets and of their ancestors up to ``root`` do not
    lay out; afterwards each is marked for one layout, done by Qt's posted layout request before
    the next paint.

    Why: showing a hidden child lays out, at once, its parent's layout and every ancestor's up to
    the window (``QWidgetPrivate::setVisible`` activates each), and a new scene shows and hides a
    dozen widgets (option rows, document buttons, the countdown) between changes of text, each
    time re-shaping the word-wrapped scene text: a third of a Decide click. A disabled layout
    ignores those requests (``QLayout::activate`` does nothing). Layouts above ``root`` stay
    laid out: nothing inside a held layout tells them its size changed until it is laid out.
    """
    layouts: dict[int, QLayout] = {}
    for widget in widgets:
        while widget is not None:
            layout = widget.layout()
            if layout is not None and layout.isEnabled():
                layouts.setdefault(id(layout), layout)
            if widget is root:
                break
            widget = widget.parentWidget()
    for layout in layouts.values():
        layout.setEnabled(False)
    try:
        yield
    finally:
        for layout in layouts.values():
            layout.setEnabled(True)
            layout.invalidate()         # posts the layout request (the widgets changed meanwhile)


def reveal(widget: QWidget, rect: QRect | None = None, margin: int = 24) -> None:
    """Scroll the nearest enclosing scroll area, as little as possible, so ``rect`` (in
    ``widget``'s coordinates; the whole widget by default) is in view: a row moved by the
    keyboard, or a box given the focus, is never left below the fold (issue 16)."""
    rect = widget.rect() if rect is None else rect
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    if parent is None or parent.widget() is None or not parent.widget().isAncestorOf(widget):
        return
    holder = parent.widget()
    top_left = widget.mapTo(holder, rect.topLeft())
    centre = top_left.y() + rect.height() // 2
    parent.ensureVisible(top_left.x(), centre, 0, rect.height() // 2 + margin)


def read_only_table(labels: list[str], accessible_name: str, modes) -> QTableWidget:
    """A table to read, not edit: its column headers, a name for screen readers, wrapped cells,
    Tab moving on past it (not cell to cell), no row numbers, and each column's resize mode."""
    table = QTableWidget(0, len(labels))
    table.setHorizontalHeaderLabels(labels)
    table.setAccessibleName(accessible_name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(True)
    table.setTabKeyNavigation(False)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    for column, mode in enumerate(modes):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode(mode))
    return table

"""Decision panels: one widget per decision kind, plus the Continue panel.

A panel shows the decision's prompt and options (as the engine offers them), collects the
trainee's answer and emits it; it never judges the answer (the runner does, and the panel
shows the runner's message inline). Single choice uses radio rows, checklists use check
rows, ranking is a list reordered by drag or Alt+Up / Alt+Down, and the NDM form has one
labelled box per field with "required" written in words, then one labelled list per
structured part (the power used for one person, ...) that the trainee must choose from.

Each panel keeps its Decide (or Continue) button and its validation message in a separate
``action_bar`` widget. Alone, a panel shows the bar at its foot; the incident screen takes it
with ``take_action_bar()`` and pins it below the scrolling scene, so deciding never needs
scrolling. Ctrl+Enter works with the focus anywhere in the panel or in the bar (a host that takes
the bar owns Ctrl+Enter for its whole screen instead). The arrow keys move within the option
rows and, in a choose-one group, choose (keyboard.py).
Must not import the runner, the controller or any screen.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from ..engine.model import NDM_FIELD_LABELS, PARTS_KEY
from ..engine.rationale import stage_label
from .keyboard import OptionGroupKeys
from .widgets import WrapLabel, reveal


def _label(text: str, role: str | None = None) -> QLabel:
    return WrapLabel(text, role=role)


class OptionRow(QFrame):
    """A radio button or check box with a word-wrapped label; the whole row is the click target."""

    def __init__(self, button: QAbstractButton, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("role", "option")
        self.button = button
        button.setAccessibleName(text)
        button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.label = _label(text)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 10, 6)
        layout.setSpacing(8)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
        button.installEventFilter(self)
        button.toggled.connect(self._restyle)

    def set_text(self, text: str) -> None:
        self.label.setText(text)
        self.button.setAccessibleName(text)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton and self.button.isEnabled():
            self.button.click()
            self.button.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mouseReleaseEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            self._restyle()
        return False

    @Slot()
    def _restyle(self, *_args) -> None:
        self.setProperty("focused", self.button.hasFocus())
        self.setProperty("checked", self.button.isChecked())
        self.style().unpolish(self)
        self.style().polish(self)


class RankList(QListWidget):
    """A list the trainee reorders: drag with the mouse, or Alt+Up / Alt+Down on the current row."""
    reordered = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setWordWrap(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.model().rowsMoved.connect(lambda *_: self.reordered.emit())
        # the list is as tall as its rows (no scroll bar of its own): the screen's scroll area
        # scrolls instead, so the row the keyboard moves to (or moves) stays in view
        self.currentRowChanged.connect(lambda _row: QTimer.singleShot(0, self.reveal_current))

    def reveal_current(self) -> None:
        item = self.currentItem()
        if item is not None and self.isVisible():
            rect = self.visualItemRect(item)
            reveal(self, rect.translated(self.viewport().pos()), margin=8)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.modifiers() & Qt.KeyboardModifier.AltModifier and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.move_current(-1 if event.key() == Qt.Key.Key_Up else 1)
            return
        super().keyPressEvent(event)

    def move_current(self, delta: int) -> None:
        row = self.currentRow()
        target = row + delta
        if row < 0 or not 0 <= target < self.count():
            return
        item = self.takeItem(row)
        self.insertItem(target, item)
        self.setCurrentRow(target)
        self.reordered.emit()
        QTimer.singleShot(0, self.reveal_current)      # moved, the row is still the current one

    def fit_height(self) -> None:
        # the rows as laid out at the list's width now (a row's size hint can be from another
        # width: the list came out a row short, scrolled, or a blank row tall; the walkthrough)
        self.verticalScrollBar().setValue(0)
        self.doItemsLayout()
        if not self.count():
            return
        first, last = self.visualItemRect(self.item(0)), self.visualItemRect(self.item(self.count() - 1))
        if last.height() <= 0:       # not laid out yet (hidden): from the size hints
            content = sum(max(self.sizeHintForRow(i), 24) for i in range(self.count()))
        else:
            content = last.bottom() + 1 + max(0, first.top())
        chrome = max(self.height() - self.viewport().height(), 2 * self.frameWidth())     # frame and padding
        self.setFixedHeight(content + chrome + 4)

    def scrollTo(self, index, hint=QAbstractItemView.ScrollHint.EnsureVisible) -> None:  # noqa: N802 - Qt override
        """Never scroll inside: every row is shown (the screen scrolls, see reveal_current)."""
        self.verticalScrollBar().setValue(0)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():       # the rows wrap anew
            QTimer.singleShot(0, self.fit_height)


class WrappedChoice(QStyledItemDelegate):
    """Draws a drop-down's choice on as many lines as it needs at the list's width: the
    combo box's own delegate keeps one line and cuts a long answer at the list's edge."""

    PADDING = 8     # above and below, and on each side, as the theme pads a list row

    def __init__(self, view: QAbstractItemView):
        super().__init__(view)
        self._view = view

    def text_width(self) -> int:
        """The width a choice's text wraps at: the list's viewport less the row padding."""
        return max(self._view.viewport().width() - 2 * self.PADDING, 80)

    def initStyleOption(self, option, index) -> None:  # noqa: N802 - Qt override
        super().initStyleOption(option, index)
        option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText
        option.textElideMode = Qt.TextElideMode.ElideNone

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 - Qt override
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        width = self.text_width()
        rect = option.fontMetrics.boundingRect(QRect(0, 0, width, 100000),
                                               int(Qt.TextFlag.TextWordWrap), text)
        return QSize(width + 2 * self.PADDING, rect.height() + 2 * self.PADDING)

    def paint(self, painter, option, index) -> None:
        self.initStyleOption(option, index)
        style = self._view.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, self._view)
        selected = option.state & QStyle.StateFlag.State_Selected
        role = option.palette.ColorRole.HighlightedText if selected else option.palette.ColorRole.Text
        painter.save()
        painter.setPen(option.palette.color(role))
        painter.setFont(option.font)
        text_rect = option.rect.adjusted(self.PADDING, self.PADDING, -self.PADDING, -self.PADDING)
        painter.drawText(text_rect, int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft |
                                        Qt.AlignmentFlag.AlignVCenter), option.text)
        painter.restore()


class ChoiceBox(QComboBox):
    """A drop-down whose open list stays within the screen: Qt widens the list to its
    longest choice, at most the screen's width, but keeps its left edge under the box, so a
    list as wide as the screen ran off its right edge. It is narrowed and moved back in (its
    choices wrap at the new width, ``WrappedChoice``)."""

    MARGIN = 8

    def showPopup(self) -> None:  # noqa: N802 - Qt override
        super().showPopup()
        popup = self.view().window()
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if popup is None or popup is self.window() or screen is None:
            return
        room = screen.adjusted(self.MARGIN, 0, -self.MARGIN, 0)
        rect = popup.geometry()
        if rect.width() > room.width():
            rect.setWidth(room.width())
        if rect.right() > room.right():
            rect.moveRight(room.right())
        if rect.left() < room.left():
            rect.moveLeft(room.left())
        if rect != popup.geometry():
            popup.setGeometry(rect)


def fit_choices(combo: QComboBox) -> None:
    """Let a drop-down's list show each choice whole: as wide as the longest choice (at most
    the screen's width less a margin), and each choice wrapped onto more lines beyond that
    (``WrappedChoice``). The closed box stays narrow enough for the column (a chosen answer
    longer than it is repeated in full beneath it and in its tooltip)."""
    view = combo.view()
    if not isinstance(view.itemDelegate(), WrappedChoice):     # set up once; a refilled box keeps it
        view.setTextElideMode(Qt.TextElideMode.ElideNone)
        view.setWordWrap(True)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)     # wrap, never sideways
        if isinstance(view, QListView):
            view.setResizeMode(QListView.ResizeMode.Adjust)
            view.setUniformItemSizes(False)
        view.setItemDelegate(WrappedChoice(view))
    metrics = combo.fontMetrics()
    widest = max((metrics.horizontalAdvance(combo.itemText(i)) for i in range(combo.count())), default=0)
    screen = combo.screen().availableGeometry().width() if combo.screen() is not None else 1280
    view.setMinimumWidth(min(widest + 2 * WrappedChoice.PADDING + 32, screen - 40))


def add_decide_shortcuts(widget: QWidget, slot) -> list[QShortcut]:
    """Ctrl+Enter and Ctrl+Return anywhere inside ``widget`` call ``slot``."""
    shortcuts = []
    for key in ("Ctrl+Return", "Ctrl+Enter"):
        shortcut = QShortcut(QKeySequence(key), widget)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)
        shortcuts.append(shortcut)
    return shortcuts


class ActionBar(QWidget):
    """The validation message (left, wrapping) and the primary button (right)."""

    def __init__(self, button: QPushButton, message: QLabel | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("actionBar")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(12)
        if message is not None:
            row.addWidget(message, 1)
        else:
            row.addStretch(1)
        row.addWidget(button, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class DecisionPanel(QWidget):
    """Base: prompt, the kind-specific body, an optional 'why' box, an inline error and Decide.

    A panel can be reused for the next decision of the same kind: ``load(decision, options)``
    updates the texts and reuses the option rows (more are made only when needed), so going
    from scene to scene does not build, style and lay out a new panel each time."""
    submitted = Signal(object, object)     # selection, rationale
    rationale_started = Signal()

    def __init__(self, decision, options, parent: QWidget | None = None):
        super().__init__(parent)
        self.decision = decision
        self.options = list(options)
        self._started = False
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setSpacing(10)
        self.prompt = _label("", "heading")
        self.layout_.addWidget(self.prompt)
        self.hint = _label("", "muted")
        self.layout_.addWidget(self.hint)
        self.body_start = self.layout_.count()     # the kind's body widgets go from here
        self.build_body()
        self.rationale_box: QPlainTextEdit | None = None     # the 'why' box, when this decision has one
        self.rationale_label = _label("")
        self._rationale_edit = QPlainTextEdit()
        self._rationale_edit.setPlaceholderText("Your reasons, in a sentence or two")
        self._rationale_edit.setTabChangesFocus(True)
        self._rationale_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 20)
        self._rationale_edit.textChanged.connect(self._note_started)
        self.rationale_label.setBuddy(self._rationale_edit)
        self.layout_.addWidget(self.rationale_label)
        self.layout_.addWidget(self._rationale_edit)
        self.decide_button = QPushButton("Decide")
        self.decide_button.setProperty("role", "primary")
        self.decide_button.setAccessibleName("Decide: record this answer")
        self.decide_button.setToolTip("Record your answer (Ctrl+Enter)")
        self.decide_button.clicked.connect(self.submit)
        self.error = _label("", "error")
        self.error.setVisible(False)
        self.error.setAccessibleName("Problem with your answer")
        self.action_bar = ActionBar(self.decide_button, self.error)
        self.layout_.addWidget(self.action_bar)
        self.shortcuts = add_decide_shortcuts(self, self.submit) + add_decide_shortcuts(self.action_bar, self.submit)
        self.load(decision, options)

    def load(self, decision, options) -> None:
        """Show this decision (of this panel's kind), reusing the widgets already made."""
        self.decision = decision
        self.options = list(options)
        self._started = False
        self.prompt.setText(decision.prompt)
        hint = self.hint_text()
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self.fill_body()
        wanted = decision.kind != "ndm_rationale" and decision.rationale in ("optional", "required")
        box = self._rationale_edit
        box.blockSignals(True)
        box.clear()
        box.blockSignals(False)
        if wanted:
            caption = "Why did you decide this? " + ("(required)" if decision.rationale == "required" else "(optional)")
            self.rationale_label.setText(caption)
            box.setAccessibleName(caption)
        self.rationale_label.setVisible(wanted)
        box.setVisible(wanted)
        self.rationale_box = box if wanted else None
        self.show_error("")

    def take_action_bar(self) -> QWidget:
        """Hand the Decide bar to a host that shows it outside the panel (it stays this panel's).

        The host then owns Ctrl+Enter (one shortcut for its whole screen): the panel's own are
        switched off, as two shortcuts on one key would cancel each other out."""
        self.layout_.removeWidget(self.action_bar)
        for shortcut in self.shortcuts:
            shortcut.setEnabled(False)
        return self.action_bar

    def tab_chain(self) -> list[QWidget]:
        """The panel's controls in reading order (the host sets the Tab order from it)."""
        chain = self.body_chain()
        if self.rationale_box is not None:
            chain.append(self.rationale_box)
        return chain + [self.decide_button]

    def body_chain(self) -> list[QWidget]:
        return []

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        # Ctrl+Enter from any child that did not use it (the QShortcut covers real key presses)
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier and \
                event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
            return
        super().keyPressEvent(event)

    # -- for subclasses ----------------------------------------------------------------------
    def hint_text(self) -> str:
        return ""

    def build_body(self) -> None:
        """Make the widgets every decision of this kind has (once)."""

    def fill_body(self) -> None:
        """Show ``self.decision`` and ``self.options`` in the body (on every load)."""
        raise NotImplementedError

    def selection(self):
        """The answer so far, or None when there is nothing to submit yet."""
        raise NotImplementedError

    def missing_text(self) -> str:
        return "Choose an option first."

    def first_focus(self) -> QWidget:
        return self.decide_button

    # -- shared --------------------------------------------------------------------------------
    @Slot()
    def _note_started(self) -> None:
        if not self._started:
            self._started = True
            self.rationale_started.emit()

    def rationale(self):
        return self.rationale_box.toPlainText().strip() if self.rationale_box is not None else None

    @Slot()
    def submit(self) -> None:
        if not self.decide_button.isEnabled():
            return
        selection = self.selection()
        if selection is None:
            self.show_error(self.missing_text())
            return
        self.show_error("")
        self.submitted.emit(selection, self.rationale())

    def show_error(self, text: str) -> None:
        self.error.setText(f"\u26a0 {text}" if text else "")
        self.error.setVisible(bool(text))

    def set_blocked(self, blocked: bool, by_facilitator: bool = False) -> None:
        """Paused: everything stays readable, but nothing can be answered."""
        self.decide_button.setEnabled(not blocked)
        self.decide_button.setText(("Paused by the facilitator" if by_facilitator else "Paused: resume to decide")
                                   if blocked else "Decide")


class _OptionRowsPanel(DecisionPanel):
    """Radio or check rows, one per option, from a pool that only grows."""

    def make_button(self) -> QAbstractButton:
        raise NotImplementedError

    select_with_arrows = False

    def build_body(self) -> None:
        self.pool: list[OptionRow] = []
        self.rows: dict[str, OptionRow] = {}
        self.keys = OptionGroupKeys(lambda: [row.button for row in self.rows.values()],
                                    select=self.select_with_arrows, roving=self.select_with_arrows, parent=self)

    def fill_body(self) -> None:
        for row in self.pool:
            row.button.setChecked(False)
        while len(self.pool) < len(self.options):
            row = OptionRow(self.make_button(), "")
            self.layout_.insertWidget(self.body_start + len(self.pool), row)
            self.pool.append(row)
            self.added_row(row)
        self.rows = {}
        for row, option in zip(self.pool, self.options, strict=False):
            row.set_text(option.label)
            self.rows[option.id] = row
        for k, row in enumerate(self.pool):
            row.setVisible(k < len(self.options))
        self.keys.update_tab_stop()

    def added_row(self, row: OptionRow) -> None:
        self.keys.watch(row.button)

    def body_chain(self) -> list[QWidget]:
        return [row.button for row in self.rows.values()]

    def option_button(self, option_id: str) -> QAbstractButton:
        return self.rows[option_id].button

    def first_focus(self) -> QWidget:
        return next(iter(self.rows.values())).button if self.rows else self.decide_button


class ChooseOnePanel(_OptionRowsPanel):
    select_with_arrows = True

    def build_body(self) -> None:
        super().build_body()
        self.group = QButtonGroup(self)
        self.group.buttonToggled.connect(lambda *_: self.show_error(""))

    def make_button(self) -> QAbstractButton:
        return QRadioButton()

    def added_row(self, row: OptionRow) -> None:
        super().added_row(row)
        self.group.addButton(row.button)

    def fill_body(self) -> None:
        self.group.setExclusive(False)     # an exclusive group never unchecks its last button
        super().fill_body()
        self.group.setExclusive(True)

    def hint_text(self) -> str:
        return ("Choose one: click it, or use the arrow keys (they move and choose). Then press Decide "
                "or Ctrl+Enter.")

    def selection(self):
        for option_id, row in self.rows.items():
            if row.button.isChecked():
                return option_id
        return None


class ChooseManyPanel(_OptionRowsPanel):
    def make_button(self) -> QAbstractButton:
        return QCheckBox()

    def hint_text(self) -> str:
        low, high = self.decision.min_picks, self.decision.max_picks
        text = "Tick every action you take now (the arrow keys move, Space ticks)."
        if low and high:
            text += f" Tick between {low} and {high}."
        elif low:
            text += f" Tick at least {low}."
        elif high:
            text += f" Tick at most {high}."
        return text

    def selection(self):
        return [option_id for option_id, row in self.rows.items() if row.button.isChecked()]


class RankPanel(DecisionPanel):
    def build_body(self) -> None:
        self.list = RankList()
        self.list.setAccessibleName("Items to put in order, most important first")
        self.list.setAccessibleDescription("Alt+Up and Alt+Down move the selected item; you can also drag")
        self.list.reordered.connect(self._renumber)
        self.layout_.addWidget(self.list)
        buttons = QHBoxLayout()
        self.up_button = QPushButton("\u2191 Move up")
        self.up_button.setAccessibleName("Move the selected item up")
        self.up_button.setToolTip("Alt+Up")
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button = QPushButton("\u2193 Move down")
        self.down_button.setAccessibleName("Move the selected item down")
        self.down_button.setToolTip("Alt+Down")
        self.down_button.clicked.connect(lambda: self._move(1))
        buttons.addWidget(self.up_button)
        buttons.addWidget(self.down_button)
        buttons.addStretch(1)
        self.layout_.addLayout(buttons)

    def fill_body(self) -> None:
        self.list.clear()
        for option in self.options:
            item = QListWidgetItem(option.label)
            item.setData(Qt.ItemDataRole.UserRole, option.id)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self._renumber()
        if self.isVisible():
            self.list.fit_height()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.list.fit_height()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.list.fit_height()

    def hint_text(self) -> str:
        return "Put these in order, most important first: select an item, then Alt+Up / Alt+Down (or drag it)."

    def _move(self, delta: int) -> None:
        self.list.move_current(delta)
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def _renumber(self) -> None:
        labels = {o.id: o.label for o in self.options}
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setText(f"{row + 1}.  {labels[item.data(Qt.ItemDataRole.UserRole)]}")

    def order(self) -> list[str]:
        return [self.list.item(row).data(Qt.ItemDataRole.UserRole) for row in range(self.list.count())]

    def selection(self):
        return self.order()

    def first_focus(self) -> QWidget:
        return self.list

    def body_chain(self) -> list[QWidget]:
        return [self.list, self.up_button, self.down_button]


class NdmPanel(DecisionPanel):
    def build_body(self) -> None:
        self.pool: list[tuple[QLabel, QPlainTextEdit]] = []
        self.boxes: dict[str, QPlainTextEdit] = {}
        self.parts: dict[str, QComboBox] = {}       # part id -> its list of choices
        self.part_rows: list[tuple[QLabel, QComboBox, QLabel]] = []    # made once, reused (_fill_parts)
        self.parts_heading: QLabel | None = None
        self.part_order = None       # part id -> its choices in the session's order (set by the screen)
        # The parts go after the boxes (which are inserted before this area).
        self.parts_area = QWidget()
        self.parts_layout = QVBoxLayout(self.parts_area)
        self.parts_layout.setContentsMargins(0, 4, 0, 0)
        self.parts_layout.setSpacing(6)
        self.layout_.addWidget(self.parts_area)

    def _fill_parts(self) -> None:
        """The assessed parts, one label, drop-down and "your answer" line each. The rows are
        made once and reused by later rationale forms (a pool that only grows, like the boxes):
        making a drop-down and its wrapped list is most of the time a new form takes to show."""
        parts = self.decision.parts
        self.parts = {}
        self.parts_area.setVisible(bool(parts))
        if parts and self.parts_heading is None:
            self.parts_heading = _label("Your decisions (choose one for each; they are scored):", "heading")
            self.parts_layout.addWidget(self.parts_heading)
        while len(self.part_rows) < len(parts):
            self.part_rows.append(self._add_part_row())
        for k, (label, combo, whole) in enumerate(self.part_rows):
            used = k < len(parts)
            label.setVisible(used)
            combo.setVisible(used)
            whole.setVisible(False)
            if not used:
                continue
            part = parts[k]
            label.setText(f"{stage_label(part.stage)}: {part.prompt} (required)")
            combo.blockSignals(True)           # refilling is not the trainee starting to answer
            combo.clear()
            ordered = self.part_order(part.id) if self.part_order is not None else part.options
            for option in ordered or part.options:
                combo.addItem(option.label, option.id)
                combo.setItemData(combo.count() - 1, option.label, Qt.ItemDataRole.ToolTipRole)
            combo.setCurrentIndex(-1)
            combo.blockSignals(False)
            combo.setToolTip("")
            combo.setAccessibleName(f"{part.prompt} (required)")
            fit_choices(combo)
            self.parts[part.id] = combo

    def _add_part_row(self) -> tuple[QLabel, QComboBox, QLabel]:
        label = _label("")
        combo = ChoiceBox()
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(30)
        combo.setPlaceholderText("Choose\u2026")
        combo.currentIndexChanged.connect(self._note_started)
        combo.currentIndexChanged.connect(self._recheck)
        label.setBuddy(combo)
        # a closed drop-down cannot wrap: a chosen answer longer than the box is repeated
        # in full under it (shown only then), so the trainee sees what they chose
        whole = _label("", "muted")
        whole.setVisible(False)
        combo.setProperty("whole", whole)
        combo.currentIndexChanged.connect(lambda _i, c=combo: self._show_whole(c))
        for widget in (label, combo, whole):
            self.parts_layout.addWidget(widget)
        return label, combo, whole

    def fill_body(self) -> None:
        fields = list(self.decision.fields)
        while len(self.pool) < len(fields):
            label = _label("")
            box = QPlainTextEdit()
            box.setTabChangesFocus(True)
            box.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 20)
            box.textChanged.connect(self._note_started)
            box.textChanged.connect(self._recheck)
            label.setBuddy(box)
            at = self.body_start + 2 * len(self.pool)
            self.layout_.insertWidget(at, label)
            self.layout_.insertWidget(at + 1, box)
            self.pool.append((label, box))
        self.boxes = {}
        for k, (label, box) in enumerate(self.pool):
            used = k < len(fields)
            box.blockSignals(True)
            box.clear()
            box.blockSignals(False)
            if used:
                field_id = fields[k]
                required = field_id in self.decision.required
                caption = f"{NDM_FIELD_LABELS.get(field_id, field_id)} {'(required)' if required else '(optional)'}"
                label.setText(caption)
                box.setAccessibleName(caption)
                self.boxes[field_id] = box
            label.setVisible(used)
            box.setVisible(used)
        self._fill_parts()

    def hint_text(self) -> str:
        text = ("Record your rationale using the National Decision Model. Boxes marked (required) must be "
                "filled in. Tab moves to the next box.")
        if self.decision.rubric:
            text += " An assessor marks what you write against the model afterwards."
        return text

    def missing_parts(self) -> list[str]:
        return [self.decision.part(pid).prompt for pid, combo in self.parts.items() if combo.currentIndex() < 0]

    def _show_whole(self, combo: QComboBox) -> None:
        whole = combo.property("whole")
        text = combo.currentText() if combo.currentIndex() >= 0 else ""
        # the room for text inside the closed box: its width less the arrow and the padding
        room = combo.width() - combo.style().pixelMetric(combo.style().PixelMetric.PM_ScrollBarExtent) - 32
        cut = bool(text) and combo.fontMetrics().horizontalAdvance(text) > room
        whole.setText(f"Your answer: {text}" if cut else "")
        combo.setToolTip(text)      # the whole answer on hover too, however narrow the box
        if whole.isVisible() != cut:
            whole.setVisible(cut)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        for combo in self.parts.values():
            self._show_whole(combo)

    def missing_widgets(self) -> list[QWidget]:
        """The required boxes left empty and the parts not answered, in reading order. (The
        engine refuses such a form too; asking here lets the panel put the focus on the first.)"""
        boxes = [box for field_id, box in self.boxes.items()
                 if field_id in self.decision.required and not box.toPlainText().strip()]
        return boxes + [combo for combo in self.parts.values() if combo.currentIndex() < 0]

    def missing_text(self) -> str:
        boxes = [NDM_FIELD_LABELS.get(f, f) for f, box in self.boxes.items()
                 if f in self.decision.required and not box.toPlainText().strip()]
        parts = self.missing_parts()
        said = ([f"fill in the boxes marked required: {'; '.join(boxes)}"] if boxes else []) + \
               ([f"choose an answer for: {'; '.join(parts)}"] if parts else [])
        text = "; and ".join(said)
        return text[:1].upper() + text[1:] + "."

    def submit(self) -> None:
        """A form with something required missing is refused here, with the focus put on the
        first thing missing (scrolled into view), so a keyboard user goes straight to it."""
        if not self.decide_button.isEnabled():
            return
        missing = self.missing_widgets()
        if missing:
            self.show_error(self.missing_text())
            missing[0].setFocus(Qt.FocusReason.OtherFocusReason)
            QTimer.singleShot(0, lambda: reveal(missing[0]) if missing[0].hasFocus() else None)
            return
        super().submit()

    @Slot()
    def _recheck(self) -> None:
        """While a refusal is shown, keep it true: shorter as things are filled in, gone once
        the form is complete (it used to stay up, saying the form was still incomplete)."""
        if self.error.isVisible() and self.error.property("missing"):
            self.show_error(self.missing_text() if self.missing_widgets() else "")

    def show_error(self, text: str) -> None:
        super().show_error(text)
        # only a 'something missing' message is this panel's to update; the engine's own stays
        self.error.setProperty("missing", bool(text) and bool(self.missing_widgets()))

    def selection(self):
        if self.missing_parts():
            return None
        boxes = {field_id: box.toPlainText().strip() for field_id, box in self.boxes.items()
                 if box.toPlainText().strip()}
        if self.parts:
            boxes[PARTS_KEY] = {pid: combo.currentData() for pid, combo in self.parts.items()}
        return boxes

    def first_focus(self) -> QWidget:
        return next(iter(self.boxes.values())) if self.boxes else self.decide_button

    def body_chain(self) -> list[QWidget]:
        return list(self.boxes.values()) + list(self.parts.values())


class ContinuePanel(QWidget):
    """A scene with nothing to decide: read it, then continue."""
    continued = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.addWidget(_label("Nothing to decide here. Continue when you have read the scene.", "muted"))
        self.decide_button = QPushButton("Continue \u2192")
        self.decide_button.setProperty("role", "primary")
        self.decide_button.setAccessibleName("Continue to the next scene")
        self.decide_button.clicked.connect(self.continued)
        self.error = _label("", "error")
        self.error.setVisible(False)
        self.action_bar = ActionBar(self.decide_button, self.error)
        self.layout_.addWidget(self.action_bar)
        self.shortcuts = add_decide_shortcuts(self, self.submit) + add_decide_shortcuts(self.action_bar, self.submit)

    def take_action_bar(self) -> QWidget:
        self.layout_.removeWidget(self.action_bar)
        for shortcut in self.shortcuts:
            shortcut.setEnabled(False)       # the host owns Ctrl+Enter (see DecisionPanel)
        return self.action_bar

    @Slot()
    def submit(self) -> None:
        """Ctrl+Enter or the button: continue, unless paused."""
        if self.decide_button.isEnabled():
            self.continued.emit()

    def tab_chain(self) -> list[QWidget]:
        return [self.decide_button]

    def set_blocked(self, blocked: bool, by_facilitator: bool = False) -> None:
        self.decide_button.setEnabled(not blocked)
        self.decide_button.setText(("Paused by the facilitator" if by_facilitator else "Paused: resume to continue")
                                   if blocked else "Continue \u2192")

    def show_error(self, text: str) -> None:
        self.error.setText(f"\u26a0 {text}" if text else "")
        self.error.setVisible(bool(text))

    def first_focus(self) -> QWidget:
        return self.decide_button


PANELS = {"choose_one": ChooseOnePanel, "choose_many": ChooseManyPanel, "rank": RankPanel,
          "ndm_rationale": NdmPanel}


def make_panel(decision, options, parent: QWidget | None = None) -> DecisionPanel:
    return PANELS[decision.kind](decision, options, parent)

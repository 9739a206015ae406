"""Qt item models of the review window: the sessions table and its filter.

``SessionTableModel`` adapts a list of ``cohort_stats.SessionRow`` read-only (it never
writes to the store) and sorts itself on the raw values (numbers as numbers, dates as ISO
text) with one key sort; ``SessionFilterProxy`` only filters and hands sorting to it,
because a Python ``lessThan`` called 70,000 times cost a second on 10,000 sessions.
Both pass pytest-qt's qtmodeltester.

The rows can arrive in batches (``set_rows`` given ``more``, Qt's ``canFetchMore``/``fetchMore``):
the first screenful is shown at once and the rest appended in the order they are read, which is
the table's first order (newest first). Anything that needs every row (sorting, ``fetch_all``,
asked by the window before filtering, counting or exporting) reads the rest first, so no
sort or filter ever sees only part of the sessions.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QStyle

from .. import theme
from .cohort_stats import SESSION_STATUS_WORDS, RowFilter, SessionRow, humanise

COLUMNS = ("Trainee", "Name", "Force", "Role", "Scenario", "Started", "Status", "Ending (outcome)", "Score",
           "Grade", "Critical misses", "Integrity")
(COL_TRAINEE, COL_NAME, COL_FORCE, COL_ROLE, COL_SCENARIO, COL_STARTED, COL_STATUS, COL_ENDING, COL_PERCENT,
 COL_GRADE, COL_CRITICAL, COL_INTEGRITY) = range(len(COLUMNS))
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
# Rows read a batch at a time after the first screenful: about 40 ms of work each, so the window
# answers clicks and keys between them.
FIRST_ROWS, BATCH_ROWS = 500, 5000


def _started_text(iso: str) -> str:
    return iso[:16].replace("T", " ") if iso else ""


#: The order rows are read in (cohort_stats._ROW_SQL): rows arriving in it are appended as they are.
READ_ORDER = (COL_STARTED, Qt.SortOrder.DescendingOrder)


class SessionTableModel(QAbstractTableModel):
    allRowsRead = Signal()          # the last batch has arrived (or there was only one)

    def __init__(self, rows: list[SessionRow] | None = None, parent=None):
        super().__init__(parent)
        self._rows: list[SessionRow] = list(rows or [])
        self._more: Callable[[int | None], list[SessionRow]] | None = None

    def set_rows(self, rows: list[SessionRow], more: Callable[[int | None], list[SessionRow]] | None = None
                 ) -> None:
        """Show ``rows``; ``more(count)`` gives the next ``count`` rows in ``READ_ORDER`` (all that are
        left, given None; [] when none is). Rows shown in another order are all read first."""
        self.beginResetModel()
        self._more = more
        if more is not None and self.sort_order() != READ_ORDER:
            rows = list(rows) + more(None)
            self._more = None
        self._rows = self._sorted(list(rows))
        self.endResetModel()
        if self._more is None:
            self.allRowsRead.emit()

    def sort_order(self) -> tuple[int, Qt.SortOrder]:
        return getattr(self, "_sort", READ_ORDER)

    # -- rows in batches ----------------------------------------------------------------------------
    def all_read(self) -> bool:
        return self._more is None

    def canFetchMore(self, parent=QModelIndex()) -> bool:  # noqa: B008, N802 - Qt signature
        return not parent.isValid() and self._more is not None

    def fetchMore(self, parent=QModelIndex(), count: int | None = 0) -> None:  # noqa: B008, N802
        """Append the next ``count`` rows (``BATCH_ROWS`` given 0, every row left given None), still in
        ``READ_ORDER``. Qt's views call it too, until their rows fill them."""
        if parent.isValid() or self._more is None:
            return
        count = BATCH_ROWS if count == 0 else count
        rows = self._more(count)
        if count is None or len(rows) < count:
            self._more = None
        if rows:
            # read in READ_ORDER, which is the order shown (set_rows and sort read everything otherwise)
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        if self._more is None:
            self.allRowsRead.emit()

    def fetch_all(self) -> None:
        """Read every row not read yet (before anything that must see them all)."""
        if self._more is not None:
            self.fetchMore(count=None)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.fetch_all()            # a sort of the rows read so far would be wrong once the rest came
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        before = {id(r): i for i, r in enumerate(self._rows)}
        self._rows = self._sorted(self._rows)
        old = self.persistentIndexList()
        after = {id(r): i for i, r in enumerate(self._rows)}
        by_old_row = {before[k]: after[k] for k in before}
        self.changePersistentIndexList(old, [self.index(by_old_row[i.row()], i.column()) for i in old])
        self.layoutChanged.emit()

    def _sorted(self, rows: list[SessionRow]) -> list[SessionRow]:
        column, order = self.sort_order()
        rows.sort(key=lambda r: self._sort_key(r, column),
                  reverse=order == Qt.SortOrder.DescendingOrder)   # stable: ties keep their order
        return rows

    def rows(self) -> list[SessionRow]:
        """The rows read so far, in the order shown (``fetch_all`` first for every session)."""
        return self._rows

    def row_at(self, row: int) -> SessionRow:
        return self._rows[row]

    def row_changed(self, session_id: str) -> None:
        for i, r in enumerate(self._rows):
            if r.session_id == session_id:
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))
                return

    def rows_changed(self) -> None:
        """Every cell may read differently (grade labels and outcomes became known)."""
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, self.columnCount() - 1))

    def integrity_changed(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, COL_INTEGRITY), self.index(len(self._rows) - 1, COL_INTEGRITY))

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole,
                        Qt.ItemDataRole.ToolTipRole):     # the tooltip: the whole header, if a narrow column elides it
                return COLUMNS[section]
        elif orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row, col = self._rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole,
                    Qt.ItemDataRole.ToolTipRole):
            text = self._text(row, col)
            if role == Qt.ItemDataRole.ToolTipRole:
                if col == COL_GRADE and row.override:
                    return f"Original grade: {row.grade_label or humanise(row.grade_id)}. " \
                           f"Override by {row.override.get('author')}: {row.override.get('reason')}"
                return text or None
            return text
        if role == SORT_ROLE:
            return self._sort_key(row, col)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.DecorationRole and col == COL_INTEGRITY and row.integrity is not None:
            icon = QStyle.StandardPixmap.SP_DialogApplyButton if row.integrity else \
                QStyle.StandardPixmap.SP_MessageBoxCritical
            return QApplication.style().standardIcon(icon)
        if role == Qt.ItemDataRole.ForegroundRole:
            p = theme.current()       # the theme applied now (it can be switched while the window is open)
            if col == COL_INTEGRITY and row.integrity is False:
                return QColor(p.bad)
            if col == COL_CRITICAL and row.critical_misses:
                return QColor(p.bad)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_PERCENT, COL_CRITICAL):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _text(row: SessionRow, col: int) -> str:
        if col == COL_TRAINEE:
            return row.trainee_id
        if col == COL_NAME:
            return row.display_name
        if col == COL_FORCE:
            return row.force
        if col == COL_ROLE:
            return humanise(row.role)
        if col == COL_SCENARIO:
            return row.scenario_text
        if col == COL_STARTED:
            return _started_text(row.started_at)
        if col == COL_STATUS:
            return SESSION_STATUS_WORDS.get(row.status, humanise(row.status))
        if col == COL_ENDING:
            return row.ending_text
        if col == COL_PERCENT:
            return "" if row.percent is None else f"{row.percent:.0f}%"
        if col == COL_GRADE:
            return row.grade_text
        if col == COL_CRITICAL:
            if row.status != "finished":
                return ""
            return "none" if row.critical_misses == 0 else f"\u2716 {row.critical_misses}"
        if col == COL_INTEGRITY:
            return {True: "OK", False: "\u26a0 FAILED", None: "Not checked"}[row.integrity]
        return ""

    @classmethod
    def _sort_key(cls, row: SessionRow, col: int):
        if col == COL_PERCENT:
            return -1.0 if row.percent is None else float(row.percent)
        if col == COL_CRITICAL:
            return row.critical_misses
        if col == COL_STARTED:
            return row.started_at or ""
        if col == COL_INTEGRITY:
            return {False: 0, None: 1, True: 2}[row.integrity]
        return cls._text(row, col).casefold()


class SessionFilterProxy(QSortFilterProxyModel):
    """Filters rows with a ``RowFilter``; sorting is passed to the source model (see above)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._filter = RowFilter()
        self._accepts_all = True
        self.setDynamicSortFilter(False)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        model = self.sourceModel()
        if model is not None:
            model.sort(column, order)

    @property
    def row_filter(self) -> RowFilter:
        return self._filter

    def set_row_filter(self, row_filter: RowFilter) -> None:
        model = self.sourceModel()
        if model is not None and not row_filter.is_empty():
            model.fetch_all()       # the matches among every session, not among those read so far
        if hasattr(self, "beginFilterChange"):        # Qt >= 6.9 (invalidateFilter is deprecated there)
            self.beginFilterChange()
            self._filter, self._accepts_all = row_filter, row_filter.is_empty()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._filter, self._accepts_all = row_filter, row_filter.is_empty()
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        model = self.sourceModel()
        if model is None or source_parent.isValid():
            return False
        # nothing narrowed (how the window opens): every row, without fetching it (100,000 of them
        # went through accepts() on each reload)
        return self._accepts_all or self._filter.accepts(model.row_at(source_row))

    def visible_rows(self) -> list[SessionRow]:
        """The rows the filter lets through, in the model's order (not the view's sort order: the
        dashboard counts them). Asked of the rows themselves: mapping 100,000 view rows to the model
        one by one took 0.5 s."""
        model = self.sourceModel()
        if model is None:
            return []
        model.fetch_all()
        rows = model.rows()
        return list(rows) if self._accepts_all else [r for r in rows if self._filter.accepts(r)]

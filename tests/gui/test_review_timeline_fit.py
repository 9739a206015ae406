"""The session detail's timeline reads whole at laptop sizes (issue 16, keyboard walkthrough).

At 1366x768 and 1280x720 the timeline's columns were cut short ("Scen...", "Decid...",
"took 2 ..."): a trainer had to select each row to read it. The header labels must show whole,
and the short fixed-form cells (Time, Took) whole on one line; the What column gets the room.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QStyle
from helpers import shoot
from test_screen_fit import review_detail_at


def _header_problems(tree) -> list[str]:
    """Every shown header label as wide as its (bold, as the theme draws it) text and the
    style's margins."""
    header = tree.header()
    bold = QFont(header.font())
    bold.setBold(True)
    metrics = QFontMetrics(bold)
    margin = 2 * header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    found = []
    for column in range(header.count()):
        if header.isSectionHidden(column):
            continue
        text = tree.headerItem().text(column)
        need = metrics.horizontalAdvance(text) + margin
        if header.sectionSize(column) < need:
            found.append(f"header {text!r}: needs {need} px, has {header.sectionSize(column)}")
    return found


def _cell_margin(tree) -> int:
    return 2 * (tree.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, tree) + 1)


def _cell_problems(tree, columns) -> list[str]:
    """Cells of ``columns`` (short, fixed-form: times, durations) whole on one line."""
    header = tree.header()
    metrics = tree.fontMetrics()
    found = []
    for row in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(row)
        for column in columns:
            text = item.text(column)
            need = metrics.horizontalAdvance(text) + _cell_margin(tree)
            if text and header.sectionSize(column) < need:
                found.append(f"row {row} {tree.headerItem().text(column)} {text!r}: needs {need} px, "
                             f"has {header.sectionSize(column)}")
    return found


def _wrap_problems(tree, column) -> list[str]:
    """Cells of ``column`` (free text) whole: on one line, or wrapped in a row tall enough."""
    width = tree.header().sectionSize(column) - _cell_margin(tree)
    metrics = tree.fontMetrics()
    found = []
    for row in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(row)
        text = item.text(column)
        need = metrics.boundingRect(QRect(0, 0, width, 100000), int(Qt.TextFlag.TextWordWrap), text)
        has = tree.visualItemRect(item).height()
        if text and (need.width() > width or need.height() > has):
            found.append(f"row {row} {text[:50]!r}: needs {need.width()}x{need.height()} px, has {width}x{has}")
    return found


@pytest.mark.parametrize("size", ["1280x720", "1366x768"])
def test_the_timeline_reads_whole_without_selecting_a_row(qtbot, home, size, tmp_path):
    store, review = review_detail_at(qtbot, tmp_path, size)
    tree = review.timeline_tree
    assert tree.topLevelItemCount() > 3
    header = tree.header()
    widths = [header.sectionSize(c) for c in range(header.count())]
    problems = _header_problems(tree) + _cell_problems(tree, (0, 2)) + _wrap_problems(tree, 1)
    assert not problems, f"{size}, widths {widths}:\n" + "\n".join(problems)
    assert widths[1] == max(widths), f"{size}: the What column gets the room, widths {widths}"
    assert header.isSectionHidden(4), "no trainer notes yet: the empty notes column gives its room away"
    assert not tree.horizontalScrollBar().isVisible()
    if size == "1366x768":
        shoot(review, "review-timeline-1366x768")
    review.close()
    store.close()

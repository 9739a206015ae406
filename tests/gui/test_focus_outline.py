"""Every control a keyboard user reaches shows where the focus is, in a colour at 3:1 against
what is around it (WCAG 2.2, 1.4.11): the briefing text and the review's tables included."""

from __future__ import annotations

import pytest
from helpers import identify_and_open, shoot
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QScrollArea
from test_contrast import contrast
from test_screen_fit import settle

from hydra_sim.gui import theme

OUTLINE = 3.0


@pytest.mark.parametrize("high_contrast", [False, True], ids=["light", "high-contrast"])
def test_the_focus_colour_stands_out_from_everything_beside_it(high_contrast):
    p = theme.palette(high_contrast)
    for name in ("window", "surface", "selection") + (() if high_contrast else ("border",)):
        # (the high-contrast outline replaces a white border; light's sits beside its grey one)
        assert contrast(p.focus, getattr(p, name)) >= OUTLINE, name


def outlined(widget) -> bool:
    """The focus colour is painted along the widget's left edge, where its border is."""
    image = widget.grab().toImage()
    focus = QColor(theme.current().focus)
    column = [image.pixelColor(x, image.height() // 2) for x in range(3)]
    return any(abs(c.red() - focus.red()) + abs(c.green() - focus.green()) + abs(c.blue() - focus.blue()) < 30
               for c in column)


def test_the_briefing_text_shows_the_focus(qtbot, window, fake_time):
    qtbot.waitUntil(lambda: not window.library_loading, timeout=120000)
    identify_and_open(qtbot, window, "Brackenford Services: banging")
    scroll = next(w for w in window.briefing_screen.findChildren(QScrollArea) if w.isVisible())
    assert not outlined(scroll)
    reached = []
    for _ in range(4):                 # by the Tab key, as a keyboard user reaches it
        QApplication.processEvents()
        focused = QApplication.focusWidget()
        reached.append(focused)
        if focused is scroll:
            break
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    assert scroll in reached
    settle()
    assert outlined(scroll)
    shoot(window, "briefing-text-focused")


def test_the_review_tables_show_the_focus(qtbot, home, tmp_path):
    from hydra_sim.gui.review.window import open_review_window
    from hydra_sim.records.store import SessionStore
    theme.apply(QApplication.instance(), 11, 1.0, False)
    store = SessionStore(tmp_path / "sessions.sqlite3")
    win = open_review_window(store, verify_in_background=False, author="Sgt Trainer")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.filter_text.setFocus()
    settle()
    assert not outlined(win.table)
    win.table.setFocus(Qt.FocusReason.TabFocusReason)
    settle()
    assert QApplication.focusWidget() is win.table and outlined(win.table)
    shoot(win, "review-table-focused")
    win.close()
    store.close()

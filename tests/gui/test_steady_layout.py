"""What keeps a Decide click to one cheap layout (issue 14) must not cost correctness:

- a WrapLabel remembers its height for each width, and forgets it whenever its text or its
  shape changes (font, zoom, theme, style, margins), so it never reports a stale height;
- the countdown's room in the top bar is kept while no countdown runs, so a countdown
  appearing or going does not move or re-wrap the scene title."""

from __future__ import annotations

from helpers import MINI, click
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from hydra_sim.gui import theme
from hydra_sim.gui.widgets import WrapLabel

WIDTHS = (160, 240, 400)


def _heights(label: WrapLabel) -> list[int]:
    return [label.heightForWidth(width) for width in WIDTHS]


def _qt_heights(label: WrapLabel) -> list[int]:
    # QLabel's own answer, worked out afresh (no cache in the way)
    return [QLabel.heightForWidth(label, width) for width in WIDTHS]


def test_a_wrap_label_never_reports_a_stale_height(qtbot):
    app = QApplication.instance()
    theme.apply(app, 11, 1.0, False, keys=False)
    page = QWidget()
    QVBoxLayout(page).addWidget(label := WrapLabel("word " * 60))
    qtbot.addWidget(page)
    page.show()
    first = _heights(label)
    assert first == _qt_heights(label)
    changes = [
        ("longer text", lambda: label.setText("word " * 120)),
        ("a bigger role, re-polished", lambda: (label.setProperty("role", "title"),
                                                label.style().unpolish(label), label.style().polish(label))),
        ("zoom", lambda: theme.apply(app, 11, 1.6, False, keys=False)),
        ("high contrast", lambda: theme.apply(app, 11, 1.0, True, keys=False)),
        ("margins", lambda: label.setContentsMargins(12, 12, 12, 12)),
        ("indent", lambda: label.setIndent(40)),
        ("margin", lambda: label.setMargin(10)),
        ("cleared", label.clear),
        ("rich text", lambda: (label.setTextFormat(label.textFormat().RichText), label.setText("<b>x</b> " * 90))),
        ("no wrap", lambda: label.setWordWrap(False)),
    ]
    seen = [first]
    try:
        for what, change in changes:
            before = _heights(label)        # remembered at these widths
            change()
            QApplication.processEvents()
            after = _heights(label)
            assert after == _qt_heights(label), what
            seen.append(after)
            assert before != after or what == "high contrast", f"{what}: the change should reshape the text"
    finally:
        theme.apply(app, 11, 1.0, False, keys=False)
    assert len({tuple(heights) for heights in seen}) > 5      # the changes really reshaped it


def test_the_countdown_appearing_moves_nothing_in_the_top_bar(qtbot, window):
    window.resize(1440, 900)
    assert window.open_scenario_file(MINI)
    click(qtbot, window.briefing_screen.start_button)
    screen = window.incident_screen
    QApplication.processEvents()
    assert screen.countdown_box.isVisible()          # MINI's first decision has a time limit
    with_countdown = (screen.top_bar.height(), screen.scene_heading.geometry())
    screen._on_countdown(0, 0)                        # no countdown: its room is kept, empty
    QApplication.processEvents()
    assert not screen.countdown_box.isVisible()
    assert (screen.top_bar.height(), screen.scene_heading.geometry()) == with_countdown
    screen._on_countdown(30, 60)
    QApplication.processEvents()
    assert screen.countdown_box.isVisible()
    assert (screen.top_bar.height(), screen.scene_heading.geometry()) == with_countdown


def test_the_collector_waits_from_a_decision_to_the_next_scene_painted(qtbot, window):
    # a young-generation sweep in the middle of a turn costs 2-5 ms; held off, it runs once
    # the next scene is on screen (collector_hold.py)
    import gc

    from hydra_sim.gui import collector_hold

    assert window.open_scenario_file(MINI)
    click(qtbot, window.briefing_screen.start_button)
    screen = window.incident_screen
    qtbot.waitUntil(lambda: not collector_hold.is_held())
    first = screen.controller.runner.scene_id
    click(qtbot, screen.panel.option_button("ambulance"))
    screen.panel.decide_button.click()            # no events run between the click and the check
    assert screen.controller.runner.scene_id != first
    assert collector_hold.is_held() and not gc.isenabled()
    qtbot.waitUntil(lambda: not collector_hold.is_held())      # the new scene painted: released
    assert gc.isenabled()

"""A rationale's drop-downs show every choice whole (issue 16).

The combo box's own list drew each choice on one line and cut a long answer at the list's
edge (at 1280x720 the flagship's longest answers lost their ends). Each choice now wraps at the
list's width, the list is as wide as the longest choice allows within the screen, and the closed
box carries the chosen answer whole in its tooltip and beneath it.
"""

from __future__ import annotations

import pytest
from helpers import FLAGSHIP, shoot
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication

from hydra_sim.engine import load_scenario
from hydra_sim.gui.decision_panels import WrappedChoice, fit_choices, make_panel


def settle() -> None:
    for _ in range(10):
        QApplication.processEvents()


def _part_decisions():
    scenario = load_scenario(FLAGSHIP).scenario
    return [(scene_id, s.decision) for scene_id, s in scenario.scenes.items()
            if getattr(s, "decision", None) is not None and s.decision.parts]


@pytest.mark.parametrize("zoom", [1.0, 2.0])
def test_every_choice_fits_the_list_or_wraps(qtbot, zoom):
    """At 100% and at the largest zoom step, where the longest answers are wider than the screen."""
    from hydra_sim.gui.theme import ZOOM_STEPS, apply
    assert zoom in ZOOM_STEPS
    apply(QApplication.instance(), 11, zoom, False)
    width = 700
    decisions = _part_decisions()
    assert decisions, "the flagship has a rationale with structured parts"
    wrapped = 0
    for scene_id, decision in decisions:
        panel = make_panel(decision, decision.options)
        qtbot.addWidget(panel)
        panel.resize(width, 2200)
        panel.show()
        qtbot.waitExposed(panel)
        for part_id, combo in panel.parts.items():
            if part_id == next(iter(panel.parts)):
                # one answer longer than any screen: it must wrap, not run off the list
                combo.addItem(" ".join(combo.itemText(i) for i in range(combo.count())) * 2, "long")
                fit_choices(combo)
            combo.showPopup()
            view = combo.view()
            qtbot.waitUntil(lambda: view.isVisible())
            settle()
            assert isinstance(view.itemDelegate(), WrappedChoice)
            popup = view.window().geometry()
            assert combo.screen().availableGeometry().contains(popup), f"{part_id}: the list is off the screen"
            assert not view.horizontalScrollBar().isVisible()
            metrics = view.fontMetrics()
            room = view.viewport().width()
            for row in range(combo.count()):
                text = combo.itemText(row)
                rect = view.visualRect(combo.model().index(row, 0))
                assert rect.left() >= 0 and rect.right() < room, f"{scene_id}/{part_id} row {row} runs past the list"
                need = metrics.boundingRect(QRect(0, 0, rect.width() - 2 * WrappedChoice.PADDING, 100000),
                                            int(Qt.TextFlag.TextWordWrap), text)
                assert need.width() <= rect.width() - 2 * WrappedChoice.PADDING, f"{text!r} is wider than its row"
                assert need.height() <= rect.height() - 2 * WrappedChoice.PADDING + 1, \
                    f"{scene_id}/{part_id}: {text!r} needs {need.height()} px high, has {rect.height()}"
                wrapped += need.height() > metrics.lineSpacing() + 1
            if zoom == 2.0 and part_id == next(iter(panel.parts)):
                combo.setCurrentIndex(1)
                combo.showPopup()
                settle()
                shoot(view.window(), "fault-ndm-drop-down-long", laptop=False)
            combo.hidePopup()
    apply(QApplication.instance(), 11, 1.0, False)
    assert wrapped, "the long answer wraps (else this tests no wrapping)"


def test_the_closed_box_carries_the_whole_answer(qtbot):
    from hydra_sim.gui.theme import apply
    apply(QApplication.instance(), 11, 1.0, False)
    _scene, decision = _part_decisions()[0]
    panel = make_panel(decision, decision.options)
    qtbot.addWidget(panel)
    panel.resize(420, 2200)
    panel.show()
    qtbot.waitExposed(panel)
    for combo in panel.parts.values():
        longest = max(range(combo.count()), key=lambda i: combo.fontMetrics().horizontalAdvance(combo.itemText(i)))
        combo.setCurrentIndex(longest)
        settle()
        text = combo.itemText(longest)
        assert combo.toolTip() == text
        whole = combo.property("whole")
        assert whole.isVisible() and text in whole.text(), "a cut answer is repeated in full beneath"


def test_a_reused_form_shows_only_the_new_decisions_parts_unanswered(qtbot):
    """The rows of parts are reused from form to form: the next form shows its own parts, in its
    own order, none chosen, none left over, and refilling them is not the trainee starting."""
    import dataclasses
    (_, decision), *_ = _part_decisions()
    assert len(decision.parts) >= 2
    panel = make_panel(decision, decision.options)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    first_id = decision.parts[0].id
    panel.parts[first_id].setCurrentIndex(0)
    assert panel._started
    combos_before = list(panel.parts.values())
    fewer = dataclasses.replace(decision, parts=tuple(reversed(decision.parts[:2]))[:1])
    started = []
    panel.rationale_started.connect(lambda: started.append(1))
    panel.load(fewer, fewer.options)
    assert list(panel.parts) == [fewer.parts[0].id]
    combo = panel.parts[fewer.parts[0].id]
    assert combo is combos_before[0]                                     # the same widget, refilled
    assert combo.currentIndex() == -1 and not started and not panel._started
    assert [combo.itemData(i) for i in range(combo.count())] == [o.id for o in fewer.parts[0].options]
    assert sum(1 for c in combos_before if c.isVisible()) == 1            # the second row is hidden
    assert panel.missing_parts() == [fewer.parts[0].prompt]
    panel.load(decision, decision.options)                                # and back: both again
    assert list(panel.parts) == [p.id for p in decision.parts] and all(c.isVisible() for c in panel.parts.values())

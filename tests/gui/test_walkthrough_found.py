"""What tools/keyboard-walkthrough found driving the real app by keys alone (issue 16):

- back on the start screen after a session, the window still had the scenario's title;
- after a session the focus waits on "Read the briefing", and nothing but a long run of
  Shift+Tab reached the Trainee ID for the next trainee: the boxes now have Alt keys;
- setting up the trainer account put the focus in the passphrase, below the name box that
  comes first.
"""

from __future__ import annotations

from helpers import MINI, click
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from hydra_sim.gui import main_window
from hydra_sim.gui.trainer_login import TrainerLoginDialog

ALT = Qt.KeyboardModifier.AltModifier


def test_the_start_screen_gets_its_own_title_back_after_a_session(qtbot, window, monkeypatch):
    first = window.windowTitle()
    assert window.open_scenario_file(MINI)
    click(qtbot, window.briefing_screen.start_button)
    assert window.windowTitle() != first          # the scenario's title while it is played
    monkeypatch.setattr(main_window.ConfirmQuitDialog, "ask", classmethod(lambda cls, parent: True))
    window.request_start_screen()
    assert window.stack.currentWidget() is window.start_screen
    assert window.windowTitle() == first


def test_alt_keys_reach_the_trainee_boxes_from_anywhere_on_the_start_screen(qtbot, window):
    window.show_start()
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    start = window.start_screen
    for key, box in ((Qt.Key.Key_T, start.trainee_id), (Qt.Key.Key_N, start.name),
                     (Qt.Key.Key_O, start.force), (Qt.Key.Key_R, start.role)):
        start.library_list.setFocus()        # far from box 1, as "Read the briefing" is
        qtbot.waitUntil(lambda: QApplication.focusWidget() is start.library_list)
        qtbot.keyClick(start.library_list, key, ALT)
        assert QApplication.focusWidget() is box


def test_setting_up_the_trainer_account_starts_in_the_name_box(qtbot, home):
    dialog = TrainerLoginDialog(None)
    qtbot.addWidget(dialog)
    assert dialog.setting_up
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.isActiveWindow())
    assert QApplication.focusWidget() is dialog.name


def test_a_ranking_put_in_order_by_keys_shows_every_row(qtbot, window):
    """The flagship's ranking at 1366x768, ordered with Down/Up and Alt+Up as the walkthrough
    does: the list is as tall as its rows, so it must never scroll itself (it showed rows 2-5
    and a blank row, the first one scrolled out of sight above)."""
    from helpers import FLAGSHIP, play_step

    from hydra_sim.engine.plan import load_test_plan
    from hydra_sim.gui.decision_panels import RankPanel
    window.resize(1366, 768 - 60)
    assert window.open_scenario_file(FLAGSHIP)
    click(qtbot, window.briefing_screen.start_button)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    plan, _ = load_test_plan(FLAGSHIP.with_name("brackenford-services.best.plan.yaml"))
    steps = iter(plan.steps)
    step = next(steps)
    while step.scene != "priorities":
        play_step(qtbot, window, step)
        step = next(steps)
    panel = window.incident_screen.panel
    assert isinstance(panel, RankPanel)
    view = panel.list
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view)
    order, at = panel.order(), 0
    for place, wanted in enumerate(step.selection):
        j = order.index(wanted)
        for _ in range(abs(j - at)):
            qtbot.keyClick(view, Qt.Key.Key_Down if j > at else Qt.Key.Key_Up)
        for _ in range(j - place):
            qtbot.keyClick(view, Qt.Key.Key_Up, ALT)
        order.insert(place, order.pop(j))
        at = place
    for _ in range(10):
        QApplication.processEvents()
    assert panel.order() == list(step.selection)
    height = view.viewport().height()
    for row in range(view.count()):
        rect = view.visualItemRect(view.item(row))
        assert rect.top() >= 0 and rect.bottom() <= height, f"row {row + 1} at {rect.top()}..{rect.bottom()} of {height}"

"""Each decision kind, the countdown, injects, pause, and the timings sent with each answer (mini scenario)."""

from __future__ import annotations

from helpers import FLAGSHIP, MINI, click, rank_by_keyboard, shoot
from PySide6.QtCore import Qt

from hydra_sim.gui.decision_panels import ChooseManyPanel, ChooseOnePanel, ContinuePanel, NdmPanel, RankPanel


def _start(qtbot, window, path=MINI):
    assert window.open_scenario_file(path)
    click(qtbot, window.briefing_screen.start_button)
    assert window.stack.currentWidget() is window.incident_screen
    return window.controller, window.incident_screen


def test_every_decision_kind_by_keyboard(qtbot, window):
    controller, screen = _start(qtbot, window)
    # choose_one: arrow keys and Space pick, Ctrl+Enter decides
    panel = screen.panel
    assert isinstance(panel, ChooseOnePanel)
    assert panel.option_button("ambulance").accessibleName() == "Send an ambulance"
    panel.option_button("ambulance").setFocus()
    qtbot.keyClick(panel.option_button("ambulance"), Qt.Key.Key_Space)
    assert panel.selection() == "ambulance"
    qtbot.keyClick(panel.option_button("ambulance"), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert controller.runner.scene_id == "arrive"
    # choose_many: Space ticks the focused check box
    panel = screen.panel
    assert isinstance(panel, ChooseManyPanel)
    shoot(window, "incident-mini-checklist")
    for option_id in ("doors", "bwv"):
        qtbot.keyClick(panel.option_button(option_id), Qt.Key.Key_Space)
    assert sorted(panel.selection()) == ["bwv", "doors"]      # in the order shown (shuffled)
    click(qtbot, panel.decide_button)
    assert controller.runner.scene_id == "priorities"
    # rank: Alt+Up / Alt+Down, and the Move buttons
    panel = screen.panel
    assert isinstance(panel, RankPanel)
    first = panel.order()[0]                 # the shuffled starting order
    panel.list.setCurrentRow(0)
    click(qtbot, panel.down_button)
    assert panel.order()[1] == first
    rank_by_keyboard(qtbot, panel, ["medical", "lorry", "forms"])
    assert panel.list.item(0).text().startswith("1.")
    click(qtbot, panel.decide_button)
    assert controller.runner.decisions[-1].selection == ["medical", "lorry", "forms"]
    # ndm_rationale: required boxes are marked in words; an empty form is refused inline
    panel = screen.panel
    assert isinstance(panel, NdmPanel)
    assert "(required)" in panel.boxes["threat_risk"].accessibleName()
    assert "(optional)" in panel.boxes["powers_policy"].accessibleName()
    click(qtbot, panel.decide_button)
    assert panel.error.isVisible() and "threat_risk" in panel.error.text(), (panel.error.text(), panel.isVisible(), screen.panel is panel)
    assert controller.runner.scene_id == "why"
    qtbot.keyClicks(panel.boxes["threat_risk"], "Twelve people at risk of cold; driver may flee.")
    shoot(window, "incident-mini-ndm")
    click(qtbot, panel.decide_button)
    assert controller.runner.scene_id == "driver"
    # required rationale: refused without it, with the engine's reason shown
    panel = screen.panel
    click(qtbot, panel.option_button("arrest"))
    controller.tick(3)
    click(qtbot, panel.decide_button)
    assert "rationale" in panel.error.text()
    qtbot.keyClicks(panel.rationale_box, "Reasonable grounds: he drove the lorry.")
    controller.tick(2)
    controller.pause()
    controller.tick(100)       # paused: not counted
    controller.resume_clock()
    click(qtbot, panel.decide_button)
    record = controller.runner.decisions[-1]
    assert record.rationale == "Reasonable grounds: he drove the lorry."
    assert record.meta["decision_seconds"] == 5
    assert record.meta["entry_seconds"] == 2
    # a scene with nothing to decide
    assert isinstance(screen.panel, ContinuePanel)
    click(qtbot, screen.panel.decide_button)
    assert controller.runner.ended == "good_end"
    assert window.stack.currentWidget() is window.debrief_screen
    qtbot.waitUntil(lambda: window.debrief_screen.best_steps is not None, timeout=10000)


def test_countdown_expiry_applies_on_expiry(qtbot, window, fake_time):
    controller, screen = _start(qtbot, window)
    assert screen.countdown_box.isVisible()
    assert "1:00" in screen.countdown_label.text()
    fake_time.value += 30
    controller.timer.timeout.emit()
    assert "0:30" in screen.countdown_label.text()
    assert screen.countdown_bar.value() == 300
    fake_time.value += 31
    controller.timer.timeout.emit()
    record = controller.runner.decisions[0]
    assert record.expired
    assert controller.runner.scene_id == "arrive"
    assert any("Time ran out" in text for text in screen.log_view.texts())


def test_inject_banner_does_not_steal_focus(qtbot, window):
    controller, screen = _start(qtbot, window, FLAGSHIP)
    box = screen.panel.rationale_box
    box.setFocus()
    qtbot.keyClicks(box, "Threat to life")
    assert not screen.banner.isVisible()
    controller.tick(4 * 60)     # the 04:14 update from control arrives while the trainee types
    assert screen.banner.isVisible()
    assert "Tango 3-1" in screen.banner_text.text()
    assert "04:14" in screen.banner_text.text()
    assert any("Tango 3-1" in text for text in screen.log_view.texts())
    assert window.focusWidget() is box
    qtbot.keyClicks(box, " still typing")
    assert box.toPlainText() == "Threat to life still typing"
    shoot(window, "inject-banner")
    click(qtbot, screen.banner_close)
    assert not screen.banner.isVisible()


def test_pause_stops_the_clock_and_blocks_deciding(qtbot, window, fake_time):
    controller, screen = _start(qtbot, window, FLAGSHIP)
    controller.tick(90)
    assert controller.runner.clock.seconds == 90
    assert window.pause_action.shortcut().toString() == "Ctrl+P"
    window.pause_action.trigger()
    assert controller.paused
    assert screen.paused_banner.isVisible()
    assert not screen.panel.decide_button.isEnabled()
    assert screen.narrative.isVisible() and screen.log_view.isVisible()   # nothing needed is hidden
    fake_time.value += 600
    controller.timer.timeout.emit()
    controller.tick(600)
    assert controller.runner.clock.seconds == 90
    assert screen.clock_label.text() == "04:11"
    shoot(window, "paused")
    click(qtbot, screen.pause_button)
    assert not controller.paused and screen.panel.decide_button.isEnabled()
    controller.tick(30)
    assert controller.runner.clock.seconds == 120


def test_high_contrast_and_zoom_are_remembered(qtbot, window, home):
    from PySide6.QtWidgets import QApplication

    from hydra_sim.app import build_main_window
    _start(qtbot, window, FLAGSHIP)
    before = QApplication.instance().font().pointSizeF()
    assert "Ctrl++" in [k.toString() for k in window.zoom_in_action.shortcuts()]
    window.zoom_in_action.trigger()
    assert window.zoom > 1.0
    assert QApplication.instance().font().pointSizeF() > before
    window.contrast_action.trigger()
    assert window.high_contrast
    shoot(window, "high-contrast")
    window.settings.sync()
    assert "high_contrast=true" in (home / "settings.ini").read_text()
    other = build_main_window(show_error_windows=False, real_time=False, system_points=11)
    qtbot.addWidget(other)
    assert other.high_contrast and other.zoom == window.zoom
    other.set_high_contrast(False)
    other.set_zoom(1.0)


def test_reference_opening_is_logged(qtbot, window):
    controller, screen = _start(qtbot, window, MINI)
    screen.show_reference("card")
    assert controller.runner.references_opened[0][0] == "card"
    assert "Life first" in screen.reference_text.toPlainText()
    assert any("Read reference: Aide-memoire" in text for text in screen.log_view.texts())
    viewer = screen.open_media(controller.scenario.media["note"])
    assert viewer.image is not None and not viewer.image.loaded    # the fixture's PNG is a stub
    assert "was not shown" in viewer.note.text() and "description is below" in viewer.note.text()
    assert "hand-written note" in viewer.description.toPlainText()
    viewer.close()


def test_accessible_names_on_interactive_controls(qtbot, window):
    from PySide6.QtWidgets import QAbstractButton, QLineEdit, QPlainTextEdit
    _start(qtbot, window, MINI)
    for screen in (window.start_screen, window.incident_screen):
        for kind in (QAbstractButton, QLineEdit, QPlainTextEdit):
            for widget in screen.findChildren(kind):
                if widget.isVisibleTo(screen) and widget.parent() is not None and kind is not QAbstractButton or \
                        (isinstance(widget, QAbstractButton) and widget.isVisibleTo(screen)
                         and widget.metaObject().className() not in ("QTabBarButton", "QToolButton")):
                    assert widget.accessibleName(), f"{widget.metaObject().className()} {widget.text() if hasattr(widget, 'text') else ''}"

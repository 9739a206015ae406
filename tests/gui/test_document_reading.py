"""Opening a document: logged for the trainee and the trainer, and the countdown holds while it
is read (unless the scenario says pause_while_reading: false)."""

from __future__ import annotations

import shutil

from helpers import MINI, click, shoot
from PySide6.QtWidgets import QApplication

from hydra_sim.gui.review.cohort_stats import Labels, timeline, timeline_line


def _start(qtbot, window, path=MINI):
    assert window.open_scenario_file(path)
    click(qtbot, window.briefing_screen.start_button)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    return window.controller, window.incident_screen


def _open_note(qtbot, screen):
    click(qtbot, screen.media_buttons["note"])
    viewer = screen.viewers[-1]
    qtbot.waitUntil(lambda: viewer.isActiveWindow())
    return viewer


def test_reading_a_document_holds_the_countdown_and_is_logged(qtbot, window):
    controller, screen = _start(qtbot, window)
    controller.tick(10)
    assert round(controller.remaining_seconds()) == 50
    viewer = _open_note(qtbot, screen)
    qtbot.waitUntil(lambda: controller.reading)
    controller.tick(40)                                   # reading the note
    assert round(controller.remaining_seconds()) == 50
    assert controller.runner.clock.seconds == 50          # the incident clock ran on
    assert screen.countdown_label.text() == "Time left to decide: 0:50 (held while you read)"
    assert any("Opened: A note" in text for text in screen.log_view.texts())
    shoot(window, "reading-a-document")
    viewer.close()
    qtbot.waitUntil(lambda: not controller.reading)
    controller.tick(20)
    assert round(controller.remaining_seconds()) == 30
    # the trainer's review timeline lists the opening
    controller.choose("ambulance")
    assert controller.flush()
    events = window.store.events(controller.session_id)
    assert "document_opened" in [e["kind"] for e in events]
    lines = [timeline_line(item) for item in timeline(events, None, Labels(controller.scenario))]
    assert "Opened: A note" in lines


def test_a_viewer_behind_the_incident_does_not_hold_it(qtbot, window):
    controller, screen = _start(qtbot, window)
    _open_note(qtbot, screen)
    qtbot.waitUntil(lambda: controller.reading)
    window.activateWindow()                               # back to the incident, the note left open
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.waitUntil(lambda: not controller.reading)
    controller.tick(15)
    assert round(controller.remaining_seconds()) == 45


def test_a_scenario_can_keep_the_countdown_running_while_reading(qtbot, window, tmp_path):
    shutil.copytree(MINI.parents[1], tmp_path / "fixtures")
    path = tmp_path / "fixtures" / "mini" / "mini.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('title: "Mini scenario"\n', 'title: "Mini scenario"\npause_while_reading: false\n', 1),
                    encoding="utf-8")
    controller, screen = _start(qtbot, window, path)
    assert controller.scenario.pause_while_reading is False
    _open_note(qtbot, screen)
    qtbot.waitUntil(lambda: controller.reading)
    controller.tick(40)
    assert round(controller.remaining_seconds()) == 20

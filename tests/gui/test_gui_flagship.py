"""Play the flagship scenario through the real GUI: the best path and a careless one."""

from __future__ import annotations

from helpers import FLAGSHIP, REPO, click, identify_and_open, play_step, shoot, start_scenario

from hydra_sim.engine import load_plan


def _steps(name: str):
    steps, problems = load_plan(REPO / "scenarios" / name)
    assert steps, problems
    return steps


def test_best_path_scores_full_marks(qtbot, window, fake_time):
    qtbot.waitUntil(lambda: not window.library_loading, timeout=120000)
    qtbot.keyClicks(window.start_screen.trainee_id, "t-test")
    shoot(window, "start")   # the start screen once the library has loaded, with the ID typed in
    identify_and_open(qtbot, window, "Brackenford Services: banging")
    shoot(window, "briefing")
    start_scenario(qtbot, window)
    shots = {"call_received": "incident-choose-one", "first_officer_arrives": "incident-checklist",
             "priorities": "incident-rank", "powers_rationale": "incident-ndm-rationale",
             "lorry_moving": "incident-countdown"}
    for step in _steps("brackenford-services.best.plan.yaml"):
        if step.scene in shots:
            shoot(window, shots.pop(step.scene))
        if step.scene == "driver_account":
            screen = window.incident_screen
            viewer = screen.open_media(window.controller.scenario.media["tacho_printout"])
            qtbot.waitExposed(viewer)
            shoot(viewer, "media-viewer")
            viewer.close()
            screen.show_reference("paperwork_card")
            shoot(window, "reference-panel")
            screen.side.setCurrentIndex(0)
        play_step(qtbot, window, step, fake_time)
    assert window.stack.currentWidget() is window.debrief_screen
    debrief = window.debrief_screen
    # The rationale's rubric is marked later, in review: until then the result is provisional.
    assert debrief.grade_label.text() == "Result: Distinction (provisional)"
    assert debrief.percent_label.text().startswith("Provisional score: 9")
    assert debrief.provisional_label.isVisible() and "Provisional" in debrief.provisional_label.text()
    assert "Awaiting marking" in debrief.summary_text()
    assert not debrief.critical_label.isVisible()
    qtbot.waitUntil(lambda: debrief.best_steps is not None, timeout=180000)   # a generous limit: the machine may be busy
    assert debrief.best_steps, "the explorer found a full-marks path"
    shoot(window, "debrief")
    debrief.tabs.setCurrentIndex(1)
    assert "The full-marks path" in debrief.path_view.toPlainText()
    shoot(window, "debrief-path")
    pdf = debrief.export_pdf()
    assert pdf is not None and pdf.read_bytes().startswith(b"%PDF")
    # the session is finished, so it is not offered for resuming
    click(qtbot, debrief.new_button)
    assert window.stack.currentWidget() is window.start_screen
    assert window.start_screen.sessions == []


def test_careless_path_lists_critical_misses(qtbot, window, fake_time):
    qtbot.waitUntil(lambda: not window.library_loading, timeout=120000)
    identify_and_open(qtbot, window, "Brackenford Services: banging")
    start_scenario(qtbot, window)
    for step in _steps("brackenford-services.careless.plan.yaml"):
        play_step(qtbot, window, step, fake_time)
    debrief = window.debrief_screen
    assert window.stack.currentWidget() is debrief
    report = window.controller.report
    assert report.critical_failures
    assert debrief.critical_label.isVisible()
    assert "critical action" in debrief.critical_label.text()
    assert debrief.grade_label.text() == f"Result: {report.grade_label}"
    text = debrief.summary_text()
    titles = {a.action_id: a.title for a in report.actions}
    for action_id in report.critical_failures:
        assert titles[action_id] in text
    assert "Missed" in text and "Contravened" in text and "CRITICAL" in text
    qtbot.waitUntil(lambda: debrief.best_steps is not None, timeout=180000)   # a generous limit: the machine may be busy
    shoot(window, "debrief-careless")
    # The path ended early in harm: what it never offered is "not reached", apart from "missed"
    assert report.not_reached and report.not_reached_counted
    assert "Not reached (" in text and "not the same as missing them" in text
    assert text.index("Not reached (") > max(text.index(titles[a.action_id]) for a in report.actions
                                             if a.status == "missed")
    assert "How it ended" in text and "The decisions that led here" in text
    assert "not reached, counted as 0" in debrief.percent_label.text()
    assert "did not end well" in debrief.outcome_label.text()
    document = debrief.actions_view.document()
    heading = document.find("Not reached (").block()
    top = document.documentLayout().blockBoundingRect(heading).top()
    debrief.actions_view.verticalScrollBar().setValue(int(top) - 8)      # the section at the top
    shoot(window, "debrief-not-reached")


def test_open_scenario_file_goes_to_briefing(qtbot, window):
    assert window.open_scenario_file(FLAGSHIP)
    assert window.stack.currentWidget() is window.briefing_screen
    assert window.trainee.trainee_id == "trainee"


def test_the_seated_flagship_plays_every_seat_in_turn_in_the_app(qtbot, window, fake_time):
    """The app has no seat picker yet: it plays a seated scenario's seats in turn (the team's
    result), recording the messages between seats, to the ending the headless plan reaches."""
    qtbot.waitUntil(lambda: not window.library_loading, timeout=120000)
    qtbot.keyClicks(window.start_screen.trainee_id, "t-test")
    identify_and_open(qtbot, window, "Brackenford Services: four seats")
    start_scenario(qtbot, window)
    for step in _steps("brackenford-seated.best.plan.yaml"):
        play_step(qtbot, window, step, fake_time)
    assert window.stack.currentWidget() is window.debrief_screen
    assert window.controller.runner.ended == "everyone_safe"
    assert window.debrief_screen.grade_label.text() == "Result: Distinction"

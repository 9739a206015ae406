"""The request form on the incident screen: a trainee asks a partner agency, the request and the
answer appear in the incident log and the form's list, and the store keeps both."""

from __future__ import annotations

from helpers import MINI, REPO, click, shoot
from PySide6.QtCore import Qt

RFI = REPO / "tests" / "fixtures" / "rfi" / "rfi.yaml"


def _start(qtbot, window, path=RFI):
    assert window.open_scenario_file(path)
    click(qtbot, window.briefing_screen.start_button)
    return window.controller, window.incident_screen


def test_the_partners_tab_shows_only_when_the_scenario_has_partners(qtbot, window):
    _controller, screen = _start(qtbot, window, MINI)
    assert not screen.side.isTabVisible(screen.partners_tab)


def test_a_request_sent_from_the_form_is_logged_answered_and_stored(qtbot, window):
    controller, screen = _start(qtbot, window)
    assert screen.side.isTabVisible(screen.partners_tab)
    form = screen.request_form
    screen.side.setCurrentIndex(screen.partners_tab)
    assert [form.partner.itemText(i) for i in range(form.partner.count())] == [
        "National crime desk", "Children's services (out of hours)"]
    assert "organised immigration crime" in form.helps_with.text()
    assert form.topic.itemText(1) == "Vehicle and haulier checks"
    # an empty question is refused, with the reason on the form
    click(qtbot, form.send_button)
    assert form.status.text().startswith("Not sent:") and "needs a question" in form.status.text()
    assert controller.requests == []
    form.urgency.setCurrentIndex(form.urgency.findData("priority"))
    qtbot.keyClicks(form.question, "Registration checks on the trailer at Marrowby please")
    click(qtbot, form.send_button)
    assert form.status.text() == "Sent to National crime desk at 05:30."
    assert form.question.toPlainText() == ""
    record = controller.requests[0]
    assert (record.partner, record.urgency, record.credited) == ("crime_desk", "priority", True)
    assert "(waiting for an answer)" in form.sent.item(0).text()
    assert any("You asked" in t and "National crime desk" in t for t in screen.log_view.texts())
    shoot(window, "request-form")
    controller.choose("ambulance")          # 3 minutes
    controller.tick(8 * 60)                 # the desk answers 10 minutes after the request
    qtbot.waitUntil(lambda: record.answered)
    assert "the trailer was hired" in form.sent.item(0).text()
    assert any("Answer from National crime desk" in t for t in screen.log_view.texts())
    assert screen.banner.isVisible() and "Answer from National crime desk" in screen.banner_text.text()
    assert controller.flush()
    kinds = [e["kind"] for e in window.store.events(controller.session_id)]
    assert "request_made" in kinds and "request_answered" in kinds
    inputs = [e["type"] for e in window.store.inputs(controller.session_id)]
    assert "request" in inputs
    # the trainer's review timeline words both
    from hydra_sim.gui.review.cohort_stats import Labels, timeline, timeline_line
    lines = [timeline_line(item) for item in timeline(window.store.events(controller.session_id), None,
                                                       Labels(controller.scenario))]
    assert "Asked: National crime desk (priority)" in lines and "Answer from: National crime desk" in lines

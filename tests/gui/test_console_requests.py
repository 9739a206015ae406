"""The facilitator console's answer panel: a syndicate's request for information is listed as
waiting, and the facilitator answers it as the partner (a canned reply or free text)."""

from __future__ import annotations

import pytest
from helpers import REPO, StationThread, click, open_console, running_server, shoot

from hydra_sim.engine.plan import Step
from hydra_sim.exercise.headless import HeadlessStation

RFI = REPO / "tests" / "fixtures" / "rfi" / "rfi.yaml"
WAIT_MS = 20000
STEPS = [Step("request", None, {"partner": "childrens_services", "question": "A boy of 14 on his own needs a "
                                "placement tonight", "urgency": "immediate", "topic": None}),
         Step("request", None, {"partner": "crime_desk", "question": "Registration checks on the trailer",
                                "urgency": "routine", "topic": None}),
         Step("choose", "call", "ambulance"), Step("choose", "advice", "talk"), Step("choose", "services", "keep")]


@pytest.fixture
def server(tmp_path):
    with running_server(tmp_path, RFI) as srv:
        yield srv


@pytest.fixture
def console(qtbot, server):
    win = open_console(qtbot, server)
    yield win
    win.close()


def test_the_facilitator_answers_requests_from_the_console(qtbot, console, server, tmp_path):
    host, port = server.address
    thread = StationThread(HeadlessStation(RFI, tmp_path / "alpha.sqlite3", host=host, port=port, code=server.code,
                                           syndicate="Alpha", members=["PC Hale"], steps=list(STEPS),
                                           station_id="Alpha-1", backoff=(0.05, 0.1), hold_at=["advice", "advice"]))
    thread.start()
    qtbot.waitUntil(lambda: console.model.view("Alpha") is not None
                    and len(console.model.view("Alpha").requests) == 2, timeout=WAIT_MS)
    console.table.selectRow(0)
    qtbot.waitUntil(lambda: console.requests_list.count() == 2, timeout=WAIT_MS)
    assert "WAITING for your answer" in console.requests_list.item(0).text()
    assert "Children's services (out of hours)" in console.requests_list.item(0).text()
    # the canned reply its keywords matched comes first in the list of answers
    assert console.answer_reply.itemData(0) == "child_placement"
    assert console.answer_reply.itemText(console.answer_reply.count() - 1) == "Free text (below)"
    click(qtbot, console.answer_button)
    qtbot.waitUntil(lambda: console.model.view("Alpha").requests[0].get("answered_at") is not None, timeout=WAIT_MS)
    # free text for the second
    console.requests_list.setCurrentRow(1)
    console.answer_reply.setCurrentIndex(console.answer_reply.count() - 1)
    click(qtbot, console.answer_button)
    assert any("type the answer" in console.results.item(i).text() for i in range(console.results.count()))
    qtbot.keyClicks(console.answer_text, "Desk: nothing yet on that trailer; we will call back.")
    click(qtbot, console.answer_button)
    qtbot.waitUntil(lambda: console.model.view("Alpha").requests[1].get("answered_at") is not None, timeout=WAIT_MS)
    shoot(console, "console-requests")
    result = thread.finish()
    assert result["ended"] == "good_end"
    answers = [r["answer"] for r in console.model.view("Alpha").requests]
    assert answers[0].startswith("Out-of-hours social work: a duty social worker")
    assert answers[1] == "Desk: nothing yet on that trailer; we will call back."
    assert "answered:" in console.requests_list.item(1).text()
    # the requests panel and a pod's seat timeline each have their own rows: nothing drawn on top
    from PySide6.QtCore import QRect
    shown = [w for w in (console.seats_heading, console.seats_table, console.requests_heading,
                         console.requests_list) if w.isVisible()]
    assert console.requests_heading in shown and console.requests_list in shown
    boxes = [QRect(w.mapTo(console, w.rect().topLeft()), w.size()) for w in shown]
    assert not any(a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1:]), boxes
    # and the console, with both, still fits a 1366x768 laptop (the detail scrolls instead)
    from hydra_sim.gui.window_geometry import usable_area
    room = usable_area(QRect(0, 0, 1366, 768 - 32))
    assert console.minimumSizeHint().height() <= room.height(), console.minimumSizeHint()

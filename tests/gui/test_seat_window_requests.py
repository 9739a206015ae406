"""A pod's seat window sends a request for information from its Partners tab (issue 17).

A real ExerciseServer on 127.0.0.1 with the seated flagship; the pod's recording station (the
control room, playing nothing: the story waits at its first scene) is a headless station in a
thread. The investigator's seat window, with its copy of the scenario, fills in the trainee
app's request form and sends it: the server relays it, the recording station records it for
the investigator's seat, and it comes back in the seat's stream. No sleeps: every wait is on a
condition.
"""

from __future__ import annotations

import pytest
from helpers import REPO, StationThread, click, running_server, shoot

from hydra_sim.engine import load_scenario
from hydra_sim.exercise.headless import HeadlessStation
from hydra_sim.gui.exercise.seat import SeatWindow
from hydra_sim.gui.exercise.station import JoinRequest

SEATED = REPO / "scenarios" / "brackenford-seated.yaml"
WAIT_MS = 20000
QUESTION = "Please refer Koval Logistics, the haulier of trailer KT 7741 R, for a clandestine entrant civil penalty."


@pytest.fixture
def server(tmp_path):
    with running_server(tmp_path, SEATED) as srv:      # the shared helper: started, stopped after
        yield srv


def test_a_request_sent_from_the_partners_tab_is_recorded_for_the_seat(qtbot, server, tmp_path):
    host, port = server.address
    scenario = load_scenario(SEATED).raise_for_errors()
    request = JoinRequest(host, port, server.code, "Alpha", ["DS Okafor"], role="seat", scenario_id=scenario.id,
                          seat="investigator")
    win = SeatWindow(request, scenario=scenario, backoff=(0.05, 0.1))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    assert win.tabs.tabText(win.partners_tab) == "Partners"
    form = win.request_form
    assert [form.partner.itemData(i) for i in range(form.partner.count())] == list(scenario.partners)
    win.start()
    rec = StationThread(HeadlessStation(SEATED, tmp_path / "control.sqlite3", host=host, port=port,
                                        code=server.code, syndicate="Alpha", members=["Ana"],
                                        station_id="alpha-control", steps=[], seat="control", backoff=(0.05, 0.1)))
    rec.start()
    qtbot.waitUntil(lambda: win.view is not None and win.view.get("waiting_for") is not None, timeout=WAIT_MS)

    win.tabs.setCurrentIndex(win.partners_tab)
    form.partner.setCurrentIndex(form.partner.findData("nccu"))
    form.topic.setCurrentIndex(form.topic.findData("civil_penalty"))
    form.question.setPlainText(QUESTION)
    click(qtbot, form.send_button)
    assert win.last_request and form.status.text().startswith("Sent to")
    assert form.question.toPlainText() == ""         # cleared for the next request
    qtbot.waitUntil(lambda: len(server.syndicate("Alpha").requests) == 1, timeout=WAIT_MS)
    [made] = server.syndicate("Alpha").requests
    assert (made["seat"], made["partner"], made["topic"], made["question"]) == \
        ("investigator", "nccu", "civil_penalty", QUESTION)
    assert made["meta"] == {"station_id": request.station_id, "request_id": win.last_request,
                            "entered_by": "DS Okafor"}
    # it comes back in the seat's own stream, from the recording station's record
    qtbot.waitUntil(lambda: any(i["kind"] == "request" for i in win.view["stream"]), timeout=WAIT_MS)
    lines = [win.stream.item(i).text() for i in range(win.stream.count())]
    assert any("\u2192" in line and "Koval Logistics" in line for line in lines)
    shoot(win, "seat-window-partners")

    # a blank question is not sent (the form says why); nothing more reaches the facilitator
    click(qtbot, form.send_button)
    assert form.status.text().startswith("Not sent: a request needs a question")
    win.link.close()
    rec.station.stop()
    rec.finish()
    assert len(server.syndicate("Alpha").requests) == 1

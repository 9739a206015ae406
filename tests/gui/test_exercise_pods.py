"""Pods in the GUI: a seat station window plays its seat; the console shows every seat on one timeline.

A real ExerciseServer on 127.0.0.1 with the four-seat fixture (tests/fixtures/pods); the pod's
recording station (control room) and the other seats are headless stations in threads. No sleeps:
every wait is on a condition.
"""

from __future__ import annotations

import pytest
from helpers import REPO, StationThread, click
from PySide6.QtCore import Qt

from hydra_sim.exercise.headless import HeadlessStation
from hydra_sim.exercise.seatstation import HeadlessSeatStation
from hydra_sim.exercise.server import ExerciseServer
from hydra_sim.gui.exercise.console import ExerciseConsole
from hydra_sim.gui.exercise.seat import SeatWindow
from hydra_sim.gui.exercise.station import JoinRequest

PODS = REPO / "tests" / "fixtures" / "pods" / "pods.yaml"
WAIT_MS = 20000


@pytest.fixture
def server(tmp_path):
    srv = ExerciseServer(PODS, tmp_path / "facilitator.sqlite3", host="127.0.0.1", port=0)
    srv.start()
    yield srv
    srv.stop()


def recording(server, tmp_path) -> StationThread:
    host, port = server.address
    return StationThread(HeadlessStation(PODS, tmp_path / "control.sqlite3", host=host, port=port, code=server.code,
                                         syndicate="Alpha", members=["Ana"], station_id="alpha-control",
                                         plan_path=PODS.with_name("pods.control.plan.yaml"), seat="control",
                                         backoff=(0.05, 0.1)))


def seat_thread(server, seat) -> StationThread:
    host, port = server.address
    return StationThread(HeadlessSeatStation(PODS, host=host, port=port, code=server.code, syndicate="Alpha",
                                             seat=seat, members=[f"{seat} lead"], station_id=f"alpha-{seat}",
                                             plan_path=PODS.with_name(f"pods.{seat}.plan.yaml"), backoff=(0.05, 0.1)))


def stream_lines(win) -> list[str]:
    return [win.stream.item(i).text() for i in range(win.stream.count())]


def test_a_seat_window_plays_its_seat_and_sees_only_its_own(qtbot, server, tmp_path):
    host, port = server.address
    request = JoinRequest(host, port, server.code, "Alpha", ["PC Hale"], role="seat", scenario_id=server.scenario.id,
                          seat="scene")
    assert request.station_id.startswith("Alpha-scene-")
    win = SeatWindow(request, backoff=(0.05, 0.1))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.start()
    rec = recording(server, tmp_path)
    rec.start()
    qtbot.waitUntil(lambda: win.view is not None and win.view["turn"] is not None, timeout=WAIT_MS)
    assert win.turn_title.text().startswith("At the layby")
    assert win.send_button.isVisible() and win.options.count() == 3
    lines = stream_lines(win)
    assert any("\u2709" in line and "Bravo 2-1" in line for line in lines)      # control's radio message
    assert not any("A call from the layby" in line for line in lines)          # control's own scene: not ours

    # a decision for another seat's scene is refused, in words, and the window can still answer
    win.link.send_decision("call", 0, "police_only")
    qtbot.waitUntil(lambda: "belongs to seat 'control'" in win.error.text(), timeout=WAIT_MS)
    options = {win.options.item(i).data(Qt.ItemDataRole.UserRole): win.options.item(i) for i in range(3)}
    options["open_and_count"].setSelected(True)
    win.rationale.setPlainText("Air first, then a count for control.")
    click(qtbot, win.send_button)
    qtbot.waitUntil(lambda: win.view["turn"] is None and win.view["decisions"] >= 2, timeout=WAIT_MS)
    assert "waiting for" in win.heading.text()
    assert any("\u2714" in line and "Open the trailer now" in line for line in stream_lines(win))
    record = rec.station.runner.decisions[1]
    assert record.scene_id == "arrive" and record.meta["seat"] == "scene"
    assert record.rationale == "Air first, then a count for control."
    # the rest of the pod plays on, headless, to the end
    others = [seat_thread(server, seat) for seat in ("manager", "investigator")]
    for thread in others:
        thread.start()
    assert rec.finish()["ended"]
    for thread in others:
        assert thread.finish()["ended"]
    qtbot.waitUntil(lambda: win.view["ended"], timeout=WAIT_MS)
    assert "has ended" in win.heading.text() and not win.send_button.isVisible()
    win.close()


def test_the_console_shows_every_seat_on_one_timeline(qtbot, server, tmp_path):
    console = ExerciseConsole(server, confirm=lambda question: True)
    qtbot.addWidget(console)
    console.resize(1440, 900)
    console.show()
    qtbot.waitExposed(console)
    threads = [recording(server, tmp_path)] + [seat_thread(server, s) for s in ("scene", "manager", "investigator")]
    for thread in threads:
        thread.start()
    for thread in threads:
        assert thread.finish()["ended"]
    qtbot.waitUntil(lambda: bool(console.model.views) and console.model.views[0].ended, timeout=WAIT_MS)
    console.table.selectRow(0)
    console._show_detail(console.model.view("Alpha"))
    table = console.seats_table
    assert table.isVisible() and table.rowCount() > 0
    rows = [[table.item(r, c).text() for c in range(3)] for r in range(table.rowCount())]
    assert {row[1] for row in rows} == {"Control room", "Officers at scene", "Duty inspector", "Investigator"}
    assert [row[0] for row in rows] == sorted(row[0] for row in rows)       # one timeline, in clock order
    messages = [row for row in rows if "message" in row[2]]
    assert [row[1] for row in messages if "Control: fourteen people" in row[2]] == ["Duty inspector"]
    assert {row[1] for row in messages} == {"Control room", "Officers at scene", "Duty inspector", "Investigator"}
    assert any(row[1] == "Officers at scene" and "decision" in row[2] and "Open the trailer now" in row[2]
               for row in rows)
    console.close()

"""The console's live-change controls over a real pod on 127.0.0.1: hand a seat with no station to
its stand-in, change a run condition, see both on the pod's timeline. Headless stations in threads;
no sleeps (every wait is on a condition)."""

from __future__ import annotations

import pytest
from helpers import REPO, StationThread, click, shoot
from live_support import pod_server

from hydra_sim.exercise.headless import HeadlessStation
from hydra_sim.exercise.seatstation import HeadlessSeatStation
from hydra_sim.exercise.server import ExerciseServer
from hydra_sim.gui.exercise.console import ExerciseConsole

PLANS = REPO / "tests" / "fixtures" / "pods"
WAIT_MS = 20000


@pytest.fixture
def server(tmp_path):
    srv = pod_server(tmp_path)
    yield srv
    srv.stop()


@pytest.fixture
def scenario_path(server):
    return server.scenario_path


def test_the_console_hands_a_seat_to_its_stand_in_and_changes_a_condition_live(qtbot, server, tmp_path,
                                                                              scenario_path):
    console = ExerciseConsole(server, confirm=lambda question: True)
    qtbot.addWidget(console)
    console.resize(1440, 900)
    console.show()
    qtbot.waitExposed(console)
    # the controls list the scenario's run condition (its values in its words) and its seats
    assert console.condition_box.isVisible() and console.condition_box.currentText() == "Second unit"
    assert [console.condition_value.itemText(i) for i in range(console.condition_value.count())] == [
        "a second unit was five minutes away", "the second unit was twenty minutes away"]
    assert [console.seat_box.itemData(i) for i in range(console.seat_box.count())] == [
        "control", "scene", "manager", "investigator"]

    host, port = server.address
    rec = StationThread(HeadlessStation(scenario_path, tmp_path / "control.sqlite3", host=host, port=port,
                                        code=server.code, syndicate="Alpha", members=["Ana"],
                                        station_id="alpha-control", plan_path=PLANS / "pods.control.plan.yaml",
                                        seat="control", hold_at=["update"], backoff=(0.05, 0.1)))
    rec.start()
    qtbot.waitUntil(lambda: bool(console.model.views and console.model.views[0].session_id), timeout=WAIT_MS)
    console.table.selectRow(0)
    assert console.target() == "Alpha"
    console.seat_box.setCurrentIndex(console.seat_box.findData("investigator"))
    click(qtbot, console.stand_in_button)
    seats = [StationThread(HeadlessSeatStation(scenario_path, host=host, port=port, code=server.code,
                                               syndicate="Alpha", seat=seat, members=[f"{seat} lead"],
                                               station_id=f"alpha-{seat}",
                                               plan_path=PLANS / f"pods.{seat}.plan.yaml", backoff=(0.05, 0.1)))
             for seat in ("scene", "manager")]
    for thread in seats:
        thread.start()
    qtbot.waitUntil(lambda: console.model.view("Alpha").scene_id == "update", timeout=WAIT_MS)
    console.condition_value.setCurrentIndex(console.condition_value.findData("far_off"))
    click(qtbot, console.condition_button)
    assert rec.finish()["ended"] == "good_end"
    assert all(thread.finish()["ended"] for thread in seats)
    qtbot.waitUntil(lambda: console.model.view("Alpha").ended, timeout=WAIT_MS)
    view = console.model.view("Alpha")
    assert [(i.action, i.status) for i in view.interventions] == [("stand_in", "applied"),
                                                                  ("set_condition", "applied")]
    console._show_detail(view)
    table = console.seats_table
    rows = [[table.item(r, c).text() for c in range(3)] for r in range(table.rowCount())]
    facilitator = [row for row in rows if row[1] == "Facilitator"]
    assert [row[2] for row in facilitator] == [
        "\u2691 Investigator handed to its stand-in",
        "\u2691 run condition changed: Second unit is now the second unit was twenty minutes away"]
    assert [row[0] for row in rows] == sorted(row[0] for row in rows)          # on the one timeline
    assert any(row[1] == "Investigator" and "(the seat's stand-in)" in row[2] for row in rows)
    results = [console.results.item(i).text() for i in range(console.results.count())]
    assert any("run condition backup \u2192 far_off" in line and "applied" in line.lower() for line in results)
    assert console.model.cell(view, 8).endswith("\u2691 changed live")     # beside the score
    decisions = console.decisions
    assert decisions.item(decisions.rowCount() - 1, 4).text() == "the seat's stand-in"
    shoot(console, "console-live-changes")
    console.close()


def test_the_live_change_controls_are_hidden_without_conditions_or_seats(qtbot, tmp_path):
    server = ExerciseServer(REPO / "tests" / "fixtures" / "mini" / "mini.yaml", tmp_path / "f.sqlite3",
                            host="127.0.0.1", port=0)
    server.start()
    try:
        console = ExerciseConsole(server, confirm=lambda question: True)
        qtbot.addWidget(console)
        console.show()
        qtbot.waitExposed(console)
        assert not console.condition_button.isVisible() and not console.stand_in_button.isVisible()
        assert console.set_condition() == [] and console.stand_in() == []
        console.close()
    finally:
        server.stop()

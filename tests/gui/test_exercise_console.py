"""The facilitator console on a real ExerciseServer (127.0.0.1, any port) with headless stations in threads.

It shows the join code and each syndicate live (decisions with rationale and who entered
them), and its actions (timer, pause, resume, free-text and prepared injects, end) reach the
stations, each with its result listed, including the ones refused and why.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from helpers import FLAGSHIP, StationThread, click, open_console, running_server, shoot
from PySide6.QtCore import Qt

from hydra_sim.engine.plan import load_plan
from hydra_sim.exercise.headless import HeadlessStation
from hydra_sim.gui.exercise.console import ALL_LABEL, ExerciseConsole

BEST = FLAGSHIP.with_name("brackenford-services.best.plan.yaml")
CARELESS = FLAGSHIP.with_name("brackenford-services.careless.plan.yaml")
WAIT_MS = 20000



def headless(server, tmp_path: Path, name: str, plan: Path, members, **kw) -> StationThread:
    host, port = server.address
    steps, problems = load_plan(plan)
    assert steps is not None, problems
    # the first decision carries a rationale, as a syndicate would type it
    steps[0] = dataclasses.replace(steps[0], rationale=f"{name}: people shut in a lorry, a threat to life")
    return StationThread(HeadlessStation(FLAGSHIP, tmp_path / f"{name}.sqlite3", host=host, port=port, code=server.code,
                                   syndicate=name, members=members, steps=steps, station_id=f"{name}-1",
                                   backoff=(0.05, 0.1), **kw))


@pytest.fixture
def server(tmp_path):
    with running_server(tmp_path) as srv:
        yield srv


@pytest.fixture
def console(qtbot, server):
    asked = []
    win = open_console(qtbot, server, confirm=lambda question: asked.append(question) or True)
    win.asked = asked
    yield win
    win.close()


def row_of(console, name: str) -> int:
    return [v.name for v in console.model.views].index(name)


def at_scene(console, name: str, scene: str) -> bool:
    view = console.model.view(name)
    return view is not None and view.scene_id == scene


def results_text(console) -> list[str]:
    return [console.results.item(i).text() for i in range(console.results.count())]


def applied(console, command_id: str) -> bool:
    view = next(v for v in console.model.views for i in v.interventions if i.command_id == command_id)
    return next(i for i in view.interventions if i.command_id == command_id).status == "applied"


def test_console_shows_syndicates_live_and_its_actions_reach_the_stations(qtbot, console, server, tmp_path):
    host, port = server.address
    assert console.code_label.text() == server.code and len(server.code) == 6
    assert f"port {port}" in console.address_label.text() and server.code in console.address_label.text()
    assert console.empty_label.isVisible()
    assert console.prepared_box.findData("tango_update") >= 0

    alpha = headless(server, tmp_path, "Alpha", BEST, ["PC Hale", "Sgt Brennan"],
                     hold_at=["lorry_moving", "priorities", "runners", "runners", "driver_account"])
    bravo = headless(server, tmp_path, "Bravo", CARELESS, ["DC Osei"])
    alpha.start()
    bravo.start()
    qtbot.waitUntil(lambda: at_scene(console, "Alpha", "lorry_moving"), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: console.model.view("Bravo") is not None and console.model.view("Bravo").ended
                    and console.model.view("Bravo").percent is not None, timeout=WAIT_MS)
    assert not console.empty_label.isVisible() and console.model.rowCount() == 2
    bravo_result = bravo.finish()
    assert bravo_result["synced"]

    # the syndicates table and the selected syndicate's live decisions
    console.table.selectRow(row_of(console, "Alpha"))
    assert console.target_box.currentText() == "Alpha"
    model = console.model
    alpha_row = row_of(console, "Alpha")
    assert model.data(model.index(alpha_row, 1)) == "PC Hale, Sgt Brennan"
    assert "connected" in model.data(model.index(alpha_row, 2))
    assert model.data(model.index(alpha_row, 5)) == "1"
    decisions = console.decisions
    assert decisions.rowCount() == 1
    row = [decisions.item(0, c).text() for c in range(decisions.columnCount())]
    assert row[3] == "Alpha: people shut in a lorry, a threat to life" and row[4] == "PC Hale"
    assert row[2] and row[2] != "threat_to_life"         # the option's words, not its id
    bravo_row = row_of(console, "Bravo")
    assert model.data(model.index(bravo_row, 7)).startswith("ended") and model.data(model.index(bravo_row, 8))

    # timer at the timed decision
    console.timer_spin.setValue(30)
    click(qtbot, console.more_button)
    timer_id = server.syndicate("Alpha").interventions[-1].command_id
    qtbot.waitUntil(lambda: applied(console, timer_id), timeout=WAIT_MS)
    assert any("timer +30 s" in t and "applied" in t for t in results_text(console))

    # pause, then resume
    qtbot.waitUntil(lambda: at_scene(console, "Alpha", "priorities"), timeout=WAIT_MS)
    click(qtbot, console.pause_button)
    qtbot.waitUntil(lambda: console.model.view("Alpha").paused, timeout=WAIT_MS)
    assert "PAUSED" in model.data(model.index(row_of(console, "Alpha"), 7))
    shoot(console, "exercise-console")
    click(qtbot, console.resume_button)
    qtbot.waitUntil(lambda: not console.model.view("Alpha").paused and
                    all(i.status == "applied" for i in console.model.view("Alpha").interventions), timeout=WAIT_MS)

    # free-text inject (typed, Enter) and a prepared one
    qtbot.waitUntil(lambda: at_scene(console, "Alpha", "runners"), timeout=WAIT_MS)
    console.inject_text.setFocus()
    qtbot.keyClicks(console.inject_text, "A journalist is at the cordon.")
    qtbot.keyClick(console.inject_text, Qt.Key.Key_Return)
    assert console.inject_text.text() == ""
    console.prepared_box.setCurrentIndex(console.prepared_box.findData("press_enquiry"))
    click(qtbot, console.prepared_button)
    qtbot.waitUntil(lambda: all(i.status == "applied" for i in console.model.view("Alpha").interventions)
                    and len(console.model.view("Alpha").interventions) == 5, timeout=WAIT_MS)
    received = [console.received.item(i).text() for i in range(console.received.count())]
    assert any("(facilitator): A journalist is at the cordon." in t for t in received)

    # a refused action says why; ending asks first and ends the session
    console.target_box.setCurrentIndex(console.target_box.findData("Bravo"))
    click(qtbot, console.pause_button)
    assert "already ended" in results_text(console)[0]
    qtbot.waitUntil(lambda: at_scene(console, "Alpha", "driver_account"), timeout=WAIT_MS)
    console.target_box.setCurrentIndex(console.target_box.findText(ALL_LABEL))
    click(qtbot, console.end_button)
    assert console.asked and "every syndicate" in console.asked[-1]
    result = alpha.finish()
    assert result["ended"] == "ended_by_facilitator" and result["synced"]
    qtbot.waitUntil(lambda: console.model.view("Alpha").ended, timeout=WAIT_MS)
    assert "ended by the facilitator" in model.data(model.index(row_of(console, "Alpha"), 7))
    assert [i["action"] for i in result["interventions"]] == ["timer", "pause", "resume", "inject", "inject", "end"]

    # the plenary opens from the console
    plenary = console.open_plenary()
    qtbot.addWidget(plenary)
    assert [plenary.grid.horizontalHeaderItem(c).text() for c in range(plenary.grid.columnCount())] == [
        "Alpha", "Bravo"]


def test_console_creates_an_exercise_and_says_why_one_cannot_start(qtbot, home, tmp_path):
    win = ExerciseConsole(scenario_path=FLAGSHIP, host="127.0.0.1", port=0, store_path=tmp_path / "f.sqlite3")
    qtbot.addWidget(win)
    win.show()
    assert win.setup_card.isVisible() and not win.join_card.isVisible()
    assert win.scenario_box.currentData() == str(FLAGSHIP)
    win.code_edit.setText("ab")
    assert not win.start_exercise()
    assert "at least 4" in win.setup_error.text()
    win.code_edit.setText("TEST42")
    assert win.start_exercise()
    try:
        assert win.join_card.isVisible() and not win.setup_card.isVisible()
        assert win.code_label.text() == "TEST42" and win.server.address[1] > 0
        assert "across sites" not in win.scenario_label.text()              # the training-room default
        assert win.server.short_fingerprint in win.fingerprint_label.text()
    finally:
        win.close()
    assert win.server._server is None        # the console that made the exercise closes it


def test_console_across_sites_shows_the_long_code_the_mode_and_the_fingerprint(qtbot, home, tmp_path):
    win = ExerciseConsole(scenario_path=FLAGSHIP, host="127.0.0.1", port=0, store_path=tmp_path / "f.sqlite3")
    qtbot.addWidget(win)
    win.resize(1440, 900)
    win.show()
    win.across_sites_box.setChecked(True)
    win.code_edit.setText("TEST42")                       # too short to cross sites: said so, nothing starts
    assert not win.start_exercise()
    assert "across sites" in win.setup_error.text() and "leave the code empty" in win.setup_error.text()
    win.code_edit.setText("")
    assert win.start_exercise()
    try:
        server = win.server
        assert server.across_sites
        assert win.code_label.text() == server.display_code and [len(g) for g in server.display_code.split("-")] == [5] * 5
        assert "across sites" in win.scenario_label.text()
        assert "by phone or in person" in win.address_label.text()
        assert server.short_fingerprint in win.fingerprint_label.text() and len(server.short_fingerprint) == 19
        shoot(win, "console-across-sites")
    finally:
        win.close()


def test_the_recording_seat_of_a_replaced_computer_is_released_from_the_rows_menu(qtbot, console, server, tmp_path):
    """The seat token stays on a station's computer; when that computer is replaced, the facilitator frees
    the seat (after a question) so that the spare computer's station can take it."""
    first = headless(server, tmp_path, "Alpha", BEST, ["PC Hale"], hold_at=["lorry_moving"])
    first.start()
    qtbot.waitUntil(lambda: at_scene(console, "Alpha", "lorry_moving"), timeout=WAIT_MS)
    first.station.stop()
    server.end("Alpha")                          # releases the hold; the station finishes and leaves
    first.finish()
    console.table.selectRow(row_of(console, "Alpha"))
    assert console.release_action in console.table.actions()
    assert console.table.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    console.release_action.trigger()
    assert console.asked and "Release syndicate Alpha's recording seat" in console.asked[-1]
    assert server.syndicate("Alpha").recording_station is None
    assert any("recording seat of Alpha released" in t for t in results_text(console))

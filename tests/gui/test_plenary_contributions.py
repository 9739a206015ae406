"""Anonymous contributions to the plenary, on a real ExerciseServer (127.0.0.1, any port).

A follower station says something to the plenary; the console lists it (no name); Show puts it on
the plenary window (the shared screen) in large text, Clear takes it off. A seat station has the
same box, and a refusal reaches the box, not the seat's turn. No sleeps: every wait is on a condition.
"""

from __future__ import annotations

import pytest
from helpers import FLAGSHIP, LAPTOP_SCREEN, TASK_BAR, StationThread, click, open_console, running_server, shoot
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QScrollArea

from hydra_sim.exercise.headless import HeadlessStation
from hydra_sim.gui.exercise.seat import SeatWindow
from hydra_sim.gui.exercise.station import FollowerWindow, JoinRequest
from hydra_sim.gui.window_geometry import fitted_rect

BEST = FLAGSHIP.with_name("brackenford-services.best.plan.yaml")
WAIT_MS = 20000
SAID = "We never asked who else was in the lorry until the ambulance arrived."


@pytest.fixture
def server(tmp_path):
    with running_server(tmp_path) as srv:
        yield srv


def test_a_follower_contributes_and_the_facilitator_shows_it_on_the_shared_screen(qtbot, server, tmp_path):
    console = open_console(qtbot, server)
    host, port = server.address
    # a syndicate records a session, so the plenary window (the shared screen) has something to open on
    station = StationThread(HeadlessStation(FLAGSHIP, tmp_path / "alpha.sqlite3", host=host, port=port,
                                            code=server.code, syndicate="Alpha", members=["PC Hale"],
                                            plan_path=BEST, station_id="Alpha-1", backoff=(0.05, 0.1)))
    station.start()
    assert station.finish()["synced"]
    request = JoinRequest(host, port, server.code, "Alpha", ["PC Hale"], role="follower",
                          scenario_id=server.scenario.id, station_id="Alpha-follower")
    follower = FollowerWindow(request, backoff=(0.05, 0.1))
    qtbot.addWidget(follower)
    follower.show()
    follower.start()
    qtbot.waitUntil(lambda: follower.link.connected, timeout=WAIT_MS)
    box = follower.contribute
    assert box.label.text() == "Sa&y something to the plenary (anonymous)" and box.label.buddy() is box.text
    assert box.text.maxLength() == 300

    # empty: said at once, nothing sent
    click(qtbot, box.button)
    assert "empty" in box.status.text() and server.contributions() == []
    box.text.setFocus()
    qtbot.keyClicks(box.text, SAID)
    qtbot.keyClick(box.text, Qt.Key.Key_Return)
    assert box.status.text() == "Sent, without your name." and box.text.text() == ""
    shoot(follower, "exercise-contribute-follower")

    # the console lists it, with the time and no name
    qtbot.waitUntil(lambda: console.contributions.count() == 1, timeout=WAIT_MS)
    listed = console.contributions.item(0).text()
    assert listed.endswith(SAID) and "Alpha" not in listed and "PC Hale" not in listed
    assert [c.text for c in server.contributions()] == [SAID]

    # Show opens the plenary window and puts it there, large
    assert console.plenary_window is None
    plenary = console.show_contribution()
    assert plenary is not None and plenary is console.plenary_window
    qtbot.addWidget(plenary)
    assert plenary.contribution.isVisible() and SAID in plenary.contribution.text()
    assert "Alpha" not in plenary.contribution.text()
    assert plenary.contribution.font().pointSizeF() >= 24 or "30pt" in plenary.contribution.styleSheet()
    assert SAID in console.shown_label.text()
    # at the size shoot() gives it on the laptop screen, so the scrolled position below stays
    console.resize(fitted_rect(console.size(), QRect(0, 0, LAPTOP_SCREEN[0], LAPTOP_SCREEN[1] - TASK_BAR)).size())
    area = console.contributions.parentWidget()
    while not isinstance(area, QScrollArea):          # the console's detail scrolls: bring the list into sight
        area = area.parentWidget()
    for _ in range(3):              # the detail page fits itself to the new size after a queued event
        QApplication.processEvents()
    area.verticalScrollBar().setValue(console.contributions_heading.y() - 4)
    shoot(console, "exercise-contributions-console")
    plenary.resize(1366, 736)
    shoot(plenary, "exercise-contribution-shown")

    # Clear takes it off the shared screen
    click(qtbot, console.clear_contribution_button)
    assert not plenary.contribution.isVisible() and "Nothing shown" in console.shown_label.text()
    follower.close()
    console.close()


def test_a_seat_station_has_the_same_box_and_a_refusal_reaches_it_not_the_turn(qtbot, server):
    host, port = server.address
    request = JoinRequest(host, port, server.code, "Alpha", ["PC Hale"], role="seat", scenario_id=server.scenario.id,
                          station_id="Alpha-seat", seat="investigator")
    win = SeatWindow(request, backoff=(0.05, 0.1))
    qtbot.addWidget(win)
    box = win.contribute
    # not connected: not sent, and said so
    box.text.setText("Good handover")
    assert not box.send() and "Not sent" in box.status.text() and box.text.text() == "Good handover"
    win.error.setText("")
    win._on_error("contribution refused: it is empty; write something to say to the plenary")
    assert box.status.text().startswith("contribution refused") and win.error.text() == ""

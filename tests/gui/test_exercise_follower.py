"""The follower window on a real ExerciseServer (127.0.0.1, any port) with a headless recording station.

A follower is a syndicate member's second screen: it shows the syndicate's current scene and
clock and each decision (with who entered it) as they arrive, the facilitator's pause and
injects, and says so when the facilitator goes away. No sleeps: every wait is on a condition.
"""

from __future__ import annotations

import pytest
from helpers import FLAGSHIP, StationThread, shoot

from hydra_sim.exercise.headless import HeadlessStation
from hydra_sim.exercise.server import ExerciseServer
from hydra_sim.gui.exercise.station import FollowerWindow, JoinRequest

BEST = FLAGSHIP.with_name("brackenford-services.best.plan.yaml")
WAIT_MS = 20000
MEMBERS = ["PC Hale", "Sgt Brennan"]



@pytest.fixture
def server(tmp_path):
    srv = ExerciseServer(FLAGSHIP, tmp_path / "facilitator.sqlite3", host="127.0.0.1", port=0)
    srv.start()
    yield srv
    srv.stop()          # again after the test stopped it: harmless


def rows(win) -> list[list[str]]:
    table = win.table
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def test_follower_shows_its_syndicate_live_the_pause_and_the_facilitator_leaving(qtbot, server, tmp_path):
    from PySide6.QtWidgets import QApplication

    from hydra_sim.gui.theme import apply as apply_theme
    apply_theme(QApplication.instance(), 11.0, 1.0, False)
    host, port = server.address
    request = JoinRequest(host, port, server.code, "Alpha", ["PC Hale"], role="follower",
                          scenario_id=server.scenario.id, station_id="Alpha-follower")
    win = FollowerWindow(request, backoff=(0.05, 0.1))
    qtbot.addWidget(win)
    win.resize(1100, 940)
    win.show()
    qtbot.waitExposed(win)
    assert "waiting for the facilitator" in win.heading.text() and win.table.rowCount() == 0
    win.start()
    # once joined, the facilitator's certificate (short form), to compare with the console's by phone
    qtbot.waitUntil(lambda: win.link_label.text() == "\u25cf Connected to the facilitator (certificate "
                    f"{server.short_fingerprint})", timeout=WAIT_MS)

    # the recording station holds after its first decision (until an inject), then at "runners"
    # (until the pause and the resume), so the test sees the follower at known points
    station = StationThread(HeadlessStation(FLAGSHIP, tmp_path / "alpha.sqlite3", host=host, port=port, code=server.code,
                                      syndicate="Alpha", members=MEMBERS, plan_path=BEST, station_id="Alpha-1",
                                      backoff=(0.05, 0.1), hold_at=["lorry_moving", "runners", "runners"]))
    station.start()
    try:
        # 1. the first decision arrives, with who entered it; the scene and clock follow the station
        qtbot.waitUntil(lambda: win.view is not None and win.view.scene_id == "lorry_moving"
                        and win.table.rowCount() == 1, timeout=WAIT_MS)
        first = server.syndicate("Alpha").decisions[0]
        assert rows(win) == [[first.clock_label, first.scene_title, first.choice_text, "PC Hale"]]
        assert first.scene_id == "call_received"
        lorry = server.scenario.scenes["lorry_moving"].title
        assert lorry in win.heading.text() and win.view.clock_label in win.heading.text()
        assert not win.paused_banner.isVisible() and win.updates.count() == 0

        # 2. an inject releases the station; the next decisions arrive, entered by each member in turn
        server.inject("Alpha", text="A journalist is at the cordon.")
        qtbot.waitUntil(lambda: win.view.scene_id == "runners", timeout=WAIT_MS)
        qtbot.waitUntil(lambda: win.table.rowCount() == len(server.syndicate("Alpha").decisions), timeout=WAIT_MS)
        decisions = server.syndicate("Alpha").decisions
        assert len(decisions) == 6
        assert rows(win) == [[d.clock_label, d.scene_title, d.choice_text, d.entered_by] for d in decisions]
        assert [r[3] for r in rows(win)] == ["PC Hale", "Sgt Brennan"] * 3
        runners = server.scenario.scenes["runners"].title
        assert runners in win.heading.text() and win.view.clock_label in win.heading.text()
        assert any("From the facilitator: A journalist is at the cordon." in win.updates.item(i).text()
                   for i in range(win.updates.count()))

        # 3. the facilitator pauses the syndicate: the follower says so
        server.pause("Alpha")
        qtbot.waitUntil(lambda: win.paused_banner.isVisible(), timeout=WAIT_MS)
        assert "paused by the facilitator" in win.heading.text()
        assert "PAUSED BY THE FACILITATOR" in win.paused_text.text()
        shoot(win, "exercise-follower")
        server.resume("Alpha")
        qtbot.waitUntil(lambda: not win.paused_banner.isVisible(), timeout=WAIT_MS)
        assert "paused" not in win.heading.text()

        # 4. the station plays on to the end; the follower ends with it, every decision shown
        result = station.finish()
        assert result["ended"] == "everyone_safe" and result["synced"]
        qtbot.waitUntil(lambda: win.view.ended, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: win.table.rowCount() == result["decisions"], timeout=WAIT_MS)
        assert "ended" in win.heading.text()
    finally:
        station.station.stop()
        station.join(60)

    # 5. the facilitator's program stops: the connection label changes
    server.stop()
    qtbot.waitUntil(lambda: win.link_label.text().startswith("\u25cb Not connected"), timeout=WAIT_MS)
    assert win.link_label.toolTip()          # the reason, in full
    win.close()

"""Station mode of the trainee app: a real GUI station linked to a real ExerciseServer on 127.0.0.1.

Interventions from the facilitator reach the incident screen (injects in the banner and log,
pause shown as the facilitator's, timer changes in the countdown, end goes to the debrief),
decisions carry who entered them, and the station keeps recording when the facilitator goes
away and catches up when it comes back, with nothing lost or duplicated.
"""

from __future__ import annotations

import pytest
from helpers import FLAGSHIP, click, shoot

from hydra_sim.exercise.server import ExerciseServer
from hydra_sim.gui.exercise.station import JoinDialog, JoinRequest, split_address
from hydra_sim.records.store import SessionStore

WAIT_MS = 20000        # bounded waits: generous for a loaded 2-core machine


@pytest.fixture
def server(tmp_path):
    srv = ExerciseServer(FLAGSHIP, tmp_path / "facilitator.sqlite3", host="127.0.0.1", port=0, code="K7QM2X")
    srv.start()
    yield srv
    srv.stop()


def request_for(server, name="Alpha", members=("PC Hale", "Sgt Brennan")) -> JoinRequest:
    host, port = server.address
    return JoinRequest(host, port, server.code, name, list(members), "recording", "brackenford-services",
                       f"{name}-gui")


def decide(qtbot, screen, option_id, rationale="") -> None:
    panel = screen.panel
    click(qtbot, panel.option_button(option_id))
    if rationale:
        qtbot.keyClicks(panel.rationale_box, rationale)
    click(qtbot, panel.decide_button)
    assert not panel.error.text(), panel.error.text()


def applied(server, name, command_id) -> bool:
    return any(i.command_id == command_id and i.status == "applied" for i in server.syndicate(name).interventions)


def test_split_address():
    assert split_address("10.0.0.5:9000") == ("10.0.0.5", 9000)
    assert split_address(" facilitator-pc ") == ("facilitator-pc", 8765)
    with pytest.raises(ValueError, match="not a port"):
        split_address("10.0.0.5:http")


def test_join_dialog_checks_the_form_and_reads_it_back(qtbot, window, server):
    dialog = JoinDialog([("brackenford-services", "Brackenford Services")], window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "address" in dialog.problem()
    dialog.fill(JoinRequest("10.0.0.5", 8765, "k7qm2x", "Alpha", ["PC Hale", "Sgt Brennan"], "recording",
                            "brackenford-services"))
    assert dialog.problem() == ""
    got = dialog.request()
    assert (got.host, got.port, got.code, got.syndicate, got.members, got.scenario_id) == (
        "10.0.0.5", 8765, "K7QM2X", "Alpha", ["PC Hale", "Sgt Brennan"], "brackenford-services")
    dialog.members.setPlainText("  \n")
    dialog.accept()
    assert dialog.isVisible() and "members" in dialog.error.text()
    dialog.members.setPlainText("PC Hale\nSgt Brennan")
    assert dialog.error.text() == ""          # fixing the form clears the message
    qtbot.keyClicks(dialog.code, "ab")
    assert dialog.code.text().endswith("AB")  # codes are shown as the facilitator's screen shows them
    dialog.code.setText("K7QM2X")
    dialog.host.setFocus()
    shoot(dialog, "exercise-join-dialog")


def test_gui_station_takes_interventions_and_catches_up_after_the_facilitator_returns(qtbot, window, server,
                                                                                        tmp_path):
    win = window
    station = win.join_exercise(request_for(server), backoff=(0.05, 0.1))
    screen = win.incident_screen
    assert station is not None and win.stack.currentWidget() is screen
    assert screen.entered_by_box.isVisible() and screen.entered_by_box.count() == 2
    qtbot.waitUntil(lambda: station.connected and server.syndicate("Alpha").session_id is not None,
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "Connected" in screen.link_label.text(), timeout=WAIT_MS)
    assert f"(certificate {server.short_fingerprint})" in screen.link_label.text()    # compared by phone
    assert win.controller.runner.facilitated

    # a decision entered by the second member, with its rationale, reaches the facilitator
    screen.entered_by_box.setCurrentText("Sgt Brennan")
    decide(qtbot, screen, "threat_to_life", "People shut in a lorry: threat to life.")
    qtbot.waitUntil(lambda: len(server.syndicate("Alpha").decisions) == 1, timeout=WAIT_MS)
    first = server.syndicate("Alpha").decisions[0]
    assert (first.scene_id, first.entered_by) == ("call_received", "Sgt Brennan")
    assert first.rationale == "People shut in a lorry: threat to life."
    assert win.controller.runner.scene_id == "lorry_moving" and win.controller.time_limit() == 75

    # timer: the countdown's limit grows by 30 s and the trainee is told
    made = server.adjust_timer("Alpha", 30)
    qtbot.waitUntil(lambda: win.controller.time_limit() == 105, timeout=WAIT_MS)
    assert screen.countdown_bar.maximum() == 1050
    assert "30 s more" in screen.banner_text.text()
    qtbot.waitUntil(lambda: applied(server, "Alpha", made[0].command_id), timeout=WAIT_MS)

    # free-text and prepared injects show in the banner and the log
    server.inject("Alpha", text="A journalist is at the cordon asking questions.")
    qtbot.waitUntil(lambda: "A journalist is at the cordon" in screen.banner_text.text(), timeout=WAIT_MS)
    assert "Update from the facilitator" in screen.banner_text.text()
    assert any("journalist" in e.detail for e in win.controller.history if e.kind == "inject")
    prepared = server.inject("Alpha", inject_id="tango_update")
    qtbot.waitUntil(lambda: applied(server, "Alpha", prepared[0].command_id), timeout=WAIT_MS)
    assert "tango_update" in win.controller.runner.fired

    # pause: shown as the facilitator's, and the trainee cannot resume it
    server.pause("Alpha")
    qtbot.waitUntil(lambda: win.controller.paused, timeout=WAIT_MS)
    assert win.controller.facilitator_paused and screen.paused_banner.isVisible()
    assert "PAUSED BY THE FACILITATOR" in screen.paused_text.text() and not screen.pause_button.isEnabled()
    assert screen.panel.decide_button.text() == "Paused by the facilitator" and not screen.panel.decide_button.isEnabled()
    shoot(win, "exercise-station-incident")
    win.toggle_pause()
    assert win.controller.paused, "the trainee resumed the facilitator's pause"
    server.resume("Alpha")
    qtbot.waitUntil(lambda: not win.controller.paused, timeout=WAIT_MS)
    assert screen.pause_button.isEnabled()
    qtbot.waitUntil(lambda: server.syndicate("Alpha").paused is False and
                    len(server.syndicate("Alpha").interventions) == 5 and
                    all(i.status == "applied" for i in server.syndicate("Alpha").interventions), timeout=WAIT_MS)

    # the facilitator goes away: the station keeps recording locally
    host, port = server.address
    session_id = win.controller.session_id
    server.stop()
    qtbot.waitUntil(lambda: not station.connected, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "offline" in screen.link_label.text(), timeout=WAIT_MS)
    screen.entered_by_box.setCurrentText("PC Hale")
    decide(qtbot, screen, "stop_at_pumps", "Stop it where there is room and help.")
    decide(qtbot, screen, "fim_then_nccu")
    assert len(win.controller.runner.decisions) == 3
    assert win.controller.flush()

    # ... and catches up when it comes back (same store, address and code)
    again = ExerciseServer(FLAGSHIP, tmp_path / "facilitator.sqlite3", host=host, port=port, code=server.code)
    again.start()
    try:
        qtbot.waitUntil(lambda: station.connected and len(again.syndicate("Alpha").decisions) == 3
                        if again.session_ids() else False, timeout=WAIT_MS)
        views = again.syndicate("Alpha").decisions
        assert [d.entered_by for d in views] == ["Sgt Brennan", "PC Hale", "PC Hale"]
        assert station.link.wait_synced(WAIT_MS / 1000)
        with SessionStore(win.controller.store.path) as local:
            mine = local.session_record(session_id)
        theirs = again.store.session_record(session_id)
        assert theirs["events"] == mine["events"]        # nothing lost, nothing duplicated
        assert len({e["seq"] for e in theirs["events"]}) == len(theirs["events"])

        # end: the station goes to the debrief and the facilitator gets the finished session
        again.end("Alpha")
        qtbot.waitUntil(lambda: win.stack.currentWidget() is win.debrief_screen, timeout=WAIT_MS)
        assert win.controller.report.facilitated and win.controller.runner.ended_by_facilitator
        qtbot.waitUntil(lambda: again.syndicate("Alpha").ended and again.syndicate("Alpha").percent is not None,
                        timeout=WAIT_MS)
        assert again.store.report(session_id)["interventions"][-1]["action"] == "end"
    finally:
        win._leave_exercise(wait=0)
        again.stop()


def test_a_station_with_a_wrong_code_is_refused_with_a_clear_message(qtbot, window, server):
    request = request_for(server)
    request.code = "WRONG1"
    station = window.join_exercise(request, backoff=(0.05,))
    try:
        qtbot.waitUntil(lambda: station.link.failed, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: "Refused" in window.incident_screen.link_label.text(), timeout=WAIT_MS)
        assert "join code" in window.incident_screen.link_label.toolTip()
        assert window.controller.running           # the station keeps working locally
        assert server.snapshot() == []
    finally:
        window._leave_exercise(wait=0)


def test_menu_entries_and_the_join_option_open_the_dialog_filled_in(qtbot, window, monkeypatch):
    from types import SimpleNamespace

    from hydra_sim.gui.exercise.station import schedule_join
    texts = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert "&Facilitate an exercise\u2026" in texts and "&Join a facilitated exercise\u2026" in texts
    asked = []
    monkeypatch.setattr(window, "ask_join", lambda initial=None: asked.append(initial))
    schedule_join(SimpleNamespace(join="10.0.0.5:9000", join_code="K7QM2X", join_syndicate="Alpha",
                                  join_members=["PC Hale"]))
    qtbot.waitUntil(lambda: bool(asked), timeout=WAIT_MS)
    got = asked[0]
    assert (got.host, got.port, got.code, got.syndicate, got.members) == ("10.0.0.5", 9000, "K7QM2X", "Alpha",
                                                                          ["PC Hale"])

"""The seated flagship end to end with the real facilitator console (issue 17, "Done when").

A real ExerciseServer on 127.0.0.1 and an ExerciseConsole at the size a 1366x768 laptop gives
it; the pod's four stations play the team's best plan split by seat (the control room's
recording station and three seat stations, headless in threads). The facilitator works only
through the console's widgets: answers the ambulance request with its canned reply from the
requests panel, changes the custody run condition live with the Run condition controls, waits
for the end, opens the plenary debrief and reads the "Team and seats" tab and its divergence
page. No sleeps: every wait is on a condition, with a bound.
"""

from __future__ import annotations

import re

from helpers import REPO, StationThread, click, open_console, running_server, shoot
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea, QSplitter
from test_screen_fit import available, clipped, settle

from hydra_sim.engine import load_scenario
from hydra_sim.engine.plan import Step, load_plan
from hydra_sim.exercise.headless import HeadlessStation
from hydra_sim.exercise.seatstation import HeadlessSeatStation
from hydra_sim.gui.window_geometry import place

SEATED = REPO / "scenarios" / "brackenford-seated.yaml"
BEST = REPO / "scenarios" / "brackenford-seated.best.plan.yaml"
ETA = Step("request", None, {"partner": "ambulance", "question": "How long until the ambulance crew and HART reach "
                                                                "Brackenford?", "urgency": "immediate", "topic": None})
WAIT_MS = 60000          # a bound for a loaded 2-core machine (never reached when all is well)
SEATS = ("control", "scene", "manager", "investigator")


def plan_by_seat(scenario) -> tuple[dict[str, list], list]:
    """The best plan's decisions split by the seat of their scene, and its requests."""
    steps = load_plan(BEST)[0]
    split: dict[str, list] = {seat: [] for seat in scenario.seats}
    for step in steps:
        if step.kind in ("choose", "continue"):
            split[scenario.scenes[step.scene].seat].append(step)
    return split, [s for s in steps if s.kind == "request"]


def rows(table) -> list[list[str]]:
    return [[table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def test_a_facilitator_runs_the_seated_flagship_from_the_console(qtbot, tmp_path):
    scenario = load_scenario(SEATED).scenario
    plan, asks = plan_by_seat(scenario)
    with running_server(tmp_path, SEATED) as server:
        console = open_console(qtbot, server)
        console.setGeometry(place(console, (1440, 900), available=available("1366x768")))
        settle()
        host, port = server.address
        # the control room sends the pod's requests before its third decision, then waits at
        # control_update for two of the facilitator's interventions (the live change, then the
        # answer), so both come while the story is held there and the change is in time
        control = plan["control"][:2] + [ETA] + asks + plan["control"][2:]
        threads = [StationThread(HeadlessStation(SEATED, tmp_path / "control.sqlite3", host=host, port=port,
                                                 code=server.code, syndicate="Alpha", members=["Control lead"],
                                                 station_id="alpha-control", steps=control, seat="control",
                                                 backoff=(0.05, 0.1), hold_at=["control_update"] * 2))]
        threads += [StationThread(HeadlessSeatStation(SEATED, host=host, port=port, code=server.code,
                                                      syndicate="Alpha", seat=seat, members=[f"{seat} lead"],
                                                      station_id=f"alpha-{seat}", steps=plan[seat],
                                                      backoff=(0.05, 0.1)))
                    for seat in SEATS[1:]]
        for thread in threads:
            thread.start()
        qtbot.waitUntil(lambda: console.model.view("Alpha") is not None
                        and len(console.model.view("Alpha").requests) == 3, timeout=WAIT_MS)
        console.table.selectRow(0)
        qtbot.waitUntil(lambda: console.requests_list.count() == 3, timeout=WAIT_MS)
        # the ambulance request waits for the facilitator (nothing comes by itself)
        texts = [console.requests_list.item(i).text() for i in range(3)]
        eta_row = next(i for i, t in enumerate(texts) if "reach Brackenford" in t)
        assert "WAITING for your answer" in texts[eta_row], texts

        # the live change, through the Run condition controls: the value the session did not draw
        session_id = server.session_ids()["Alpha"]
        drawn = next(e for e in server.store.inputs(session_id) if e["type"] == "conditions")["values"]["custody"]
        other = {"four_local": "none_local", "none_local": "four_local"}[drawn]
        console.target_box.setCurrentIndex(console.target_box.findData("Alpha"))
        console.condition_box.setCurrentIndex(console.condition_box.findData("custody"))
        console.condition_value.setCurrentIndex(console.condition_value.findData(other))
        assert console.condition_value.currentData() == other
        click(qtbot, console.condition_button)
        qtbot.waitUntil(lambda: [(i.action, i.status) for i in console.model.view("Alpha").interventions
                                 if i.action == "set_condition"] == [("set_condition", "applied")],
                        timeout=WAIT_MS)

        # mid-exercise, held at control_update: the facilitator drags the divider up and scrolls
        # the detail to the pod's timeline and its requests (what the picture shows)
        assert console.model.view("Alpha").scene_id == "control_update"
        splitter = console.findChild(QSplitter)
        splitter.setSizes([120, 10000])
        area = console.findChild(QScrollArea)
        area.ensureWidgetVisible(console.requests_list)
        settle()
        shoot(console, "pod-console-mid-exercise")
        assert clipped(console) == [], clipped(console)

        # the answer, from the requests panel: the ambulance's canned reply about the crews
        console.requests_list.setCurrentRow(eta_row)
        console.answer_reply.setCurrentIndex(console.answer_reply.findData("crews"))
        assert console.answer_reply.currentData() == "crews", \
            [console.answer_reply.itemData(i) for i in range(console.answer_reply.count())]
        click(qtbot, console.answer_button)
        qtbot.waitUntil(lambda: "answered:" in console.requests_list.item(eta_row).text(), timeout=WAIT_MS)

        results = [thread.finish() for thread in threads]
        assert results[0]["ended"] == "everyone_safe", results[0]
        assert all(r["ended"] and not r.get("errors") for r in results[1:]), results
        qtbot.waitUntil(lambda: console.model.view("Alpha").ended, timeout=WAIT_MS)

        # the console: every seat's stream on the one timeline, the live change marked on it
        view = console.model.view("Alpha")
        console._show_detail(view)
        timeline = rows(console.seats_table)
        seat_titles = {scenario.seats[s].title for s in SEATS}
        assert seat_titles <= {row[1] for row in timeline}, {row[1] for row in timeline}
        assert [row[0] for row in timeline] == sorted(row[0] for row in timeline)
        changed = [row[2] for row in timeline if row[1] == "Facilitator"]
        assert len(changed) == 1 and changed[0].startswith("\u2691 run condition changed: Custody"), changed
        assert console.model.cell(view, 8).endswith("\u2691 changed live")
        answer = console.requests_list.item(eta_row).text()
        assert "answered: Ambulance control: the Castlebridge crew" in answer, answer
        decided = rows(console.decisions)
        area.ensureWidgetVisible(console.seats_table)
        settle()
        shoot(console, "pod-console-timeline")
        assert clipped(console) == [], clipped(console)
        assert len(decided) == len([s for s in load_plan(BEST)[0] if s.kind == "choose"])

        # the plenary, opened from the console: Team and seats, then the divergence page
        click(qtbot, console.plenary_button)
        plenary = console.plenary_window
        assert plenary is not None
        qtbot.addWidget(plenary)
        qtbot.waitExposed(plenary)
        plenary.setGeometry(place(plenary, (1440, 900), available=available("1366x768")))
        settle()
        tab = next(i for i in range(plenary.tabs.count()) if plenary.tabs.tabText(i) == "&Team and seats")
        plenary.tabs.setCurrentIndex(tab)
        team = plenary.team_and_seats
        actions = rows(team.team_table)
        assert len(actions) == 7 and all(row[1] == "\u2714 Met" for row in actions), actions
        assert team.team_table.horizontalHeaderItem(1).text() == "Alpha"
        marked = rows(plenary.results)[0][5]        # the live change in the scenario's words, not its ids
        assert "Custody spaces changed from" in marked and "run condition custody" not in marked, marked
        assert "\u201cWhere the crews and HART are\u201d" in marked and ": crews" not in marked, marked
        shoot(plenary, "pod-plenary-team-actions")
        assert clipped(plenary) == [], clipped(plenary)
        team.pages.setCurrentIndex(1)
        assert team.pages.tabText(1) == "Where the seats' pi&ctures diverged"
        assert team.syndicate_box.currentText() == "Alpha (0 decisions without what it needed)"
        pictures = rows(team.pictures_table)
        assert len(pictures) == len(decided)
        assert {row[1] for row in pictures} == seat_titles
        custody = next(r for r, row in enumerate(pictures) if row[2] == "Custody, care and resources")
        assert pictures[custody][1] == "Force incident manager"
        team.pictures_table.setCurrentCell(custody, 0)
        words = team.picture_detail.toPlainText()
        assert "Force incident manager: Custody, care and resources" in words
        assert "This seat knew:" in words and "twelve out of the trailer" in words, words
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", words), words      # plain words: no ids
        # every row as tall as its words at the columns' widths, not the table's height (it was:
        # rows measured before the window was laid out)
        table = team.pictures_table
        settle()
        tallest = table.fontMetrics().lineSpacing() * 4 + 10
        assert max(table.rowHeight(r) for r in range(table.rowCount())) <= tallest, \
            [table.rowHeight(r) for r in range(table.rowCount())]
        shoot(plenary, "pod-plenary-divergence")
        assert clipped(plenary) == [], clipped(plenary)
        # the whole incident on one timeline: every seat's scenes, messages, requests and decisions
        team.pages.setCurrentIndex(2)
        assert team.pages.tabText(2) == "The &whole incident"
        settle()
        incident = rows(team.timeline_table)
        assert {row[1] for row in incident} == seat_titles
        assert sum(row[2].startswith("\u2714 Decided:") for row in incident) == len(decided)
        assert any(row[2].startswith("\u2709 Message:") for row in incident)
        assert any(row[2].startswith("? Asked:") for row in incident)
        assert not any("{" in row[2] for row in incident)
        shoot(plenary, "pod-plenary-whole-incident")
        assert clipped(plenary) == [], clipped(plenary)
        plenary.close()
        console.close()


def test_the_live_change_controls_come_in_reading_order_by_keyboard(qtbot, tmp_path):
    """Tab goes down the action card as it reads (the live-change rows were reached only after
    Plenary debrief), and Alt+N goes to the run condition."""
    with running_server(tmp_path, SEATED) as server:
        console = open_console(qtbot, server)
        console.activateWindow()
        qtbot.waitUntil(console.isActiveWindow, timeout=5000)
        console.prepared_button.setFocus()
        qtbot.waitUntil(lambda: console.focusWidget() is console.prepared_button, timeout=5000)
        reached = []
        for _ in range(7):
            qtbot.keyClick(console.focusWidget(), Qt.Key.Key_Tab)
            reached.append(console.focusWidget())
        assert reached == [console.condition_box, console.condition_value, console.condition_button,
                           console.seat_box, console.stand_in_button, console.hand_back_button,
                           console.pause_button], [w.accessibleName() or w.text() for w in reached]
        qtbot.keyClick(console.focusWidget(), Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
        assert console.focusWidget() is console.condition_box
        # a value shortened in the box is whole in its tooltip
        full = console.condition_value.itemData(console.condition_value.findData("none_local"),
                                                Qt.ItemDataRole.ToolTipRole)
        assert full.startswith("Castlebridge custody was full") and full.endswith("40 minutes away")
        console.close()

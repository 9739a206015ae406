"""Team actions and the seats' pictures on screen (issue 17, deliverables 4 and 5): the debrief's
Team tab, the plenary's Team and seats tab, and the review's Team and seat pictures tab, for the
seated flagship played by two pods (the best plan and the careless one). Screenshots go to
build/screenshots."""

from __future__ import annotations

import pytest
from helpers import REPO, shoot
from PySide6.QtCore import QObject, Signal

from hydra_sim.engine import load_scenario
from hydra_sim.engine.plan import load_plan, load_test_plan, run_test_plan
from hydra_sim.engine.scoring import score_runner
from hydra_sim.exercise.plenary import plenary
from hydra_sim.records.recording import record_plan
from hydra_sim.records.store import SessionStore, TraineeInfo

SEATED = REPO / "scenarios" / "brackenford-seated.yaml"


class NoBestPaths(QObject):
    """The debrief's best-path service, answering nothing (this test looks at the Team tab)."""
    ready = Signal(str, object)

    def key(self, scenario, conditions=None):
        return "none"

    def result(self, scenario, conditions=None):
        return None

    def prepare(self, scenario, conditions=None):
        pass


@pytest.fixture(scope="module")
def seated():
    return load_scenario(SEATED).scenario


@pytest.fixture
def pods(tmp_path, seated):
    """Two pods' sessions recorded as stations record them; the store's path and the ids."""
    path = tmp_path / "records" / "sessions.sqlite3"
    ids = {}
    with SessionStore(path) as store:
        for name, plan in (("Alpha", "best"), ("Bravo", "careless")):
            steps, _problems = load_plan(REPO / "scenarios" / f"brackenford-seated.{plan}.plan.yaml")
            recorded = record_plan(store, seated, steps, TraineeInfo(name, "", "", ""), seed=3)
            assert recorded.runner.ended
            ids[name] = recorded.session_id
    return path, ids


def test_the_debrief_of_a_seated_session_has_a_team_tab(qtbot, seated):
    from hydra_sim.gui.debrief_screen import DebriefScreen
    _themed()
    plan, _ = load_test_plan(REPO / "scenarios" / "brackenford-seated.scene-no-count.plan.yaml")
    runner = run_test_plan(plan, seated).runner
    screen = DebriefScreen(open_exports=False, best_paths=NoBestPaths())
    qtbot.addWidget(screen)
    screen.resize(1280, 740)
    screen.show_report(seated, score_runner(runner), runner)
    screen.show()
    qtbot.waitExposed(screen)
    assert screen.tabs.isTabVisible(screen.team_tab)
    screen.tabs.setCurrentIndex(screen.team_tab)
    text = screen.team_view.toPlainText()
    assert "Team: 6 of 7 team actions met" in text
    assert "Missed: The incident manager knew the headcount" in text
    assert text.count("Why it matters (JESIP:") == len(seated.team_actions)     # every line says why
    assert "joint understanding of risk" in text and "count_before_custody" not in text
    shoot(screen, "debrief-team")


def test_the_debrief_of_a_scenario_without_seats_has_no_team_tab(qtbot):
    from hydra_sim.engine.runner import ScenarioRunner
    from hydra_sim.gui.debrief_screen import DebriefScreen
    mini = load_scenario(REPO / "tests" / "fixtures" / "mini" / "mini.yaml").scenario
    runner = ScenarioRunner(mini)
    runner.start()
    screen = DebriefScreen(open_exports=False, best_paths=NoBestPaths())
    qtbot.addWidget(screen)
    screen.show_report(mini, score_runner(runner), runner)
    assert not screen.tabs.isTabVisible(screen.team_tab)
    assert screen.team_view.toPlainText() == ""


def _themed():
    from PySide6.QtWidgets import QApplication

    from hydra_sim.gui.theme import apply as apply_theme
    apply_theme(QApplication.instance(), 11.0, 1.0, False)


def test_the_plenary_shows_team_actions_and_where_the_pictures_diverged(qtbot, pods):
    from hydra_sim.gui.exercise.plenary import PlenaryWindow
    _themed()
    path, ids = pods
    with SessionStore(path) as store:
        data = plenary(store, ids)
    win = PlenaryWindow(data)
    qtbot.addWidget(win)
    win.resize(1366, 736)
    win.show()
    qtbot.waitExposed(win)
    assert win.team_and_seats is not None
    win.tabs.setCurrentWidget(win.team_and_seats)
    view = win.team_and_seats
    table = view.team_table
    assert table.rowCount() == 7 and table.columnCount() == 3
    statuses = {table.item(r, 1).text() for r in range(table.rowCount())}
    assert statuses == {"\u2714 Met"}                   # Alpha: the best plan
    assert {table.item(r, 2).text() for r in range(table.rowCount())} == {"\u2716 Missed"}
    assert "JESIP" in table.item(0, 0).toolTip()
    shoot(win, "exercise-plenary-team-actions")
    view.pages.setCurrentIndex(1)
    view.syndicate_box.setCurrentIndex(view.syndicate_box.findData("Bravo"))
    assert view.pictures_table.rowCount() == len(data.pictures["Bravo"])
    custody = next(r for r in range(view.pictures_table.rowCount())
                   if view.pictures_table.item(r, 2).text() == "Custody, care and resources")
    assert view.pictures_table.item(custody, 4).text().startswith("\u26a0")
    view.pictures_table.setCurrentCell(custody, 0)
    detail = view.picture_detail.toPlainText()
    assert "Needed here but not arrived" in detail and "twelve out of the trailer" in detail
    assert "Force incident manager" in detail
    shoot(win, "exercise-plenary-team")


def test_the_review_shows_a_seated_session_team_and_pictures(qtbot, pods):
    from hydra_sim.gui.review.window import open_review_window
    _themed()
    path, ids = pods
    with SessionStore(path) as store:
        win = open_review_window(store, verify_in_background=False)
        qtbot.addWidget(win)
        win.resize(1366, 736)
        win.show()
        qtbot.waitExposed(win)
        win.select_sessions([ids["Bravo"]])
        assert "Team: 0 of 7 team actions met" in win.detail_header.text()
        win.tabs.setCurrentWidget(win.team_page)
        text = win.team_page.toPlainText()
        assert "Missed: The incident manager knew the headcount" in text
        assert "Where the seats' pictures diverged" in text and "Needed here but not arrived" in text
        shoot(win, "review-team")
        win.select_sessions([ids["Alpha"]])            # following the selection while the tab is shown
        assert "Met: The incident manager knew the headcount" in win.team_page.toPlainText()
        win.tabs.setCurrentIndex(0)
        win.close()


def test_the_cohort_dashboard_counts_team_actions_as_team_rows(qtbot, pods):
    from hydra_sim.gui.review.cohort_stats import cohort_summary, compact_report
    from hydra_sim.gui.review.dashboard import CohortDashboard
    _themed()
    path, ids = pods
    with SessionStore(path) as store:
        reports = [store.report(sid) for sid in ids.values()]
    compacts, titles = [], {}
    for sid, report in zip(ids.values(), reports):
        compact, found = compact_report(sid, report)
        compacts.append(compact)
        titles.update(found)
    summary = cohort_summary(compacts, titles)
    team_rows = [m for m in summary.miss_rates if m.title.startswith("Team: ")]
    assert len(team_rows) == 7 and all(not m.critical for m in team_rows)
    count = next(m for m in team_rows if "headcount" in m.title)
    assert (count.missed, count.assessed) == (1, 2)          # Bravo missed it, Alpha met it
    dashboard = CohortDashboard()
    qtbot.addWidget(dashboard)
    dashboard.resize(1366, 700)
    dashboard.show_summary(summary, "two pods", scope="of this exercise")
    dashboard.show()
    qtbot.waitExposed(dashboard)
    rows = [dashboard.miss_table.item(r, 0).text() for r in range(dashboard.miss_table.rowCount())]
    assert any(text.startswith("Team: The incident manager knew the headcount") for text in rows)
    shoot(dashboard, "review-dashboard-team")

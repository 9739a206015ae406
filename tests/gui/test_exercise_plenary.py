"""The plenary debrief window: choices side by side (readable row headers), results, the cohort picture, exports."""

from __future__ import annotations

import threading

import pytest
from helpers import FLAGSHIP, shoot
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics

from hydra_sim.exercise.headless import HeadlessStation
from hydra_sim.exercise.server import ExerciseServer
from hydra_sim.gui.exercise.plenary import PlenaryWindow, WrappingHeader

BEST = FLAGSHIP.with_name("brackenford-services.best.plan.yaml")
CARELESS = FLAGSHIP.with_name("brackenford-services.careless.plan.yaml")


@pytest.fixture
def exercise(tmp_path):
    """Two syndicates played to the end, one of them given an inject by the facilitator."""
    server = ExerciseServer(FLAGSHIP, tmp_path / "facilitator.sqlite3", host="127.0.0.1", port=0)
    server.start()
    host, port = server.address
    results = {}

    def play(name, plan, members, **kw):
        station = HeadlessStation(FLAGSHIP, tmp_path / f"{name}.sqlite3", host=host, port=port, code=server.code,
                                  syndicate=name, members=members, plan_path=plan, station_id=f"{name}-1",
                                  backoff=(0.05, 0.1), **kw)
        results[name] = station.run(timeout=60)

    alpha = threading.Thread(target=play, args=("Alpha", BEST, ["PC Hale", "Sgt Brennan"]),
                             kwargs={"hold_at": ["runners"]}, daemon=True)
    bravo = threading.Thread(target=play, args=("Bravo", CARELESS, ["DC Osei"]), daemon=True)
    alpha.start()
    bravo.start()
    done = threading.Event()
    server.subscribe(lambda e: done.set() if getattr(getattr(e, "view", None), "scene_id", None) == "runners" else None)
    assert done.wait(20), "Alpha never reached the runners scene"
    server.inject("Alpha", text="A journalist is at the cordon.")
    alpha.join(60)
    bravo.join(60)
    assert results["Alpha"]["synced"] and results["Bravo"]["synced"]
    yield server
    server.stop()


def test_plenary_shows_syndicates_side_by_side_and_exports(qtbot, exercise, tmp_path):
    from PySide6.QtWidgets import QApplication

    from hydra_sim.gui.theme import apply as apply_theme
    apply_theme(QApplication.instance(), 11.0, 1.0, False)
    win = PlenaryWindow.from_store_path(exercise.store_path, exercise.session_ids())
    qtbot.addWidget(win)
    win.resize(1440, 900)
    win.show()
    qtbot.waitExposed(win)
    grid = win.grid
    assert [grid.horizontalHeaderItem(c).text() for c in range(grid.columnCount())] == ["Alpha", "Bravo"]
    assert grid.rowCount() == len(win.data.points) and grid.rowCount() > 5
    first = [grid.item(0, c).text() for c in range(2)]
    assert "by PC Hale" in first[0] and "by DC Osei" in first[1]
    point = win.data.points[0]
    assert point.entries["Alpha"].selection_text in first[0]
    # a scene only one syndicate reached says so for the other
    assert any("did not reach" in grid.item(r, c).text() for r in range(grid.rowCount()) for c in range(2))
    grid.setCurrentCell(0, 1)
    assert "Bravo" in win.detail.toPlainText() and "Entered by: DC Osei" in win.detail.toPlainText()

    results = {win.results.item(r, 0).text(): [win.results.item(r, c).text() for c in range(6)]
               for r in range(win.results.rowCount())}
    assert results["Alpha"][1].endswith("%") and "facilitated" in results["Alpha"][5]
    assert "inject" in results["Alpha"][5] and "journalist" in results["Alpha"][5]
    assert results["Bravo"][3] == "harm"
    assert "2 of 2 sessions finished" in win.cohort_label.text()

    # the decision points are row headers read in full: wrapped, never elided, the row tall enough
    header = grid.verticalHeader()
    assert isinstance(header, WrappingHeader)
    longest = max(range(grid.rowCount()), key=lambda r: len(win.data.points[r].scene_title))
    title = win.data.points[longest].scene_title
    assert header.model().headerData(longest, Qt.Orientation.Vertical) == title
    metrics = QFontMetrics(header.font())
    assert metrics.horizontalAdvance(title) > header.width(), "pick a title that would not fit on one line"
    wrapped = metrics.boundingRect(QRect(0, 0, header.width() - 2 * header.PAD_X, 10000),
                                   int(Qt.TextFlag.TextWordWrap), title)
    assert wrapped.height() >= 2 * metrics.lineSpacing()            # it wraps onto two lines or more
    assert grid.rowHeight(longest) >= wrapped.height() + 2 * header.PAD_Y
    assert title in grid.verticalHeaderItem(longest).toolTip()
    # keyboard: the arrow keys move through the grid, and the detail follows
    grid.setFocus()
    grid.setCurrentCell(0, 0)
    qtbot.keyClick(grid, Qt.Key.Key_Down)
    assert grid.currentRow() == 1
    assert win.data.points[1].scene_title in win.detail.toPlainText()
    grid.setCurrentCell(0, 0)
    shoot(win, "exercise-plenary")

    # the cohort picture of the records issue, for exactly these two sessions
    assert win.tabs.tabText(win.tabs.indexOf(win.dashboard)).replace("&", "") == "Cohort picture"
    summary = win.dashboard.summary
    assert summary is win.cohort_summary and summary.sessions == 2 and summary.scored == 2
    assert "2 sessions of this exercise" in win.dashboard.heading.text()
    assert "Alpha, Bravo" in win.dashboard.heading.text()
    assert sum(summary.histogram) == 2
    # the same numbers as the records' cohort statistics
    records_rates = {a["action_id"]: a["miss_rate"] for a in win.data.cohort.actions}
    assert {m.action_id: m.rate for m in summary.miss_rates} == records_rates
    assert any(m.rate > 0 for m in summary.miss_rates)      # the careless syndicate missed something
    table = win.dashboard.miss_table
    assert table.rowCount() == len(summary.miss_rates) > 0
    assert table.item(0, 0).text() == summary.miss_rates[0].title
    assert win.dashboard.times_table.rowCount() == len(summary.critical_times) > 0
    assert win.dashboard.miss_view.chart() is not None and win.dashboard.histogram_view.chart() is not None
    win.tabs.setCurrentWidget(win.dashboard)
    assert win.dashboard.isVisible()
    shoot(win, "exercise-plenary-cohort")
    win.tabs.setCurrentIndex(0)
    (tmp_path / "csv").mkdir()
    win.dashboard.save_csv(table, tmp_path / "csv" / "miss.csv")
    assert summary.miss_rates[0].title in (tmp_path / "csv" / "miss.csv").read_text(encoding="utf-8")

    html = win.export_html(tmp_path / "out" / "plenary.html") if (tmp_path / "out").mkdir() is None else None
    text = html.read_text(encoding="utf-8")
    assert "Alpha" in text and "Bravo" in text and "PC Hale" in text and "journalist" in text
    assert "Score band" in text and "Median time to it" in text       # the cohort picture, as tables
    assert summary.critical_times[0].title in text
    pdf = win.export_pdf(tmp_path / "out" / "plenary.pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")
    from PySide6.QtPdf import QPdfDocument
    document = QPdfDocument()
    assert document.load(str(pdf)) == QPdfDocument.Error.None_
    words = "".join(document.getAllText(page).text() for page in range(document.pageCount()))
    document.close()
    assert "Alpha" in words and "Bravo" in words

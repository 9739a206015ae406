"""The plenary debrief window: every syndicate's choices side by side, results, cohort, HTML and PDF export."""

from __future__ import annotations

import threading

import pytest
from helpers import FLAGSHIP, shoot

from hydra_sim.exercise.headless import HeadlessStation
from hydra_sim.exercise.server import ExerciseServer
from hydra_sim.gui.exercise.plenary import PlenaryWindow

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
    shoot(win, "exercise-plenary")

    html = win.export_html(tmp_path / "out" / "plenary.html") if (tmp_path / "out").mkdir() is None else None
    text = html.read_text(encoding="utf-8")
    assert "Alpha" in text and "Bravo" in text and "PC Hale" in text and "journalist" in text
    pdf = win.export_pdf(tmp_path / "out" / "plenary.pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")
    from PySide6.QtPdf import QPdfDocument
    document = QPdfDocument()
    assert document.load(str(pdf)) == QPdfDocument.Error.None_
    words = "".join(document.getAllText(page).text() for page in range(document.pageCount()))
    document.close()
    assert "Alpha" in words and "Bravo" in words

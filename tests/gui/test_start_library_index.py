"""The start screen and the library index (engine/library_index.py): once the library has been
scanned, the next start screen lists it at once from the index, before any scan; a scenario
that changed is listed as it is now; a scenario chosen from the index's list is loaded then,
and one that broke meanwhile shows its problems instead of a briefing."""

from __future__ import annotations

import shutil

from helpers import REPO, click

from hydra_sim import paths

FIXTURES = REPO / "tests" / "fixtures"


def _settled(qtbot, window) -> None:
    """No library scan running or waiting: the list shows the last scan's answer."""
    qtbot.waitUntil(lambda: not window._library_scans and not window.library_loading, timeout=30_000)


def _user_mini(title: str = "Mini scenario") -> None:
    """The mini scenario in the user's folder (with its catalogue and media), under ``title``."""
    user = paths.user_scenarios_dir()
    user.mkdir(parents=True, exist_ok=True)
    if not (user.parent / "assets").exists():
        shutil.copytree(FIXTURES / "assets", user.parent / "assets")
    shutil.copy(FIXTURES / "mini" / "mini-catalogue.catalogue.yaml", user)
    text = (FIXTURES / "mini" / "mini.yaml").read_text(encoding="utf-8")
    (user / "mini.yaml").write_text(text.replace('title: "Mini scenario"', f'title: "{title}"'), encoding="utf-8")


def _rescan(qtbot, window) -> None:
    with qtbot.waitSignal(window.library_loaded, timeout=30_000):
        window.load_library_in_background()


def _shown(start) -> list:
    return [(e.path, e.ok, e.title, e.card) for e in start.entries]


def test_the_next_start_screen_lists_the_library_from_the_index_before_any_scan(qtbot, window):
    _settled(qtbot, window)
    assert paths.library_index_file().is_file()           # the first scan wrote it
    start = window.start_screen
    scanned = _shown(start)
    assert scanned and not any(e.indexed for e in start.entries)
    window.show_start()
    # at once, before the event loop has run: no "Loading scenarios...", the index's entries
    assert not start.library_loading and all(e.indexed for e in start.entries)
    assert _shown(start) == scanned
    assert start.library_list.count() == len(scanned) and start.start_button.isEnabled()
    assert start.library_list.item(0).text().startswith(scanned[0][2])
    with qtbot.waitSignal(window.library_loaded, timeout=30_000):
        pass                                               # the confirming scan, after the first paint
    assert not any(e.indexed for e in start.entries) and _shown(start) == scanned


def test_the_list_follows_a_scenario_that_changed(qtbot, window):
    _settled(qtbot, window)
    _user_mini("Mini scenario")
    _rescan(qtbot, window)
    start = window.start_screen
    assert any(e.title == "Mini scenario" and e.ok for e in start.entries)
    _user_mini("Mini scenario, edited")
    window.show_start()
    assert start.library_loading                       # the index no longer matches: the scan decides
    _settled(qtbot, window)
    titles = [e.title for e in start.entries]
    assert "Mini scenario, edited" in titles and "Mini scenario" not in titles
    window.show_start()                                # and the index now holds the new title
    assert not start.library_loading and all(e.indexed for e in start.entries)
    assert [e.title for e in start.entries] == titles
    assert any("Mini scenario, edited" in start.library_list.item(i).text() for i in range(start.library_list.count()))


def test_a_malformed_scenario_shows_its_error_from_the_index(qtbot, window):
    _settled(qtbot, window)
    user = paths.user_scenarios_dir()
    (user / "broken.yaml").write_text("id: broken\ntitle: [unclosed\n", encoding="utf-8")
    _rescan(qtbot, window)
    window.show_start()
    start = window.start_screen
    assert not start.library_loading
    row = next(i for i, e in enumerate(start.entries) if e.path.name == "broken.yaml")
    assert start.entries[row].indexed and not start.entries[row].ok
    assert "broken.yaml: cannot be used" in start.library_list.item(row).text()
    start.library_list.setCurrentRow(row)
    assert "cannot be used" in start.details.toPlainText() and not start.start_button.isEnabled()


def _mini_listed_from_index(qtbot, window) -> int:
    """The user's mini scenario scanned once, then the start screen again: its row, from the index."""
    _settled(qtbot, window)
    _user_mini()
    _rescan(qtbot, window)
    window.show_start()
    start = window.start_screen
    row = next(i for i, e in enumerate(start.entries) if e.title == "Mini scenario")
    assert start.entries[row].ok and start.entries[row].indexed and start.entries[row].scenario is None
    return row


def test_a_scenario_chosen_from_the_index_list_is_loaded_then(qtbot, window):
    row = _mini_listed_from_index(qtbot, window)
    start = window.start_screen
    start.library_list.setCurrentRow(row)
    start.trainee_id.setText("t-index")
    click(qtbot, start.start_button)
    assert window.stack.currentWidget() is window.briefing_screen
    assert window.chosen_scenario.title == "Mini scenario"
    assert window.chosen_scenario.path == start.entries[row].path


def test_a_scenario_broken_after_it_was_listed_shows_its_problems_not_a_briefing(qtbot, window):
    row = _mini_listed_from_index(qtbot, window)
    start = window.start_screen
    (paths.user_scenarios_dir() / "mini.yaml").write_text("id: mini\ntitle: [unclosed\n", encoding="utf-8")
    start.library_list.setCurrentRow(row)
    start.trainee_id.setText("t-index")
    click(qtbot, start.start_button)
    assert window.stack.currentWidget() is start
    assert "mini.yaml has changed" in start.error.text()
    broken = next(e for e in start.entries if e.path.name == "mini.yaml")
    assert not broken.ok and not broken.indexed and broken.errors


_MODULES_AT_FIRST_PAINT = """
import os, sys, runpy
from hydra_sim.gui import startup_probe
report = startup_probe._FirstFilledPaint._report
def listed(self):
    entries = self.start_screen.entries
    heavy = ("yaml", "transitions", "hydra_sim.engine.loader", "hydra_sim.engine.runner", "hydra_sim.engine.explorer",
             "hydra_sim.records.exports", "websockets", "cryptography", "hydra_sim.gui.exercise")
    print("indexed" if entries and all(e.indexed for e in entries) else "scanned",
          *[name for name in heavy if name in sys.modules], file=sys.stderr)
    report(self)
startup_probe._FirstFilledPaint._report = listed
sys.argv = ["hydra-sim", "--home", sys.argv[1]]
runpy.run_module("hydra_sim", run_name="__main__")
"""


def test_through_the_real_entry_the_index_fills_the_list_before_the_engine_is_imported(tmp_path):
    import os
    import subprocess
    import sys
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HYDRA_SIM_STARTUP_PROBE="1")
    runs = []
    for _ in range(2):             # the first start has no index yet: its scan writes one
        done = subprocess.run([sys.executable, "-c", _MODULES_AT_FIRST_PAINT, str(tmp_path / "home")], env=env,
                              cwd=REPO, capture_output=True, text=True, timeout=120, check=True)
        runs.append(next(line for line in done.stderr.splitlines() if line.startswith(("indexed", "scanned"))))
    assert runs[0].startswith("scanned") and "hydra_sim.engine.loader" in runs[0]
    assert runs[1] == "indexed"         # and none of the heavy modules had been imported yet

"""A hostile user scenario folder never empties the app's library (issue 18, item 4): with a
FIFO named ``.yaml``, a link to ``/dev/zero``, a scenario whose media name is too long for the
file system and one whose loading raises, the real start screen still lists every bundled
scenario, ready to start, and lists each bad file with what is wrong. The background scan
(the one the app runs at start-up) is used.
"""

from __future__ import annotations

import os
import shutil

import pytest
from hostile_files import FifoWatch, long_name

from hydra_sim import paths
from hydra_sim.engine import library


@pytest.fixture
def window(qtbot, tmp_path):
    from hydra_sim.app import build_main_window
    paths.set_home(tmp_path / "home")
    win = build_main_window(show_error_windows=False, real_time=False, system_points=11)
    qtbot.addWidget(win)
    yield win
    win.controller.timer.stop()
    paths.set_home(None)


def test_bad_user_files_never_hide_the_bundled_scenarios(qtbot, window, tmp_path, monkeypatch):
    user = paths.user_scenarios_dir()
    user.mkdir(parents=True, exist_ok=True)
    watch = FifoWatch(user / "a-pipe.yaml")
    if os.path.exists("/dev/zero"):
        os.symlink("/dev/zero", user / "b-zero.yaml")
    mini = paths.bundled_root() / "tests" / "fixtures"
    shutil.copytree(mini / "assets", user.parent / "assets")
    text = (mini / "mini" / "mini.yaml").read_text(encoding="utf-8")
    (user / "c-long-media.yaml").write_text(text.replace("file: mini/note.png", f"file: mini/{long_name('.png')}"),
                                            encoding="utf-8")
    (user / "d-crash.yaml").write_text(text, encoding="utf-8")
    real_load = library.load_scenario

    def load_or_crash(path):
        if path.name == "d-crash.yaml":        # whatever the loader may still raise one day
            raise RuntimeError("a fault")
        return real_load(path)

    monkeypatch.setattr(library, "load_scenario", load_or_crash)
    with qtbot.waitSignal(window.library_loaded, timeout=60_000):
        window.load_library_in_background()
    assert not watch.close()
    start = window.start_screen
    bundled = {e.path.name for e in start.entries if e.bundled and e.ok}
    assert bundled == {p.name for p in paths.bundled_scenarios_dir().glob("*.yaml") if library.is_scenario_file(p)}
    mine = {e.path.name: e for e in start.entries if not e.bundled}
    assert {"a-pipe.yaml", "c-long-media.yaml", "d-crash.yaml"} <= set(mine)
    assert all(not e.ok for e in mine.values())
    assert start.library_list.count() == len(start.entries)

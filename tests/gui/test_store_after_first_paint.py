"""The real entry (app.run_app) paints the start screen first and opens the session store just
after: the remembered trainee's unfinished sessions then appear, and anything that needs the
store before then (starting, resuming, trainer review) opens it at once instead of failing."""

from __future__ import annotations

import sys

from helpers import MINI

from hydra_sim.gui.persistence import TraineeInfo, open_store


def _personal_pc_with_an_unfinished_session(home):
    """A trainee remembered on a personal PC, with one session of the mini scenario left unfinished."""
    from hydra_sim.app import settings_for_home
    from hydra_sim.engine import load_scenario
    settings = settings_for_home()
    settings.setValue("privacy/shared_pc", False)
    for key, value in (("id", "t-later"), ("name", "Later Paint"), ("force", "Westmarch"), ("role", "first_responder")):
        settings.setValue(f"trainee/{key}", value)
    settings.sync()
    store = open_store()
    scenario = load_scenario(MINI).raise_for_errors()
    session_id = store.start_session(TraineeInfo("t-later", "Later Paint", "Westmarch", "first_responder"), scenario)
    store.close()
    return session_id


def _real_entry_window(qtbot, fake_time, opener):
    from hydra_sim.app import build_main_window
    win = build_main_window(show_error_windows=False, real_time=False, now=fake_time, system_points=11,
                            keys_after_paint=True, with_store=False)
    qtbot.addWidget(win)
    win.open_store_after_first_paint(opener)
    return win


def test_the_store_opens_after_the_first_paint_and_then_lists_the_sessions(qtbot, home, fake_time):
    session_id = _personal_pc_with_an_unfinished_session(home)
    opened = []
    win = _real_entry_window(qtbot, fake_time, lambda: opened.append(1) or open_store())
    start = win.start_screen
    assert win.store is None and not opened               # nothing read before the window is on screen
    assert start.trainee_id.text() == "t-later" and start.sessions == []
    win.resize(1440, 900)
    win.show()
    qtbot.waitUntil(lambda: win.store is not None, timeout=10_000)
    assert opened == [1] and win.controller.store is win.store
    assert [s.session_id for s in start.sessions] == [session_id]
    assert start.resume_button.isEnabled()
    win.controller.timer.stop()


def test_starting_before_the_store_has_opened_opens_it_first_and_records(qtbot, home, fake_time):
    opened = []
    win = _real_entry_window(qtbot, fake_time, lambda: opened.append(1) or open_store())   # never shown
    assert win.open_scenario_file(MINI)
    win.start_session()
    assert opened == [1] and win.controller.running
    assert win.store.session(win.controller.session_id).scenario_id == win.chosen_scenario.id
    win.store_ready()
    assert opened == [1]                                    # opened once only
    win.controller.timer.stop()


def test_quitting_at_a_store_problem_starts_nothing_and_exits_with_1(qtbot, home, fake_time, monkeypatch):
    from PySide6.QtWidgets import QApplication
    exits = []
    monkeypatch.setattr(QApplication.instance(), "exit", lambda code=0: exits.append(code))
    win = _real_entry_window(qtbot, fake_time, lambda: None)        # the user chose Quit
    assert win.open_scenario_file(MINI)
    win.start_session()
    assert exits == [1] and not win.controller.running and win.store is None
    assert not win.isVisible()


def test_the_start_screen_is_drawn_without_the_store_code_loaded():
    """What the window needs before its first paint does not load the store (SQLite, the schema),
    nor the log file's rotating handler (``logging.handlers``: the file opens after the paint)."""
    import subprocess
    import textwrap

    from helpers import REPO
    code = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(REPO)!r})
        import hydra_sim.cli, hydra_sim.app, hydra_sim.gui.main_window
        print(sorted(m for m in ("hydra_sim.records.store", "sqlite3", "logging.handlers") if m in sys.modules))
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"

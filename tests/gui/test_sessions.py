"""Sessions survive: quitting mid-scenario, a crash (SIGKILL), a scenario edited since; and the library."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap

from helpers import FLAGSHIP, MINI, REPO, click, shoot

from hydra_sim.gui import dialogs

CHILD = textwrap.dedent("""
    import os, sys, time
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    sys.path.insert(0, {repo!r})
    from hydra_sim import paths
    paths.set_home({home!r})
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from hydra_sim.app import build_main_window
    from hydra_sim.gui.persistence import TraineeInfo
    win = build_main_window(show_error_windows=False, real_time=False, system_points=11)
    win.settings.setValue("privacy/shared_pc", False)     # a personal PC: the trainee is remembered
    win.remember_trainee(TraineeInfo("t-crash", "Crash Test", "Westmarch", "first_responder"))
    assert win.open_scenario_file({mini!r})
    win.start_session()
    panel = win.incident_screen.panel
    panel.option_button("ambulance").click()
    panel.submit()
    panel = win.incident_screen.panel
    panel.option_button("doors").click()
    panel.option_button("bwv").click()
    panel.submit()
    win.controller.tick(6)      # reading time; the clock checkpoint is written after 5 s
    assert win.controller.flush()      # the writer thread has the decisions on disk ...
    app.processEvents()                # ... and the screen now says so
    assert "recorded" in win.incident_screen.record_status.text()
    runner = win.controller.runner
    print("READY", runner.scene_id, runner.clock.seconds, flush=True)
    while True:
        app.processEvents()
        time.sleep(0.05)
""")


def test_resume_after_a_crash(qtbot, home):
    code = CHILD.format(repo=str(REPO), home=str(home), mini=str(MINI))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=env)
    try:
        line = child.stdout.readline()
        assert line.startswith("READY"), child.stderr.read() if child.poll() is not None else line
        _, scene_id, clock = line.split()
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
        child.stderr.close()
    assert scene_id == "priorities"

    from hydra_sim.app import build_main_window
    win = build_main_window(show_error_windows=False, real_time=False, system_points=11)
    qtbot.addWidget(win)
    win.resize(1440, 900)
    win.show()
    start = win.start_screen
    assert start.trainee_id.text() == "t-crash"        # remembered in <home>/settings.ini
    assert len(start.sessions) == 1
    assert start.resume_button.isEnabled()            # resuming does not wait for the library scan
    qtbot.waitUntil(lambda: not start.library_loading, timeout=10000)
    shoot(win, "start-resume")
    click(qtbot, start.resume_button)
    assert win.stack.currentWidget() is win.incident_screen
    runner = win.controller.runner
    assert runner.scene_id == scene_id
    assert runner.clock.seconds == int(clock)
    assert [d.selection for d in runner.decisions] == ["ambulance", ["doors", "bwv"]]
    texts = win.incident_screen.log_view.texts()
    assert any("Send an ambulance" in t for t in texts)
    assert texts[-1].endswith("Scene: Priorities")
    win.controller.timer.stop()


def test_quit_mid_scenario_asks_and_keeps_the_session(qtbot, window, monkeypatch, home):
    asked = []
    monkeypatch.setattr(dialogs.ConfirmQuitDialog, "ask", classmethod(lambda cls, parent: asked.append(1) or False))
    assert window.open_scenario_file(MINI)
    click(qtbot, window.briefing_screen.start_button)
    assert not window.close()                          # "keep playing"
    assert asked and window.isVisible()
    monkeypatch.setattr(dialogs.ConfirmQuitDialog, "ask", classmethod(lambda cls, parent: True))
    assert window.close()
    window.show_start()
    window.start_screen.set_trainee(window.remembered_trainee())
    window._refresh_sessions()
    assert len(window.start_screen.sessions) == 1


def test_edited_scenario_cannot_be_replayed(qtbot, window, monkeypatch):
    asked = []
    monkeypatch.setattr(dialogs.ReplayFailedDialog, "ask",
                        classmethod(lambda cls, parent, message: asked.append(message) or False))
    assert window.open_scenario_file(FLAGSHIP)
    click(qtbot, window.briefing_screen.start_button)
    session_id = window.controller.session_id
    # the stored inputs no longer fit: as if the scenario's scene ids were renamed since
    window.store.append_input(session_id, {"type": "choose", "scene": "renamed_scene", "selection": "x",
                                           "clock": 0, "meta": {}})
    window.controller.suspend()
    window.show_start()
    click(qtbot, window.start_screen.resume_button)
    assert asked and "changed since" in asked[0]
    assert window.stack.currentWidget() is window.start_screen
    assert window.start_screen.error.isVisible()


def test_broken_scenario_is_listed_with_its_problems(qtbot, home):
    user = home / "scenarios"
    user.mkdir(parents=True)
    shutil.copy(MINI.parent / "mini-catalogue.catalogue.yaml", user)
    shutil.copytree(MINI.parent.parent / "assets", home / "assets")
    text = MINI.read_text(encoding="utf-8").replace("kind: choose_many", "kind: choose_lots")
    (user / "broken.yaml").write_text(text, encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "choose_lots" in t)

    from hydra_sim.app import build_main_window
    win = build_main_window(show_error_windows=False, real_time=False, system_points=11)
    qtbot.addWidget(win)
    win.resize(1440, 900)
    win.show()
    start = win.start_screen
    qtbot.waitUntil(lambda: not start.library_loading, timeout=10000)     # scanned off the GUI thread
    rows = [i for i, e in enumerate(start.entries) if e.path.name == "broken.yaml"]
    assert rows, "the broken scenario is listed"
    item_text = start.library_list.item(rows[0]).text()
    assert "cannot be used" in item_text
    assert f"broken.yaml:{line}" in item_text
    assert "choose_lots" in item_text
    start.library_list.setCurrentRow(rows[0])
    assert not start.start_button.isEnabled()
    assert f"broken.yaml:{line}" in start.details.toPlainText()
    shoot(win, "start-broken-scenario")
    assert any(e.ok for e in start.entries)            # the good ones are still there


def test_engine_and_records_never_import_qt():
    code = textwrap.dedent("""
        import importlib.util, sys
        sys.path.insert(0, {repo!r})
        import hydra_sim.engine, hydra_sim.engine.explorer, hydra_sim.engine.library, hydra_sim.cli
        import hydra_sim.gui.persistence
        if importlib.util.find_spec("hydra_sim.records") is not None:
            import hydra_sim.records
            print("records checked")
        bad = sorted(m for m in sys.modules if m.startswith("PySide6") or m.startswith("shiboken"))
        print("QT:", bad)
    """).format(repo=str(REPO))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "QT: []" in result.stdout, result.stdout

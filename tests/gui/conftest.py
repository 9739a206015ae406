"""Fixtures for the GUI tests: a throwaway home folder, a deterministic clock, the main window."""

from __future__ import annotations

import pytest
import shiboken6
from helpers import FakeTime

from hydra_sim import paths


@pytest.fixture
def home(tmp_path):
    paths.set_home(tmp_path / "home")
    yield tmp_path / "home"
    paths.set_home(None)


@pytest.fixture
def fake_time():
    return FakeTime()


@pytest.fixture(autouse=True)
def fixed_presentation_seed(monkeypatch):
    """Sessions still shuffle their options, but from one known seed, so GUI tests and
    screenshots do the same thing on every run (a test may set its own)."""
    from hydra_sim.engine import presentation
    monkeypatch.setattr(presentation, "new_seed", lambda: 20261202)


@pytest.fixture(autouse=True)
def no_blocking_dialogs(monkeypatch):
    """Modal questions answer 'leave and keep the session' unless a test says otherwise."""
    from hydra_sim.gui import dialogs
    monkeypatch.setattr(dialogs.ConfirmQuitDialog, "ask", classmethod(lambda cls, parent: True))

    def refuse(cls, parent, message):
        raise AssertionError(f"unexpected replay dialog: {message}")
    monkeypatch.setattr(dialogs.ReplayFailedDialog, "ask", classmethod(refuse))
    # closing a window whose store still refuses writes: leave (a test that cares says otherwise)
    monkeypatch.setattr(dialogs.UnsavedWorkDialog, "ask", classmethod(lambda cls, parent, count: True))

    def no_store_problem(cls, parent, message, can_start_fresh=True):
        raise AssertionError(f"unexpected store problem dialog: {message}")
    monkeypatch.setattr(dialogs.StoreProblemDialog, "ask", classmethod(no_store_problem))

    def no_home_problem(cls, parent, folder, message):
        raise AssertionError(f"unexpected records-folder dialog: {message}")
    monkeypatch.setattr(dialogs.HomeNotWritableDialog, "ask", classmethod(no_home_problem))


@pytest.fixture
def window(qtbot, home, fake_time):
    from hydra_sim.app import build_main_window
    win = build_main_window(show_error_windows=False, real_time=False, now=fake_time, system_points=11)
    qtbot.addWidget(win)
    win.resize(1440, 900)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.controller.timer.stop()
    win.debrief_screen.stop_worker()
    for viewer in win.incident_screen.viewers:
        if shiboken6.isValid(viewer):
            viewer.close()


# -- Author mode: a copy of the flagship to edit, and its window ---------------------------------
def _copy_flagship(folder):
    import shutil

    from helpers import FLAGSHIP
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / FLAGSHIP.name
    shutil.copyfile(FLAGSHIP, target)
    shutil.copyfile(FLAGSHIP.parent / "nrp-core.catalogue.yaml", folder / "nrp-core.catalogue.yaml")
    assets = FLAGSHIP.parent.parent / "assets"
    if assets.is_dir():
        shutil.copytree(assets, folder.parent / "assets", dirs_exist_ok=True)
    return target


@pytest.fixture
def flagship_copy(tmp_path):
    """The flagship, its catalogue and the assets copied to a temporary folder (an author's files)."""
    return _copy_flagship(tmp_path / "scenarios")


@pytest.fixture
def author(qtbot, home):
    """Opens an AuthorWindow on a file: ``author(path, size=(1440, 900))``, shown and exposed."""
    from PySide6.QtWidgets import QApplication

    from hydra_sim.gui.theme import apply
    apply(QApplication.instance(), 11, 1.0, False)
    windows = []

    def open_window(path, size=(1440, 900)):
        from hydra_sim.gui.author.window import AuthorWindow
        win = AuthorWindow(path)
        qtbot.addWidget(win)
        win.resize(*size)
        win.show()
        qtbot.waitExposed(win)
        windows.append(win)
        return win
    yield open_window
    for win in windows:
        win.debounce.stop()

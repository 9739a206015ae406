"""A store that cannot be opened at start: the app says why, and keeps running if the user
chooses to keep the old file (renamed, byte for byte) and start a new store."""

from __future__ import annotations

from types import SimpleNamespace

from hydra_sim import app
from hydra_sim.gui import dialogs
from hydra_sim.records.store import default_store_path


def _damaged_store(home):
    path = default_store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4080)       # a header, then garbage
    return path, path.read_bytes()


def test_keep_the_old_file_and_start_a_new_store(qtbot, home, monkeypatch):
    path, damaged = _damaged_store(home)
    asked = []

    def choose(cls, parent, message, can_start_fresh=True):
        asked.append((message, can_start_fresh))
        return cls.FRESH
    monkeypatch.setattr(dialogs.StoreProblemDialog, "ask", classmethod(choose))
    window = app._open_window_despite_store_problems(show_windows=True)
    assert window is not None
    qtbot.addWidget(window)
    assert len(asked) == 1 and str(path) in asked[0][0] and "damaged" in asked[0][0] and asked[0][1]
    kept = [p for p in path.parent.iterdir() if p.name.startswith("sessions.sqlite3.unreadable-")]
    assert len(kept) == 1 and kept[0].read_bytes() == damaged           # nothing lost or overwritten
    assert window.store.verify() == []                                  # the new store works


def test_try_again_then_quit_leaves_the_file_alone(qtbot, home, monkeypatch):
    path, damaged = _damaged_store(home)
    answers = iter([dialogs.StoreProblemDialog.RETRY, dialogs.StoreProblemDialog.QUIT])
    monkeypatch.setattr(dialogs.StoreProblemDialog, "ask", classmethod(lambda cls, parent, message, can_start_fresh=True: next(answers)))
    assert app._open_window_despite_store_problems(show_windows=True) is None
    assert path.read_bytes() == damaged
    assert sorted(p.name for p in path.parent.iterdir()) == ["sessions.sqlite3"]


def test_without_dialogs_the_app_logs_and_exits(home, monkeypatch):
    path, damaged = _damaged_store(home)
    assert app.run_app(SimpleNamespace(no_err_windows=True, scenario=None)) == 1
    assert path.read_bytes() == damaged


def test_a_locked_store_is_never_offered_for_renaming(qtbot, home, monkeypatch):
    """Locked (or full, or newer) is someone's live data: only try again or quit."""
    from hydra_sim.records.errors import StoreError
    offered = []

    def locked(*args, **kwargs):
        raise StoreError("The session store is in use by another program.", default_store_path())
    monkeypatch.setattr(app, "build_main_window", locked)
    monkeypatch.setattr(dialogs.StoreProblemDialog, "ask", classmethod(
        lambda cls, parent, message, can_start_fresh=True: offered.append(can_start_fresh) or cls.FRESH
        if len(offered) < 2 else cls.QUIT))
    assert app._open_window_despite_store_problems(show_windows=True) is None
    assert offered == [False, False]
    assert not default_store_path().parent.exists() or \
        not any(p.name.startswith("sessions.sqlite3.unreadable-") for p in default_store_path().parent.iterdir())

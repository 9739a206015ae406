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
    store = app.open_store_despite_problems(show_windows=True)
    assert store is not None
    assert len(asked) == 1 and str(path) in asked[0][0] and "damaged" in asked[0][0] and asked[0][1]
    kept = [p for p in path.parent.iterdir() if p.name.startswith("sessions.sqlite3.unreadable-")]
    assert len(kept) == 1 and kept[0].read_bytes() == damaged           # nothing lost or overwritten
    assert store.verify() == []                                         # the new store works


def test_try_again_then_quit_leaves_the_file_alone(qtbot, home, monkeypatch):
    path, damaged = _damaged_store(home)
    answers = iter([dialogs.StoreProblemDialog.RETRY, dialogs.StoreProblemDialog.QUIT])
    monkeypatch.setattr(dialogs.StoreProblemDialog, "ask", classmethod(lambda cls, parent, message, can_start_fresh=True: next(answers)))
    assert app.open_store_despite_problems(show_windows=True) is None
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
    from hydra_sim.gui import persistence
    monkeypatch.setattr(persistence, "open_store", locked)
    monkeypatch.setattr(dialogs.StoreProblemDialog, "ask", classmethod(
        lambda cls, parent, message, can_start_fresh=True: offered.append(can_start_fresh) or cls.FRESH
        if len(offered) < 2 else cls.QUIT))
    assert app.open_store_despite_problems(show_windows=True) is None
    assert offered == [False, False]
    assert not default_store_path().parent.exists() or \
        not any(p.name.startswith("sessions.sqlite3.unreadable-") for p in default_store_path().parent.iterdir())


def test_a_records_folder_that_cannot_be_written_is_said_for_the_training_room(qtbot, home, monkeypatch):
    """Read-only (tests run as any user, even root: the store's permission check is what says so)."""
    import os

    from hydra_sim.records import store as store_module
    folder = default_store_path().parent
    folder.mkdir(parents=True, exist_ok=True)
    real_access = os.access
    locked = [True]
    monkeypatch.setattr(store_module.os, "access", lambda path, mode, **kw: False if locked[0] and
                        os.path.abspath(path) == str(folder) else real_access(path, mode, **kw))
    asked = []

    def answer(cls, parent, shown_folder, message):
        asked.append((shown_folder, message))
        locked[0] = False               # the person who set up the PC fixed the folder
        return cls.RETRY
    monkeypatch.setattr(dialogs.HomeNotWritableDialog, "ask", classmethod(answer))
    store = app.open_store_despite_problems(show_windows=True)     # no StoreProblemDialog (conftest)
    assert store is not None
    assert len(asked) == 1 and asked[0][0] == folder and "read-only" in asked[0][1]


def test_a_read_only_records_folder_then_quit(qtbot, home, monkeypatch):
    from hydra_sim.records import store as store_module
    from hydra_sim.records.errors import StoreError

    def refuse(*args, **kwargs):
        raise StoreError("Cannot write the session store in /x: the folder is read-only.",
                         default_store_path(), StoreError.NOT_WRITABLE)
    monkeypatch.setattr(store_module, "_prepare_folder", refuse)
    monkeypatch.setattr(dialogs.HomeNotWritableDialog, "ask",
                        classmethod(lambda cls, parent, folder, message: cls.QUIT))
    assert app.open_store_despite_problems(show_windows=True) is None


def test_the_read_only_folder_dialog_speaks_to_a_trainee_with_details_for_the_set_up(qtbot, tmp_path):
    from helpers import shoot
    from PySide6.QtWidgets import QMessageBox, QPushButton
    folder = tmp_path / "Training PC" / "hydra_sim" / "records"
    message = (f"Cannot write the session store in {folder}: the folder is read-only. Choose a writable "
               "location with --home or HYDRA_SIM_HOME, or ask for write access to the folder.")
    box = dialogs.HomeNotWritableDialog.build(None, folder, message)
    qtbot.addWidget(box)
    main = box.text() + "\n" + box.informativeText()
    for developer_word in ("HYDRA_SIM_HOME", "--home", "environment", "sqlite", "session store", "store"):
        assert developer_word not in main, developer_word
    assert f"The folder is:\n{folder}" in box.text()                  # the folder, plainly, on a line of its own
    assert "Nothing has been recorded this time" in main and "have not been changed or lost" in main
    assert "ask the person who set up this computer" in main and "Try again" in main
    assert "HYDRA_SIM_HOME" in box.detailedText() and message in box.detailedText()
    assert [b.text() for b in box.buttons() if box.buttonRole(b) != QMessageBox.ButtonRole.ActionRole] == \
        ["Try again", "Quit"]
    assert box.defaultButton().text() == "Try again" and box.escapeButton().text() == "Quit"
    box.show()
    qtbot.waitExposed(box)
    shoot(box, "home-not-writable")
    details = next(b for b in box.findChildren(QPushButton) if "Details" in b.text())
    details.click()
    shoot(box, "home-not-writable-details")
    box.close()


def test_a_folder_that_becomes_read_only_during_a_session_is_said_plainly(tmp_path):
    from hydra_sim.gui.errors import describe
    from hydra_sim.records.errors import StoreError
    path = tmp_path / "records" / "sessions.sqlite3"
    text = describe(StoreError(f"Cannot write the session store {path}: it is read-only. Make the file and its "
                               "folder writable, or choose another location with --home or HYDRA_SIM_HOME.",
                               path, StoreError.NOT_WRITABLE)).message
    assert str(path.parent) in text and "kept in memory" in text
    assert "HYDRA_SIM_HOME" not in text and "--home" not in text and "session store" not in text

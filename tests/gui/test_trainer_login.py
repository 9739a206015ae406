"""File > Trainer review needs the trainer passphrase: a trainee cannot open review (or note, override or
mark) without it; the first use sets up the account; notes are recorded under the trainer's name."""

from __future__ import annotations

import pytest
from helpers import shoot
from PySide6.QtWidgets import QDialog, QLineEdit
from trainer_support import TEST_PASSPHRASE, TEST_TRAINER

from hydra_sim.gui.trainer_login import TrainerLoginDialog
from hydra_sim.records import trainers


def review_action(win):
    return next(a for a in win.menuBar().actions()[0].menu().actions() if a.text().startswith("&Trainer review"))


@pytest.fixture
def typed(monkeypatch):
    """Replace the modal exec(): type these passphrases one after another, pressing OK after each;
    cancel once none is left (what a trainee who does not know it ends up doing)."""
    seen: list[TrainerLoginDialog] = []

    def use(*passphrases: str, name: str | None = None):
        def fake_exec(dialog):
            seen.append(dialog)
            if name is not None:
                dialog.name.setText(name)
            for passphrase in passphrases:
                dialog.passphrase.setText(passphrase)
                dialog.confirm.setText(passphrase)
                dialog._on_ok()
                if dialog.result() == QDialog.DialogCode.Accepted:
                    return QDialog.DialogCode.Accepted
            return QDialog.DialogCode.Rejected
        monkeypatch.setattr(TrainerLoginDialog, "exec", fake_exec)
        return seen
    return use


def test_review_cannot_be_opened_without_the_trainer_passphrase(window, home, typed):
    trainers.TrainerAccounts().create(TEST_TRAINER, TEST_PASSPHRASE)
    seen = typed("a trainee's guess", "another guess")
    review_action(window).trigger()
    assert getattr(window, "_review_window", None) is None
    assert "wrong trainer name or passphrase" in seen[-1].error.text().lower()
    assert seen[-1].passphrase.echoMode() == QLineEdit.EchoMode.Password and seen[-1].passphrase.text() == ""
    shoot(seen[-1], "trainer-login-refused")

    seen = typed(TEST_PASSPHRASE)
    review_action(window).trigger()
    review = window._review_window
    assert review is not None and review.author == TEST_TRAINER and review.trainer.name == TEST_TRAINER
    assert TEST_TRAINER in review.windowTitle() and f"Logged in as {TEST_TRAINER}" in review.signed_in.text()
    review.close()


def test_lockout_holds_in_the_dialog_even_for_the_right_passphrase(window, home, typed):
    trainers.TrainerAccounts().create(TEST_TRAINER, TEST_PASSPHRASE)
    seen = typed(*[f"guess {n}" for n in range(5)], TEST_PASSPHRASE)
    review_action(window).trigger()
    assert getattr(window, "_review_window", None) is None
    assert "too many failed trainer logins" in seen[-1].error.text().lower()


def test_the_first_use_sets_up_the_trainer_account(window, home, typed):
    seen = typed(TEST_PASSPHRASE, name="Sgt A Okafor")
    review_action(window).trigger()
    assert seen[0].setting_up and seen[0].windowTitle() == "Set up the trainer account"
    assert trainers.TrainerAccounts().names() == ["Sgt A Okafor"]
    assert window._review_window.author == "Sgt A Okafor"
    window._review_window.close()


def test_setup_dialog_refuses_a_short_or_mismatched_passphrase(qtbot, home):
    dialog = TrainerLoginDialog(None)
    qtbot.addWidget(dialog)
    dialog.name.setText("Sgt A Okafor")
    dialog.passphrase.setText("short")
    dialog.confirm.setText("short")
    assert dialog.try_login() is None and "at least 10 characters" in dialog.error.text()
    dialog.passphrase.setText(TEST_PASSPHRASE)
    dialog.confirm.setText(TEST_PASSPHRASE + "!")
    assert dialog.try_login() is None and "differ" in dialog.error.text()
    shoot(dialog, "trainer-setup")
    assert not trainers.TrainerAccounts().exist()


def test_notes_made_in_review_are_recorded_under_the_logged_in_trainer(qtbot, home, monkeypatch):
    from hydra_sim import paths
    from hydra_sim.engine.loader import load_scenario
    from hydra_sim.gui.review import dialogs
    from hydra_sim.gui.review import sample_data as sd
    from hydra_sim.gui.review.window import open_review_window
    from hydra_sim.records import SessionStore, TraineeInfo
    store = SessionStore(home / "records" / "sessions.sqlite3")
    mini = load_scenario(paths.bundled_root() / "tests" / "fixtures" / "mini" / "mini.yaml").scenario
    session_id = sd.record_plan(store, mini, sd.mini_plans()["good"], TraineeInfo("t-001"))
    login = trainers.TrainerAccounts().create(TEST_TRAINER, TEST_PASSPHRASE)
    review = open_review_window(store, verify_in_background=False, trainer=login)
    qtbot.addWidget(review)
    review.select_sessions([session_id])
    # the dialog has no name box any more: whatever it returned, the record names the login
    monkeypatch.setattr(dialogs.AnnotationDialog, "ask",
                        classmethod(lambda cls, parent, about, author="": ("Someone Else", "Discuss the call.")))
    review.add_note()
    assert [(n["author"], n["text"]) for n in store.annotations(session_id)] == [(TEST_TRAINER, "Discuss the call.")]
    assert store.verify() == []
    store.close()

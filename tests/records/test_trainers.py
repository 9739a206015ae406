"""Trainer accounts (records/trainers.py) and the CLI's trainer login: scrypt hashes, lockout that
doubles and survives restarts, set-up on first use, recovery, and trainer commands refused without
the passphrase. Time is passed in (``now``), never waited for. No Qt."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime, timedelta

import pytest
from records_support import play

from hydra_sim import cli
from hydra_sim.records import SessionStore, TraineeInfo, trainers
from trainer_support import TEST_PASSPHRASE, TEST_TRAINER

pytestmark = pytest.mark.usefixtures("forget_home")
T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
PASS = "a long enough passphrase"


@pytest.fixture
def accounts(tmp_path):
    return trainers.TrainerAccounts(tmp_path / "home" / "config" / "trainers.json")


def test_the_passphrase_is_kept_only_as_a_salted_scrypt_hash_in_an_owner_only_file(accounts):
    made = accounts.create("Sgt A Okafor", PASS)
    assert made.name == "Sgt A Okafor"
    text = accounts.path.read_text(encoding="utf-8")
    assert PASS not in text and PASS.encode().hex() not in text
    stored = json.loads(text)["accounts"]["Sgt A Okafor"]
    assert (stored["kdf"], stored["n"], stored["r"], stored["p"]) == ("scrypt", 2 ** 15, 8, 1)
    assert len(bytes.fromhex(stored["salt"])) == 16 and len(bytes.fromhex(stored["hash"])) == 32
    if os.name == "posix":
        assert stat.S_IMODE(accounts.path.stat().st_mode) == 0o600
    second = accounts.create("Insp B Hale", PASS, by=made)
    both = json.loads(accounts.path.read_text(encoding="utf-8"))["accounts"]
    assert both["Insp B Hale"]["hash"] != stored["hash"] and second.name == "Insp B Hale"    # salted


def test_login_accepts_only_the_right_passphrase_and_never_says_which_part_was_wrong(accounts):
    accounts.create("Sgt A Okafor", PASS)
    assert accounts.login("Sgt A Okafor", PASS, now=T0).name == "Sgt A Okafor"
    with pytest.raises(trainers.WrongPassphrase) as wrong:
        accounts.login("Sgt A Okafor", PASS + "x", now=T0)
    with pytest.raises(trainers.WrongPassphrase) as unknown:
        accounts.login("Nobody", PASS, now=T0)
    assert str(wrong.value).split(" (")[0] == str(unknown.value).split(" (")[0] == "wrong trainer name or passphrase"


def test_five_failures_lock_logins_out_and_the_wait_doubles_and_survives_a_restart(accounts):
    accounts.create("Sgt A Okafor", PASS)
    for n in range(4):
        with pytest.raises(trainers.WrongPassphrase):
            accounts.login("Sgt A Okafor", f"guess {n}", now=T0)
    with pytest.raises(trainers.WrongPassphrase, match="next is allowed in 30 seconds"):
        accounts.login("Sgt A Okafor", "guess 5", now=T0)
    restarted = trainers.TrainerAccounts(accounts.path)           # persisted: a new process is still locked out
    with pytest.raises(trainers.LockedOut) as locked:
        restarted.login("Sgt A Okafor", PASS, now=T0 + timedelta(seconds=29))     # even the right one waits
    assert locked.value.until == T0 + timedelta(seconds=30)
    with pytest.raises(trainers.WrongPassphrase, match="60 seconds"):              # the wait doubles
        restarted.login("Sgt A Okafor", "guess 6", now=T0 + timedelta(seconds=31))
    with pytest.raises(trainers.LockedOut):
        restarted.login("Sgt A Okafor", PASS, now=T0 + timedelta(seconds=90))
    assert restarted.login("Sgt A Okafor", PASS, now=T0 + timedelta(seconds=92)).name == "Sgt A Okafor"
    for n in range(4):                                  # a success resets the count
        with pytest.raises(trainers.WrongPassphrase):
            restarted.login("Sgt A Okafor", f"again {n}", now=T0 + timedelta(seconds=100))


def test_only_the_first_account_is_made_without_a_login_and_reset_is_the_recovery(accounts):
    with pytest.raises(trainers.TrainerError, match="at least 10 characters"):
        accounts.create("Sgt A Okafor", "short")
    first = accounts.create("Sgt A Okafor", PASS)
    with pytest.raises(trainers.TrainerError, match="must log in"):
        accounts.create("Trainee T", PASS)
    accounts.change_passphrase(first, PASS + " changed")
    with pytest.raises(trainers.WrongPassphrase):
        accounts.login("Sgt A Okafor", PASS, now=T0)
    assert accounts.reset() and not accounts.exist() and not accounts.path.exists()
    assert accounts.create("Sgt C New", PASS).name == "Sgt C New"


# -- the command line -------------------------------------------------------------------------
@pytest.fixture
def home_with_sessions(tmp_path, mini):
    home = tmp_path / "home"
    with SessionStore(home / "records" / "sessions.sqlite3") as store:
        ids = [play(store, mini, TraineeInfo("t-1")), play(store, mini, TraineeInfo("t-2"))]
    return home, ids


def no_credentials(monkeypatch):
    monkeypatch.delenv("HYDRA_SIM_TRAINER", raising=False)
    monkeypatch.delenv("HYDRA_SIM_TRAINER_PASSPHRASE", raising=False)


@pytest.mark.parametrize("argv", [["trainee", "delete", "t-1", "--yes"], ["trainee", "list"],
                                  ["export", "--format", "csv"], ["retention", "--months", "1", "--yes"],
                                  ["export-bundle", "OUT"], ["rescore", "ID", str(__import__("records_support").MINI)]])
def test_trainer_commands_are_refused_without_the_passphrase(home_with_sessions, monkeypatch, capsys, tmp_path,
                                                             argv):
    home, ids = home_with_sessions
    argv = [a.replace("OUT", str(tmp_path / "b.jsonl")).replace("ID", ids[0]) for a in argv]
    trainers.TrainerAccounts(home / "config" / "trainers.json").create(TEST_TRAINER, TEST_PASSPHRASE)
    no_credentials(monkeypatch)
    assert cli.main(["--home", str(home), *argv]) == 1
    assert "trainer passphrase" in capsys.readouterr().err
    monkeypatch.setenv("HYDRA_SIM_TRAINER_PASSPHRASE", "not the passphrase")
    assert cli.main(["--home", str(home), *argv]) == 1
    assert "wrong trainer name or passphrase" in capsys.readouterr().err
    with SessionStore(home / "records" / "sessions.sqlite3") as store:      # nothing happened
        assert sorted(s.session_id for s in store.sessions()) == sorted(ids)
        assert store.rescores(ids[0]) == [] and store.retention_months() is None
    assert not (tmp_path / "b.jsonl").exists()


def test_a_passphrase_file_logs_in_and_the_trainer_is_recorded_never_the_passphrase(home_with_sessions, monkeypatch,
                                                                                    capsys, tmp_path):
    from records_support import MINI
    home, ids = home_with_sessions
    no_credentials(monkeypatch)
    secret = tmp_path / "pass.txt"
    secret.write_text(TEST_PASSPHRASE + "\n", encoding="utf-8")
    assert cli.main(["trainer", "setup", "Sgt A Okafor", "--passphrase-file", str(secret), "--home", str(home)]) == 0
    assert cli.main(["rescore", ids[0], str(MINI), "--passphrase-file", str(secret), "--home", str(home)]) == 0
    out = capsys.readouterr()
    assert TEST_PASSPHRASE not in out.out + out.err
    with SessionStore(home / "records" / "sessions.sqlite3") as store:
        assert [r["author"] for r in store.rescores(ids[0])] == ["Sgt A Okafor"]
        assert store.verify() == []
    for path in home.rglob("*"):                        # no file under the home holds the passphrase
        if path.is_file():
            assert TEST_PASSPHRASE.encode() not in path.read_bytes(), path


def test_first_use_sets_up_the_account_then_setup_list_add_and_reset(home_with_sessions, capsys, tmp_path,
                                                                    monkeypatch):
    home, _ids = home_with_sessions
    assert cli.main(["--home", str(home), "trainee", "list"]) == 0            # first use: sets up the account
    assert f"set up the first trainer account '{TEST_TRAINER}'" in capsys.readouterr().err
    assert cli.main(["trainer", "setup", "Someone Else", "--home", str(home)]) == 1     # only once
    assert "set up already" in capsys.readouterr().err
    new = tmp_path / "new.txt"
    new.write_text("another long passphrase\n", encoding="utf-8")
    assert cli.main(["trainer", "add", "Insp B Hale", "--new-passphrase-file", str(new), "--home", str(home)]) == 0
    capsys.readouterr()
    assert cli.main(["trainer", "list", "--home", str(home)]) == 0
    assert capsys.readouterr().out.split("\n")[:2] == ["Insp B Hale", TEST_TRAINER]
    monkeypatch.delenv("HYDRA_SIM_TRAINER")
    assert cli.main(["--home", str(home), "trainee", "list"]) == 1            # two accounts: which one?
    assert "--trainer NAME" in capsys.readouterr().err
    assert cli.main(["trainer", "reset", "--home", str(home)]) == 1           # not without --yes, when scripted
    assert cli.main(["trainer", "reset", "--yes", "--home", str(home)]) == 0
    assert not (home / "config" / "trainers.json").exists()


def test_lrs_show_and_verify_stay_open_but_lrs_set_needs_a_trainer(home_with_sessions, monkeypatch, capsys):
    home, _ids = home_with_sessions
    trainers.TrainerAccounts(home / "config" / "trainers.json").create(TEST_TRAINER, TEST_PASSPHRASE)
    no_credentials(monkeypatch)
    assert cli.main(["verify", "--home", str(home)]) == 0
    assert cli.main(["lrs", "show", "--home", str(home)]) == 0
    assert cli.main(["lrs", "set", "--endpoint", "https://lrs.example/xAPI", "--user", "u", "--no-password",
                     "--home", str(home)]) == 1
    assert "trainer passphrase" in capsys.readouterr().err


def test_a_folder_that_cannot_be_changed_is_said_in_a_trainers_words_with_the_detail_kept_apart(
        accounts, monkeypatch, caplog):
    def refuse(folder):
        raise PermissionError(13, "Permission denied", str(folder))
    monkeypatch.setattr(trainers.filemodes, "private_folder", refuse)
    with pytest.raises(trainers.TrainerError) as raised, caplog.at_level("WARNING", logger=trainers.__name__):
        accounts.create("Sgt A Okafor", PASS)
    message = str(raised.value)
    for developer_word in ("--home", "HYDRA_SIM_HOME", "trainers.json", "Permission denied", "read-only"):
        assert developer_word not in message, developer_word
    assert str(accounts.path.parent) in message and "Nothing was changed" in message
    assert "ask the person who set up this computer" in message.lower()
    # the technical part is kept for the command line and the log
    assert "--home" in raised.value.detail and "Permission denied" in raised.value.detail
    assert any("HYDRA_SIM_HOME" in r.getMessage() for r in caplog.records)
    assert not accounts.path.exists()

"""LRS credentials: endpoint and user in settings.ini, the password only in the OS keyring, never in a file.

An in-memory keyring backend stands in for the OS keyring; keyring's ``fail`` backend (what a
headless Linux machine has) must give a clear message and save nothing.
"""

from __future__ import annotations

import os
import stat

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from hydra_sim import cli, paths
from hydra_sim.records import credentials
from hydra_sim.records.credentials import KeyringUnavailable, LrsSettings

SECRET = "s3cret-LRS-pa55word"
TARGET = LrsSettings("https://lrs.example.org/xAPI", "trainer-key")


class MemoryKeyring(KeyringBackend):
    priority = 10

    def __init__(self):
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.entries.get((service, username))

    def set_password(self, service, username, password):
        self.entries[(service, username)] = password

    def delete_password(self, service, username):
        from keyring.errors import PasswordDeleteError
        if (service, username) not in self.entries:
            raise PasswordDeleteError("not found")
        del self.entries[(service, username)]


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.delenv("HYDRA_SIM_LRS_PASSWORD", raising=False)
    paths.set_home(tmp_path / "home")
    yield tmp_path / "home"
    paths.set_home(None)


@pytest.fixture
def memory_keyring():
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


@pytest.fixture
def no_keyring():
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


def all_file_bytes(folder) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def test_settings_hold_endpoint_and_user_and_the_keyring_holds_the_password(home, memory_keyring):
    path = credentials.save_settings(TARGET)
    credentials.save_password(TARGET, SECRET)
    assert credentials.load_settings() == TARGET
    assert credentials.get_password(TARGET) == SECRET
    assert list(memory_keyring.entries.values()) == [SECRET]
    text = path.read_text(encoding="utf-8")
    assert "[lrs]" in text and TARGET.endpoint in text and TARGET.user in text
    assert SECRET.encode() not in all_file_bytes(home)
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_saving_keeps_the_other_settings_of_the_app(home, memory_keyring):
    path = credentials.settings_path()
    path.parent.mkdir(parents=True)
    path.write_text("[General]\ngeometry=@ByteArray(\\x1\\xd9)\nwindow\\state=2\nhigh_contrast=true\n",
                    encoding="utf-8")
    credentials.save_settings(TARGET)
    text = path.read_text(encoding="utf-8")
    assert "geometry=@ByteArray(\\x1\\xd9)" in text and "window\\state=2" in text and "high_contrast=true" in text


def test_cli_lrs_set_show_forget(home, memory_keyring, monkeypatch, capsys):
    monkeypatch.setenv("HYDRA_SIM_LRS_PASSWORD", SECRET)
    assert cli.main(["lrs", "set", "--endpoint", TARGET.endpoint, "--user", TARGET.user, "--home", str(home)]) == 0
    monkeypatch.delenv("HYDRA_SIM_LRS_PASSWORD")
    assert SECRET.encode() not in all_file_bytes(home)
    assert memory_keyring.entries
    capsys.readouterr()
    assert cli.main(["lrs", "show", "--home", str(home)]) == 0
    out = capsys.readouterr().out
    assert TARGET.endpoint in out and "saved in the OS keyring" in out and SECRET not in out
    assert cli.main(["lrs", "forget", "--home", str(home)]) == 0
    assert credentials.load_settings() is None and not memory_keyring.entries


def test_push_uses_the_saved_settings_and_keyring_password(home, memory_keyring, monkeypatch):
    credentials.save_settings(TARGET)
    credentials.save_password(TARGET, SECRET)
    seen = {}

    class FakeClient:
        def __init__(self, endpoint, user, password, batch_size=50):
            seen.update(endpoint=endpoint, user=user, password=password)
            raise ValueError("stop here: no network in this test")

    monkeypatch.setattr("hydra_sim.records.lrs.LrsClient", FakeClient)
    assert cli.main(["push", "--home", str(home)]) == 2
    assert seen == {"endpoint": TARGET.endpoint, "user": TARGET.user, "password": SECRET}


def test_push_save_password_stores_it_in_the_keyring_only(home, memory_keyring, monkeypatch):
    monkeypatch.setenv("HYDRA_SIM_LRS_PASSWORD", SECRET)

    class Client:
        endpoint = TARGET.endpoint

        def __init__(self, *args, **kwargs):
            pass

        def flush(self, queue):
            from hydra_sim.records.lrs import FlushResult
            return FlushResult()

    monkeypatch.setattr("hydra_sim.records.lrs.LrsClient", Client)
    cli.main(["push", "--endpoint", TARGET.endpoint, "--user", TARGET.user, "--save-password",
              "--home", str(home)])
    assert credentials.load_settings() == TARGET
    assert credentials.get_password(TARGET) == SECRET
    assert SECRET.encode() not in all_file_bytes(home)


def test_without_a_keyring_nothing_is_saved_and_the_message_says_why(home, no_keyring, monkeypatch, capsys):
    with pytest.raises(KeyringUnavailable, match="no secure keyring"):
        credentials.save_password(TARGET, SECRET)
    assert credentials.get_password(TARGET) is None
    monkeypatch.setenv("HYDRA_SIM_LRS_PASSWORD", SECRET)
    code = cli.main(["lrs", "set", "--endpoint", TARGET.endpoint, "--user", TARGET.user, "--home", str(home)])
    err = capsys.readouterr().err
    assert code == 1
    assert "password was NOT saved" in err and "no secure keyring" in err and "HYDRA_SIM_LRS_PASSWORD" in err
    assert credentials.load_settings() == TARGET          # endpoint and user are still useful
    assert SECRET.encode() not in all_file_bytes(home)
    # push still works from the environment variable
    assert credentials.password_from(TARGET, "HYDRA_SIM_LRS_PASSWORD") == (SECRET, "$HYDRA_SIM_LRS_PASSWORD")


def test_a_plain_text_keyring_is_refused(home):
    class PlaintextKeyring(MemoryKeyring):
        priority = 5

    before = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    try:
        with pytest.raises(KeyringUnavailable):
            credentials.save_password(TARGET, SECRET)
    finally:
        keyring.set_keyring(before)


def test_password_order_is_environment_then_keyring_then_prompt(home, memory_keyring, monkeypatch):
    assert credentials.password_from(TARGET, "HYDRA_SIM_LRS_PASSWORD", lambda: "typed") == ("typed", "prompt")
    credentials.save_password(TARGET, SECRET)
    assert credentials.password_from(TARGET, "HYDRA_SIM_LRS_PASSWORD", lambda: "typed") == (SECRET, "keyring")
    monkeypatch.setenv("HYDRA_SIM_LRS_PASSWORD", "from-env")
    assert credentials.password_from(TARGET, "HYDRA_SIM_LRS_PASSWORD")[0] == "from-env"


def test_a_bad_endpoint_is_refused_with_a_clear_message(home):
    with pytest.raises(ValueError, match="https://"):
        credentials.save_settings(LrsSettings("file:///etc/passwd", "me"))

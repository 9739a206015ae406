"""Push a recorded cohort to a real Learning Record Store (Ralph, file-system backend) and read it back."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from export_cohort import FINISHED_STATEMENTS, build_cohort

from hydra_sim import cli, paths
from hydra_sim.records import SessionStore, exports, lrs, xapi
from hydra_sim.records.lrs import LrsClient
from hydra_sim.records.queue import XapiQueue, default_queue_path

requests = pytest.importorskip("requests")
pytest.importorskip("ralph")

USER, PASSWORD = "trainer", "secret"
READY_SECONDS = 60
# Ralph 5.1's file-system LRS backend writes its statements file with operation type CREATE,
# so every POST after the first fails with a 500 ("... already exists and overwrite is not
# allowed"). ``ralph runserver`` runs uvicorn with reload=True in a spawned worker, where a
# patch cannot reach, so the server is started the way runserver starts it (uvicorn on
# ralph.api:app, the backend chosen by RALPH_RUNSERVER_BACKEND) with the backend appending.
LAUNCHER = """
import sys
from ralph.backends.data.base import BaseOperationType
from ralph.backends.data.fs import FSDataBackend
FSDataBackend.default_operation_type = BaseOperationType.APPEND
import uvicorn
from ralph.conf import settings
uvicorn.run("ralph.api:app", host=sys.argv[1], port=int(sys.argv[2]), log_config=settings.LOGGING)
"""


def _ralph_command() -> list[str]:
    probe = subprocess.run([sys.executable, "-m", "ralph", "--help"], capture_output=True, timeout=120)
    if probe.returncode == 0:
        return [sys.executable, "-m", "ralph"]
    script = Path(sys.executable).with_name("ralph")
    if script.exists():
        return [str(script)]
    pytest.skip("ralph is not runnable")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Ralph:
    def __init__(self, folder: Path):
        self.folder = folder
        self.command = _ralph_command()
        self.env = {**os.environ, "RALPH_APP_DIR": str(folder), "RALPH_RUNSERVER_BACKEND": "fs",
                    "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "data")}
        subprocess.run(self.command + ["auth", "-u", USER, "-p", PASSWORD, "-s", "all", "-M",
                                       "mailto:trainer@example.org", "-w"],
                       env=self.env, check=True, capture_output=True, timeout=120)
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.endpoint = f"{self.base}/xAPI"
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        with (self.folder / f"server-{self.starts}.out").open("wb") as out, \
                (self.folder / f"server-{self.starts}.err").open("wb") as err:
            self.process = subprocess.Popen([sys.executable, "-c", LAUNCHER, "127.0.0.1", str(self.port)],
                                            env=self.env, stdout=out, stderr=err)
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    pass
                if requests.get(f"{self.base}/whoami", auth=(USER, PASSWORD), timeout=5).status_code == 200:
                    return
            except (OSError, requests.RequestException):
                with socket.socket() as sock:       # a short blocking wait between attempts
                    sock.settimeout(0.2)
                    sock.connect_ex(("127.0.0.1", 9))
        self.stop()
        log = (self.folder / f"server-{self.starts}.err").read_text(errors="replace")[-2000:]
        pytest.fail(f"Ralph did not become ready within {READY_SECONDS} s:\n{log}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)
        self.process = None

    def statements(self, registration: str | None = None) -> list[dict]:
        """Every statement stored (for one registration), following the ``more`` links."""
        url = f"{self.endpoint}/statements"
        params = {"limit": 25, **({"registration": registration} if registration else {})}
        found: list[dict] = []
        for _page in range(200):
            answer = requests.get(url, params=params, auth=(USER, PASSWORD), timeout=30,
                                  headers={"X-Experience-API-Version": "1.0.3"})
            assert answer.status_code == 200, answer.text
            data = answer.json()
            found += data["statements"]
            more = data.get("more")
            if not more:
                return found
            url, params = (more if more.startswith("http") else self.base + more), None
        pytest.fail("more than 200 pages of statements")


@pytest.fixture(scope="module")
def ralph(tmp_path_factory):
    server = Ralph(tmp_path_factory.mktemp("ralph"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    folder = tmp_path_factory.mktemp("home")
    with SessionStore(folder / "records" / "sessions.sqlite3") as store:
        ids = build_cohort(store)
    return folder, ids


@pytest.fixture(autouse=True)
def no_backoff_waits(monkeypatch):
    monkeypatch.setattr(lrs, "_sleep", lambda seconds: None)


def push(home_folder: Path, endpoint: str, capsys, password: str = PASSWORD) -> tuple[int, str, str]:
    os.environ["HYDRA_SIM_LRS_PASSWORD"] = password
    try:
        code = cli.main(["push", "--endpoint", endpoint, "--user", USER, "--home", str(home_folder),
                         "--batch-size", "7"])
    finally:
        os.environ.pop("HYDRA_SIM_LRS_PASSWORD", None)
        paths.set_home(None)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def expected_statements(home_folder: Path) -> list[dict]:
    with SessionStore(home_folder / "records" / "sessions.sqlite3") as store:
        records = exports.gather_all(store, exports.select_sessions(store, status="finished"))
    return xapi.statements_for(records)


def queued(home_folder: Path, endpoint: str) -> int:
    paths.set_home(home_folder)
    try:
        path = default_queue_path()
    finally:
        paths.set_home(None)
    with XapiQueue(path) as queue:
        return queue.count(endpoint)


def test_push_stores_every_statement_and_a_second_push_adds_nothing(ralph, home, capsys, tmp_path):
    folder, ids = home
    expected = expected_statements(folder)
    assert len(expected) == FINISHED_STATEMENTS
    # A wrong password first: a clear message, and everything stays queued.
    code, out, err = push(folder, ralph.endpoint, capsys, password="not-the-password")
    assert code == 1 and "refused the credentials (HTTP 401)" in err
    assert f"sent 0, already there 0, still queued {FINISHED_STATEMENTS}" in out and queued(folder, ralph.endpoint) == FINISHED_STATEMENTS
    assert ralph.statements() == []
    # The right password: everything is stored.
    code, out, err = push(folder, ralph.endpoint, capsys)
    assert code == 0 and f"sent {FINISHED_STATEMENTS}, already there 0, still queued 0" in out, err
    stored = ralph.statements()
    assert sorted(s["id"] for s in stored) == sorted(s["id"] for s in expected)
    for key in ("mini_good", "flag_careless"):
        mine = ralph.statements(registration=ids[key])
        assert {s["id"] for s in mine} == {s["id"] for s in expected if s["context"]["registration"] == ids[key]}
    sample = next(s for s in stored if s["id"] == expected[0]["id"])
    assert sample["verb"] == expected[0]["verb"] and sample["actor"]["account"] == expected[0]["actor"]["account"]
    assert sample["result"]["response"] == expected[0]["result"]["response"]
    # Pushing again queues nothing new; re-sending the same statements is acknowledged without duplicates.
    code, out, _err = push(folder, ralph.endpoint, capsys)
    assert code == 0 and "sent 0, already there 0, still queued 0" in out
    with XapiQueue(tmp_path / "resend.sqlite3") as queue:
        queue.add(ralph.endpoint, "all", expected)
        result = LrsClient(ralph.endpoint, USER, PASSWORD, batch_size=50, sleep=lambda s: None).flush(queue)
    assert (result.sent, result.already, result.queued) == (0, FINISHED_STATEMENTS, 0)
    assert len(ralph.statements()) == FINISHED_STATEMENTS


def test_a_push_while_the_lrs_is_down_keeps_everything_until_it_is_back(ralph, home, capsys, tmp_path):
    folder, _ids = home
    # A new session recorded after the first push: only its statements are new.
    with SessionStore(folder / "records" / "sessions.sqlite3") as store:
        before = {s.session_id for s in store.sessions()}
        build_cohort(store)
        added = [s.session_id for s in store.sessions(status="finished") if s.session_id not in before]
    assert len(added) == 4
    count_before = len(ralph.statements())
    ralph.stop()
    try:
        code, out, err = push(folder, ralph.endpoint, capsys)
    finally:
        ralph.start()
    assert code == 1 and "cannot reach" in err and f"still queued {FINISHED_STATEMENTS}" in out
    assert queued(folder, ralph.endpoint) == FINISHED_STATEMENTS
    code, out, _err = push(folder, ralph.endpoint, capsys)
    assert code == 0 and f"sent {FINISHED_STATEMENTS}, already there 0, still queued 0" in out
    assert len(ralph.statements()) == count_before + FINISHED_STATEMENTS
    assert sum(len(ralph.statements(registration=session_id)) for session_id in added) == FINISHED_STATEMENTS


def test_every_exported_statement_is_accepted_as_valid(ralph, home):
    """Ralph validates on the way in (a 400 for any invalid statement): everything pushed was stored."""
    folder, _ids = home
    expected = expected_statements(folder)
    stored = {s["id"] for s in ralph.statements()}
    assert {s["id"] for s in expected} <= stored
    assert json.dumps(expected).count("mailto:") == 0

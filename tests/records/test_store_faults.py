"""Fault injection on the session store: disk full, read-only folder, a lock held by another
process, truncated and damaged files. Each fault gives a StoreError whose message says what,
where and what to do; nothing already recorded is lost, and a damaged file is never changed.

Faults that need the operating system's help run in child processes: a file-size limit
(``RLIMIT_FSIZE``), a tiny tmpfs or a read-only bind mount inside a private mount namespace
(``unshare``; as root, or as a user through a user namespace), and an unprivileged user
(``setpriv``) for permissions, which do not stop root. No sleeps: children are waited on.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from contextlib import closing
from functools import cache
from pathlib import Path

import pytest
from records_support import MINI, REPO, TRAINEE, locked_by_another_program, play
from trainer_support import TEST_PASSPHRASE, TEST_TRAINER

from hydra_sim.records import SessionStore, StoreError
from hydra_sim.records import store as store_module

pytestmark = pytest.mark.usefixtures("forget_home")
TIMEOUT = 60
SUPPORT = REPO / "tests" / "records"
ENV = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), str(SUPPORT)]),   # trainer commands log in:
           HYDRA_SIM_TRAINER=TEST_TRAINER, HYDRA_SIM_TRAINER_PASSPHRASE=TEST_PASSPHRASE)

# What every child starts with: the store, the mini scenario and a helper that reports one fault.
PRELUDE = textwrap.dedent("""
    import json, os, sys
    from pathlib import Path
    from records_support import MINI, TRAINEE, play
    from hydra_sim.engine import load_scenario
    from hydra_sim.records import SessionStore, StoreError
    mini = load_scenario(MINI).raise_for_errors()
    ENTRY = {"type": "reference", "id": "card", "clock": 0}

    def report(label, call):
        try:
            call()
        except StoreError as exc:
            print(json.dumps({"step": label, "error": exc.message, "path": str(exc.path)}), flush=True)
            return False
        print(json.dumps({"step": label, "ok": True}), flush=True)
        return True
""")


def run_python(code: str, *args: str, prefix: list[str] | None = None, cwd: Path | None = None) -> list[dict]:
    """Run ``PRELUDE + code`` in a child (under ``prefix``, e.g. unshare) and return its JSON lines."""
    result = subprocess.run([*(prefix or []), sys.executable, "-c", PRELUDE + textwrap.dedent(code), *args],
                            capture_output=True, text=True, timeout=TIMEOUT, env=ENV, cwd=cwd or REPO)
    assert result.returncode == 0, f"child failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def run_cli(*args: str, prefix: list[str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*(prefix or []), sys.executable, "-m", "hydra_sim", *args], capture_output=True,
                          text=True, timeout=TIMEOUT, env=ENV, cwd=REPO)


def cli_verify_passes(home: Path) -> str:
    result = run_cli("--home", str(home), "verify")
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def make_home(home: Path, mini, finished: int = 1, unfinished: int = 1) -> tuple[Path, list[str]]:
    path = home / "records" / "sessions.sqlite3"
    with SessionStore(path) as store:
        ids = [play(store, mini) for _ in range(finished)]
        ids += [play(store, mini, finish=False) for _ in range(unfinished)]
    return path, ids


def counts(path: Path) -> dict[str, int]:
    with SessionStore(path) as store:
        return {s.session_id: len(store.session_record(s.session_id)["events"]) for s in store.sessions()}


@cache
def namespace_prefix() -> tuple[str, ...] | None:
    """A command prefix that runs a child in a private mount namespace where it may mount, or None."""
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return None
    candidates = [("unshare", "--user", "--map-root-user", "-m", "--propagation", "private")]
    if os.geteuid() == 0:
        candidates.insert(0, ("unshare", "-m", "--propagation", "private"))
    with tempfile.TemporaryDirectory() as folder:
        for prefix in candidates:
            probe = subprocess.run([*prefix, "sh", "-c", f"mount -t tmpfs -o size=64k tmpfs {folder}"],
                                   capture_output=True, timeout=TIMEOUT)
            if probe.returncode == 0:
                return prefix
    return None


def needs_namespace() -> list[str]:
    prefix = namespace_prefix()
    if prefix is None:
        pytest.skip("this system does not let the tests mount a tmpfs or a read-only folder in a private "
                    "mount namespace (unshare -m, as root or through a user namespace)")
    return list(prefix)


def assert_clear(message: str, path: Path, *words: str) -> None:
    """A message a person can act on: it names the file or folder, the fault, and what to do."""
    assert str(path) in message, message
    for word in words:
        assert word.lower() in message.lower(), message
    assert "Traceback" not in message and "sqlite3." not in message


# -- disk full --------------------------------------------------------------------------------
@pytest.mark.skipif(sys.platform == "win32", reason="no RLIMIT_FSIZE on Windows")
def test_a_file_size_limit_fails_the_write_clearly_and_the_store_carries_on(tmp_path, mini):
    path, ids = make_home(tmp_path / "home", mini)
    before = counts(path)
    lines = run_python("""
        import resource, signal
        store = SessionStore(sys.argv[1])
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)       # a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (512, resource.RLIM_INFINITY))
        big = dict(ENTRY, note="x" * 20000)
        report("full", lambda: store.append_batch(sys.argv[2], [big], [("reference_opened", {"reference_id": "card"}, 0)]))
        report("full-again", lambda: store.append_input(sys.argv[2], big))
        resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        report("after", lambda: store.append_input(sys.argv[2], ENTRY))
        store.close()
    """, str(path), ids[-1])
    assert [line["step"] for line in lines] == ["full", "full-again", "after"]
    for line in lines[:2]:
        assert_clear(line["error"], path, "cannot write", "full", "what was recorded before is safe")
    assert lines[2].get("ok")
    after = counts(path)
    assert after[ids[-1]] == before[ids[-1]] + 1        # the failed batch left nothing half-written
    assert {k: v for k, v in after.items() if k != ids[-1]} == {k: v for k, v in before.items() if k != ids[-1]}
    assert "2 sessions verified, 0 with problems" in cli_verify_passes(tmp_path / "home")


def test_a_full_disk_fails_the_write_clearly_and_writes_again_once_space_is_freed(tmp_path, mini):
    prefix = needs_namespace()
    home, out = tmp_path / "home", tmp_path / "copy"
    path, ids = make_home(home, mini)
    before = counts(path)
    lines = run_python("""
        import shutil, subprocess
        home, out, session = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
        keep = Path(sys.argv[2]) / "original"
        shutil.copytree(home, keep)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(home)], check=True)
        shutil.copytree(keep, home, dirs_exist_ok=True)
        store = SessionStore(home / "records" / "sessions.sqlite3")      # open before the disk fills up
        filler = home / "filler.bin"
        handle = os.open(filler, os.O_WRONLY | os.O_CREAT)
        try:                                       # fill the disk to the last byte
            while os.write(handle, bytes(512)):
                pass
        except OSError:
            pass
        finally:
            os.close(handle)
        report("open", lambda: SessionStore(home / "records" / "sessions.sqlite3"))
        big = dict(ENTRY, note="x" * 20000)
        report("full", lambda: store.append_input(session, big))
        filler.unlink()
        report("after", lambda: store.append_input(session, ENTRY))
        store.close()
        shutil.copytree(home / "records", out / "records")
        shutil.copytree(home / "config", out / "config")      # the records key travels with the store
    """, str(home), str(out), ids[-1], prefix=prefix)
    assert [line["step"] for line in lines] == ["open", "full", "after"]
    if "error" in lines[0]:         # a second opening on a full disk works when SQLite's side files exist
        assert_clear(lines[0]["error"], home / "records" / "sessions.sqlite3", "full", "free some space")
    assert_clear(lines[1]["error"], home / "records" / "sessions.sqlite3", "the disk is full", "free some space",
                 "what was recorded before is safe")
    assert lines[2].get("ok")
    after = counts(out / "records" / "sessions.sqlite3")
    assert after[ids[-1]] == before[ids[-1]] + 1
    assert "2 sessions verified, 0 with problems" in cli_verify_passes(out)


# -- read-only data folder ----------------------------------------------------------------------
READ_ONLY_CHILD = """
    import subprocess
    home, session = Path(sys.argv[1]), sys.argv[2]
    path = home / "records" / "sessions.sqlite3"
    def mount(*options):
        subprocess.run(["mount", *options, str(home), str(home)], check=True)
    mount("--bind")
    mount("-o", "remount,ro,bind")
    report("open-read-only", lambda: SessionStore(path))
    report("new-store", lambda: SessionStore(home / "records" / "other.sqlite3"))
    from hydra_sim import cli
    print(json.dumps({"step": "cli", "code": cli.main(["retention", "--months", "12", "--yes", "--home", str(home)])}),
          flush=True)
    import contextlib, io
    out = io.StringIO()
    with contextlib.redirect_stdout(out):       # verify only reads: a read-only store is checked as it is
        code = cli.main(["verify", "--home", str(home)])
    print(json.dumps({"step": "verify", "code": code, "out": out.getvalue()}), flush=True)
    # (a folder cannot be remounted read-only while the store has files open in it, so a
    # fault that appears mid-session is the locked and full cases, not this one)
    mount("-o", "remount,rw,bind")
    store = SessionStore(path)
    report("write-again", lambda: store.append_input(session, ENTRY))
    store.close()
"""


def test_a_read_only_folder_is_named_and_nothing_is_lost(tmp_path, mini, capfd):
    prefix = needs_namespace()
    home = tmp_path / "home"
    path, ids = make_home(home, mini)
    before = counts(path)
    result = subprocess.run([*prefix, sys.executable, "-c", PRELUDE + textwrap.dedent(READ_ONLY_CHILD),
                             str(home), ids[-1]], capture_output=True, text=True, timeout=TIMEOUT, env=ENV, cwd=REPO)
    assert result.returncode == 0, result.stderr
    lines = {line["step"]: line for line in map(json.loads, filter(None, result.stdout.splitlines()))}
    for step in ("open-read-only", "new-store"):
        assert_clear(lines[step]["error"], home / "records", "read-only", "--home")
    assert lines["cli"]["code"] == 1 and "read-only" in result.stderr and "Traceback" not in result.stderr
    assert lines["verify"]["code"] == 0 and "2 sessions verified, 0 with problems" in lines["verify"]["out"]
    assert lines["write-again"].get("ok")
    assert not (home / "records" / "other.sqlite3").exists()
    after = counts(path)
    assert after[ids[-1]] == before[ids[-1]] + 1
    assert "2 sessions verified, 0 with problems" in cli_verify_passes(home)


@cache
def unprivileged_prefix() -> tuple[str, ...] | None:
    """Run a child as an ordinary user: nothing when we are one, ``setpriv`` to nobody as root."""
    if os.name != "posix":
        return None
    if os.geteuid() != 0:
        return ()
    if shutil.which("setpriv") is None:
        return None
    prefix = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")
    probe = subprocess.run([*prefix, sys.executable, "-c", "import hydra_sim.records"], capture_output=True,
                           timeout=TIMEOUT, env=ENV, cwd="/")
    return prefix if probe.returncode == 0 else None


def test_a_folder_or_file_without_write_permission_is_named_for_an_ordinary_user(mini):
    prefix = unprivileged_prefix()
    if prefix is None:
        pytest.skip("no way to run a child as an ordinary user here (root without a usable setpriv)")
    folder = Path(tempfile.mkdtemp(prefix="hydra-ro-"))      # not under pytest's root-only tmp folder
    try:
        folder.chmod(0o755)
        home = folder / "home"
        path, ids = make_home(home, mini)
        before, original = counts(path), path.read_bytes()
        for item in (home, home / "records", path):
            if prefix:
                os.chown(item, 65534, 65534)
        (home / "records").chmod(0o555)
        lines = run_python("""
            home = Path(sys.argv[1])
            report("folder", lambda: SessionStore(home / "records" / "sessions.sqlite3"))
        """, str(home), prefix=list(prefix), cwd=Path("/"))
        assert_clear(lines[0]["error"], home / "records", "read-only", "--home")
        (home / "records").chmod(0o755)
        path.chmod(0o444)
        lines = run_python("""
            report("file", lambda: SessionStore(Path(sys.argv[1]) / "records" / "sessions.sqlite3"))
        """, str(home), prefix=list(prefix), cwd=Path("/"))
        assert_clear(lines[0]["error"], path, "the file is read-only")
        assert path.read_bytes() == original
        path.chmod(0o644)
        assert counts(path) == before
    finally:
        for item in folder.rglob("*"):
            if item.is_dir():
                item.chmod(0o755)
        shutil.rmtree(folder)


# -- a store locked by another program ------------------------------------------------------------
def test_a_store_locked_by_another_program_says_so_and_writes_once_released(tmp_path, mini, monkeypatch):
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 300)   # wait 0.3 s for the lock, not 5 s
    home = tmp_path / "home"
    path, ids = make_home(home, mini)
    before = counts(path)
    store = SessionStore(path)
    with locked_by_another_program(path) as release:
        with pytest.raises(StoreError) as caught:
            store.append_batch(ids[-1], [{"type": "reference", "id": "card", "clock": 0}],
                               [("reference_opened", {"reference_id": "card"}, 0)])
        assert_clear(caught.value.message, path, "in use by another program", "try again", "safe")
        assert "0.3 s" in caught.value.message
        assert len(store.sessions()) == 2                 # reading still works while it is locked
        release()
    store.append_batch(ids[-1], [{"type": "reference", "id": "card", "clock": 0}],
                       [("reference_opened", {"reference_id": "card"}, 0)])
    store.close()
    after = counts(path)
    assert after[ids[-1]] == before[ids[-1]] + 2
    assert "2 sessions verified, 0 with problems" in cli_verify_passes(home)


# -- truncated and damaged files -----------------------------------------------------------------
def _truncate(fraction: float | int):
    def mutate(path: Path) -> None:
        size = path.stat().st_size
        os.truncate(path, fraction if isinstance(fraction, int) else int(size * fraction))
    return mutate


def _flip(offset: int):
    def mutate(path: Path) -> None:
        data = bytearray(path.read_bytes())
        data[offset] ^= 0xFF
        path.write_bytes(bytes(data))
    return mutate


def _zero_wal(path: Path) -> None:
    wal = Path(f"{path}-wal")
    wal.write_bytes(bytes(wal.stat().st_size))


def _flip_wal_middle(path: Path) -> None:
    wal = Path(f"{path}-wal")
    data = bytearray(wal.read_bytes())
    data[len(data) // 2] ^= 0xFF
    wal.write_bytes(bytes(data))


DAMAGE = {
    "truncated-header": (_truncate(50), False), "truncated-first-page": (_truncate(4096), False),
    "truncated-half": (_truncate(0.5), False), "truncated-end": (_truncate(0.97), False),
    "header-magic": (_flip(0), False), "header-page-size": (_flip(16), False),
    "header-page-count": (_flip(28), False), "header-format-number": (_flip(60), False),
    "header-schema": (_flip(100), False), "first-btree-page": (_flip(4096 + 8), False),
    "wal-zeroed": (_zero_wal, True), "wal-damaged-frame": (_flip_wal_middle, True),
}


@pytest.fixture(scope="module")
def damaged_sources(tmp_path_factory):
    """Two homes to damage: a checkpointed store, and one whose last sessions are still in its WAL."""
    from hydra_sim.engine import load_scenario
    mini = load_scenario(MINI).raise_for_errors()
    base = tmp_path_factory.mktemp("damage")
    make_home(base / "plain", mini, finished=3)
    shutil.copytree(base / "plain", base / "wal")
    run_python("""
        store = SessionStore(sys.argv[1])
        for _ in range(3):
            play(store, mini)
        os._exit(0)        # leave the WAL as a crash would
    """, str(base / "wal" / "records" / "sessions.sqlite3"))
    assert Path(f"{base / 'wal' / 'records' / 'sessions.sqlite3'}-wal").stat().st_size > 100_000
    return base


def _snapshot(records: Path) -> dict[str, bytes]:
    """The files that hold data (SQLite may add an empty -wal or a -shm index beside a damaged file)."""
    return {p.name: p.read_bytes() for p in records.iterdir()
            if not p.name.endswith("-shm") and p.stat().st_size > 0}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_store_gives_a_clear_message_and_is_never_changed(damage, damaged_sources, tmp_path):
    mutate, in_wal = DAMAGE[damage]
    home = tmp_path / "home"
    shutil.copytree(damaged_sources / ("wal" if in_wal else "plain"), home)
    path = home / "records" / "sessions.sqlite3"
    mutate(path)
    original = _snapshot(home / "records")
    with pytest.raises(StoreError) as caught:
        SessionStore(path)
    assert_clear(caught.value.message, path, "kept as")
    assert any(word in caught.value.message for word in ("is damaged", "not a hydra_sim session store"))
    for command in (["verify"], ["export", "--format", "json"], ["trainee", "export", TRAINEE.trainee_id]):
        result = run_cli("--home", str(home), *command)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert str(path) in result.stderr and "Traceback" not in result.stderr, result.stderr
        assert "damaged" in result.stderr or "not a hydra_sim" in result.stderr, result.stderr
    assert _snapshot(home / "records") == original


def test_a_store_cut_short_at_any_page_is_refused(damaged_sources, tmp_path):
    """Truncation that removes only trailing pages (free space, a table's tail) can pass SQLite's
    quick_check; the size check against the header catches every cut, page-aligned or not."""
    source = damaged_sources / "plain" / "records" / "sessions.sqlite3"
    data = source.read_bytes()
    page = int.from_bytes(data[16:18], "big")
    pages = len(data) // page
    cuts = sorted({len(data) - k * page for k in range(1, min(pages - 1, 12))} | {len(data) - 1, len(data) - 100})
    for cut in cuts:
        path = tmp_path / f"cut-{cut}" / "sessions.sqlite3"
        path.parent.mkdir()
        path.write_bytes(data[:cut])
        with pytest.raises(StoreError) as caught:
            SessionStore(path)
        assert "is damaged" in caught.value.message and "cut short" in caught.value.message or \
            "part-way through a page" in caught.value.message, (cut, caught.value.message)
        assert path.read_bytes() == data[:cut]


def test_a_changed_byte_inside_a_record_is_found_by_verify_and_left_as_it_is(damaged_sources, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(damaged_sources / "plain", home)
    path = home / "records" / "sessions.sqlite3"
    data = bytearray(path.read_bytes())
    at = data.find(b'"ambulance"')          # a decision's selection, in the middle of a data page
    assert at > 4096
    data[at + 1:at + 10] = b"ambulancf"     # same length, still valid JSON and UTF-8
    path.write_bytes(bytes(data))
    original = _snapshot(home / "records")
    result = run_cli("--home", str(home), "verify")
    assert result.returncode == 1 and "with problems" in result.stdout and "1 with problems" in result.stdout
    assert "Traceback" not in result.stderr
    assert _snapshot(home / "records") == original


def test_an_empty_store_file_is_a_new_store(tmp_path, mini):
    """A zero-byte file holds nothing to lose (SQLite leaves one before its first write): it becomes a store."""
    path = tmp_path / "home" / "records" / "sessions.sqlite3"
    path.parent.mkdir(parents=True)
    path.touch()
    with SessionStore(path) as store:
        assert store.sessions() == []
        play(store, mini)
    assert "1 session verified, 0 with problems" in cli_verify_passes(tmp_path / "home")


def test_a_clean_wal_left_by_a_crash_is_read_in_full(damaged_sources, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(damaged_sources / "wal", home)
    with SessionStore(home / "records" / "sessions.sqlite3") as store:
        assert len(store.sessions(status="finished")) == 6 and len(store.sessions()) == 7
    with closing(sqlite3.connect(home / "records" / "sessions.sqlite3")) as conn:     # now merged into the file
        assert conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 7

"""Shared helpers for the records tests (imported by them, never collected): a played, recorded and
finished session of the mini scenario, engine events in the store's shapes, a v1 store built with
the v1 layout, raw SQL access, store_child.py processes, a store locked by another program, the fuzz modules' hypothesis settings, and the common fixtures (``mini``,
``store_path``, ``store``, ``forget_home``), which conftest.py hands to pytest."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing, contextmanager
from dataclasses import asdict
from pathlib import Path

import pytest

from hydra_sim import paths
from hydra_sim.engine import (
    DecisionRecorded,
    Ended,
    InjectFired,
    ReferenceOpened,
    ScenarioRunner,
    SceneEntered,
    load_scenario,
    score_runner,
)
from hydra_sim.records import SessionStore, TraineeInfo

REPO = Path(__file__).resolve().parents[2]
MINI = REPO / "tests" / "fixtures" / "mini" / "mini.yaml"
TRAINEE = TraineeInfo("t-7f3a", display_name="PC Example", force="Brackenford", role="call_handler")
GOOD_PATH = [("open_reference", "card"), ("choose", "ambulance"), ("advance", 30), ("choose", ["doors", "bwv"]),
             ("choose", ["medical", "lorry", "forms"]), ("choose", {"threat_risk": "people may suffocate"}),
             ("choose", "arrest", "he controls the vehicle"), ("continue_",)]

CHILD = REPO / "tests" / "records" / "store_child.py"
CHILD_TIMEOUT = 60          # seconds before a stuck child is killed (a watchdog, never a sleep)


# -- fixtures (conftest.py makes them visible to the tests) --------------------------------
@pytest.fixture
def forget_home():
    """The CLI sets the home folder for the process; put it back for the next test.

    Modules that run the CLI use it with ``pytestmark = pytest.mark.usefixtures("forget_home")``."""
    yield
    paths.set_home(None)


@pytest.fixture(scope="module")
def mini():
    return load_scenario(MINI).raise_for_errors()


@pytest.fixture
def store_path(tmp_path) -> Path:
    return tmp_path / "home" / "records" / "sessions.sqlite3"


@pytest.fixture
def store(store_path):
    with SessionStore(store_path) as opened:
        yield opened


# -- recording a live runner ---------------------------------------------------------------
def event_record(event) -> tuple[str, dict, int]:
    """(kind, data, clock) for an engine event, stored as ``dataclasses.asdict``."""
    if isinstance(event, DecisionRecorded):
        return "decision_recorded", asdict(event), event.record.clock
    kinds = {SceneEntered: "scene_entered", InjectFired: "inject_fired", ReferenceOpened: "reference_opened",
             Ended: "ended"}
    return kinds[type(event)], asdict(event), event.clock


def gui_event(event) -> tuple[str, dict, int]:
    """(kind, data, clock) in the flat shape the app stores (the controller and ``play --record``
    share records/recording.py's ``event_data``)."""
    from hydra_sim.records.recording import event_data
    return event_data(event)


def play(store: SessionStore, scenario, trainee: TraineeInfo = TRAINEE, steps=GOOD_PATH, finish: bool = True,
         seed: int | None = None) -> str:
    """Record a session of ``scenario`` as the app does; returns its id (finished with its score by default).

    ``seed``: the presentation seed (None: recorded as before seeds existed, in the file order)."""
    session_id = store.start_session(trainee, scenario)
    runner = ScenarioRunner(scenario, seed=seed)
    runner.subscribe(lambda event: store.append_event(session_id, *event_record(event)))
    runner.start()
    if seed is not None:
        store.append_input(session_id, runner.log[0])      # the order entry
    for step, *args in steps:
        if step == "advance":
            runner.advance(*args)
            store.checkpoint_clock(session_id, runner.clock.seconds)
            continue
        getattr(runner, step)(*args)
        store.append_input(session_id, runner.log[-1], clock_after=runner.clock.seconds)
    if finish:
        store.finish_session(session_id, score_runner(runner).to_dict())
    return session_id


# -- hypothesis ---------------------------------------------------------------------------------
def fuzz_settings(profile: str, examples: int):
    """Deterministic, bounded hypothesis settings for a fuzz module (registered as ``profile``);
    HYDRA_FUZZ_EXAMPLES, when set, replaces the default ``examples``."""
    from hypothesis import HealthCheck, Phase, settings  # only the fuzz modules need hypothesis

    settings.register_profile(profile, derandomize=True, deadline=None, database=None, print_blob=True,
                              phases=(Phase.explicit, Phase.generate, Phase.shrink),
                              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    return settings(settings.get_profile(profile), max_examples=int(os.environ.get("HYDRA_FUZZ_EXAMPLES") or examples))


# -- store_child.py processes ----------------------------------------------------------------
def start_child(*args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, str(CHILD), *args], cwd=REPO, env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def read_line(child: subprocess.Popen) -> str:
    line = child.stdout.readline()
    if not line:
        child.wait()
        raise AssertionError(f"the child ended early ({child.returncode}): {child.stderr.read()}")
    return line.strip()


# A child that holds an exclusive lock on the store until it reads a line (another program's lock).
LOCKER = textwrap.dedent("""
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    print("locked", flush=True)
    sys.stdin.readline()
    conn.execute("COMMIT")
    conn.close()
    print("released", flush=True)
""")


@contextmanager
def locked_by_another_program(path: Path):
    """Hold an exclusive lock on the store at ``path`` in a child process; yields ``release()``, which
    lets go of it and waits until it has. Leaving the block ends the child (released or not)."""
    locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def release() -> None:
        locker.stdin.write("go\n")
        locker.stdin.flush()
        assert locker.stdout.readline().strip() == "released"

    try:
        assert locker.stdout.readline().strip() == "locked", locker.stderr.read()
        yield release
    finally:
        try:
            locker.stdin.close()            # also ends a locker still waiting for "go"
        except BrokenPipeError:
            pass
        locker.wait(timeout=CHILD_TIMEOUT)
        locker.stdout.close()
        locker.stderr.close()


def raw(path: Path, sql: str, args=()) -> list[tuple]:
    """Run one statement on the store file directly (as someone with an SQLite tool would) and commit."""
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute(sql, args).fetchall()
        conn.commit()
        return rows


# The v1 layout, frozen here as it was published (hydra_sim 'records' format 1), so the
# migration tests keep testing upgrades from real v1 files whatever later code does.
V1_DDL = """
CREATE TABLE sessions (
    session_id TEXT PRIMARY KEY NOT NULL, trainee_id TEXT NOT NULL, display_name TEXT NOT NULL DEFAULT '',
    force TEXT NOT NULL DEFAULT '', role TEXT NOT NULL DEFAULT '', scenario_id TEXT NOT NULL,
    scenario_version TEXT NOT NULL, scenario_hash TEXT NOT NULL, scenario_path TEXT NOT NULL,
    scenario_title TEXT NOT NULL, catalogues_json TEXT NOT NULL, started_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    ended_at TEXT, status TEXT NOT NULL CHECK (status IN ('in_progress', 'finished', 'abandoned')),
    clock INTEGER NOT NULL DEFAULT 0, replay_clock INTEGER NOT NULL DEFAULT 0,
    replay_exact INTEGER NOT NULL DEFAULT 1, checkpointed INTEGER NOT NULL DEFAULT 0, scene_id TEXT,
    result_json TEXT, percent REAL, grade TEXT, ending_id TEXT, critical_failures_json TEXT NOT NULL DEFAULT '[]');
CREATE INDEX sessions_by_trainee ON sessions (trainee_id, started_at);
CREATE INDEX sessions_by_status ON sessions (status, started_at);
CREATE TABLE events (
    session_id TEXT NOT NULL REFERENCES sessions (session_id), seq INTEGER NOT NULL, kind TEXT NOT NULL,
    is_input INTEGER NOT NULL CHECK (is_input IN (0, 1)), clock INTEGER NOT NULL, recorded_at TEXT NOT NULL,
    data_json TEXT NOT NULL, PRIMARY KEY (session_id, seq)) WITHOUT ROWID;
PRAGMA application_id = 1213809747;
PRAGMA user_version = 1;
"""

V1_SESSION_COLUMNS = ("session_id", "trainee_id", "display_name", "force", "role", "scenario_id", "scenario_version",
                      "scenario_hash", "scenario_path", "scenario_title", "catalogues_json", "started_at",
                      "updated_at", "ended_at", "status", "clock", "replay_clock", "replay_exact", "checkpointed",
                      "scene_id", "result_json", "percent", "grade", "ending_id", "critical_failures_json")


def make_v2_store(path: Path, records: list[dict]) -> None:
    """A format-2 store holding ``records``: the v1 file upgraded by the published migration 2, then the
    records' notes and overrides as format 2 kept them (no review chain, no seal, no key anywhere)."""
    from hydra_sim.records import schema
    make_v1_store(path, records)
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("BEGIN")
        schema._v1_to_v2(conn)
        for record in records:
            session_id = record["session"]["session_id"]
            conn.executemany("INSERT INTO annotations (session_id, seq, author, text, created_at) VALUES (?, ?, ?, ?, ?)",
                             [(session_id, a["seq"], a["author"], a["text"], a["created_at"])
                              for a in record["annotations"]])
            conn.executemany("INSERT INTO grade_overrides (session_id, grade_id, reason, author, created_at)"
                             " VALUES (?, ?, ?, ?, ?)", [(session_id, o["grade_id"], o["reason"], o["author"],
                                                          o["created_at"]) for o in record["grade_overrides"]])
        conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID:d}")
        conn.execute("PRAGMA user_version = 2")
        conn.execute("COMMIT")


def make_v1_store(path: Path, records: list[dict]) -> None:
    """A format-1 store holding ``records`` (``session_record`` dicts; their v2-only fields are dropped)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(V1_DDL)
        for record in records:
            session = record["session"]
            conn.execute(f"INSERT INTO sessions ({', '.join(V1_SESSION_COLUMNS)}) VALUES "
                         f"({', '.join('?' * len(V1_SESSION_COLUMNS))})", [session[c] for c in V1_SESSION_COLUMNS])
            conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)", [
                (session["session_id"], e["seq"], e["kind"], int(e["is_input"]), e["clock"], e["recorded_at"],
                 json.dumps(e["data"], separators=(",", ":"))) for e in record["events"]])
        conn.commit()

"""Kill the app (SIGKILL) at seeded random moments while it plays the flagship, again and again.

fault_child.py runs the real app offscreen on one home folder and plays by a seeded random
policy, printing a line when it is about to write a runner call (WRITE) and once a decision
is recorded and on screen (SHOWN). The test kills it right after a chosen SHOWN line, or
right after a chosen WRITE line (the kill then lands somewhere in that write or just after
it), starts it again on the same home, where it resumes the unfinished session through the
start screen, and repeats. At the end: every decision that was shown is in the store (same
scene, same selection, same order), the session finished, and ``hydra-sim verify`` passes.
No sleeps: the test waits on the child's output lines, with a watchdog that kills a stuck child.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from helpers import REPO

from hydra_sim.records import SessionStore

CHILD = Path(__file__).with_name("fault_child.py")
WATCHDOG_SECONDS = 90            # a stuck child is killed (never a wait in the normal case)
KILLS = 5
MAX_RUNS = KILLS + 4

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only")


def run_child(home: Path, seed: int, log: Path, kill_at: tuple[str, int] | None) -> tuple[list[str], bool]:
    """One run of the app; killed after the ``kill_at`` ("SHOWN" or "WRITE", count in this run) line."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    with log.open("a", encoding="utf-8") as errors:
        child = subprocess.Popen([sys.executable, str(CHILD), str(home), str(seed)], stdout=subprocess.PIPE,
                                 stderr=errors, text=True, env=env, cwd=REPO)
    watchdog = threading.Timer(WATCHDOG_SECONDS, child.kill)
    watchdog.start()
    lines: list[str] = []
    seen = {"SHOWN": 0, "WRITE": 0}
    killed = False
    try:
        for line in child.stdout:
            line = line.strip()
            lines.append(line)
            kind = line.split(" ", 1)[0]
            if kind in seen:
                seen[kind] += 1
                if kill_at is not None and kill_at == (kind, seen[kind]):
                    os.kill(child.pid, signal.SIGKILL)
                    killed = True
                    break
            if kind in ("DONE", "ERROR"):
                break
        child.wait(timeout=WATCHDOG_SECONDS)
    finally:
        watchdog.cancel()
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
    if killed:
        assert child.returncode == -signal.SIGKILL
    else:
        assert child.returncode == 0, f"exit {child.returncode}: {lines[-3:]}\n{log.read_text()[-3000:]}"
    assert not any(line.startswith("ERROR") for line in lines), lines
    return lines, killed


def test_sigkill_at_random_moments_loses_no_shown_decision_and_the_session_completes(tmp_path):
    rng = random.Random(6_2026)
    home, log = tmp_path / "home", tmp_path / "child.log"
    shown: dict[int, tuple[str, object]] = {}
    kills, session_id, done = 0, None, False
    for run in range(MAX_RUNS):
        kill_at = None
        if kills < KILLS:
            kill_at = (rng.choice(["SHOWN", "WRITE", "WRITE"]), rng.randint(1, 2))
        lines, killed = run_child(home, rng.randrange(1_000_000), log, kill_at)
        head = next((line.split() for line in lines if line.startswith(("STARTED ", "RESUMED "))), None)
        if head is not None:
            # the first run starts the session; every later one resumes it through the start screen
            assert head[0] == ("STARTED" if run == 0 else "RESUMED"), lines
            session_id = session_id or head[1]
            assert head[1] == session_id, lines
            if head[0] == "RESUMED":
                assert int(head[2]) >= len(shown)       # at least every decision shown so far came back
        for line in lines:
            if line.startswith("SHOWN "):
                _, n, scene, _clock, selection = line.split(" ", 4)
                shown[int(n)] = (scene, json.loads(selection))
            if line.startswith("DONE "):
                done = True
        kills += killed
        if done:
            break
    assert done, f"the session did not finish in {MAX_RUNS} runs"
    assert kills >= 3, f"only {kills} kills landed before the session finished"
    assert len(shown) >= 5     # (numbers may skip one that was stored but killed before it was shown)

    with SessionStore(home / "records" / "sessions.sqlite3") as store:
        summary = store.session(session_id)
        decisions = [e["data"] for e in store.events(session_id) if e["kind"] == "decision_recorded"]
        assert len(store.sessions()) == 1
    assert summary.status == "finished" and summary.ending_id
    for n, (scene, selection) in shown.items():
        stored = decisions[n - 1]
        assert (stored["scene_id"], stored["selection"]) == (scene, selection), f"decision {n}"
    verify = subprocess.run([sys.executable, "-m", "hydra_sim", "--home", str(home), "verify"],
                            capture_output=True, text=True, timeout=WATCHDOG_SECONDS, cwd=REPO,
                            env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "1 session verified, 0 with problems" in verify.stdout

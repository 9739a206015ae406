"""The issue's multi-process test: a facilitator and three syndicate stations as separate processes.

On loopback: the stations play the flagship's play scripts; the facilitator (``hydra-sim
facilitate --headless``, driven on stdin) adjusts a timer, ends one syndicate, injects
(free text and prepared) to a station that was SIGKILLed and is restarted on the same
home, pauses and resumes another. At the end every station's store and the facilitator's
store hold the same events per session, and ``hydra-sim verify`` passes on every store.
Waits are on the processes' JSON-line events, each bounded.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading

import pytest
from exercise_support import BEST, CARELESS, FLAGSHIP, WAIT

from hydra_sim.records.store import SessionStore

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses SIGKILL")
CODE = "K7QM2X"


class Process:
    """A hydra-sim child process whose stdout JSON lines are collected; ``wait_for`` a matching line."""

    def __init__(self, args: list[str], name: str):
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.name = name
        self.proc = subprocess.Popen([sys.executable, "-m", "hydra_sim", *args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.lines: list[dict] = []
        self.stderr: list[str] = []
        self._cond = threading.Condition()
        self._readers = [threading.Thread(target=self._read, daemon=True),
                         threading.Thread(target=lambda: self.stderr.extend(self.proc.stderr), daemon=True)]
        for reader in self._readers:
            reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            with self._cond:
                self.lines.append(event)
                self._cond.notify_all()

    def wait_for(self, what: str, timeout: float = WAIT, **match) -> dict:
        def found():
            return next((e for e in self.lines if all(e.get(k) == v for k, v in match.items())), None)
        with self._cond:
            event = self._cond.wait_for(found, timeout)
        assert event is not None, f"{self.name}: no {what} within {timeout} s; stderr: {''.join(self.stderr)[-2000:]}"
        return event

    def send(self, line: str) -> None:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def finish(self, timeout: float = WAIT) -> int:
        try:
            return self.proc.wait(timeout)
        finally:
            self.close()

    def close(self) -> None:
        """Kill it if still running, and close its pipes once the readers have drained them."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)
        for reader in self._readers:
            reader.join(10)
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                pipe.close()
            except OSError:             # stdin of a killed process: the pipe is already broken
                pass


def station(home, port: int, name: str, plan, *holds: str, pace: float = 0.0) -> Process:
    args = ["--pace", str(pace)] if pace else []
    args = ["station", "--home", str(home), "--host", "127.0.0.1", "--port", str(port), "--code", CODE,
            "--syndicate", name, "--member", f"{name} lead", "--member", f"{name} loggist", "--script", str(plan),
            "--station-id", f"{name}-1", "--timeout", "60", *args]
    for scene in holds:
        args += ["--hold-at", scene]
    return Process(args, name)


def command(facilitator: Process, line: str) -> dict:
    facilitator.send(line)
    reply = facilitator.wait_for(f"the reply to '{line}'", command=line)
    assert reply["event"] == "command", reply
    return reply


def test_facilitator_and_three_station_processes(tmp_path):
    homes = {name: tmp_path / name for name in ("facilitator", "Alpha", "Bravo", "Charlie")}
    facilitator = Process(["facilitate", str(FLAGSHIP), "--headless", "--host", "127.0.0.1", "--port", "0",
                           "--code", CODE, "--home", str(homes["facilitator"])], "facilitator")
    processes = [facilitator]
    try:
        listening = facilitator.wait_for("listening line", event="listening")
        port = listening["port"]
        alpha = station(homes["Alpha"], port, "Alpha", BEST, "lorry_moving", "priorities")
        bravo = station(homes["Bravo"], port, "Bravo", CARELESS, "control_next")
        charlie = station(homes["Charlie"], port, "Charlie", BEST, "fim_command")
        processes += [alpha, bravo, charlie]

        # Alpha at its timed decision: the facilitator gives it 30 s more.
        facilitator.wait_for("Alpha at lorry_moving", event="syndicate", syndicate="Alpha", scene="lorry_moving")
        timer = command(facilitator, "timer Alpha 30")["interventions"][0]
        facilitator.wait_for("the timer applied", event="intervention_applied", command_id=timer["command_id"])

        # Charlie is ended by the facilitator.
        facilitator.wait_for("Charlie at fim_command", event="syndicate", syndicate="Charlie", scene="fim_command")
        command(facilitator, "end Charlie")
        facilitator.wait_for("Charlie ended", event="syndicate", syndicate="Charlie", ended=True,
                             outcome="ended by the facilitator")

        # Bravo's station is killed mid-exercise; injects wait for it; it restarts on the same home.
        facilitator.wait_for("Bravo at control_next", event="syndicate", syndicate="Bravo", scene="control_next")
        bravo.wait_for("Bravo holding", event="scene", scene="control_next")
        bravo.proc.send_signal(signal.SIGKILL)
        assert bravo.finish() == -signal.SIGKILL
        facilitator.wait_for("Bravo gone", event="station_left", syndicate="Bravo")
        text = command(facilitator, "inject Bravo The press office is on the phone.")["interventions"][0]
        prepared = command(facilitator, "inject-id Bravo press_enquiry")["interventions"][0]
        assert text["status"] == prepared["status"] == "queued"
        # The two injects arrive back to back; the pace leaves them a second to land before the script ends.
        bravo = station(homes["Bravo"], port, "Bravo", CARELESS, "control_next", pace=0.2)
        processes.append(bravo)
        bravo.wait_for("Bravo resumed", event="resumed")
        for queued in (text, prepared):
            facilitator.wait_for("a queued inject applied", event="intervention_applied",
                                 command_id=queued["command_id"])

        # Alpha is paused and resumed at priorities.
        facilitator.wait_for("Alpha at priorities", event="syndicate", syndicate="Alpha", scene="priorities")
        command(facilitator, "pause Alpha")
        facilitator.wait_for("Alpha paused", event="syndicate", syndicate="Alpha", paused=True)
        command(facilitator, "resume Alpha")

        for proc in (alpha, bravo, charlie):
            assert proc.finish(60) == 0, proc.stderr
        facilitator.wait_for("the exercise ended", event="exercise_ended")
        facilitator.send("quit")
        assert facilitator.finish() == 0
    finally:
        for proc in processes:
            proc.close()

    store_of = {name: home / "records" / "sessions.sqlite3" for name, home in homes.items()}
    with SessionStore(store_of["facilitator"]) as fac:
        held = {s.trainee.trainee_id: s for s in fac.sessions()}
        assert sorted(held) == ["Alpha", "Bravo", "Charlie"]
        for name in ("Alpha", "Bravo", "Charlie"):
            with SessionStore(store_of[name]) as local:
                (mine,) = local.sessions()
                ours, theirs = local.session_record(mine.session_id), fac.session_record(mine.session_id)
                assert theirs["events"] == ours["events"], name
                unsealed = ("seal", "sealed_by", "origin_key")       # each store seals with its own key
                assert {k: v for k, v in theirs["session"].items() if k not in unsealed} == {
                    k: v for k, v in ours["session"].items() if k not in unsealed}, name
                assert theirs["session"]["origin_key"] == ours["session"]["sealed_by"]
                assert fac.verify(mine.session_id) == []
                seqs = [e["seq"] for e in ours["events"]]
                assert seqs == list(range(1, len(seqs) + 1))
        reports = {name: fac.report(held[name].session_id) for name in held}
    assert reports["Alpha"]["ending_id"] == "everyone_safe"
    assert [(i["action"], i.get("seconds")) for i in reports["Alpha"]["interventions"]] == [
        ("timer", 30), ("pause", None), ("resume", None)]
    assert reports["Charlie"]["outcome"] == "ended by the facilitator"
    assert reports["Bravo"]["ending_id"] == "death_in_trailer"
    bravo_injects = [i for i in reports["Bravo"]["interventions"] if i["action"] == "inject"]
    assert [(i.get("text"), i.get("inject_id")) for i in bravo_injects] == [
        ("The press office is on the phone.", None), (None, "press_enquiry")]          # once each, in order
    assert all(r["facilitated"] for r in reports.values())
    for name, home in homes.items():
        verify = subprocess.run([sys.executable, "-m", "hydra_sim", "verify", "--home", str(home)],
                                capture_output=True, text=True, timeout=60)
        assert verify.returncode == 0, (name, verify.stdout, verify.stderr)

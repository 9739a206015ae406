"""A child process for the store's crash and concurrency tests (run as a script, never imported by pytest).

It talks to the test over stdin/stdout, one line at a time, so the test synchronises on
what the child has done (no sleeps):

  append-forever STORE SESSION
      prints "ready", then appends input n = 0, 1, 2, ... printing "appended n" after each
      append_input returns (so the test knows it is durable), until it is killed.
  append-concurrently STORE SHARED_SESSION OWN_SESSION WRITER COUNT
      prints "ready", waits for a line on stdin, then appends COUNT inputs to each session
      (alternating) and prints "done".
  append-own STORE SESSION WRITER COUNT
      prints "ready", waits for a line on stdin, appends COUNT inputs to SESSION, prints "done".
  import-bundle STORE BUNDLE
      prints "ready", waits for a line on stdin, imports the bundle and prints
      "done ADDED SKIPPED REJECTED".
"""

from __future__ import annotations

import sys
from pathlib import Path

from hydra_sim.records import SessionStore


def entry(writer: str, n: int) -> dict:
    return {"type": "reference", "id": "card", "clock": 0, "writer": writer, "n": n}


def append_forever(store_path: str, session_id: str) -> None:
    with SessionStore(Path(store_path)) as store:
        print("ready", flush=True)
        for n in range(1_000_000):          # bounded, so a forgotten child cannot run for ever
            store.append_input(session_id, entry("solo", n))
            print(f"appended {n}", flush=True)
        print("done", flush=True)
        sys.stdin.read()


def append_concurrently(store_path: str, shared: str, own: str, writer: str, count: str) -> None:
    with SessionStore(Path(store_path)) as store:
        print("ready", flush=True)
        sys.stdin.readline()
        for n in range(int(count)):
            store.append_input(shared, entry(writer, n))
            store.append_input(own, entry(writer, n))
        print("done", flush=True)


def append_own(store_path: str, session_id: str, writer: str, count: str) -> None:
    with SessionStore(Path(store_path)) as store:
        print("ready", flush=True)
        sys.stdin.readline()
        for n in range(int(count)):
            store.append_input(session_id, entry(writer, n))
        print("done", flush=True)


def import_bundle_child(store_path: str, bundle: str) -> None:
    from hydra_sim.records.bundles import import_bundle

    with SessionStore(Path(store_path)) as store:
        print("ready", flush=True)
        sys.stdin.readline()
        result = import_bundle(store, bundle)
        print(f"done {result.added} {result.skipped_existing} {len(result.rejected)}", flush=True)


if __name__ == "__main__":
    commands = {"append-forever": append_forever, "append-concurrently": append_concurrently,
                "append-own": append_own, "import-bundle": import_bundle_child}
    commands[sys.argv[1]](*sys.argv[2:])

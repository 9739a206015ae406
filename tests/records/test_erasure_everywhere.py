"""Erasure and access requests reach everything (issue 15 item 2): after ``trainee delete ID --yes``
no file under the home folder holds the trainee's id or name (walked and read as bytes), while
another trainee's records stay; ``trainee export`` names every place it looked; retention takes
the queued statements and registered exports with the sessions."""

from __future__ import annotations

import json
import os

import pytest
from records_support import REPO

from hydra_sim.cli import main
from hydra_sim.records import SessionStore, export_register
from hydra_sim.records.exports import gather_all
from hydra_sim.records.queue import XapiQueue
from hydra_sim.records.xapi import statements_for

pytestmark = pytest.mark.usefixtures("forget_home")
SCENARIO = REPO / "scenarios" / "layby-drop.yaml"
PLAN = REPO / "scenarios" / "layby-drop.best.plan.yaml"
ERASED, NAME = "TRN-0042", "Perpetua Erasmé"
KEPT, KEPT_NAME = "TRN-0777", "Kept Person"


def _holders(home, *needles: str) -> list[str]:
    found = []
    for root, _dirs, files in os.walk(home):
        for name in files:
            data = (os.path.join(root, name))
            with open(data, "rb") as handle:
                content = handle.read()
            if any(n.encode("utf-8") in content for n in needles):
                found.append(os.path.relpath(data, home))
    return found


def _home_with_everything(tmp_path, capsys):
    home = tmp_path / "home"
    for trainee, name in ((ERASED, NAME), (KEPT, KEPT_NAME)):
        assert main(["play", str(SCENARIO), "--script", str(PLAN), "--record", "--trainee", trainee, "--name",
                     name, "--home", str(home)]) == 0
    store_path = home / "records" / "sessions.sqlite3"
    with SessionStore(store_path) as store:
        records = gather_all(store, store.sessions())
    with XapiQueue(home / "records" / "xapi-queue.sqlite3") as queue:
        for record in records:
            queue.add("https://lrs.example.test/xapi", record.summary.session_id, statements_for([record]))
    exports = home / "exports"
    exports.mkdir()
    assert main(["export", "--home", str(home), "--trainee", ERASED, "--format", "csv",
                 "--output", str(exports / "report.csv")]) == 0
    assert main(["export-bundle", "--home", str(home), str(exports / "all.bundle")]) == 0
    assert main(["trainee", "--home", str(home), "export", ERASED, "--output", str(exports / "sar.json")]) == 0
    (home / "settings.ini").write_text(f"[trainee]\nid={ERASED}\nname={NAME}\n\n[view]\nzoom=1\n", encoding="utf-8")
    (home / "logs").mkdir(exist_ok=True)
    with open(home / "logs" / "hydra-sim.log", "a", encoding="utf-8") as log:
        log.write(f"2026-01-01 INFO old line for {ERASED}\n2026-01-01 INFO an ordinary line\n")
    cache = store_path.with_name(store_path.name + ".review-index.sqlite3")
    cache.write_bytes(f"index of {ERASED} {NAME}".encode())      # the review window's cache (a stand-in)
    capsys.readouterr()
    return home


def test_after_trainee_delete_no_file_under_home_holds_the_trainee(tmp_path, capsys):
    home = _home_with_everything(tmp_path, capsys)
    before = _holders(home, ERASED, NAME)
    assert {"records/xapi-queue.sqlite3", "exports/report.csv", "exports/all.bundle", "exports/sar.json",
            "settings.ini", "logs/hydra-sim.log", "records/export-register.json",
            "records/sessions.sqlite3.review-index.sqlite3"} <= set(before), before
    assert main(["trainee", "--home", str(home), "delete", ERASED, "--yes"]) == 0
    out = capsys.readouterr().out
    for place in ("session store", "xAPI queue", "exports the app wrote", "settings", "log", "caches",
                  "every other file under the home folder: nothing found"):
        assert place in out, out
    assert _holders(home, ERASED, NAME) == []
    # the other trainee keeps everything but the shared bundle (it held the erased person too)
    with SessionStore(home / "records" / "sessions.sqlite3") as store:
        assert store.trainee_ids() == [KEPT] and store.verify() == []
    assert "exports/all.bundle" not in _holders(home, KEPT) and "records/xapi-queue.sqlite3" in _holders(home, KEPT)
    assert "an ordinary line" in (home / "logs" / "hydra-sim.log").read_text()
    assert "zoom=1" in (home / "settings.ini").read_text()


def test_trainee_export_names_every_place_it_looked(tmp_path, capsys):
    home = _home_with_everything(tmp_path, capsys)
    assert main(["trainee", "--home", str(home), "export", ERASED]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    places = {p["where"]: p for p in data["places_searched"]}
    assert places["session store"]["found"] == 1
    assert places["xAPI queue"]["found"] > 0
    assert places["exports the app wrote"]["found"] == 3
    assert "report.csv" in places["exports the app wrote"]["done"]
    assert "places searched:" in captured.err and "xAPI queue" in captured.err


def test_retention_takes_queued_statements_and_exports_with_the_sessions(tmp_path, capsys, monkeypatch):
    from hydra_sim import paths
    from hydra_sim.records.privacy import delete_with_copies
    home = _home_with_everything(tmp_path, capsys)
    paths.set_home(home)
    with SessionStore(home / "records" / "sessions.sqlite3") as store:
        ids = [s.session_id for s in store.sessions(trainee_id=ERASED)]
        assert delete_with_copies(store, ids) == 1
    with XapiQueue(home / "records" / "xapi-queue.sqlite3") as queue:
        endpoint = "https://lrs.example.test/xapi"
        assert ids[0] not in queue.queued_sessions(endpoint) and queue.count(endpoint) > 0
    kinds = {e["kind"] for e in export_register.entries(home)}
    assert not (home / "exports" / "report.csv").exists() and not (home / "exports" / "sar.json").exists()
    assert kinds == {"bundle"}         # it holds the other trainee as well, so it stays until they go too

"""Session bundles (moving sessions between machines): round trip, idempotent re-import, rejection
of tampered or broken sessions without partial imports, the CLI, and a bundle imported while two
other processes write the same store. No Qt, no sleeps: children synchronise through stdout."""

from __future__ import annotations

import gzip
import json
import sqlite3
import threading
from contextlib import closing

import pytest
from records_support import CHILD_TIMEOUT, play, raw, read_line, start_child

from hydra_sim import cli
from hydra_sim.records import SessionStore, TraineeInfo
from hydra_sim.records.bundles import BundleError, ImportResult, export_bundle, import_bundle

pytestmark = pytest.mark.usefixtures("forget_home")


@pytest.fixture
def source(tmp_path, mini):
    """A store with three sessions of two trainees, one unfinished, with notes, an override and a rescore."""
    with SessionStore(tmp_path / "a" / "sessions.sqlite3") as store:
        ids = [play(store, mini, TraineeInfo("t-1")), play(store, mini, TraineeInfo("t-2")),
               play(store, mini, TraineeInfo("t-1"), steps=[("choose", "ambulance")], finish=False)]
        store.annotate(ids[0], 2, "Sgt", "note")
        store.override_grade(ids[0], "competent", "reason", "Sgt")
        store.rescore(ids[1], mini)
        store.ids = ids
        yield store


@pytest.fixture
def target(tmp_path):
    with SessionStore(tmp_path / "b" / "sessions.sqlite3") as store:
        yield store


def comparable(record: dict) -> dict:
    """A session record without the store-local ids of its notes, overrides and rescores, and without
    its seal (each store seals with its own key; an imported session names the exporter's in origin_key)."""
    def strip(rows):
        return [{k: v for k, v in row.items() if k != "id"} for row in rows]
    session = {k: v for k, v in record["session"].items() if k not in ("seal", "sealed_by", "origin_key")}
    return {**record, "session": session, "annotations": strip(record["annotations"]), "grade_overrides": strip(record["grade_overrides"]),
            "rescores": strip(record["rescores"])}


@pytest.mark.parametrize("name", ["sessions.jsonl", "sessions.jsonl.gz"])
def test_round_trip_copies_everything_and_reimport_adds_nothing(source, target, tmp_path, name):
    path = tmp_path / name
    assert export_bundle(source, path) == 3
    if name.endswith(".gz"):
        assert gzip.open(path).read(30).startswith(b'{"format": "hydra-sim-bundle"')
    assert import_bundle(target, path) == ImportResult(added=3, skipped_existing=0, rejected=[])
    for session_id in source.ids:
        assert comparable(target.session_record(session_id)) == comparable(source.session_record(session_id))
        assert target.inputs(session_id) == source.inputs(session_id)
    assert target.verify() == []
    assert import_bundle(target, path) == ImportResult(added=0, skipped_existing=3, rejected=[])
    assert len(target.sessions()) == 3 and len(target.annotations(source.ids[0])) == 1


def test_an_imported_unfinished_session_can_be_resumed_and_recorded(source, target, tmp_path, mini):
    from hydra_sim.engine import ScenarioRunner
    export_bundle(source, tmp_path / "b.jsonl", session_ids=[source.ids[2]])
    import_bundle(target, tmp_path / "b.jsonl")
    runner = ScenarioRunner.restore(mini, target.inputs(source.ids[2]))
    assert runner.scene_id == ScenarioRunner.restore(mini, source.inputs(source.ids[2])).scene_id
    target.append_input(source.ids[2], {"type": "reference", "id": "card", "clock": runner.clock.seconds})
    assert target.verify() == []


def test_export_of_one_trainee(source, target, tmp_path):
    assert export_bundle(source, tmp_path / "t1.jsonl", trainee_id="t-1") == 2
    assert import_bundle(target, tmp_path / "t1.jsonl").added == 2
    assert target.trainee_ids() == ["t-1"]
    assert export_bundle(source, tmp_path / "x.jsonl", session_ids=source.ids, trainee_id="t-2") == 1


def rewrite(path, change) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    header, records = lines[0], [json.loads(line) for line in lines[1:]]
    change(records)
    path.write_text("\n".join([header, *(json.dumps(r) for r in records)]) + "\n", encoding="utf-8")


def edit_data(records):
    records[0]["events"][2]["data"]["tampered"] = True


def drop_event(records):
    del records[0]["events"][3]


def swap_events(records):
    events = records[0]["events"]
    events[2]["seq"], events[3]["seq"] = events[3]["seq"], events[2]["seq"]
    events[2], events[3] = events[3], events[2]


def change_trainee(records):
    records[0]["session"]["trainee_id"] = "t-someone-else"


def change_grade(records):
    records[0]["session"]["grade"] = "not_yet_competent"


def drop_last(records):
    records[0]["events"].pop()


@pytest.mark.parametrize("change, words", [(edit_data, "changed"), (drop_event, "missing"), (swap_events, "event"),
                                           (change_trainee, "identity"), (change_grade, "score report"),
                                           (drop_last, "newest recorded event")])
def test_tampered_sessions_are_rejected_whole_with_a_reason(source, target, tmp_path, change, words):
    path = tmp_path / "b.jsonl"
    export_bundle(source, path)
    rewrite(path, change)
    result = import_bundle(target, path)
    assert (result.added, result.skipped_existing, len(result.rejected)) == (2, 0, 1)
    assert result.rejected[0].startswith(f"session {source.ids[0]}: ") and words in result.rejected[0]
    assert source.ids[0] not in {s.session_id for s in target.sessions()}
    assert raw(target.path, "SELECT COUNT(*) FROM events WHERE session_id = ?", (source.ids[0],)) == [(0,)]
    assert target.verify() == []


def test_a_session_that_cannot_be_stored_leaves_nothing_behind(source, target, tmp_path):
    path = tmp_path / "b.jsonl"
    export_bundle(source, path)

    def break_row(records):             # not covered by the chain, refused by the table's NOT NULL
        records[0]["session"]["updated_at"] = None
    rewrite(path, break_row)
    result = import_bundle(target, path)
    assert result.added == 2 and "cannot be stored" in result.rejected[0]
    for table in ("sessions", "events", "annotations", "grade_overrides"):
        assert raw(target.path, f"SELECT COUNT(*) FROM {table} WHERE session_id = ?", (source.ids[0],)) == [(0,)]


def test_damaged_lines_and_files_that_are_not_bundles(source, target, tmp_path):
    path = tmp_path / "b.jsonl"
    export_bundle(source, path)
    text = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*text[:2], text[2][: len(text[2]) // 2], '"just a string"']) + "\n", encoding="utf-8")
    result = import_bundle(target, path)
    assert result.added == 1 and len(result.rejected) == 2
    assert "line 3 is not valid JSON" in result.rejected[0] and "line 4 is not a session record" in result.rejected[1]
    other = tmp_path / "other.jsonl"
    other.write_text('{"hello": 1}\n', encoding="utf-8")
    with pytest.raises(BundleError, match="not a hydra_sim session bundle"):
        import_bundle(target, other)
    newer = tmp_path / "newer.jsonl"
    newer.write_text('{"format": "hydra-sim-bundle", "version": 99}\n', encoding="utf-8")
    with pytest.raises(BundleError, match="version 99"):
        import_bundle(target, newer)
    fake_gz = tmp_path / "fake.jsonl.gz"
    fake_gz.write_bytes(b"not gzip at all")
    with pytest.raises(BundleError, match="cannot read"):
        import_bundle(target, fake_gz)


def test_a_failed_export_leaves_no_file(source, tmp_path, monkeypatch):
    path = tmp_path / "b.jsonl"

    def broken(session_id):
        raise RuntimeError("read failed")
    monkeypatch.setattr(source, "session_record", broken)
    with pytest.raises(RuntimeError):
        export_bundle(source, path)
    assert list(tmp_path.glob("b.jsonl*")) == []


def test_cli_export_and_import_bundle(source, tmp_path, capsys):
    home_b = tmp_path / "home-b"
    source_home = tmp_path / "source-home"
    (source_home / "records").mkdir(parents=True)
    with closing(sqlite3.connect(source.path)) as conn, \
            closing(sqlite3.connect(source_home / "records" / "sessions.sqlite3")) as copy:
        conn.backup(copy)                                 # the source store, as another machine's home
    bundle = tmp_path / "t1.jsonl.gz"
    assert cli.main(["--home", str(source_home), "export-bundle", str(bundle), "--trainee", "t-1"]) == 0
    assert "wrote 2 sessions" in capsys.readouterr().out
    assert cli.main(["import-bundle", str(bundle), "--home", str(home_b)]) == 0
    assert capsys.readouterr().out.strip() == "2 added, 0 already present, 0 rejected"
    assert cli.main(["--home", str(home_b), "import-bundle", str(bundle)]) == 0
    assert capsys.readouterr().out.strip() == "0 added, 2 already present, 0 rejected"
    bad = tmp_path / "bad.jsonl"
    bad.write_text("nonsense\n", encoding="utf-8")
    assert cli.main(["--home", str(home_b), "import-bundle", str(bad)]) == 1
    assert "not a hydra_sim session bundle" in capsys.readouterr().err


# -- concurrency -----------------------------------------------------------------------------------
def test_two_writers_and_an_import_at_once_leave_a_sound_store(source, tmp_path, mini):
    count = 120
    bundle = tmp_path / "incoming.jsonl"
    assert export_bundle(source, bundle) == 3
    path = tmp_path / "shared" / "sessions.sqlite3"
    with SessionStore(path) as store:
        own = {w: store.start_session(TraineeInfo(f"t-{w}"), mini) for w in ("w1", "w2")}
    children = [start_child("append-own", str(path), own[w], w, str(count)) for w in own]
    children.append(start_child("import-bundle", str(path), str(bundle)))
    watchdogs = [threading.Timer(CHILD_TIMEOUT, child.kill) for child in children]
    for watchdog in watchdogs:
        watchdog.start()
    try:
        for child in children:
            assert read_line(child) == "ready"
        for child in children:            # all have the store open; release them together
            child.stdin.write("go\n")
            child.stdin.flush()
        assert [read_line(child) for child in children] == ["done", "done", "done 3 0 0"]
        for child in children:
            child.stdin.close()
            assert child.wait() == 0
    finally:
        for watchdog in watchdogs:
            watchdog.cancel()
        for child in children:
            if child.poll() is None:
                child.kill()
            child.wait()
            for pipe in (child.stdout, child.stderr):
                pipe.close()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with SessionStore(path) as store:
        assert store.verify() == []
        assert len(store.sessions()) == 5
        for writer, session_id in own.items():
            assert [e["n"] for e in store.inputs(session_id)] == list(range(count))
            assert {e["writer"] for e in store.inputs(session_id)} == {writer}
        for session_id in source.ids:
            assert store.inputs(session_id) == source.inputs(session_id)

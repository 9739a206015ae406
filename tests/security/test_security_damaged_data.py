"""Damaged and forged records (issue 18, item 5): every tool that reads stored JSON survives damage and
says where it is; forged bundles whose hashes were recomputed are refused by what a real record can
hold; ``verify`` only ever reads (another program's file, a read-only copy). No Qt here."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import sys
from contextlib import closing

import pytest

from hydra_sim import cli, paths
from hydra_sim.engine import load_scenario
from hydra_sim.records import SessionStore, StoreError, TraineeInfo
from hydra_sim.records.bundles import export_bundle, import_bundle
from forgery_support import reseal

REPO = paths.bundled_root()
sys.path.insert(0, str(REPO / "tests" / "records"))
from records_support import play  # noqa: E402  (the records tests' recorder of a real session)

MINI = REPO / "tests" / "fixtures" / "mini" / "mini.yaml"


@pytest.fixture
def mini():
    return load_scenario(MINI).raise_for_errors()


@pytest.fixture
def home(tmp_path):
    yield tmp_path / "home"
    paths.set_home(None)


def store_file(home):
    return home / "records" / "sessions.sqlite3"


def sql(path, statement, args=()):
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(statement, args)
        conn.commit()


# -- bit flips in JSON columns ------------------------------------------------------------
DAMAGE = {
    "critical_failures_json": "UPDATE sessions SET critical_failures_json = '[\"x' WHERE session_id = ?",
    "catalogues_json": "UPDATE sessions SET catalogues_json = '{\"nrp\":' WHERE session_id = ?",
    "result_json": "UPDATE sessions SET result_json = '{\"percent\": 5' WHERE session_id = ?",
    "data_json": "UPDATE events SET data_json = '{\"scene_id\": \"a' WHERE session_id = ? AND seq = 3",
    "deep data_json": "UPDATE events SET data_json = '" + "[" * 100_000 + "' WHERE session_id = ? AND seq = 3",
    "not UTF-8": "UPDATE events SET data_json = CAST(X'7B22ff7D' AS TEXT) WHERE session_id = ? AND seq = 3",
    "rescore report_json": "UPDATE rescores SET report_json = '{' WHERE session_id = ?",
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_bit_flip_in_a_json_column_is_reported_by_verify_and_export_never_crashes(damage, home, mini, capsys):
    path = store_file(home)
    with SessionStore(path) as store:
        kept = play(store, mini, TraineeInfo("t-kept"))
        damaged = play(store, mini, TraineeInfo("t-damaged"))
        store.rescore(damaged, mini)
    sql(path, DAMAGE[damage], (damaged,))
    assert cli.main(["--home", str(home), "verify"]) == 1
    out = capsys.readouterr().out
    assert f"session {damaged}" in out and "2 sessions verified, 1 with problems" in out, out
    assert kept not in out
    if damage in ("critical_failures_json", "catalogues_json", "rescore report_json"):
        assert damage.split()[-1] in out                       # the column is named
    # export: the damaged session is named with its column; the command ends with a message, not a traceback
    code = cli.main(["--home", str(home), "export", "--format", "json", "--output", str(home / "out.json")])
    err = capsys.readouterr().err
    if code and damage == "not UTF-8":       # SQLite itself refuses to read the text: the store is named damaged
        assert "is damaged (Could not decode to UTF-8 column 'data_json'" in err, err
    elif code:
        assert damaged in err and "not readable JSON" in err, err
    # the lists the review and the plenary read still show every session
    with SessionStore(path) as store:
        assert {s.session_id for s in store.sessions()} == {kept, damaged}
        assert cli.main(["--home", str(home), "export", "--format", "csv", "--session", kept]) == 0


# -- bundles: a line nested 100,000 deep, forged records with recomputed hashes -----------------


@pytest.fixture
def bundle(tmp_path, mini):
    """A bundle of two sessions (one finished, one not) and the lines it is made of."""
    with SessionStore(tmp_path / "source.sqlite3") as source:
        finished = play(source, mini, TraineeInfo("t-1"))
        play(source, mini, TraineeInfo("t-2"), steps=[("choose", "ambulance")], finish=False)
        source.annotate(finished, 2, "Sgt", "note")
        export_bundle(source, tmp_path / "b.jsonl")
    return tmp_path / "b.jsonl"


def forge(path, change) -> None:
    header, *records = path.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in records]
    change(records)
    path.write_text("\n".join([header, *(json.dumps(reseal(r)) for r in records)]) + "\n", encoding="utf-8")


def test_a_line_nested_100000_deep_is_refused_alone_and_the_rest_imports(bundle, tmp_path):
    lines = bundle.read_text(encoding="utf-8").splitlines()
    bundle.write_text("\n".join([lines[0], "[" * 100_000, *lines[1:]]) + "\n", encoding="utf-8")
    with SessionStore(tmp_path / "t.sqlite3") as target:
        result = import_bundle(target, bundle)
        assert result.added == 2 and len(result.rejected) == 1
        assert "line 2 nests lists or objects thousands of levels deep" in result.rejected[0]
        assert target.verify() == []


FORGERIES = {
    "path-like session id": (lambda r: r[0]["session"].update(session_id="../../etc/passwd"), "not a session id"),
    "control characters in the trainee id": (lambda r: r[0]["session"].update(trainee_id="t-1\x1b[2J"),
                                             "not a trainee id"),
    "a note on event 99999": (lambda r: r[0]["annotations"].append(
        {"id": 9, "seq": 99999, "author": "Sgt", "text": "forged", "created_at": "2026-01-01T00:00:00.000Z"}),
        "event 99999, which the session does not have"),
    "an override of an unscored session": (lambda r: r[1]["grade_overrides"].append(
        {"id": 9, "grade_id": "competent", "reason": "forged", "author": "Sgt",
         "created_at": "2026-01-01T00:00:00.000Z"}), "no score report to override"),
    "an override to a grade that is no id": (lambda r: r[0]["grade_overrides"].append(
        {"id": 9, "grade_id": "<b>A+</b>", "reason": "forged", "author": "Sgt",
         "created_at": "2026-01-01T00:00:00.000Z"}), "no valid grade id"),
    "a clock of 2**53": (lambda r: r[1]["events"][-1].update(clock=2 ** 53), "outside 0 to"),
    "an unknown event kind": (lambda r: r[1]["events"][-1].update(kind="rm -rf"), "unknown kind"),
}


@pytest.mark.parametrize("forgery", list(FORGERIES))
def test_a_forged_record_with_recomputed_hashes_is_refused_by_validation(forgery, bundle, tmp_path):
    change, reason = FORGERIES[forgery]
    forge(bundle, change)
    with SessionStore(tmp_path / "t.sqlite3") as target:
        result = import_bundle(target, bundle)
        assert result.added == 1 and len(result.rejected) == 1, result
        assert reason in result.rejected[0], result.rejected
        assert "\x1b" not in result.rejected[0]
        assert len(target.sessions()) == 1 and target.verify() == []


def test_an_honest_resealed_bundle_still_imports(bundle, tmp_path):
    """The forgery check is not a blanket refusal: a record resealed unchanged goes in."""
    forge(bundle, lambda records: None)
    with SessionStore(tmp_path / "t.sqlite3") as target:
        assert import_bundle(target, bundle).added == 2


# -- verify only reads ---------------------------------------------------------------------------------
def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_verify_on_another_programs_sqlite_file_changes_nothing_and_says_what_it_is(home, capsys):
    path = store_file(home)
    path.parent.mkdir(parents=True)
    sql(path, "CREATE TABLE sessions (id INTEGER PRIMARY KEY, cookie TEXT)")   # a web app's, say
    sql(path, "INSERT INTO sessions (cookie) VALUES ('abc')")
    os.chmod(path, 0o644)
    before, mode = digest(path), stat.S_IMODE(path.stat().st_mode)
    assert cli.main(["--home", str(home), "verify"]) == 1
    assert "not a hydra_sim session store" in capsys.readouterr().err
    with pytest.raises(StoreError, match="not a hydra_sim session store"):
        SessionStore(path)
    assert digest(path) == before and stat.S_IMODE(path.stat().st_mode) == mode
    assert sorted(p.name for p in path.parent.iterdir()) == ["sessions.sqlite3"]       # no -wal, no -shm
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_verify_checks_a_read_only_copy_without_touching_it(tmp_path, mini, capsys):
    with SessionStore(tmp_path / "live.sqlite3") as store:
        play(store, mini)
    copy = tmp_path / "copy" / "sessions.sqlite3"
    copy.parent.mkdir()
    copy.write_bytes((tmp_path / "live.sqlite3").read_bytes())    # the store was closed: everything is in it
    os.chmod(copy, 0o444)
    os.chmod(copy.parent, 0o555)
    try:
        before = digest(copy)
        assert cli.main(["verify", "--store", str(copy)]) == 0
        assert "1 session verified, 0 with problems" in capsys.readouterr().out
        assert digest(copy) == before and stat.S_IMODE(copy.stat().st_mode) == 0o444
        assert sorted(p.name for p in copy.parent.iterdir()) == ["sessions.sqlite3"]
        with SessionStore(copy, readonly=True) as store, pytest.raises(StoreError):
            store.annotate(store.sessions()[0].session_id, None, "Sgt", "a note")     # nothing is written
    finally:
        os.chmod(copy.parent, 0o755)


def test_the_plenary_names_a_damaged_syndicate_and_lines_up_the_others(home, mini):
    from hydra_sim.exercise.plenary import plenary, plenary_html
    path = store_file(home)
    with SessionStore(path) as store:
        kept = play(store, mini, TraineeInfo("Alpha"))
        damaged = play(store, mini, TraineeInfo("Bravo"))
    sql(path, DAMAGE["data_json"], (damaged,))
    with SessionStore(path) as store:
        data = plenary(store, {"Alpha": kept, "Bravo": damaged})
    assert data.syndicates == ["Alpha"] and list(data.unreadable) == ["Bravo"]
    assert damaged in data.unreadable["Bravo"] and "not readable JSON" in data.unreadable["Bravo"]
    assert "Syndicate Bravo's session cannot be read" in plenary_html(data)

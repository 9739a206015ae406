"""Tamper evidence: hash chains written with each event, verify() and `hydra-sim verify`, and the
v1 -> v2 migration that backfills the chains. No Qt, no sleeps."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
from records_support import TRAINEE, make_v1_store, make_v2_store, play, raw

from hydra_sim import cli
from hydra_sim.records import SCHEMA_VERSION, SessionStore, TraineeInfo
from hydra_sim.records.integrity import VerifyIssue, event_hash, session_genesis

pytestmark = pytest.mark.usefixtures("forget_home")


def chain(store, session_id):
    return store._conn.execute("SELECT seq, prev_hash, hash FROM events WHERE session_id = ? ORDER BY seq",
                               (session_id,)).fetchall()


def test_every_event_is_chained_from_the_session_genesis(store, mini):
    session_id = play(store, mini)
    row = dict(store._conn.execute("SELECT * FROM sessions WHERE session_id = ?", (session_id,)).fetchone())
    links = chain(store, session_id)
    assert len(links) > 10
    assert row["genesis"] == session_genesis(row) and links[0]["prev_hash"] == row["genesis"]
    for before, after in zip(links, links[1:]):
        assert after["prev_hash"] == before["hash"]
    assert row["head_hash"] == links[-1]["hash"]
    assert len({link["hash"] for link in links}) == len(links)
    record = store.session_record(session_id)
    first = record["events"][0]
    assert first["hash"] == event_hash(session_id, 1, first["kind"], first["is_input"], first["clock"],
                                       first["recorded_at"], first["data"], row["genesis"])
    assert store.verify() == [] and store.verify(session_id) == []


def test_edited_event_data_is_found(store, store_path, mini):
    session_id = play(store, mini)
    seq = raw(store_path, "SELECT MIN(seq) FROM events WHERE session_id = ? AND is_input = 1"
                          " AND data_json LIKE '%\"ambulance\"%'", (session_id,))[0][0]
    raw(store_path, "UPDATE events SET data_json = replace(data_json, '\"ambulance\"', '\"nothing\"')"
                    " WHERE session_id = ? AND seq = ?", (session_id, seq))
    assert store.inputs(session_id)[1]["selection"] == "nothing"
    issues = store.verify()
    assert [(i.session_id, i.seq) for i in issues] == [(session_id, seq)]
    assert "changed" in issues[0].message


def test_edited_clock_is_found(store, store_path, mini):
    session_id = play(store, mini)
    raw(store_path, "UPDATE events SET clock = clock + 60 WHERE session_id = ? AND seq = 3", (session_id,))
    assert [i.seq for i in store.verify(session_id)] == [3]


def test_a_deleted_event_in_the_middle_is_found(store, store_path, mini):
    session_id = play(store, mini)
    raw(store_path, "DELETE FROM events WHERE session_id = ? AND seq = 4", (session_id,))
    issues = store.verify(session_id)
    assert issues and all(i.seq == 5 for i in issues)
    assert any("event 4 is missing" in i.message for i in issues)


def test_deleted_last_events_are_found(store, store_path, mini):
    session_id = play(store, mini)
    last = raw(store_path, "SELECT MAX(seq) FROM events WHERE session_id = ?", (session_id,))[0][0]
    raw(store_path, "DELETE FROM events WHERE session_id = ? AND seq >= ?", (session_id, last - 1))
    issues = store.verify(session_id)
    assert [i.seq for i in issues] == [None]
    assert f"after event {last - 2}" in issues[0].message


def test_reordered_events_are_found(store, store_path, mini):
    session_id = play(store, mini)
    for sql in ("UPDATE events SET seq = -1 WHERE session_id = ? AND seq = 3",
                "UPDATE events SET seq = 3 WHERE session_id = ? AND seq = 4",
                "UPDATE events SET seq = 4 WHERE session_id = ? AND seq = -1"):
        raw(store_path, sql, (session_id,))
    issues = store.verify(session_id)
    assert {i.seq for i in issues} == {3, 4, 5}


@pytest.mark.parametrize("column, value", [("trainee_id", "t-someone-else"), ("started_at", "2020-01-01T00:00:00.000Z"),
                                           ("scenario_version", "9.9")])
def test_edited_session_identity_is_found(store, store_path, mini, column, value):
    session_id = play(store, mini)
    raw(store_path, f"UPDATE sessions SET {column} = ? WHERE session_id = ?", (value, session_id))
    issues = store.verify()
    assert [(i.session_id, i.seq) for i in issues] == [(session_id, None)]
    assert "identity" in issues[0].message


def test_edited_grade_or_report_is_found(store, store_path, mini):
    session_id = play(store, mini)
    grade = store.session(session_id).grade
    assert grade == "distinction"
    raw(store_path, "UPDATE sessions SET grade = 'competent' WHERE session_id = ?", (session_id,))
    issues = store.verify()
    assert len(issues) == 1 and "score report" in issues[0].message
    raw(store_path, "UPDATE sessions SET grade = ?, result_json = replace(result_json, '\"percent\":100.0',"
                    " '\"percent\":10.0') WHERE session_id = ?", (grade, session_id))
    assert raw(store_path, "SELECT result_json LIKE '%\"percent\":10.0%' FROM sessions")[0][0] == 1
    assert len(store.verify()) == 1


def test_verify_one_session_ignores_the_others(store, store_path, mini):
    good, bad = play(store, mini), play(store, mini, TraineeInfo("t-other"))
    raw(store_path, "UPDATE events SET kind = 'paused' WHERE session_id = ? AND seq = 1", (bad,))
    assert store.verify(good) == []
    assert {i.session_id for i in store.verify()} == {bad}


def test_unfinished_and_empty_sessions_verify(store, mini):
    empty = store.start_session(TRAINEE, mini)
    partial = play(store, mini, steps=[("choose", "ambulance")], finish=False)
    store.abandon_session(empty)
    assert store.verify() == []
    store.append_input(partial, {"type": "reference", "id": "card", "clock": 700})   # writes a wait, then the input
    assert store.verify(partial) == []


def test_verify_issue_reads_as_a_sentence():
    assert str(VerifyIssue("abc", 7, "it was changed")) == "session abc, event 7: it was changed"
    assert str(VerifyIssue("abc", None, "identity changed")) == "session abc, session record: identity changed"


# -- migrations from every earlier version ----------------------------------------------------
def v0_store(path, records):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")                 # what sqlite3.connect leaves before the first write
    assert records == []


BUILDERS = {0: v0_store, 1: make_v1_store, 2: make_v2_store}


def test_every_earlier_version_has_a_migration_fixture():
    assert sorted(BUILDERS) == list(range(SCHEMA_VERSION))


@pytest.mark.parametrize("version", sorted(BUILDERS))
def test_a_store_of_every_earlier_version_opens_keeps_its_data_and_verifies(tmp_path, mini, version):
    with SessionStore(tmp_path / "source.sqlite3") as source:
        ids = [] if version == 0 else [play(source, mini),
                                       play(source, mini, TraineeInfo("t-2"), steps=[("choose", "ambulance")],
                                            finish=False)]
        if ids:
            source.annotate(ids[0], 2, "Sgt A", "a note kept from before")
            source.override_grade(ids[0], "competent", "an override kept from before", "Sgt A")
        records = [source.session_record(i) for i in ids]
        reports = {i: source.report(i) for i in ids}
        inputs = {i: source.inputs(i) for i in ids}
    old = tmp_path / "old" / "sessions.sqlite3"
    BUILDERS[version](old, records)
    with SessionStore(old) as store:
        assert store._conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.verify() == []
        for record in records:
            session_id = record["session"]["session_id"]
            migrated = store.session_record(session_id)
            assert migrated["events"] == record["events"]          # hashes equal those written live
            assert migrated["session"]["head_hash"] == record["session"]["head_hash"]
            assert store.inputs(session_id) == inputs[session_id]
            assert store.report(session_id) == reports[session_id]
        assert sorted(s.session_id for s in store.sessions()) == sorted(ids)
        if ids:                                                       # and it goes on recording, chained
            store.append_input(ids[1], {"type": "reference", "id": "card", "clock": 0})
            assert store.verify(ids[1]) == []
        if ids:                      # notes and overrides survive from format 2; format 1 had none
            notes = [n["text"] for n in store.annotations(ids[0])]
            assert notes == (["a note kept from before"] if version >= 2 else [])
            assert len(store.grade_overrides(ids[0])) == (1 if version >= 2 else 0)
            status = store.integrity_status()       # old sessions are reported as unkeyed before the upgrade
            assert sorted(status["unkeyed"]) == sorted(ids) and status["keyed"] == 0
        else:
            assert store.trainee_ids() == []


def test_a_failing_backfill_leaves_the_v1_file_as_it_was(tmp_path, mini, monkeypatch):
    from hydra_sim.records import integrity
    with SessionStore(tmp_path / "source.sqlite3") as source:
        record = source.session_record(play(source, mini))
    old = tmp_path / "old.sqlite3"
    make_v1_store(old, [record])
    before = raw(old, "SELECT * FROM events ORDER BY session_id, seq")

    def broken(*args):
        raise RuntimeError("hash bug")

    monkeypatch.setattr(integrity, "event_hash", broken)
    with pytest.raises(RuntimeError, match="hash bug"):
        SessionStore(old)
    with closing(sqlite3.connect(old)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert "hash" not in {r[1] for r in conn.execute("PRAGMA table_info(events)")}
    assert raw(old, "SELECT * FROM events ORDER BY session_id, seq") == before


# -- hydra-sim verify ----------------------------------------------------------------------
def test_cli_verify_reports_intact_and_tampered_stores(tmp_path, mini, capsys):
    home = tmp_path / "home"
    with SessionStore(home / "records" / "sessions.sqlite3") as store:
        first, second = play(store, mini), play(store, mini, TraineeInfo("t-2"))
    assert cli.main(["verify", "--home", str(home)]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == "2 sessions verified, 0 with problems"
    raw(home / "records" / "sessions.sqlite3", "DELETE FROM events WHERE session_id = ? AND seq = 2", (second,))
    assert cli.main(["--home", str(home), "verify"]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == "2 sessions verified, 1 with problems"
    assert any(line.startswith(f"session {second}, event 3:") and "missing" in line for line in out)
    assert not any(first in line for line in out)

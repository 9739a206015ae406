"""The keyed record (format 3): trainer notes, overrides and rescores in the hash chain, the seal
(HMAC-SHA256 under the installation's records key) over each session row, and what bundles carry.
Edits are made as someone with an SQLite tool would, including recomputing every plain hash,
which only the key can tell from an honest record. No Qt, no sleeps."""

from __future__ import annotations

import json
import os
import stat

import pytest
from records_support import TRAINEE, play, raw

from hydra_sim import cli
from hydra_sim.records import SessionStore, TraineeInfo, integrity, keys
from hydra_sim.records.bundles import check_bundle, export_bundle, import_bundle

pytestmark = pytest.mark.usefixtures("forget_home")


def reviewed(store, mini) -> str:
    session_id = play(store, mini)
    store.annotate(session_id, 2, "trainer-a", "Good first call.")
    store.override_grade(session_id, "competent", "Rationale given orally in the debrief.", "trainer-a")
    store.rescore(session_id, mini, author="trainer-a")
    return session_id


def test_the_key_is_kept_outside_the_store_owner_only_and_named_by_a_fingerprint(store, store_path, mini):
    reviewed(store, mini)
    path = keys.key_path_for(store_path)
    assert path == store_path.parent.parent / "config" / "records.key" and path.is_file()
    secret = store.key.secret
    assert len(secret) == 32 and path.read_text().strip() == secret.hex()
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for name in os.listdir(store_path.parent):        # the store and its side files never hold the key
        data = (store_path.parent / name).read_bytes() if (store_path.parent / name).is_file() else b""
        assert secret not in data and secret.hex().encode() not in data
    again = keys.load_or_create(path)
    assert again.fingerprint == store.key.fingerprint and len(again.fingerprint) == 16
    assert secret.hex() not in repr(again)
    row = raw(store_path, "SELECT sealed_by FROM sessions")[0]
    assert row == (store.key.fingerprint,)


def test_a_file_that_is_not_a_key_is_refused_and_left_alone(tmp_path, mini):
    path = tmp_path / "home" / "config" / "records.key"
    path.parent.mkdir(parents=True)
    path.write_text("not a key\n")
    with pytest.raises(Exception, match="not a hydra_sim records key"):
        SessionStore(tmp_path / "home" / "records" / "sessions.sqlite3")
    assert path.read_text() == "not a key\n"


def test_notes_overrides_and_rescores_are_chained_and_verify(store, mini):
    session_id = reviewed(store, mini)
    record = store.session_record(session_id)
    rows = [("annotations", record["annotations"][0]), ("grade_overrides", record["grade_overrides"][0]),
            ("rescores", record["rescores"][0])]
    assert [r["chain_seq"] for _t, r in rows] == [1, 2, 3]
    assert rows[0][1]["prev_hash"] == record["session"]["genesis"]
    assert rows[1][1]["prev_hash"] == rows[0][1]["hash"] and rows[2][1]["prev_hash"] == rows[1][1]["hash"]
    assert record["session"]["review_head"] == rows[2][1]["hash"]
    assert record["rescores"][0]["author"] == "trainer-a"
    assert store.verify() == []


@pytest.mark.parametrize("sql, words", [
    ("UPDATE grade_overrides SET reason = 'made up later'", "grade override"),
    ("UPDATE grade_overrides SET author = 'someone else'", "grade override"),
    ("UPDATE annotations SET text = 'a kinder note'", "trainer note"),
    ("UPDATE rescores SET percent = 12.5", "rescore"),
    ("DELETE FROM annotations", "out of place"),
    ("DELETE FROM rescores", "newest trainer review entry is missing"),
])
def test_an_edited_or_deleted_review_entry_is_reported(store, store_path, mini, sql, words):
    session_id = reviewed(store, mini)
    raw(store_path, sql)
    issues = store.verify()
    assert issues and {i.session_id for i in issues} == {session_id}
    assert any(words in i.message for i in issues), issues


def test_an_edit_with_every_plain_hash_recomputed_is_caught_by_the_seal(store, store_path, mini):
    """The forger's best: change the override reason, recompute its hash and the review head, as
    integrity.py's published formulas allow. Only the key's seal shows it."""
    session_id = reviewed(store, mini)
    record = store.session_record(session_id)
    override = dict(record["grade_overrides"][0], reason="a reason nobody gave")
    forged = integrity.review_hash(session_id, "grade_overrides", override["chain_seq"],
                                   integrity.review_fields("grade_overrides", override), override["prev_hash"])
    rescore = record["rescores"][0]
    rescore_hash = integrity.review_hash(session_id, "rescores", rescore["chain_seq"],
                                         integrity.review_fields("rescores", rescore), forged)
    raw(store_path, "UPDATE grade_overrides SET reason = ?, hash = ?", (override["reason"], forged))
    raw(store_path, "UPDATE rescores SET prev_hash = ?, hash = ?", (forged, rescore_hash))
    raw(store_path, "UPDATE sessions SET review_head = ?", (rescore_hash,))
    issues = store.verify()
    assert [(i.session_id, i.seq) for i in issues] == [(session_id, None)]
    assert "seal does not match" in issues[0].message
    # the same forgery WITH the key is accepted: the seal is exactly what protects the record
    row = dict(store._conn.execute("SELECT * FROM sessions").fetchone())
    raw(store_path, "UPDATE sessions SET seal = ?", (integrity.seal(store.key.secret, row),))
    assert store.verify() == []


@pytest.mark.parametrize("column, value", [("status", "abandoned"), ("clock", 99999), ("scene_id", "elsewhere"),
                                           ("critical_failures_json", '["made_up"]'), ("seal", None),
                                           ("sealed_by", "0000000000000000")])
def test_any_edited_column_of_a_session_row_is_reported(store, store_path, mini, column, value):
    session_id = play(store, mini, steps=[("choose", "ambulance")], finish=False)
    raw(store_path, f"UPDATE sessions SET {column} = ? WHERE session_id = ?", (value, session_id))
    issues = store.verify(session_id)
    assert len(issues) == 1 and issues[0].seq is None
    assert any(words in issues[0].message for words in ("seal", "another records key")), issues


def test_writing_to_a_tampered_session_keeps_the_finding_instead_of_laundering_it(store, store_path, mini):
    session_id = play(store, mini, steps=[("choose", "ambulance")], finish=False)
    raw(store_path, "UPDATE sessions SET clock = 5 WHERE session_id = ?", (session_id,))
    store.append_input(session_id, {"type": "reference", "id": "card", "clock": 700})    # resealed now
    issues = store.verify(session_id)
    assert len(issues) == 1 and "when hydra_sim next wrote to this session" in issues[0].message
    assert "seal does not match" in issues[0].message
    with SessionStore(store_path) as again:                                  # and it stays reported
        assert [i.message for i in again.verify(session_id)] == [issues[0].message]


def test_a_store_opened_with_another_key_cannot_vouch_for_it(store_path, tmp_path, mini):
    with SessionStore(store_path) as store:
        play(store, mini)
    other = keys.load_or_create(tmp_path / "elsewhere" / "records.key")
    with SessionStore(store_path, other) as store:
        issues = store.verify()
        assert len(issues) == 2 and all("another records key" in i.message for i in issues)
        assert all("cannot be checked here" in i.message for i in issues)
        assert str(issues[1]).startswith("the store: ")


def test_bundles_carry_the_chains_and_the_fingerprint_and_a_key_holder_checks_the_seals(store, tmp_path, mini):
    session_id = reviewed(store, mini)
    bundle = tmp_path / "out.jsonl"
    export_bundle(store, bundle)
    header, line = bundle.read_text(encoding="utf-8").splitlines()
    header, record = json.loads(header), json.loads(line)
    assert header["key_fingerprint"] == store.key.fingerprint and "consistent" in header["integrity"]
    assert store.key.secret.hex() not in bundle.read_text(encoding="utf-8")
    assert record["session"]["seal"] and record["grade_overrides"][0]["hash"]
    mine = check_bundle(bundle, store.key)
    assert mine.seals_checked and mine.sessions == 1 and mine.problems == []
    stranger = check_bundle(bundle, keys.load_or_create(tmp_path / "other" / "records.key"))
    assert not stranger.seals_checked and stranger.problems == []

    # re-hashed forgery in the bundle: consistent, so only the key holder sees it
    override = dict(record["grade_overrides"][0], reason="never said")
    forged = integrity.review_hash(session_id, "grade_overrides", override["chain_seq"],
                                   integrity.review_fields("grade_overrides", override), override["prev_hash"])
    record["grade_overrides"][0] = dict(override, hash=forged)
    rescore = record["rescores"][0]
    rescore["prev_hash"] = forged
    rescore["hash"] = integrity.review_hash(session_id, "rescores", rescore["chain_seq"],
                                            integrity.review_fields("rescores", rescore), forged)
    record["session"]["review_head"] = rescore["hash"]
    bundle.write_text(json.dumps(header) + "\n" + json.dumps(record) + "\n", encoding="utf-8")
    assert check_bundle(bundle, store.key).problems and "seal does not match" in check_bundle(
        bundle, store.key).problems[0]
    assert check_bundle(bundle, None).problems == []          # consistency only: the docs say so

    # a plain edit is found by anyone
    record["grade_overrides"][0]["reason"] = "edited again, not re-hashed"
    bundle.write_text(json.dumps(header) + "\n" + json.dumps(record) + "\n", encoding="utf-8")
    assert any("grade override" in p for p in check_bundle(bundle, None).problems)


def test_an_imported_session_is_sealed_here_and_remembers_who_sealed_it(tmp_path, mini):
    other = keys.load_or_create(tmp_path / "station" / "records.key")
    with SessionStore(tmp_path / "station" / "records" / "sessions.sqlite3", other) as source:
        session_id = reviewed(source, mini)
        export_bundle(source, tmp_path / "b.jsonl")
    with SessionStore(tmp_path / "home" / "records" / "sessions.sqlite3") as target:
        assert import_bundle(target, tmp_path / "b.jsonl").added == 1
        assert target.verify() == []
        row = target.session_record(session_id)["session"]
        assert row["origin_key"] == other.fingerprint and row["sealed_by"] == target.key.fingerprint
        assert [o["reason"] for o in target.grade_overrides(session_id)] == ["Rationale given orally in the debrief."]


def test_cli_verify_names_the_key_and_the_unkeyed_sessions_and_check_bundle(tmp_path, mini, capsys):
    from records_support import make_v2_store
    home = tmp_path / "home"
    with SessionStore(tmp_path / "src" / "sessions.sqlite3") as source:
        old = play(source, mini, TraineeInfo("t-old"))
        record = source.session_record(old)
    make_v2_store(home / "records" / "sessions.sqlite3", [record])
    with SessionStore(home / "records" / "sessions.sqlite3") as store:
        new = play(store, mini, TRAINEE)
        fingerprint = store.key.fingerprint
        export_bundle(store, tmp_path / "b.jsonl", session_ids=[new])
    assert cli.main(["verify", "--home", str(home)]) == 0
    out = capsys.readouterr().out
    assert f"fingerprint {fingerprint}" in out
    assert "1 session unkeyed (older format)" in out and "1 keyed" in out
    assert out.strip().splitlines()[-1] == "2 sessions verified, 0 with problems"
    raw(home / "records" / "sessions.sqlite3", "UPDATE sessions SET status = 'abandoned' WHERE session_id = ?",
        (new,))
    assert cli.main(["verify", "--home", str(home)]) == 1
    assert f"session {new}, session record: its seal does not match" in capsys.readouterr().out
    assert cli.main(["check-bundle", str(tmp_path / "b.jsonl"), "--home", str(home)]) == 0
    assert "hash chains AND seals checked" in capsys.readouterr().out
    assert cli.main(["check-bundle", str(tmp_path / "b.jsonl"), "--home", str(tmp_path / "stranger")]) == 0
    assert "seals NOT checked" in capsys.readouterr().out


def test_a_whole_deleted_session_edited_settings_or_trainer_log_are_reported(store, store_path, mini):
    first, second = play(store, mini), play(store, mini, TraineeInfo("t-2"))
    store.set_retention_months(12, by="trainer-a")
    store.log_trainer_action("trainer-a", "export", {"format": "csv", "sessions": 2})
    assert store.verify() == []
    assert [(e["trainer"], e["action"]) for e in store.trainer_log()] == [("trainer-a", "retention period"),
                                                                           ("trainer-a", "export")]
    raw(store_path, "UPDATE settings SET value = '1' WHERE key = 'retention_months'")
    assert [str(i) for i in store.verify()] == ["the store: the store changed without this installation's records "
                                                "key: sessions were swapped, or its settings or trainer log edited"]
    raw(store_path, "UPDATE settings SET value = '12' WHERE key = 'retention_months'")
    raw(store_path, "UPDATE trainer_log SET trainer = 'someone else' WHERE id = 2")
    assert any("trainer log entry 2" in i.message for i in store.verify())
    raw(store_path, "UPDATE trainer_log SET trainer = 'trainer-a' WHERE id = 2")
    assert store.verify() == []
    raw(store_path, "DELETE FROM events WHERE session_id = ?", (second,))
    raw(store_path, "DELETE FROM sessions WHERE session_id = ?", (second,))
    issues = store.verify()
    assert len(issues) == 1 and "held 2 sessions when last sealed and holds 1 now" in issues[0].message
    assert store.verify(first) == []                   # one session's own check is unaffected


def test_erasure_and_retention_record_the_trainer_and_counts_but_no_trainee(store, mini):
    from hydra_sim.records.erasure import erase_trainee
    from hydra_sim.records.privacy import delete_with_copies
    kept, gone, old = play(store, mini), play(store, mini, TraineeInfo("t-erase-me")), play(store, mini)
    erase_trainee(store, "t-erase-me", store.path.parent.parent, by="trainer-a")
    delete_with_copies(store, [old], by="trainer-b")
    entries = store.trainer_log()
    assert [(e["trainer"], e["action"], e["detail"]) for e in entries] == [
        ("trainer-a", "erasure", {"sessions_deleted": 1}), ("trainer-b", "retention", {"sessions_deleted": 1})]
    assert "t-erase-me" not in json.dumps(entries) and gone not in json.dumps(entries)
    assert store.verify() == [] and [s.session_id for s in store.sessions()] == [kept]


def test_a_read_only_copy_without_its_key_checks_the_chains_and_says_the_seals_were_not(store, store_path, mini,
                                                                                     tmp_path, capsys):
    import shutil
    session_id = reviewed(store, mini)
    store.close()
    copy = tmp_path / "elsewhere" / "sessions.sqlite3"
    copy.parent.mkdir()
    shutil.copy(store_path, copy)
    with SessionStore(copy, readonly=True) as read_only:
        assert read_only.integrity_status()["key_present"] is False
        assert read_only.verify() == []                            # the chains hold
    assert not keys.key_path_for(copy).exists()
    assert cli.main(["verify", "--store", str(copy)]) == 0
    out = capsys.readouterr().out
    assert "no records key at" in out and "not the seals" in out
    raw(copy, "UPDATE events SET data_json = '{}' WHERE session_id = ? AND seq = 1", (session_id,))
    with SessionStore(copy, readonly=True) as read_only:
        assert read_only.verify()                                  # an edit still shows in the chain

"""The store file deleted, moved or replaced during a session (issue 15): the next write is refused
with a plain-words StoreError of kind ``detached`` (nothing is called recorded that the next launch
would not read), the retry puts a healthy store back at the same path with this run's sessions in
it, and nothing is lost or duplicated. ``hydra-sim verify`` of the put-back store passes."""

from __future__ import annotations

import os
import shutil

import pytest
from records_support import TRAINEE

from hydra_sim.records import SessionStore, StoreError

ENTRY = {"type": "reference", "id": "card", "clock": 0}


def _two_inputs(store, mini):
    session = store.start_session(TRAINEE, mini)
    store.append_input(session, ENTRY)
    return session


def _refused_then_put_back(store, session):
    with pytest.raises(StoreError) as refused:
        store.append_input(session, ENTRY)
    assert refused.value.kind == "detached"
    assert "NOT saved" in refused.value.message
    store.append_input(session, ENTRY)          # the retry: a store is put back, then the write goes in


def _stored(path, session):
    with SessionStore(path) as fresh:
        assert fresh.verify(session) == []
        return [e for e in fresh.inputs(session)]


def test_deleted_store_is_refused_then_recreated_with_everything(store_path, mini):
    store = SessionStore(store_path)
    session = _two_inputs(store, mini)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(str(store_path) + suffix):
            os.remove(str(store_path) + suffix)
    _refused_then_put_back(store, session)
    store.append_input(session, ENTRY)
    store.close()
    assert len(_stored(store_path, session)) == 3      # one before, two after; none twice


def test_only_the_main_file_deleted(store_path, mini):
    store = SessionStore(store_path)
    session = _two_inputs(store, mini)
    os.remove(store_path)
    _refused_then_put_back(store, session)
    store.close()
    assert len(_stored(store_path, session)) == 2


def test_moved_store_is_put_back_and_the_moved_copy_kept(store_path, mini, tmp_path):
    store = SessionStore(store_path)
    session = _two_inputs(store, mini)
    moved = tmp_path / "elsewhere.sqlite3"
    os.rename(store_path, moved)
    _refused_then_put_back(store, session)
    store.close()
    assert len(_stored(store_path, session)) == 2
    assert moved.exists()


def test_replaced_by_an_older_copy_is_brought_up_to_date(store_path, mini, tmp_path):
    store = SessionStore(store_path)
    session = _two_inputs(store, mini)
    other = SessionStore(store_path)
    backup = tmp_path / "backup.sqlite3"
    other._conn.execute("VACUUM INTO ?", (str(backup),))
    other.close()
    store.append_input(session, ENTRY)                 # newer than the backup
    os.replace(backup, store_path)                      # a sync tool restores the older copy
    for suffix in ("-wal", "-shm"):
        if os.path.exists(str(store_path) + suffix):
            os.remove(str(store_path) + suffix)
    _refused_then_put_back(store, session)
    store.close()
    assert len(_stored(store_path, session)) == 3


def test_replaced_by_something_that_is_not_a_store_waits_and_keeps_it(store_path, mini):
    store = SessionStore(store_path)
    session = _two_inputs(store, mini)
    os.remove(store_path)
    store_path.write_bytes(b"someone's notes, not a store")
    with pytest.raises(StoreError):
        store.append_input(session, ENTRY)
    with pytest.raises(StoreError) as waiting:
        store.append_input(session, ENTRY)
    assert "cannot be put back yet" in waiting.value.message
    assert store_path.read_bytes() == b"someone's notes, not a store"
    shutil.move(store_path, store_path.with_suffix(".aside"))      # the user moves it aside
    store.append_input(session, ENTRY)
    store.close()
    assert len(_stored(store_path, session)) == 2


def test_a_store_left_in_place_writes_as_before(store_path, mini):
    with SessionStore(store_path) as store:
        session = _two_inputs(store, mini)
        store.append_input(session, ENTRY)
    assert len(_stored(store_path, session)) == 2


def test_sessions_missing_since_last_time_are_noticed_once(store_path, mini):
    from hydra_sim.records.expected import marker_path
    with SessionStore(store_path) as store:
        open_one = _two_inputs(store, mini)
        done = store.start_session(TRAINEE, mini)
        store.abandon_session(done)
    text = marker_path(store_path).read_text()
    assert open_one in text and done not in text and TRAINEE.trainee_id not in text
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(str(store_path) + suffix):
            os.remove(str(store_path) + suffix)             # deleted between two launches
    with SessionStore(store_path) as store:
        assert store.missing_sessions() == [open_one]
        store.acknowledge_missing()
        assert store.missing_sessions() == []


def test_erased_sessions_are_not_reported_missing(store_path, mini):
    with SessionStore(store_path) as store:
        _two_inputs(store, mini)
        store.delete_trainee(TRAINEE.trainee_id)
        assert store.missing_sessions() == []

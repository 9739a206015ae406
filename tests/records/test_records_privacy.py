"""UK GDPR in the store: trainee ids, subject access export, erasure, retention and the settings
table, and their `hydra-sim trainee` / `hydra-sim retention` commands. No Qt, no sleeps."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest
from records_support import play, raw

from hydra_sim import cli
from hydra_sim.records import SessionStore, TraineeInfo
from hydra_sim.records.privacy import apply_retention, retention_due
from hydra_sim.records.store import _months_before

DEPENDENT = ("events", "annotations", "grade_overrides", "rescores")


pytestmark = pytest.mark.usefixtures("forget_home")


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


def populated(store, mini) -> dict[str, list[str]]:
    """Two trainees (two sessions and one), each session with a note, an override and a rescore."""
    ids = {"t-alpha": [play(store, mini, TraineeInfo("t-alpha", "Alpha")),
                       play(store, mini, TraineeInfo("t-alpha"), steps=[("choose", "ambulance")], finish=False)],
           "t-beta": [play(store, mini, TraineeInfo("t-beta", "Beta", "Brackenford", "first_responder"))]}
    for session_id in (i for group in ids.values() for i in group):
        store.annotate(session_id, 1, "Sgt", f"note on {session_id}")
        store.override_grade(session_id, "competent", "reviewed", "Sgt")
        store.rescore(session_id, mini)
    return ids


def counts(path, session_ids) -> dict[str, int]:
    marks = ", ".join("?" * len(session_ids))
    return {table: raw(path, f"SELECT COUNT(*) FROM {table} WHERE session_id IN ({marks})", session_ids)[0][0]
            for table in ("sessions", *DEPENDENT)}


def test_trainee_ids_are_sorted_and_distinct(store, mini):
    assert store.trainee_ids() == []
    populated(store, mini)
    assert store.trainee_ids() == ["t-alpha", "t-beta"]


def test_export_trainee_has_everything_about_them_and_nothing_else(store, mini):
    ids = populated(store, mini)
    data = store.export_trainee("t-alpha")
    json.dumps(data)                                                   # JSON-ready
    assert data["trainee_id"] == "t-alpha" and data["store_format"] >= 2
    assert [s["session"]["session_id"] for s in data["sessions"]] == ids["t-alpha"]
    first = data["sessions"][0]
    assert first["session"]["display_name"] == "Alpha" and first["session"]["result_json"]
    assert len(first["events"]) == len(store.events(ids["t-alpha"][0])) + len(store.inputs(ids["t-alpha"][0]))
    assert all(e["hash"] and e["prev_hash"] for e in first["events"])
    assert [a["text"] for a in first["annotations"]] == [f"note on {ids['t-alpha'][0]}"]
    assert first["grade_overrides"][0]["reason"] == "reviewed" and first["rescores"][0]["report"]["scenario_id"] == "mini"
    assert "t-beta" not in json.dumps(data) and "Beta" not in json.dumps(data)
    assert store.export_trainee("t-nobody")["sessions"] == []


def test_delete_trainee_removes_their_sessions_and_everything_attached_only(store, store_path, mini):
    ids = populated(store, mini)
    assert all(n > 0 for n in counts(store_path, ids["t-alpha"]).values())
    beta_before = counts(store_path, ids["t-beta"])
    assert store.delete_trainee("t-alpha") == 2
    assert counts(store_path, ids["t-alpha"]) == {table: 0 for table in ("sessions", *DEPENDENT)}
    assert counts(store_path, ids["t-beta"]) == beta_before
    assert store.trainee_ids() == ["t-beta"] and store.verify() == []
    assert store.delete_trainee("t-alpha") == 0
    assert store._conn.execute("PRAGMA secure_delete").fetchone()[0] == 1


def test_deleted_text_does_not_linger_in_the_file(store, store_path, mini):
    session_id = play(store, mini, TraineeInfo("t-secret"))
    store.annotate(session_id, None, "Sgt", "UNIQUE-PERSONAL-REMARK-42")
    store.delete_trainee("t-secret")
    store.close()
    files = [store_path, store_path.with_name(store_path.name + "-wal")]
    assert not any(b"UNIQUE-PERSONAL-REMARK-42" in f.read_bytes() for f in files if f.exists())


def test_a_failed_delete_changes_nothing(store, store_path, mini):
    ids = populated(store, mini)
    before = counts(store_path, ids["t-alpha"])

    class FailingSessionDelete:
        def __init__(self, conn):
            self.conn = conn

        def executemany(self, sql, *args):
            if sql.startswith("DELETE FROM sessions"):
                import sqlite3
                raise sqlite3.OperationalError("disk I/O error")
            return self.conn.executemany(sql, *args)

        def __getattr__(self, name):
            return getattr(self.conn, name)

    real = store._conn
    store._conn = FailingSessionDelete(real)
    try:
        with pytest.raises(Exception, match="disk I/O error"):
            store.delete_trainee("t-alpha")
    finally:
        store._conn = real
    assert counts(store_path, ids["t-alpha"]) == before


# -- retention ---------------------------------------------------------------------------------
@pytest.mark.parametrize("now, months, expected", [
    ("2026-03-31T10:00:00", 1, "2026-02-28T10:00:00"), ("2026-01-15T00:00:00", 13, "2024-12-15T00:00:00"),
    ("2024-05-31T00:00:00", 3, "2024-02-29T00:00:00"), ("2026-12-01T00:00:00", 12, "2025-12-01T00:00:00")])
def test_calendar_months_back(now, months, expected):
    assert _months_before(datetime.fromisoformat(now), months) == datetime.fromisoformat(expected)


def test_sessions_older_than_uses_the_last_activity(store, store_path, mini):
    old, recent, active = (play(store, mini, TraineeInfo(f"t-{n}")) for n in range(3))
    raw(store_path, "UPDATE sessions SET updated_at = '2025-01-10T09:00:00.000Z' WHERE session_id = ?", (old,))
    raw(store_path, "UPDATE sessions SET updated_at = '2025-06-10T09:00:00.000Z' WHERE session_id = ?", (recent,))
    now = datetime(2025, 7, 1, tzinfo=UTC)
    assert [s.session_id for s in store.sessions_older_than(3, now=now)] == [old]
    assert [s.session_id for s in store.sessions_older_than(1, now=datetime(2026, 1, 1, tzinfo=UTC))] == [old, recent]
    assert {s.session_id for s in store.sessions_older_than(1)} == {old, recent}      # really now
    # updated_at is not part of the identity, but the row's seal covers it: the edit is reported
    assert {i.session_id for i in store.verify()} == {old, recent}
    assert all("seal does not match" in i.message for i in store.verify())
    with pytest.raises(ValueError):
        store.sessions_older_than(0)
    assert store.delete_sessions([old, "not-a-session"]) == 1
    assert {s.session_id for s in store.sessions()} == {recent, active}
    assert store.delete_sessions([]) == 0


def test_retention_setting_is_persisted(store_path):
    with SessionStore(store_path) as store:
        assert store.retention_months() is None
        store.set_retention_months(24)
        store.set_retention_months(18)
        with pytest.raises(ValueError):
            store.set_retention_months(0)
    with SessionStore(store_path) as store:
        assert store.retention_months() == 18
        store.set_retention_months(None)
        assert store.retention_months() is None


def test_apply_retention_asks_before_deleting(store, store_path, mini):
    old = play(store, mini)
    keep = play(store, mini)
    raw(store_path, "UPDATE sessions SET updated_at = '2020-01-01T00:00:00.000Z' WHERE session_id = ?", (old,))
    assert retention_due(store) == []                                # no period set: nothing is due
    store.set_retention_months(6)
    asked = []
    assert apply_retention(store, lambda due: asked.append([s.session_id for s in due]) or False) == 0
    assert asked == [[old]] and len(store.sessions()) == 2
    assert apply_retention(store, lambda due: True) == 1
    assert [s.session_id for s in store.sessions()] == [keep]


# -- CLI ----------------------------------------------------------------------------------------
class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_cli_trainee_list_export_delete(store, store_path, home, mini, capsys, tmp_path, monkeypatch):
    ids = populated(store, mini)
    assert cli.main(["--home", str(home), "trainee", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == ["t-alpha\t2 sessions", "t-beta\t1 sessions"]
    assert cli.main(["trainee", "--home", str(home), "export", "t-beta"]) == 0
    assert [s["session"]["session_id"] for s in json.loads(capsys.readouterr().out)["sessions"]] == ids["t-beta"]
    out = tmp_path / "alpha.json"
    assert cli.main(["--home", str(home), "trainee", "export", "t-alpha", "--output", str(out)]) == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))["sessions"]) == 2
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))            # not a terminal: refused without --yes
    assert cli.main(["--home", str(home), "trainee", "delete", "t-alpha"]) == 1
    assert "--yes" in capsys.readouterr().err and store.trainee_ids() == ["t-alpha", "t-beta"]
    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    assert cli.main(["--home", str(home), "trainee", "delete", "t-alpha"]) == 1
    assert store.trainee_ids() == ["t-alpha", "t-beta"]
    monkeypatch.setattr("sys.stdin", Terminal("y\n"))
    assert cli.main(["--home", str(home), "trainee", "delete", "t-alpha"]) == 0
    assert "deleted 2 sessions of t-alpha" in capsys.readouterr().out and store.trainee_ids() == ["t-beta"]
    assert cli.main(["--home", str(home), "trainee", "delete", "t-beta", "--yes"]) == 0
    assert store.trainee_ids() == []
    capsys.readouterr()
    # with no sessions left it still looks in every other place (queue, exports, logs, settings) ...
    assert cli.main(["--home", str(home), "trainee", "delete", "t-beta", "--yes"]) == 0
    assert "deleted 0 sessions of t-beta; every place searched:" in capsys.readouterr().out
    # ... but only when told to
    assert cli.main(["--home", str(home), "trainee", "delete", "t-beta"]) == 1
    assert "--yes" in capsys.readouterr().err


def test_cli_retention(store, store_path, home, mini, capsys, monkeypatch):
    old, keep = play(store, mini, TraineeInfo("t-old")), play(store, mini)
    raw(store_path, "UPDATE sessions SET updated_at = '2020-01-01T00:00:00.000Z' WHERE session_id = ?", (old,))
    assert cli.main(["--home", str(home), "retention"]) == 0
    assert "no retention period set" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert cli.main(["--home", str(home), "retention", "--months", "12"]) == 1       # listed, not deleted
    out = capsys.readouterr().out
    assert "12 months; 1 session older" in out and old in out and keep not in out
    assert store.retention_months() == 12 and len(store.sessions()) == 2
    assert cli.main(["--home", str(home), "retention", "--yes"]) == 0                 # the saved period
    assert "deleted 1 sessions" in capsys.readouterr().out
    assert [s.session_id for s in store.sessions()] == [keep]
    assert cli.main(["--home", str(home), "retention", "--yes"]) == 0
    assert "0 sessions older" in capsys.readouterr().out
    assert cli.main(["--home", str(home), "retention", "--off"]) == 0 and store.retention_months() is None
    assert cli.main(["--home", str(home), "retention", "--months", "0"]) == 2

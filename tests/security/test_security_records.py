"""Score records are personal data: owner-only files, erasure that leaves no trace in the file,
escaped HTML reports, and bundles that cannot exhaust memory. No Qt here."""

from __future__ import annotations

import gzip
import json
import os
import stat
import sys

import pytest

from hydra_sim import paths
from hydra_sim.engine import load_scenario
from hydra_sim.records import SessionStore, TraineeInfo, exports
from hydra_sim.records.bundles import BUNDLE_FORMAT, BUNDLE_VERSION, MAX_LINE_CHARS, read_bundle
from hydra_sim.records.privacy import write_trainee_export
from hydra_sim.records.queue import XapiQueue

REPO = paths.bundled_root()
sys.path.insert(0, str(REPO / "tests" / "records"))
from records_support import play  # noqa: E402  (the records tests' recorder of a real session)

MINI = REPO / "tests" / "fixtures" / "mini" / "mini.yaml"
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


@pytest.fixture
def mini():
    return load_scenario(MINI).raise_for_errors()


@pytest.fixture
def home(tmp_path):
    paths.set_home(tmp_path / "home")
    yield tmp_path / "home"
    paths.set_home(None)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@posix_only
def test_store_folder_and_files_are_owner_only(home, mini):
    from hydra_sim.records import default_store_path
    path = default_store_path()
    old = os.umask(0o022)            # a typical umask, which would make files world-readable
    try:
        with SessionStore(path) as store:
            play(store, mini, TraineeInfo("t-modes", "Modes"))
            assert mode(path.parent) == 0o700 and mode(home) == 0o700
            assert mode(path) == 0o600
            wal = path.with_name(path.name + "-wal")
            if wal.exists():
                assert mode(wal) == 0o600
        with XapiQueue() as queue:
            assert mode(queue.path) == 0o600
        with SessionStore(path) as store:
            target = home / "export.json"
            write_trainee_export(store, "t-modes", target)
            assert mode(target) == 0o600
            from hydra_sim.records.bundles import export_bundle
            bundle = home / "b.jsonl"
            export_bundle(store, bundle)
            assert mode(bundle) == 0o600
    finally:
        os.umask(old)


@posix_only
def test_an_existing_folder_is_not_changed(tmp_path, mini):
    shared = tmp_path / "Documents"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    with SessionStore(shared / "sessions.sqlite3"):
        pass
    assert mode(shared) == 0o755
    assert mode(shared / "sessions.sqlite3") == 0o600


def test_erased_trainee_id_and_name_leave_no_trace_in_the_files(tmp_path, mini):
    path = tmp_path / "s.sqlite3"
    with SessionStore(path) as store:
        keep = play(store, mini, TraineeInfo("t-keep-1", "Kept Person"))
        for _ in range(3):
            play(store, mini, TraineeInfo("t-gone-ZQX", "Erased Q. Person", "Force-ZQX"))
        assert store.delete_trainee("t-gone-ZQX") == 3
        assert [s.session_id for s in store.sessions()] == [keep]
    files = [p for p in tmp_path.iterdir() if p.name.startswith("s.sqlite3")]
    data = b"".join(p.read_bytes() for p in files)
    assert b"t-keep-1" in data                        # the check can see ids that are there
    for secret in (b"t-gone-ZQX", b"Erased Q. Person", b"Force-ZQX"):
        assert secret not in data


def test_html_reports_escape_trainee_and_scenario_text(tmp_path, mini):
    with SessionStore(tmp_path / "s.sqlite3") as store:
        hostile = TraineeInfo("t-<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<b>force</b>")
        steps = [("choose", "ambulance", "<iframe src='file:///etc/passwd'>"), ("choose", ["doors", "bwv"]),
                 ("choose", ["medical", "lorry", "forms"]), ("choose", {"threat_risk": "<script>x</script>"}),
                 ("choose", "arrest", "<a href='javascript:x'>why</a>"), ("continue_",)]
        play(store, mini, hostile, steps=steps)
        records = exports.gather_all(store, exports.select_sessions(store))
    session, cohort = exports.session_html(records[0]), exports.cohort_html(records)
    for html in (session, cohort):
        lowered = html.lower()
        for raw in ("<script", "<img", "<iframe", "javascript:x'>", "onerror=alert(1)>"):
            assert raw not in lowered
    assert "&lt;script&gt;" in session and "&lt;img" in session     # shown as text, not dropped


def test_a_bundle_with_an_endless_line_is_rejected_without_reading_it_whole(tmp_path, monkeypatch):
    import hydra_sim.records.bundles as bundles
    monkeypatch.setattr(bundles, "MAX_LINE_CHARS", 10_000)
    path = tmp_path / "bomb.jsonl.gz"
    header = json.dumps({"format": BUNDLE_FORMAT, "version": BUNDLE_VERSION, "sessions": 1})
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write(header + "\n")
        out.write("[" * 200_000 + "\n")               # 20 times the (lowered) cap, compresses to almost nothing
        out.write(json.dumps({"not": "a session"}) + "\n")
    results = list(read_bundle(path))
    assert len(results) == 2
    assert results[0][1] is None and "longer than" in results[0][2]
    assert results[1][1] is None and "not a session record" in results[1][2]
    assert MAX_LINE_CHARS >= 1_000_000                 # the real cap is far above any real session

"""Trainer review data in the store: annotations, grade overrides and re-scoring against a newer
catalogue, none of which alters the original events or result. No Qt, no sleeps."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from records_support import MINI, REPO, TRAINEE, play

from hydra_sim import cli
from hydra_sim.engine import ReplayError, load_scenario
from hydra_sim.records import SessionStore, StoreError

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


pytestmark = pytest.mark.usefixtures("forget_home")


@pytest.fixture
def newer_mini(tmp_path):
    """The mini scenario with catalogue version 2: its top grade is renamed, the others are much stricter."""
    folder = tmp_path / "newer"
    shutil.copytree(REPO / "tests" / "fixtures", folder)
    catalogue = folder / "mini" / "mini-catalogue.catalogue.yaml"
    text = catalogue.read_text(encoding="utf-8")
    text = text.replace('version: "1"', 'version: "2"', 1).replace("min_percent: 85", "min_percent: 100")
    text = text.replace('{id: distinction, label: "Distinction"', '{id: outstanding, label: "Outstanding"')
    catalogue.write_text(text.replace("min_percent: 60", "min_percent: 99"), encoding="utf-8")
    return load_scenario(folder / "mini" / "mini.yaml").raise_for_errors()


def snapshot(store, session_id):
    return store.session_record(session_id)["events"], store.report(store_id := session_id), store.session(store_id)


# -- annotations -----------------------------------------------------------------------------
def test_annotations_on_the_session_and_on_events_are_kept_in_order(store, mini):
    session_id = play(store, mini)
    before = snapshot(store, session_id)
    first = store.annotate(session_id, None, "Sgt Trainer", "Good pace overall.")
    second = store.annotate(session_id, 3, "Sgt Trainer", "  Should have asked about the driver.  ")
    assert second > first
    notes = store.annotations(session_id)
    assert [(n["id"], n["seq"], n["author"], n["text"]) for n in notes] == [
        (first, None, "Sgt Trainer", "Good pace overall."), (second, 3, "Sgt Trainer", "Should have asked about the driver.")]
    assert all(STAMP.match(n["created_at"]) for n in notes)
    assert snapshot(store, session_id) == before           # the record itself is untouched
    assert store.verify() == []


@pytest.mark.parametrize("seq, author, text, words", [
    (999, "Sgt", "note", "no event 999"), (None, "  ", "note", "author"), (None, "Sgt", "", "annotation text"),
    (True, "Sgt", "note", "seq must be")])
def test_bad_annotations_are_refused_and_nothing_is_written(store, mini, seq, author, text, words):
    session_id = play(store, mini)
    with pytest.raises(ValueError, match=words):
        store.annotate(session_id, seq, author, text)
    assert store.annotations(session_id) == []


def test_annotating_an_unknown_session_names_the_store(store):
    with pytest.raises(StoreError, match="no-such"):
        store.annotate("no-such", None, "Sgt", "note")


# -- grade overrides -------------------------------------------------------------------------------
def test_grade_override_keeps_history_and_the_original_result(store, mini):
    session_id = play(store, mini)
    report = store.report(session_id)
    assert store.grade_override(session_id) is None and store.grade_overrides(session_id) == []
    one = store.override_grade(session_id, "competent", "Rationale for the arrest was thin.", "Sgt A")
    two = store.override_grade(session_id, "distinction", "Reviewed with the trainee: rationale was given orally.",
                               "Insp B")
    assert two > one
    latest = store.grade_override(session_id)
    assert set(latest) == {"grade_id", "reason", "author", "created_at"}
    assert (latest["grade_id"], latest["author"]) == ("distinction", "Insp B") and STAMP.match(latest["created_at"])
    assert [o["grade_id"] for o in store.grade_overrides(session_id)] == ["competent", "distinction"]
    assert store.report(session_id) == report and store.session(session_id).grade == report["grade_id"]
    assert store.verify() == []


@pytest.mark.parametrize("grade, reason, author", [("competent", "", "Sgt"), ("competent", "   ", "Sgt"),
                                                   ("competent", None, "Sgt"), ("", "why", "Sgt"),
                                                   ("competent", "why", "")])
def test_override_needs_a_grade_a_reason_and_an_author(store, mini, grade, reason, author):
    session_id = play(store, mini)
    with pytest.raises(ValueError, match="required"):
        store.override_grade(session_id, grade, reason, author)
    assert store.grade_override(session_id) is None


# -- rescoring -------------------------------------------------------------------------------------
def test_rescore_against_a_newer_catalogue_stores_a_new_report_and_keeps_the_original(store, mini, newer_mini):
    session_id = play(store, mini)
    before = snapshot(store, session_id)
    assert before[1]["grade_id"] == "distinction" and before[1]["catalogue_versions"] == {"mini-catalogue": "1"}
    stored = store.rescore(session_id, newer_mini)
    assert stored["catalogues"] == {"mini-catalogue": "2"}
    assert stored["report"]["catalogue_versions"] == {"mini-catalogue": "2"}
    assert stored["scenario_id"] == "mini" and stored["scenario_hash"] == newer_mini.content_hash
    assert stored["percent"] == before[1]["percent"] == stored["report"]["percent"]
    assert stored["grade_id"] == stored["report"]["grade_id"] == "outstanding"
    assert STAMP.match(stored["created_at"])
    assert store.rescores(session_id) == [stored]
    again = store.rescore(session_id, mini)
    assert again["grade_id"] == "distinction" and again["report"]["catalogue_versions"] == {"mini-catalogue": "1"}
    assert [r["id"] for r in store.rescores(session_id)] == [stored["id"], again["id"]]
    assert snapshot(store, session_id) == before
    assert store.verify() == []


def test_rescore_of_another_scenario_or_an_input_that_no_longer_fits_is_refused(store, mini):
    session_id = play(store, mini)
    other = load_scenario(MINI).raise_for_errors()
    other.id = "something-else"
    with pytest.raises(ValueError, match="plays 'mini'"):
        store.rescore(session_id, other)
    store._conn.execute("BEGIN IMMEDIATE")     # simulate a scenario edit by making a stored input not fit
    store._conn.execute("UPDATE events SET data_json = replace(data_json, '\"ambulance\"', '\"teleport\"')"
                        " WHERE session_id = ? AND is_input = 1", (session_id,))
    store._conn.execute("COMMIT")
    with pytest.raises(ReplayError):
        store.rescore(session_id, mini)
    assert store.rescores(session_id) == []


def test_cli_rescore(tmp_path, mini, newer_mini, capsys):
    home = tmp_path / "home"
    with SessionStore(home / "records" / "sessions.sqlite3") as store:
        session_id = play(store, mini)
    assert cli.main(["--home", str(home), "rescore", session_id, str(newer_mini.path)]) == 0
    out = capsys.readouterr().out
    assert "mini-catalogue 2" in out and "original: 100.0% distinction" in out and "100.0% outstanding" in out
    assert cli.main(["rescore", "--home", str(home), session_id, str(MINI), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["catalogues"] == {"mini-catalogue": "1"} and data["id"] == 2
    assert cli.main(["rescore", "--home", str(home), "no-such-session", str(MINI)]) == 1
    assert "no-such-session" in capsys.readouterr().err


def test_review_data_is_only_for_existing_sessions(store, mini):
    session_id = play(store, mini, TRAINEE)
    for call in (store.annotations, store.grade_overrides, store.grade_override, store.rescores):
        with pytest.raises(StoreError):
            call("missing")
        assert call(session_id) in ([], None)

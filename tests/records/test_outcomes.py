"""The cohort outcome tables (records/outcomes.py) and the dashboard counted from them in SQL
(gui/review/cohort_counts.py) against the dashboard's Python counting of the stored reports
(cohort_stats.compact_report + cohort_summary), on a varied store: missed, late, contravened, not
reached and not applicable actions, team actions, unscored sessions, a marked rationale, an erased
trainee, an imported bundle, and writes an older hydra_sim makes without knowing the tables."""

from __future__ import annotations

import contextlib
import io
import json
import random
import sqlite3
from contextlib import closing

import shutil

import pytest
from records_support import REPO, play
from test_records_marking import RATIONALE

from hydra_sim import cli
from hydra_sim.engine import load_scenario
from hydra_sim.gui.review import cohort_counts
from hydra_sim.gui.review.cohort_stats import cohort_summary, compact_report
from hydra_sim.records import SessionStore, TraineeInfo, outcomes
from hydra_sim.records.bundles import export_bundle, import_bundle
from hydra_sim.records.erasure import erase_trainee

STATUSES = ("on_time", "late", "missed", "contravened", "not_applicable", "not_reached", "awaiting_marking")
ACTIONS = [(f"nrp.a{n:02d}", f"Action {n}", n % 3 == 0) for n in range(14)]
TEAM = [("brief", "Brief the team"), ("handover", "Hand over the cordon")]


def varied_report(rng: random.Random, scenario_id: str) -> dict:
    actions = []
    for aid, title, critical in rng.sample(ACTIONS, rng.randint(6, len(ACTIONS))):
        status = rng.choice(STATUSES)
        at = rng.choice([0, 60, 120, 120, 600, 615]) if status in ("on_time", "late") else None
        actions.append({"action_id": aid, "title": title, "critical": critical, "status": status,
                        "achieved_at": at if rng.random() > 0.1 else None})
    report = {"scenario_id": scenario_id, "percent": rng.choice([None, 0, 9.99, 10, 55.5, 89.9, 90, 100,
                                                                 round(rng.uniform(0, 100), 1)]),
              "grade_id": "competent", "grade_label": rng.choice(["Competent", "Not yet competent"]),
              "outcome": rng.choice(["good", "poor", None]), "actions": actions}
    if rng.random() < 0.4:           # a seated session's team part
        report["team"] = {"actions": [{"team_action_id": tid, "title": title,
                                       "status": rng.choice(["met", "missed", "not_reached", "odd"]),
                                       "checked_at": rng.choice([None, 30, 90])} for tid, title in TEAM]}
    return report


def python_summary(path, ids):
    """The dashboard as it counted before: every report parsed, compacted and counted in Python."""
    with closing(sqlite3.connect(path)) as conn:
        stored = conn.execute("SELECT session_id, result_json FROM sessions WHERE result_json IS NOT NULL").fetchall()
    reports, titles = {}, {}
    for sid, text in stored:
        reports[sid], found = compact_report(sid, json.loads(text))
        titles.update(found)
    return cohort_summary([reports[s] for s in sorted(ids) if s in reports], titles), reports


def assert_same(path, ids):
    counted = cohort_counts.count(path, set(ids))
    assert counted is not None, "nothing should be pending"
    with closing(sqlite3.connect(path)) as conn:        # the triggers' totals are the rows' counts
        assert outcomes.check_totals(conn) is None
        assert conn.execute("SELECT COUNT(*) FROM outcome_totals WHERE n <= 0").fetchone()[0] == 0
    expected, reports = python_summary(path, ids)
    assert counted.summary == expected
    assert counted.labels == {s: (r.grade_label, r.outcome) for s, r in reports.items() if s in ids}
    return counted.summary


def all_ids(path):
    with closing(sqlite3.connect(path)) as conn:
        return [r[0] for r in conn.execute("SELECT session_id FROM sessions")]


@pytest.fixture
def varied(tmp_path, mini):
    rng = random.Random(14)
    path = tmp_path / "home" / "records" / "sessions.sqlite3"
    store = SessionStore(path)
    for n in range(60):
        trainee = TraineeInfo(f"t-{n % 7}", force=rng.choice(["Kent", "Essex"]))
        sid = store.start_session(trainee, mini)
        if n % 9 == 4:
            continue                                    # in progress: never counted
        store.finish_session(sid, varied_report(rng, str(mini.id)))
    yield store, path, rng
    store.close()


@pytest.fixture(scope="module")
def markable(tmp_path_factory):
    """The mini scenario with its rubric criterion earning an action (as tests/records/test_records_marking.py)."""
    folder = tmp_path_factory.mktemp("marked") / "fixtures"
    shutil.copytree(REPO / "tests" / "fixtures", folder)
    path = folder / "mini" / "mini.yaml"
    text = path.read_text(encoding="utf-8")
    old = 'guidance: "For feedback."}]'
    assert old in text
    path.write_text(text.replace(old, "evidences: [rationale_recorded]}]"), encoding="utf-8")
    return load_scenario(path).raise_for_errors()


def test_sql_counts_equal_the_python_counting_on_a_varied_store(varied, mini, markable, tmp_path):
    store, path, rng = varied
    ids = all_ids(path)
    summary = assert_same(path, ids)
    assert summary.sessions > 40 and summary.miss_rates and summary.critical_times
    assert any(m.action_id.startswith("team:") for m in summary.miss_rates)
    assert any(m.not_reached for m in summary.miss_rates) and any(m.contravened for m in summary.miss_rates)
    # filtered sets, as the table's filters make: a few (each one's rows looked up), many (the index
    # scanned and each row tested), none
    for size in (0, 1, 3, len(ids) // 2, len(ids) - 2, rng.randint(0, len(ids))):
        assert_same(path, rng.sample(ids, size))
    # a played and marked rationale (the real finish and marking paths)
    marked = play(store, markable)
    assert_same(path, all_ids(path))
    before = cohort_counts.count(path, {marked}).labels[marked]
    assert before[0].endswith("(provisional)")
    store.mark_rationale(marked, markable, RATIONALE, {"risk_named": "met"}, "Sgt Okafor")
    assert_same(path, all_ids(path))
    assert cohort_counts.count(path, {marked}).labels[marked] != before     # the marked report's rows
    # an erased trainee: their rows go with their sessions
    erase_trainee(store, "t-3", home=path.parent.parent)
    assert_same(path, all_ids(path))
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT COUNT(*) FROM session_outcomes WHERE session_id NOT IN"
                            " (SELECT session_id FROM sessions)").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM outcome_actions WHERE outcome NOT IN"
                            " (SELECT id FROM session_outcomes)").fetchone()[0] == 0
    # an imported bundle
    with SessionStore(tmp_path / "other" / "records" / "sessions.sqlite3") as other:
        for n in range(8):
            sid = other.start_session(TraineeInfo(f"x-{n}"), mini)
            other.finish_session(sid, varied_report(rng, str(mini.id)))
        export_bundle(other, tmp_path / "b.jsonl.gz")
    assert import_bundle(store, tmp_path / "b.jsonl.gz").added
    assert_same(path, all_ids(path))


def test_writes_of_an_older_hydra_sim_queue_the_session_and_the_backfill_makes_it_exact(varied, mini):
    store, path, rng = varied
    sid = next(s.session_id for s in store.sessions("finished"))
    other = next(s.session_id for s in store.sessions("finished") if s.session_id != sid)
    new_report = varied_report(rng, str(mini.id))
    with closing(sqlite3.connect(path)) as conn, conn:      # what a version without the tables does
        conn.execute("UPDATE sessions SET result_json = ? WHERE session_id = ?", (json.dumps(new_report), sid))
        conn.execute("DELETE FROM events WHERE session_id = ?", (other,))
        conn.execute("DELETE FROM sessions WHERE session_id = ?", (other,))
        conn.execute("CREATE TEMP TABLE copied AS SELECT * FROM sessions WHERE session_id = ?", (sid,))
        conn.execute("UPDATE copied SET session_id = 'copied-by-an-older-version'")
        conn.execute("INSERT INTO sessions SELECT * FROM copied")        # an import, as it inserts rows
    assert cohort_counts.count(path, set(all_ids(path))) is None          # never counted stale
    assert store.summarise_outcomes() == 2
    summary = assert_same(path, all_ids(path))
    assert summary.sessions == len([s for s in store.sessions() if s.status == "finished"])


def test_an_older_store_is_summarised_once_and_a_review_open_writes_nothing(varied, mini):
    store, path, _rng = varied
    expected, _ = python_summary(path, all_ids(path))
    with closing(sqlite3.connect(path)) as conn, conn:      # the store as an older hydra_sim left it
        drop_derived(conn)
    store.close()
    with SessionStore(path, page_check=False) as review:     # the review's open: no page check, no writes
        with review._read() as conn:
            assert not outcomes.present(conn)
        assert cohort_counts.count(path, set(all_ids(path))) is None
    seen = []
    with SessionStore(path) as own:                           # the review's worker: checked, so it adds them
        assert own.summarise_outcomes(lambda done, total: seen.append((done, total))) == expected.sessions
    assert seen[-1] == (expected.sessions, expected.sessions)
    assert cohort_counts.count(path, set(all_ids(path))).summary == expected


def drop_derived(conn, names=tuple(outcomes.DERIVED)):
    for name in names:
        kind = outcomes.DERIVED[name].split()[1]          # CREATE TABLE / INDEX / TRIGGER IF NOT EXISTS ...
        conn.execute(f"DROP {kind} IF EXISTS {name}")


def test_a_store_from_before_the_totals_gets_them_from_its_rows(varied, mini):
    store, path, rng = varied
    expected, _ = python_summary(path, all_ids(path))
    totals = [n for n in outcomes.DERIVED if "totals" in n]
    assert len(totals) == 8
    with closing(sqlite3.connect(path)) as conn, conn:      # as the previous version left it: rows, no totals
        drop_derived(conn, totals)
        assert not outcomes.present(conn)
    assert cohort_counts.count(path, set(all_ids(path))) is None     # never read from missing totals
    store.close()
    with SessionStore(path) as own:                           # a checked open adds them, from the rows
        assert own.summarise_outcomes() == 0                  # nothing to parse again
        assert assert_same(path, all_ids(path)) == expected
        sid = own.start_session(TraineeInfo("t-new"), mini)   # and they follow every write after that
        own.finish_session(sid, varied_report(rng, str(mini.id)))
        assert_same(path, all_ids(path))
        erase_trainee(own, "t-1", home=path.parent.parent)
        assert_same(path, all_ids(path))


def test_a_read_only_store_is_counted_in_memory(varied, mini):
    store, path, _rng = varied
    expected, reports = python_summary(path, all_ids(path))
    found, titles = cohort_counts.reports_in_memory(path)
    assert found == reports
    assert cohort_summary(list(found.values()), titles) == expected


def test_verify_names_a_session_whose_dashboard_rows_were_edited(varied):
    store, path, _rng = varied
    assert store.verify() == []
    sid = next(s.session_id for s in store.sessions("finished"))
    with closing(sqlite3.connect(path)) as conn, conn:       # the file edited behind the app's back
        conn.execute("UPDATE outcome_actions SET status = 'on_time' WHERE outcome ="
                     " (SELECT id FROM session_outcomes WHERE session_id = ?) AND n = 0", (sid,))
        conn.execute("UPDATE outcome_actions SET status = 'tampered' WHERE outcome ="
                     " (SELECT id FROM session_outcomes WHERE session_id = ?) AND n = 1", (sid,))
    issues = store.verify()
    assert [i.session_id for i in issues] == [sid] and "cohort-dashboard rows differ" in issues[0].message
    assert store.summarise_outcomes() == 0                   # nothing queued: the rows were edited, not stale


def test_verify_names_edited_totals(varied):
    store, path, _rng = varied
    first = "(SELECT MIN(action_id) FROM outcome_totals)"
    with closing(sqlite3.connect(path)) as conn, conn:        # an action's total edited
        conn.execute(f"UPDATE outcome_totals SET n = n + 5 WHERE action_id = {first}")
    issues = store.verify()
    assert [i.session_id for i in issues] == [""] and "totals differ from its rows" in issues[0].message
    assert str(issues[0]).startswith("the store: ")
    out = io.StringIO()                                        # hydra-sim verify says it is the store's
    with contextlib.redirect_stdout(out):
        assert cli.main(["--home", str(path.parent.parent), "verify"]) == 1
    assert out.getvalue().strip().splitlines()[-1].endswith(
        " verified, 0 with problems; the store itself has 1 problem (above)")
    with closing(sqlite3.connect(path)) as conn, conn:        # put back; a percent's total edited instead
        conn.execute(f"UPDATE outcome_totals SET n = n - 5 WHERE action_id = {first}")
        conn.execute("UPDATE percent_totals SET percent = percent + 0.5")
    assert ["totals differ" in i.message for i in store.verify()] == [True]
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE percent_totals SET percent = percent - 0.5")
    assert store.verify() == []

"""Exports of session records: CSV, JSON, HTML (session and cohort), PDF, and the export command."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from export_cohort import build_cohort

from hydra_sim import cli, paths
from hydra_sim.records import SessionStore, default_store_path, exports


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    paths.set_home(home)
    try:
        with SessionStore(default_store_path()) as store:
            ids = build_cohort(store)
    finally:
        paths.set_home(None)
    return home, ids


@pytest.fixture()
def store(cohort):
    home, _ids = cohort
    with SessionStore(home / "records" / "sessions.sqlite3") as opened:
        yield opened


@pytest.fixture()
def records(store):
    return exports.gather_all(store, exports.select_sessions(store))


def by_id(records, session_id):
    return next(r for r in records if r.session_id == session_id)


def test_sessions_csv_has_one_row_per_session_with_identity_and_result(records, cohort):
    _home, ids = cohort
    rows = list(csv.DictReader(io.StringIO(exports.sessions_csv(records))))
    assert [r["session_id"] for r in rows] == [ids[k] for k in ("mini_good", "mini_poor", "flag_best",
                                                               "flag_careless", "unfinished")]
    good = rows[0]
    assert tuple(rows[0]) == exports.SESSION_COLUMNS
    assert (good["trainee_id"], good["display_name"], good["force"], good["role"]) == \
        ("t-0001", "PC <Ann> O'Neil", "Brackenford", "call_handler")
    assert (good["scenario_id"], good["scenario_version"], good["catalogues"]) == ("mini", "1.0", "mini-catalogue 1")
    assert re.fullmatch(r"[0-9a-f]{64}", good["scenario_hash"])
    assert (good["status"], good["ending_id"], good["outcome"], good["percent"], good["grade"]) == \
        ("finished", "good_end", "good", "100.0", "distinction")
    poor = rows[1]
    assert poor["outcome"] == "harm" and poor["grade"] == "not_yet_competent"
    assert "send_ambulance" in poor["critical_failures"].split("; ")
    unfinished = rows[4]
    assert unfinished["status"] == "in_progress" and unfinished["percent"] == "" and unfinished["ended_at"] == ""


def test_decisions_csv_has_every_decision_with_rationale_clock_and_actions(records, cohort):
    _home, ids = cohort
    rows = list(csv.DictReader(io.StringIO(exports.decisions_csv(records))))
    good = [r for r in rows if r["session_id"] == ids["mini_good"]]
    assert [r["scene_id"] for r in good] == ["call", "arrive", "priorities", "why", "driver"]
    assert [r["index"] for r in good] == ["0", "1", "2", "3", "4"]
    call, arrive, rank, why, _driver = good
    assert (call["selection"], call["rationale"], call["clock"]) == ("ambulance", "Life first = always", "04:10")
    assert (call["decision_seconds"], call["entry_seconds"], call["evidenced"]) == ("72.5", "10.0", "send_ambulance")
    assert arrive["selection"] == "doors[,]bwv" and arrive["evidenced"] == "ventilate; bwv_on"
    assert rank["selection"] == "medical[,]lorry[,]forms" and rank["kind"] == "rank"
    assert why["rationale"] == ("Threat and risk: <b>People</b> in a sealed trailer & cold | "
                                "Action and review: Review at 04:30")
    poor = [r for r in rows if r["session_id"] == ids["mini_poor"]]
    assert poor[0]["contravened"] == "send_ambulance" and poor[0]["points"] == "-3.0"
    # A rationale a spreadsheet would run as a formula is neutralised.
    assert poor[0]["rationale"] == "'@SUM(1) not my job"
    flagship = [r for r in rows if r["session_id"] == ids["flag_best"]]
    assert len(flagship) >= 15 and all(re.fullmatch(r"\d\d:\d\d", r["clock"]) for r in flagship)


def test_json_export_keeps_everything(records, cohort):
    _home, ids = cohort
    data = json.loads(exports.sessions_json(records))
    assert data["format"] == "hydra-sim-sessions" and len(data["sessions"]) == 5
    good = next(s for s in data["sessions"] if s["session_id"] == ids["mini_good"])
    assert good["trainee"]["display_name"] == "PC <Ann> O'Neil"
    assert good["report"]["percent"] == 100.0 and good["report"]["actions"]
    assert [e["kind"] for e in good["events"]][:2] == ["scene_entered", "reference_opened"]
    assert good["decisions"][0]["decision_seconds"] == 72.5
    assert good["scenario"]["file_available"] is True


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def assert_self_contained(html: str) -> _Collector:
    page = parse(html)
    names = {tag for tag, _ in page.tags}
    assert not names & {"script", "img", "link", "iframe", "object", "embed"}
    assert all(not any(k in ("src", "href") for k in attrs) for _, attrs in page.tags)
    assert "url(" not in html and "@import" not in html
    return page


def test_session_report_is_self_contained_and_escapes_every_text(records, cohort):
    _home, ids = cohort
    html = exports.session_html(by_id(records, ids["mini_good"]))
    page = assert_self_contained(html)
    assert "<b>People</b>" not in html and "&lt;b&gt;People&lt;/b&gt;" in html
    assert "PC &lt;Ann&gt; O&#x27;Neil" in html
    text = " ".join(page.text)
    for words in ("Achieved on time", "Why it matters", "Sources", "Timeline", "Distinction", "Rationale:",
                  "Send an ambulance", "Life first = always", "04:10"):
        assert words in text, words
    assert "@media print" in html


def test_session_report_of_a_failed_and_an_unfinished_session(records, cohort):
    _home, ids = cohort
    text = " ".join(parse(exports.session_html(by_id(records, ids["mini_poor"]))).text)
    assert "Contravened" in text and "send_ambulance" in text and "harm" in text
    text = " ".join(parse(exports.session_html(by_id(records, ids["unfinished"]))).text)
    assert "has not finished" in text


def test_cohort_statistics_rank_actions_by_miss_rate(records):
    stats = exports.cohort_stats(records)
    assert (stats.sessions, stats.finished, stats.trainees) == (5, 4, 4)
    assert sum(n for _, n in stats.distribution) == 4
    rates = [a["miss_rate"] for a in stats.actions]
    assert rates == sorted(rates, reverse=True) and rates[0] > 0
    ambulance = next(a for a in stats.actions if a["action_id"] == "send_ambulance")
    assert (ambulance["assessed"], ambulance["contravened"], ambulance["miss_rate"]) == (2, 1, 0.5)
    critical = {c["action_id"]: c for c in stats.critical_times}
    assert critical and all(c["median_seconds"] is None or c["median_seconds"] >= 0 for c in critical.values())
    assert any(c["achieved"] for c in critical.values())


def test_cohort_report_is_self_contained(records):
    html = exports.cohort_html(records, filters="scenario <all>")
    page = assert_self_contained(html)
    text = " ".join(page.text)
    for words in ("Score distribution", "Miss rate", "Median time", "scenario <all>"):
        assert words in text
    assert "scenario &lt;all&gt;" in html


def test_a_missing_scenario_file_falls_back_to_ids(store, cohort):
    _home, ids = cohort
    summary = store.session(ids["mini_good"])
    summary.scenario_path = "/nowhere/gone.yaml"
    record = exports.gather(store, summary)
    assert record.scenario is None
    assert [d.selection_text for d in record.decisions][:2] == ["ambulance", "doors; bwv"]
    assert record.decisions[0].clock_label == "+0:00"
    assert record.decisions[0].evidenced == ["send_ambulance"]       # from the stored report
    assert "Session report" in exports.session_html(record)


def run_cli(*argv) -> int:
    try:
        return cli.main(list(argv))
    finally:
        paths.set_home(None)


def test_export_command_writes_each_format(cohort, tmp_path, capsys):
    home, ids = cohort
    out = tmp_path / "s.csv"
    assert run_cli("export", "--format", "csv", "--output", str(out), "--home", str(home)) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert len(list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))) == 5
    assert run_cli("export", "--format", "csv", "--what", "decisions", "--trainee", "t-0002",
                   "--home", str(home)) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["session_id"] for r in rows} == {ids["mini_poor"]}
    assert run_cli("--home", str(home), "export", "--format", "json", "--scenario", "brackenford-services") == 0
    data = json.loads(capsys.readouterr().out)
    assert {s["session_id"] for s in data["sessions"]} == {ids["flag_best"], ids["flag_careless"]}
    html = tmp_path / "r.html"
    assert run_cli("export", "--format", "html", "--session", ids["mini_good"], "--output", str(html),
                   "--home", str(home)) == 0
    assert "Session report" in html.read_text(encoding="utf-8")
    assert run_cli("export", "--format", "html", "--what", "cohort", "--scenario", "mini", "--home", str(home)) == 0
    assert "Cohort report" in capsys.readouterr().out
    assert run_cli("export", "--format", "xapi", "--session", ids["mini_good"], "--iri-base",
                   "https://lms.example.net/x/", "--home", str(home)) == 0
    statements = json.loads(capsys.readouterr().out)
    assert len(statements) == 7 and all(s["object"]["id"].startswith("https://lms.example.net/x/scenarios/mini")
                                        for s in statements)


def test_export_command_refuses_what_it_cannot_do(cohort, tmp_path, capsys):
    home, _ids = cohort
    assert run_cli("export", "--format", "html", "--home", str(home)) == 2          # many sessions, one report
    assert "--session" in capsys.readouterr().err
    assert run_cli("export", "--format", "pdf", "--home", str(home)) == 2           # no --output
    assert run_cli("export", "--format", "csv", "--what", "cohort", "--home", str(home)) == 2
    assert run_cli("export", "--home", str(tmp_path / "empty")) == 1
    assert "no session store" in capsys.readouterr().err


def test_pdf_of_a_session_and_a_cohort(cohort, tmp_path):
    pytest.importorskip("PySide6")
    home, ids = cohort
    single, many = tmp_path / "session.pdf", tmp_path / "cohort.pdf"
    assert run_cli("export", "--format", "pdf", "--session", ids["flag_best"], "--output", str(single),
                   "--home", str(home)) == 0
    assert run_cli("export", "--format", "pdf", "--what", "cohort", "--output", str(many), "--home", str(home)) == 0
    for pdf in (single, many):
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF-") and len(data) > 5000 and b"%%EOF" in data[-64:]


def test_records_exports_never_import_qt():
    code = ("import sys, hydra_sim.records.exports, hydra_sim.records.xapi, hydra_sim.records.lrs, "
            "hydra_sim.records.queue; assert not [m for m in sys.modules if m.startswith('PySide6')]")
    import subprocess
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])

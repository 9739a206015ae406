"""The debrief PDF says what it is a record of, on its first page, and numbers every page.

Read back with QPdfDocument (the text a reader's PDF viewer would find), and page 1 saved as
a picture for looking at. The session is played through the real window, so its date comes
from the stored record.
"""

from __future__ import annotations

from datetime import datetime

from helpers import SCREENSHOTS, click
from PySide6.QtCore import QSize
from PySide6.QtPdf import QPdfDocument
from test_run_conditions_gui import a_seed_drawing, conditioned_mini

from hydra_sim.engine import presentation
from hydra_sim.gui.debrief_export import when_text
from hydra_sim.gui.report_pdf import html_to_pdf


def pdf_pages(path) -> list[str]:
    document = QPdfDocument()
    assert document.load(str(path)) == QPdfDocument.Error.None_
    pages = [document.getAllText(page).text() for page in range(document.pageCount())]
    size = document.pagePointSize(0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    image = document.render(0, QSize(int(size.width() * 1.5), int(size.height() * 1.5)))
    assert image.save(str(SCREENSHOTS / f"{path.stem}-page-1.png"))
    document.close()
    return pages


def play_to_the_end(runner, driver=None) -> None:
    """Answer every decision with its first option; ``driver``: the window's controller (same
    methods as the runner), so the session is recorded and the debrief opens as it would."""
    player = driver or runner
    while not runner.ended:
        decision = player.decision
        if decision is None:
            player.continue_()
        elif decision.kind == "ndm_rationale":
            player.choose({"threat_risk": "The people in the trailer: heat and air."})
        elif decision.kind == "choose_one":
            player.choose(player.available_options()[0].id, "Because.")
        elif decision.kind == "rank":
            player.choose([option.id for option in player.available_options()])
        else:
            player.choose([player.available_options()[0].id])


def test_the_first_page_carries_the_record_and_every_page_its_number(qtbot, window, monkeypatch, tmp_path):
    path = conditioned_mini(tmp_path)
    monkeypatch.setattr(presentation, "new_seed", lambda: a_seed_drawing(path, "stacked"))
    assert window.open_scenario_file(path)
    click(qtbot, window.briefing_screen.start_button)
    controller = window.controller
    session_id = controller.session_id
    play_to_the_end(controller.runner, controller)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.debrief_screen)
    debrief = window.debrief_screen
    assert debrief.session is not None and debrief.session.session_id == session_id
    started = window.store.session(session_id).started_at

    pdf = debrief.export_pdf(tmp_path / "out" / "debrief.pdf")
    assert pdf is not None
    pages = pdf_pages(pdf)
    first = " ".join(pages[0].split())           # the PDF's text breaks lines where the page does
    scenario = controller.scenario
    trainee = window.trainee
    assert when_text(started) and when_text(started) in first              # the session's date and time
    assert f"Trainee {trainee.trainee_id}" in first
    assert f"{scenario.title}, version {scenario.version}" in first
    assert f"content identifier {scenario.content_hash[:12]}" in first
    catalogue = scenario.catalogues[0]
    assert f"({catalogue.id}), version {catalogue.version}" in first
    assert "This run's conditions Ambulance response: delayed: no crew free for 40 minutes" in first
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert f"Debrief: {scenario.title}" in text                  # whose debrief a loose page is


def test_a_debrief_without_a_stored_session_says_so_and_when_it_was_made(qtbot, window, tmp_path):
    from hydra_sim.engine import ScenarioRunner, load_scenario
    from hydra_sim.engine.scoring import score_runner
    from helpers import MINI
    scenario = load_scenario(MINI).raise_for_errors()
    runner = ScenarioRunner(scenario, seed=1)
    runner.start()
    play_to_the_end(runner)
    debrief = window.debrief_screen
    debrief.show_report(scenario, score_runner(runner), runner)
    first = " ".join(pdf_pages(debrief.export_pdf(tmp_path / "loose.pdf"))[0].split())
    assert "Session not recorded (this debrief was made on" in first
    assert "Trainee not recorded" in first
    assert "This run's conditions None: this scenario plays the same way every time." in first


def test_a_long_report_is_numbered_page_by_page(qtbot, tmp_path):
    paragraphs = "".join(f"<p>Paragraph {i} of a long report.</p>" for i in range(400))
    pages = pdf_pages(html_to_pdf(f"<html><body>{paragraphs}</body></html>", tmp_path / "long.pdf",
                                  footer="A long report"))
    assert len(pages) > 3
    assert [f"Page {n} of {len(pages)}" in text for n, text in enumerate(pages, 1)] == [True] * len(pages)
    joined = " ".join(pages)
    assert all(f"Paragraph {i} of" in joined for i in (0, 199, 399))      # nothing lost at a page break


def test_when_text_reads_utc_stamps_in_local_time():
    stamp = "2026-12-03T08:40:12Z"
    local = datetime.fromisoformat("2026-12-03T08:40:12+00:00").astimezone()
    assert when_text(stamp).startswith(f"{local:%A} {local.day} {local:%B %Y}, {local:%H:%M}")
    assert when_text("not a time") == ""


def test_no_text_is_quoted_twice_in_the_pdf(qtbot, tmp_path):
    """Scene titles such as '"I can say for them" (you: PC Strick)' carry their own quotes: the
    debrief must not wrap them in a second pair (it printed \u201c"I can say for them"...)."""
    import re

    from helpers import REPO

    from hydra_sim.engine.loader import load_scenario
    from hydra_sim.engine.plan import load_test_plan, run_test_plan
    from hydra_sim.engine.scoring import score_runner
    from hydra_sim.gui.debrief_export import debrief_html
    scenario = load_scenario(REPO / "scenarios" / "layby-drop.yaml").scenario
    plan, problems = load_test_plan(REPO / "scenarios" / "layby-drop.worst.plan.yaml")
    assert plan is not None, problems
    runner = run_test_plan(plan, scenario).runner
    html = debrief_html(scenario, score_runner(runner), runner, None)
    import html as html_module
    plain = html_module.unescape(html)
    own_quotes = [s.title for s in scenario.scenes.values() if s.title[:1] in "\"\u201c'\u2018"]
    assert [t for t in own_quotes if t in plain], own_quotes          # the case is in this debrief
    text = " ".join(pdf_pages(html_to_pdf(html, tmp_path / "quoted-titles.pdf", footer="Debrief")))
    marks = "\"'\u201c\u201d\u2018\u2019"
    doubled = [text[max(0, m.start() - 30):m.end() + 30] for m in re.finditer(f"[{marks}][{marks}]", text)]
    assert doubled == []

"""A rationale in the GUI: the NDM panel's structured parts, and an assessor marking it in review."""

from __future__ import annotations

import pytest
from helpers import REPO, shoot, shown_review
from PySide6.QtWidgets import QDialog, QLabel

from hydra_sim.engine.loader import load_scenario
from hydra_sim.gui.decision_panels import make_panel
from hydra_sim.gui.review import sample_data as sd
from hydra_sim.gui.review.marking import MarkingDialog
from hydra_sim.records.store import SessionStore, TraineeInfo

FLAGSHIP = REPO / "scenarios" / "brackenford-services.yaml"
BEST_PARTS = {"suspect_route": "arrest_s25", "suspect_necessity": "prompt_investigation",
              "group_route": "admin_route_nccu", "woman_route": "nrm_safe"}


@pytest.fixture(scope="module")
def flagship():
    return load_scenario(FLAGSHIP).raise_for_errors()


def test_the_ndm_panel_asks_for_every_structured_part(qtbot, flagship):
    decision = flagship.scenes["powers_rationale"].decision
    panel = make_panel(decision, [])
    qtbot.addWidget(panel)
    panel.resize(900, 1500)
    panel.show()
    qtbot.waitExposed(panel)
    for field_id in decision.required:
        panel.boxes[field_id].setPlainText("x")
    with qtbot.assertNotEmitted(panel.submitted):
        panel.submit()
    assert "Choose an answer for" in panel.error.text() and "Kaka" in panel.error.text()
    for part_id, option_id in BEST_PARTS.items():
        combo = panel.parts[part_id]
        assert combo.currentIndex() == -1                # nothing is chosen for the trainee
        combo.setCurrentIndex(combo.findData(option_id))
    shoot(panel, "incident-ndm-parts")
    with qtbot.waitSignal(panel.submitted) as signal:
        panel.submit()
    selection, _rationale = signal.args
    assert selection["parts"] == BEST_PARTS and selection["information"] == "x"


@pytest.fixture
def provisional_session(tmp_path, flagship):
    """The flagship's best path, finished but not yet marked."""
    store = SessionStore(tmp_path / "sessions.sqlite3")
    steps = [s for s in sd.plan_steps(REPO / "scenarios" / "brackenford-services.best.plan.yaml")
             if s.kind not in ("mark", "expect")]
    session_id = sd.record_plan(store, flagship, steps, TraineeInfo("t-101", "Pat Morgan", "Kent", "first_responder"))
    yield store, session_id
    store.close()


def test_the_review_window_marks_a_rationale_and_the_grade_follows(qtbot, monkeypatch, provisional_session):
    store, session_id = provisional_session
    assert store.report(session_id)["provisional"]
    win = shown_review(qtbot, store)
    win.select_sessions([session_id])
    row = next(r for r in win.model.rows() if r.session_id == session_id)
    assert row.percent < 100
    assert "Provisional" in win.detail_header.text() and win.mark_button.isEnabled()
    shown = {}

    def ask(cls, parent, decision, selection, previous=None, author="", title=""):
        dialog = cls(parent, decision, selection, previous, author, title)
        qtbot.addWidget(dialog)
        dialog.resize(1000, 1100)
        dialog.show()
        qtbot.waitExposed(dialog)
        texts = [label.text() for label in dialog.findChildren(QLabel)]
        assert any(t.startswith("Trainee wrote: \u201cTwelve found") for t in texts)     # the trainee's own words
        assert any("Chose \u2014" in t and "Arrest on suspicion of facilitation" in t for t in texts)
        dialog._try_accept()                              # nothing marked yet: refused, stays open
        assert "Mark every criterion" in dialog.error.text() and dialog.result() != QDialog.DialogCode.Accepted
        for criterion in decision.rubric:
            dialog.set_mark(criterion.id, "met")
        dialog.comments["power_and_necessity"].setText("Clear Code G necessity for Kaka")
        shoot(dialog, "review-mark-rationale")
        dialog._try_accept()
        assert dialog.result() == QDialog.DialogCode.Accepted
        shown["author"] = dialog.author.text()
        return dialog.marks(), dialog.comment_values(), dialog.author.text().strip()

    monkeypatch.setattr(MarkingDialog, "ask", classmethod(ask))
    win.mark_button.click()
    assert shown["author"] == "Sgt Trainer"
    report = store.report(session_id)
    assert not report["provisional"] and report["percent"] == 100 and report["grade_id"] == "distinction"
    assert report["markings"][0]["by"] == "Sgt Trainer"
    assert report["markings"][0]["comments"] == {"power_and_necessity": "Clear Code G necessity for Kaka"}
    assert store.verify(session_id) == []
    header = win.detail_header.text()
    assert "Provisional" not in header and "marked by <b>Sgt Trainer</b>" in header
    assert "Rationale marked" in win.store_note.text()
    row = next(r for r in win.model.rows() if r.session_id == session_id)
    assert (row.percent, row.grade_id) == (100, "distinction")      # the sessions table follows the marking
    shoot(win, "review-marked")


def test_the_marking_dialog_needs_a_logged_in_trainer_as_assessor(qtbot, flagship):
    decision = flagship.scenes["powers_rationale"].decision
    dialog = MarkingDialog(None, decision, {"information": "x", "parts": BEST_PARTS})
    qtbot.addWidget(dialog)
    for criterion in decision.rubric:
        dialog.set_mark(criterion.id, "not_met")
    dialog._try_accept()
    assert "log in as a trainer" in dialog.error.text().lower() and dialog.result() != QDialog.DialogCode.Accepted
    named = MarkingDialog(None, decision, {"information": "x", "parts": BEST_PARTS}, author="Sgt Trainer")
    qtbot.addWidget(named)
    assert named.author.text() == "Sgt Trainer" and not hasattr(named.author, "setReadOnly")   # shown, not typed


def test_a_rationale_is_marked_by_keyboard_alone(qtbot, flagship):
    """Found by the keyboard walkthrough: the dialog opened with the focus on its scroll area,
    a Tab stop with nothing to do. The focus now starts on the first criterion's Met; Space
    marks it, Tab passes its comment to the next criterion, Down chooses Not met, Enter saves."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QRadioButton
    decision = flagship.scenes["powers_rationale"].decision
    dialog = MarkingDialog(None, decision, {"information": "x", "parts": BEST_PARTS}, author="Sgt Trainer")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    first = QApplication.focusWidget()
    assert isinstance(first, QRadioButton) and first.property("mark") == "met"
    criteria = list(dialog.groups)
    qtbot.keyClick(first, Qt.Key.Key_Return)              # nothing marked: refused, says what is missing
    assert dialog.result() != QDialog.DialogCode.Accepted and "Mark every criterion" in dialog.error.text()
    for number in range(len(criteria)):
        focus = QApplication.focusWidget()
        assert isinstance(focus, QRadioButton), f"criterion {number}: focus on {focus}"
        qtbot.keyClick(focus, Qt.Key.Key_Space)
        if number == 1:
            qtbot.keyClick(focus, Qt.Key.Key_Down)        # the arrow moves to Not met and chooses it
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)     # to its comment
        if number < len(criteria) - 1:
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    marks = dialog.marks()
    assert len(marks) == len(criteria)
    assert dialog.error.text() == "", "the refusal goes once every criterion is marked"
    assert list(marks.values()).count("not_met") == 1 and list(marks.values()).count("met") == len(criteria) - 1
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted

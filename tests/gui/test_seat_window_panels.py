"""A pod's seat window (gui/exercise/seat.py) enters rank and NDM rationale decisions in the
trainee app's panels and opens the scene's documents and the seat's reference items, when it has
the scenario. The seat's view is built here as the facilitator sends it (exercise/pods.py); what
the window would send is caught at the link (no server: the relay is tested in test_exercise_pods).
"""

from __future__ import annotations

import pytest
from helpers import REPO, click, shoot
from PySide6.QtWidgets import QComboBox, QDialog, QTextBrowser

from hydra_sim.engine import load_scenario
from hydra_sim.gui.decision_panels import NdmPanel, RankPanel
from hydra_sim.gui.exercise.seat import SeatWindow
from hydra_sim.gui.exercise.station import JoinRequest
from hydra_sim.gui.media_viewer import MediaViewer

FLAGSHIP = REPO / "scenarios" / "brackenford-services.yaml"


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(FLAGSHIP).raise_for_errors()


def scene_of_kind(scenario, kind: str):
    return next(s for s in scenario.scenes.values() if s.decision is not None and s.decision.kind == kind)


def view_at(scenario, scene, index: int = 3) -> dict:
    """The seat view the facilitator sends when the story is at ``scene`` (plain data, as on the wire)."""
    decision = scene.decision
    turn = {"scene_id": scene.id, "title": scene.title, "text": "The scene's text.", "media": list(scene.media),
            "index": index, "kind": decision.kind, "prompt": decision.prompt, "rationale": decision.rationale,
            "options": [{"id": o.id, "label": o.label} for o in decision.options]}
    return {"seat": "scene", "title": "Officers at scene", "clock": 900, "clock_label": "04:25",
            "reference": sorted(scenario.reference), "decisions": index, "turn": turn, "waiting_for": None,
            "ended": False, "ending": None, "paused": False,
            "stream": [{"clock_label": "04:10", "kind": "message", "text": "Control: units on the way."},
                       {"clock_label": "04:12", "kind": "request", "text": "to Ambulance control (immediate): ETA?"},
                       {"clock_label": "04:14", "kind": "answer", "text": "Ambulance control: eighteen minutes."}]}


def window(qtbot, scenario, sent: list):
    request = JoinRequest("127.0.0.1", 9, "K7QM2X", "Alpha", ["PC Hale"], role="seat", scenario_id=scenario.id
                          if scenario else "brackenford-services", seat="scene")
    win = SeatWindow(request, scenario=scenario)
    qtbot.addWidget(win)

    def send_decision(scene_id, index, selection, rationale=None, member=""):
        sent.append((scene_id, index, selection, rationale))
        return f"d{len(sent)}"
    win.link.send_decision = send_decision          # caught here: no facilitator in this test
    win.show()
    qtbot.waitExposed(win)
    return win


def test_a_rank_decision_is_entered_in_the_trainee_apps_rank_panel(qtbot, scenario):
    sent: list = []
    win = window(qtbot, scenario, sent)
    scene = scene_of_kind(scenario, "rank")
    win.show_view(view_at(scenario, scene))
    assert isinstance(win.panel, RankPanel) and win.panel.isVisible()
    assert not win.options.isVisible() and not win.send_button.isVisible()
    order = win.panel.order()
    assert sorted(order) == sorted(o.id for o in scene.decision.options)
    win.panel.list.setCurrentRow(len(order) - 1)
    click(qtbot, win.panel.up_button)                # the last moved up one: the pod's own order
    wanted = order[:-2] + [order[-1], order[-2]]
    assert win.panel.order() == wanted
    shoot(win, "seat-window-rank")
    click(qtbot, win.panel.decide_button)
    assert sent and sent[0][:3] == (scene.id, 3, wanted)
    assert not win.panel.decide_button.isEnabled() and "Sent" in win.error.text()
    win._on_error("the facilitator refused it")      # a refusal: the pod may answer again
    assert win.panel.decide_button.isEnabled()


def test_an_ndm_rationale_is_entered_in_the_trainee_apps_panel_with_its_parts(qtbot, scenario):
    sent: list = []
    win = window(qtbot, scenario, sent)
    scene = scene_of_kind(scenario, "ndm_rationale")
    win.show_view(view_at(scenario, scene, index=7))
    panel = win.panel
    assert isinstance(panel, NdmPanel) and set(panel.boxes) == set(scene.decision.fields)
    assert win.send() is None and not sent           # required boxes empty: the panel says what is missing
    assert panel.error.isVisible()
    for field_id, box in panel.boxes.items():
        box.setPlainText(f"Our {field_id} reasoning.")
    for part in scene.decision.parts:
        combo: QComboBox = panel.parts[part.id]
        combo.setCurrentIndex(combo.count() - 1)
    shoot(win, "seat-window-ndm")
    decision_id = win.send()
    assert decision_id == "d1" and sent[0][0] == scene.id and sent[0][1] == 7
    selection = sent[0][2]
    assert selection["threat_risk"] == "Our threat_risk reasoning."
    assert set(selection["parts"]) == {p.id for p in scene.decision.parts}


def test_documents_and_reference_items_open_from_the_seat_window(qtbot, scenario):
    win = window(qtbot, scenario, [])
    scene = next(s for s in scenario.scenes.values() if s.media and s.decision is not None
                 and s.decision.kind == "choose_one")
    win.show_view(view_at(scenario, scene))
    buttons = {b.text(): b for b in win.document_buttons()}
    media = scenario.media[scene.media[0]]
    assert f"Open: {media.title}" in buttons
    assert sum(text.startswith("Reference: ") for text in buttons) == len(scenario.reference)
    click(qtbot, buttons[f"Open: {media.title}"])
    assert isinstance(win.viewers[-1], MediaViewer) and win.viewers[-1].isVisible()
    ref_id, item = next((r, i) for r, i in scenario.reference.items() if i.text)
    click(qtbot, buttons[f"Reference: {item.title}"])
    dialog = win.viewers[-1]
    assert isinstance(dialog, QDialog) and item.title in dialog.findChild(QTextBrowser).toPlainText()
    shoot(win, "seat-window-documents")
    lines = [win.stream.item(i).text() for i in range(win.stream.count())]
    assert "\u2192 to Ambulance control" in lines[1] and "\u21a9 Ambulance control:" in lines[2]   # the seat's requests
    assert win.options.isVisible() and win.options.count() == len(scene.decision.options)   # choose-one as before


def test_without_the_scenario_a_rank_decision_says_to_ask_the_facilitator(qtbot, scenario):
    win = window(qtbot, None, [])
    win.show_view(view_at(scenario, scene_of_kind(scenario, "rank")))
    assert win.panel is None and not win.send_button.isEnabled()
    assert "ask the facilitator" in win.error.text() and not win.document_buttons()

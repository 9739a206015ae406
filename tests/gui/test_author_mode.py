"""Author mode (issue #5): the scenario map, the live preview and re-checking on save.

No sleeps: the watcher slot is called directly (or its signal awaited with a timeout).
"""

from __future__ import annotations

import os
import sys

from helpers import FLAGSHIP, REPO, save_like_an_editor, shoot
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from hydra_sim.gui.author.blocks import scene_blocks
from hydra_sim.gui.author.session import PreviewSession, PreviewStart
from hydra_sim.gui.decision_panels import ChooseOnePanel

sys.path.insert(0, str(REPO))
from benchmarks.synthetic import make_scenario  # noqa: E402


def _answer(preview) -> None:
    """Answer the current preview decision with its first option(s)."""
    runner = preview.session.runner
    decision = runner.decision
    if decision is None:
        preview._on_continued()
        return
    options = [o.id for o in runner.available_options()]
    selection = {"choose_one": options[0], "rank": options,
                 "choose_many": options[: max(1, decision.min_picks or 1)],
                 "ndm_rationale": {f: "because" for f in decision.fields}}[decision.kind]
    preview.choose(selection, "because")


_save = save_like_an_editor


# -- the map ----------------------------------------------------------------------------------------
def test_flagship_map_has_one_item_per_scene_and_ending_and_no_overlaps(author):
    win = author(FLAGSHIP)
    scenario = win.scenario
    boxes = {i for i, item in win.map.nodes.items() if item.node.kind in ("scene", "ending")}
    assert boxes == set(scenario.scenes) | set(scenario.endings)
    assert win.map.overlapping_pairs() == []
    ending = next(iter(scenario.endings.values()))
    lines = win.map.nodes[ending.id].text.lines
    assert any(line.startswith("Outcome:") for line in lines)          # outcome in words, not colour alone
    assert any("\u2605 critical:" in line for item in win.map.nodes.values() for line in item.text.lines)
    assert any(e.route.edge.label for e in win.map.edges)
    shoot(win, "author-map")


def test_300_scene_map_builds_without_overlaps(author, qtbot, tmp_path):
    path = make_scenario(300, tmp_path / "synthetic")
    win = author(path)
    assert win.result.ok
    assert len([i for i in win.map.nodes.values() if i.node.kind == "scene"]) == 300
    assert win.map.overlapping_pairs() == []
    qtbot.waitUntil(lambda: getattr(win, "_homed", False))
    QApplication.processEvents()       # the opening view (home) runs first; then fit
    win.map.fit()
    shoot(win, "author-300")


def test_search_highlights_and_enter_centres_on_the_match(author, qtbot):
    win = author(FLAGSHIP)
    qtbot.keyClicks(win.search, "lorry_moving")
    assert win.map.nodes["lorry_moving"].highlighted
    assert "match" in win.match_label.text()
    qtbot.keyClick(win.search, Qt.Key.Key_Return)
    assert win.map.selected_id() == "lorry_moving"
    item = win.map.nodes["lorry_moving"]
    centre = win.map.mapFromScene(item.mapRectToScene(item.rect).center())
    viewport = win.map.viewport().rect().center()
    assert abs(centre.x() - viewport.x()) < 30 and abs(centre.y() - viewport.y()) < 30
    assert "lorry_moving" in win.node_title.text()
    # a title word finds several scenes; Enter steps through them
    win.search.clear()
    qtbot.keyClicks(win.search, "call")
    assert len(win.map.matches) >= 2
    first = win.map.next_match()
    second = win.map.next_match()
    assert first != second


def test_clicking_a_scene_shows_its_yaml_location_and_problems(author, qtbot, flagship_copy):
    text = flagship_copy.read_text(encoding="utf-8")
    assert text.count("evidences: [ch_classify_immigration_crime]") >= 1
    flagship_copy.write_text(text.replace("evidences: [ch_classify_immigration_crime]",
                                          "evidences: [ch_clasify_immigration_crime]", 1), encoding="utf-8")
    win = author(flagship_copy)
    item = win.map.nodes["call_received"]
    assert item.problems[0] >= 1 and any(line.startswith("\u26a0") for line in item.text.lines)
    win.map.centerOn(item)
    point = win.map.mapFromScene(item.mapRectToScene(item.rect).center())
    qtbot.mouseClick(win.map.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(point.x(), point.y()))
    assert win.map.selected_id() == "call_received"
    block = scene_blocks(flagship_copy)["call_received"]
    assert f"{block.file}:{block.first}" in win.node_location.text()
    problems = [win.node_problems.item(i).text() for i in range(win.node_problems.count())]
    assert any("R002" in p and "ch_clasify_immigration_crime" in p for p in problems)
    shoot(win, "author-problems")


# -- the preview --------------------------------------------------------------------------------
def test_preview_from_a_middle_scene_with_chosen_variables(author, qtbot):
    win = author(FLAGSHIP)
    middle = list(win.scenario.scenes)[len(win.scenario.scenes) // 2]
    win.map.select_node(middle)
    win.preview.play_from_here(minutes=25, variables={"ambulance_requested": True, "minutes_sealed": 3})
    runner = win.preview.session.runner
    assert runner.scene_id == middle and runner.clock.seconds == 25 * 60
    assert runner.variables["ambulance_requested"] is True and runner.variables["minutes_sealed"] == 3
    panel = win.preview.panel
    assert [o.id for o in panel.options] == [o.id for o in runner.available_options()]
    assert panel.options, "the middle scene offers options"
    if isinstance(panel, ChooseOnePanel):
        qtbot.mouseClick(panel.option_button(panel.options[0].id), Qt.MouseButton.LeftButton)
        if panel.rationale_box is not None:
            qtbot.keyClicks(panel.rationale_box, "because")
        qtbot.mouseClick(panel.decide_button, Qt.MouseButton.LeftButton)
    else:
        _answer(win.preview)
    assert len(win.preview.session.choices) == 1
    assert win.preview.session.runner.scene_id != middle or win.preview.session.runner.ended
    assert "chose" in win.preview.choices.item(0).text()
    shoot(win, "author-preview")


def test_saving_revalidates_and_replays_the_choices(author, qtbot, flagship_copy):
    win = author(flagship_copy)
    win.map.select_node("call_received")
    win.preview.play_from_here()
    for _ in range(3):
        _answer(win.preview)
    before = win.preview.session.runner.scene_id
    assert len(win.preview.session.choices) == 3
    text = flagship_copy.read_text(encoding="utf-8")
    title = win.scenario.scenes[before].title
    _save(win, flagship_copy, text.replace(title, title + " (edited)", 1), qtbot)
    assert win.result.ok
    assert len(win.preview.session.choices) == 3
    assert win.preview.session.runner.scene_id == before
    assert not win.preview.banner.isVisible()
    assert "(edited)" in win.map.nodes[before].node.title
    assert "(edited)" in win.preview.scene_title.text()


def test_removing_a_chosen_option_stops_the_replay_with_a_message(author, qtbot, flagship_copy):
    win = author(flagship_copy)
    win.map.select_node("call_received")
    win.preview.play_from_here()
    for _ in range(3):
        _answer(win.preview)
    second = win.preview.session.choices[1]
    option = second["selection"]
    assert isinstance(option, str)
    text = flagship_copy.read_text(encoding="utf-8")
    assert text.count(f"- id: {option}\n") == 1
    _save(win, flagship_copy, text.replace(f"- id: {option}\n", f"- id: {option}_renamed\n"), qtbot)
    assert win.result.ok
    banner = win.preview.banner_text.text()
    assert win.preview.banner.isVisible()
    assert "step 2 of 3" in banner and second["scene"] in banner and option in banner
    assert win.preview.session.runner.scene_id == second["scene"]      # kept at the last good point
    assert len(win.preview.session.choices) == 1
    shoot(win, "author-replay-stopped")


def test_a_syntax_error_shows_problems_and_keeps_the_last_map(author, qtbot, flagship_copy):
    win = author(flagship_copy)
    nodes_before = set(win.map.nodes)
    win.map.select_node("lorry_moving")
    good = flagship_copy.read_text(encoding="utf-8")
    broken = good.replace("start: call_received", "start: [call_received", 1)
    _save(win, flagship_copy, broken, qtbot)
    assert win.result.scenario is None
    assert set(win.map.nodes) == nodes_before
    problems = [win.problem_list.item(i).text() for i in range(win.problem_list.count())]
    assert problems and all("error" in p or "warning" in p for p in problems[:1])
    assert "cannot be read" in win.status.text() and "last good" in win.status.text()
    assert not win.preview.play_button.isEnabled()
    shoot(win, "author-broken")
    _save(win, flagship_copy, good, qtbot)
    assert win.result.ok and win.preview.play_button.isEnabled()


def test_the_real_watcher_sees_a_replaced_file(author, qtbot, flagship_copy):
    win = author(flagship_copy)
    text = flagship_copy.read_text(encoding="utf-8")
    with qtbot.waitSignal(win.reloaded, timeout=5000):
        tmp = flagship_copy.with_suffix(".tmp")
        tmp.write_text(text.replace("title: \"04:10", "title: \"04:10 (v2)", 1), encoding="utf-8")
        os.replace(tmp, flagship_copy)
    assert str(flagship_copy) in win.watcher.files() or not win.watcher.files() == []
    assert "(v2)" in win.map.nodes["call_received"].node.title


def test_keyboard_zoom_pan_and_page_through_scenes(author, qtbot):
    win = author(FLAGSHIP)
    win.map.setFocus()
    zoom = win.map.zoom()
    qtbot.keyClick(win.map, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert win.map.zoom() > zoom
    qtbot.keyClick(win.map, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert abs(win.map.zoom() - zoom) < 1e-6
    x = win.map.horizontalScrollBar().value()
    qtbot.keyClick(win.map, Qt.Key.Key_Right)
    assert win.map.horizontalScrollBar().value() > x
    qtbot.keyClick(win.map, Qt.Key.Key_PageDown)
    assert win.map.selected_id() == win.map.order[0]
    for widget in (win.search, win.map, win.preview.play_button, win.problem_list):
        assert widget.accessibleName()


def test_preview_session_replay_is_qt_free_and_stops_cleanly():
    from hydra_sim.engine.loader import load_scenario
    scenario = load_scenario(FLAGSHIP).raise_for_errors()
    session = PreviewSession.begin(scenario, PreviewStart("call_received"))
    option = session.runner.available_options()[0].id
    session.choose(option, "because")
    assert session.replay(scenario) is None and len(session.choices) == 1
    stopped = PreviewSession.begin(scenario, PreviewStart("no_such_scene"))
    assert stopped.runner is None and "no longer" in stopped.start_error


def test_the_selected_scene_hint_names_the_keyboard_route_it_relies_on(qtbot, author):
    """Before anything is selected the panel says how to get there without a mouse; the Alt+F it
    names is the Find scene label's mnemonic, and that label's buddy is the scene search."""
    from PySide6.QtWidgets import QLabel
    win = author(FLAGSHIP)
    assert "Alt+F" in win.node_title.text()
    finders = [label for label in win.findChildren(QLabel) if label.text().startswith("&F")]
    assert len(finders) == 1 and finders[0].buddy() is win.search


def test_the_loaders_tree_gives_the_same_scene_blocks_as_reading_the_file_again():
    """Author mode takes the scenes' lines from the tree the loader composed (the file parsed
    once per save, issue 14): the blocks must be exactly those of reading the file afresh."""
    from hydra_sim.engine.loader import load_scenario
    from hydra_sim.gui.author.blocks import scene_blocks
    for name in ("brackenford-services.yaml", "layby-drop.yaml", "brackenford-seated.yaml"):
        path = REPO / "scenarios" / name
        result = load_scenario(path, keep_source=True)
        assert result.source is not None and load_scenario(path).source is None     # kept only when asked
        blocks = scene_blocks(path, result.source)
        assert blocks == scene_blocks(path)
        assert set(result.scenario.scenes) <= set(blocks)

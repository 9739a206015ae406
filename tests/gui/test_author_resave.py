"""Author mode after a save: what is re-used and what is rebuilt (issue 14).

A save re-checks the whole file, but parts of the window that the change did not touch are
kept: the preview's start-value controls when the variables are the same. Each test also
saves a change that must rebuild, so a window that re-used too much fails too. The garbage
collector is held off during a re-check and runs again once the map is painted.
No sleeps: the watcher slot is called directly and its signal awaited with a timeout.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import save_like_an_editor


@pytest.fixture(autouse=True)
def no_hold_left():
    """Each test starts and ends with the collector on: a window's hold that an earlier test left
    waiting for a paint would otherwise be the hold a test sees."""
    from hydra_sim.gui import collector_hold
    collector_hold.release()
    yield
    collector_hold.release()


_save = save_like_an_editor


def test_start_values_keep_their_controls_and_values_until_a_variable_changes(author, qtbot, flagship_copy):
    win = author(flagship_copy, size=(1342, 736))
    form = win.preview.variables
    control = form.controls["ambulance_requested"]
    control.setChecked(True)                      # the author's chosen start value
    text = flagship_copy.read_text(encoding="utf-8")
    title = win.scenario.scenes["call_received"].title
    _save(win, flagship_copy, text.replace(title, title + " (edited)", 1), qtbot)
    assert form.controls["ambulance_requested"] is control and control.isChecked()
    assert set(form.controls) == set(win.scenario.variables)
    # a changed description is a changed variable: its control is built again, the value kept
    old = 'description: "An ambulance has been sent."'
    assert text.count(old) == 1
    _save(win, flagship_copy, text.replace(old, 'description: "An ambulance is on its way."'), qtbot)
    rebuilt = form.controls["ambulance_requested"]
    assert rebuilt is not control and rebuilt.isChecked()
    assert "on its way" in rebuilt.accessibleName()


class _Painted:
    """Counts a widget's paint events."""

    def __init__(self, widget):
        from PySide6.QtCore import QEvent, QObject

        class Filter(QObject):
            def eventFilter(inner, obj, event):  # noqa: N802, N805 - Qt override
                if event.type() == QEvent.Type.Paint:
                    self.count += 1
                return False
        self.count = 0
        self.filter = Filter()
        widget.installEventFilter(self.filter)


def test_the_collector_is_held_during_a_re_check_and_runs_again_once_the_map_is_painted(
        author, qtbot, flagship_copy):
    import gc

    from hydra_sim.gui import collector_hold
    win = author(flagship_copy, size=(1342, 736))
    qtbot.waitUntil(gc.isenabled, timeout=3000)          # the opening re-check's hold is over
    seen = []
    populate = win.map.populate

    def watching(*args, **kwargs):
        seen.append(gc.isenabled())
        return populate(*args, **kwargs)
    win.map.populate = watching
    painted = _Painted(win.map.viewport())
    text = flagship_copy.read_text(encoding="utf-8")
    _save(win, flagship_copy, text.replace("title: \"04:10", "title: \"04:10 (v2)", 1), qtbot)
    assert seen == [False] and collector_hold.is_held()
    qtbot.waitUntil(lambda: painted.count > 0, timeout=3000)
    qtbot.waitUntil(gc.isenabled, timeout=3000)
    assert not collector_hold.is_held()


def test_a_hold_ends_just_after_every_widget_it_waits_for_is_painted(qtbot):
    import gc

    from PySide6.QtWidgets import QApplication, QLabel

    from hydra_sim.gui import collector_hold
    labels = [QLabel("map"), QLabel("problems")]
    painted = [_Painted(label) for label in labels]
    for label, paints in zip(labels, painted, strict=True):
        qtbot.addWidget(label)
        label.show()
        qtbot.waitUntil(lambda paints=paints: paints.count > 0, timeout=3000)     # the first paint is over
        paints.count = 0
    try:
        assert collector_hold.hold_until_painted(*labels, at_most_ms=600_000)   # only the paints end it
        labels[0].setText("map, re-checked")
        qtbot.waitUntil(lambda: painted[0].count > 0, timeout=3000)
        for _ in range(3):
            QApplication.processEvents()
        assert collector_hold.is_held() and not gc.isenabled()      # the problems are not painted yet
        labels[1].setText("problems, re-checked")
        qtbot.waitUntil(lambda: painted[1].count > 0, timeout=3000)
        qtbot.waitUntil(lambda: not collector_hold.is_held(), timeout=3000)
        assert gc.isenabled()
    finally:
        collector_hold.release()


def test_a_hold_ends_by_itself_when_the_widget_is_never_painted(qtbot):
    import gc

    from PySide6.QtWidgets import QWidget

    from hydra_sim.gui import collector_hold
    hidden = QWidget()                                   # never shown: never painted
    assert gc.isenabled()
    try:
        assert collector_hold.hold_until_painted(hidden, at_most_ms=20)
        assert not gc.isenabled() and collector_hold.hold_until_painted(hidden)   # one hold at a time
        qtbot.waitUntil(lambda: not collector_hold.is_held(), timeout=3000)
        assert gc.isenabled()
    finally:
        collector_hold.release()


def test_a_collector_switched_off_elsewhere_stays_off(author, qtbot, flagship_copy):
    import gc

    from hydra_sim.gui import collector_hold
    win = author(flagship_copy, size=(1342, 736))
    qtbot.waitUntil(gc.isenabled, timeout=3000)
    painted = _Painted(win.map.viewport())
    gc.disable()
    try:
        text = flagship_copy.read_text(encoding="utf-8")
        _save(win, flagship_copy, text.replace("title: \"04:10", "title: \"04:10 (v3)", 1), qtbot)
        assert not collector_hold.is_held()
        qtbot.waitUntil(lambda: painted.count > 0, timeout=3000)
        assert not gc.isenabled()
    finally:
        gc.enable()


def _drawn(view) -> tuple[dict, list]:
    """What a map view draws: each box's place, size, text and problems, and every arrow."""
    boxes = {node_id: (item.pos().x(), item.pos().y(), item.rect.width(), item.rect.height(),
                       tuple(item.text.lines), item.problems, item.toolTip())
             for node_id, item in view.nodes.items()}
    return boxes, sorted(item.key for item in view.edges)


def _fresh(path: Path) -> tuple[dict, list]:
    from hydra_sim.engine import graph as graphs
    from hydra_sim.engine.loader import load_scenario
    from hydra_sim.gui.author.map_view import MapView
    view = MapView()
    view.populate(graphs.build_graph(load_scenario(path).scenario))
    return _drawn(view)


def _in_scene(text: str, scene_id: str, old: str, new: str) -> str:
    """``text`` with the first ``old`` inside scene ``scene_id``'s block replaced by ``new``."""
    at = text.index(f"\n  {scene_id}:\n")
    assert old in text[at:]
    return text[:at] + text[at:].replace(old, new, 1)


def test_a_save_keeps_the_boxes_and_arrows_it_does_not_change(author, qtbot, tmp_path):
    import sys

    from helpers import REPO
    sys.path.insert(0, str(REPO))
    from benchmarks.synthetic import make_scenario
    path = make_scenario(30, tmp_path / "synthetic")
    win = author(path, size=(1342, 736))
    scene_items = dict(win.map.nodes)
    edge_items = {item.key: item for item in win.map.edges}
    text = path.read_text(encoding="utf-8")
    edited = _in_scene(text, "s00010", 'title: "Step 11:', 'title: "Step 11, edited:')
    _save(win, path, edited, qtbot)
    assert "edited" in win.map.nodes["s00010"].toolTip()
    assert win.map.nodes["s00010"] is not scene_items["s00010"]
    assert all(win.map.nodes[n] is item for n, item in scene_items.items() if n != "s00010")
    for item in win.map.edges:       # an arrow is the one from before exactly when it draws the same
        assert (item is edge_items.get(item.key)) == (item.key in edge_items)
    assert any(item is edge_items.get(item.key) for item in win.map.edges)
    assert len(win.map.map_scene.items()) == len(win.map.nodes) + len(win.map.edges)
    assert _drawn(win.map) == _fresh(path)
    # another shape: an option that now skips ahead draws a new arrow, and the map is a fresh one's
    skipped = _in_scene(edited, "s00005", "next: s00006\n", "next: s00009\n")
    _save(win, path, skipped, qtbot)
    assert any(key[:2] == ("s00005", "s00009") for key in _drawn(win.map)[1])
    assert len(win.map.map_scene.items()) == len(win.map.nodes) + len(win.map.edges)
    assert _drawn(win.map) == _fresh(path)

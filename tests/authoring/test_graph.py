"""``build_graph``/``layout`` and ``hydra-sim graph``: flagship and a 300-scene scenario."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from authoring_helpers import FLAGSHIP, MINI, hydra, write_synthetic_scenario

from hydra_sim.engine import graph as graphs
from hydra_sim.engine.loader import load_scenario


def check_layout(graph: graphs.Graph, placed: graphs.Layout) -> None:
    assert set(placed.boxes) == set(graph.nodes)
    boxes = sorted(placed.boxes.items(), key=lambda item: item[1].x)
    for i, (a_id, a) in enumerate(boxes):
        assert a.width > 0 and a.height > 0
        assert a.x >= 0 and a.y >= 0 and a.x + a.width <= placed.width and a.y + a.height <= placed.height
        for b_id, b in boxes[i + 1:]:
            if b.x >= a.x + a.width:
                break
            assert not a.overlaps(b), f"{a_id} overlaps {b_id}"
    for edge in graph.edges:
        assert edge.source in graph.nodes and edge.target in graph.nodes
    assert len(placed.routes) == len(graph.edges)
    for route in placed.routes:
        assert len(route.points) >= 2


@pytest.fixture(scope="module")
def flagship():
    scenario = load_scenario(FLAGSHIP).raise_for_errors()
    return scenario, graphs.build_graph(scenario)


def test_flagship_graph_model(flagship) -> None:
    scenario, graph = flagship
    assert set(scenario.scenes) | set(scenario.endings) <= set(graph.nodes)
    assert graph.nodes["call_received"].start and graph.nodes["call_received"].decision_kind == "choose_one"
    assert graph.nodes["everyone_safe"].kind == "ending" and graph.nodes["everyone_safe"].outcome == "good"
    assert "ch_dispatch_ambulance" in graph.nodes["call_received"].critical
    assert any(line.startswith("★") for line in graph.nodes["call_received"].lines)
    assert any(e.dashed for e in graph.edges), "inject redirects are dashed edges"
    labels = " ".join(e.label for e in graph.edges)
    first_option = scenario.scenes["call_received"].decision.options[0].id   # edge labels name options
    assert first_option in labels and " if " in labels and "+" in labels


def test_flagship_layout_is_left_to_right_without_overlap(flagship) -> None:
    scenario, graph = flagship
    placed = graphs.layout(graph)
    check_layout(graph, placed)
    start = placed.boxes["call_received"]
    assert all(start.x <= placed.boxes[e].x for e in scenario.endings)
    assert placed.layers["call_received"] == 0


def test_layout_of_a_300_scene_scenario(tmp_path: Path) -> None:
    path = write_synthetic_scenario(tmp_path, 300)
    done = hydra("lint", str(path), "--format", "json", "--no-deep")
    report = json.loads(done.stdout)
    assert done.returncode == 0 and report["errors"] == 0 and report["warnings"] == 0, done.stdout
    graph = graphs.build_graph(load_scenario(path).raise_for_errors())
    assert len(graph.nodes) == 303
    placed = graphs.layout(graph)
    check_layout(graph, placed)
    assert max(placed.layers.values()) >= 100


def _same_layout(a: graphs.Layout, b: graphs.Layout) -> None:
    assert a.boxes == b.boxes and a.layers == b.layers and (a.width, a.height) == (b.width, b.height)
    assert [(r.edge, r.points, r.label_at) for r in a.routes] == [(r.edge, r.points, r.label_at) for r in b.routes]


def test_a_layout_reuses_what_an_earlier_one_of_the_same_shape_worked_out(tmp_path: Path) -> None:
    """Author mode lays the map out again after each save, passing the last layout: the steps
    whose inputs did not change are taken from it, and the result is that of a fresh layout."""
    path = write_synthetic_scenario(tmp_path, 120)
    scenario = load_scenario(path).raise_for_errors()
    first = graphs.layout(graphs.build_graph(scenario))
    # a title edit that keeps every box's height: the shape and the vertical placement are re-used
    wider = graphs.build_graph(scenario)
    node = wider.nodes[scenario.start]
    node.width += 40
    again = graphs.layout(wider, previous=first)
    _same_layout(again, graphs.layout(wider))
    assert again.basis.structure is first.basis.structure and again.basis.centre_y is first.basis.centre_y
    assert again.boxes[scenario.start].width == first.boxes[scenario.start].width + 40
    # a taller box: the same shape, the vertical placement worked out again
    taller = graphs.build_graph(scenario)
    taller.nodes[scenario.start].height += 30
    placed = graphs.layout(taller, previous=again)
    _same_layout(placed, graphs.layout(taller))
    assert placed.basis.structure is first.basis.structure and placed.basis.centre_y is not first.basis.centre_y
    # another shape (an arrow removed, or a node added): laid out from the start
    for change in ("edge", "node"):
        other = graphs.build_graph(scenario)
        if change == "edge":
            other.edges.pop(len(other.edges) // 2)
        else:
            other.nodes["extra"] = graphs.Node("extra", "ending", "An extra ending", ["An extra ending"],
                                               width=120.0, height=40.0)
            other.edges.append(graphs.Edge(scenario.start, "extra", "x"))
        placed = graphs.layout(other, previous=first)
        _same_layout(placed, graphs.layout(other))
        assert placed.basis.structure is not first.basis.structure
        check_layout(other, placed)


def test_svg_escapes_text_and_has_a_legend(tmp_path: Path) -> None:
    text = MINI.read_text(encoding="utf-8").replace('title: "Mini scenario"', 'title: "Mini <b>&amp; \\"co\\""')
    copy = tmp_path / "mini" / "mini.yaml"
    copy.parent.mkdir()
    copy.write_text(text, encoding="utf-8")
    for file in (MINI.parent / "mini-catalogue.catalogue.yaml",):
        (copy.parent / file.name).write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    scenario = load_scenario(copy, lint=False).scenario
    svg = graphs.to_svg(graphs.build_graph(scenario))
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert "Legend" in svg and "investigation lost" in svg and "stroke-dasharray" in svg
    import xml.dom.minidom
    xml.dom.minidom.parseString(svg)     # well-formed


@pytest.mark.parametrize("fmt, marker", [("mermaid", "flowchart LR"), ("dot", "digraph"), ("svg", "<svg")])
def test_graph_command_text_formats(fmt: str, marker: str, tmp_path: Path) -> None:
    done = hydra("graph", str(MINI), "--format", fmt)
    assert done.returncode == 0, done.stderr
    assert done.stdout.lstrip().startswith(marker)
    out = tmp_path / f"mini.{fmt}"
    done = hydra("graph", str(MINI), "--format", fmt, "--output", str(out))
    assert done.returncode == 0 and out.read_text(encoding="utf-8").lstrip().startswith(marker)


def test_mermaid_marks_endings_and_injects() -> None:
    scenario = load_scenario(MINI).raise_for_errors()
    text = graphs.to_mermaid(graphs.build_graph(scenario))
    assert '[["' in text and ":::harm" in text and "-." in text
    assert "classDef good" in text


def test_graph_command_png(tmp_path: Path) -> None:
    out = tmp_path / "mini.png"
    done = hydra("graph", str(MINI), "--format", "png", "--output", str(out))
    assert done.returncode == 0, done.stderr
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 2000
    assert hydra("graph", str(MINI), "--format", "png").returncode == 2


def test_graph_command_refuses_a_broken_scenario(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: 1\n", encoding="utf-8")
    done = hydra("graph", str(broken))
    assert done.returncode == 1 and "S001" in done.stderr

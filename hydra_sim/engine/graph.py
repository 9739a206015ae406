"""The scenario as a map of scenes and arrows: a Qt-free graph model, layout and exports.

``build_graph(scenario)`` turns a loaded scenario into nodes (scenes with their decision
kind and the critical actions they can evidence, endings with their outcome class, and
top-level injects that redirect) and edges (options and routes labelled with option ids
and conditions; inject redirects dashed). ``layout(graph)`` places them left to right in
layers, Sugiyama style:

1. cycle breaking: a depth-first search from the start scene reverses its back edges;
2. layering: longest path from the start on the resulting acyclic graph (endings land
   right of everything that leads to them; nodes with no way in sit just left of their
   first successor);
3. long edges are split by dummy points, one per layer they cross;
4. crossing reduction: a few barycenter sweeps, down and up the layers;
5. coordinates: layers are columns as wide as their widest node plus room for edge
   labels; inside a column nodes are pulled towards the barycenter of their neighbours
   and then pushed apart, in order, so no two boxes ever overlap.

Steps 1-4 depend only on the graph's shape, and the vertical placement only on the shape
and the boxes' heights: ``layout(graph, previous=...)`` takes them from an earlier layout
when those are the same (Author mode after a save that edited a title: three quarters of the
layout's time on 300 scenes), and the result is the same as laying out afresh.

Positions and sizes are abstract units (about one pixel at 100 %). The GUI's Author mode
reuses ``build_graph`` and ``layout``; ``to_mermaid``, ``to_dot`` and ``to_svg`` are the
text exports (``hydra_sim.gui.svg_png`` turns the SVG into a PNG with Qt).
Must not import Qt or any GUI code.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from .graphwalk import back_edges
from .model import Outcome, Scenario, Scene

OUTCOME_COLOURS = {          # fill, border
    "good": ("#d7f0d2", "#2f7d32"),
    "partial": ("#fff1c2", "#a07800"),
    "harm": ("#f8d0cc", "#b3261e"),
    "investigation_lost": ("#e3d7f3", "#5e35b1"),
    "safeguarding_failure": ("#fbd9b8", "#c25e00"),
}
SCENE_COLOURS = ("#eef3fb", "#41618c")
INJECT_COLOURS = ("#f4f4f4", "#777777")
CHAR_WIDTH = 6.6          # abstract units per character at the node font size
LINE_HEIGHT = 15.0
TITLE_WRAP = 30           # characters per line of a node title
NODE_PADDING_X = 12.0
NODE_PADDING_Y = 8.0
NODE_GAP = 18.0           # vertical space between boxes in a column
MIN_LAYER_GAP = 70.0
LABEL_CHAR_WIDTH = 5.6
MAX_LABEL_CHARS = 34


# -- model ---------------------------------------------------------------------------------
@dataclass
class Node:
    """A box on the map: a scene, an ending, or a top-level inject that redirects."""
    id: str
    kind: str                           # "scene" | "ending" | "inject"
    title: str
    lines: list[str]                    # the text shown in the box, first line bold
    decision_kind: str | None = None    # choose_one | choose_many | rank | ndm_rationale | None (Continue)
    outcome: str | None = None          # endings: the outcome class
    critical: list[str] = field(default_factory=list)   # critical actions evidenced here
    milestone: str | None = None
    start: bool = False
    note: str = ""                      # injects: when they fire
    width: float = 0.0
    height: float = 0.0


@dataclass
class Edge:
    """An arrow: ``label`` names the option ids and conditions that take it."""
    source: str
    target: str
    label: str = ""
    dashed: bool = False                # inject redirects


@dataclass
class Graph:
    scenario_id: str
    title: str
    start: str
    nodes: dict[str, Node]
    edges: list[Edge]


@dataclass
class Box:
    x: float                            # top-left corner
    y: float
    width: float
    height: float

    @property
    def cx(self) -> float:
        return self.x + self.width / 2

    @property
    def cy(self) -> float:
        return self.y + self.height / 2

    def overlaps(self, other: Box) -> bool:
        return (self.x < other.x + other.width and other.x < self.x + self.width
                and self.y < other.y + other.height and other.y < self.y + self.height)


@dataclass
class EdgeRoute:
    edge: Edge
    points: list[tuple[float, float]]   # from the source box's border to the target box's border
    label_at: tuple[float, float] | None = None


@dataclass
class Layout:
    boxes: dict[str, Box]
    routes: list[EdgeRoute]
    layers: dict[str, int]
    width: float
    height: float
    # what the positions were worked out from, for ``layout(graph, previous=this)``
    basis: _Basis | None = field(default=None, repr=False, compare=False)


@dataclass
class _Structure:
    """The layout's work that depends only on the graph's shape (its node ids in order, its
    edges' ends and its start), not on the boxes' sizes or the labels."""
    shape: tuple
    reversed_edges: set[tuple[str, str]]
    layer: dict[str, int]
    chains: dict[tuple[str, str], list[str]]
    dummy_layer: dict[str, int]
    rows: list[list[str]]           # each layer's nodes and bend points, in crossing-reduced order
    up: dict[str, list[str]]
    down: dict[str, list[str]]


@dataclass
class _Basis:
    structure: _Structure
    heights: tuple[float, ...]      # the nodes' heights, in the graph's order
    centre_y: dict[str, float]


# -- building the graph -----------------------------------------------------------------------
def _critical_ids(scenario: Scenario) -> set[str]:
    if scenario.assessed:
        return {a for a, assessment in scenario.assessed.items() if assessment.critical}
    return {a.id for c in scenario.catalogues for a in c.actions.values() if a.critical}


def _scene_outcomes(scene: Scene) -> list[Outcome]:
    decision = scene.decision
    if decision is None:
        return []
    outcomes = [decision.outcome] + [o.outcome for o in decision.options]
    outcomes += [r.when_kept for r in decision.rules]
    return outcomes


def _short(text: str, limit: int = MAX_LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _pack(parts: list[str], limit: int = MAX_LABEL_CHARS) -> str:
    """As many whole label parts as fit, then "+N" for the rest."""
    shown: list[str] = []
    for index, part in enumerate(parts):
        rest = len(parts) - index - 1
        candidate = ", ".join(shown + [part]) + (f" +{rest}" if rest else "")
        if shown and len(candidate) > limit:
            return ", ".join(shown) + f" +{len(parts) - index}"
        shown.append(part)
    return _short(", ".join(shown), limit)


def build_graph(scenario: Scenario) -> Graph:
    """The scenario's scenes, endings and redirecting injects as a graph (no positions)."""
    critical = _critical_ids(scenario)
    nodes: dict[str, Node] = {}
    for scene in scenario.scenes.values():
        kind = scene.decision.kind if scene.decision else None
        evidenced = []
        for outcome in _scene_outcomes(scene):
            for ref in outcome.evidences:
                if ref.action_id in critical and ref.action_id not in evidenced:
                    evidenced.append(ref.action_id)
        nodes[scene.id] = Node(scene.id, "scene", scene.title, [], kind, None, evidenced, scene.milestone,
                               start=(scene.id == scenario.start))
    for ending in scenario.endings.values():
        nodes[ending.id] = Node(ending.id, "ending", ending.title, [], outcome=ending.outcome)
    edges: list[Edge] = []
    for scene in scenario.scenes.values():
        edges += _scene_edges(scene, nodes)
    for inject in scenario.injects:
        if inject.goto and inject.goto in nodes:
            node_id = f"inject:{inject.id}"
            when = f"at minute {inject.at_minute}"
            nodes[node_id] = Node(node_id, "inject", f"Inject {inject.id}", [], note=when)
            edges.append(Edge(node_id, inject.goto, _short(f"if {inject.condition.source}")
                              if inject.condition else "", dashed=True))
    for node in nodes.values():
        _size_node(node)
    return Graph(scenario.id, scenario.title, scenario.start, nodes, edges)


def _scene_edges(scene: Scene, nodes: dict[str, Node]) -> list[Edge]:
    labelled: dict[str, list[str]] = defaultdict(list)       # target -> label parts, in order

    def add_routes(routes, prefix: str) -> None:
        conditional = len(routes) > 1
        for route in routes:
            if route.target not in nodes:
                continue
            part = prefix
            if route.condition is not None:
                part = f"{prefix} if {route.condition.source}".strip()
            elif conditional:
                part = f"{prefix} otherwise".strip()
            labelled[route.target].append(part)

    decision = scene.decision
    if decision is None:
        add_routes(scene.next, "")
    else:
        for option in decision.options:
            prefix = option.id + (f" [if {option.condition.source}]" if option.condition is not None else "")
            add_routes(option.outcome.next, prefix)
        add_routes(decision.outcome.next, "")
        if decision.on_expiry is not None:
            add_routes(decision.on_expiry.next or decision.outcome.next, "time out")
    edges = [Edge(scene.id, target, _pack([p for p in parts if p])) for target, parts in labelled.items()]
    for inject in scene.injects:
        if inject.goto and inject.goto in nodes:
            label = f"inject {inject.id}" + (f" if {inject.condition.source}" if inject.condition else "")
            edges.append(Edge(scene.id, inject.goto, _short(label), dashed=True))
    return edges


def _size_node(node: Node) -> None:
    """Box size from the label: the title wrapped, then kind, milestone and critical lines."""
    lines = textwrap.wrap(node.title, TITLE_WRAP) or [node.id]
    lines = lines[:3] if len(lines) <= 3 else lines[:2] + [_short(" ".join(lines[2:]), TITLE_WRAP)]
    extra = [node.id if node.kind != "inject" else node.note]
    if node.kind == "scene":
        extra[0] += f" · {node.decision_kind or 'continue'}"
        if node.milestone:
            extra.append(f"◆ milestone {node.milestone}")
        extra += [f"★ {a}" for a in node.critical]
    elif node.kind == "ending":
        extra[0] += f" · {node.outcome}"
    node.lines = lines + extra
    longest = max(len(line) for line in node.lines)
    node.width = round(longest * CHAR_WIDTH + 2 * NODE_PADDING_X, 1)
    node.height = round(len(node.lines) * LINE_HEIGHT + 2 * NODE_PADDING_Y, 1)


# -- layout --------------------------------------------------------------------------------------
def layout(graph: Graph, sweeps: int = 4, label_char_width: float = LABEL_CHAR_WIDTH,
           previous: Layout | None = None) -> Layout:
    """Place every node of ``graph`` left to right in layers; no two boxes overlap.
    ``label_char_width``: how wide a character of an edge label is where it is drawn (the
    Author map measures its font), so the gap after a column has room for its labels.
    ``previous``: the layout of an earlier version of the graph (Author mode after a save). The
    steps whose inputs are the same are taken from it instead of being worked out again: the
    layering and crossing reduction when the graph has the same shape, and the vertical
    placement too when every box also has the same height. The result is the same either way."""
    ids = list(graph.nodes)
    shape = (graph.start, tuple(ids), tuple((e.source, e.target) for e in graph.edges), sweeps)
    basis = previous.basis if previous is not None else None
    if basis is not None and basis.structure.shape == shape:
        structure = basis.structure
    else:
        structure, basis = _structure(graph, ids, shape, sweeps), None
    reversed_edges, layer, chains = structure.reversed_edges, structure.layer, structure.chains
    rows, up, down = structure.rows, structure.up, structure.down
    n_layers = len(rows)
    sizes = {n: (graph.nodes[n].width, graph.nodes[n].height) for n in ids}
    for dummy in structure.dummy_layer:
        sizes[dummy] = (0.0, 6.0)
    # Column widths and the gaps after them (room for the labels of edges leaving the column).
    label_room = [0.0] * n_layers
    for edge in graph.edges:
        if edge.label and edge.source in layer:
            k = min(layer[edge.source], layer.get(edge.target, layer[edge.source]))
            label_room[k] = max(label_room[k], len(edge.label) * label_char_width + 24)
    x_of_layer, widths = [], []
    x = 20.0
    for k in range(n_layers):
        width = max((sizes[n][0] for n in rows[k]), default=0.0)
        x_of_layer.append(x)
        widths.append(width)
        x += width + max(MIN_LAYER_GAP, min(label_room[k], MAX_LABEL_CHARS * label_char_width + 24))
    heights = tuple(sizes[n][1] for n in ids)
    if basis is not None and basis.heights == heights:
        centre_y = basis.centre_y        # never changed below: shared with the previous layout
    else:
        centre_y = _assign_y(rows, up, down, sizes)
    boxes: dict[str, Box] = {}
    points: dict[str, tuple[float, float]] = {}
    for k, row in enumerate(rows):
        for n in row:
            w, h = sizes[n]
            bx = x_of_layer[k] + (widths[k] - w) / 2
            if n in graph.nodes:
                boxes[n] = Box(round(bx, 1), round(centre_y[n] - h / 2, 1), w, h)
            else:
                points[n] = (x_of_layer[k] + widths[k] / 2, centre_y[n])
    top = min((b.y for b in boxes.values()), default=0.0)
    shift = 20.0 - top
    for b in boxes.values():
        b.y = round(b.y + shift, 1)
    points = {d: (px, py + shift) for d, (px, py) in points.items()}
    # the middle of the gap after each column: where the labels of edges leaving it go
    gap_x = {k: (x_of_layer[k] + widths[k] + x_of_layer[k + 1]) / 2 for k in range(n_layers - 1)}
    routes = []
    for edge in graph.edges:
        route = _route(edge, boxes, points, chains, reversed_edges)
        k = layer.get(edge.source)
        if route.label_at and k in gap_x and edge.source != edge.target and \
                (edge.source, edge.target) not in reversed_edges:
            route.label_at = _on_first_leg(route.points, gap_x[k], route.label_at)
        routes.append(route)
    width = max((b.x + b.width for b in boxes.values()), default=0.0) + 20
    height = max((b.y + b.height for b in boxes.values()), default=0.0) + 20
    return Layout(boxes, routes, {n: layer[n] for n in ids}, round(width, 1), round(height, 1),
                  _Basis(structure, heights, centre_y))


def _structure(graph: Graph, ids: list[str], shape: tuple, sweeps: int) -> _Structure:
    """Steps 1-4 of the layout: cycle breaking, layering, bend points and crossing reduction."""
    succ: dict[str, list[str]] = {n: [] for n in ids}
    for edge in graph.edges:
        if edge.target not in succ[edge.source] and edge.source != edge.target:
            succ[edge.source].append(edge.target)
    order = _dfs_order(graph.start if graph.start in succ else (ids[0] if ids else ""), ids, succ)
    reversed_edges = _back_edges(order, succ)
    dag: dict[str, list[str]] = {n: [] for n in ids}
    for source, targets in succ.items():
        for target in targets:
            a, b = (target, source) if (source, target) in reversed_edges else (source, target)
            if b not in dag[a]:
                dag[a].append(b)
    layer = _longest_path_layers(order, dag)
    # Chains of points per DAG edge, with dummies in the layers between.
    chains: dict[tuple[str, str], list[str]] = {}
    columns: dict[int, list[str]] = defaultdict(list)
    position_in_dfs = {n: i for i, n in enumerate(order)}
    for n in sorted(ids, key=lambda n: position_in_dfs[n]):
        columns[layer[n]].append(n)
    dummy_layer: dict[str, int] = {}
    up: dict[str, list[str]] = defaultdict(list)      # neighbours in the layer to the left
    down: dict[str, list[str]] = defaultdict(list)    # neighbours in the layer to the right
    span_cap = _dummy_span_cap([layer[b] - layer[a] for a in order for b in dag[a]], len(ids))
    for a in order:
        for b in dag[a]:
            chain = [a]
            # Long edges get a bend point in every layer they cross (routed round the boxes), up
            # to a budget; beyond it the longest are drawn direct, which keeps big maps fast.
            inner = range(layer[a] + 1, layer[b]) if layer[b] - layer[a] <= span_cap else range(0)
            for k in inner:
                dummy = f"\0{a}\0{b}\0{k}"
                dummy_layer[dummy] = k
                columns[k].append(dummy)
                chain.append(dummy)
            chain.append(b)
            for u, v in zip(chain, chain[1:], strict=False):
                down[u].append(v)
                up[v].append(u)
            chains[(a, b)] = chain
    n_layers = (max(columns) + 1) if columns else 0
    rows = [columns[k] for k in range(n_layers)]
    _reduce_crossings(rows, up, down, sweeps)
    return _Structure(shape, reversed_edges, layer, chains, dummy_layer, rows, up, down)


def _dfs_order(start: str, ids: list[str], succ: dict[str, list[str]]) -> list[str]:
    """Iterative DFS preorder from the start, then from anything not yet seen."""
    seen: set[str] = set()
    order: list[str] = []
    for root in ([start] if start else []) + ids:
        if root in seen or root not in succ:
            continue
        stack = [root]
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            order.append(node)
            stack.extend(reversed([t for t in succ[node] if t not in seen]))
    return order


def _back_edges(order: list[str], succ: dict[str, list[str]]) -> set[tuple[str, str]]:
    """Edges that close a cycle in a depth-first search (iterative: big files must not recurse)."""
    return set(back_edges(order, succ.__getitem__))


def _longest_path_layers(order: list[str], dag: dict[str, list[str]]) -> dict[str, int]:
    indegree = {n: 0 for n in order}
    for targets in dag.values():
        for t in targets:
            indegree[t] += 1
    preds: dict[str, list[str]] = defaultdict(list)
    for a, targets in dag.items():
        for b in targets:
            preds[b].append(a)
    layer = {n: 0 for n in order}
    ready = [n for n in order if indegree[n] == 0]
    topo: list[str] = []
    while ready:
        node = ready.pop(0) if len(ready) < 64 else ready.pop()
        topo.append(node)
        for t in dag[node]:
            layer[t] = max(layer[t], layer[node] + 1)
            indegree[t] -= 1
            if indegree[t] == 0:
                ready.append(t)
    # Nodes with no way in other than the start (top-level injects, unreachable scenes) sit
    # just left of their nearest successor instead of in the first column.
    for node in reversed(topo):
        if not preds[node] and node != order[0] and dag[node]:
            layer[node] = max(0, min(layer[t] for t in dag[node]) - 1)
    return layer


def _reduce_crossings(rows: list[list[str]], up: dict, down: dict, sweeps: int) -> None:
    for sweep in range(sweeps):
        forward = sweep % 2 == 0
        indices = range(1, len(rows)) if forward else range(len(rows) - 2, -1, -1)
        for k in indices:
            fixed = rows[k - 1] if forward else rows[k + 1]
            position = {n: i for i, n in enumerate(fixed)}
            neighbours = up if forward else down
            current = {n: i for i, n in enumerate(rows[k])}

            def barycenter(n: str, position=position, neighbours=neighbours, current=current) -> float:
                ps = [position[m] for m in neighbours[n] if m in position]
                return sum(ps) / len(ps) if ps else float(current[n])
            rows[k].sort(key=lambda n, bc=barycenter, cur=current: (bc(n), cur[n]))


def _dummy_span_cap(spans: list[int], n_nodes: int) -> int:
    """The longest edge span that still gets bend points, keeping them within a budget."""
    budget = max(2000, 8 * n_nodes)
    total = 0
    for span in sorted(spans):
        total += max(0, span - 1)
        if total > budget:
            return span - 1
    return max(spans, default=0)


def _assign_y(rows: list[list[str]], up: dict, down: dict, sizes: dict) -> dict[str, float]:
    """Stack each column, then pull nodes towards their neighbours and push them apart in order."""
    centre: dict[str, float] = {}
    for row in rows:
        y = 0.0
        for n in row:
            h = sizes[n][1]
            centre[n] = y + h / 2
            y += h + NODE_GAP
    for sweep in range(6):
        forward = sweep % 2 == 0
        indices = range(1, len(rows)) if forward else range(len(rows) - 2, -1, -1)
        for k in indices:
            row = rows[k]
            neighbours = up if forward else down
            wanted = {}
            for n in row:
                ys = [centre[m] for m in neighbours[n] if m in centre]
                wanted[n] = sum(ys) / len(ys) if ys else centre[n]
            _place_in_order(row, wanted, sizes, centre)
    return centre


def _place_in_order(row: list[str], wanted: dict[str, float], sizes: dict, centre: dict[str, float]) -> None:
    """Put each node as near its wanted centre as possible, keeping order and spacing."""
    if not row:
        return
    half = [sizes[n][1] / 2 for n in row]
    gap = [0.0] + [half[i - 1] + NODE_GAP + half[i] for i in range(1, len(row))]   # centre to centre
    down_pass = [wanted[row[0]]]    # push overlapping nodes down...
    for i in range(1, len(row)):
        down_pass.append(max(wanted[row[i]], down_pass[-1] + gap[i]))
    up_pass = [0.0] * len(row)      # ...or up; the average of two spaced orders is spaced too
    up_pass[-1] = wanted[row[-1]]
    for i in range(len(row) - 2, -1, -1):
        up_pass[i] = min(wanted[row[i]], up_pass[i + 1] - gap[i + 1])
    placed = [(a + b) / 2 for a, b in zip(down_pass, up_pass, strict=True)]
    for i in range(1, len(row)):    # a final pass guarantees the spacing against rounding
        placed[i] = max(placed[i], placed[i - 1] + gap[i])
    for n, y in zip(row, placed, strict=True):
        centre[n] = y


def _route(edge: Edge, boxes: dict[str, Box], points: dict, chains: dict, reversed_edges: set) -> EdgeRoute:
    a, b = boxes[edge.source], boxes[edge.target]
    if edge.source == edge.target:
        pts = [(a.x + a.width, a.cy - 6), (a.x + a.width + 24, a.cy - 20), (a.x + a.width + 24, a.cy + 20),
               (a.x + a.width, a.cy + 6)]
        return EdgeRoute(edge, pts, (a.x + a.width + 28, a.cy))
    backward = (edge.source, edge.target) in reversed_edges
    key = (edge.target, edge.source) if backward else (edge.source, edge.target)
    chain = chains.get(key, [key[0], key[1]])
    middle = [points[d] for d in chain[1:-1]]
    if backward:
        middle = middle[::-1]
    first = middle[0] if middle else (b.cx, b.cy)
    last = middle[-1] if middle else (a.cx, a.cy)
    start = (a.x + a.width, a.cy) if first[0] >= a.cx else (a.x, a.cy)
    end = (b.x, b.cy) if last[0] <= b.cx else (b.x + b.width, b.cy)
    if backward and not middle:      # neighbouring columns, pointing back: leave and enter from below
        start, end = (a.cx, a.y + a.height), (b.cx, b.y + b.height)
        low = max(a.y + a.height, b.y + b.height) + 16
        middle = [(a.cx, low), (b.cx, low)]
    pts = [start] + middle + [end]
    label_at = None
    if edge.label:
        p, q = pts[0], pts[1]
        label_at = (p[0] + (q[0] - p[0]) * 0.5, p[1] + (q[1] - p[1]) * 0.5)
    return EdgeRoute(edge, [(round(x, 1), round(y, 1)) for x, y in pts], label_at)


def _on_first_leg(pts: list[tuple[float, float]], x: float, fallback: tuple[float, float]) -> tuple[float, float]:
    """The point of the route's first leg at ``x`` (the gap's middle), so a label is never
    drawn over the next column's boxes (its leg may run on to the middle of that column)."""
    (x0, y0), (x1, y1) = pts[0], pts[1]
    if not min(x0, x1) <= x <= max(x0, x1) or x1 == x0:
        return fallback
    return (round(x, 1), round(y0 + (y1 - y0) * (x - x0) / (x1 - x0), 1))


# -- exports -------------------------------------------------------------------------------------
def _mermaid_text(text: str) -> str:
    return (text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
            .replace("|", "#124;"))


def _mermaid_id(node_id: str) -> str:
    return "n_" + "".join(c if c.isalnum() or c == "_" else "_" for c in node_id)


def to_mermaid(graph: Graph) -> str:
    """A Mermaid ``flowchart LR`` (GitHub and many editors render it)."""
    lines = ["flowchart LR"]
    for node in graph.nodes.values():
        label = "<br/>".join(_mermaid_text(line) for line in node.lines)
        mid = _mermaid_id(node.id)
        if node.kind == "ending":
            lines.append(f'    {mid}[["{label}"]]:::{node.outcome}')
        elif node.kind == "inject":
            lines.append(f'    {mid}>"{label}"]:::inject')
        else:
            lines.append(f'    {mid}("{label}"):::{"start" if node.start else "scene"}')
    for edge in graph.edges:
        a, b = _mermaid_id(edge.source), _mermaid_id(edge.target)
        label = _mermaid_text(edge.label)
        if edge.dashed:
            lines.append(f'    {a} -. "{label}" .-> {b}' if label else f"    {a} -.-> {b}")
        else:
            lines.append(f'    {a} -->|"{label}"| {b}' if label else f"    {a} --> {b}")
    lines.append(f"    classDef scene fill:{SCENE_COLOURS[0]},stroke:{SCENE_COLOURS[1]}")
    lines.append(f"    classDef start fill:{SCENE_COLOURS[0]},stroke:{SCENE_COLOURS[1]},stroke-width:3px")
    lines.append(f"    classDef inject fill:{INJECT_COLOURS[0]},stroke:{INJECT_COLOURS[1]},stroke-dasharray:4 3")
    for outcome, (fill, stroke) in OUTCOME_COLOURS.items():
        lines.append(f"    classDef {outcome} fill:{fill},stroke:{stroke},stroke-width:2px")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def to_dot(graph: Graph) -> str:
    """Graphviz DOT text (``dot -Tsvg`` draws it)."""
    lines = [f'digraph "{_dot_text(graph.scenario_id)}" {{', "  rankdir=LR;",
             '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
             '  edge [fontname="Helvetica", fontsize=9];']
    for node in graph.nodes.values():
        label = "\\n".join(_dot_text(line) for line in node.lines)
        if node.kind == "ending":
            fill, stroke = OUTCOME_COLOURS.get(node.outcome or "", SCENE_COLOURS)
            attrs = f'shape=box, style="filled", peripheries=2, fillcolor="{fill}", color="{stroke}"'
        elif node.kind == "inject":
            attrs = f'shape=cds, style="filled,dashed", fillcolor="{INJECT_COLOURS[0]}", color="{INJECT_COLOURS[1]}"'
        else:
            attrs = f'fillcolor="{SCENE_COLOURS[0]}", color="{SCENE_COLOURS[1]}"' + (", penwidth=2.5" if node.start
                                                                                     else "")
        lines.append(f'  "{_dot_text(node.id)}" [label="{label}", {attrs}];')
    for edge in graph.edges:
        attrs = [f'label="{_dot_text(edge.label)}"'] if edge.label else []
        if edge.dashed:
            attrs.append("style=dashed")
        suffix = f" [{', '.join(attrs)}]" if attrs else ""
        lines.append(f'  "{_dot_text(edge.source)}" -> "{_dot_text(edge.target)}"{suffix};')
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_svg(graph: Graph, placed: Layout | None = None) -> str:
    """An SVG drawing of the graph, written by us (no Graphviz needed)."""
    placed = placed or layout(graph)
    legend_height = 40.0
    width = max(placed.width, 760.0)
    height = placed.height + legend_height + 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
           f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="Helvetica, Arial, sans-serif">',
           "<defs>",
           '<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker>',
           "</defs>",
           f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
           f'<text x="20" y="22" font-size="15" font-weight="bold">{escape(graph.title)}</text>']
    oy = 30.0    # everything below the title
    for route in placed.routes:
        d = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y + oy:.1f}" for i, (x, y) in enumerate(route.points))
        dash = ' stroke-dasharray="6 4"' if route.edge.dashed else ""
        colour = "#9a6b00" if route.edge.dashed else "#666"
        out.append(f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="1.3"{dash} '
                   'marker-end="url(#arrow)"/>')
    for route in placed.routes:
        if route.label_at and route.edge.label:
            x, y = route.label_at
            w = len(route.edge.label) * LABEL_CHAR_WIDTH + 6
            out.append(f'<rect x="{x - w / 2:.1f}" y="{y + oy - 8:.1f}" width="{w:.1f}" height="13" '
                       'fill="#ffffff" fill-opacity="0.85" rx="2"/>')
            out.append(f'<text x="{x:.1f}" y="{y + oy + 2:.1f}" font-size="9.5" text-anchor="middle" '
                       f'fill="#333">{escape(route.edge.label)}</text>')
    for node_id, box in placed.boxes.items():
        node = graph.nodes[node_id]
        x, y, w, h = box.x, box.y + oy, box.width, box.height
        if node.kind == "ending":
            fill, stroke = OUTCOME_COLOURS.get(node.outcome or "", SCENE_COLOURS)
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}" '
                       f'stroke="{stroke}" stroke-width="1.5"/>')
            out.append(f'<rect x="{x + 3:.1f}" y="{y + 3:.1f}" width="{w - 6:.1f}" height="{h - 6:.1f}" '
                       f'fill="none" stroke="{stroke}" stroke-width="1.2"/>')
        elif node.kind == "inject":
            fill, stroke = INJECT_COLOURS
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}" '
                       f'stroke="{stroke}" stroke-dasharray="5 3"/>')
        else:
            fill, stroke = SCENE_COLOURS
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="8" fill="{fill}" '
                       f'stroke="{stroke}" stroke-width="{3 if node.start else 1.3}"/>')
        for i, line in enumerate(node.lines):
            ty = y + NODE_PADDING_Y + (i + 1) * LINE_HEIGHT - 4
            style = ""
            title_lines = len(node.lines) - _extra_line_count(node)
            if i < title_lines:
                style = ' font-weight="bold"'
            elif line.startswith("★"):
                style = ' fill="#a01010"'
            else:
                style = ' fill="#555"'
            out.append(f'<text x="{x + NODE_PADDING_X:.1f}" y="{ty:.1f}" font-size="11"{style}>'
                       f"{escape(line)}</text>")
    ly = placed.height + oy + 8
    lx = 20.0
    legend = [("scene", SCENE_COLOURS, False)] + [(name.replace("_", " "), colours, True)
                                                  for name, colours in OUTCOME_COLOURS.items()]
    out.append(f'<text x="{lx:.1f}" y="{ly + 14:.1f}" font-size="11" font-weight="bold">Legend</text>')
    lx += 52
    for name, (fill, stroke), double in legend:
        out.append(f'<rect x="{lx:.1f}" y="{ly:.1f}" width="18" height="18" rx="{0 if double else 4}" '
                   f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>')
        if double:
            out.append(f'<rect x="{lx + 3:.1f}" y="{ly + 3:.1f}" width="12" height="12" fill="none" '
                       f'stroke="{stroke}"/>')
        out.append(f'<text x="{lx + 24:.1f}" y="{ly + 14:.1f}" font-size="11">{escape(name)}</text>')
        lx += 34 + len(name) * 6.5
    out.append(f'<path d="M{lx:.1f},{ly + 9:.1f} L{lx + 30:.1f},{ly + 9:.1f}" stroke="#9a6b00" '
               'stroke-dasharray="6 4" marker-end="url(#arrow)"/>')
    out.append(f'<text x="{lx + 36:.1f}" y="{ly + 14:.1f}" font-size="11">inject redirect</text>')
    lx += 140
    out.append(f'<text x="{lx:.1f}" y="{ly + 14:.1f}" font-size="11" fill="#a01010">★ critical action '
               "evidenced here</text>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _extra_line_count(node: Node) -> int:
    count = 1
    if node.kind == "scene":
        count += len(node.critical) + (1 if node.milestone else 0)
    return count

"""The scenario map: the engine's graph and layered layout drawn in a QGraphicsView.

``prepare_graph`` rewrites each node's text for the screen (decision kind in words, the
outcome of an ending in words with a symbol, critical actions with a star, problems with a
warning sign and a count) and measures it with the real font, so ``engine.graph.layout``
places boxes of their true size and no two overlap. The text is the application's base font
(at 100% zoom it reads as the rest of the window). ``MapView`` adds zoom (Ctrl+wheel,
Ctrl++ / Ctrl+-, fit), pan (drag, arrow keys), search with highlighted matches, and
keyboard selection (Page Down / Page Up step through the scenes in map order).
Colour never carries meaning alone: every colour has a word or a symbol beside it.
``populate`` again (after a save) passes the last layout to ``graphs.layout`` and keeps the
items that would be drawn the same, so a title edit remakes one box, not the whole map.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QFont, QFontInfo, QFontMetricsF, QGuiApplication, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsView, QStyleOptionGraphicsItem, QWidget

from ...engine import graph as graphs
from ...engine.graph import Graph, Layout
from .. import theme
from ..safe_text import plain_tooltip

# The map's text is the application's base font (theme.apply sets it from the system font and
# the zoom setting), never smaller: at 100% map zoom a label reads as the rest of the window
# does on a 1366x768 laptop (issue 16: a fixed 12 px and 10 px were too small to read).
MIN_FONT_PIXELS = 12
PADDING_X = 12.0
PADDING_Y = 8.0
ZOOM_MIN, ZOOM_MAX = 0.05, 4.0

OUTCOME_WORDS = {
    "good": "\u2714 good outcome",
    "partial": "\u25d1 partial outcome",
    "harm": "\u2716 harm to people",
    "investigation_lost": "\u2716 investigation lost",
    "safeguarding_failure": "\u2716 safeguarding failure",
}
KIND_WORDS = {"choose_one": "choose one", "choose_many": "checklist", "rank": "ranking",
              "ndm_rationale": "NDM rationale", None: "continue (no decision)"}


def base_pixels() -> int:
    """The application font's size in pixels (the map draws in pixels at 100% zoom)."""
    app = QGuiApplication.instance()
    font = app.font() if app is not None else QFont()
    return max(MIN_FONT_PIXELS, QFontInfo(font).pixelSize())


def node_font(bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(base_pixels())
    font.setBold(bold)
    return font


def label_font() -> QFont:
    """The option ids on the arrows: the base size too."""
    font = QFont()
    font.setPixelSize(base_pixels())
    return font


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


@dataclass
class NodeText:
    lines: list[str]
    bold: int            # how many leading lines are the title (bold)


def prepare_graph(graph: Graph, problem_counts: dict[str, tuple[int, int]] | None = None) -> dict[str, NodeText]:
    """Set each node's on-screen lines and measured size; returns the text per node id.

    ``problem_counts`` maps a node id to (errors, warnings or notes) found in its YAML block.
    """
    problem_counts = problem_counts or {}
    regular, bold = QFontMetricsF(node_font()), QFontMetricsF(node_font(True))
    texts: dict[str, NodeText] = {}
    for node in graph.nodes.values():
        title = textwrap.wrap(node.title, graphs.TITLE_WRAP) or [node.id]
        if len(title) > 3:
            title = title[:2] + [_short(" ".join(title[2:]), graphs.TITLE_WRAP)]
        extra: list[str] = []
        if node.kind == "scene":
            extra.append(f"{node.id} \u00b7 {KIND_WORDS.get(node.decision_kind, node.decision_kind)}")
            if node.start:
                extra.append("\u25b6 start scene")
            if node.milestone:
                extra.append(f"\u25c6 milestone: {node.milestone}")
            extra += [f"\u2605 critical: {a}" for a in node.critical]
        elif node.kind == "ending":
            extra.append(f"ending {node.id}")
            extra.append("Outcome: " + OUTCOME_WORDS.get(node.outcome or "", node.outcome or "?"))
        else:
            extra.append(f"inject {node.note}")
        errors, others = problem_counts.get(node.id, (0, 0))
        if errors or others:
            parts = []
            if errors:
                parts.append(f"{errors} error{'s' if errors != 1 else ''}")
            if others:
                parts.append(f"{others} warning{'s' if others != 1 else ''}")
            extra.append("\u26a0 " + ", ".join(parts))
        lines = title + extra
        width = max(max((bold.horizontalAdvance(t) for t in title), default=0.0),
                    max((regular.horizontalAdvance(t) for t in extra), default=0.0))
        node.lines = lines
        node.width = round(width + 2 * PADDING_X + 6, 1)
        node.height = round(len(lines) * regular.lineSpacing() + 2 * PADDING_Y, 1)
        texts[node.id] = NodeText(lines, len(title))
    return texts


class NodeItem(QGraphicsItem):
    """One box: a scene (rounded), an ending (double border, outcome colour and words) or an inject."""

    def __init__(self, node: graphs.Node, text: NodeText, box: graphs.Box, problems: tuple[int, int]):
        super().__init__()
        self.node = node
        self.text = text
        self.rect = QRectF(0, 0, box.width, box.height)
        self.problems = problems
        self.highlighted = False
        self.setPos(box.x, box.y)
        self.setZValue(2)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsFocusable, True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(plain_tooltip(f"{node.id}: {node.title}"))

    @property
    def node_id(self) -> str:
        return self.node.id

    def draws(self, node: graphs.Node, text: NodeText, box: graphs.Box, problems: tuple[int, int]) -> bool:
        """True when this box, moved to ``box``'s place, is what a new one would draw."""
        return (node == self.node and text == self.text and problems == self.problems
                and self.rect.width() == box.width and self.rect.height() == box.height)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self.rect.adjusted(-7, -7, 7, 7)

    def set_highlighted(self, on: bool) -> None:
        if on != self.highlighted:
            self.highlighted = on
            self.update()

    def colours(self) -> tuple[str, str]:
        c = theme.map_colours()
        if c.node_fill is not None:                  # high contrast: one fill, one border for all
            return c.node_fill, c.node_stroke
        if self.node.kind == "ending":
            return graphs.OUTCOME_COLOURS.get(self.node.outcome or "", graphs.SCENE_COLOURS)
        if self.node.kind == "inject":
            return graphs.INJECT_COLOURS
        return graphs.SCENE_COLOURS

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        fill, stroke = self.colours()
        c = theme.map_colours()
        rect = self.rect
        if self.highlighted:                                     # search match: a wide halo
            painter.setPen(QPen(QColor(c.halo), 6))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(-4, -4, 4, 4), 11, 11)
        width = 3.0 if (self.node.start or self.problems[0]) else 1.4
        pen = QPen(QColor(c.problem if self.problems[0] else stroke), width)
        if self.node.kind == "inject":
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(QBrush(QColor(fill)))
        if self.node.kind == "ending":
            painter.drawRect(rect)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(QColor(stroke), 1.2))
            painter.drawRect(rect.adjusted(3, 3, -3, -3))
        elif self.node.kind == "inject":
            painter.drawRect(rect)
        else:
            painter.drawRoundedRect(rect, 8, 8)
        if self.isSelected():
            painter.setPen(QPen(QColor(c.selected), 3, Qt.PenStyle.SolidLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(-2, -2, 2, 2), 9, 9)
        regular, bold = node_font(), node_font(True)
        metrics = QFontMetricsF(regular)
        y = PADDING_Y + metrics.ascent()
        for index, line in enumerate(self.text.lines):
            title = index < self.text.bold
            painter.setFont(bold if title else regular)
            colour = c.title if title else c.text
            if line.startswith("\u2605"):
                colour = c.critical
            elif line.startswith("\u26a0"):
                colour = c.problem
                painter.setFont(bold)
            elif line.startswith("Outcome:"):
                colour = c.title
                painter.setFont(bold)
            painter.setPen(QColor(colour))
            painter.drawText(QPointF(PADDING_X, y), line)
            y += metrics.lineSpacing()
        if self.problems[0] or self.problems[1]:                 # a warning badge on the corner too
            badge = QRectF(rect.right() - 12, rect.top() - 8, 20, 20)
            painter.setPen(QPen(QColor(c.badge_text), 1.5))
            painter.setBrush(QColor(c.problem if self.problems[0] else c.warn_badge))
            painter.drawEllipse(badge)
            painter.setFont(bold)
            painter.setPen(QColor(c.badge_text))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, "!")


class EdgeItem(QGraphicsItem):
    """An arrow along the layout's route; dashed for inject redirects; labelled with option ids."""

    def __init__(self, route: graphs.EdgeRoute, label_key: str = ""):
        super().__init__()
        self.route = route
        self.key = self.key_of(route, label_key or label_font().key())
        self.setZValue(1 if route.edge.label else 0)
        # A polyline, not a QPainterPath: with PySide6 6.12 on Python 3.11, thousands of
        # QPainterPath.lineTo calls corrupted None's reference count and aborted the process.
        points = [QPointF(x, y) for x, y in route.points]
        self.line = QPolygonF(points)
        self.arrow = _arrow_head(points[-2], points[-1]) if len(points) > 1 else QPolygonF()
        self.label_rect = QRectF()
        if route.label_at and route.edge.label:
            metrics = QFontMetricsF(label_font())
            w = metrics.horizontalAdvance(route.edge.label) + 8
            h = metrics.height() + 2
            x, y = route.label_at
            self.label_rect = QRectF(x - w / 2, y - h / 2, w, h)
        self._bounds = self.line.boundingRect().united(self.arrow.boundingRect()).united(self.label_rect) \
            .adjusted(-4, -4, 4, 4)

    @staticmethod
    def key_of(route: graphs.EdgeRoute, label_key: str) -> tuple:
        """Everything the arrow is drawn from: two routes with the same key draw the same arrow.
        ``label_key``: the label font's ``QFont.key()`` (the label's box is measured with it)."""
        edge = route.edge
        return (edge.source, edge.target, edge.label, edge.dashed, tuple(route.points), route.label_at, label_key)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        dashed = self.route.edge.dashed
        c = theme.map_colours()
        colour = QColor(c.redirect if dashed else c.edge)
        pen = QPen(colour, 1.4)
        if dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPolyline(self.line)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPolygon(self.arrow)
        if not self.label_rect.isNull():
            painter.setBrush(QColor(c.label_bg))
            painter.setPen(QPen(QColor(c.label_border), 0.8))
            painter.drawRoundedRect(self.label_rect, 3, 3)
            painter.setFont(label_font())
            painter.setPen(QColor(c.label_text))
            painter.drawText(self.label_rect, Qt.AlignmentFlag.AlignCenter, self.route.edge.label)


def _arrow_head(a: QPointF, b: QPointF, size: float = 8.0) -> QPolygonF:
    angle = math.atan2(b.y() - a.y(), b.x() - a.x())
    left = QPointF(b.x() - size * math.cos(angle - 0.4), b.y() - size * math.sin(angle - 0.4))
    right = QPointF(b.x() - size * math.cos(angle + 0.4), b.y() - size * math.sin(angle + 0.4))
    return QPolygonF([b, left, right])


class MapView(QGraphicsView):
    """The map widget. ``node_selected`` names the node the author picked (click, search, keys)."""

    node_selected = Signal(str)
    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.map_scene = QGraphicsScene(self)
        self.setScene(self.map_scene)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setBackgroundBrush(QColor(theme.map_colours().background))     # again on a theme change
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Scenario map")
        self.setAccessibleDescription("Scenes and endings left to right. Arrow keys pan, Ctrl+plus and Ctrl+minus "
                                      "zoom, Page Down and Page Up select the next or previous scene.")
        self.nodes: dict[str, NodeItem] = {}
        self.edges: list[EdgeItem] = []
        self.order: list[str] = []
        self.matches: list[str] = []
        self.match_index = -1
        self.graph: Graph | None = None
        self.layout_: Layout | None = None
        self.map_scene.selectionChanged.connect(self._on_selection_changed)

    # -- building --------------------------------------------------------------------------------

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.PaletteChange):
            # the high-contrast theme was switched: the map follows it (items repaint from theme)
            self.setBackgroundBrush(QColor(theme.map_colours().background))
            self.viewport().update()
    def populate(self, graph: Graph, problem_counts: dict[str, tuple[int, int]] | None = None) -> Layout:
        """Draw ``graph`` (replacing what was there); keeps the selection when the node still exists.
        Boxes and arrows that would be drawn exactly as they are now are kept (after a save that
        edited one title, nearly all of them): only the others are made again."""
        selected = self.selected_id()
        problem_counts = problem_counts or {}
        texts = prepare_graph(graph, problem_counts)
        label = QFontMetricsF(label_font())     # the gaps between columns fit the labels as drawn
        # the last layout: after a save that kept the map's shape, its layering is re-used
        placed = graphs.layout(graph, label_char_width=label.horizontalAdvance("abcdefghij_0123456789") / 21 * 1.05,
                               previous=self.layout_)
        self.map_scene.blockSignals(True)
        label_key = label_font().key()          # an arrow's label box is measured when it is made
        old_edges: dict[tuple, list[EdgeItem]] = {}
        for item in self.edges:
            old_edges.setdefault(item.key, []).append(item)
        self.edges = []
        for route in placed.routes:
            key = EdgeItem.key_of(route, label_key)
            kept = old_edges.get(key)
            if kept:
                item = kept.pop()
                item.route = route
            else:
                item = EdgeItem(route, label_key)
                self.map_scene.addItem(item)
            self.edges.append(item)
        old_nodes, self.nodes = self.nodes, {}
        for node_id, box in placed.boxes.items():
            node, problems = graph.nodes[node_id], problem_counts.get(node_id, (0, 0))
            item = old_nodes.pop(node_id, None)
            if item is not None and item.draws(node, texts[node_id], box, problems):
                item.node = node
                item.set_highlighted(False)      # as a new box: the search is matched again by the window
                if item.pos() != QPointF(box.x, box.y):
                    item.setPos(box.x, box.y)
            else:
                if item is not None:
                    self.map_scene.removeItem(item)
                item = NodeItem(node, texts[node_id], box, problems)
                self.map_scene.addItem(item)
            self.nodes[node_id] = item
        for item in [*old_nodes.values(), *(i for items in old_edges.values() for i in items)]:
            self.map_scene.removeItem(item)      # what the new map does not have
        self.map_scene.setSceneRect(QRectF(0, 0, placed.width, placed.height).adjusted(-40, -40, 40, 40))
        self.order = sorted(placed.boxes, key=lambda n: (placed.layers.get(n, 0), placed.boxes[n].y))
        self.graph, self.layout_ = graph, placed
        self.map_scene.blockSignals(False)
        self.matches, self.match_index = [], -1
        if selected in self.nodes and not self.nodes[selected].isSelected():
            self.map_scene.clearSelection()
            self.nodes[selected].setSelected(True)
        return placed

    # -- selection and search ------------------------------------------------------------------------
    def selected_id(self) -> str | None:
        items = [i for i in self.map_scene.selectedItems() if isinstance(i, NodeItem)]
        return items[0].node_id if items else None

    def select_node(self, node_id: str, centre: bool = True) -> bool:
        item = self.nodes.get(node_id)
        if item is None:
            return False
        self.map_scene.clearSelection()
        item.setSelected(True)
        item.setFocus()
        if centre:
            self.centerOn(item)
        return True

    @Slot()
    def _on_selection_changed(self) -> None:
        node_id = self.selected_id()
        if node_id:
            self.node_selected.emit(node_id)

    def search(self, text: str) -> list[str]:
        """Highlight every node whose id or title contains ``text`` (case-insensitive)."""
        needle = text.strip().lower()
        self.matches = []
        for node_id in self.order:
            item = self.nodes[node_id]
            hit = bool(needle) and (needle in node_id.lower() or needle in item.node.title.lower())
            item.set_highlighted(hit)
            if hit:
                self.matches.append(node_id)
        # an exact id match comes first, so typing a whole id and Enter goes straight there
        exact = [m for m in self.matches if m.lower() == needle]
        if exact:
            self.matches.remove(exact[0])
            self.matches.insert(0, exact[0])
        self.match_index = -1
        return self.matches

    def next_match(self, step: int = 1) -> str | None:
        """Centre on (and select) the next match; wraps around."""
        if not self.matches:
            return None
        self.match_index = (self.match_index + step) % len(self.matches)
        node_id = self.matches[self.match_index]
        self.select_node(node_id)
        return node_id

    # -- zoom and pan ------------------------------------------------------------------------------
    def zoom(self) -> float:
        return self.transform().m11()

    def zoom_by(self, factor: float, under_mouse: bool = False) -> None:
        """Zoom about the middle of the view; about the pointer only for Ctrl+wheel. (Keys and
        buttons zoomed about the point of the last mouse move, or the map's corner when there
        was none: the keyboard walkthrough saw the scene in view jump away at Ctrl++.)"""
        target = max(ZOOM_MIN, min(ZOOM_MAX, self.zoom() * factor))
        factor = target / self.zoom()
        if abs(factor - 1.0) > 1e-6:
            anchor = QGraphicsView.ViewportAnchor.AnchorUnderMouse if under_mouse else \
                QGraphicsView.ViewportAnchor.AnchorViewCenter
            previous = self.transformationAnchor()
            self.setTransformationAnchor(anchor)
            try:
                self.scale(factor, factor)
            finally:
                self.setTransformationAnchor(previous)
            self.zoom_changed.emit(self.zoom())

    @Slot()
    def zoom_in(self) -> None:
        self.zoom_by(1.25)

    @Slot()
    def zoom_out(self) -> None:
        self.zoom_by(0.8)

    @Slot()
    def zoom_actual(self) -> None:
        self.zoom_by(1.0 / self.zoom())

    @Slot()
    def fit(self) -> None:
        if self.map_scene.items():
            self.fitInView(self.map_scene.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
            if self.zoom() < ZOOM_MIN:
                self.zoom_by(1.0)
            self.zoom_changed.emit(self.zoom())

    @Slot()
    def home(self) -> None:
        """The opening view: 100% zoom, where the text is the window's size, the start scene on the left."""
        if not self.nodes or self.graph is None:
            return
        self.zoom_by(1.0 / self.zoom())
        start = self.nodes.get(self.graph.start) or next(iter(self.nodes.values()))
        centre = start.mapRectToScene(start.rect).center()
        left = start.mapRectToScene(start.rect).left() - 30 / self.zoom()
        self.centerOn(left + self.viewport().width() / (2 * self.zoom()), centre.y())

    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_by(1.15 if event.angleDelta().y() > 0 else 1 / 1.15, under_mouse=True)
            event.accept()
            return
        super().wheelEvent(event)

    def pan(self, dx: int, dy: int) -> None:
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + dx)
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + dy)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        step = 120 if mods & Qt.KeyboardModifier.ShiftModifier else 40
        moves = {Qt.Key.Key_Left: (-step, 0), Qt.Key.Key_Right: (step, 0), Qt.Key.Key_Up: (0, -step),
                 Qt.Key.Key_Down: (0, step)}
        if key in moves and not ctrl:
            self.pan(*moves[key])
        elif ctrl and key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in()
        elif ctrl and key == Qt.Key.Key_Minus:
            self.zoom_out()
        elif ctrl and key == Qt.Key.Key_0:
            self.fit()
        elif key == Qt.Key.Key_Home:
            self.home()
        elif key in (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp) and self.order:
            current = self.selected_id()
            index = self.order.index(current) if current in self.order else -1
            index = (index + (1 if key == Qt.Key.Key_PageDown else -1)) % len(self.order)
            self.select_node(self.order[index])
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def overlapping_pairs(self) -> list[tuple[str, str]]:
        """Pairs of node boxes that overlap on screen (tests use it; there should be none)."""
        rects = sorted(((item.mapRectToScene(item.rect), node_id) for node_id, item in self.nodes.items()),
                       key=lambda r: r[0].left())
        pairs = []
        for i, (a, a_id) in enumerate(rects):
            for b, b_id in rects[i + 1:]:
                if b.left() >= a.right():
                    break
                if a.intersects(b):
                    pairs.append((a_id, b_id))
        return pairs

"""The Author mode window: map, scene details, problems, live preview and the file watcher.

On every save of the scenario (or a catalogue it uses) the window waits 50 ms (DEBOUNCE_MS)
for the editor to finish writing, re-validates with ``load_scenario``, redraws the map with
the problem markers (keeping its layering, boxes and arrows where the save did not change
them), and replays the preview's choices. Editors that save by replacing the
file drop it from ``QFileSystemWatcher``; the folder is watched too, and the file is
added back whenever it exists again. A file that cannot be read keeps the last good map
and shows its problems. Problems are shown inline (message bar and list), never in
modal pop-ups.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...engine import graph as graphs
from ...engine.loader import LoadResult, find_catalogue_file, load_scenario
from ...engine.problems import ERROR, Problem
from ...engine.text import counted
from ..collector_hold import hold_until_painted
from ..keyboard import ZOOM_IN_KEYS, ZOOM_OUT_KEYS, ZoomKeys, key_sequences
from ..widgets import FitScrollArea, WrapLabel
from ..window_geometry import place
from .blocks import Block, display_name, problems_in, same_file, scene_blocks
from .map_view import KIND_WORDS, OUTCOME_WORDS, MapView
from .preview import PreviewPane

log = logging.getLogger(__name__)
# A save is re-checked this long after the last change notice: editors write a file in a burst
# of steps (truncate, write, rename) a few milliseconds apart, and each notice restarts the
# wait. 150 ms was three quarters of the 200 ms an author should wait for the map (issue 14);
# a notice that still comes after a re-check of a half-written file starts another one.
DEBOUNCE_MS = 50
SEVERITY_SYMBOLS = {"error": "\u2716 error", "warning": "\u26a0 warning", "info": "\u2139 note"}


def problem_text(problem: Problem, with_file: bool = True) -> str:
    where = f"{problem.location.file}:{problem.location.line}" if with_file else f"line {problem.location.line}"
    text = f"{SEVERITY_SYMBOLS.get(problem.severity, problem.severity)} {problem.code} at {where}: {problem.message}"
    return text + (f" ({problem.hint})" if problem.hint else "")


class AuthorWindow(QMainWindow):
    """One scenario file in Author mode. ``reloaded`` fires after each re-validation."""

    reloaded = Signal(bool)      # True when the file loaded without errors

    def __init__(self, path: str | Path, parent: QWidget | None = None, *, settings=None):
        super().__init__(parent)
        self.path = Path(path).resolve()
        self.result: LoadResult | None = None
        self.scenario = None                      # the last scenario that loaded without errors
        self.blocks: dict[str, Block] = {}
        self.problems: list[Problem] = []
        self.map_ok = False
        self.setWindowTitle(f"Author mode \u2013 {self.path.name} \u2013 hydra_sim")
        self._build()
        self._build_actions()
        place(self, (1440, 900), "author", settings)    # after building: caps the layout's minimum too
        self._mtime: int | None = None
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self.file_changed)
        self.watcher.directoryChanged.connect(self.file_changed)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self.debounce.timeout.connect(self.reload)
        self.reload()

    # -- building --------------------------------------------------------------------------------
    def _build(self) -> None:
        top = QFrame()
        top.setProperty("role", "topbar")
        bar = QHBoxLayout(top)
        bar.setContentsMargins(10, 6, 10, 6)
        self.file_label = QLabel(f"<b>{html.escape(self.path.name)}</b>")     # a file name may contain tags
        self.file_label.setTextFormat(Qt.TextFormat.RichText)
        bar.addWidget(self.file_label)
        find_label = QLabel("&Find scene:")
        self.search = QLineEdit()
        self.search.setPlaceholderText("id or title, Enter for the next match")
        self.search.setAccessibleName("Find a scene by id or title; Enter centres on the next match")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.on_search)
        self.search.returnPressed.connect(self.next_match)
        find_label.setBuddy(self.search)
        self.match_label = QLabel("")
        self.match_label.setAccessibleName("Search matches")
        bar.addSpacing(16)
        bar.addWidget(find_label)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.match_label)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, name, tip in (("zoom_out", "\u2212", "Zoom out", "Ctrl+-"), ("zoom_in", "+", "Zoom in", "Ctrl++"),
                                     ("fit", "Fit", "Fit the whole map", "Ctrl+0"),
                                     ("reload", "Re-check", "Re-check the file now", "F5")):
            button = QPushButton(text)
            button.setAccessibleName(name)
            button.setToolTip(f"{name} ({tip})")
            bar.addWidget(button)
            self.buttons[key] = button
        self.status = WrapLabel("")
        self.status.setAccessibleName("File status")
        self.status_bar = QFrame()
        self.status_bar.setProperty("role", "card")
        status_layout = QHBoxLayout(self.status_bar)
        status_layout.setContentsMargins(10, 4, 10, 4)
        status_layout.addWidget(self.status)

        self.map = MapView()
        self.map.node_selected.connect(self.show_node)
        self.buttons["zoom_in"].clicked.connect(self.map.zoom_in)
        self.buttons["zoom_out"].clicked.connect(self.map.zoom_out)
        self.buttons["fit"].clicked.connect(self.map.fit)

        problems_box = QWidget()
        problems_layout = QVBoxLayout(problems_box)
        problems_layout.setContentsMargins(0, 4, 0, 0)
        self.problems_label = QLabel("Problems in the file")
        self.problems_label.setProperty("role", "heading")
        self.problem_list = QListWidget()
        self.problem_list.setAccessibleName("All problems in the file; Enter shows the scene it is in")
        self.problem_list.setWordWrap(True)
        self.problem_list.itemActivated.connect(self._problem_activated)
        self.problems_label.setBuddy(self.problem_list)
        problems_layout.addWidget(self.problems_label)
        problems_layout.addWidget(self.problem_list)

        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.map)
        left.addWidget(problems_box)
        left.setStretchFactor(0, 4)
        left.setStretchFactor(1, 1)
        left.setSizes([640, 170])

        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.setContentsMargins(8, 8, 8, 8)
        heading = QLabel("Selected scene")
        heading.setProperty("role", "heading")
        self.node_title = WrapLabel("Click a scene on the map, or press Alt+F and find it by id or title.")
        self.node_title.setAccessibleName("Selected scene")
        self.node_location = WrapLabel("", role="muted")
        self.node_location.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                                   | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.node_location.setAccessibleName("Where the scene is in the YAML file")
        self.node_problems = QListWidget()
        self.node_problems.setAccessibleName("Problems inside the selected scene")
        self.node_problems.setWordWrap(True)
        self.node_problems.setMaximumHeight(96)
        details_layout.addWidget(heading)
        details_layout.addWidget(self.node_title)
        details_layout.addWidget(self.node_location)
        details_layout.addWidget(self.node_problems)

        self.preview = PreviewPane()
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(details)
        side_layout.addWidget(self.preview, 1)
        scroll = FitScrollArea(side)        # vertical only: the pane's contents wrap to its width
        scroll.setMinimumWidth(420)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(scroll)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([860, 580])

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(top)
        layout.addWidget(self.status_bar)
        layout.addWidget(split, 1)
        self.setCentralWidget(central)

    def _build_actions(self) -> None:
        self.buttons["reload"].clicked.connect(self.reload)

        def action(text: str, keys, slot) -> QAction:
            act = QAction(text, self)
            act.setShortcuts(key_sequences(keys))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        # one key form per action (more make Qt call Ctrl++ ambiguous under X11, and nothing
        # zoomed); ZoomKeys takes the other forms of Ctrl++ and Ctrl+- (keyboard.py)
        action("Zoom in", ZOOM_IN_KEYS, self.map.zoom_in)
        action("Zoom out", ZOOM_OUT_KEYS, self.map.zoom_out)
        self.zoom_keys = ZoomKeys(self, self.map.zoom_in, self.map.zoom_out)
        action("Fit map", ["Ctrl+0"], self.map.fit)
        action("Map home: the start scene", ["Ctrl+Home"], self.map.home)
        action("Find", ["Ctrl+F"], self._focus_search)
        action("Reload", ["F5"], self.reload)
        action("Play from here", ["Ctrl+Shift+P"], self.preview.play_from_here)
        action("Show map", ["Ctrl+M"], lambda: self.map.setFocus())
        action("Close", ["Ctrl+W"], self.close)

    @Slot()
    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # -- watching ------------------------------------------------------------------------------------
    def watched_files(self) -> list[Path]:
        files = [self.path]
        scenario = self.scenario
        if scenario is not None:
            for catalogue_id in scenario.catalogue_ids:
                found = find_catalogue_file(catalogue_id, self.path.parent)
                if found is not None:
                    files.append(found.resolve())
        return files

    def _watch(self) -> None:
        """(Re-)add every watched path that exists; editors that replace a file drop it."""
        current = set(self.watcher.files()) | set(self.watcher.directories())
        wanted = [str(p) for p in self.watched_files() if p.exists()] + [str(self.path.parent)]
        missing = [p for p in wanted if p not in current]
        if missing:
            self.watcher.addPaths(missing)

    @Slot(str)
    def file_changed(self, path: str = "") -> None:
        """A watched file or its folder changed: re-check once the writing has settled."""
        if path and Path(path) == self.path.parent and self.result is not None:
            try:
                if self.path.stat().st_mtime_ns == self._mtime:
                    self._watch()
                    return          # another file in the folder changed
            except OSError:
                return              # mid-replace: the file will be back
        self.debounce.start()

    @Slot()
    def reload(self) -> LoadResult:
        """Re-validate the file, update problems and the map, and replay the preview."""
        self.debounce.stop()
        # the re-check makes a whole new tree, model and map: without this, their number starts
        # a full garbage collection in the middle of it (collector_hold.py), before the map and
        # the problems show the result
        hold_until_painted(self.map.viewport(), self.problem_list.viewport())
        try:
            self._mtime = self.path.stat().st_mtime_ns
        except OSError:
            self._mtime = None
        result = load_scenario(self.path, keep_source=True)      # its tree gives the scenes' lines too
        self.result = result
        self.problems = result.problems
        errors = [p for p in result.problems if p.severity == ERROR]
        if result.scenario is not None:
            self.blocks = scene_blocks(self.path, result.source)
            try:
                self._draw(result.scenario)
                self.map_ok = True
            except Exception:          # a half-valid model must not take the window down
                log.exception("the map could not be drawn")
        if result.ok:
            self.scenario = result.scenario
            self.preview.set_paused(None)
            stopped = self.preview.replay(result.scenario)
            self._set_status(stopped is None)
        else:
            self.preview.set_paused(f"the file has {len(errors)} error{'s' if len(errors) != 1 else ''}")
            self._set_status(False)
        self._fill_problems()
        self._watch()
        selected = self.map.selected_id()
        if selected:
            self.show_node(selected)
        self.reloaded.emit(result.ok)
        return result

    def _draw(self, scenario) -> None:
        model = graphs.build_graph(scenario)
        counts: dict[str, tuple[int, int]] = {}
        for node_id in model.nodes:
            inside = problems_in(self.blocks.get(node_id), self.problems)
            if inside:
                errors = sum(1 for p in inside if p.severity == ERROR)
                counts[node_id] = (errors, len(inside) - errors)
        self.map.populate(model, counts)

    def _set_status(self, replay_ok: bool) -> None:
        result = self.result
        errors = [p for p in result.problems if p.severity == ERROR]
        others = len(result.problems) - len(errors)
        if result.scenario is None:
            text = (f"\u2716 {self.path.name} cannot be read: {counted(len(errors), 'error')}. "
                    + ("The map shows the last good version." if self.map_ok else "There is no map yet."))
        elif errors:
            text = (f"\u2716 {counted(len(errors), 'error')}, {_warnings(others)}. The map shows this version "
                    "with its problems marked; the preview waits until the errors are fixed.")
        else:
            s = result.scenario
            text = (f"\u2714 Checked: {counted(len(s.scenes), 'scene')}, {counted(len(s.endings), 'ending')}, "
                    + (f"{_warnings(others)}." if others else "no problems."))
            if not replay_ok:
                text += " The preview replay stopped: see the message in the preview."
        self.status.setText(text + " Watching the file for changes.")

    def _fill_problems(self) -> None:
        self.problem_list.clear()
        for problem in self.problems:
            item = QListWidgetItem(problem_text(problem))
            item.setData(Qt.ItemDataRole.UserRole, problem.location.line)
            item.setData(Qt.ItemDataRole.UserRole + 1, problem.location.file)
            self.problem_list.addItem(item)
        if not self.problems:
            self.problem_list.addItem("\u2714 No problems found.")
        count = len(self.problems)
        self.problems_label.setText(f"Problems in the file ({count})")

    def node_at_line(self, file: str, line: int) -> str | None:
        for node_id, block in self.blocks.items():
            if block.contains(line) and same_file(file, block.file):
                return node_id
        return None

    @Slot(QListWidgetItem)
    def _problem_activated(self, item: QListWidgetItem) -> None:
        line = item.data(Qt.ItemDataRole.UserRole)
        node_id = self.node_at_line(item.data(Qt.ItemDataRole.UserRole + 1) or "", line or 0)
        if node_id:
            self.map.select_node(node_id)

    # -- selection and search ------------------------------------------------------------------------
    @Slot(str)
    def show_node(self, node_id: str) -> None:
        node = self.map.nodes.get(node_id)
        if node is None:
            return
        n = node.node
        if n.kind == "ending":
            kind = "Ending, outcome: " + OUTCOME_WORDS.get(n.outcome or "", n.outcome or "?")
        elif n.kind == "inject":
            kind = f"Top-level inject, {n.note}"
        else:
            kind = "Scene, decision: " + KIND_WORDS.get(n.decision_kind, str(n.decision_kind))
        self.node_title.setText(f"{n.title}\n{n.id} \u00b7 {kind}")
        block = self.blocks.get(node_id)
        self.node_location.setText(f"YAML: {block.file}:{block.first} (lines {block.first}\u2013{block.last})"
                                   if block else "YAML: (no block of its own in the file)")
        self.node_problems.clear()
        inside = problems_in(block, self.problems)
        for problem in inside:
            self.node_problems.addItem(problem_text(problem, with_file=False))
        if not inside:
            self.node_problems.addItem("\u2714 No problems in this scene.")
        self.preview.set_scene(node_id if n.kind == "scene" else None)

    @Slot(str)
    def on_search(self, text: str) -> None:
        matches = self.map.search(text)
        if not text.strip():
            self.match_label.setText("")
        else:
            self.match_label.setText(f"{len(matches)} match{'es' if len(matches) != 1 else ''}")

    @Slot()
    def next_match(self) -> None:
        node_id = self.map.next_match()
        if node_id is not None:
            self.match_label.setText(f"{self.map.match_index + 1} of {len(self.map.matches)}: {node_id}")

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not getattr(self, "_homed", False):
            self._homed = True
            QTimer.singleShot(0, self.map.home)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.debounce.stop()
        super().closeEvent(event)


def problems_for(window: AuthorWindow, node_id: str) -> list[Problem]:
    return problems_in(window.blocks.get(node_id), window.problems)


__all__ = ["AuthorWindow", "display_name", "problems_for"]


def _warnings(count: int) -> str:
    return f"{count:,} warning or note" if count == 1 else f"{count:,} warnings or notes"

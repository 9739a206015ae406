"""The main window: the four screens (start, briefing, incident, debrief), menus, shortcuts,
settings (trainee, zoom, high contrast) and the wiring between screens, controller and store.

Start-up is kept short: only the start screen is built before the window is shown; its
scenario list is filled at once from the library index (engine/library_index.py) when the
index matches every file, and the library is scanned (loaded and linted) on a worker thread,
after the first paint, which confirms or replaces that list; without a matching index the
list says "Loading scenarios…" until the scan arrives. The briefing, incident and debrief
screens (and their modules) are built the first time they are needed.

Must not call runner methods (the session controller does) and holds no scenario rules.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QSettings, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QStackedWidget

from .. import paths
from ..engine.text import counted
from .after_paint import AfterFirstPaint
from .dialogs import ConfirmQuitDialog, ReplayFailedDialog, UnsavedWorkDialog
from .errors import ErrorReporter, describe
from .keyboard import ZOOM_IN_KEYS, ZOOM_OUT_KEYS, ZoomKeys, key_sequences
from .persistence import StoreError, TraineeInfo, summarise
from .session_controller import SessionController
from .start_screen import StartScreen
from .theme import apply as apply_theme
from .theme import next_zoom
from .window_geometry import place

log = logging.getLogger(__name__)
DEFAULT_TRAINEE = TraineeInfo("trainee")
PREFERRED_SIZE = (1440, 900)        # shrunk to the screen by window_geometry.place
START_TITLE = "hydra_sim: clandestine lorry drop training"     # the start screen's (and the first) title

SHORTCUTS = [
    ("Tab / Shift+Tab", "Move to the next / previous part of the screen, in reading order: scene text, "
                        "documents, options, your reasons, Decide, Pause, incident log"),
    ("Arrow keys", "Within a list of options: move, and (choose one) choose. In a check list, Space ticks"),
    ("Enter or Space", "Press the focused button"),
    ("Ctrl+Enter", "Decide (record your answer), or Continue, from anywhere on the screen"),
    ("Alt+Up / Alt+Down", "Move the selected item in a ranking"),
    ("Ctrl+P", "Pause or resume"),
    ("Ctrl+L / Ctrl+R", "Show the incident log / the reference material"),
    ("Ctrl++ / Ctrl+- / Ctrl+0", "Bigger text / smaller text / normal size"),
    ("Ctrl+Shift+H", "High-contrast theme on or off"),
    ("Ctrl+E", "Export the debrief as PDF"),
    ("Ctrl+Q", "Quit (a running session is kept to resume)"),
]


def library_folders() -> list[tuple[Path, bool]]:
    """The folders the library is scanned from: (folder, bundled)."""
    user_dir = paths.user_scenarios_dir()
    try:
        user_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        log.warning("cannot create the user scenario folder %s: %s", user_dir, exc)
    return [(paths.bundled_scenarios_dir(), True), (user_dir, False)]


class _LibraryScan(QRunnable):
    """Scans the library on a pool thread; the result reaches the GUI thread as a queued signal."""

    class Relay(QObject):
        done = Signal(int, object)      # generation, list of LibraryEntry (or an exception)

    def __init__(self, generation: int, folders: list[tuple[Path, bool]], index_file: Path):
        super().__init__()
        self.generation = generation
        self.folders = folders
        self.index_file = index_file
        self.relay = _LibraryScan.Relay()

    def run(self) -> None:
        try:
            from ..engine.library_index import scan_and_remember  # the loader is imported here, off the GUI thread
            result = scan_and_remember(self.folders, self.index_file)     # Qt-free; writes the index too
        except Exception as exc:  # noqa: BLE001 - handed to the GUI thread, which logs it
            result = exc
        try:
            self.relay.done.emit(self.generation, result)
        except RuntimeError:       # the application quit while the scan ran: nobody is waiting
            pass


class MainWindow(QMainWindow):
    library_loaded = Signal(list)      # the start screen's library has been (re)filled

    def __init__(self, settings: QSettings, store, *, show_error_windows: bool = True, real_time: bool = True,
                 now=time.monotonic, system_points: float | None = None, keys_after_paint: bool = False):
        super().__init__()
        # ``keys_after_paint`` (the real entry, app.run_app): the key filters (Enter on a button,
        # the forms of Ctrl++) are set up once the first frame is painted: no key press can come
        # before it, so their set-up does not stand between the user and that paint. (When the
        # filter was application-wide it cost tens of milliseconds there: every object that got
        # an event got its Python wrapper. It now sits on the focused widget, keyboard.AppKeys.)
        self.zoom_keys = None
        self._keys_pending = keys_after_paint
        self.missing_sessions: list[str] = []      # unfinished sessions the store lost since last time
        self.settings = settings
        self.store = store                 # None until attach_store (the real entry opens it after the first paint)
        self._store_opener = None
        self.show_error_windows = show_error_windows
        self.errors = ErrorReporter(show_error_windows)
        app = QApplication.instance()
        self.system_points = system_points or app.font().pointSizeF() or 10.0
        self.zoom = float(settings.value("view/zoom", 1.0))
        self.high_contrast = settings.value("view/high_contrast", False, type=bool)
        self.setWindowTitle(START_TITLE)
        place(self, PREFERRED_SIZE, "main", settings)   # within the screen; last size when it fits
        self.chosen_scenario = None
        self.trainee: TraineeInfo | None = None
        self.exercise_station = None       # a facilitated exercise's link (gui/exercise/station.py)

        self.apply_view()
        self.controller = SessionController(store, self, now=now, real_time=real_time)
        self.stack = QStackedWidget()
        self.start_screen = StartScreen()
        self._briefing = None
        self._best_paths = None
        self._incident = None
        self._debrief = None
        self._library_generation = 0
        self._library_scans: dict[int, _LibraryScan] = {}
        self.stack.addWidget(self.start_screen)
        self.setCentralWidget(self.stack)
        self._build_menus()

        self.start_screen.scenario_chosen.connect(self._on_scenario_chosen)
        self.start_screen.resume_requested.connect(self._on_resume_requested)
        self.start_screen.discard_requested.connect(self._on_discard_requested)
        self.start_screen.trainee_changed.connect(self._refresh_sessions)
        self.controller.session_ended.connect(self._on_session_ended)
        self.controller.paused_changed.connect(self._on_paused_changed)
        self.controller.store_failed.connect(lambda exc: self.errors.report(self, exc))

        if self.shared_pc():
            self._forget_saved_trainee()      # left by an older version or personal mode: not for the next person
        self.start_screen.set_trainee(self.remembered_trainee())
        self.show_start()
        self._say_missing_sessions()

    # -- the session store, opened just after the first paint by the real entry ----------------
    def open_store_after_first_paint(self, opener) -> None:
        """Open the store with ``opener`` once the start screen has been painted (app.run_app):
        importing the records package and opening the file take tens of milliseconds that a
        trainee would otherwise wait for before seeing anything. ``opener`` returns the store, or
        None when the user chose to quit at a store problem (the application then exits with 1)."""
        self._store_opener = opener
        # after the scenario list's first paint: the last part of the first frame to be drawn
        AfterFirstPaint(self.start_screen.library_list.viewport(), self.store_ready)

    def store_ready(self) -> bool:
        """True when the store is open. Anything that reads or writes it asks first: before the
        first paint's store has been opened (a moment after start), it is opened now."""
        if self.store is None and self._store_opener is not None:
            opener, self._store_opener = self._store_opener, None     # once, even if a dialog is up
            store = opener()
            if store is None:
                self.hide()
                QApplication.instance().exit(1)
                return False
            self.attach_store(store)
        return self.store is not None

    def attach_store(self, store) -> None:
        """Use ``store`` from now on: the remembered trainee's unfinished sessions are listed, and
        sessions the store has lost since last time are said."""
        self.store = store
        self.controller.store = store
        self._refresh_sessions()
        self._say_missing_sessions()

    def _say_missing_sessions(self) -> None:
        """Unfinished sessions the store held last time and holds no longer: the file was deleted,
        moved or replaced by an older copy since. Said once on the start screen (records/expected.py)."""
        if self.store is None:
            return                       # said when the store is attached
        try:
            missing = self.store.missing_sessions() if hasattr(self.store, "missing_sessions") else []
        except StoreError as exc:
            self.errors.report(self, exc)
            return
        if not missing:
            return
        count = len(missing)
        self.missing_sessions = missing
        self.start_screen.show_error(
            f"{count} unfinished session{'s' if count != 1 else ''} recorded on this computer "
            f"{'are' if count != 1 else 'is'} missing from the records file {self.store.path}. It may have been "
            "deleted, moved or replaced by an older copy since the app last ran. Ask your trainer to restore it "
            "from a backup; until then those sessions cannot be resumed.")
        log.warning("%s expected in the store %s missing", counted(count, "unfinished session"),
                        "is" if count == 1 else "are")
        self.store.acknowledge_missing()

    # -- screens, built on first use ----------------------------------------------------------
    @property
    def briefing_screen(self):
        if self._briefing is None:
            from .briefing_screen import BriefingScreen
            self._briefing = BriefingScreen()
            self._briefing.back_requested.connect(self.show_start)
            self._briefing.start_requested.connect(self.start_session)
            self.stack.addWidget(self._briefing)
        return self._briefing

    @property
    def incident_screen(self):
        if self._incident is None:
            from .incident_screen import IncidentScreen
            self._incident = IncidentScreen(self.controller)
            self._incident.pause_toggled.connect(self.toggle_pause)
            self.stack.addWidget(self._incident)
        return self._incident

    @property
    def debrief_screen(self):
        if self._debrief is None:
            from .debrief_screen import DebriefScreen
            self._debrief = DebriefScreen(open_exports=self.show_error_windows,
                                          high_contrast=lambda: self.high_contrast, best_paths=self.best_paths)
            self._debrief.new_session_requested.connect(self.show_start)
            self.stack.addWidget(self._debrief)
        return self._debrief

    @property
    def best_paths(self):
        """Works out each opened scenario's best path ahead, off the GUI thread, for the debrief."""
        if self._best_paths is None:
            from .best_path_service import BestPathService
            self._best_paths = BestPathService(self)
        return self._best_paths

    def _prepare_best_path(self) -> None:
        """The debrief's best path under the run conditions this session drew, worked out now."""
        runner = self.controller.runner
        if runner is not None:
            self.best_paths.prepare(self.controller.scenario, getattr(runner, "conditions", None))

    def _stop_debrief_worker(self) -> None:
        if self._debrief is not None:
            self._debrief.stop_worker()

    # -- menus and view -------------------------------------------------------------------
    def _action(self, menu, text: str, slot, shortcuts=(), checkable: bool = False) -> QAction:
        action = QAction(text, self)
        action.setShortcuts(key_sequences(shortcuts))
        action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.new_action = self._action(file_menu, "&Start screen", self.request_start_screen)
        # author mode hook: open a scenario file in Author mode (map, live preview, file watching)
        self._action(file_menu, "&Author mode\u2026", lambda: _open_author(self))
        self.export_action = self._action(file_menu, "&Export debrief as PDF\u2026",
                                          lambda: self.debrief_screen.export_pdf(), ["Ctrl+E"])
        # review window hook: the trainer review window on this app's store
        self._action(file_menu, "&Trainer review\u2026", lambda: _open_review(self))
        # facilitated exercise hooks (hydra_sim/gui/exercise): the facilitator console, joining as a station
        self._action(file_menu, "&Facilitate an exercise\u2026", lambda: _open_console(self))
        self._action(file_menu, "&Join a facilitated exercise\u2026", lambda: self.ask_join())
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, ["Ctrl+Q"])
        session_menu = bar.addMenu("&Session")
        self.pause_action = self._action(session_menu, "&Pause", self.toggle_pause, ["Ctrl+P"])
        self._action(session_menu, "Show incident &log", lambda: self._show_side(0), ["Ctrl+L"])
        self._action(session_menu, "Show &reference material", lambda: self._show_side(1), ["Ctrl+R"])
        view_menu = bar.addMenu("&View")
        self.zoom_in_action = self._action(view_menu, "Zoom &in", lambda: self.set_zoom(next_zoom(self.zoom, 1)),
                                           ZOOM_IN_KEYS)
        self.zoom_out_action = self._action(view_menu, "Zoom &out", lambda: self.set_zoom(next_zoom(self.zoom, -1)),
                                            ZOOM_OUT_KEYS)
        self._action(view_menu, "&Normal size", lambda: self.set_zoom(1.0), ["Ctrl+0"])
        if self._keys_pending:
            AfterFirstPaint(self, self.install_keys)
        else:
            self.install_keys()
        view_menu.addSeparator()
        self.contrast_action = self._action(view_menu, "&High contrast", self.set_high_contrast,
                                            ["Ctrl+Shift+H"], checkable=True)
        self.contrast_action.setChecked(self.high_contrast)
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts", self.show_shortcuts, ["F1"])
        self._update_actions()

    def install_keys(self) -> None:
        """The keyboard model: Enter on a focused button and the other forms of Ctrl++ and
        Ctrl+- (Ctrl+=, Ctrl+Shift+=, the keypad's), one filter that follows the focus (keyboard.py)."""
        if self.zoom_keys is not None:
            return
        self._keys_pending = False
        self.zoom_keys = ZoomKeys(self, self.zoom_in_action.trigger, self.zoom_out_action.trigger)

    def apply_view(self) -> None:
        apply_theme(QApplication.instance(), self.system_points, self.zoom, self.high_contrast,
                    keys=not self._keys_pending)

    def set_zoom(self, zoom: float) -> None:
        self.zoom = zoom
        self.settings.setValue("view/zoom", zoom)
        self.apply_view()

    @Slot(bool)
    def set_high_contrast(self, on: bool) -> None:
        self.high_contrast = bool(on)
        self.contrast_action.setChecked(self.high_contrast)
        self.settings.setValue("view/high_contrast", self.high_contrast)
        self.apply_view()

    def show_shortcuts(self) -> None:
        rows = "".join(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in SHORTCUTS)
        if self.show_error_windows:
            QMessageBox.information(self, "Keyboard shortcuts", f"<table cellpadding='4'>{rows}</table>")

    def _show_side(self, index: int) -> None:
        if self._incident is not None and self.stack.currentWidget() is self._incident:
            self.incident_screen.side.setCurrentIndex(index)
            self.incident_screen.side.currentWidget().setFocus()

    def _update_actions(self) -> None:
        current = self.stack.currentWidget()
        self.pause_action.setEnabled(self.controller.running and current is not None and current is self._incident)
        self.export_action.setEnabled(current is not None and current is self._debrief)

    # -- trainee and library -----------------------------------------------------------------
    def shared_pc(self) -> bool:
        """Shared-PC mode (the default; ``[privacy] shared_pc=false`` in settings.ini turns it off):
        the start screen never prefills the previous person's identity, and settings.ini keeps none."""
        return str(self.settings.value("privacy/shared_pc", "true")).strip().lower() not in ("false", "0", "no")

    def _forget_saved_trainee(self) -> None:
        if self.settings.contains("trainee/id") or self.settings.contains("trainee/name"):
            self.settings.remove("trainee")
            self.settings.sync()

    def remembered_trainee(self) -> TraineeInfo | None:
        """The trainee to prefill: on a shared PC only the one who played in this run of the app."""
        if self.shared_pc():
            return getattr(self, "_run_trainee", None)
        trainee_id = str(self.settings.value("trainee/id", "") or "")
        if not trainee_id:
            return None
        return TraineeInfo(trainee_id, str(self.settings.value("trainee/name", "") or ""),
                           str(self.settings.value("trainee/force", "") or ""),
                           str(self.settings.value("trainee/role", "") or ""))

    def remember_trainee(self, trainee: TraineeInfo) -> None:
        self._run_trainee = trainee
        if self.shared_pc():
            self._forget_saved_trainee()
            return
        self.settings.setValue("trainee/id", trainee.trainee_id)
        self.settings.setValue("trainee/name", trainee.display_name)
        self.settings.setValue("trainee/force", trainee.force)
        self.settings.setValue("trainee/role", trainee.role)
        self.settings.sync()

    def reload_library(self) -> list:
        """Scan the library now, on this thread, and fill the start screen (resuming needs the answer)."""
        self._library_generation += 1          # a scan still running is out of date
        from ..engine.library_index import scan_and_remember
        entries = scan_and_remember(library_folders(), paths.library_index_file())
        self._fill_library(entries)
        return entries

    def load_library_in_background(self) -> None:
        """Fill the list from the library index when it matches every file, else show "Loading
        scenarios…"; then scan the library on a pool thread, whose answer replaces the list
        (``library_loaded`` says when it has arrived)."""
        from ..engine.library_index import lookup
        self._library_generation += 1
        folders = library_folders()
        index_file = paths.library_index_file()
        scan = _LibraryScan(self._library_generation, folders, index_file)
        scan.setAutoDelete(False)
        scan.relay.done.connect(self._on_library_scanned, Qt.ConnectionType.QueuedConnection)
        self._library_scans[scan.generation] = scan       # kept alive until its answer arrives

        def start_scan() -> None:
            if scan.generation == self._library_generation:      # not replaced meanwhile
                QThreadPool.globalInstance().start(scan)
            else:
                self._library_scans.pop(scan.generation, None)

        indexed = lookup(folders, index_file)        # a read and a hash per file: no YAML, no engine
        if indexed is None:
            self.start_screen.set_library_loading()
            # started after the first paint: the scan imports the loader and holds the GIL for
            # its Python work, which would otherwise delay showing the start screen
            QTimer.singleShot(0, self, start_scan)
            return
        self._fill_library(indexed, confirmed=False)
        # the confirming scan waits until the filled list is on screen (or a moment, if never shown)
        AfterFirstPaint(self.start_screen.library_list.viewport(), start_scan)

    @property
    def library_loading(self) -> bool:
        return self.start_screen.library_loading

    @Slot(int, object)
    def _on_library_scanned(self, generation: int, result) -> None:
        self._library_scans.pop(generation, None)
        if generation != self._library_generation:
            return                                   # a newer scan (or a direct reload) replaced it
        if isinstance(result, BaseException):
            log.error("scanning the scenario library failed: %s", result)
            result = []
        self._fill_library(result)

    def _fill_library(self, entries: list, confirmed: bool = True) -> None:
        """Show ``entries``; ``confirmed`` when they come from a scan (``library_loaded`` is
        emitted then), not from the index."""
        start = self.start_screen
        waiting = start.library_loading and self.stack.currentWidget() is start and \
            QApplication.focusWidget() in (None, start.library_list)
        start.set_library(entries)
        if waiting and start.trainee() is not None and start.start_button.isEnabled():
            start.start_button.setFocus(Qt.FocusReason.OtherFocusReason)
        if confirmed:
            self.library_loaded.emit(list(entries))

    @Slot(object)
    def _refresh_sessions(self, trainee: TraineeInfo | None = None) -> None:
        trainee = trainee or self.start_screen.trainee()
        sessions = []
        if trainee is not None and self.store is not None:      # listed again when the store is attached
            self.controller.flush()          # a session just left or finished is listed as it is now
            try:
                sessions = [summarise(info) for info in self.store.unfinished_sessions(trainee.trainee_id)]
            except StoreError as exc:
                self.errors.report(self, exc)
        self.start_screen.set_sessions(sessions)

    # -- navigation ---------------------------------------------------------------------------------
    def _switch(self, screen) -> None:
        self.stack.setCurrentWidget(screen)
        self._update_actions()

    @Slot()
    def show_start(self) -> None:
        self._leave_exercise()
        self._stop_debrief_worker()
        if self.start_screen.trainee() is None:
            self.start_screen.set_trainee(self.remembered_trainee())
        self.load_library_in_background()
        self._refresh_sessions()
        self._switch(self.start_screen)
        # the scenario's name was the title while it was played; the start screen is no scenario's
        self.setWindowTitle(START_TITLE)
        # while the library loads, a known trainee waits on the list (Read the briefing is
        # not enabled yet); the focus moves on to that button when the scenarios arrive (at
        # once when the library index listed them)
        start = self.start_screen
        if start.trainee() is None:
            start.trainee_id.setFocus()
        elif start.library_loading or not start.start_button.isEnabled():
            start.library_list.setFocus()
        else:
            start.start_button.setFocus()

    @Slot()
    def request_start_screen(self) -> None:
        if self.controller.running:
            if not ConfirmQuitDialog.ask(self):
                return
            self.controller.suspend()
        self.show_start()

    @Slot(object, object)
    def _on_scenario_chosen(self, entry, trainee: TraineeInfo) -> None:
        scenario = entry.scenario if entry.scenario is not None else self._load_indexed(entry)
        if scenario is not None:
            self.show_briefing(scenario, trainee)

    def _load_indexed(self, entry):
        """The scenario of an entry the index listed (chosen before the confirming scan arrived):
        loaded now. If the file no longer loads cleanly, the library is scanned at once so the
        list shows its problems, and the screen says so."""
        from ..engine import load_scenario
        try:
            result = load_scenario(entry.path)
            if result.ok:
                return result.scenario
        except Exception:  # noqa: BLE001 - the scan below lists what is wrong with the file
            log.exception("loading %s failed", entry.path)
        self.reload_library()
        self.start_screen.show_error(f"{entry.path.name} has changed since the list was made and cannot be used "
                                     "now: its problems are listed with it.")
        return None

    def show_briefing(self, scenario, trainee: TraineeInfo) -> None:
        self.chosen_scenario = scenario
        self.trainee = trainee
        self.remember_trainee(trainee)
        self.briefing_screen.show_scenario(scenario, trainee)
        self.best_paths.prepare(scenario)        # ready long before the debrief needs it
        self._switch(self.briefing_screen)
        self.briefing_screen.start_button.setFocus()

    def open_scenario_file(self, path: str | Path) -> bool:
        """--scenario FILE: straight to its briefing, with the remembered (or a default) trainee."""
        from ..engine import ScenarioError, load_scenario
        result = load_scenario(path)
        if not result.ok:
            self.errors.report(self, ScenarioError(result.errors if hasattr(result, "errors") else
                                                   [p for p in result.problems if p.severity == "error"]))
            return False
        self.show_briefing(result.scenario, self.remembered_trainee() or DEFAULT_TRAINEE)
        return True

    @Slot()
    def start_session(self) -> None:
        if not self.store_ready():
            return
        incident = self.incident_screen    # built (and listening to the controller) before the session starts
        try:
            self.controller.start(self.chosen_scenario, self.trainee)
        except StoreError as exc:
            self.errors.report(self, exc)
            return
        self._title_for(self.chosen_scenario)
        self._prepare_best_path()
        if self.controller.running:
            self._switch(incident)
            incident.show_scene()
            incident.focus_first()

    def _title_for(self, scenario) -> None:
        """The window (and task bar) names the scenario being played."""
        self.setWindowTitle(f"{scenario.title} \u2013 hydra_sim")

    def _find_scenario(self, summary):
        entries = self.reload_library()
        for entry in entries:
            if entry.ok and summary.scenario_path and Path(summary.scenario_path) == entry.path:
                return entry.scenario
        for entry in entries:
            if entry.ok and entry.scenario.id == summary.scenario_id:
                return entry.scenario
        if summary.scenario_path and Path(summary.scenario_path).is_file():
            from ..engine import load_scenario
            result = load_scenario(summary.scenario_path)
            if result.ok:
                return result.scenario
        return None

    @Slot(object, object)
    def _on_resume_requested(self, summary, trainee: TraineeInfo) -> None:
        from ..engine import ReplayError
        if not self.store_ready():
            return
        scenario = self._find_scenario(summary)
        if scenario is None:
            name = summary.scenario_title or summary.scenario_id
            self.start_screen.show_error(f"The scenario for this session ({name}) is no longer in the library.")
            return
        self.trainee = trainee
        self.chosen_scenario = scenario
        incident = self.incident_screen    # built (and listening to the controller) before the session is restored
        try:
            self.controller.resume(summary.session_id, scenario, trainee)
        except ReplayError as exc:
            text = describe(exc)
            log.warning("resume failed: %s", exc)
            if ReplayFailedDialog.ask(self, text.message):
                self._discard(summary)
                self.show_briefing(scenario, trainee)
            else:
                self.start_screen.show_error(text.message)
            return
        except StoreError as exc:
            self.start_screen.show_error(self.errors.report(self, exc).message)
            return
        self._title_for(scenario)       # as on a fresh start (a resumed session kept the app's title)
        self._prepare_best_path()
        if self.controller.running:
            self._switch(incident)
            incident.show_scene()
            incident.focus_first()

    def _discard(self, summary) -> None:
        if not self.store_ready():
            return
        try:
            self.controller.require_saved()      # its queued writes go in first, never after
            self.store.abandon_session(summary.session_id)
        except StoreError as exc:
            self.errors.report(self, exc)

    @Slot(object)
    def _on_discard_requested(self, summary) -> None:
        self._discard(summary)
        self._refresh_sessions()

    @Slot(object)
    def _on_session_ended(self, report) -> None:
        session = None
        if self.controller.session_id:
            try:                # its times go on the PDF; a store that cannot be read now only loses that line
                session = self.store.session(self.controller.session_id)
                if not session.ended_at:    # its end is still queued for the writer: it ended just now
                    session = dataclasses.replace(session, ended_at=datetime.now(UTC).isoformat(timespec="seconds"))
            except StoreError as exc:
                log.warning("could not read the session's record for the debrief: %s", exc)
        self.debrief_screen.show_report(self.controller.scenario, report, self.controller.runner, self.trainee,
                                        session)
        self._switch(self.debrief_screen)

    # -- pause and quit ---------------------------------------------------------------------------
    @Slot()
    def toggle_pause(self) -> None:
        if self.controller.paused:
            self.controller.resume_clock()
        else:
            self.controller.pause()

    @Slot(bool)
    def _on_paused_changed(self, paused: bool) -> None:
        self.pause_action.setText("&Resume" if paused else "&Pause")

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.controller.running:
            if not ConfirmQuitDialog.ask(self):
                event.ignore()
                return
            self.controller.suspend()
        if not self.controller.flush() and not UnsavedWorkDialog.ask(self, self.controller.unsaved):
            self.controller.carry_on()       # staying: the clock that suspend() stopped runs again
            event.ignore()
            return
        self._leave_exercise(wait=2.0)
        self.controller.writer.stop(0)
        self._stop_debrief_worker()
        if self._best_paths is not None:
            self._best_paths.shutdown()
        self.settings.sync()
        super().closeEvent(event)


    # -- facilitated exercises (hydra_sim/gui/exercise/station.py does the work) ---------------------
    def ask_join(self, initial=None):
        """File > Join a facilitated exercise...: this app becomes a syndicate's station."""
        if self.controller.running:
            if not ConfirmQuitDialog.ask(self):
                return None
            self.controller.suspend()
        from .exercise.station import ask_join
        return ask_join(self, initial)

    def join_exercise(self, request, **kwargs):
        from .exercise.station import join
        return join(self, request, **kwargs)

    def _leave_exercise(self, wait: float = 5.0) -> None:
        if self.exercise_station is not None:
            from .exercise.station import leave
            leave(self, wait)


def _open_console(window) -> None:
    """The facilitator console, imported when asked for (it loads the network library)."""
    from .exercise.console import ExerciseConsole
    console = ExerciseConsole(high_contrast=window.high_contrast, settings=window.settings)
    window._exercise_console = console      # keep a reference: the window is top-level
    console.show()


def _open_author(parent) -> None:
    """Author mode is imported when asked for, so the trainee app starts without it."""
    from .author import ask_and_open
    ask_and_open(parent)


def _open_review(window) -> None:  # review window hook
    """Trainer review is for trainers: the trainer passphrase first (or setting up the first account)."""
    from .review.window import open_review_window
    from .trainer_login import TrainerLoginDialog
    if not window.store_ready():
        return
    trainer = TrainerLoginDialog.ask(window)
    if trainer is None:
        return
    review = open_review_window(window.store, points=getattr(window, "points", 11.0), trainer=trainer,
                                settings=window.settings)
    window._review_window = review      # keep a reference: the window is top-level
    review.show()

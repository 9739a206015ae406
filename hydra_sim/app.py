"""Composition root of the GUI: logging, the Qt message handler, QApplication, settings, the
main window, the log file and the session store (both opened just after the window's first paint).
``run_app(args)`` is what ``hydra-sim`` (no subcommand) calls; it returns the process exit code.

``args.home`` has already been applied through ``paths.set_home``; everything written
(settings.ini, sessions, logs, exports) goes under ``paths.home_dir()``.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

from . import paths
from .logs import hold_file_records, open_held_file

log = logging.getLogger("hydra_sim")


def _install_qt_message_handler() -> None:
    from .gui.application import install_qt_message_handler
    install_qt_message_handler()


def settings_for_home():
    """QSettings at <home>/settings.ini (kept in gui/application.py, which the console shares)."""
    from .gui.application import settings_for_home as settings
    return settings()


def build_main_window(*, show_error_windows: bool = True, real_time: bool = True, now=time.monotonic,
                      system_points: float | None = None, keys_after_paint: bool = False, with_store: bool = True):
    """The main window with its settings and store; tests and the crash test use this too.
    ``keys_after_paint``: the key filters wait for the first frame (the real entry).
    ``with_store=False`` (the real entry): the store is attached later (MainWindow.attach_store)."""
    from .gui.main_window import MainWindow
    store = None
    if with_store:
        from .gui.persistence import open_store
        store = open_store()
    return MainWindow(settings_for_home(), store, show_error_windows=show_error_windows, real_time=real_time,
                      now=now, system_points=system_points, keys_after_paint=keys_after_paint)


def open_store_despite_problems(show_windows: bool, parent=None):
    """The session store; while it cannot be opened, say why and let the user try again, or keep
    the old file (renamed, every byte) and start a new store. None when they quit (or, without
    dialogs, at once: the message is in the log)."""
    from .gui import persistence
    from .gui.dialogs import HomeNotWritableDialog, StoreProblemDialog
    from .gui.errors import ErrorReporter
    from .gui.persistence import StoreError, move_store_aside

    while True:
        try:
            return persistence.open_store()
        except StoreError as exc:
            if not show_windows:
                ErrorReporter(False).report(parent, exc)
                return None
            if getattr(exc, "kind", "") == StoreError.NOT_WRITABLE:      # said for the training room
                folder = getattr(exc, "folder", None) or paths.home_dir()
                if HomeNotWritableDialog.ask(parent, folder, exc.message) == HomeNotWritableDialog.QUIT:
                    return None
                continue
            unreadable = getattr(exc, "kind", "") == "unreadable"
            choice = StoreProblemDialog.ask(parent, exc.message if hasattr(exc, "message") else str(exc),
                                            can_start_fresh=unreadable)
            if choice == StoreProblemDialog.QUIT:
                return None
            if choice == StoreProblemDialog.FRESH and unreadable:
                try:
                    kept = move_store_aside()
                    log.warning("unreadable store kept as %s; starting a new one", kept)
                except OSError as move_error:
                    ErrorReporter(True).report(parent, StoreError(
                        f"Could not rename the old store to make room for a new one ({move_error.strerror}). "
                        "Check that the data folder is writable, or start with --home pointing elsewhere."))


def run_app(args) -> int:
    home = paths.home_dir()
    hold_file_records()         # the log file opens just after the first paint (logs.py says why)
    try:
        return _run_window(args, home)
    finally:
        open_held_file(home / "logs")       # if the first paint never came (an error before it), now


def _run_window(args, home: Path) -> int:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("hydra_sim")
    app.setApplicationDisplayName("hydra_sim")
    _install_qt_message_handler()
    show_windows = not getattr(args, "no_err_windows", False)
    # The start screen is painted first and the log file and the store opened just after:
    # importing the records package (and the log's rotating handler) and opening the files would
    # otherwise be waited for before anything is on screen. A problem with the store is then
    # said over the start screen; quitting there exits with 1.
    window = build_main_window(show_error_windows=show_windows, keys_after_paint=True, with_store=False)

    def open_files():
        open_held_file(home / "logs")       # first, so a problem with the store is in the file too
        return open_store_despite_problems(show_windows, window)

    window.open_store_after_first_paint(open_files)
    scenario = getattr(args, "scenario", None)
    if scenario and not window.open_scenario_file(scenario):
        log.error("could not open %s", scenario)
    window.show()
    from .gui import startup_probe      # the start-up benchmark's hook (off unless its variable is set)
    if startup_probe.wanted():
        startup_probe.install(window)
    log.info("hydra_sim started; data in %s", home)
    return int(app.exec())

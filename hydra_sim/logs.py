"""Logging set-up, configured once by the entry points (cli, app): what goes to the terminal
and what goes to the log file under the home folder. Must not import Qt or the engine.

The terminal shows warnings and errors only. The log file keeps INFO and above, rotated at
1 MB with three old files, so a long classroom day never fills a disk. Libraries that log
every step (``transitions`` logs each state change at INFO: one debrief's best-path search
wrote about 23,000 lines) are held at WARNING everywhere.

The app opens its log file just after its first paint (``hold_file_records`` keeps what is logged
before then, and ``configure_file`` writes it first): the rotating handler needs
``logging.handlers``, whose imports (socket, pickle, queue) took about 9 ms of the start-up.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

LOG_FILE_BYTES = 1_048_576
LOG_FILE_BACKUPS = 3
QUIET_LIBRARIES = ("transitions",)
_FORMAT_TERMINAL = "%(levelname)s %(name)s: %(message)s"
_FORMAT_FILE = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _TerminalHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (tests and embedders swap it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def _let_through(root: logging.Logger, level: int) -> None:
    """Lower the root logger's level to ``level`` if it would hold such records back."""
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)


def configure_terminal() -> None:
    """Warnings and errors to stderr; chatty libraries quietened. Safe to call more than once."""
    root = logging.getLogger()
    if not any(isinstance(h, _TerminalHandler) for h in root.handlers):
        handler = _TerminalHandler()
        handler.setLevel(logging.WARNING)
        handler.setFormatter(logging.Formatter(_FORMAT_TERMINAL))
        root.addHandler(handler)
    _let_through(root, logging.WARNING)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)


class _HeldRecords(logging.Handler):
    """INFO and above, kept until ``configure_file`` opens the log file and writes them there
    (a few lines: the app holds them for the moment before its first paint). Not
    ``logging.handlers.MemoryHandler``: that module is the one whose import this avoids."""

    MOST = 10_000       # a cap, in case the file is never opened

    def __init__(self):
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.records) < self.MOST:
            self.records.append(record)


def hold_file_records() -> None:
    """Keep INFO and above for the log file that ``configure_file`` will open."""
    root = logging.getLogger()
    if not any(isinstance(h, _HeldRecords) for h in root.handlers):
        root.addHandler(_HeldRecords())
    _let_through(root, logging.INFO)


def open_held_file(logs_dir: Path) -> None:
    """``configure_file(logs_dir)`` if records are being held for it (so once after
    ``hold_file_records``, however often this is called)."""
    if any(isinstance(h, _HeldRecords) for h in logging.getLogger().handlers):
        configure_file(logs_dir)


def _release_held_records(root: logging.Logger) -> list[logging.LogRecord]:
    records: list[logging.LogRecord] = []
    for held in [h for h in root.handlers if isinstance(h, _HeldRecords)]:
        root.removeHandler(held)
        records += held.records
    return records


def configure_file(logs_dir: Path) -> Path | None:
    """INFO and above to ``logs_dir/hydra-sim.log``, rotated, starting with what
    ``hold_file_records`` kept; returns the path, or None if unwritable."""
    import logging.handlers
    path = logs_dir / "hydra-sim.log"
    root = logging.getLogger()
    held = _release_held_records(root)
    try:
        logs_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=LOG_FILE_BYTES,
                                                       backupCount=LOG_FILE_BACKUPS, encoding="utf-8")
    except OSError as exc:
        logging.getLogger("hydra_sim").warning("cannot write the log file in %s: %s", logs_dir, exc)
        return None
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter(_FORMAT_FILE))
    for record in held:
        handler.handle(record)
    root.addHandler(handler)
    _let_through(root, logging.INFO)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    return path

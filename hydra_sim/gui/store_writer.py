"""Writes a session's records on a worker thread, in order, and says when each one is durable.

The GUI thread hands over what one runner call produced and goes on drawing the next scene;
the worker calls the store (one durable transaction per job, fsync included) and reports back
through Qt signals, which Qt queues to the GUI thread. A decision counts as recorded only when
``written`` has said so, so nothing is shown as recorded before it is on disk.

A job that fails (disk full, store locked, folder read-only) stays at the head of the queue
with everything behind it until ``retry()`` succeeds: a passing fault loses nothing and never
reorders the log. Must not import screens, widgets or the engine.
"""

from __future__ import annotations

import collections
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from .persistence import StoreError

log = logging.getLogger(__name__)


IDLE_SECONDS = 30.0      # the worker ends after this long with nothing to do (submit starts another)


class WriterSignals(QObject):
    """What the worker reports. Parentless and held by the writer (and so by a running worker),
    so it outlives any screen: the worker never emits on a deleted object, and Qt drops queued
    signals to receivers that are gone."""
    written = Signal(int)          # the job with this number (and every one before it) is done
    failed = Signal(object)        # StoreError (or another exception): the queue waits for retry()
    recovered = Signal()           # a retry went through after a failure
    dropped = Signal(int, object)  # job number, error: a write that can never succeed (session closed or gone)


class StoreWriter:
    def __init__(self) -> None:
        self.signals = WriterSignals()
        self.written, self.failed, self.recovered, self.dropped = \
            self.signals.written, self.signals.failed, self.signals.recovered, self.signals.dropped
        self._jobs: collections.deque[tuple[int, Callable[..., Any], tuple, dict]] = collections.deque()
        self._cond = threading.Condition()
        self._submitted = 0
        self._durable = 0
        self._failing = False
        self._retry = False
        self._stopping = False
        self._thread: threading.Thread | None = None

    # -- GUI thread ----------------------------------------------------------------------------
    def submit(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> int:
        """Queue one store call; returns its job number (``written`` says when it is durable)."""
        with self._cond:
            self._submitted += 1
            self._jobs.append((self._submitted, method, args, kwargs))
            self._retry = True           # a new job is a good moment to try a failed one again
            self._cond.notify_all()
            number = self._submitted
        self._ensure_thread()
        return number

    def retry(self) -> None:
        """Try the failed job again (the controller calls this on a timer while failing)."""
        with self._cond:
            self._retry = True
            self._cond.notify_all()
        self._ensure_thread()

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every queued job is durable; False if one is failing or time ran out."""
        with self._cond:
            if self._failing:
                self._retry = True
                self._cond.notify_all()
            self._cond.wait_for(lambda: not self._jobs or (self._failing and not self._retry), timeout)
            return not self._jobs

    @property
    def pending(self) -> int:
        """Jobs not yet durable."""
        with self._cond:
            return len(self._jobs)

    @property
    def failing(self) -> bool:
        with self._cond:
            return self._failing

    @property
    def durable(self) -> int:
        """The number of the last job known to be on disk."""
        with self._cond:
            return self._durable

    def stop(self, timeout: float = 5.0) -> bool:
        """Finish what can be written, then let the worker end; False if jobs were left unwritten.

        A worker still busy when ``timeout`` runs out stays the worker (it ends once the queue
        is empty), so a later ``submit`` never starts a second one beside it."""
        done = self.flush(timeout)
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return done

    def _ensure_thread(self) -> None:
        with self._cond:
            if self._thread is None or not self._thread.is_alive():
                self._stopping = False
                self._thread = threading.Thread(target=self._work, name="hydra-sim store writer", daemon=True)
                self._thread.start()

    # -- worker thread ----------------------------------------------------------------------------
    def _work(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._stopping or (self._jobs and (not self._failing or self._retry)),
                                    IDLE_SECONDS)
                if self._thread is not threading.current_thread():
                    return            # replaced (never two workers on one queue)
                if not self._jobs or (self._failing and not self._retry):
                    if self._stopping or not self._jobs:
                        self._thread = None
                        return        # stopping or idle, and nothing that can be written now
                    continue
                self._retry = False
                number, method, args, kwargs = self._jobs[0]
                was_failing = self._failing
            try:
                method(*args, **kwargs)
            except Exception as exc:          # noqa: BLE001 - a failure keeps the job queued ...
                if not isinstance(exc, StoreError):
                    log.error("store writer: unexpected failure", exc_info=exc)
                if _can_never_succeed(exc):   # ... unless retrying can never help: drop it, go on
                    log.error("store writer: a write that cannot succeed was dropped: %s", exc)
                    self._done(number, was_failing, written=False)
                    self.dropped.emit(number, exc)
                    continue
                with self._cond:
                    self._failing = True
                    self._cond.notify_all()
                self.failed.emit(exc)
                continue
            self._done(number, was_failing)

    def _done(self, number: int, was_failing: bool, written: bool = True) -> None:
        with self._cond:
            if self._jobs and self._jobs[0][0] == number:
                self._jobs.popleft()
            self._durable = max(self._durable, number)
            self._failing = False
            self._cond.notify_all()
        if was_failing:
            self.recovered.emit()
        if written:
            self.written.emit(number)


def _can_never_succeed(exc: Exception) -> bool:
    """The session cannot take the write (finished, abandoned, gone), or the call itself is wrong:
    retrying would block every later write for nothing. Full, locked or read-only: retry."""
    if isinstance(exc, StoreError):
        return getattr(exc, "kind", "") == "session"
    return isinstance(exc, (TypeError, ValueError))

"""Hostile files for the security tests: a FIFO that tells whether anyone opened it.

Opening a FIFO for reading waits for a writer (for ever, if none comes), so "the app never
opens it" is tested without risking a hang: a thread holds the write end open-pending; if the
code under test opens the FIFO, that thread gets through and records it. At the end the watcher
opens the read end itself (without blocking) to let the thread finish.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest


class FifoWatch:
    def __init__(self, path: Path):
        if not hasattr(os, "mkfifo"):
            pytest.skip("named pipes are not available here")
        self.path = path
        os.mkfifo(path)
        self.opened = threading.Event()
        self._thread = threading.Thread(target=self._wait_for_reader, daemon=True)
        self._thread.start()

    def _wait_for_reader(self) -> None:
        fd = os.open(self.path, os.O_WRONLY)    # returns only once someone opens it for reading
        self.opened.set()
        os.close(fd)

    def close(self) -> bool:
        """Release the waiting thread; True when the code under test had opened the FIFO."""
        was_opened = self.opened.is_set()
        if not was_opened:
            fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
            self._thread.join()
            os.close(fd)
        self._thread.join()
        return was_opened


def long_name(suffix: str) -> str:
    """A file name longer than any file system allows (ENAMETOOLONG)."""
    return "n" * 300 + suffix

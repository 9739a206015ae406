"""Hostile files for the security tests: a FIFO that tells whether anyone opened it, a name
too long for the file system, and SVG drawings.

Opening a FIFO for reading waits for a writer (for ever, if none comes), so "the app never
opens it" is tested without risking a hang: a thread holds the write end open-pending; if the
code under test opens the FIFO, that thread gets through, records it and waits again. At the end
the watcher opens the read end itself (without blocking) to let the thread finish.
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
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._wait_for_readers, daemon=True)
        self._thread.start()

    def _wait_for_readers(self) -> None:
        # Again and again: a reader that opens the FIFO twice (Qt's image reader does) must
        # get an end of file each time, never wait for ever.
        while True:
            fd = os.open(self.path, os.O_WRONLY)    # returns only once someone opens it for reading
            if self._stop.is_set():
                os.close(fd)
                return
            self.opened.set()
            os.close(fd)

    def close(self) -> bool:
        """Release the waiting thread; True when the code under test had opened the FIFO."""
        was_opened = self.opened.is_set()
        self._stop.set()
        fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
        self._thread.join()
        os.close(fd)
        return was_opened


def long_name(suffix: str) -> str:
    """A file name longer than any file system allows (ENAMETOOLONG)."""
    return "n" * 300 + suffix


SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="100">{}</svg>'


def nested_use_bomb(levels: int, fan_out: int = 10) -> str:
    """About 2 KB that would draw fan_out ** levels rectangles."""
    body = '<defs><rect id="a0" width="1" height="1"/>'
    for level in range(1, levels + 1):
        body += f'<g id="a{level}">' + f'<use xlink:href="#a{level - 1}"/>' * fan_out + "</g>"
    return SVG.format(body + f'</defs><use xlink:href="#a{levels}"/>')

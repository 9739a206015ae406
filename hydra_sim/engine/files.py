"""Small file helpers shared by the loaders: how a path is shown, a cache by mtime, and a
bounded read of a regular file.

Scenario folders are untrusted: a ``.yaml`` may be a FIFO (opening it would wait for a writer
for ever) or a link to ``/dev/zero`` (reading it never ends). ``read_regular_file`` checks the
type before opening, opens without blocking, and never reads more than its limit.
Must not import Qt or any GUI code.
"""

from __future__ import annotations

import os
import stat as stat_module
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")


class UnreadableFile(OSError):
    """A file that is not a regular file, or larger than the caller's limit; ``reason`` says which."""

    def __init__(self, reason: str, size: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.strerror = reason
        self.size = size


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Raises ``UnreadableFile`` for a FIFO, device, socket or folder (checked before opening, so
    a FIFO is never opened) or a file over the limit, and ``OSError`` as usual for a missing
    file, a name too long or no permission. The type is checked again on the open descriptor
    (the path may have been swapped in between) and at most ``limit + 1`` bytes are read.
    """
    if not stat_module.S_ISREG(os.stat(path).st_mode):
        raise UnreadableFile("not a regular file (a folder, device, pipe or socket)")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat_module.S_ISREG(info.st_mode):
            raise UnreadableFile("not a regular file (a folder, device, pipe or socket)")
        if info.st_size > limit:
            raise UnreadableFile("too large", info.st_size)
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:              # it grew while being read
            raise UnreadableFile("too large", total)
        return b"".join(chunks)
    finally:
        os.close(fd)


def display_name(path: Path) -> str:
    """The path as authors see it in messages: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class FileCache(Generic[T]):
    """Results read from files, re-read only when a file's modification time or size changes."""

    def __init__(self, read: Callable[[Path], T]):
        self._read = read
        self._entries: dict[tuple[str, int, int], T] = {}

    def get(self, path: Path) -> T:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
        if key not in self._entries:
            self._entries[key] = self._read(path)
        return self._entries[key]

"""Small file helpers shared by the loaders: how a path is shown, and a cache by mtime.

Must not import Qt or any GUI code.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")


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

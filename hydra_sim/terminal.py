"""Text for the terminal: control characters in scenario text, ids, file names and records are
shown as visible escapes, never sent raw.

A scenario (or a bundle, or a file name) is untrusted; printed raw, ``ESC [ 2 J`` clears the
screen, ``ESC ] 0 ; ... BEL`` retitles the window, a carriage return or a line break forges an
earlier or an extra line of lint output, and a bidi override (U+202E) shows text backwards.
``escape_controls`` turns each such character into ``\\uXXXX``, which is also how JSON writes
it, so JSON printed through ``TerminalText`` still parses to the same values. ``TerminalText``
wraps a text stream so that every command's output passes through it (``cli.main`` installs
it on stdout and stderr). Must not import Qt or the engine.
"""

from __future__ import annotations

import re

# C0 controls but tab and line feed, DEL, C1 controls, line/paragraph separators, bidi controls
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAK = re.compile("[\n\r]")


def _escape(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04x}"


def escape_controls(text: str) -> str:
    """``text`` with every control character but tab and line feed written as ``\\uXXXX``."""
    return _CONTROL.sub(_escape, text)


def one_line(text: str) -> str:
    """``text`` safe as one line of output: line breaks are escaped too."""
    return _LINE_BREAK.sub(_escape, escape_controls(text))


class TerminalText:
    """A text stream that escapes control characters in everything written to it."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(escape_controls(text))
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str):        # flush, isatty, encoding, fileno, ...
        return getattr(self.stream, name)

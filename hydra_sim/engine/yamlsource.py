"""Read untrusted YAML into a tree of located nodes, safely and fast.

We build our own node tree from libyaml's event stream instead of calling ``yaml.load``:
nothing is ever constructed from a tag (so ``!!python/object`` cannot run code), every
node keeps its line and column, duplicate keys are reported instead of silently replacing
the earlier value, and size, nesting depth and alias expansion are bounded while reading
(PyYAML's own C composer recurses and crashes the interpreter on very deep nesting).
Must not import Qt or any GUI code.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from yaml import events as ev

from .files import UnreadableFile, read_regular_file
from .problems import ERROR, Location, Problem

MAX_FILE_BYTES = 16 * 1024 * 1024    # room for the 10,000 scenes and endings schema.MAX_SCENES allows (about 13 MB)
MAX_DEPTH = 64
MAX_ALIAS_EXPANSION = 100_000

_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ALLOWED_TAGS = {None, "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


class YNode:
    __slots__ = ("line", "column", "size")

    def loc(self, file: str) -> Location:
        return Location(file, self.line + 1, self.column + 1)


class YScalar(YNode):
    """A scalar as written: ``value`` is the raw text, ``plain`` is True when unquoted."""

    __slots__ = ("value", "plain")

    def __init__(self, value: str, plain: bool, line: int, column: int):
        self.value = value
        self.plain = plain
        self.line = line
        self.column = column
        self.size = 1

    def __repr__(self) -> str:
        return f"YScalar({self.value!r})"


class YMap(YNode):
    """A mapping; ``items`` maps each key text to its value node, ``keys`` to the key node."""

    __slots__ = ("items", "keys")

    def __init__(self, line: int, column: int):
        self.items: dict[str, YNode] = {}
        self.keys: dict[str, YScalar] = {}
        self.line = line
        self.column = column
        self.size = 1


class YList(YNode):
    __slots__ = ("items",)

    def __init__(self, line: int, column: int):
        self.items: list[YNode] = []
        self.line = line
        self.column = column
        self.size = 1


# YAML 1.1 plain scalars that other tools read as something other than text.
_IMPLICIT_NON_TEXT = re.compile(
    r"""^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF
    |~|null|Null|NULL
    |[-+]?(?:0|[1-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?
    |[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?
    |[-+]?0x[0-9a-fA-F_]+|[-+]?0[0-7_]+|[-+]?0b[01_]+
    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?
    |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$""",
    re.X,
)


def implicitly_not_text(scalar: YScalar) -> bool:
    """True when a plain scalar would be read by ordinary YAML tools as a non-string."""
    return scalar.plain and bool(_IMPLICIT_NON_TEXT.match(scalar.value))


def is_null(node: YNode | None) -> bool:
    return node is None or (isinstance(node, YScalar) and node.plain
                            and node.value in ("", "~", "null", "Null", "NULL"))


class _TooLarge(Exception):
    pass


def read_yaml_file(path: Path, display_name: str | None = None) -> tuple[YNode | None, list[Problem]]:
    """Read one file; returns (root node or None, problems). Never raises for bad input."""
    name = display_name or str(path)
    try:
        data = read_regular_file(path, MAX_FILE_BYTES)
    except UnreadableFile as exc:
        if exc.size is not None:
            return None, [Problem("Y010", ERROR,
                                  f"file is {exc.size / 1_048_576:.1f} MB; the limit is "
                                  f"{MAX_FILE_BYTES // 1_048_576} MB", Location(name, 1, 1),
                                  "split the scenario or move long documents into media files")]
        return None, [Problem("Y011", ERROR, f"cannot read the file: it is {exc.reason}",
                              Location(name, 0, 0), "keep only ordinary text files in a scenario folder")]
    except OSError as exc:
        return None, [Problem("Y011", ERROR, f"cannot read the file: {exc.strerror or exc}",
                              Location(name, 0, 0), "check the path and its permissions")]
    return read_yaml_bytes(data, name)


def read_yaml_bytes(data: bytes, name: str) -> tuple[YNode | None, list[Problem]]:
    if len(data) > MAX_FILE_BYTES:
        return None, [Problem("Y010", ERROR, f"file is larger than {MAX_FILE_BYTES // 1_048_576} MB",
                              Location(name, 1, 1), "split the file")]
    if b"\x00" in data:
        offset = data.index(b"\x00")
        line, col = _offset_to_line_col(data, offset)
        return None, [Problem("Y012", ERROR, "this is not a text file (it contains a NUL byte)",
                              Location(name, line, col), "save the scenario as UTF-8 text")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _offset_to_line_col(data, exc.start)
        return None, [Problem("Y012", ERROR, "the file is not valid UTF-8 text",
                              Location(name, line, col), "save the scenario as UTF-8 text")]
    return read_yaml_text(text, name)


def _offset_to_line_col(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    col = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, col


def read_yaml_text(text: str, name: str) -> tuple[YNode | None, list[Problem]]:
    if not text.strip() or all(ln.strip().startswith("#") or not ln.strip() for ln in text.splitlines()):
        return None, [Problem("Y001", ERROR, "the file is empty", Location(name, 1, 1),
                              "a scenario starts with 'format: 1'")]
    problems: list[Problem] = []
    try:
        root = _compose(text, name, problems)
    except _TooLarge:
        return None, problems
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name, 0, 0)
        message = (exc.problem or str(exc)).strip()
        if "nesting depth" in message:
            return None, problems + [_deep_nesting_problem(text, name, mark, loc)]
        if exc.context:
            message = f"{exc.context.strip()}: {message}"
        at_tab = bool(mark) and _char_at(text, mark.line, mark.column) == "\t"
        hint = "indent with spaces, not tabs" if at_tab else _syntax_hint(message)
        return None, problems + [Problem("Y002", ERROR, f"YAML syntax: {message}", loc, hint)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        loc = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name, 1, 1)
        return None, problems + [Problem("Y002", ERROR, f"YAML syntax: {exc}", loc, _syntax_hint(str(exc)))]
    return root, problems


def _nesting_problem(loc: Location) -> Problem:
    return Problem("Y013", ERROR, f"nested more than {MAX_DEPTH} levels deep", loc,
                   "a scenario never needs this much nesting: look for runs of '[', '{' or '- '")


def _deep_nesting_problem(text: str, name: str, mark, fallback: Location) -> Problem:
    """Our Y013, located at the first level past MAX_DEPTH, when libyaml's own limit tripped first.

    Newer libyaml (PyYAML 6.0.3+) refuses deep flow nesting while it scans ahead, before it
    emits the events our depth check counts, so its mark sits at its own limit. Reading the
    text up to that mark with the pure-Python parser (no such limit; the prefix is small when
    the limit trips early) finds the same place an older libyaml lets us find, so the message
    and location do not depend on which PyYAML release is installed.
    """
    offset = _mark_offset(text, mark) if mark else 0
    if 0 < offset <= _RELOCATE_LIMIT:
        found: list[Problem] = []
        try:
            _compose(text[:offset], name, found, yaml.SafeLoader)
        except (_TooLarge, yaml.YAMLError):
            pass
        for problem in found:
            if problem.code == "Y013":
                return problem
    return _nesting_problem(fallback)


_RELOCATE_LIMIT = 1_048_576  # characters of prefix the pure-Python parser re-reads, at most


def _mark_offset(text: str, mark) -> int:
    index = getattr(mark, "index", None)
    if isinstance(index, int) and 0 <= index <= len(text):
        return index
    lines = text.split("\n", mark.line + 1)
    return sum(len(line) + 1 for line in lines[:mark.line]) + mark.column


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    return lines[line][column] if line < len(lines) and column < len(lines[line]) else ""


def _syntax_hint(message: str) -> str:
    if "tab" in message or "'\t'" in message or "\t" in message:
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in message:
        return "text containing ': ' must be quoted, or use a '|' or '>' block"
    if "could not find expected ':'" in message:
        return "check the indentation of this line and the one before"
    if "found character" in message and "cannot start any token" in message:
        return "quote the text, for example \"@home\""
    # Every syntax error carries advice, not only the parser's own words.
    return "check the quotes, colons and indentation at this place (and the line before)"


def _compose(text: str, name: str, problems: list[Problem], parser=None) -> YNode | None:
    """Build YMap/YList/YScalar nodes from parser events, with limits checked as we go."""
    stack: list[list] = []  # [container node, pending key scalar or None]
    anchors: dict[str, YNode] = {}
    root: YNode | None = None
    expansion = 0
    documents = 0
    MapStart, SeqStart, Scalar = ev.MappingStartEvent, ev.SequenceStartEvent, ev.ScalarEvent
    MapEnd, SeqEnd, Alias = ev.MappingEndEvent, ev.SequenceEndEvent, ev.AliasEvent
    for event in yaml.parse(text, Loader=parser or _Parser):
        kind = type(event)
        if kind is Scalar:
            mark = event.start_mark
            if event.tag not in _ALLOWED_TAGS and not event.implicit[0] and not event.implicit[1]:
                _reject_tag(event, name, problems)
            node: YNode = YScalar(event.value, event.style in (None, ""), mark.line, mark.column)
            if event.anchor:
                anchors[event.anchor] = node
        elif kind is MapStart or kind is SeqStart:
            mark = event.start_mark
            if event.tag not in _ALLOWED_TAGS and not event.implicit:
                _reject_tag(event, name, problems)
            container = YMap(mark.line, mark.column) if kind is MapStart else YList(mark.line, mark.column)
            if event.anchor:
                anchors[event.anchor] = container
            stack.append([container, None])
            if len(stack) > MAX_DEPTH:
                problems.append(_nesting_problem(Location(name, mark.line + 1, mark.column + 1)))
                raise _TooLarge
            continue
        elif kind is MapEnd or kind is SeqEnd:
            node = stack.pop()[0]
        elif kind is Alias:
            mark = event.start_mark
            target = anchors.get(event.anchor)
            if target is None:  # libyaml reports this itself; kept for the pure-Python parser
                problems.append(Problem("Y002", ERROR, f"unknown alias *{event.anchor}",
                                        Location(name, mark.line + 1, mark.column + 1)))
                raise _TooLarge
            expansion += target.size
            if expansion > MAX_ALIAS_EXPANSION:
                problems.append(Problem("Y014", ERROR,
                                        f"aliases expand to more than {MAX_ALIAS_EXPANSION:,} values",
                                        Location(name, mark.line + 1, mark.column + 1),
                                        "this looks like an alias bomb; write the content out"))
                raise _TooLarge
            node = target
        elif kind is ev.DocumentStartEvent:
            documents += 1
            if documents > 1:
                mark = event.start_mark
                problems.append(Problem("Y015", ERROR, "more than one YAML document in the file",
                                        Location(name, mark.line + 1, mark.column + 1),
                                        "remove the '---' line: one scenario per file"))
                raise _TooLarge
            continue
        else:
            continue
        if not stack:
            root = node
            continue
        top = stack[-1]
        parent = top[0]
        parent.size += node.size
        if type(parent) is YList:
            parent.items.append(node)
        elif top[1] is None:
            if type(node) is not YScalar:
                problems.append(Problem("Y016", ERROR, "a key must be plain text, not a list or mapping",
                                        Location(name, node.line + 1, node.column + 1)))
                node = YScalar("?", True, node.line, node.column)
            top[1] = node
        else:
            key = top[1]
            top[1] = None
            if key.value in parent.items:
                first = parent.keys[key.value]
                problems.append(Problem("Y003", ERROR, f"duplicate key '{key.value}'",
                                        Location(name, key.line + 1, key.column + 1),
                                        f"it is already defined on line {first.line + 1}; the second "
                                        "would silently replace the first in other YAML tools"))
                continue
            if key.value == "<<" and key.plain:
                problems.append(Problem("Y017", ERROR, "merge keys (<<) are not supported",
                                        Location(name, key.line + 1, key.column + 1),
                                        "write the fields out in full"))
                continue
            parent.items[key.value] = node
            parent.keys[key.value] = key
    return root


def _reject_tag(event, name: str, problems: list[Problem]) -> None:
    mark = event.start_mark
    problems.append(Problem("Y004", ERROR, f"YAML tags such as '{event.tag}' are not allowed",
                            Location(name, mark.line + 1, mark.column + 1),
                            "scenario files are plain data: remove the tag"))

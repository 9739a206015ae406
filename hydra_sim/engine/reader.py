"""Typed, located access to YAML nodes, collecting problems instead of raising.

``NodeReader`` is the small vocabulary the scenario, catalogue and plan schemas are written
in: "this must be a mapping with these fields", "this is an id", "this is a whole number".
Every fault becomes a ``Problem`` with file, line, column and, where possible, a
did-you-mean hint. Must not import Qt or any GUI code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .expressions import Expression, ExpressionError, parse
from .problems import ERROR, WARNING, Location, Problem, did_you_mean
from .yamlsource import YList, YMap, YNode, YScalar, implicitly_not_text, is_null

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")
_TRUE = {"true", "yes", "on"}
_FALSE = {"false", "no", "off"}
MAX_TEXT_CHARS = 20_000      # one text field (S015); long documents belong in media files
_TYPE_NAMES = {YMap: "a mapping (key: value lines)", YList: "a list", YScalar: "a single value"}


class NodeReader:
    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    # -- reporting -------------------------------------------------------------------
    def loc(self, node: YNode | None) -> Location:
        if node is None:
            return Location(self.file, 0, 0)
        return Location(self.file, node.line + 1, node.column + 1)

    def error(self, code: str, message: str, node: YNode | None, hint: str | None = None) -> None:
        self.problems.append(Problem(code, ERROR, message, self.loc(node), hint))

    def warning(self, code: str, message: str, node: YNode | None, hint: str | None = None) -> None:
        self.problems.append(Problem(code, WARNING, message, self.loc(node), hint))

    # -- structure -------------------------------------------------------------------
    def mapping(self, node: YNode | None, where: str, required: Iterable[str] = (),
                optional: Iterable[str] = ()) -> YMap | None:
        """Check that node is a mapping with the required fields and no unknown ones."""
        if not isinstance(node, YMap):
            self._wrong_type(node, where, "a mapping (key: value lines)")
            return None
        required = tuple(required)
        known = required + tuple(optional)
        for key, key_node in node.keys.items():
            if key not in known:
                hint = did_you_mean(key, known) or f"allowed here: {', '.join(known)}"
                self.error("S002", f"unknown field '{key}' in {where}", key_node, hint)
        for key in required:
            if key not in node.items:
                self.error("S001", f"{where} is missing the required field '{key}'", node)
        return node

    def sequence(self, node: YNode | None, where: str) -> list[YNode]:
        if node is None or is_null(node):
            return []
        if not isinstance(node, YList):
            self._wrong_type(node, where, "a list")
            return []
        return node.items

    def entries(self, node: YNode | None, where: str) -> list[tuple[str, YScalar, YNode]]:
        """The (id, key node, value node) entries of an id-keyed mapping such as scenes."""
        if node is None or is_null(node):
            return []
        if not isinstance(node, YMap):
            self._wrong_type(node, where, "a mapping of ids to entries")
            return []
        result = []
        for key, value in node.items.items():
            key_node = node.keys[key]
            self.check_id(key, key_node, where)
            result.append((key, key_node, value))
        return result

    def _wrong_type(self, node: YNode | None, where: str, expected: str) -> None:
        found = _TYPE_NAMES.get(type(node), "nothing")
        if isinstance(node, YScalar) and is_null(node):
            found = "an empty value"
        self.error("S003", f"{where} must be {expected}, not {found}", node)

    # -- scalars ---------------------------------------------------------------------
    def scalar(self, node: YNode | None, where: str) -> YScalar | None:
        if isinstance(node, YScalar):
            return node
        self._wrong_type(node, where, "a single value")
        return None

    def field(self, m: YMap, key: str, where: str) -> YScalar | None:
        """The scalar value of an optional field, or None when absent, empty or not a scalar."""
        node = m.items.get(key)
        if node is None or is_null(node):
            return None
        return self.scalar(node, f"'{key}' in {where}")

    def text(self, m: YMap, key: str, where: str, default: str = "", nonempty: bool = False) -> str:
        scalar = self.field(m, key, where)
        if scalar is None:
            if nonempty and key in m.items and is_null(m.items[key]):
                self.error("S008", f"'{key}' in {where} is empty", m.items[key], "write the text")
            return default
        if implicitly_not_text(scalar):
            self.warning("S007", f"'{key}' in {where} is '{scalar.value}', which other YAML tools "
                         "read as a number, true/false or null", scalar, f"write it in quotes: \"{scalar.value}\"")
        if nonempty and not scalar.value.strip():
            self.error("S008", f"'{key}' in {where} is empty", scalar, "write the text")
        if len(scalar.value) > MAX_TEXT_CHARS:
            self.error("S015", f"'{key}' in {where} is {len(scalar.value):,} characters long; the limit is "
                       f"{MAX_TEXT_CHARS:,}", scalar, "shorten it, or put long documents in a media file")
            return scalar.value[:MAX_TEXT_CHARS]
        return scalar.value

    def check_id(self, value: str, node: YNode, where: str, pattern: re.Pattern = ID_PATTERN) -> bool:
        if not pattern.match(value):
            rule = ("lowercase letters, digits and '_' (start with a letter)" if pattern is NAME_PATTERN
                    else "lowercase letters, digits, '_' or '-' (start with a letter, at most 64)")
            suggestion = re.sub(r"[^a-z0-9_-]+", "_", value.lower()).strip("_-") or "my_id"
            if not suggestion[0].isalpha():
                suggestion = "x_" + suggestion
            self.error("S005", f"'{value}' is not a valid id for {where}", node,
                       f"use {rule}, e.g. '{suggestion}'")
            return False
        if isinstance(node, YScalar) and implicitly_not_text(node):
            self.warning("S007", f"the id '{value}' would be read as a number or true/false by other "
                         "YAML tools", node, f"write it in quotes: \"{value}\"")
        return True

    def ident(self, m: YMap, key: str, where: str, required: bool = False) -> str | None:
        node = m.items.get(key)
        if node is None or is_null(node):
            if required and key in m.items:
                self.error("S001", f"'{key}' in {where} is empty", node)
            return None
        scalar = self.scalar(node, f"'{key}' in {where}")
        if scalar is None:
            return None
        self.check_id(scalar.value, scalar, f"'{key}' in {where}")
        return scalar.value

    def integer(self, m: YMap, key: str, where: str, default: int | None = None,
                minimum: int | None = None, maximum: int | None = None) -> int | None:
        node = m.items.get(key)
        if node is None or is_null(node):
            return default
        return self.integer_value(node, f"'{key}' in {where}", default, minimum, maximum)

    def integer_value(self, node: YNode, where: str, default: int | None = None,
                      minimum: int | None = None, maximum: int | None = None) -> int | None:
        scalar = self.scalar(node, where)
        if scalar is None:
            return default
        text = scalar.value.replace("_", "")
        if not _INT.match(text) or len(text) > 18:   # also keeps int() away from huge digit strings
            self.error("S003", f"{where} must be a whole number, not '{scalar.value}'", scalar)
            return default
        value = int(text)
        if minimum is not None and value < minimum:
            self.error("S004", f"{where} must be at least {minimum}, not {value}", scalar)
            return default
        if maximum is not None and value > maximum:
            self.error("S004", f"{where} must be at most {maximum}, not {value}", scalar)
            return default
        return value

    def number(self, m: YMap, key: str, where: str, default: float, minimum: float = 0.0,
               maximum: float | None = None) -> float:
        scalar = self.field(m, key, where)
        if scalar is None:
            return default
        if not _FLOAT.match(scalar.value):
            self.error("S003", f"'{key}' in {where} must be a number, not '{scalar.value}'", scalar)
            return default
        value = float(scalar.value)
        if value < minimum or (maximum is not None and value > maximum):
            bound = f"between {minimum:g} and {maximum:g}" if maximum is not None else f"at least {minimum:g}"
            self.error("S004", f"'{key}' in {where} must be {bound}", scalar)
            return default
        return value

    def boolean(self, m: YMap, key: str, where: str, default: bool = False) -> bool:
        scalar = self.field(m, key, where)
        if scalar is None:
            return default
        return self.boolean_value(scalar, f"'{key}' in {where}", default)

    def boolean_value(self, scalar: YScalar, where: str, default: bool = False) -> bool:
        lowered = scalar.value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        self.error("S003", f"{where} must be true or false, not '{scalar.value}'", scalar)
        return default

    def choice(self, m: YMap, key: str, where: str, choices: Iterable[str], default: str | None) -> str | None:
        scalar = self.field(m, key, where)
        if scalar is None:
            return default
        return self.choice_value(scalar, f"'{key}' in {where}", choices, default)

    def choice_value(self, scalar: YScalar, where: str, choices: Iterable[str], default: str | None) -> str | None:
        choices = tuple(choices)
        if scalar.value in choices:
            return scalar.value
        hint = did_you_mean(scalar.value, choices) or f"use one of: {', '.join(choices)}"
        self.error("S004", f"{where} cannot be '{scalar.value}'", scalar, hint)
        return default

    def id_list(self, m: YMap, key: str, where: str) -> list[tuple[str, YScalar]]:
        """A list of ids; a single id is accepted as a one-item list."""
        return [(value, node) for value, node in self.scalar_list(m, key, where)
                if self.check_id(value, node, f"'{key}' in {where}")]

    def scalar_list(self, m: YMap, key: str, where: str) -> list[tuple[str, YScalar]]:
        """A list of plain values (a single value counts as a one-item list)."""
        node = m.items.get(key)
        if node is None or is_null(node):
            return []
        items = [node] if isinstance(node, YScalar) else self.sequence(node, f"'{key}' in {where}")
        result = []
        for item in items:
            scalar = self.scalar(item, f"an item of '{key}' in {where}")
            if scalar is not None:
                result.append((scalar.value, scalar))
        return result

    def condition(self, m: YMap, key: str, where: str, pending: list) -> Expression | None:
        """Parse a condition now; its types are checked later, once variables are known."""
        scalar = self.field(m, key, where)
        if scalar is None:
            return None
        try:
            expression = parse(scalar.value)
        except ExpressionError as exc:
            self.problems.append(Problem("C001", ERROR, f"condition in {where}: {exc.message}",
                                         self._column_in(scalar, exc.column), exc.hint))
            return None
        pending.append((expression, scalar, where))
        return expression

    def _column_in(self, scalar: YScalar, column: int) -> Location:
        """Point at the character inside a single-line plain or quoted scalar."""
        offset = 0 if scalar.plain else 1
        if "\n" in scalar.value:
            return self.loc(scalar)
        return Location(self.file, scalar.line + 1, scalar.column + 1 + offset + max(column, 0))

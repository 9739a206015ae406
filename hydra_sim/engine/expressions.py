"""Safe condition language for scenario files.

Scenario YAML is untrusted, so conditions such as
``ambulance_sent and not (driver_status == "released")`` are handled by our own
tokenizer, parser and type checker. This module never uses eval/exec/compile,
and must not import Qt or any other part of hydra_sim (stdlib only).

Grammar, loosest binding first::

    or_expr    := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | comparison
    comparison := unary (("==" | "!=" | "<" | "<=" | ">" | ">=") unary)?
    unary      := "-" unary | primary
    primary    := INT | STRING | "true" | "false" | NAME | "(" or_expr ")"
    NAME       := word | "received." word      (whether a seat's message has arrived)

A dotted name belongs to a namespace; the only one is ``received`` (seats.py): a scenario's
conditions test ``received.count_to_control`` like any true/false variable.
"""

from __future__ import annotations

import difflib
import functools
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

__all__ = ["MAX_DEPTH", "MAX_LENGTH", "Expression", "ExpressionError", "Type", "VarType", "parse"]

MAX_LENGTH = 500
MAX_DEPTH = 32  # parentheses, 'not' and unary '-' all count as one level each

Type = Literal["bool", "int", "enum", "text"]
_TYPES = ("bool", "int", "enum", "text")
_KIND_NAMES = {"bool": "true/false", "int": "a number", "enum": "a choice", "text": "text"}
_LOGIC_HINT = "write and / or / not"
_ORDERING = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_KEYWORDS = frozenset({"and", "or", "not", "true", "false"})
_BOOL_WORDS = {"true": True, "false": False}
_WORD = re.compile(r"[A-Za-z0-9_]+")
_NAME = re.compile(r"[a-z_][a-z0-9_]*")
#: The namespaces a dotted name may use: ``received.<message id>`` (seats.py, docs/scenario-format.md).
NAMESPACES = ("received",)


class ExpressionError(Exception):
    """A syntax or type problem; ``column`` is the 0-based offset into the source."""

    def __init__(self, message: str, column: int, hint: str | None = None) -> None:
        super().__init__(message, column, hint)  # keeps the error picklable
        self.message = message
        self.column = column
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.message} (column {self.column})"
        return f"{text}; {self.hint}" if self.hint else text


@dataclass(frozen=True)
class VarType:
    """What the checker knows of a variable."""

    type: Type
    values: tuple[str, ...] = ()  # allowed values, for enums only

    def __post_init__(self) -> None:
        # Declarations come from YAML too: fail loudly rather than check against nonsense.
        if self.type not in _TYPES:
            raise ValueError(f"unknown variable type {self.type!r}; expected one of {_TYPES}")


# --- tokens -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "int", "str", "name", "op", "(", ")", "-", "end", or the keyword itself
    text: str  # as written, for messages
    pos: int
    value: object = None


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch in " \t\r\n":
            i += 1
        elif ch.isascii() and (ch.isalnum() or ch == "_"):
            word = _WORD.match(source, i).group()
            if ch.isdigit():
                if not word.isdigit():
                    raise ExpressionError(f"invalid number '{word}'", i)
                tokens.append(_Token("int", word, i, int(word)))
            elif not _NAME.fullmatch(word):
                raise ExpressionError(f"names are lowercase, not '{word}'", i, f"write '{word.lower()}'")
            elif source.startswith(".", i + len(word)):
                i = _read_dotted(source, i, word, tokens)
                continue
            else:
                kind = word if word in _KEYWORDS else "name"
                tokens.append(_Token(kind, word, i, _BOOL_WORDS.get(word, word)))
            i += len(word)
        elif ch in "\"'":
            i = _read_string(source, i, tokens)
        elif source.startswith(("==", "!=", "<=", ">="), i):
            tokens.append(_Token("op", source[i : i + 2], i))
            i += 2
        elif ch == "=":
            raise ExpressionError("'=' is not a comparison", i, "use == to compare")
        elif ch in "&|!":
            symbol = source[i : i + 2] if source[i : i + 2] in ("&&", "||") else ch
            raise ExpressionError(f"'{symbol}' is not an operator here", i, _LOGIC_HINT)
        elif ch in "<>()-":
            tokens.append(_Token("op" if ch in "<>" else ch, ch, i))
            i += 1
        else:
            raise ExpressionError(f"unexpected character {ch!r}", i)
    tokens.append(_Token("end", "end of condition", n))
    return tokens


def _read_dotted(source: str, start: int, word: str, tokens: list[_Token]) -> int:
    """Append the dotted name ``word.rest`` starting at ``start``; return the offset after it."""
    dot = start + len(word)
    if word not in NAMESPACES:
        raise ExpressionError(f"'.' cannot follow '{word}'", dot,
                              "only received.<message> has a dot (whether a seat's message has arrived)")
    match = _WORD.match(source, dot + 1)
    rest = match.group() if match else ""
    if not rest or not _NAME.fullmatch(rest) or rest[0].isdigit():
        raise ExpressionError(f"'{word}.' must be followed by a message id", dot + 1,
                              f"e.g. {word}.count_to_control")
    name = f"{word}.{rest}"
    tokens.append(_Token("name", name, start, name))
    return dot + 1 + len(rest)


def _read_string(source: str, start: int, tokens: list[_Token]) -> int:
    """Append the string literal starting at ``start``; return the offset after it."""
    quote, chars, i = source[start], [], start + 1
    while i < len(source):
        ch = source[i]
        if ch == quote:
            tokens.append(_Token("str", source[start : i + 1], start, "".join(chars)))
            return i + 1
        if ch == "\\":
            escaped = source[i + 1 : i + 2]
            if escaped not in ("\"", "'", "\\"):
                raise ExpressionError("unknown escape in string", i, "only \\\" \\' and \\\\ are allowed")
            chars.append(escaped)
            i += 2
        else:
            chars.append(ch)
            i += 1
    raise ExpressionError("string is never closed", start, f"add a closing {quote}")


# --- syntax tree --------------------------------------------------------------


@dataclass(slots=True)
class _Node:
    """One node; ``column``/``end`` span its source text so messages can quote it."""

    kind: str  # "literal", "name", "not", "-", "and", "or", or a comparison operator
    column: int
    end: int
    value: object = None  # literal value; variable name; operator column of a comparison
    children: tuple[_Node, ...] = ()  # and/or are n-ary, so long chains stay shallow


def _text(source: str, node: _Node) -> str:
    return source[node.column : node.end]


class _Parser:
    """Recursive descent; ``depth`` caps recursion long before Python's own limit."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = _tokenize(source)
        self.index = 0
        self.depth = 0
        self.reads: set[str] = set()

    def advance(self) -> _Token:
        self.index += 1
        return self.tokens[self.index - 1]

    def enter(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(f"condition is nested too deeply (more than {MAX_DEPTH} levels)", token.pos)

    def parse(self) -> _Node:
        if self.tokens[0].kind == "end":
            raise ExpressionError("condition is empty", 0)
        node = self.parse_or()
        token = self.tokens[self.index]
        if token.kind == ")":
            raise ExpressionError("')' has no matching '('", token.pos)
        if token.kind != "end":
            raise ExpressionError(f"unexpected '{token.text}'", token.pos, "join conditions with 'and' or 'or'")
        return node

    # One method per grammar rule (see the module docstring).
    def parse_or(self) -> _Node:
        return self.parse_chain("or", self.parse_and)

    def parse_and(self) -> _Node:
        return self.parse_chain("and", self.parse_not)

    def parse_not(self) -> _Node:
        return self.parse_prefix("not", self.parse_comparison)

    def parse_unary(self) -> _Node:
        return self.parse_prefix("-", self.parse_primary)

    def parse_chain(self, op: str, parse_operand: Callable[[], _Node]) -> _Node:
        operands = [parse_operand()]
        while self.tokens[self.index].kind == op:
            self.advance()
            operands.append(parse_operand())
        if len(operands) == 1:
            return operands[0]
        return _Node(op, operands[0].column, operands[-1].end, children=tuple(operands))

    def parse_prefix(self, op: str, parse_operand: Callable[[], _Node]) -> _Node:
        """``op`` (not / -) applied any number of times to what ``parse_operand`` reads."""
        token = self.tokens[self.index]
        if token.kind != op:
            return parse_operand()
        self.advance()
        self.enter(token)
        operand = self.parse_prefix(op, parse_operand)
        self.depth -= 1
        return _Node(op, token.pos, operand.end, children=(operand,))

    def parse_comparison(self) -> _Node:
        left = self.parse_unary()
        op = self.tokens[self.index]
        if op.kind != "op":
            return left
        self.advance()
        right = self.parse_unary()
        extra = self.tokens[self.index]
        if extra.kind == "op":
            # Chains like a < b < c read naturally but mean nothing sensible here.
            self.advance()
            a, b, c = (_text(self.source, node) for node in (left, right, self.parse_unary()))
            hint = f"write {a} {op.text} {b} and {b} {extra.text} {c}"
            raise ExpressionError("comparisons cannot be chained", extra.pos, hint)
        return _Node(op.text, left.column, right.end, op.pos, (left, right))

    def parse_primary(self) -> _Node:
        token = self.advance()
        end = token.pos + len(token.text)
        if token.kind in ("int", "str", "true", "false"):
            return _Node("literal", token.pos, end, token.value)
        if token.kind == "name":
            self.reads.add(token.text)
            return _Node("name", token.pos, end, token.text)
        if token.kind == "(":
            self.enter(token)
            inner = self.parse_or()
            self.depth -= 1
            closing = self.advance()
            if closing.kind == "end":
                raise ExpressionError("'(' is never closed", token.pos, "add a ')'")
            if closing.kind != ")":
                raise ExpressionError(f"expected ')' but found '{closing.text}'", closing.pos)
            return inner
        if token.kind == "end":
            raise ExpressionError("condition ends where a value is expected", token.pos)
        hint = "put the 'not ...' part in parentheses" if token.kind == "not" else None
        raise ExpressionError(f"expected a value but found '{token.text}'", token.pos, hint)


# --- type checking ------------------------------------------------------------

_BOOL, _INT, _TEXT = VarType("bool"), VarType("int"), VarType("text")
_STRINGS = ("enum", "text")  # both are str at run time, so they may be compared


class _Checker:
    def __init__(self, source: str, types: Mapping[str, VarType]) -> None:
        self.source = source
        self.types = types
        self.errors: list[ExpressionError] = []

    def fail(self, message: str, column: int, hint: str | None = None) -> None:
        self.errors.append(ExpressionError(message, column, hint))

    def condition(self, node: _Node, role: str) -> None:
        """Check ``node`` and complain unless it is a bool; ``role`` says where it was used."""
        found = self.infer(node)
        if found is None or found.type == "bool":
            return
        hint = None
        if node.kind == "name":
            example = "> 0" if found.type == "int" else f'== "{found.values[0] if found.values else "..."}"'
            hint = f"compare it, e.g. {node.value} {example}"
        what = f"{_text(self.source, node)} is {_KIND_NAMES[found.type]}"
        self.fail(f"{role} must be true or false, but {what}", node.column, hint)

    def infer(self, node: _Node) -> VarType | None:
        """Type of ``node``; None when unknown (already reported, so no follow-on errors)."""
        if node.kind == "literal":
            value = node.value
            return _BOOL if isinstance(value, bool) else _INT if isinstance(value, int) else _TEXT
        if node.kind == "name":
            found = self.types.get(node.value)
            if found is None:
                close = difflib.get_close_matches(node.value, list(self.types), n=1)
                hint = f"did you mean '{close[0]}'?" if close else None
                self.fail(f"unknown variable '{node.value}'", node.column, hint)
            return found
        if node.kind in ("not", "and", "or"):
            role = "the operand of 'not'" if node.kind == "not" else f"each side of '{node.kind}'"
            for operand in node.children:
                self.condition(operand, role)
            return _BOOL
        if node.kind == "-":
            found = self.infer(node.children[0])
            if found is not None and found.type != "int":
                what = f"{_text(self.source, node.children[0])} is {_KIND_NAMES[found.type]}"
                self.fail(f"'-' needs a number, but {what}", node.column)
                return None
            return found
        self.compare(node, *(self.infer(side) for side in node.children))
        return _BOOL

    def compare(self, node: _Node, left: VarType | None, right: VarType | None) -> None:
        if left is None or right is None:
            return
        sides = node.children
        if node.kind in _ORDERING:
            for side, found in zip(sides, (left, right)):
                if found.type != "int":
                    what = f"{_text(self.source, side)} is {_KIND_NAMES[found.type]}"
                    hint = "only == and != work for true/false, choices and text"
                    self.fail(f"'{node.kind}' orders numbers, but {what}", node.value, hint)
                    return
        elif left.type != right.type and not (left.type in _STRINGS and right.type in _STRINGS):
            left_text, right_text = (_text(self.source, side) for side in sides)
            message = (
                f"cannot compare {left_text} ({_KIND_NAMES[left.type]}) "
                f"with {right_text} ({_KIND_NAMES[right.type]})"
            )
            self.fail(message, sides[1].column)
        else:
            for found, other, this in ((left, sides[1], sides[0]), (right, sides[0], sides[1])):
                if found.type == "enum" and other.kind == "literal" and other.value not in found.values:
                    allowed = "allowed values: " + ", ".join(f'"{value}"' for value in found.values)
                    close = difflib.get_close_matches(str(other.value), found.values, n=1)
                    hint = f'did you mean "{close[0]}"? {allowed}' if close else allowed
                    where = _text(self.source, this)
                    self.fail(f"{_text(self.source, other)} is not a value of {where}", other.column, hint)


# --- evaluation -----------------------------------------------------------------
# The tree is turned into nested closures once, so evaluate() is just a few calls.

_Evaluator = Callable[[Mapping[str, object]], object]


def _same(a: object, b: object) -> bool:
    # Strict, so that True == 1 cannot sneak through if check() was skipped.
    return type(a) is type(b) and a == b


def _build(node: _Node) -> _Evaluator:
    kind = node.kind
    if kind == "literal":
        value = node.value
        return lambda env: value
    if kind == "name":
        name = node.value
        return lambda env: env[name]
    parts = [_build(child) for child in node.children]
    if kind == "not":
        return lambda env: not parts[0](env)
    if kind == "-":
        return lambda env: -parts[0](env)
    if kind == "and":
        return lambda env: all(part(env) for part in parts)
    if kind == "or":
        return lambda env: any(part(env) for part in parts)
    left, right = parts
    if kind == "==":
        return lambda env: _same(left(env), right(env))
    if kind == "!=":
        return lambda env: not _same(left(env), right(env))
    order = _ORDERING[kind]
    return lambda env: order(left(env), right(env))


def _residual(node: _Node, known: Mapping[str, object]) -> tuple:
    kind = node.kind
    if kind == "literal":
        return ("literal", node.value)
    if kind == "name":
        return ("literal", known[node.value]) if node.value in known else ("name", node.value)
    parts = [_residual(child, known) for child in node.children]
    if kind in ("and", "or"):
        stop = kind == "or"                       # the value that decides the whole chain
        rest = []
        for part in parts:
            if part[0] == "literal":
                if bool(part[1]) is stop:
                    return ("literal", stop)
                continue
            rest.append(part)
        if not rest:
            return ("literal", not stop)
        return (kind, *rest)
    if all(part[0] == "literal" for part in parts):
        values = [part[1] for part in parts]
        if kind == "not":
            return ("literal", not values[0])
        if kind == "-":
            return ("literal", -values[0])
        if kind == "==":
            return ("literal", _same(*values))
        if kind == "!=":
            return ("literal", not _same(*values))
        return ("literal", _ORDERING[kind](*values))
    return (kind, *parts)


class Expression:
    """A parsed condition; create it with :func:`parse`."""

    __slots__ = ("_evaluator", "_node", "reads", "source")

    def __init__(self, source: str, node: _Node, reads: frozenset[str]) -> None:
        self.source = source
        self.reads = reads
        self._node = node
        self._evaluator = _build(node)

    def __repr__(self) -> str:
        return f"Expression({self.source!r})"

    def evaluate(self, env: Mapping[str, object]) -> bool:
        """Value of the condition; a name missing from ``env`` raises KeyError."""
        return bool(self._evaluator(env))

    def check(self, types: Mapping[str, VarType]) -> list[ExpressionError]:
        """Type problems against the declared variables, in source order."""
        checker = _Checker(self.source, types)
        checker.condition(self._node, "the condition")
        return sorted(checker.errors, key=lambda error: error.column)

    def residual(self, known: Mapping[str, object]) -> tuple:
        """A canonical form of the condition with the ``known`` variables put in and simplified.

        Two sets of known values with equal residuals make the condition evaluate alike for
        every value of the other names (the explorer merges states on this)."""
        return _residual(self._node, known)

    def constant_value(self) -> bool | None:
        """True/False if the condition reads no variable (so it never changes), else None."""
        if self.reads or self.check({}):
            return None
        return self.evaluate({})


def parse(source: str) -> Expression:
    """Parse a condition; raises ExpressionError on syntax problems.

    Parsed conditions are kept by their text (an Expression never changes), because the same
    few dozen conditions are parsed thousands of times when a library is loaded and linted."""
    return _parse_cached(source)


@functools.lru_cache(maxsize=4096)
def _parse_cached(source: str) -> Expression:
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"condition is too long ({len(source)} characters, at most {MAX_LENGTH})", MAX_LENGTH)
    parser = _Parser(source)
    node = parser.parse()
    return Expression(source, node, frozenset(parser.reads))

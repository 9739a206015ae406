"""Tests for the scenario condition language (hydra_sim.engine.expressions)."""

from __future__ import annotations

import ast
import pickle
import re
from pathlib import Path

import pytest

from hydra_sim.engine import expressions
from hydra_sim.engine.expressions import ExpressionError, VarType, parse

TYPES = {
    "ambulance_sent": VarType("bool"),
    "police_sent": VarType("bool"),
    "casualties": VarType("int"),
    "elapsed": VarType("int"),
    "driver_status": VarType("enum", ("dispatched", "released", "arrested")),
    "caller_name": VarType("text"),
}


def evaluate(source: str, **env: object) -> bool:
    return parse(source).evaluate(env)


def syntax_error(source: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        parse(source)
    return info.value


def type_errors(source: str) -> list[ExpressionError]:
    return parse(source).check(TYPES)


def only_type_error(source: str) -> ExpressionError:
    errors = type_errors(source)
    assert len(errors) == 1, [str(error) for error in errors]
    return errors[0]


# --- evaluation ----------------------------------------------------------------


def test_example_from_scenario_files():
    expression = parse('ambulance_sent and not (driver_status == "released")')
    assert expression.evaluate({"ambulance_sent": True, "driver_status": "dispatched"}) is True
    assert expression.evaluate({"ambulance_sent": True, "driver_status": "released"}) is False
    assert expression.evaluate({"ambulance_sent": False, "driver_status": "dispatched"}) is False


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [(False, False, False), (False, True, True), (True, False, False), (True, True, False)],
)
def test_not_binds_tighter_than_and(a, b, expected):
    # (not a) and b, not: not (a and b)
    assert evaluate("not a and b", a=a, b=b) is expected


def test_and_binds_tighter_than_or():
    # a or (b and c): with a true the result is true whatever b and c are.
    assert evaluate("a or b and c", a=True, b=False, c=False) is True
    # (a or b) and c would be true here; a or (b and c) is false.
    assert evaluate("a or b and c", a=False, b=True, c=False) is False
    assert evaluate("a and b or c", a=False, b=True, c=True) is True


def test_parentheses_override_precedence():
    assert evaluate("(a or b) and c", a=True, b=False, c=False) is False
    assert evaluate("not (a and b)", a=True, b=False) is True
    assert evaluate("((((a))))", a=True) is True


def test_comparison_binds_tighter_than_not():
    assert evaluate("not casualties == 2", casualties=3) is True
    assert evaluate("not casualties == 2", casualties=2) is False


def test_long_and_or_chains():
    names = [f"v{i}" for i in range(20)]
    env = dict.fromkeys(names, True)
    assert evaluate(" and ".join(names), **env) is True
    assert evaluate(" and ".join(names), **{**env, "v13": False}) is False
    assert evaluate(" or ".join(names), **dict.fromkeys(names, False)) is False
    assert evaluate(" or ".join(names), **{**dict.fromkeys(names, False), "v19": True}) is True


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("casualties == 2", True),
        ("casualties != 2", False),
        ("casualties < 2", False),
        ("casualties < 3", True),
        ("casualties <= 2", True),
        ("casualties <= 1", False),
        ("casualties > 1", True),
        ("casualties > 2", False),
        ("casualties >= 2", True),
        ("casualties >= 3", False),
        ("casualties > -3", True),
        ("-casualties == -2", True),
        ("- -2 == casualties", True),
    ],
)
def test_integer_comparisons(source, expected):
    assert evaluate(source, casualties=2) is expected


def test_spec_example_with_or():
    expression = parse("casualties >= 2 or elapsed > 15")
    assert expression.evaluate({"casualties": 0, "elapsed": 16}) is True
    assert expression.evaluate({"casualties": 2, "elapsed": 0}) is True
    assert expression.evaluate({"casualties": 1, "elapsed": 15}) is False


def test_bool_and_text_equality():
    assert evaluate("flag == true", flag=True) is True
    assert evaluate("flag != false", flag=False) is False
    assert evaluate('name == "Anna"', name="Anna") is True
    assert evaluate('name != "Anna"', name="Bob") is True


def test_equality_is_strict_about_types():
    # Python says True == 1; a scenario must not, even if check() was skipped.
    assert evaluate("flag == 1", flag=True) is False
    assert evaluate("flag != 1", flag=True) is True
    assert evaluate('count == "2"', count=2) is False


def test_bare_identifier_and_literals():
    assert evaluate("flag", flag=True) is True
    assert evaluate("flag", flag=False) is False
    assert evaluate("true") is True
    assert evaluate("false") is False


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('"released"', "released"),
        ("'released'", "released"),
        ("'say \"hi\"'", 'say "hi"'),
        ('"it\'s"', "it's"),
        (r'"it\'s"', "it's"),
        (r'"a \"quote\""', 'a "quote"'),
        (r"'back\\slash'", "back\\slash"),
        ('""', ""),
        ('"and or not == ("', "and or not == ("),
    ],
)
def test_string_literals(source, expected):
    assert evaluate(f"value == {source}", value=expected) is True


def test_evaluate_returns_python_bool_and_reports_missing_names():
    assert evaluate("count", count=5) is True  # unchecked non-bool still gives a bool
    with pytest.raises(KeyError):
        parse("missing").evaluate({})


def test_whitespace_and_newlines_are_ignored():
    assert evaluate("  a\n  and\tb  ", a=True, b=True) is True


# --- reads, source and constants --------------------------------------------------


def test_reads_lists_each_variable_once():
    expression = parse('a and (b or not a) and c == "a" and d > -e')
    assert expression.reads == frozenset({"a", "b", "c", "d", "e"})
    assert expression.source == 'a and (b or not a) and c == "a" and d > -e'
    assert parse("true or 1 < 2").reads == frozenset()


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("true", True),
        ("false", False),
        ("not false", True),
        ("1 == 1", True),
        ("1 != 1", False),
        ("2 > 3 or true", True),
        ('"a" == "b"', False),
        ("flag", None),
        ("flag or true", None),
        ("1 == true", None),  # a type error is not a constant worth reporting
        ("5", None),
    ],
)
def test_constant_value(source, expected):
    assert parse(source).constant_value() is expected


# --- syntax errors ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "column", "hint"),
    [
        ("casualties = 2", 11, "use == to compare"),
        ("a && b", 2, "write and / or / not"),
        ("a || b", 2, "write and / or / not"),
        ("!a", 0, "write and / or / not"),
        ("a & b", 2, "write and / or / not"),
    ],
)
def test_operators_from_other_languages_get_hints(source, column, hint):
    error = syntax_error(source)
    assert (error.column, error.hint) == (column, hint)


def test_not_equal_is_not_mistaken_for_bang():
    assert evaluate("a != 1", a=2) is True


def test_chained_comparison_is_rejected_with_hint():
    error = syntax_error("1 < casualties < 5")
    assert error.column == 15
    assert "chained" in error.message
    assert error.hint == "write 1 < casualties and casualties < 5"


@pytest.mark.parametrize(
    ("source", "column", "fragment"),
    [
        ("", 0, "empty"),
        ("   ", 0, "empty"),
        ("a and", 5, "value is expected"),
        ("a and or b", 6, "found 'or'"),
        ("(a and b", 0, "never closed"),
        ("(a b)", 3, "expected ')'"),
        ("a)", 1, "no matching"),
        ("a b", 2, "unexpected 'b'"),
        ('"open', 0, "never closed"),
        ("'open\"", 0, "never closed"),
        (r'"bad \n escape"', 5, "unknown escape"),
        ("12abc", 0, "invalid number"),
        ("a == 1.5", 6, "unexpected character '.'"),
        ("a == é", 5, "unexpected character"),
        ("-", 1, "value is expected"),
        ("()", 1, "found ')'"),
    ],
)
def test_syntax_errors_point_at_the_problem(source, column, fragment):
    error = syntax_error(source)
    assert error.column == column
    assert fragment in error.message


def test_uppercase_names_are_rejected_with_lowercase_hint():
    error = syntax_error("ambulance_sent and True")
    assert (error.column, error.hint) == (19, "write 'true'")
    assert syntax_error("Casualties > 1").hint == "write 'casualties'"


def test_keywords_cannot_be_used_as_names():
    assert syntax_error("a == not").column == 5
    assert syntax_error("a == not b").hint == "put the 'not ...' part in parentheses"
    assert syntax_error("true = 1").hint == "use == to compare"


def test_error_text_includes_column_and_hint_and_survives_pickling():
    error = syntax_error("a = 1")
    assert str(error) == "'=' is not a comparison (column 2); use == to compare"
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.message, copy.column, copy.hint) == (error.message, 2, "use == to compare")


# --- limits -----------------------------------------------------------------------


def test_length_limit():
    ok = "a or " * 99 + "abcde"  # exactly 500 characters
    assert len(ok) == 500
    assert parse(ok).reads == frozenset({"a", "abcde"})
    error = syntax_error(ok + "f")
    assert error.column == 500
    assert "too long" in error.message


def test_nesting_limit_of_32_levels():
    assert evaluate("(" * 32 + "a" + ")" * 32, a=True) is True
    error = syntax_error("(" * 33 + "a" + ")" * 33)
    assert error.column == 32  # the 33rd '('
    assert "nested too deeply" in error.message
    assert evaluate("not " * 32 + "a", a=True) is True
    assert syntax_error("not " * 33 + "a").column == 128
    assert syntax_error("-" * 33 + "1 == 1").column == 32


def test_ten_thousand_parentheses_fail_without_recursion_error():
    for source in ("(" * 10_000, "(" * 10_000 + "a" + ")" * 10_000, "not " * 10_000 + "a"):
        with pytest.raises(ExpressionError):
            parse(source)
    # The depth limit alone must also stop it, not just the length limit.
    with pytest.raises(ExpressionError, match="nested too deeply"):
        expressions._Parser("(" * 10_000 + "a" + ")" * 10_000).parse()


# --- type checking ----------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        'ambulance_sent and not (driver_status == "released")',
        "casualties >= 2 or elapsed > 15",
        'caller_name == "Anna" or caller_name != "anything at all"',
        '"arrested" == driver_status',
        "ambulance_sent == true and police_sent != ambulance_sent",
        "casualties > -1 and -casualties < elapsed",
        "driver_status == caller_name",  # both strings at run time
        "true",
    ],
)
def test_well_typed_conditions_have_no_errors(source):
    assert type_errors(source) == []


def test_unknown_variable_suggests_close_name():
    error = only_type_error("ambulance_snt and police_sent")
    assert error.column == 0
    assert error.message == "unknown variable 'ambulance_snt'"
    assert error.hint == "did you mean 'ambulance_sent'?"


def test_unknown_variable_without_close_name_has_no_hint():
    error = only_type_error("police_sent or zzz")
    assert (error.column, error.hint) == (15, None)


def test_unknown_variable_does_not_cause_follow_on_errors():
    assert len(type_errors("nobody > 1 and nobody")) == 2  # one per mention, nothing else


def test_enum_value_must_be_allowed():
    error = only_type_error('driver_status == "relased"')
    assert error.column == 17
    assert error.hint == 'did you mean "released"? allowed values: "dispatched", "released", "arrested"'
    error = only_type_error('"flying" != driver_status')
    assert error.column == 0
    assert error.hint == 'allowed values: "dispatched", "released", "arrested"'


@pytest.mark.parametrize(
    ("source", "column"),
    [
        ('casualties == "two"', 14),
        ("ambulance_sent == 1", 18),
        ("casualties == true", 14),
        ("caller_name == 3", 15),
        ("driver_status != false", 17),
        ("ambulance_sent == casualties", 18),
        ('1 == "1"', 5),
    ],
)
def test_comparing_different_types_is_an_error(source, column):
    error = only_type_error(source)
    assert error.column == column
    assert error.message.startswith("cannot compare")


@pytest.mark.parametrize(
    ("source", "column"),
    [
        ('caller_name < "m"', 12),
        ('driver_status >= "released"', 14),
        ("ambulance_sent > police_sent", 15),
        ("true <= 1", 5),
    ],
)
def test_ordering_non_numbers_is_an_error(source, column):
    error = only_type_error(source)
    assert error.column == column
    assert "orders numbers" in error.message
    assert error.hint is not None


@pytest.mark.parametrize(
    ("source", "column", "hint"),
    [
        ("casualties", 0, "compare it, e.g. casualties > 0"),
        ("caller_name", 0, 'compare it, e.g. caller_name == "..."'),
        ("driver_status", 0, 'compare it, e.g. driver_status == "dispatched"'),
        ("ambulance_sent and casualties", 19, "compare it, e.g. casualties > 0"),
        ("elapsed or ambulance_sent", 0, "compare it, e.g. elapsed > 0"),
        ("not casualties", 4, "compare it, e.g. casualties > 0"),
        ('"text"', 0, None),
        ("12", 0, None),
    ],
)
def test_non_boolean_conditions_and_operands(source, column, hint):
    error = only_type_error(source)
    assert (error.column, error.hint) == (column, hint)


@pytest.mark.parametrize(
    ("source", "what"),
    [("-ambulance_sent == 1", "ambulance_sent is true/false"), ('1 == -"x"', '"x" is text')],
)
def test_unary_minus_needs_a_number(source, what):
    error = only_type_error(source)
    assert error.column == source.index("-")
    assert error.message == f"'-' needs a number, but {what}"


def test_non_boolean_operand_and_unknown_name_are_both_reported_in_order():
    errors = type_errors("casualties and x")
    assert [error.column for error in errors] == [0, 15]
    assert "must be true or false" in errors[0].message
    assert errors[1].message == "unknown variable 'x'"


def test_vartype_rejects_unknown_type():
    with pytest.raises(ValueError):
        VarType("float")


# --- safety -----------------------------------------------------------------------


def test_module_never_calls_eval_exec_or_compile():
    source = Path(expressions.__file__).read_text(encoding="utf-8")
    # Textual check: no call such as eval(...), builtins.exec(...), compile (...).
    # re.compile is fine: it builds a regular expression, not code.
    assert not re.search(r"(?<![\w.])(eval|exec|compile|__import__)\s*\(", source)
    assert not re.search(r"builtins\.", source)
    # Structural check: the names are not even mentioned as code (aliases, getattr tricks).
    forbidden = {"eval", "exec", "compile", "__import__", "getattr", "globals", "builtins"}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name):
            assert node.id not in forbidden, f"line {node.lineno} uses {node.id}"


def test_module_imports_only_the_standard_library():
    source = Path(expressions.__file__).read_text(encoding="utf-8")
    allowed = {"__future__", "collections", "dataclasses", "difflib", "functools", "operator", "re", "typing"}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            assert {alias.name.split(".")[0] for alias in node.names} <= allowed
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0 and node.module.split(".")[0] in allowed

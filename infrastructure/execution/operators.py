"""The comparisons a JSONPath check applies to what its path selects.

A singular path (``$.a.b[0]``) compares the one value it names; any other path
(``$.items[*].id``, ``$..id``) compares the list of every value it selects. Every
operator but ``exists`` needs a selected value: a missing one fails the check.
"""

from collections.abc import Callable
from typing import Any

from domain.shared.json_types import is_json_type, json_type
from infrastructure.execution.patterns import Pattern, SlowPatternError, compile_pattern, search
from infrastructure.execution.templating import as_text

Outcome = tuple[bool, str]


def json_equal(left: Any, right: Any) -> bool:
    """This function will compare JSON values, a boolean never equal to a number.

    A number and a string compare by the number's spelling, because a variable read
    from a header or by a regex is always text (``"42"`` then equals ``42``).
    """
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return left == right
    if isinstance(left, int | float) and isinstance(right, str):
        return as_text(left) == right
    if isinstance(left, str) and isinstance(right, int | float):
        return left == as_text(right)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(json_equal, left, right))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(json_equal(left[k], right[k]) for k in left)
    return type(left) is type(right) and bool(left == right)


def _contains(actual: Any, expected: Any) -> Outcome:
    """This function will look for the expected value inside text, a list or an object."""
    if isinstance(actual, str):
        return as_text(expected) in actual, "the text does not contain it"
    if isinstance(actual, list):
        return any(json_equal(item, expected) for item in actual), "no item equals it"
    if isinstance(actual, dict):
        if isinstance(expected, dict):
            found = all(k in actual and json_equal(actual[k], v) for k, v in expected.items())
            return found, "the object does not hold those members"
        return as_text(expected) in actual, "the object has no such key"
    return False, f"a {json_type(actual)} cannot contain anything"


def _matches(actual: Any, pattern: Pattern[str]) -> Outcome:
    """This function will search a scalar's text for the regex."""
    if isinstance(actual, list | dict):
        return False, f"a {json_type(actual)} is not text to match"
    try:
        return search(pattern, as_text(actual)) is not None, "the value does not match"
    except SlowPatternError as error:
        return False, str(error)


def _ordered(compare: Callable[[float, float], bool]) -> Callable[[Any, Any], Outcome]:
    """This function will build a numeric comparison that refuses non-numbers."""

    def check(actual: Any, expected: Any) -> Outcome:
        """This function will compare two numbers, or say which side is not one."""
        if isinstance(actual, bool) or not isinstance(actual, int | float):
            return False, f"a {json_type(actual)} is not a number"
        if isinstance(expected, bool) or not isinstance(expected, int | float):
            return False, f"the expected {json_type(expected)} is not a number"
        return compare(actual, expected), ""

    return check


def _length(actual: Any, expected: Any) -> Outcome:
    """This function will compare the length of text, a list or an object."""
    if not isinstance(actual, str | list | dict):
        return False, f"a {json_type(actual)} has no length"
    return len(actual) == expected, f"the length is {len(actual)}"


def _type(actual: Any, expected: Any) -> Outcome:
    """This function will compare the JSON type name (an integer is also a number)."""
    return is_json_type(actual, str(expected)), f"the value is a {json_type(actual)}"


_COMPARISONS: dict[str, Callable[[Any, Any], Outcome]] = {
    "equals": lambda actual, expected: (json_equal(actual, expected), ""),
    "not_equals": lambda actual, expected: (not json_equal(actual, expected), ""),
    "contains": _contains,
    "gt": _ordered(lambda actual, expected: actual > expected),
    "gte": _ordered(lambda actual, expected: actual >= expected),
    "lt": _ordered(lambda actual, expected: actual < expected),
    "lte": _ordered(lambda actual, expected: actual <= expected),
    "type": _type,
    "length": _length,
}
OPERATORS = frozenset({*_COMPARISONS, "exists", "not_null", "matches"})


def compare(
    operator: str,
    found: list[Any],
    singular: bool,
    expected: Any,
    pattern: Pattern[str] | None = None,
) -> tuple[bool, Any, str]:
    """This function will apply an operator to what a path found: (passed, actual, message)."""
    if operator == "exists":
        wanted = expected is not False
        return (
            bool(found) == wanted,
            (found[0] if singular else found) if found else None,
            ("nothing is there" if wanted else "a value is there"),
        )
    if not found:
        return False, None, "nothing is there"
    actual = found[0] if singular else found
    if operator == "not_null":
        return all(value is not None for value in found), actual, "the value is null"
    if operator == "matches":
        if pattern is None:
            pattern = compile_pattern(as_text(expected))
        passed, message = _matches(actual, pattern)
    else:
        passed, message = _COMPARISONS[operator](actual, expected)
    return passed, actual, message

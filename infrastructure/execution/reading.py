"""Readers of a case's JSON content (the shapes of domain.testing.values), strict but cheap.

The domain checked the content when the case was written; here a run only needs each
field of the right type, read in a few microseconds instead of rebuilding the value
objects for every case of every run. A wrong shape raises InvalidCaseError naming it.
"""

from typing import Any


class InvalidCaseError(Exception):
    """A case whose content cannot run; the message says what is wrong with it."""


def read_text(data: dict[str, Any], key: str, default: str | None = None) -> str:
    """This function will read a string field, or its default when absent."""
    value = data.get(key, default)
    if not isinstance(value, str):
        raise InvalidCaseError(f"{key} must be a string")
    return value


def read_optional_text(data: dict[str, Any], key: str) -> str | None:
    """This function will read a string field that may be null or absent."""
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise InvalidCaseError(f"{key} must be a string or null")
    return value


def read_text_map(data: dict[str, Any], key: str) -> dict[str, str]:
    """This function will read an object of strings (absent: empty)."""
    value = data.get(key) or {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise InvalidCaseError(f"{key} must map names to strings")
    return value


def read_list(data: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> list[Any]:
    """This function will read a list whose items are all of a kind (absent: empty)."""
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, kind) for item in value):
        raise InvalidCaseError(f"{key} must be a list")
    return value


def read_number(data: dict[str, Any], key: str, default: int | None = None) -> int | None:
    """This function will read a positive integer field, or its default when null."""
    value = data.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidCaseError(f"{key} must be a positive integer")
    return value


def read_choice(
    data: dict[str, Any], key: str, choices: frozenset[str], default: str | None = None
) -> str:
    """This function will read a string that must be one of a few values."""
    value = read_text(data, key, default)
    if value not in choices:
        raise InvalidCaseError(f"{key} must be one of {', '.join(sorted(choices))}, not {value!r}")
    return value


def read_statuses(data: dict[str, Any]) -> tuple[int, ...]:
    """This function will read the expected status codes (at least one, each 100-599)."""
    statuses = read_list(data, "expected_status", int)
    if not statuses or any(isinstance(s, bool) or not 100 <= s <= 599 for s in statuses):
        raise InvalidCaseError("expected_status must list HTTP status codes (100-599)")
    return tuple(statuses)

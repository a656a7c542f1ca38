"""Validation rules shared by the value objects of test cases."""

import re
from typing import Any

from domain.shared.errors import InvalidValueError

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT")
MAX_TIMEOUT_MS = 600_000
VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


def require_variable_name(field: str, name: str) -> None:
    """This function will refuse a name that cannot be used as a ``{{variable}}``."""
    if not VARIABLE_NAME.fullmatch(name) or len(name) > 100:
        raise InvalidValueError(field, f"'{name}' is not a valid variable name")


def require_regex(field: str, pattern: Any, *, min_groups: int = 0) -> None:
    """This function will refuse a pattern that does not compile or has too few groups."""
    if not isinstance(pattern, str):
        raise InvalidValueError(field, "must be a regular expression")
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise InvalidValueError(field, f"is not a valid regular expression ({exc})") from None
    if compiled.groups < min_groups:
        raise InvalidValueError(field, f"must capture at least {min_groups} group")


def require_header_name(field: str, name: str) -> None:
    """This function will refuse a string that is not an HTTP header name."""
    if not _HEADER_NAME.fullmatch(name):
        raise InvalidValueError(field, f"'{name}' is not a valid header name")


def require_status(field: str, status: int) -> None:
    """This function will refuse a status code outside 100-599."""
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        raise InvalidValueError(field, f"{status!r} is not an HTTP status code (100-599)")


def require_duration(field: str, milliseconds: int) -> None:
    """This function will refuse a duration outside 1 ms to ten minutes."""
    if isinstance(milliseconds, bool) or not 1 <= milliseconds <= MAX_TIMEOUT_MS:
        raise InvalidValueError(field, f"must be between 1 and {MAX_TIMEOUT_MS} ms")

"""A case's JSON content read for a run, strict but cheap.

The domain checked the content when the case was written; here a run only needs each
field of the right type, read in a few microseconds with the shared JSON field readers
(domain/shared/json_fields.py) instead of rebuilding the value objects for every case of
every run. A wrong shape is an InvalidCaseError saying why.
"""

from typing import Any

from domain.shared.json_fields import read_list


class InvalidCaseError(Exception):
    """A case whose content cannot run; the message says what is wrong with it."""


def read_statuses(data: dict[str, Any]) -> tuple[int, ...]:
    """This function will read the expected status codes (at least one, each 100-599)."""
    statuses = read_list(data, "expected_status", int)  # InvalidValueError: wrong shape
    if not statuses or any(isinstance(s, bool) or not 100 <= s <= 599 for s in statuses):
        raise InvalidCaseError("expected_status must list HTTP status codes (100-599)")
    return tuple(statuses)

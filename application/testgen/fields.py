"""Checking the fields of a test case against the value objects of the domain."""

from typing import Any

from domain.shared.errors import InconsistentValuesError, InvalidValueError
from domain.shared.values import require_text
from domain.testing.values import (
    DataSet,
    Expectations,
    Priority,
    RequestSpec,
    TestType,
    VariableExtraction,
)

# What an omitted part of a value means: the value objects' own defaults.
_DEFAULTS: dict[str, dict[str, Any]] = {
    "request": RequestSpec(method="GET", url="/").to_json(),
    "expectations": Expectations(expected_status=[200]).to_json(),
    "data_sets": DataSet(name="rows", rows=[]).to_json(),
    "variables": {"expression": "", "default": None, "header_name": None},
}


def _checked(field: str, build: Any, value: Any) -> Any:
    if not isinstance(value, dict):
        raise InvalidValueError(field, "must be an object")
    defaults = _DEFAULTS.get(field, {})
    required = {
        "request": ("method", "url"),
        "expectations": ("expected_status",),
        "data_sets": ("name", "rows"),
        "variables": ("name", "source"),
    }
    for key in required.get(field, ()):
        if key not in value:
            raise InvalidValueError(f"{field}.{key}", "is required")
    try:
        return build({**defaults, **value}).to_json()
    except InvalidValueError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise InvalidValueError(field, f"is not valid: {error}") from None


def _enum(field: str, enum: Any, value: Any) -> str:
    try:
        return str(enum(value).value)
    except ValueError:
        raise InvalidValueError(
            field, f"must be one of {', '.join(m.value for m in enum)}"
        ) from None


def _holds_nul(value: Any) -> bool:
    """This function will tell whether JSON data holds a NUL character (keys included)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def check_case_fields(values: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """This function will validate and normalise case fields (all required unless partial)."""
    for field, value in values.items():
        if _holds_nul(value):
            # PostgreSQL stores no NUL in text or jsonb: the read models would stop on it.
            raise InvalidValueError(field, "must not hold a NUL character")
    checked: dict[str, Any] = {}
    required = ("name", "test_type", "priority", "request", "expectations")
    if not partial:
        missing = [f for f in required if f not in values]
        if missing:
            raise InvalidValueError(missing[0], "is required")
    for field, value in values.items():
        if field == "name":
            if not isinstance(value, str):
                raise InvalidValueError("name", "must be text")
            checked[field] = require_text("name", value, max_length=200)
        elif field == "description":
            checked[field] = require_text(
                "description", value or "", max_length=10_000, allow_empty=True
            )
        elif field == "test_type":
            checked[field] = _enum(field, TestType, value)
        elif field == "priority":
            checked[field] = _enum(field, Priority, value)
        elif field == "tags":
            if not isinstance(value, list) or not all(
                isinstance(t, str) and 0 < len(t) <= 50 for t in value
            ):
                raise InvalidValueError("tags", "must be a list of short strings")
            checked[field] = list(dict.fromkeys(value))
        elif field == "request":
            checked[field] = _checked(field, RequestSpec.from_json, value)
        elif field == "expectations":
            checked[field] = _checked(field, Expectations.from_json, value)
        elif field == "variables":
            checked[field] = [_checked(field, VariableExtraction.from_json, v) for v in value or []]
            names = [v["name"] for v in checked[field]]
            if len(names) != len(set(names)):
                raise InconsistentValuesError("variables", "two extractions have the same name")
        elif field == "data_sets":
            checked[field] = [_checked(field, DataSet.from_json, d) for d in value or []]
            names = [d["name"] for d in checked[field]]
            if len(names) != len(set(names)):
                # Rows are named <set>#<index> in results: two sets of one name would collide.
                raise InconsistentValuesError("data_sets", "two data sets have the same name")
        elif field == "endpoint_id":
            checked[field] = None if value is None else str(value)
        elif field == "endpoint_key":
            # No key is "": the read model's endpoint_key column is NOT NULL.
            checked[field] = "" if value is None else str(value)
        else:
            raise InvalidValueError(field, "is not a field of a test case")
    return checked

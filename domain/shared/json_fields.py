"""The readers of plain JSON fields, refusing what is malformed: the one family of them.

Stored events come back as plain dicts and lists, and a run reads its cases as JSON;
these readers turn a wrong shape into an ``InvalidValueError`` naming the field, instead
of a ``KeyError`` deep in a replay. A default, where given, stands for an absent field;
an absent or null list or object is empty.
"""

import copy
import math
from collections.abc import Collection, Mapping
from enum import StrEnum
from typing import Any, TypeVar

from domain.shared.errors import InvalidValueError

JsonValue = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]
JsonObject = dict[str, Any]

_E = TypeVar("_E", bound=StrEnum)


def read_str(data: Mapping[str, Any], key: str, default: str | None = None) -> str:
    """This function will read a string (required unless a default is given)."""
    value = data.get(key, default)
    if not isinstance(value, str):
        raise InvalidValueError(key, "must be a string")
    return value


def read_enum(kind: type[_E], data: Mapping[str, Any], key: str) -> _E:
    """This function will read a string enumeration member by its value."""
    value = read_str(data, key)
    try:
        return kind(value)
    except ValueError:
        raise InvalidValueError(key, f"'{value}' is not a valid {kind.__name__}") from None


def read_optional_str(data: Mapping[str, Any], key: str) -> str | None:
    """This function will read a string that may be null or absent."""
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidValueError(key, "must be a string or null")
    return value


def read_int(data: Mapping[str, Any], key: str, default: int | None = None) -> int:
    """This function will read an integer, a boolean not being one (required unless a
    default is given)."""
    value = data.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidValueError(key, "must be an integer")
    return value


def read_optional_int(data: Mapping[str, Any], key: str) -> int | None:
    """This function will read an integer that may be null or absent."""
    return None if data.get(key) is None else read_int(data, key)


def read_bool(data: Mapping[str, Any], key: str, default: bool | None = None) -> bool:
    """This function will read a boolean (required unless a default is given)."""
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise InvalidValueError(key, "must be a boolean")
    return value


def read_list(
    data: Mapping[str, Any], key: str, kind: type | tuple[type, ...] | None = None
) -> list[Any]:
    """This function will read a list, an absent one being empty, whose items (when a
    kind is given) are all of that kind."""
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidValueError(key, "must be a list")
    if kind is not None and not all(isinstance(item, kind) for item in value):
        raise InvalidValueError(key, "must be a list of the right items")
    return value


def read_positive_int(data: Mapping[str, Any], key: str, default: int | None = None) -> int | None:
    """This function will read a positive integer, or its default when null or absent."""
    if data.get(key) is None:
        return default
    value = read_int(data, key)
    if value < 1:
        raise InvalidValueError(key, "must be a positive integer")
    return value


def read_choice(
    data: Mapping[str, Any], key: str, choices: Collection[str], default: str | None = None
) -> str:
    """This function will read a string that must be one of a few values."""
    value = read_str(data, key, default)
    if value not in choices:
        raise InvalidValueError(key, f"must be one of {', '.join(sorted(choices))}, not {value!r}")
    return value


def read_objects(data: Mapping[str, Any], key: str) -> list[JsonObject]:
    """This function will read a list of JSON objects, copied, an absent one being empty."""
    items = read_list(data, key)
    if not all(isinstance(item, dict) for item in items):
        raise InvalidValueError(key, "must be a list of objects")
    return [copy.deepcopy(item) for item in items]


def read_str_list(data: Mapping[str, Any], key: str) -> list[str]:
    """This function will read a list of strings, an absent one being empty."""
    items = read_list(data, key)
    if not all(isinstance(item, str) for item in items):
        raise InvalidValueError(key, "must be a list of strings")
    return list(items)


def read_object(data: Mapping[str, Any], key: str) -> JsonObject:
    """This function will read a JSON object, an absent one being empty."""
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidValueError(key, "must be an object")
    return value


def read_str_map(data: Mapping[str, Any], key: str) -> dict[str, str]:
    """This function will read an object whose values are all strings."""
    value = read_object(data, key)
    require_str_map(key, value)
    return dict(value)


def require_str_map(field: str, value: Any) -> None:
    """This function will refuse anything but a dict of strings to strings."""
    if not isinstance(value, dict) or not all(
        isinstance(name, str) and isinstance(item, str) for name, item in value.items()
    ):
        raise InvalidValueError(field, "must map strings to strings")


def require_json(field: str, value: Any) -> None:
    """This function will refuse a value that plain JSON cannot carry back unchanged.

    Tuples and sets would come back as lists, non-string keys as strings, and NaN or
    infinity are not JSON at all; any of them would break an exact round trip.
    """
    pending = [value]
    while pending:
        item = pending.pop()
        if item is None or isinstance(item, bool | int | str):
            continue
        if isinstance(item, float):
            if not math.isfinite(item):
                raise InvalidValueError(field, "must not contain NaN or infinity")
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, dict):
            if not all(isinstance(key, str) for key in item):
                raise InvalidValueError(field, "must only have string keys")
            pending.extend(item.values())
        else:
            raise InvalidValueError(field, f"must be plain JSON, not {type(item).__name__}")

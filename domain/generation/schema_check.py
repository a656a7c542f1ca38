"""Which constraints of a field's own schema a generated value breaks.

Every generated value is checked against every constraint of its schema (type, enum,
const, pattern, format, length, range, multipleOf, item counts) before it is called valid
or invalid, so a length boundary of an enum field is never labelled "accepted". Only the
field's own keywords are read (not nested properties): boundaries are made per field.
"""

import ipaddress
import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.generation.constraints import numeric_bounds
from domain.shared.json_types import JSON_TYPES, is_json_type

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def violations(schema: Mapping[str, Any], value: Any) -> list[str]:
    """This function will name the constraints of a schema a value breaks (none: valid)."""
    if value is None:
        return [] if _admits_null(schema) else ["null is not allowed"]
    found = _type(schema, value)
    if found:
        return found
    found += _enum(schema, value)
    if isinstance(value, str):
        found += _text(schema, value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        found += _number(schema, value)
    elif isinstance(value, list):
        found += _items(schema, value)
    return found


def _admits_null(schema: Mapping[str, Any]) -> bool:
    declared = schema.get("type")
    types = declared if isinstance(declared, list) else [declared]
    return schema.get("nullable") is True or "null" in types or declared is None


def _type(schema: Mapping[str, Any], value: Any) -> list[str]:
    declared = schema.get("type")
    types = [t for t in (declared if isinstance(declared, list) else [declared]) if t]
    if not types or any(_is(kind, value) for kind in types):
        return []
    return [f"not of type {'/'.join(str(t) for t in types)}"]


def _is(kind: Any, value: Any) -> bool:
    # A name that is no JSON type constrains nothing, as JSON Schema ignores it.
    return kind not in JSON_TYPES or is_json_type(value, kind)


def _enum(schema: Mapping[str, Any], value: Any) -> list[str]:
    found = []
    members = schema.get("enum")
    if isinstance(members, list) and members and not any(_same(value, m) for m in members):
        found.append("not one of the enum values")
    if "const" in schema and not _same(value, schema["const"]):
        found.append("not the const value")
    return found


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    return bool(left == right)


def _text(schema: Mapping[str, Any], value: str) -> list[str]:
    found = []
    least, most = schema.get("minLength"), schema.get("maxLength")
    if isinstance(least, int) and len(value) < least:
        found.append(f"shorter than minLength {least}")
    if isinstance(most, int) and len(value) > most:
        found.append(f"longer than maxLength {most}")
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        try:
            if re.search(pattern, value) is None:
                found.append(f"does not match the pattern {pattern}")
        except re.error:
            pass  # a pattern Python cannot read cannot be judged here
    fmt = schema.get("format")
    if isinstance(fmt, str) and not _formatted(fmt, value):
        found.append(f"not a valid {fmt}")
    return found


def _formatted(fmt: str, value: str) -> bool:
    checks = {
        "uuid": lambda: str(UUID(value)) == value.lower(),
        "date": lambda: date.fromisoformat(value) is not None and len(value) == 10,
        "date-time": lambda: (
            "T" in value.upper()
            and datetime.fromisoformat(value.replace("Z", "+00:00")) is not None
        ),
        "email": lambda: _EMAIL.match(value) is not None,
        "ipv4": lambda: ipaddress.IPv4Address(value) is not None,
        "ipv6": lambda: ipaddress.IPv6Address(value) is not None,
    }
    check = checks.get(fmt)
    if check is None:
        return True  # formats not judged here (uri, hostname, custom ones) pass
    try:
        return bool(check())
    except ValueError:
        return False


def _number(schema: Mapping[str, Any], value: float) -> list[str]:
    found = []
    bounds = numeric_bounds(schema)
    if bounds.lower is not None and (
        value < bounds.lower or (bounds.lower_exclusive and value == bounds.lower)
    ):
        found.append(f"below the minimum {bounds.lower:g}")
    if bounds.upper is not None and (
        value > bounds.upper or (bounds.upper_exclusive and value == bounds.upper)
    ):
        found.append(f"above the maximum {bounds.upper:g}")
    step = schema.get("multipleOf")
    if isinstance(step, int | float) and not isinstance(step, bool) and step > 0:
        ratio = value / step
        if not math.isclose(ratio, round(ratio), rel_tol=0, abs_tol=1e-9):
            found.append(f"not a multiple of {step:g}")
    limits = _INT_RANGES.get(str(schema.get("format")))
    if limits is not None and not limits[0] <= value <= limits[1]:
        found.append(f"out of the {schema.get('format')} range")
    return found


def _items(schema: Mapping[str, Any], value: list[Any]) -> list[str]:
    found = []
    least, most = schema.get("minItems"), schema.get("maxItems")
    if isinstance(least, int) and len(value) < least:
        found.append(f"fewer items than minItems {least}")
    if isinstance(most, int) and len(value) > most:
        found.append(f"more items than maxItems {most}")
    items = schema.get("items")
    if isinstance(items, Mapping):
        for item in value:
            broken = violations(items, item)
            if broken:
                found.append(f"an item: {broken[0]}")
                break
    return found

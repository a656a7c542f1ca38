"""Identifiers that name nothing: well-formed for their schema, yet no resource's.

A uuid is a fresh one. A number lies above every value the schema allows when it bounds
them (orderId in 1..10: each may exist, 11 cannot), else far above any real one. A string
is a word no one uses, shaped to the schema's length, pattern and format, or outside its
enum.
"""

import math
import re
from dataclasses import dataclass
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from domain.generation.constraints import main_type, numeric_bounds
from domain.generation.values_from_schema import value_from_schema

UNKNOWN_INTEGER = 999_999_999
UNKNOWN_TEXT = "does-not-exist-0000"
_TRIES = 8


@dataclass(frozen=True, slots=True)
class UnknownId:
    """An identifier for a not-found case, and which constraint it breaks ("" for none)."""

    value: str
    outside: str = ""


def unknown_id(schema: dict[str, Any], *, known: list[str], salt: str) -> UnknownId:
    """This function will give an identifier that is valid in form but names nothing."""
    if schema.get("format") == "uuid":
        return UnknownId(str(uuid5(NAMESPACE_URL, f"testament:unknown:{salt}")))
    if main_type(schema) in ("integer", "number"):
        return _number(schema)
    return _text(schema, known, salt)


def _number(schema: dict[str, Any]) -> UnknownId:
    step = schema.get("multipleOf")
    step = step if isinstance(step, int | float) and step > 0 else 1
    members = [m for m in schema.get("enum") or [] if isinstance(m, int | float)]
    bounds = numeric_bounds(schema)
    if members:
        value, outside = _multiple_above(max(members), step, open_=True), "not one of the enum"
    elif bounds.upper is not None:
        value = _multiple_above(bounds.upper, step, open_=not bounds.upper_exclusive)
        outside = f"above the maximum {_spell(bounds.upper)}"
    else:
        floor = max(UNKNOWN_INTEGER, (bounds.lower or 0) + UNKNOWN_INTEGER)
        value, outside = _multiple_above(floor, step, open_=False), ""
    return UnknownId(_spell(value), outside)


def _multiple_above(limit: float, step: float, *, open_: bool) -> float:
    """This function will give the smallest multiple of step past limit (or at it, when
    limit itself is not allowed)."""
    count = math.floor(limit / step) + 1 if open_ else math.ceil(limit / step)
    return count * step


def _spell(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else repr(number)


def _text(schema: dict[str, Any], known: list[str], salt: str) -> UnknownId:
    members = [m for m in schema.get("enum") or [] if isinstance(m, str)]
    if members:
        value = UNKNOWN_TEXT
        while value in members:
            value += "-x"
        return UnknownId(value, "not one of the enum")
    candidate = _sized(UNKNOWN_TEXT, schema)
    if not schema.get("format") and _matches(schema, candidate):
        return UnknownId(candidate)
    for attempt in range(_TRIES):
        made = value_from_schema(schema, seed=f"unknown:{salt}:{attempt}").value
        if isinstance(made, str | int | float) and str(made) not in known:
            return UnknownId(str(made))
    return UnknownId(candidate)


def _sized(text: str, schema: dict[str, Any]) -> str:
    least, most = schema.get("minLength"), schema.get("maxLength")
    if isinstance(least, int) and len(text) < least:
        text += "0" * (least - len(text))
    if isinstance(most, int) and most > 0:
        text = text[:most]
    return text


def _matches(schema: dict[str, Any], text: str) -> bool:
    pattern = schema.get("pattern")
    if not isinstance(pattern, str):
        return True
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return True

"""Length boundaries: string lengths and array sizes, one short and one past each limit."""

import json
import random
import re
from collections.abc import Callable, Mapping
from typing import Any

from domain.generation.edges import BoundaryValue, natural
from domain.generation.patterns import string_matching
from domain.shared.json_fields import JsonValue

# Formats that stay valid when letters are put in front ("xxalpha@example.com").
_PADDABLE_FORMATS = ("", "password", "binary", "email", "idn-email", "hostname")
_MAX_ARRAY = 1000


def string_lengths(
    schema: Mapping[str, Any], base: JsonValue, rng: random.Random
) -> list[BoundaryValue]:
    """This function will give strings of lengths minLength-1, minLength, maxLength, maxLength+1."""
    least, most = natural(schema.get("minLength")), natural(schema.get("maxLength"))
    text = base if isinstance(base, str) and base else "x"
    found: list[BoundaryValue] = []
    if least is not None:
        if least >= 1:
            found.append(
                _length(
                    _sized(text, least - 1),
                    "minLength-1",
                    False,
                    f"{_characters(least - 1)}, one under minLength {least}",
                )
            )
        inside = _fit_inside(text, least, schema, rng)
        if inside is not None:
            found.append(
                _length(inside, "minLength", True, f"{_characters(least)}, exactly minLength")
            )
    if most is not None:
        inside = _fit_inside(text, most, schema, rng)
        if inside is not None:
            found.append(
                _length(inside, "maxLength", True, f"{_characters(most)}, exactly maxLength")
            )
        found.append(
            _length(
                _sized(text, most + 1),
                "maxLength+1",
                False,
                f"{_characters(most + 1)}, one over maxLength {most}",
            )
        )
    return found


def _characters(count: int) -> str:
    return "1 character" if count == 1 else f"{count} characters"


def _length(value: str, label: str, inside: bool, description: str) -> BoundaryValue:
    return BoundaryValue(label=label, value=value, inside=inside, description=description)


def _sized(text: str, length: int) -> str:
    """This function will pad (in front) or cut a string to an exact length."""
    if len(text) >= length:
        return text[:length]
    return "x" * (length - len(text)) + text


def _fit_inside(
    text: str, length: int, schema: Mapping[str, Any], rng: random.Random
) -> str | None:
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        candidate = _sized(text, length)
        if _matches(pattern, candidate):
            return candidate
        return string_matching(pattern, rng, min_length=length, max_length=length)
    if len(text) == length:
        return text
    declared_format = str(schema.get("format", ""))
    if declared_format not in _PADDABLE_FORMATS:
        return None
    if declared_format and len(text) > length:
        return None  # cutting a formatted value (an e-mail address) would break its format
    return _sized(text, length)


def _matches(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False


def array_sizes(
    schema: Mapping[str, Any], base: JsonValue, make_item: Callable[[int], JsonValue]
) -> list[BoundaryValue]:
    """This function will give arrays of minItems-1, minItems, maxItems and maxItems+1 items."""
    least, most = natural(schema.get("minItems")), natural(schema.get("maxItems"))
    unique = schema.get("uniqueItems") is True
    items = list(base) if isinstance(base, list) else []
    plan: list[tuple[int, str, bool, str]] = []
    if least is not None:
        if least >= 1:
            plan.append((least - 1, "minItems-1", False, f"one item under minItems {least}"))
        plan.append((least, "minItems", True, "exactly minItems"))
    if most is not None:
        plan.append((most, "maxItems", True, "exactly maxItems"))
        plan.append((most + 1, "maxItems+1", False, f"one item over maxItems {most}"))
    found = []
    for size, label, inside, description in plan:
        array = _array_of(size, items, make_item, unique)
        if array is not None:
            found.append(
                BoundaryValue(
                    label=label,
                    value=array,
                    inside=inside,
                    description=f"{size} item{'' if size == 1 else 's'}: {description}",
                )
            )
    return found


def _array_of(
    size: int, items: list[JsonValue], make_item: Callable[[int], JsonValue], unique: bool
) -> list[JsonValue] | None:
    if size > _MAX_ARRAY:
        return None
    result: list[JsonValue] = []
    seen: set[str] = set()
    index = 0
    while len(result) < size and index < size * 4 + 4:
        item = items[index] if index < len(items) else make_item(index)
        index += 1
        fingerprint = json.dumps(item, sort_keys=True)
        if unique and fingerprint in seen:
            continue
        seen.add(fingerprint)
        result.append(item)
    return result if len(result) == size else None

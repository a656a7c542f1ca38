"""Choosing numbers inside a schema's range, on the grid its ``multipleOf`` and type set.

Values are ``k * step`` for an integer ``k``: integers step by 1, multiples by
``multipleOf`` and other numbers by a small decimal step, so every value printed to
JSON is exactly the one that was meant.
"""

import math
import random
from collections.abc import Mapping
from typing import Any

from domain.generation.constraints import numeric_bounds

Number = int | float

_SPAN = 100


def number_step(schema: Mapping[str, Any], *, integer: bool) -> Number:
    """This function will give the distance between two neighbouring valid values."""
    multiple = schema.get("multipleOf")
    if isinstance(multiple, int | float) and not isinstance(multiple, bool) and multiple > 0:
        if integer and isinstance(multiple, float) and multiple.is_integer():
            return int(multiple)
        return multiple
    return 1 if integer else 0.01


def on_grid(index: int, step: Number) -> Number:
    """This function will give ``index * step``, free of binary floating-point noise."""
    if isinstance(step, int):
        return index * step
    return round(index * step, _decimals(step))


def lowest_index(bound: float, step: Number, *, exclusive: bool) -> int:
    """This function will give the first grid index at or above (above if exclusive) a bound."""
    ratio = round(bound / step, 9)
    index = math.ceil(ratio)
    return index + 1 if exclusive and index == ratio else index


def highest_index(bound: float, step: Number, *, exclusive: bool) -> int:
    """This function will give the last grid index at or below (below if exclusive) a bound."""
    ratio = round(bound / step, 9)
    index = math.floor(ratio)
    return index - 1 if exclusive and index == ratio else index


def choose_number(schema: Mapping[str, Any], rng: random.Random, *, integer: bool) -> Number | None:
    """This function will pick a valid number for a schema, None when its range is empty."""
    step = number_step(schema, integer=integer)
    if not integer and "multipleOf" not in schema and _is_wide(schema):
        # A half step gives readable sample numbers (12.5) where the range allows it.
        step = 0.5
    bounds = numeric_bounds(schema)
    low = (
        None
        if bounds.lower is None
        else lowest_index(bounds.lower, step, exclusive=bounds.lower_exclusive)
    )
    high = (
        None
        if bounds.upper is None
        else highest_index(bounds.upper, step, exclusive=bounds.upper_exclusive)
    )
    if low is None and high is not None:
        # Only a maximum: prefer small positive numbers, as real identifiers and counts are.
        low = max(1, high - _SPAN) if high >= 1 else high - _SPAN
    if low is None:
        low = 1
    if high is None:
        high = low + _SPAN
    if low > high:
        return None
    index = rng.randint(low, min(high, low + _SPAN))
    value = on_grid(index, step)
    # Validators test multipleOf by float division (0.94 / 0.01 is 93.99999999999999), so
    # move along the grid to a value whose quotient is exact, when the range has one.
    for candidate in range(index + 1, min(high, index + _SPAN) + 1):
        if not isinstance(step, float) or (value / step).is_integer():
            break
        value = on_grid(candidate, step)
    return int(value) if integer else value


def _is_wide(schema: Mapping[str, Any]) -> bool:
    bounds = numeric_bounds(schema)
    if bounds.lower is None or bounds.upper is None:
        return True
    return bounds.upper - bounds.lower >= 5


def _decimals(step: float) -> int:
    text = f"{step:.12f}".rstrip("0")
    return max(len(text.partition(".")[2]), 0) + 2

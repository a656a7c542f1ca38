"""Numeric boundaries: each end of a range from both sides, and ``multipleOf``.

Integers step by 1, numbers by their ``multipleOf`` or 0.01; an exclusive bound is
itself the value just outside.
"""

from collections.abc import Mapping
from typing import Any

from domain.generation.constraints import numeric_bounds
from domain.generation.edges import BoundaryValue, shown
from domain.generation.numbers import Number, highest_index, lowest_index, number_step, on_grid
from domain.shared.json_fields import JsonValue


def number_boundaries(
    schema: Mapping[str, Any], base: JsonValue, *, integer: bool
) -> list[BoundaryValue]:
    """This function will give the nearest values on both sides of each end of the range."""
    step = number_step(schema, integer=integer)
    size = shown(step)
    bounds = numeric_bounds(schema)
    found: list[BoundaryValue] = []
    if bounds.lower is not None:
        first = lowest_index(bounds.lower, step, exclusive=bounds.lower_exclusive)
        edge = "exclusiveMinimum" if bounds.lower_exclusive else "minimum"
        below, at = (edge, f"{edge}+{size}") if bounds.lower_exclusive else (f"{edge}-{size}", edge)
        limit = shown(bounds.lower)
        found.append(
            _number(
                on_grid(first - 1, step), integer, below, False, f"just below the {edge} {limit}"
            )
        )
        found.append(
            _number(
                on_grid(first, step),
                integer,
                at,
                True,
                f"the smallest value the {edge} {limit} allows",
            )
        )
    if bounds.upper is not None:
        last = highest_index(bounds.upper, step, exclusive=bounds.upper_exclusive)
        edge = "exclusiveMaximum" if bounds.upper_exclusive else "maximum"
        at, above = (f"{edge}-{size}", edge) if bounds.upper_exclusive else (edge, f"{edge}+{size}")
        limit = shown(bounds.upper)
        found.append(
            _number(
                on_grid(last, step),
                integer,
                at,
                True,
                f"the largest value the {edge} {limit} allows",
            )
        )
        found.append(
            _number(
                on_grid(last + 1, step), integer, above, False, f"just above the {edge} {limit}"
            )
        )
    if "multipleOf" in schema:
        found += _multiples(schema, base, step, integer)
    return found


def _number(
    value: Number, integer: bool, label: str, inside: bool, description: str
) -> BoundaryValue:
    if isinstance(value, float):
        value = int(value) if integer and value.is_integer() else round(value, 10)
    return BoundaryValue(
        label=label, value=value, inside=inside, description=f"{shown(value)}: {description}"
    )


def _multiples(
    schema: Mapping[str, Any], base: JsonValue, step: Number, integer: bool
) -> list[BoundaryValue]:
    valid = (
        base if isinstance(base, int | float) and not isinstance(base, bool) else on_grid(1, step)
    )
    found = [_number(valid, integer, "multipleOf", True, f"a multiple of {shown(step)}")]
    if integer and (not isinstance(step, int) or step <= 1):
        return found  # every integer is a multiple of 1: no integer can break it
    offset: Number = 1 if integer else step / 2
    bounds = numeric_bounds(schema)
    for candidate in (valid + offset, valid - offset):
        above = bounds.lower is None or candidate > bounds.lower
        below = bounds.upper is None or candidate < bounds.upper
        if above and below:
            found.append(
                _number(
                    candidate, integer, "notMultipleOf", False, f"not a multiple of {shown(step)}"
                )
            )
            break
    return found

"""Boundary values of a field: each constraint probed just inside and just outside.

Strings get lengths ``minLength-1`` (when not negative), ``minLength``, ``maxLength``
and ``maxLength+1``; numbers their smallest and largest valid values and the nearest
invalid ones (a step of 1 for integers, ``multipleOf`` or 0.01 for numbers, exclusive
bounds included); ``multipleOf`` a multiple and a non-multiple; an ``enum`` its members
and one value outside it; arrays their ``minItems`` and ``maxItems`` and one past each.
"""

import json
import random
from collections.abc import Callable, Mapping
from typing import Any

from domain.generation.constraints import main_type
from domain.generation.edges import BoundaryValue
from domain.generation.length_boundaries import array_sizes, string_lengths
from domain.generation.number_boundaries import number_boundaries
from domain.testing.json_fields import JsonValue

__all__ = ["BoundaryValue", "boundary_values", "outside_enum"]


def boundary_values(
    schema: Mapping[str, Any],
    *,
    base: JsonValue,
    limit: int,
    rng: random.Random,
    make_item: Callable[[int], JsonValue],
) -> list[BoundaryValue]:
    """This function will list at most ``limit`` boundary values of a field's schema.

    ``base`` is a valid value the others are derived from; ``make_item(n)`` gives the
    n-th valid array item. Inside values that would break another constraint (a pattern,
    a format) are left out rather than mislabelled.
    """
    kind = main_type(schema)
    found: list[BoundaryValue] = []
    if kind == "string":
        found += string_lengths(schema, base, rng)
    elif kind in ("integer", "number"):
        found += number_boundaries(schema, base, integer=kind == "integer")
    elif kind == "array":
        found += array_sizes(schema, base, make_item)
    members = schema.get("enum")
    if isinstance(members, list) and members and limit > 0:
        found += _enum(members, max(limit - 1, 1))
    return found[:limit]


def _enum(members: list[Any], budget: int) -> list[BoundaryValue]:
    found = [
        BoundaryValue(
            label=f"enum[{index}]",
            value=member,
            inside=True,
            description=f"the allowed value {json.dumps(member)}",
        )
        for index, member in enumerate(members[:budget])
    ]
    outside = outside_enum(members)
    found.append(
        BoundaryValue(
            label="notInEnum",
            value=outside,
            inside=False,
            description=f"{json.dumps(outside)}, not one of the allowed values",
        )
    )
    return found


def outside_enum(members: list[Any]) -> JsonValue:
    """This function will give a value of the members' type that is not one of them."""
    numbers = [
        item for item in members if isinstance(item, int | float) and not isinstance(item, bool)
    ]
    if numbers and len(numbers) == len(members):
        return max(numbers) + 1
    strings = [item for item in members if isinstance(item, str)]
    candidate = f"{strings[0]}_not_allowed" if strings else "not_an_allowed_value"
    while candidate in members:
        candidate += "_x"
    return candidate

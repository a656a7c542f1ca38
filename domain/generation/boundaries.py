"""Boundary values of a field: each constraint probed just inside and just outside.

Strings get lengths ``minLength-1`` (when not negative), ``minLength``, ``maxLength``
and ``maxLength+1``; numbers their smallest and largest valid values and the nearest
invalid ones (a step of 1 for integers, ``multipleOf`` or 0.01 for numbers, exclusive
bounds included); ``multipleOf`` a multiple and a non-multiple; an ``enum`` its members
and one value outside it; arrays their ``minItems`` and ``maxItems`` and one past each,
and an item outside the items' enum; free text a valid string beyond ASCII.

Values outside a constraint come before values inside it: a server that accepts what its
document refuses (an off-by-one bound) is the commoner bug, and a budget cuts from the end.
"""

import json
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.generation.constraints import main_type
from domain.generation.edges import BoundaryValue
from domain.generation.length_boundaries import array_sizes, string_lengths
from domain.generation.non_ascii import non_ascii_string
from domain.generation.number_boundaries import number_boundaries
from domain.generation.schema_check import violations
from domain.shared.json_fields import JsonValue

__all__ = ["BoundaryValue", "FieldBoundaries", "boundary_values", "outside_enum"]


@dataclass(frozen=True, kw_only=True, slots=True)
class FieldBoundaries:
    """A field's boundary values: the rules that made them, the values kept in the order a
    budget should take them, and the values set aside with the reason."""

    rules: list[str]
    values: list[BoundaryValue]
    dropped: list[tuple[BoundaryValue, str]] = field(default_factory=list)


def boundary_values(
    schema: Mapping[str, Any],
    *,
    base: JsonValue,
    limit: int,
    rng: random.Random,
    make_item: Callable[[int], JsonValue],
    non_ascii: bool = True,
) -> FieldBoundaries:
    """This function will list at most ``limit`` boundary values of a field's schema.

    ``base`` is a valid value the others are derived from; ``make_item(n)`` gives the
    n-th valid array item. Every value's label is checked against every constraint of the
    schema: a value said to be inside that breaks another constraint (a length boundary
    of an enum, a pattern, a format), or one said to be outside that breaks none, is set
    aside rather than mislabelled. The limit is shared fairly: the values outside a
    constraint first, then those inside, and within each each rule (length, range,
    multipleOf, enum, items) gives its first value before any gives its second; a valid
    non-ASCII text comes last.
    ``non_ascii`` is False where text beyond ASCII cannot travel as is (a header).
    """
    kind = main_type(schema)
    groups: dict[str, list[BoundaryValue]] = {}
    if kind == "string":
        groups["length"] = string_lengths(schema, base, rng)
        text = non_ascii_string(schema) if non_ascii else None
        if text is not None:
            groups["non-ASCII"] = [text]
    elif kind in ("integer", "number"):
        for value in number_boundaries(schema, base, integer=kind == "integer"):
            rule = "multipleOf" if value.label in ("multipleOf", "notMultipleOf") else "range"
            groups.setdefault(rule, []).append(value)
    elif kind == "array":
        groups["items"] = array_sizes(schema, base, make_item)
        items = schema.get("items")
        item_members = items.get("enum") if isinstance(items, Mapping) else None
        if isinstance(item_members, list) and item_members:
            outside = outside_enum(item_members)
            groups["item enum"] = [
                BoundaryValue(
                    label="itemNotInEnum",
                    value=[outside],
                    inside=False,
                    description=f"[{json.dumps(outside)}], an item not one of the allowed values",
                )
            ]
    members = schema.get("enum")
    if isinstance(members, list) and members:
        groups["enum"] = _enum(members)
    checked: dict[str, list[BoundaryValue]] = {}
    dropped: list[tuple[BoundaryValue, str]] = []
    for rule, values in groups.items():
        for value in values:
            problems = violations(schema, value.value)
            if value.inside and problems:
                dropped.append((value, f"said to be valid, but {', '.join(problems)}"))
            elif not value.inside and not problems:
                dropped.append((value, "said to be invalid, but it meets every constraint"))
            else:
                checked.setdefault(rule, []).append(value)
    ordered: list[BoundaryValue] = []
    seen: dict[str, str] = {}
    # Text beyond ASCII is a rule of its own, after the edges of the declared constraints:
    # it fills a field's room but never takes a length boundary's place.
    extra = checked.pop("non-ASCII", [])
    refused = _in_turn([[v for v in values if not v.inside] for values in checked.values()])
    accepted = _in_turn([[v for v in values if v.inside] for values in checked.values()]) + extra
    for value in refused + accepted:
        shown = json.dumps(value.value, sort_keys=True)
        if shown in seen:
            dropped.append((value, f"the same value as {seen[shown]}"))
            continue
        seen[shown] = value.label
        ordered.append(value)
    dropped += [
        (value, f"over the limit of {limit} boundary values per field") for value in ordered[limit:]
    ]
    return FieldBoundaries(rules=list(groups), values=ordered[:limit], dropped=dropped)


def _in_turn(groups: list[list[BoundaryValue]]) -> list[BoundaryValue]:
    """This function will take one value of each group in turn, until all are taken."""
    found: list[BoundaryValue] = []
    for index in range(max((len(group) for group in groups), default=0)):
        found += [group[index] for group in groups if index < len(group)]
    return found


def _enum(members: list[Any]) -> list[BoundaryValue]:
    """This function will give the value outside the enum first (what a budget must not
    lose), then each member."""
    outside = outside_enum(members)
    found = [
        BoundaryValue(
            label="notInEnum",
            value=outside,
            inside=False,
            description=f"{json.dumps(outside)}, not one of the allowed values",
        )
    ]
    found += [
        BoundaryValue(
            label=f"enum[{index}]",
            value=member,
            inside=True,
            description=f"the allowed value {json.dumps(member)}",
        )
        for index, member in enumerate(members)
    ]
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

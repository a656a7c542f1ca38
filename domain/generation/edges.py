"""The boundary value type, and small helpers shared by the boundary modules."""

from dataclasses import dataclass
from typing import Any

from domain.shared.json_fields import JsonValue


@dataclass(frozen=True, kw_only=True, slots=True)
class BoundaryValue:
    """A value on one side of a constraint's edge, with a label for case keys."""

    label: str
    value: JsonValue
    inside: bool
    description: str


def natural(value: Any) -> int | None:
    """This function will give a non-negative integer keyword's value, None otherwise."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def shown(value: int | float) -> str:
    """This function will write a number without a needless ".0"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)

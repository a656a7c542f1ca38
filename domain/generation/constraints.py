"""Reading JSON Schema constraints: ``$ref`` lookup, ``allOf`` merging, types and bounds.

Schemas in a parsed specification have their references inlined, except those left in
``ParsedSpecification.schemas`` (recursive ones); ``SchemaReader`` follows those, a
bounded number of times.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from domain.shared.json_types import JSON_TYPES

JsonSchema = Mapping[str, Any]

_LOWER_WINS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
_HIGHER_WINS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")


@dataclass(frozen=True, kw_only=True, slots=True)
class NumericBounds:
    """The range a number must fall in, each end open or closed, or absent."""

    lower: float | None
    lower_exclusive: bool
    upper: float | None
    upper_exclusive: bool


class SchemaReader:
    """A reader of schemas that resolves the ``$ref`` pointers a specification left in."""

    def __init__(self, schemas: Mapping[str, Any]) -> None:
        self._schemas = schemas

    def target(self, ref: str) -> dict[str, Any] | None:
        """This function will give the schema a ``$ref`` points at, or None if unknown."""
        found = self._schemas.get(ref)
        return found if isinstance(found, dict) else None

    def resolve(self, schema: Any) -> dict[str, Any]:
        """This function will follow ``$ref`` chains and merge ``allOf`` into one schema.

        Sibling keywords of a ``$ref`` win over the target's (OpenAPI 3.1 allows them).
        An unknown or circular reference resolves to the empty schema, which accepts all.
        """
        seen: list[str] = []
        current: dict[str, Any] = dict(schema) if isinstance(schema, Mapping) else {}
        while isinstance(current.get("$ref"), str):
            ref = current.pop("$ref")
            target = self.target(ref)
            if target is None or ref in seen:
                break
            seen.append(ref)
            current = {**target, **current}
        branches = current.pop("allOf", None)
        if isinstance(branches, list):
            for branch in branches:
                current = merge(current, self.resolve(branch))
        return current


def merge(left: Mapping[str, Any], right: Mapping[str, Any]) -> dict[str, Any]:
    """This function will combine two schemas a value must both satisfy (``allOf``).

    Properties and required names are unioned (a property both describe is merged too), the
    tighter numeric or length bound is kept, and for anything else the left schema's
    keyword wins.
    """
    merged = {**right, **left}
    ours, theirs = _mapping(left.get("properties")), _mapping(right.get("properties"))
    properties = {**theirs, **ours}
    for name in ours.keys() & theirs.keys():
        # rev.ai: one branch describes `delete_after_seconds`, the other types it; a value
        # must meet both, so both are kept (a reference is left for its reader to follow).
        mine, other = ours[name], theirs[name]
        if isinstance(mine, Mapping) and isinstance(other, Mapping):
            referenced = "$ref" in mine or "$ref" in other
            properties[name] = {"allOf": [mine, other]} if referenced else merge(mine, other)
    if properties:
        merged["properties"] = properties
    required = [*_names(left.get("required")), *_names(right.get("required"))]
    if required:
        merged["required"] = list(dict.fromkeys(required))
    for key in _LOWER_WINS + _HIGHER_WINS:
        values = [side[key] for side in (left, right) if _is_number(side.get(key)) and key in side]
        if len(values) == 2:
            merged[key] = min(values) if key in _LOWER_WINS else max(values)
    return merged


def schema_types(schema: JsonSchema) -> list[str]:
    """This function will list the JSON types a schema names or implies, nullable included."""
    declared = schema.get("type")
    if isinstance(declared, str):
        types = [declared]
    elif isinstance(declared, list):
        types = [item for item in declared if item in JSON_TYPES]
    elif isinstance(schema.get("properties"), Mapping) or "required" in schema:
        types = ["object"]
    elif "items" in schema or "prefixItems" in schema:
        types = ["array"]
    elif any(key in schema for key in ("minLength", "maxLength", "pattern", "format")):
        types = ["string"]
    elif any(key in schema for key in ("minimum", "maximum", "multipleOf")):
        types = ["number"]
    else:
        types = []
    if schema.get("nullable") is True and "null" not in types:
        types.append("null")
    return types


def main_type(schema: JsonSchema) -> str:
    """This function will name the first non-null type of a schema, "" when it has none."""
    return next((kind for kind in schema_types(schema) if kind != "null"), "")


def numeric_bounds(schema: JsonSchema) -> NumericBounds:
    """This function will read a number's range in either OpenAPI 3.0 or 3.1 style.

    OpenAPI 3.0 marks ``minimum`` exclusive with ``exclusiveMinimum: true``; OpenAPI 3.1
    (JSON Schema 2020-12) gives the exclusive bound itself as a number.
    """
    lower, lower_open = _bound(schema, "minimum", "exclusiveMinimum", max)
    upper, upper_open = _bound(schema, "maximum", "exclusiveMaximum", min)
    return NumericBounds(
        lower=lower, lower_exclusive=lower_open, upper=upper, upper_exclusive=upper_open
    )


def _bound(
    schema: JsonSchema, inclusive_key: str, exclusive_key: str, tighter: Any
) -> tuple[float | None, bool]:
    inclusive = schema.get(inclusive_key)
    exclusive = schema.get(exclusive_key)
    inclusive = inclusive if _is_number(inclusive) else None
    if exclusive is True and inclusive is not None:
        return inclusive, True
    if not _is_number(exclusive):
        return inclusive, False
    if inclusive is None or tighter(inclusive, exclusive) == exclusive:
        return exclusive, True
    return inclusive, False


def property_schemas(schema: JsonSchema) -> dict[str, Any]:
    """This function will give an object schema's properties, an empty dict when none."""
    return dict(_mapping(schema.get("properties")))


def required_names(schema: JsonSchema) -> list[str]:
    """This function will list the required property names of an object schema."""
    return _names(schema.get("required"))


def is_read_only(schema: Any) -> bool:
    """This function will tell whether a property is only ever sent by the server."""
    return isinstance(schema, Mapping) and schema.get("readOnly") is True


def explicit_value(schema: Mapping[str, Any]) -> list[Any] | None:
    """This function will give the value the schema itself offers, boxed, or None."""
    if "example" in schema:
        return [schema["example"]]
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return [examples[0]]
    for key in ("default", "const"):
        if key in schema:
            return [schema[key]]
    members = schema.get("enum")
    if isinstance(members, list) and members:
        return [members[0]]
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _names(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []

"""Synthesising a valid JSON value for a JSON Schema, deterministically for a seed.

The schema's own ``example`` / ``examples`` come first, then ``default``, then
``const`` or the first ``enum`` member, and only then a generated value meeting the
type, format, lengths, pattern, range, ``multipleOf``, item and property constraints.
Where a constraint could not be met the value is still given and a note says why.
"""

import copy
import json
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from domain.generation.constraints import (
    SchemaReader,
    explicit_value,
    is_read_only,
    main_type,
    merge,
    property_schemas,
    required_names,
    schema_types,
)
from domain.generation.edges import natural
from domain.generation.formats import string_value, word
from domain.generation.numbers import choose_number
from domain.generation.schema_check import violations
from domain.shared.json_fields import JsonValue

DEFAULT_MAX_REF_DEPTH = 2
_MAX_NESTING = 12
_OPTIONAL_DEPTH = 3
_MAX_PROPERTIES = 20
_UNIQUE_ATTEMPTS = 8
# How deep an example is checked against the schemas inside its own (properties, items).
_EXAMPLE_DEPTH = 6


class _TooDeepError(Exception):
    """Raised where following one more ``$ref`` would pass the recursion bound."""


@dataclass(frozen=True, kw_only=True, slots=True)
class SynthesisedValue:
    """A value generated for a schema, with notes on constraints it could not honour."""

    value: JsonValue
    notes: list[str]


def value_from_schema(
    schema: Any,
    *,
    schemas: Mapping[str, Any] | None = None,
    seed: int | str = 0,
    max_ref_depth: int = DEFAULT_MAX_REF_DEPTH,
) -> SynthesisedValue:
    """This function will synthesise a valid value for ``schema``, the same for a seed.

    ``schemas`` resolves ``$ref`` pointers left in the schema; a pointer already
    followed ``max_ref_depth`` times on the way down is not followed again.
    """
    synthesiser = ValueSynthesiser(
        SchemaReader(schemas or {}), random.Random(seed), max_ref_depth=max_ref_depth
    )
    value = synthesiser.value(schema)
    return SynthesisedValue(value=value, notes=synthesiser.notes)


class ValueSynthesiser:
    """A generator of request values, skipping read-only properties a server sets itself."""

    def __init__(
        self,
        reader: SchemaReader,
        rng: random.Random,
        *,
        max_ref_depth: int = DEFAULT_MAX_REF_DEPTH,
    ) -> None:
        self._reader = reader
        self._rng = rng
        self._max_ref_depth = max_ref_depth
        self.notes: list[str] = []

    def value(self, schema: Any) -> JsonValue:
        """This function will give a valid value for the schema (None if none can be made)."""
        try:
            return self._value(schema, [], 0)
        except _TooDeepError:
            self._note("the schema requires more recursion than the depth bound allows")
            return None

    def breaks(self, schema: Any, value: Any) -> list[str]:
        """This function will name what a value breaks in a schema, nested values included
        (empty: the value is valid as far as a generator can tell)."""
        try:
            flat, trail = self._flatten(schema, [])
        except _TooDeepError:
            return []
        return self._breaks(flat, value, trail, 0)

    def _note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def _flatten(self, schema: Any, trail: list[str]) -> tuple[dict[str, Any], list[str]]:
        """This function will resolve references and merge ``allOf``, counting references.

        ``trail`` lists the references followed on the way down; one already followed
        ``max_ref_depth`` times raises ``_TooDeepError``.
        """
        current: dict[str, Any] = dict(schema) if isinstance(schema, Mapping) else {}
        while isinstance(current.get("$ref"), str):
            ref = current.pop("$ref")
            target = self._reader.target(ref)
            if target is None:
                self._note(f"the reference '{ref}' could not be resolved")
                break
            if trail.count(ref) >= self._max_ref_depth:
                raise _TooDeepError(ref)
            trail = [*trail, ref]
            current = {**target, **current}
        branches = current.pop("allOf", None)
        if isinstance(branches, list):
            for branch in branches:
                flat, trail = self._flatten(branch, trail)
                current = merge(current, flat)
        return current, trail

    def _value(self, schema: Any, trail: list[str], depth: int) -> JsonValue:
        if schema is False:
            self._note("a schema of false accepts no value")
            return None
        if depth > _MAX_NESTING:
            raise _TooDeepError("nesting")
        flat, trail = self._flatten(schema, trail)
        explicit = explicit_value(flat)
        problems = [] if explicit is None else self._breaks(flat, explicit[0], trail, 0)
        if problems:
            # An example or default that breaks its own schema ("type": "string",
            # "default": null; an object example with "middleName": null) would make a
            # valid request invalid: generate one instead.
            self._note(
                f"the schema's own value {json.dumps(explicit[0] if explicit else None)[:60]} "
                f"breaks it ({', '.join(problems[:3])}); a valid one was generated"
            )
            explicit = None
        if explicit is not None:
            chosen: JsonValue = copy.deepcopy(explicit[0])
            return chosen
        branches = flat.get("oneOf", flat.get("anyOf"))
        if isinstance(branches, list) and branches:
            return self._first_branch(flat, branches, trail, depth)
        kind = main_type(flat)
        try:
            return self._typed(kind, flat, trail, depth)
        except _TooDeepError:
            if "null" in schema_types(flat):
                return None
            raise

    def _breaks(self, flat: dict[str, Any], value: Any, trail: list[str], depth: int) -> list[str]:
        """This function will name what a value breaks in a schema and, through objects'
        properties and arrays' items, in the schemas inside it (bounded)."""
        found = violations(flat, value)
        if found or depth >= _EXAMPLE_DEPTH:
            return found
        inner: list[tuple[str, Any, Any]] = []
        if isinstance(value, dict):
            properties = property_schemas(flat)
            inner = [
                (f".{name}", properties[name], item)
                for name, item in value.items()
                if name in properties
            ]
        elif isinstance(value, list) and isinstance(flat.get("items"), Mapping):
            inner = [(f"[{index}]", flat["items"], item) for index, item in enumerate(value)]
        for where, schema, item in inner:
            try:
                child, child_trail = self._flatten(schema, trail)
            except _TooDeepError:
                continue
            found += [
                f"{where}: {problem}"
                for problem in self._breaks(child, item, child_trail, depth + 1)
            ]
            if found:
                return found
        return found

    def _first_branch(
        self, flat: dict[str, Any], branches: list[Any], trail: list[str], depth: int
    ) -> JsonValue:
        rest = {key: item for key, item in flat.items() if key not in ("oneOf", "anyOf")}
        ordered = sorted(branches, key=lambda branch: _is_null_schema(branch))
        for branch in ordered:
            try:
                return self._value({**rest, "allOf": [branch]}, trail, depth)
            except _TooDeepError:
                continue
        raise _TooDeepError("every branch")

    def _typed(self, kind: str, flat: dict[str, Any], trail: list[str], depth: int) -> JsonValue:
        if kind == "object":
            return self._object(flat, trail, depth)
        if kind == "array":
            return self._array(flat, trail, depth)
        if kind in ("integer", "number"):
            number = choose_number(flat, self._rng, integer=kind == "integer")
            if number is None:
                self._note("the numeric range is empty; its lower bound was used")
                bound = flat.get("minimum", flat.get("exclusiveMinimum", 0))
                return bound if isinstance(bound, int | float) else 0
            return number
        if kind == "boolean":
            return True
        if kind == "string":
            return self._string(flat)
        if "null" in schema_types(flat):
            return None
        return word(self._rng)

    def _string(self, flat: dict[str, Any]) -> str:
        text, note = string_value(flat, self._rng)
        if note:
            self._note(note)
        return text

    def _array(self, flat: dict[str, Any], trail: list[str], depth: int) -> JsonValue:
        least = natural(flat.get("minItems")) or 0
        most = natural(flat.get("maxItems"))
        count = max(least, 1) if most is None else min(max(least, 1), most)
        prefix = flat.get("prefixItems")
        positional = list(prefix) if isinstance(prefix, list) else []
        items: list[JsonValue] = []
        seen: list[str] = []
        attempts = count * _UNIQUE_ATTEMPTS
        while len(items) < count and attempts > 0:
            attempts -= 1
            index = len(items)
            item_schema = positional[index] if index < len(positional) else flat.get("items", {})
            try:
                item = self._value(item_schema, trail, depth + 1)
            except _TooDeepError:
                if len(items) >= least:
                    break
                raise
            fingerprint = json.dumps(item, sort_keys=True)
            if flat.get("uniqueItems") is True and fingerprint in seen:
                continue
            seen.append(fingerprint)
            items.append(item)
        if len(items) < least:
            self._note(f"only {len(items)} distinct items could be made of the {least} required")
        return items

    def _object(self, flat: dict[str, Any], trail: list[str], depth: int) -> JsonValue:
        properties = property_schemas(flat)
        extra = flat.get("additionalProperties")
        result: dict[str, JsonValue] = {}
        for name in required_names(flat):
            schema = properties.get(name, extra if isinstance(extra, Mapping) else {})
            if not is_read_only(schema):
                result[name] = self._value(schema, trail, depth + 1)
        for name, schema in properties.items():
            cheap = depth < _OPTIONAL_DEPTH and len(result) < _MAX_PROPERTIES
            if name in result or is_read_only(schema) or not cheap:
                continue
            if isinstance(schema, Mapping) and schema.get("deprecated") is True:
                continue
            try:
                result[name] = self._value(schema, trail, depth + 1)
            except _TooDeepError:
                continue
        wanted = natural(flat.get("minProperties")) or 0
        counter = 0
        while len(result) < wanted and extra is not False:
            counter += 1
            schema = extra if isinstance(extra, Mapping) else {}
            result.setdefault(f"key{counter}", self._value(schema, trail, depth + 1))
        return result


def _is_null_schema(schema: Any) -> bool:
    return isinstance(schema, Mapping) and schema_types(schema) == ["null"]

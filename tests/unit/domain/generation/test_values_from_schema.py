"""Synthesising valid values from JSON Schemas."""

import base64
import ipaddress
import re
import uuid
from datetime import date, datetime
from typing import Any

import jsonschema
import pytest

from domain.generation.values_from_schema import value_from_schema

NODE = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string"},
        "child": {"$ref": "#/components/schemas/Node"},
        "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
    },
}
SCHEMAS = {"#/components/schemas/Node": NODE}
STRING = {"type": "string"}


def valid(schema: dict[str, Any], seed: int = 0) -> Any:
    value = value_from_schema(schema, seed=seed).value
    jsonschema.validate(value, schema)
    return value


class TestExplicitValues:
    def test_prefer_the_example_to_everything_else(self) -> None:
        schema = {"type": "string", "example": "ex", "default": "def", "enum": ["a", "ex"]}

        assert value_from_schema(schema).value == "ex"

    def test_take_the_first_of_json_schema_examples(self) -> None:
        assert value_from_schema({"type": "integer", "examples": [7, 8]}).value == 7

    def test_fall_back_to_the_default(self) -> None:
        assert value_from_schema({"type": "integer", "default": 20, "enum": [1, 20]}).value == 20

    def test_then_to_the_constant(self) -> None:
        assert value_from_schema({"const": "fixed"}).value == "fixed"

    def test_then_to_the_first_enum_member(self) -> None:
        assert value_from_schema({"type": "string", "enum": ["sold", "available"]}).value == "sold"

    def test_give_a_copy_of_an_example_not_the_example_itself(self) -> None:
        schema = {"type": "object", "example": {"tags": ["a"]}}
        value = value_from_schema(schema).value
        assert isinstance(value, dict)
        value["tags"] = []

        assert schema["example"] == {"tags": ["a"]}

    def test_pass_over_a_default_that_breaks_its_own_schema_and_say_so(self) -> None:
        # oas-examples' schema-types: {"type": "string", "default": null}; Prism refuses
        # the null, so a "valid" request built from it was not valid.
        found = value_from_schema({"type": "string", "default": None})

        assert isinstance(found.value, str)
        assert any("breaks it" in note for note in found.notes)

    def test_pass_over_an_example_whose_nested_value_breaks_its_property(self) -> None:
        # credas.co.uk: the request schema's example has "middleName": null where the
        # property is a plain string; Prism refused every "valid" request built from it.
        schema = {
            "type": "object",
            "example": {"person": {"forename": "Angela", "middleName": None}},
            "properties": {
                "person": {
                    "type": "object",
                    "properties": {"forename": {"type": "string"}, "middleName": STRING},
                }
            },
        }

        found = value_from_schema(schema)

        assert isinstance(found.value, dict)
        jsonschema.validate(found.value, schema)
        assert any(".person: .middleName" in note for note in found.notes), found.notes

    def test_pass_over_an_example_of_the_wrong_type(self) -> None:
        assert isinstance(valid({"type": "integer", "minimum": 1, "example": "ten"}), int)

    def test_a_format_value_that_matches_the_pattern_meets_both(self) -> None:
        schema = {"type": "string", "format": "date", "pattern": "(\\d{4})-(\\d{2})-(\\d{2})"}

        for seed in range(5):
            text = value_from_schema(schema, seed=seed).value
            assert isinstance(text, str)
            date.fromisoformat(text)
            assert re.search(schema["pattern"], text)


class TestAllOf:
    def test_a_property_two_branches_describe_meets_both(self) -> None:
        # rev.ai's SubmitJobOptions: one branch only describes delete_after_seconds, the
        # other gives its type and range; a word was sent where an integer is documented.
        schema = {
            "allOf": [
                {"properties": {"delete_after_seconds": {"description": "when to delete"}}},
                {
                    "type": "object",
                    "required": ["delete_after_seconds"],
                    "properties": {
                        "delete_after_seconds": {"type": "integer", "minimum": 0, "maximum": 9}
                    },
                },
            ]
        }

        value = valid(schema)

        assert isinstance(value["delete_after_seconds"], int)


class TestStringValues:
    @pytest.mark.parametrize(
        ("fmt", "accepts"),
        [
            ("email", lambda text: re.fullmatch(r"[a-z]+\d+@example\.com", text)),
            ("uuid", lambda text: uuid.UUID(text).version == 4),
            ("date", date.fromisoformat),
            ("date-time", lambda text: datetime.fromisoformat(text.replace("Z", "+00:00"))),
            ("uri", lambda text: text.startswith("https://example.com/")),
            ("hostname", lambda text: text.endswith(".example.com")),
            ("ipv4", lambda text: ipaddress.IPv4Address(text)),
            ("ipv6", lambda text: ipaddress.IPv6Address(text)),
            ("byte", lambda text: base64.b64decode(text, validate=True)),
            ("password", lambda text: len(text) >= 8),
            ("binary", lambda text: bool(text)),
        ],
    )
    def test_follow_the_format(self, fmt: str, accepts: Any) -> None:
        text = value_from_schema({"type": "string", "format": fmt}, seed=3).value

        assert isinstance(text, str)
        assert accepts(text)

    @pytest.mark.parametrize(("least", "most"), [(0, 0), (1, 1), (12, 20), (30, None), (None, 3)])
    def test_keep_within_the_length_limits(self, least: int | None, most: int | None) -> None:
        schema: dict[str, Any] = {"type": "string"}
        if least is not None:
            schema["minLength"] = least
        if most is not None:
            schema["maxLength"] = most

        valid(schema)

    @pytest.mark.parametrize(
        "pattern",
        [
            r"^[A-Z]{3}-\d{4}$",
            r"^\+?[0-9]{10,13}$",
            r"^(cat|dog|bird)s?$",
            r"^[a-z0-9._-]+@[a-z]+\.(com|org)$",
            r"^[^\s]{5}$",
            r"v\d+(\.\d+){2}",
        ],
    )
    def test_match_a_simple_pattern(self, pattern: str) -> None:
        result = value_from_schema({"type": "string", "pattern": pattern}, seed=5)

        assert isinstance(result.value, str)
        assert re.search(pattern, result.value)
        assert result.notes == []

    def test_match_a_pattern_within_the_length_limits(self) -> None:
        valid({"type": "string", "pattern": "^[a-z]+$", "minLength": 6, "maxLength": 8})

    def test_fall_back_to_the_right_length_and_say_so_for_a_complex_pattern(self) -> None:
        schema = {"type": "string", "pattern": r"^(?=.*\d)\w+$", "minLength": 4, "maxLength": 6}

        result = value_from_schema(schema)

        assert isinstance(result.value, str)
        assert 4 <= len(result.value) <= 6
        assert "(?=.*\\d)" in result.notes[0]


class TestNumberValues:
    @pytest.mark.parametrize(
        "schema",
        [
            {"type": "integer", "minimum": 18, "maximum": 18},
            {"type": "integer", "minimum": 5, "exclusiveMaximum": 7},
            {"type": "integer", "maximum": -3},
            {"type": "integer", "multipleOf": 7, "minimum": 100},
            {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
            {"type": "number", "minimum": 0.1, "maximum": 0.3, "multipleOf": 0.1},
            {"type": "number", "multipleOf": 0.25},
        ],
    )
    def test_satisfy_bounds_and_multiples(self, schema: dict[str, Any]) -> None:
        value = valid(schema)

        assert isinstance(value, int | float) and not isinstance(value, bool)

    def test_read_an_openapi_3_0_exclusive_minimum(self) -> None:
        schema = {"type": "integer", "minimum": 5, "maximum": 6, "exclusiveMinimum": True}

        assert value_from_schema(schema).value == 6

    def test_give_integers_for_an_integer_type(self) -> None:
        assert isinstance(valid({"type": "integer", "minimum": 1}), int)

    def test_note_an_empty_range(self) -> None:
        result = value_from_schema({"type": "integer", "minimum": 5, "maximum": 4})

        assert result.notes == ["the numeric range is empty; its lower bound was used"]


class TestStructuredValues:
    def test_give_arrays_between_their_item_limits_with_unique_items(self) -> None:
        schema = {
            "type": "array",
            "minItems": 3,
            "maxItems": 4,
            "uniqueItems": True,
            "items": {"type": "integer", "minimum": 1, "maximum": 50},
        }

        assert 3 <= len(valid(schema)) <= 4

    def test_fill_every_required_property_and_cheap_optional_ones(self) -> None:
        schema = {
            "type": "object",
            "required": ["name"],
            "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
            "additionalProperties": False,
        }

        assert set(valid(schema)) == {"name", "age"}

    def test_leave_out_read_only_properties_of_a_request(self) -> None:
        schema = {
            "type": "object",
            "required": ["id", "name"],
            "properties": {"id": {"type": "integer", "readOnly": True}, "name": {"type": "string"}},
        }

        value = value_from_schema(schema).value

        assert isinstance(value, dict)
        assert set(value) == {"name"}

    def test_merge_all_of_branches(self) -> None:
        schema = {
            "allOf": [
                {
                    "type": "object",
                    "required": ["name"],
                    "properties": {"name": {"type": "string"}},
                },
                {"required": ["age"], "properties": {"age": {"type": "integer", "minimum": 3}}},
            ]
        }

        assert {"name", "age"} <= set(valid(schema))

    def test_take_the_first_one_of_branch_that_is_not_null(self) -> None:
        schema = {"oneOf": [{"type": "null"}, {"type": "integer", "minimum": 10, "maximum": 10}]}

        assert value_from_schema(schema).value == 10

    def test_take_the_first_any_of_branch(self) -> None:
        schema = {"anyOf": [{"type": "boolean"}, {"type": "string"}]}

        assert value_from_schema(schema).value is True

    @pytest.mark.parametrize(
        "schema",
        [
            {"type": ["null", "string"], "minLength": 3},
            {"type": "string", "nullable": True, "maxLength": 2},
        ],
    )
    def test_give_a_real_value_for_a_nullable_type(self, schema: dict[str, Any]) -> None:
        value = value_from_schema(schema).value

        assert isinstance(value, str)


class TestRecursiveSchemas:
    def test_follow_a_reference_only_to_the_depth_bound(self) -> None:
        value = value_from_schema(
            {"$ref": "#/components/schemas/Node"}, schemas=SCHEMAS, max_ref_depth=2
        ).value

        assert isinstance(value, dict)
        child = value["child"]
        assert isinstance(child, dict)
        assert "child" not in child
        assert child["children"] == []

    def test_note_a_recursion_that_is_required_too_deep(self) -> None:
        schemas = {
            "#/Loop": {
                "type": "object",
                "required": ["next"],
                "properties": {"next": {"$ref": "#/Loop"}},
            }
        }

        result = value_from_schema({"$ref": "#/Loop"}, schemas=schemas)

        assert result.value is None
        assert result.notes == ["the schema requires more recursion than the depth bound allows"]

    def test_note_a_reference_nothing_resolves(self) -> None:
        result = value_from_schema({"$ref": "#/missing", "type": "integer"})

        assert isinstance(result.value, int)
        assert result.notes == ["the reference '#/missing' could not be resolved"]


COMPLEX = {
    "type": "object",
    "required": ["id", "email", "tags", "price", "kind"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "email": {"type": "string", "format": "email", "maxLength": 40},
        "code": {"type": "string", "pattern": "^[A-Z]{2}[0-9]{3}$"},
        "tags": {
            "type": "array",
            "minItems": 1,
            "maxItems": 3,
            "uniqueItems": True,
            "items": {"type": "string", "minLength": 3, "maxLength": 8},
        },
        "price": {"type": "number", "exclusiveMinimum": 0, "maximum": 1000, "multipleOf": 0.01},
        "kind": {"oneOf": [{"type": "null"}, {"enum": ["a", "b"]}]},
        "window": {
            "allOf": [
                {
                    "type": "object",
                    "required": ["start"],
                    "properties": {"start": {"type": "string", "format": "date"}},
                },
                {"properties": {"days": {"type": "integer", "minimum": 1, "maximum": 7}}},
            ]
        },
    },
    "additionalProperties": False,
}


class TestDeterminism:
    @pytest.mark.parametrize("seed", range(20))
    def test_give_a_valid_value_whatever_the_seed(self, seed: int) -> None:
        valid(COMPLEX, seed=seed)

    def test_give_the_same_value_for_the_same_seed(self) -> None:
        schema = {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}}}

        assert value_from_schema(schema, seed=42) == value_from_schema(schema, seed=42)

    def test_give_another_value_for_another_seed(self) -> None:
        schema = {"type": "string", "format": "uuid"}

        assert value_from_schema(schema, seed=1).value != value_from_schema(schema, seed=2).value

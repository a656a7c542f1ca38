import pytest

from domain.generation.schema_check import violations
from domain.shared.json_types import SchemaDialect, is_json_type, json_type
from domain.specifications.parsed import json_schema_type
from infrastructure.specs.captured import infer_schema


class TestJsonType:
    @pytest.mark.parametrize(
        ("value", "name"),
        [
            (None, "null"),
            (True, "boolean"),
            (3, "integer"),
            (2.5, "number"),
            ("x", "string"),
            ([1], "array"),
            ({"a": 1}, "object"),
        ],
    )
    def test_names_each_json_type(self, value: object, name: str) -> None:
        assert json_type(value) == name

    def test_calls_one_point_zero_an_integer_under_2020_12(self) -> None:
        assert json_type(1.0, dialect=SchemaDialect.DRAFT_2020_12) == "integer"

    def test_calls_one_point_zero_a_number_under_draft_4(self) -> None:
        assert json_type(1.0, dialect=SchemaDialect.DRAFT_04) == "number"

    def test_keeps_a_fraction_a_number_in_every_dialect(self) -> None:
        assert {json_type(1.5, dialect=d) for d in SchemaDialect} == {"number"}

    def test_names_an_integer_too_large_for_a_float(self) -> None:
        assert json_type(10**400) == "integer"


class TestIsJsonType:
    def test_counts_an_integer_as_a_number(self) -> None:
        assert is_json_type(3, "number")

    def test_refuses_a_fraction_as_an_integer(self) -> None:
        assert not is_json_type(2.5, "integer")

    def test_refuses_a_boolean_as_an_integer(self) -> None:
        assert not is_json_type(True, "integer")

    def test_follows_the_dialect_for_one_point_zero(self) -> None:
        assert is_json_type(1.0, "integer")
        assert not is_json_type(1.0, "integer", dialect=SchemaDialect.DRAFT_04)

    def test_matches_nothing_with_a_name_that_is_no_json_type(self) -> None:
        assert not is_json_type("x", "text")


class TestTheNamerIsSharedByItsUsers:
    def test_a_swagger_style_const_of_one_point_zero_is_a_number(self) -> None:
        schema = {"const": 1.0}
        assert json_schema_type(schema, dialect=SchemaDialect.DRAFT_04) == "number"
        assert json_schema_type(schema) == "integer"

    def test_an_example_written_with_a_fraction_is_inferred_as_a_number(self) -> None:
        assert infer_schema({"price": 1.0}) == {
            "type": "object",
            "properties": {"price": {"type": "number"}},
        }

    def test_the_generator_s_schema_check_takes_an_integer_too_large_for_a_float(self) -> None:
        assert violations({"type": "integer"}, 10**400) == []
        assert violations({"type": "integer"}, 2.5) == ["not of type integer"]

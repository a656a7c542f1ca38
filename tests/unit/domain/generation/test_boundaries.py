"""Boundary values of a field's constraints, each just inside and just outside."""

import random
import re
from typing import Any

from domain.generation.boundaries import BoundaryValue, boundary_values


def boundaries(
    schema: dict[str, Any], base: Any = None, limit: int = 10, *, non_ascii: bool = True
) -> list[BoundaryValue]:
    found = boundary_values(
        schema,
        base=base,
        limit=limit,
        rng=random.Random(0),
        make_item=lambda index: index,
        non_ascii=non_ascii,
    )
    return found.values


def sides(found: list[BoundaryValue]) -> list[tuple[str, Any, bool]]:
    return [(item.label, item.value, item.inside) for item in found]


class TestStringLengthBoundaries:
    def test_probe_both_lengths_from_both_sides(self) -> None:
        found = boundaries({"type": "string", "minLength": 2, "maxLength": 10}, base="delta")

        assert [(item.label, len(str(item.value)), item.inside) for item in found] == [
            ("minLength-1", 1, False),
            ("maxLength+1", 11, False),
            ("minLength", 2, True),
            ("maxLength", 10, True),
            ("nonAscii", 10, True),
        ]

    def test_skip_a_negative_length(self) -> None:
        found = boundaries({"type": "string", "minLength": 0, "maxLength": 3}, base="ab")

        assert [item.label for item in found] == [
            "maxLength+1",
            "minLength",
            "maxLength",
            "nonAscii",
        ]
        assert found[1].value == ""

    def test_keep_inside_values_matching_the_pattern(self) -> None:
        schema = {"type": "string", "pattern": "^[a-z]+$", "minLength": 3, "maxLength": 5}

        found = boundaries(schema, base="abcd")

        for item in found:
            if item.inside:
                assert re.search("^[a-z]+$", str(item.value))

    def test_leave_out_inside_values_a_format_cannot_take(self) -> None:
        found = boundaries({"type": "string", "format": "uuid", "maxLength": 10}, base="x" * 36)

        assert [item.label for item in found] == ["maxLength+1"]


class TestNumberBoundaries:
    def test_step_integers_by_one_around_inclusive_bounds(self) -> None:
        found = boundaries({"type": "integer", "minimum": 1, "maximum": 100})

        assert sides(found) == [
            ("minimum-1", 0, False),
            ("maximum+1", 101, False),
            ("minimum", 1, True),
            ("maximum", 100, True),
        ]

    def test_take_an_exclusive_bound_itself_as_outside(self) -> None:
        found = boundaries({"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10})

        assert sides(found) == [
            ("exclusiveMinimum", 0, False),
            ("exclusiveMaximum", 10, False),
            ("exclusiveMinimum+1", 1, True),
            ("exclusiveMaximum-1", 9, True),
        ]

    def test_read_openapi_3_0_boolean_exclusive_bounds(self) -> None:
        schema = {"type": "integer", "minimum": 5, "exclusiveMinimum": True}

        assert sides(boundaries(schema)) == [
            ("exclusiveMinimum", 5, False),
            ("exclusiveMinimum+1", 6, True),
        ]

    def test_step_numbers_by_a_small_epsilon(self) -> None:
        found = boundaries({"type": "number", "minimum": 0.5, "maximum": 2.5})

        assert sides(found) == [
            ("minimum-0.01", 0.49, False),
            ("maximum+0.01", 2.51, False),
            ("minimum", 0.5, True),
            ("maximum", 2.5, True),
        ]

    def test_step_by_the_multiple_and_stay_on_it(self) -> None:
        schema = {"type": "integer", "minimum": 3, "maximum": 23, "multipleOf": 5}

        found = boundaries(schema, base=10)

        # Values outside first; among them, and then among those inside, each rule gives
        # its first value before any gives its second.
        assert sides(found) == [
            ("minimum-5", 0, False),
            ("notMultipleOf", 11, False),
            ("maximum+5", 25, False),
            ("minimum", 5, True),
            ("multipleOf", 10, True),
            ("maximum", 20, True),
        ]

    def test_offer_a_non_multiple_of_a_decimal_multiple(self) -> None:
        found = boundaries({"type": "number", "multipleOf": 0.5}, base=2.0)

        assert sides(found) == [("notMultipleOf", 2.25, False), ("multipleOf", 2.0, True)]


class TestEnumBoundaries:
    def test_offer_each_member_inside_and_one_value_outside(self) -> None:
        found = boundaries({"type": "string", "enum": ["cat", "dog"]})

        assert sides(found) == [
            ("notInEnum", "cat_not_allowed", False),
            ("enum[0]", "cat", True),
            ("enum[1]", "dog", True),
        ]

    def test_keep_the_outside_value_when_members_exceed_the_limit(self) -> None:
        found = boundaries({"type": "integer", "enum": [1, 2, 3, 4, 5, 6]}, limit=3)

        assert sides(found) == [("notInEnum", 7, False), ("enum[0]", 1, True), ("enum[1]", 2, True)]


class TestArrayBoundaries:
    def test_probe_item_counts_from_both_sides(self) -> None:
        schema = {"type": "array", "minItems": 1, "maxItems": 3, "items": {"type": "integer"}}

        found = boundaries(schema, base=[9])

        assert [(item.label, item.value, item.inside) for item in found] == [
            ("minItems-1", [], False),
            ("maxItems+1", [9, 1, 2, 3], False),
            ("minItems", [9], True),
            ("maxItems", [9, 1, 2], True),
        ]

    def test_keep_unique_items_distinct(self) -> None:
        schema = {"type": "array", "maxItems": 2, "uniqueItems": True}

        found = boundaries(schema, base=[0])

        for item in found:
            assert isinstance(item.value, list)
            assert len(set(item.value)) == len(item.value)


class TestBoundaryLimit:
    def test_give_no_more_values_than_the_limit(self) -> None:
        found = boundaries({"type": "string", "minLength": 2, "maxLength": 10}, base="x", limit=2)

        assert [item.label for item in found] == ["minLength-1", "maxLength+1"]

    def test_give_nothing_for_an_unconstrained_field(self) -> None:
        assert boundaries({"type": "integer"}, base=1) == []
        assert boundaries({"type": "string"}, base="x", non_ascii=False) == []


class TestLabelsCheckedAgainstEveryConstraint:
    def test_length_boundaries_of_an_enum_are_not_called_valid(self) -> None:
        members = ["available", "pending", "sold"]
        schema = {"type": "string", "enum": members, "minLength": 2, "maxLength": 10}

        outcome = boundary_values(
            schema, base="sold", limit=4, rng=random.Random(0), make_item=lambda index: index
        )

        inside = [item.value for item in outcome.values if item.inside]
        assert inside and all(value in members for value in inside), inside
        assert ("notInEnum", "available_not_allowed", False) in sides(outcome.values)
        reasons = {value.label: reason for value, reason in outcome.dropped}
        assert "not one of the enum values" in reasons["minLength"]
        assert "not one of the enum values" in reasons["maxLength"]

    def test_a_value_said_to_be_inside_keeps_to_the_pattern_and_format_too(self) -> None:
        schema = {"type": "string", "format": "email", "minLength": 3, "maxLength": 40}

        outcome = boundary_values(
            schema, base="ada@example.com", limit=8, rng=random.Random(0), make_item=lambda i: i
        )

        for item in outcome.values:
            if item.inside:
                assert "@" in str(item.value)


class TestBudgetShared:
    def test_every_rule_keeps_a_value_within_the_limit(self) -> None:
        schema = {"type": "string", "minLength": 2, "maxLength": 9, "enum": ["ab", "abcdefghi"]}

        outcome = boundary_values(
            schema, base="ab", limit=3, rng=random.Random(0), make_item=lambda index: index
        )

        labels = [item.label for item in outcome.values]
        assert "notInEnum" in labels
        assert any(label.startswith(("minLength", "maxLength")) for label in labels)
        assert any("over the limit of 3" in reason for _, reason in outcome.dropped)


class TestArrayItemEnums:
    def test_an_item_outside_the_enum_is_probed_and_refused(self) -> None:
        schema = {
            "type": "array",
            "items": {"type": "string", "enum": ["available", "sold"]},
            "minItems": 1,
        }

        found = boundaries(schema, base=["available"], limit=4)

        assert ("itemNotInEnum", ["available_not_allowed"], False) in sides(found)


class TestOutsideValuesFirst:
    def test_a_limit_cuts_values_inside_the_range_before_values_outside_it(self) -> None:
        # The seeded bookings app accepts nights=366 where 1..365 is documented: the value
        # that finds it must survive a budget that cannot take every boundary.
        found = boundaries({"type": "integer", "minimum": 1, "maximum": 365}, limit=2)

        assert sides(found) == [("minimum-1", 0, False), ("maximum+1", 366, False)]


class TestNonAsciiText:
    def test_free_text_gets_a_valid_string_beyond_ascii(self) -> None:
        found = boundaries({"type": "string", "maxLength": 200}, base="hello")

        text = next(item for item in found if item.label == "nonAscii")
        assert text.inside
        assert isinstance(text.value, str) and not text.value.isascii()
        assert any(ord(character) > 0xFFFF for character in text.value)  # an emoji

    def test_the_text_keeps_to_the_length_limits(self) -> None:
        for least, most in ((0, 1), (0, 2), (5, 8), (40, 60)):
            schema = {"type": "string", "minLength": least, "maxLength": most}

            text = next(
                item for item in boundaries(schema, base="x" * least) if item.label == "nonAscii"
            )

            assert isinstance(text.value, str) and least <= len(text.value) <= most
            assert not text.value.isascii()

    def test_no_such_text_where_the_schema_restricts_the_characters(self) -> None:
        restricted = [
            {"type": "string", "enum": ["a", "b"]},
            {"type": "string", "format": "uuid"},
            {"type": "string", "pattern": "^[a-z]+$"},
            {"type": "string", "maxLength": 0},
        ]
        for schema in restricted:
            labels = [item.label for item in boundaries(schema, base="a")]

            assert "nonAscii" not in labels, schema

    def test_the_text_comes_after_the_length_boundaries_in_the_budget(self) -> None:
        found = boundaries({"type": "string", "minLength": 2, "maxLength": 10}, base="ab", limit=4)

        assert "nonAscii" not in [item.label for item in found]

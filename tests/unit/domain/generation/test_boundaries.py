"""Boundary values of a field's constraints, each just inside and just outside."""

import random
import re
from typing import Any

from domain.generation.boundaries import BoundaryValue, boundary_values


def boundaries(schema: dict[str, Any], base: Any = None, limit: int = 10) -> list[BoundaryValue]:
    found = boundary_values(
        schema, base=base, limit=limit, rng=random.Random(0), make_item=lambda index: index
    )
    return found.values


def sides(found: list[BoundaryValue]) -> list[tuple[str, Any, bool]]:
    return [(item.label, item.value, item.inside) for item in found]


class TestStringLengthBoundaries:
    def test_probe_both_lengths_from_both_sides(self) -> None:
        found = boundaries({"type": "string", "minLength": 2, "maxLength": 10}, base="delta")

        assert [(item.label, len(str(item.value)), item.inside) for item in found] == [
            ("minLength-1", 1, False),
            ("minLength", 2, True),
            ("maxLength", 10, True),
            ("maxLength+1", 11, False),
        ]

    def test_skip_a_negative_length(self) -> None:
        found = boundaries({"type": "string", "minLength": 0, "maxLength": 3}, base="ab")

        assert [item.label for item in found] == ["minLength", "maxLength", "maxLength+1"]
        assert found[0].value == ""

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
            ("minimum", 1, True),
            ("maximum", 100, True),
            ("maximum+1", 101, False),
        ]

    def test_take_an_exclusive_bound_itself_as_outside(self) -> None:
        found = boundaries({"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10})

        assert sides(found) == [
            ("exclusiveMinimum", 0, False),
            ("exclusiveMinimum+1", 1, True),
            ("exclusiveMaximum-1", 9, True),
            ("exclusiveMaximum", 10, False),
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
            ("minimum", 0.5, True),
            ("maximum", 2.5, True),
            ("maximum+0.01", 2.51, False),
        ]

    def test_step_by_the_multiple_and_stay_on_it(self) -> None:
        schema = {"type": "integer", "minimum": 3, "maximum": 23, "multipleOf": 5}

        found = boundaries(schema, base=10)

        # Each rule gives its first value before any gives its second.
        assert sides(found) == [
            ("minimum-5", 0, False),
            ("multipleOf", 10, True),
            ("minimum", 5, True),
            ("notMultipleOf", 11, False),
            ("maximum", 20, True),
            ("maximum+5", 25, False),
        ]

    def test_offer_a_non_multiple_of_a_decimal_multiple(self) -> None:
        found = boundaries({"type": "number", "multipleOf": 0.5}, base=2.0)

        assert sides(found) == [("multipleOf", 2.0, True), ("notMultipleOf", 2.25, False)]


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
            ("minItems", [9], True),
            ("maxItems", [9, 1, 2], True),
            ("maxItems+1", [9, 1, 2, 3], False),
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

        assert [item.label for item in found] == ["minLength-1", "minLength"]

    def test_give_nothing_for_an_unconstrained_field(self) -> None:
        assert boundaries({"type": "string"}, base="x") == []


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

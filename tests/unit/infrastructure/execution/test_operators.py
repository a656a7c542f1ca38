"""The comparisons of JSONPath checks: JSON equality, types, numbers, text and presence."""

import pytest

from infrastructure.execution.operators import OPERATORS, compare, json_equal, json_type


class TestJsonEqual:
    @pytest.mark.parametrize(
        ("left", "right", "equal"),
        [
            (True, 1, False),
            (1, 1.0, True),
            (42, "42", True),
            ("1.5", 1.5, True),
            ([1, {"a": "2"}], [1, {"a": 2}], True),
            ({"a": 1}, {"a": 1, "b": 2}, False),
            (None, None, True),
            (None, "null", False),
            ([1, 2], [1], False),
        ],
    )
    def test_compares_json_values_a_boolean_never_equal_to_a_number(
        self, left: object, right: object, equal: bool
    ) -> None:
        assert json_equal(left, right) is equal


class TestJsonType:
    @pytest.mark.parametrize(
        ("value", "name"),
        [
            (None, "null"),
            (False, "boolean"),
            (3, "integer"),
            (3.0, "integer"),
            (3.5, "number"),
            ("x", "string"),
            ([], "array"),
            ({}, "object"),
        ],
    )
    def test_names_the_json_type_of_a_value(self, value: object, name: str) -> None:
        assert json_type(value) == name


class TestCompare:
    def test_exists_passes_on_presence_or_absence_as_asked(self) -> None:
        assert compare("exists", [0], True, True)[0] is True
        assert compare("exists", [], True, True)[:2] == (False, None)
        assert compare("exists", [], True, False)[0] is True

    def test_fails_every_other_operator_when_nothing_is_there(self) -> None:
        for operator in sorted(OPERATORS - {"exists"}):
            assert compare(operator, [], True, 1) == (False, None, "nothing is there")

    def test_compares_numbers_and_says_which_side_is_not_one(self) -> None:
        assert compare("gt", [5], True, 3)[0] is True
        assert compare("lte", [5], True, 3)[0] is False
        assert compare("lt", ["5"], True, 9)[::2] == (False, "a string is not a number")
        assert compare("gte", [5], True, True)[::2] == (
            False,
            "the expected boolean is not a number",
        )

    def test_compares_a_non_singular_path_as_the_list_it_found(self) -> None:
        assert compare("length", [1, 2, 3], False, 3)[:2] == (True, [1, 2, 3])
        assert compare("contains", [1, 2, 3], False, 2)[0] is True
        assert compare("not_null", [1, None], False, None)[0] is False

    def test_looks_inside_text_lists_and_objects_for_contains(self) -> None:
        assert compare("contains", ["abc"], True, "b")[0] is True
        assert compare("contains", [{"a": 1, "b": 2}], True, {"a": 1})[0] is True
        assert compare("contains", [{"a": 1}], True, "a")[0] is True
        assert compare("contains", [7], True, 7)[::2] == (
            False,
            "a integer cannot contain anything",
        )

    def test_matches_a_scalars_text_and_refuses_a_structure(self) -> None:
        assert compare("matches", ["order-42"], True, r"^order-\d+$")[0] is True
        assert compare("matches", [42], True, r"^4")[0] is True
        assert compare("matches", [[1]], True, r".")[::2] == (False, "a array is not text to match")

    def test_accepts_an_integer_where_a_number_is_wanted(self) -> None:
        assert compare("type", [3], True, "number")[0] is True
        assert compare("type", [3.5], True, "integer")[::2] == (False, "the value is a number")

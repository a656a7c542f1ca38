import pytest

from domain.shared.errors import InvalidValueError
from domain.shared.json_fields import (
    read_bool,
    read_choice,
    read_int,
    read_list,
    read_object,
    read_positive_int,
    read_str,
    read_str_map,
)


class TestRequiredAndDefaultedFields:
    def test_refuses_an_absent_string_without_a_default(self) -> None:
        with pytest.raises(InvalidValueError, match="name"):
            read_str({}, "name")

    def test_gives_the_default_for_an_absent_field(self) -> None:
        assert (read_str({}, "s", ""), read_int({}, "i", 0), read_bool({}, "b", False)) == (
            "",
            0,
            False,
        )

    def test_refuses_a_present_field_of_the_wrong_type_even_with_a_default(self) -> None:
        with pytest.raises(InvalidValueError, match="count"):
            read_int({"count": "3"}, "count", 0)

    def test_refuses_a_boolean_as_an_integer(self) -> None:
        with pytest.raises(InvalidValueError, match="count"):
            read_int({"count": True}, "count")


class TestContainers:
    def test_reads_an_absent_or_null_list_or_object_as_empty(self) -> None:
        data = {"items": None, "meta": None}
        assert (read_list(data, "items"), read_object(data, "meta"), read_list({}, "x")) == (
            [],
            {},
            [],
        )

    def test_refuses_a_list_with_an_item_of_the_wrong_kind(self) -> None:
        with pytest.raises(InvalidValueError, match="rows"):
            read_list({"rows": [{}, 3]}, "rows", dict)

    def test_refuses_a_map_with_a_value_that_is_not_text(self) -> None:
        with pytest.raises(InvalidValueError, match="headers"):
            read_str_map({"headers": {"a": 1}}, "headers")


class TestRunFields:
    def test_reads_a_positive_integer_or_its_default_when_null(self) -> None:
        assert read_positive_int({"t": 5}, "t") == 5
        assert read_positive_int({"t": None}, "t", 30) == 30

    def test_refuses_zero_as_a_positive_integer(self) -> None:
        with pytest.raises(InvalidValueError, match="positive"):
            read_positive_int({"t": 0}, "t")

    def test_refuses_a_choice_outside_its_values(self) -> None:
        with pytest.raises(InvalidValueError, match="GET, POST"):
            read_choice({"method": "BREW"}, "method", {"GET", "POST"})

    def test_gives_the_default_choice_for_an_absent_field(self) -> None:
        assert read_choice({}, "body_type", {"json", "raw"}, "json") == "json"

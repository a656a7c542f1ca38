"""The value objects of test cases: validation and exact JSON round trips."""

import json
from collections.abc import Callable
from typing import Any

import pytest

from domain.shared.errors import InvalidValueError
from domain.testing.rules import require_header_name, require_variable_name
from domain.testing.values import (
    BodyType,
    CheckOperator,
    DataSet,
    Expectations,
    ExtractionSource,
    HeaderCheck,
    HeaderOperator,
    JsonPathCheck,
    Priority,
    RequestSpec,
    TestType,
    VariableExtraction,
)


def a_request(**changes: Any) -> RequestSpec:
    fields: dict[str, Any] = {
        "method": "POST",
        "url": "/pets/{{petId}}/photos",
        "headers": {"Authorization": "Bearer {{authToken}}", "Content-Type": "application/json"},
        "path_params": {"petId": "{{petId}}"},
        "query_params": {"limit": "10"},
        "body_type": BodyType.JSON,
        "body": {"name": "Tom", "tags": ["cat", 1, 2.5, True, None], "owner": {"id": 7}},
        "timeout_ms": 5000,
    }
    return RequestSpec(**{**fields, **changes})


def some_expectations(**changes: Any) -> Expectations:
    fields: dict[str, Any] = {
        "expected_status": [200, 201],
        "response_schema": {"type": "object", "required": ["id"]},
        "header_checks": [
            HeaderCheck(name="Location", operator=HeaderOperator.Present),
            HeaderCheck(name="Content-Type", operator=HeaderOperator.Matches, expected="json"),
        ],
        "body_contains": ["Tom"],
        "body_not_contains": ["error"],
        "jsonpath_checks": [
            JsonPathCheck(path="$.id", operator=CheckOperator.NotNull),
            JsonPathCheck(path="$.tags", operator=CheckOperator.Length, expected=2),
            JsonPathCheck(path="$.age", operator=CheckOperator.Gte, expected=0.5),
        ],
        "max_response_time_ms": 2000,
    }
    return Expectations(**{**fields, **changes})


def through_json(data: dict[str, Any]) -> Any:
    return json.loads(json.dumps(data))


def refused_field(make: Callable[..., object], **fields: Any) -> str:
    with pytest.raises(InvalidValueError) as refused:
        make(**fields)
    return refused.value.field


class TestEnumerations:
    def test_travel_in_json_as_their_stored_values(self) -> None:
        members = [
            TestType.HappyPath,
            Priority.Critical,
            BodyType.None_,
            CheckOperator.NotNull,
            ExtractionSource.Status,
        ]

        assert json.loads(json.dumps(members)) == [
            "HappyPath",
            "Critical",
            "None",
            "not_null",
            "status",
        ]

    def test_list_the_documented_members(self) -> None:
        assert [member.value for member in TestType] == ["HappyPath", "Boundary", "Negative"]
        assert [member.value for member in Priority] == ["Critical", "High", "Medium", "Low"]
        assert [member.value for member in BodyType] == [
            "None",
            "JSON",
            "FormData",
            "UrlEncoded",
            "Raw",
        ]
        assert len(CheckOperator) == 12


class TestRequestSpec:
    def test_round_trips_exactly_through_json(self) -> None:
        request = a_request()

        assert RequestSpec.from_json(through_json(request.to_json())) == request

    def test_stores_its_body_type_by_value(self) -> None:
        assert a_request().to_json()["body_type"] == "JSON"

    def test_defaults_to_no_body_and_a_thirty_second_timeout(self) -> None:
        request = RequestSpec(method="GET", url="/pets")

        assert (request.body_type, request.body, request.timeout_ms) == (
            BodyType.None_,
            None,
            30000,
        )

    def test_gives_copies_so_its_json_cannot_change_it(self) -> None:
        request = a_request()
        data = request.to_json()
        data["body"]["name"] = "changed"
        data["headers"]["X-New"] = "1"

        assert request.body == a_request().body
        assert "X-New" not in request.headers

    @pytest.mark.parametrize("method", ["get", "FETCH", ""])
    def test_refuses_a_method_outside_http(self, method: str) -> None:
        assert refused_field(a_request, method=method) == "method"

    @pytest.mark.parametrize("url", ["", "pets", "/pets with space", "/" + "a" * 1000])
    def test_refuses_a_url_that_is_not_a_path_template(self, url: str) -> None:
        assert refused_field(a_request, url=url) == "url"

    @pytest.mark.parametrize("url", ["/", "{{baseUrl}}/pets", "https://api.example.com/pets"])
    def test_accepts_paths_placeholders_and_absolute_urls(self, url: str) -> None:
        assert a_request(url=url).url == url

    @pytest.mark.parametrize("timeout", [0, 600_001, -5])
    def test_refuses_a_timeout_outside_one_ms_to_ten_minutes(self, timeout: int) -> None:
        assert refused_field(a_request, timeout_ms=timeout) == "timeout_ms"

    def test_refuses_a_header_value_with_a_line_break(self) -> None:
        headers = {"X-Evil": "a\r\nSet-Cookie: x=1"}

        assert refused_field(a_request, headers=headers) == "headers"

    def test_refuses_a_header_name_that_is_not_a_token(self) -> None:
        assert refused_field(a_request, headers={"Bad Name": "x"}) == "headers"

    def test_refuses_a_body_when_its_type_is_none(self) -> None:
        assert refused_field(a_request, body_type=BodyType.None_) == "body"

    def test_refuses_a_raw_body_that_is_not_text(self) -> None:
        assert refused_field(a_request, body_type=BodyType.Raw) == "body"

    def test_refuses_a_form_body_that_is_not_an_object(self) -> None:
        assert refused_field(a_request, body_type=BodyType.FormData, body="a=1") == "body"

    @pytest.mark.parametrize("body", [(1, 2), {1: "x"}, float("nan"), {"a": {3}}])
    def test_refuses_a_body_json_would_not_give_back_unchanged(self, body: Any) -> None:
        assert refused_field(a_request, body=body) == "body"

    def test_refuses_a_stored_body_type_it_does_not_know(self) -> None:
        data = {**a_request().to_json(), "body_type": "XML"}

        assert refused_field(RequestSpec.from_json, data=data) == "body_type"


class TestJsonPathCheck:
    def test_round_trips_exactly_through_json(self) -> None:
        check = JsonPathCheck(path="$.data[0].name", operator=CheckOperator.Equals, expected="x")

        assert JsonPathCheck.from_json(through_json(check.to_json())) == check

    def test_refuses_a_path_that_does_not_start_at_the_root(self) -> None:
        assert refused_field(JsonPathCheck, path="data.id", operator=CheckOperator.Exists) == "path"

    def test_refuses_a_pattern_that_does_not_compile(self) -> None:
        assert (
            refused_field(JsonPathCheck, path="$.a", operator=CheckOperator.Matches, expected="(")
            == "expected"
        )

    @pytest.mark.parametrize("expected", ["3", True, None])
    def test_refuses_a_comparison_with_something_not_a_number(self, expected: Any) -> None:
        assert (
            refused_field(JsonPathCheck, path="$.a", operator=CheckOperator.Gt, expected=expected)
            == "expected"
        )

    def test_refuses_a_type_check_naming_no_json_type(self) -> None:
        assert (
            refused_field(JsonPathCheck, path="$.a", operator=CheckOperator.Type, expected="int")
            == "expected"
        )

    def test_refuses_a_negative_length(self) -> None:
        assert (
            refused_field(JsonPathCheck, path="$.a", operator=CheckOperator.Length, expected=-1)
            == "expected"
        )


class TestHeaderCheck:
    def test_round_trips_exactly_through_json(self) -> None:
        check = HeaderCheck(name="X-Total", operator=HeaderOperator.Equals, expected="3")

        assert HeaderCheck.from_json(through_json(check.to_json())) == check

    def test_refuses_an_expected_value_on_a_presence_check(self) -> None:
        assert (
            refused_field(HeaderCheck, name="X", operator=HeaderOperator.Present, expected="a")
            == "expected"
        )

    def test_refuses_an_equality_check_without_a_value(self) -> None:
        assert refused_field(HeaderCheck, name="X", operator=HeaderOperator.Equals) == "expected"


class TestExpectations:
    def test_round_trips_exactly_through_json(self) -> None:
        expectations = some_expectations()

        assert Expectations.from_json(through_json(expectations.to_json())) == expectations

    def test_defaults_to_nothing_but_the_status(self) -> None:
        expectations = Expectations(expected_status=[204])

        assert expectations.to_json() == {
            "expected_status": [204],
            "response_schema": None,
            "header_checks": [],
            "body_contains": [],
            "body_not_contains": [],
            "jsonpath_checks": [],
            "max_response_time_ms": None,
        }

    @pytest.mark.parametrize("statuses", [[], [99], [600], [200, 200], [True]])
    def test_refuses_statuses_that_are_missing_repeated_or_not_http(self, statuses: Any) -> None:
        assert refused_field(some_expectations, expected_status=statuses) == "expected_status"

    def test_refuses_an_empty_string_to_look_for(self) -> None:
        assert refused_field(some_expectations, body_contains=[""]) == "body_contains"

    def test_refuses_a_response_time_limit_of_zero(self) -> None:
        assert refused_field(some_expectations, max_response_time_ms=0) == "max_response_time_ms"


class TestVariableExtraction:
    @pytest.mark.parametrize(
        "extraction",
        [
            VariableExtraction(name="petId", source=ExtractionSource.Body, expression="$.id"),
            VariableExtraction(name="etag", source=ExtractionSource.Header, expression="ETag"),
            VariableExtraction(
                name="petId",
                source=ExtractionSource.Regex,
                expression=r"/pets/(\d+)$",
                header_name="Location",
                default="0",
            ),
            VariableExtraction(name="code", source=ExtractionSource.Status, expression=""),
        ],
    )
    def test_round_trips_exactly_through_json(self, extraction: VariableExtraction) -> None:
        assert VariableExtraction.from_json(through_json(extraction.to_json())) == extraction

    @pytest.mark.parametrize("name", ["1st", "pet-id", "", "pet id"])
    def test_refuses_a_name_unusable_as_a_placeholder(self, name: str) -> None:
        assert (
            refused_field(
                VariableExtraction, name=name, source=ExtractionSource.Body, expression="$.a"
            )
            == "name"
        )

    @pytest.mark.parametrize(
        ("source", "expression"),
        [
            (ExtractionSource.Body, "id"),
            (ExtractionSource.Header, "Bad Header"),
            (ExtractionSource.Regex, "no-group"),
            (ExtractionSource.Regex, "(unclosed"),
            (ExtractionSource.Status, "200"),
        ],
    )
    def test_refuses_an_expression_its_source_cannot_use(
        self, source: ExtractionSource, expression: str
    ) -> None:
        assert (
            refused_field(VariableExtraction, name="x", source=source, expression=expression)
            == "expression"
        )

    def test_refuses_a_header_name_on_a_body_extraction(self) -> None:
        refused = refused_field(
            VariableExtraction,
            name="x",
            source=ExtractionSource.Body,
            expression="$.a",
            header_name="Location",
        )

        assert refused == "header_name"


class TestDataSet:
    def test_round_trips_exactly_through_json(self) -> None:
        data_set = DataSet(
            name="sizes", rows=[{"size": 1, "tags": ["a"]}, {"size": None}], enabled=False
        )

        assert DataSet.from_json(through_json(data_set.to_json())) == data_set

    def test_refuses_a_row_key_unusable_as_a_variable(self) -> None:
        assert refused_field(DataSet, name="rows", rows=[{"bad key": 1}]) == "rows"

    def test_refuses_an_empty_name(self) -> None:
        assert refused_field(DataSet, name=" ", rows=[]) == "name"


class TestNamesEndWhereTheyEnd:
    @pytest.mark.parametrize("name", ["token\n", "a\nb", " token"])
    def test_refuses_a_variable_name_with_a_line_break_or_space(self, name: str) -> None:
        with pytest.raises(InvalidValueError):
            require_variable_name("variables", name)

    def test_refuses_a_header_name_ending_in_a_line_break(self) -> None:
        with pytest.raises(InvalidValueError):
            require_header_name("headers", "X-A\n")

"""Negative cases: requests a correct server must refuse, with the statuses it should give."""

import re
from typing import Any
from uuid import UUID

from domain.generation.generator import GeneratedSuite, GenerationOptions, generate_suite
from domain.specifications.parsed import ParsedEndpoint, ParsedSecurityScheme
from domain.testing.values import BodyType, TestType
from tests.unit.domain.generation.builders import (
    BEARER,
    NEW_PET,
    a_body,
    a_parameter,
    a_petstore,
    a_response,
    a_specification,
    an_endpoint,
    secured_by,
)

NEGATIVES = GenerationOptions(test_types=[TestType.Negative], max_cases_per_operation=30)


def negatives_of(*endpoints: ParsedEndpoint, **fields: Any) -> GeneratedSuite:
    return generate_suite(a_specification(*endpoints, **fields), None, NEGATIVES)


def a_pet_creation(**fields: Any) -> ParsedEndpoint:
    return an_endpoint(
        "POST",
        "/pets",
        request_body=a_body(NEW_PET),
        responses=[a_response("201", {"type": "object"})],
        **fields,
    )


class TestMissingCredentials:
    def test_expect_401_on_a_bearer_secured_operation(self) -> None:
        suite = negatives_of(
            an_endpoint("GET", "/me", security=secured_by(BEARER)), security_schemes=[BEARER]
        )

        case = suite.case("GET /me#negative:missingCredentials")

        assert "Authorization" not in case.request.headers
        assert case.expectations.expected_status == [401]

    def test_also_accept_403_for_an_api_key(self) -> None:
        key = ParsedSecurityScheme(name="key", type="apiKey", in_="query", parameter_name="api_key")
        suite = negatives_of(
            an_endpoint("GET", "/me", security=secured_by(key)), security_schemes=[key]
        )

        case = suite.case("GET /me#negative:missingCredentials")

        assert "api_key" not in case.request.query_params
        assert case.expectations.expected_status == [401, 403]

    def test_are_not_tested_where_calls_without_credentials_are_accepted(self) -> None:
        endpoint = an_endpoint("GET", "/feed", security=secured_by(BEARER), security_optional=True)

        suite = negatives_of(endpoint, security_schemes=[BEARER])

        assert [case.key for case in suite.cases] == []

    def test_are_left_out_when_security_negatives_are_off(self) -> None:
        spec = a_specification(
            an_endpoint("GET", "/me", security=secured_by(BEARER)), security_schemes=[BEARER]
        )
        options = GenerationOptions(
            test_types=[TestType.Negative], include_security_negatives=False
        )

        assert generate_suite(spec, None, options).cases == []


class TestInvalidCredentials:
    def test_send_a_wrong_bearer_token_and_expect_401_or_403(self) -> None:
        suite = negatives_of(
            an_endpoint("GET", "/me", security=secured_by(BEARER)), security_schemes=[BEARER]
        )

        case = suite.case("GET /me#negative:invalidCredentials")

        assert case.request.headers["Authorization"].startswith("Bearer ey")
        assert "{{authToken}}" not in case.request.headers["Authorization"]
        assert case.expectations.expected_status == [401, 403]


def case_happy_value(endpoint: Any) -> str:
    suite = generate_suite(a_specification(endpoint), None, GenerationOptions())
    return next(iter(suite.cases[0].request.path_params.values()))


class TestUnknownId:
    def test_address_a_resource_nobody_created_and_expect_404(self) -> None:
        suite = generate_suite(a_petstore(), ["GET /pets/{petId}"], NEGATIVES)

        case = suite.case("GET /pets/{petId}#negative:unknownId:petId")

        assert case.request.url == "/pets/999999999"
        assert case.request.path_params == {"petId": "999999999"}
        assert case.expectations.expected_status == [404]
        assert "POST /pets#happy" not in case.depends_on

    def test_use_a_fresh_well_formed_uuid_for_a_uuid_identifier(self) -> None:
        endpoint = an_endpoint(
            "GET",
            "/orders/{orderId}",
            parameters=[a_parameter("orderId", "path", type="string", format="uuid")],
        )

        case = negatives_of(endpoint).case("GET /orders/{orderId}#negative:unknownId:orderId")
        again = negatives_of(endpoint).case("GET /orders/{orderId}#negative:unknownId:orderId")

        value = case.request.path_params["orderId"]
        assert str(UUID(value)) == value
        assert value != case_happy_value(endpoint)
        assert again.request.path_params == case.request.path_params
        assert case.expectations.expected_status == [404]

    def test_an_id_whose_range_is_documented_lies_outside_it(self) -> None:
        endpoint = an_endpoint(
            "GET",
            "/store/order/{orderId}",
            parameters=[a_parameter("orderId", "path", type="integer", minimum=1, maximum=10)],
            responses=[a_response("200"), a_response("400"), a_response("404")],
        )

        case = negatives_of(endpoint).case("GET /store/order/{orderId}#negative:unknownId:orderId")

        assert case.request.path_params == {"orderId": "11"}
        assert case.expectations.expected_status == [404, 400]
        assert "above the maximum 10" in case.description

    def test_an_id_with_a_step_and_an_exclusive_maximum_stays_a_multiple(self) -> None:
        endpoint = an_endpoint(
            "GET",
            "/slots/{slotId}",
            parameters=[
                a_parameter("slotId", "path", type="integer", multipleOf=5, exclusiveMaximum=20)
            ],
        )

        case = negatives_of(endpoint).case("GET /slots/{slotId}#negative:unknownId:slotId")

        assert case.request.path_params == {"slotId": "20"}

    def test_a_string_id_keeps_to_its_pattern_and_length(self) -> None:
        endpoint = an_endpoint(
            "GET",
            "/accounts/{accountId}",
            parameters=[
                a_parameter(
                    "accountId", "path", type="string", pattern="^[A-Z]{2}[0-9]{6}$", maxLength=8
                )
            ],
        )

        case = negatives_of(endpoint).case("GET /accounts/{accountId}#negative:unknownId:accountId")

        value = case.request.path_params["accountId"]
        assert re.fullmatch(r"[A-Z]{2}[0-9]{6}", value), value
        assert value != case_happy_value(endpoint)

    def test_leave_a_parameter_that_names_no_resource(self) -> None:
        endpoint = an_endpoint(
            "GET", "/reports/{year}", parameters=[a_parameter("year", "path", type="integer")]
        )

        assert negatives_of(endpoint).cases == []


class TestMissingRequiredValues:
    def test_leave_out_each_required_body_property_once(self) -> None:
        body = {
            "type": "object",
            "required": ["name", "species"],
            "properties": {"name": {"type": "string"}, "species": {"type": "string"}},
        }
        suite = negatives_of(an_endpoint("POST", "/pets", request_body=a_body(body)))

        name = suite.case("POST /pets#negative:missingRequired:name")
        species = suite.case("POST /pets#negative:missingRequired:species")

        assert isinstance(name.request.body, dict) and isinstance(species.request.body, dict)
        assert set(name.request.body) == {"species"}
        assert set(species.request.body) == {"name"}
        assert name.expectations.expected_status == [400, 422]

    def test_leave_out_a_required_query_parameter(self) -> None:
        endpoint = an_endpoint(
            "GET",
            "/search",
            parameters=[a_parameter("q", required=True, type="string")],
            responses=[a_response("200"), a_response("422")],
        )

        case = negatives_of(endpoint).case("GET /search#negative:missingRequired:query.q")

        assert case.request.query_params == {}
        assert case.expectations.expected_status == [422]


class TestImpliedTypes:
    def test_no_wrong_type_case_where_the_type_is_only_implied(self) -> None:
        # keyvault: {"properties": {...}} without "type" accepts a string, which Prism did.
        body = {
            "type": "object",
            "properties": {
                "attributes": {"allOf": [{"properties": {"enabled": {"type": "boolean"}}}]},
                "tags": {"type": "object", "properties": {"a": {"type": "string"}}},
            },
        }
        endpoint = an_endpoint(
            "PATCH", "/certificates", request_body=a_body(body), responses=[a_response("200")]
        )

        keys = [case.key for case in negatives_of(endpoint).cases]

        assert "PATCH /certificates#negative:wrongType:attributes" not in keys
        assert "PATCH /certificates#negative:wrongType:tags" in keys


class TestMalformedJson:
    def test_send_truncated_json_as_raw_text_labelled_json(self) -> None:
        case = negatives_of(a_pet_creation()).case("POST /pets#negative:malformedJson")

        assert case.request.body_type == BodyType.Raw
        assert case.request.body == '{"broken": '
        assert case.request.headers["Content-Type"] == "application/json"
        assert case.expectations.expected_status == [400, 422]

    def test_accept_the_syntax_error_status_where_only_422_is_documented(self) -> None:
        # nexmo verify documents 422 for invalid requests; a body that is not JSON at all
        # gets 400 from most servers (and Prism), which proves the refusal just as well.
        endpoint = an_endpoint(
            "POST",
            "/pets",
            request_body=a_body(NEW_PET),
            responses=[a_response("201"), a_response("422")],
        )

        case = negatives_of(endpoint).case("POST /pets#negative:malformedJson")

        assert case.expectations.expected_status == [400, 422]


class TestSpoiledValues:
    def test_send_a_value_outside_an_enum_when_boundaries_are_off(self) -> None:
        case = negatives_of(a_pet_creation()).case("POST /pets#negative:notInEnum:status")

        assert isinstance(case.request.body, dict)
        assert case.request.body["status"] == "available_not_allowed"

    def test_send_a_value_of_the_wrong_type_in_the_body(self) -> None:
        suite = negatives_of(a_pet_creation())

        name = suite.case("POST /pets#negative:wrongType:name")
        age = suite.case("POST /pets#negative:wrongType:age")

        assert isinstance(name.request.body, dict) and isinstance(age.request.body, dict)
        assert (name.request.body["name"], age.request.body["age"]) == (12345, "not-a-number")

    def test_mistype_only_numbers_and_booleans_in_a_query(self) -> None:
        endpoint = an_endpoint(
            "GET",
            "/pets",
            parameters=[
                a_parameter("limit", required=True, type="integer"),
                a_parameter("tags", required=True, type="array", items={"type": "string"}),
                a_parameter("q", required=True, type="string"),
            ],
        )

        keys = [case.key for case in negatives_of(endpoint).cases if "wrongType" in case.key]

        assert keys == ["GET /pets#negative:wrongType:query.limit"]

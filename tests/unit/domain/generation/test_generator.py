"""Generating a whole suite: happy paths, boundaries, negatives, chaining and order."""

import json
from typing import Any

import pytest

from domain.generation.generator import GeneratedSuite, GenerationOptions, generate_suite
from domain.shared.errors import InvalidValueError
from domain.specifications.parsed import ParsedResponse, ParsedSpecification, ParseIssue
from domain.testing.values import (
    BodyType,
    CheckOperator,
    ExtractionSource,
    HeaderCheck,
    HeaderOperator,
    JsonPathCheck,
    TestType,
    VariableExtraction,
)
from tests.unit.domain.generation.builders import (
    a_body,
    a_parameter,
    a_petstore,
    a_response,
    a_specification,
    an_endpoint,
)

ALL = GenerationOptions(max_cases_per_operation=40)


def order_of(suite: GeneratedSuite) -> list[str]:
    return suite.proposal.keys_in_order()


def a_named_pet_spec(*responses: ParsedResponse) -> ParsedSpecification:
    body = {
        "type": "object",
        "required": ["name"],
        "properties": {"name": {"type": "string", "minLength": 2, "maxLength": 10}},
    }
    return a_specification(
        an_endpoint("POST", "/pets", request_body=a_body(body), responses=list(responses))
    )


class TestHappyPath:
    def test_sends_a_valid_request_and_expects_the_documented_success(self) -> None:
        suite = generate_suite(a_petstore(), ["POST /pets"], ALL)

        case = suite.case("POST /pets#happy")

        assert case.test_type == TestType.HappyPath
        assert case.request.method == "POST"
        assert case.request.body_type == BodyType.JSON
        assert isinstance(case.request.body, dict)
        assert 2 <= len(str(case.request.body["name"])) <= 10
        assert case.request.headers["Content-Type"] == "application/json"
        assert case.expectations.expected_status == [201]
        assert case.expectations.response_schema == a_petstore().endpoints[2].responses[0].schema
        assert case.expectations.header_checks == [
            HeaderCheck(name="Location", operator=HeaderOperator.Present)
        ]

    def test_uses_the_documented_examples_first(self) -> None:
        spec = a_specification(
            an_endpoint(
                "POST",
                "/notes",
                parameters=[a_parameter("lang", type="string", enum=["en", "fr"], example="fr")],
                request_body=a_body({"type": "object"}, examples=[{"text": "hello"}]),
                responses=[a_response("200")],
            )
        )

        case = generate_suite(spec, None, ALL).case("POST /notes#happy")

        assert case.request.body == {"text": "hello"}
        assert case.request.query_params == {"lang": "fr"}

    def test_makes_a_recursive_response_schema_self_contained(self) -> None:
        node = {
            "type": "object",
            "properties": {"child": {"$ref": "#/components/schemas/Node"}},
        }
        spec = a_specification(
            an_endpoint("GET", "/tree", responses=[a_response("200", node)]),
            schemas={"#/components/schemas/Node": node},
        )

        schema = (
            generate_suite(spec, None, ALL).case("GET /tree#happy").expectations.response_schema
        )

        assert schema == {
            "type": "object",
            "properties": {"child": {"$ref": "#/$defs/Node"}},
            "$defs": {
                "Node": {"type": "object", "properties": {"child": {"$ref": "#/$defs/Node"}}}
            },
        }


class TestBoundaryCases:
    def test_probe_lengths_with_success_inside_and_validation_statuses_outside(self) -> None:
        suite = generate_suite(a_named_pet_spec(a_response("201")), None, ALL)

        found = {}
        for case in suite.cases:
            if case.test_type == TestType.Boundary and isinstance(case.request.body, dict):
                edge = case.key.rsplit(":", 1)[1]
                found[edge] = (
                    len(str(case.request.body["name"])),
                    case.expectations.expected_status,
                )

        assert found == {
            "minLength-1": (1, [400, 422]),
            "minLength": (2, [201]),
            "maxLength": (10, [201]),
            "maxLength+1": (11, [400, 422]),
        }

    @pytest.mark.parametrize(
        ("documented", "expected"),
        [(["400"], [400]), (["422"], [422]), (["400", "422"], [400, 422])],
    )
    def test_expect_the_documented_validation_statuses(
        self, documented: list[str], expected: list[int]
    ) -> None:
        spec = a_named_pet_spec(a_response("201"), *(a_response(code) for code in documented))

        case = generate_suite(spec, None, ALL).case("POST /pets#boundary:name:maxLength+1")

        assert case.expectations.expected_status == expected

    def test_use_the_stable_key_of_field_and_edge(self) -> None:
        suite = generate_suite(a_petstore(), ["GET /pets"], ALL)

        assert "GET /pets#boundary:query.limit:maximum+1" in order_of(suite)
        assert (
            suite.case("GET /pets#boundary:query.limit:maximum+1").request.query_params["limit"]
            == "101"
        )


class TestChaining:
    def test_feeds_the_login_token_to_secured_operations(self) -> None:
        suite = generate_suite(a_petstore(), None, ALL)

        login = suite.case("POST /auth/login#happy")
        listing = suite.case("GET /pets#happy")

        assert login.variables == [
            VariableExtraction(name="authToken", source=ExtractionSource.Body, expression="$.token")
        ]
        assert "Authorization" not in login.request.headers
        assert listing.request.headers["Authorization"] == "Bearer {{authToken}}"
        assert listing.depends_on == ["POST /auth/login#happy"]

    def test_extracts_the_created_id_and_feeds_it_to_every_consumer(self) -> None:
        suite = generate_suite(a_petstore(), None, ALL)

        creation = suite.case("POST /pets#happy")

        assert (
            VariableExtraction(name="petId", source=ExtractionSource.Body, expression="$.id")
            in creation.variables
        )
        assert JsonPathCheck(path="$.id", operator=CheckOperator.NotNull) in (
            creation.expectations.jsonpath_checks
        )
        for key in ("GET /pets/{petId}", "PUT /pets/{petId}", "DELETE /pets/{petId}"):
            consumer = suite.case(f"{key}#happy")
            assert consumer.request.url == "/pets/{{petId}}"
            assert consumer.request.path_params == {"petId": "{{petId}}"}
            assert "POST /pets#happy" in consumer.depends_on

    def test_adds_the_prerequisites_of_a_chosen_operation(self) -> None:
        suite = generate_suite(a_petstore(), ["GET /pets/{petId}"], ALL)

        prerequisites = [case for case in suite.cases if "prerequisite" in case.tags]

        assert [case.key for case in prerequisites] == [
            "POST /auth/login#happy",
            "POST /pets#happy",
        ]
        assert {case.endpoint_key for case in suite.cases} == {
            "POST /auth/login",
            "POST /pets",
            "GET /pets/{petId}",
        }
        assert any("added as a prerequisite" in note for note in suite.notes)


class TestProposedOrder:
    def test_puts_the_login_first_and_says_why(self) -> None:
        suite = generate_suite(a_petstore(), None, ALL)

        first = suite.proposal.order[0]

        assert (first.case_key, first.position) == ("POST /auth/login#happy", 1)
        assert first.reason.startswith("authentication first: provides authToken")
        assert suite.proposal.considered_factors[:3] == [
            "dependencies",
            "auth flow",
            "CRUD lifecycle",
        ]

    def test_places_every_case_after_the_cases_it_depends_on(self) -> None:
        suite = generate_suite(a_petstore(), None, ALL)
        place = {key: index for index, key in enumerate(order_of(suite))}

        for case in suite.cases:
            for needed in case.depends_on:
                assert place[needed] < place[case.key]

    def test_explains_a_consumer_by_naming_its_producer(self) -> None:
        suite = generate_suite(a_petstore(), None, ALL)

        reasons = {item.case_key: item.reason for item in suite.proposal.order}

        assert reasons["GET /pets/{petId}#happy"].startswith(
            "runs after POST /pets#happy, which creates the pet whose id it uses ({{petId}})"
        )

    def test_deletes_the_resource_after_every_other_case_using_it(self) -> None:
        suite = generate_suite(a_petstore(), None, ALL)
        order = order_of(suite)
        delete = order.index("DELETE /pets/{petId}#happy")

        users = [
            index
            for index, key in enumerate(order)
            if "{{petId}}" in suite.case(key).request.url
            and not key.startswith("DELETE /pets/{petId}#")
        ]

        assert users and max(users) < delete
        assert "deletes the pet last" in suite.proposal.order[delete].reason

    def test_runs_create_read_update_delete_in_that_order(self) -> None:
        order = order_of(generate_suite(a_petstore(), None, ALL))

        happy = [
            order.index(f"{key}#happy")
            for key in (
                "POST /pets",
                "GET /pets/{petId}",
                "PUT /pets/{petId}",
                "DELETE /pets/{petId}",
            )
        ]

        assert happy == sorted(happy)

    def test_keeps_happy_paths_before_boundaries_before_negatives(self) -> None:
        suite = generate_suite(a_petstore(), None, ALL)
        rank = {TestType.HappyPath: 0, TestType.Boundary: 1, TestType.Negative: 2}

        for endpoint_key in {case.endpoint_key for case in suite.cases}:
            types = [case.test_type for case in suite.cases if case.endpoint_key == endpoint_key]
            assert [rank[kind] for kind in types] == sorted(rank[kind] for kind in types)


class TestBounds:
    def test_gives_no_operation_more_cases_than_allowed(self) -> None:
        suite = generate_suite(a_petstore(), None, GenerationOptions(max_cases_per_operation=3))

        counts: dict[str, int] = {}
        for case in suite.cases:
            counts[case.endpoint_key] = counts.get(case.endpoint_key, 0) + 1

        assert max(counts.values()) == 3

    def test_shares_the_budget_between_boundaries_and_negatives(self) -> None:
        suite = generate_suite(
            a_petstore(), ["POST /pets"], GenerationOptions(max_cases_per_operation=5)
        )

        kinds = [case.test_type for case in suite.cases if case.endpoint_key == "POST /pets"]

        assert kinds == [
            TestType.HappyPath,
            TestType.Boundary,
            TestType.Boundary,
            TestType.Negative,
            TestType.Negative,
        ]

    def test_gives_at_most_the_allowed_boundary_cases_per_field(self) -> None:
        options = GenerationOptions(
            test_types=[TestType.Boundary],
            max_boundary_cases_per_field=2,
            max_cases_per_operation=50,
        )

        suite = generate_suite(a_petstore(), ["POST /pets"], options)

        fields = [
            case.key.split(":")[1] for case in suite.cases if case.test_type == TestType.Boundary
        ]
        assert max(fields.count(field) for field in fields) == 2

    def test_generates_only_the_test_types_asked_for(self) -> None:
        options = GenerationOptions(test_types=[TestType.Negative])

        suite = generate_suite(a_petstore(), ["GET /pets"], options)

        chosen = [case for case in suite.cases if case.endpoint_key == "GET /pets"]
        assert chosen and all(case.test_type == TestType.Negative for case in chosen)


class TestDeterminism:
    def test_gives_identical_json_for_the_same_specification_and_options(self) -> None:
        first = generate_suite(a_petstore(), None, GenerationOptions(seed=7))
        second = generate_suite(a_petstore(), None, GenerationOptions(seed=7))

        assert json.dumps(first.to_json()) == json.dumps(second.to_json())

    def test_gives_different_sample_values_for_another_seed(self) -> None:
        first = generate_suite(a_petstore(), ["POST /pets"], GenerationOptions(seed=1))
        second = generate_suite(a_petstore(), ["POST /pets"], GenerationOptions(seed=2))

        assert (
            first.case("POST /pets#happy").request.body
            != second.case("POST /pets#happy").request.body
        )

    def test_round_trips_the_whole_suite_through_json(self) -> None:
        suite = generate_suite(a_petstore(), None, ALL)

        assert GeneratedSuite.from_json(json.loads(json.dumps(suite.to_json()))) == suite


class TestNotes:
    def test_say_which_constraint_a_value_could_not_meet(self) -> None:
        body = {
            "type": "object",
            "required": ["code"],
            "properties": {"code": {"type": "string", "pattern": "^(?=x)x+$"}},
        }
        spec = a_specification(
            an_endpoint("POST", "/codes", request_body=a_body(body), responses=[a_response("201")])
        )

        suite = generate_suite(spec, None, ALL)

        assert suite.notes == [
            "POST /codes: no string matching '^(?=x)x+$' was generated; its length is right"
        ]


class TestRefusals:
    def test_refuses_an_operation_the_specification_does_not_have(self) -> None:
        with pytest.raises(InvalidValueError) as refused:
            generate_suite(a_petstore(), ["PATCH /pets"], ALL)

        assert refused.value.field == "endpoint_keys"

    @pytest.mark.parametrize(
        "fields",
        [
            {"test_types": []},
            {"test_types": [TestType.Boundary, TestType.Boundary]},
            {"max_cases_per_operation": 0},
            {"max_boundary_cases_per_field": 21},
        ],
    )
    def test_refuses_options_out_of_range(self, fields: dict[str, Any]) -> None:
        with pytest.raises(InvalidValueError):
            GenerationOptions(**fields)


class TestUnresolvedReferences:
    def test_warn_on_the_suite_when_the_import_left_files_unresolved(self) -> None:
        spec = a_specification(
            an_endpoint("GET", "/pets", responses=[a_response("200")]),
            issues=[
                ParseIssue(
                    "/paths/~1pets/get/responses/200/schema",
                    "external reference 'Pet.yaml' is not resolved: what it names is missing",
                )
            ],
        )

        suite = generate_suite(spec, None, ALL)

        assert suite.notes[0].startswith("warning: the specification has 1 unresolved")
        assert "(Pet.yaml)" in suite.notes[0]
        assert suite.report.notes[0] == suite.notes[0]

"""Inferring who feeds whom: logins feed tokens, creations feed identifiers."""

from domain.generation.dependencies import LOCATION_ID, plan_dependencies
from domain.specifications.parsed import ParsedSecurityScheme
from domain.testing.values import ExtractionSource, VariableExtraction
from tests.unit.domain.generation.builders import (
    BEARER,
    PET,
    a_body,
    a_parameter,
    a_petstore,
    a_response,
    a_specification,
    an_endpoint,
    secured_by,
)

CREATED_PET = [a_response("201", PET)]


class TestAuthenticationStep:
    def test_finds_the_login_and_reads_its_token_property(self) -> None:
        plan = plan_dependencies(a_petstore())

        assert plan.auth is not None
        assert plan.auth.endpoint_key == "POST /auth/login"
        assert plan.auth.extraction == VariableExtraction(
            name="authToken", source=ExtractionSource.Body, expression="$.token"
        )

    def test_recognises_a_login_by_its_operation_id(self) -> None:
        spec = a_specification(
            an_endpoint("POST", "/users", responses=CREATED_PET),
            an_endpoint(
                "POST",
                "/credentials/exchange",
                operation_id="signInUser",
                responses=[
                    a_response(
                        "200",
                        {
                            "type": "object",
                            "properties": {
                                "data": {
                                    "type": "object",
                                    "properties": {"accessToken": {"type": "string"}},
                                }
                            },
                        },
                    )
                ],
            ),
        )

        plan = plan_dependencies(spec)

        assert plan.auth is not None
        assert plan.auth.endpoint_key == "POST /credentials/exchange"
        assert plan.auth.extraction.expression == "$.data.accessToken"

    def test_prefers_the_oauth2_token_url_and_its_access_token(self) -> None:
        oauth = ParsedSecurityScheme(
            name="oauth",
            type="oauth2",
            configuration={
                "flows": {"password": {"tokenUrl": "https://auth.example.com/oauth/token"}}
            },
        )
        spec = a_specification(
            an_endpoint("POST", "/login", responses=[a_response("200")]),
            an_endpoint("POST", "/oauth/token", responses=[a_response("200")]),
            security_schemes=[oauth],
        )

        plan = plan_dependencies(spec)

        assert plan.auth is not None
        assert plan.auth.endpoint_key == "POST /oauth/token"
        assert plan.auth.extraction.expression == "$.access_token"

    def test_takes_neither_logout_nor_refresh_nor_a_get_for_a_login(self) -> None:
        spec = a_specification(
            an_endpoint("POST", "/auth/logout", responses=[a_response("204")]),
            an_endpoint("POST", "/auth/token/refresh", responses=[a_response("200")]),
            an_endpoint("GET", "/login", responses=[a_response("200")]),
        )

        assert plan_dependencies(spec).auth is None

    def test_makes_only_bearer_secured_operations_need_the_login(self) -> None:
        api_key = ParsedSecurityScheme(
            name="key", type="apiKey", in_="header", parameter_name="X-API-Key"
        )
        spec = a_specification(
            an_endpoint("POST", "/login", responses=[a_response("200")]),
            an_endpoint("GET", "/a", security=secured_by(BEARER)),
            an_endpoint("GET", "/b", security=secured_by(api_key)),
            an_endpoint("GET", "/c"),
            security_schemes=[BEARER, api_key],
        )

        plan = plan_dependencies(spec)

        assert [plan.needs_auth_step(key) for key in ("GET /a", "GET /b", "GET /c")] == [
            True,
            False,
            False,
        ]


class TestResourceBindings:
    def test_binds_every_path_naming_the_created_resource_id(self) -> None:
        spec = a_specification(
            an_endpoint("POST", "/pets", responses=CREATED_PET),
            an_endpoint("GET", "/pets/{petId}"),
            an_endpoint("PUT", "/pets/{pet_id}"),
            an_endpoint("DELETE", "/pets/{id}"),
        )

        plan = plan_dependencies(spec)

        assert plan.extractions["POST /pets"] == [
            VariableExtraction(name="petId", source=ExtractionSource.Body, expression="$.id")
        ]
        for key, parameter in (
            ("GET /pets/{petId}", "petId"),
            ("PUT /pets/{pet_id}", "pet_id"),
            ("DELETE /pets/{id}", "id"),
        ):
            binding = plan.binding(key, parameter)
            assert binding is not None
            assert (binding.variable, binding.producer_key, binding.resource) == (
                "petId",
                "POST /pets",
                "pet",
            )

    def test_leaves_a_parameter_that_names_no_identifier_of_it(self) -> None:
        spec = a_specification(
            an_endpoint("POST", "/pets", responses=CREATED_PET),
            an_endpoint("GET", "/pets/{ownerId}"),
            an_endpoint("GET", "/owners/{petId}"),
        )

        plan = plan_dependencies(spec)

        assert plan.bindings.get("GET /pets/{ownerId}", []) == []
        assert plan.bindings.get("GET /owners/{petId}", []) == []

    def test_reads_the_id_from_a_location_header_without_an_id_property(self) -> None:
        spec = a_specification(
            an_endpoint(
                "POST",
                "/orders",
                responses=[a_response("201", headers={"Location": {"schema": {"type": "string"}}})],
            ),
            an_endpoint("GET", "/orders/{orderId}"),
        )

        plan = plan_dependencies(spec)

        assert plan.extractions["POST /orders"] == [
            VariableExtraction(
                name="orderId",
                source=ExtractionSource.Regex,
                expression=LOCATION_ID,
                header_name="Location",
            )
        ]

    def test_chains_nested_resources_to_their_own_creators(self) -> None:
        spec = a_specification(
            an_endpoint("POST", "/users", responses=[a_response("201", PET)]),
            an_endpoint("POST", "/users/{userId}/orders", responses=[a_response("201", PET)]),
            an_endpoint("GET", "/users/{userId}/orders/{orderId}"),
        )

        plan = plan_dependencies(spec)

        assert plan.prerequisites("GET /users/{userId}/orders/{orderId}") == [
            "POST /users",
            "POST /users/{userId}/orders",
        ]
        assert plan.prerequisites("POST /users/{userId}/orders") == ["POST /users"]

    def test_does_not_count_a_post_without_an_identifier_as_a_creation(self) -> None:
        spec = a_specification(
            an_endpoint("POST", "/pets", responses=[a_response("200", {"type": "object"})]),
            an_endpoint("GET", "/pets/{petId}"),
        )

        assert plan_dependencies(spec).extractions == {}


class TestLinks:
    def test_honours_a_link_before_guessing(self) -> None:
        creator = an_endpoint(
            "POST",
            "/things",
            request_body=a_body({"type": "object"}),
            responses=[a_response("201", {"type": "object"})],
            links={
                "201/GetThing": {
                    "operationId": "getThing",
                    "parameters": {"path.ref": "$response.body#/data/0/ref"},
                }
            },
        )
        reader = an_endpoint(
            "GET",
            "/catalogue/{ref}",
            operation_id="getThing",
            parameters=[a_parameter("ref", "path", type="string")],
        )

        plan = plan_dependencies(a_specification(creator, reader))

        binding = plan.binding("GET /catalogue/{ref}", "ref")
        assert binding is not None
        assert (binding.variable, binding.producer_key, binding.link_name) == (
            "ref",
            "POST /things",
            "201/GetThing",
        )
        assert plan.extractions["POST /things"][0].expression == "$.data[0].ref"

    def test_ignores_a_link_whose_value_comes_from_the_request(self) -> None:
        creator = an_endpoint(
            "POST",
            "/things",
            responses=[a_response("201")],
            links={"201/x": {"operationId": "getThing", "parameters": {"id": "$request.path.id"}}},
        )
        reader = an_endpoint("GET", "/things/{id}", operation_id="getThing")

        assert plan_dependencies(a_specification(creator, reader)).bindings == {}

    def test_drops_a_link_that_would_close_a_cycle(self) -> None:
        first = an_endpoint(
            "POST",
            "/a/{bId}",
            operation_id="makeA",
            responses=[a_response("201")],
            links={
                "201/toB": {"operationId": "makeB", "parameters": {"aId": "$response.body#/id"}}
            },
        )
        second = an_endpoint(
            "POST",
            "/b/{aId}",
            operation_id="makeB",
            responses=[a_response("201")],
            links={
                "201/toA": {"operationId": "makeA", "parameters": {"bId": "$response.body#/id"}}
            },
        )

        plan = plan_dependencies(a_specification(first, second))

        assert plan.prerequisites("POST /b/{aId}") == ["POST /a/{bId}"]
        assert plan.prerequisites("POST /a/{bId}") == []

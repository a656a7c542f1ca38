"""The login step: taken on strong evidence only, its token found where the schema puts it."""

from typing import Any

from domain.generation.dependencies import plan_dependencies
from domain.generation.generator import GenerationOptions, generate_suite
from domain.specifications.parsed import ParsedEndpoint, ParsedSecurityScheme
from tests.unit.domain.generation.builders import (
    BEARER,
    a_response,
    a_specification,
    an_endpoint,
    secured_by,
)

USER_WITH_TOKEN: dict[str, Any] = {
    "type": "object",
    "properties": {
        "user": {
            "type": "object",
            "properties": {
                "email": {"type": "string"},
                "token": {"type": "string"},
                "bio": {"type": "string"},
            },
        }
    },
}


def _secured_list() -> ParsedEndpoint:
    return an_endpoint("GET", "/pets", responses=[a_response("200")], security=secured_by(BEARER))


class TestLoginEvidence:
    def test_auth_inside_a_path_segment_is_not_a_login(self) -> None:
        spec = a_specification(
            an_endpoint("POST", "/no_auth/pets", responses=[a_response("201")]),
            _secured_list(),
            security_schemes=[BEARER],
        )

        plan = plan_dependencies(spec)
        suite = generate_suite(spec, None, GenerationOptions())

        assert plan.auth is None
        assert suite.case("GET /pets#happy").depends_on == []
        assert any("POST /no_auth/pets" in note and "not taken" in note for note in suite.notes)
        assert any("no login step was added" in note for note in suite.notes)

    def test_a_login_word_in_the_summary_is_enough(self) -> None:
        spec = a_specification(
            an_endpoint("POST", "/v1/identity", summary="Log in", responses=[a_response("200")]),
            _secured_list(),
            security_schemes=[BEARER],
        )

        plan = plan_dependencies(spec)

        assert plan.auth is not None and plan.auth.endpoint_key == "POST /v1/identity"

    def test_an_operation_documenting_no_success_is_not_a_login(self) -> None:
        # oas-examples' security.json: "Forced invalid authentication" answers only 401.
        spec = a_specification(
            an_endpoint(
                "POST",
                "/status/401",
                summary="Forced invalid authentication",
                operation_id="login",
                responses=[a_response("401")],
            ),
            _secured_list(),
            security_schemes=[BEARER],
        )

        plan = plan_dependencies(spec)
        suite = generate_suite(spec, None, GenerationOptions())

        assert plan.auth is None
        assert any("POST /status/401" in note and "no success" in note for note in suite.notes)

    def test_a_session_creating_operation_id_is_a_login(self) -> None:
        spec = a_specification(
            an_endpoint(
                "POST", "/v1/people", operation_id="createSession", responses=[a_response("200")]
            ),
            _secured_list(),
            security_schemes=[BEARER],
        )

        assert plan_dependencies(spec).auth is not None

    def test_the_operation_a_bearer_scheme_describes_is_the_login(self) -> None:
        scheme = ParsedSecurityScheme(
            name="bearerAuth",
            type="http",
            scheme="bearer",
            description="Send the JWT you get from POST /identity/access.",
        )
        spec = a_specification(
            an_endpoint("POST", "/identity/access", responses=[a_response("200")]),
            an_endpoint("POST", "/user/tokens", responses=[a_response("200")]),
            _secured_list(),
            security_schemes=[scheme],
        )

        plan = plan_dependencies(spec)

        assert plan.auth is not None and plan.auth.endpoint_key == "POST /identity/access"

    def test_a_token_in_the_response_schema_alone_is_evidence(self) -> None:
        spec = a_specification(
            an_endpoint("POST", "/members", responses=[a_response("200", USER_WITH_TOKEN)]),
            _secured_list(),
            security_schemes=[BEARER],
        )

        plan = plan_dependencies(spec)

        assert plan.auth is not None and plan.auth.endpoint_key == "POST /members"


class TestTokenLocation:
    def test_finds_a_token_nested_in_the_user(self) -> None:
        spec = a_specification(
            an_endpoint("POST", "/users/login", responses=[a_response("200", {"$ref": "#/User"})]),
            _secured_list(),
            security_schemes=[BEARER],
            schemas={"#/User": USER_WITH_TOKEN},
        )

        plan = plan_dependencies(spec)
        suite = generate_suite(spec, None, GenerationOptions())

        assert plan.auth is not None
        assert plan.auth.extraction.expression == "$.user.token"
        assert any(
            "read from $.user.token: a token field of the response schema" in note
            for note in suite.notes
        )

    def test_says_when_the_token_path_is_a_guess(self) -> None:
        spec = a_specification(
            an_endpoint("POST", "/login", responses=[a_response("204")]),
            _secured_list(),
            security_schemes=[BEARER],
        )

        suite = generate_suite(spec, None, GenerationOptions())

        assert any("$.token is assumed" in note for note in suite.notes)

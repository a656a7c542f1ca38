"""A required Authorization header declared as a parameter, not as a security scheme."""

from domain.generation.generator import GenerationOptions, generate_suite
from domain.testing.values import TestType
from tests.unit.domain.generation.builders import (
    BEARER,
    a_parameter,
    a_specification,
    an_endpoint,
    secured_by,
)

HAPPY = GenerationOptions(test_types=[TestType.HappyPath])


def test_a_required_authorization_parameter_is_sent_when_no_scheme_fills_it() -> None:
    header = a_parameter("Authorization", "header", required=True, type="string")
    spec = a_specification(an_endpoint("PUT", "/circular", parameters=[header]))

    case = generate_suite(spec, None, HAPPY).case("PUT /circular#happy")

    assert "Authorization" in case.request.headers


def test_the_security_scheme_still_owns_the_header_when_there_is_one() -> None:
    header = a_parameter("Authorization", "header", required=True, type="string")
    endpoint = an_endpoint("GET", "/me", parameters=[header], security=secured_by(BEARER))
    spec = a_specification(endpoint, security_schemes=[BEARER])

    case = generate_suite(spec, None, HAPPY).case("GET /me#happy")

    assert case.request.headers["Authorization"].startswith("Bearer ")

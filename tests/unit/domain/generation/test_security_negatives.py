"""The missing-credentials case is sent without the environment's credentials too."""

from domain.generation.generator import GenerationOptions, generate_suite
from domain.testing.values import RequestSpec, TestType
from tests.unit.domain.generation.builders import BEARER, a_specification, an_endpoint, secured_by

NEGATIVES = GenerationOptions(test_types=[TestType.Negative], max_cases_per_operation=30)


def test_the_missing_credentials_case_asks_for_no_environment_credentials() -> None:
    spec = a_specification(
        an_endpoint("GET", "/me", security=secured_by(BEARER)), security_schemes=[BEARER]
    )
    suite = generate_suite(spec, None, NEGATIVES)

    missing = suite.case("GET /me#negative:missingCredentials")
    invalid = suite.case("GET /me#negative:invalidCredentials")

    assert missing.request.without_credentials is True
    # The invalid-credentials case carries its own (wrong) credential, which already wins.
    assert invalid.request.without_credentials is False


def test_the_flag_survives_the_case_json_and_older_requests_read_without_it() -> None:
    request = RequestSpec(method="GET", url="/me", without_credentials=True)

    assert RequestSpec.from_json(request.to_json()) == request
    plain = RequestSpec(method="GET", url="/me").to_json()
    assert "without_credentials" not in plain
    assert RequestSpec.from_json(plain).without_credentials is False

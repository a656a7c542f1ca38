"""An operation that requires a body gets a case sending none."""

from domain.generation.generator import GenerationOptions, generate_suite
from domain.specifications.parsed import ParsedEndpoint, ParsedRequestBody
from domain.testing.values import BodyType, TestType
from tests.unit.domain.generation.builders import a_response, a_specification, an_endpoint

NEGATIVES = GenerationOptions(test_types=[TestType.Negative], max_cases_per_operation=30)
SCHEMA = {"type": "object", "required": ["items"], "properties": {"items": {"type": "array"}}}


def _upload(required: bool) -> ParsedEndpoint:
    body = ParsedRequestBody(content_type="application/json", required=required, schema=SCHEMA)
    return an_endpoint(
        "POST", "/uploads", request_body=body, responses=[a_response("201", {"type": "object"})]
    )


def test_a_required_body_left_out_is_refused() -> None:
    suite = generate_suite(a_specification(_upload(True)), None, NEGATIVES)

    case = suite.case("POST /uploads#negative:emptyBody")

    assert (case.request.body_type, case.request.body) == (BodyType.Raw, "")
    assert case.request.headers["Content-Type"] == "application/json"
    assert all(status >= 400 for status in case.expectations.expected_status)


def test_an_optional_body_may_be_left_out() -> None:
    suite = generate_suite(a_specification(_upload(False)), None, NEGATIVES)

    assert "POST /uploads#negative:emptyBody" not in [case.key for case in suite.cases]

"""The oracle's judge: each way a verdict can be right, wrong or undecidable against Prism."""

import json
from typing import Any

from bench.oracle.judge import RIGHT, SKIPPED, UNDECIDABLE, WRONG, judge


def _case(test_type: str, expected: list[int], name: str, tags: list[str]) -> dict[str, Any]:
    return {
        "name": name,
        "endpoint_key": "GET /pets",
        "test_type": test_type,
        "tags": tags,
        "expectations": {"expected_status": expected},
    }


def _result(
    status: str,
    code: int | None,
    violations: list[dict[str, Any]] | None = None,
    failed: list[dict[str, Any]] | None = None,
    reason: str = "",
    body: str = "",
    extra_headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    headers = {"content-type": "application/json", **(extra_headers or {})}
    if violations:
        headers["sl-violations"] = json.dumps(violations)
    return {
        "status": status,
        "responseStatus": str(code) if code is not None else "",
        "responseHeaders": headers,
        "responseBody": body,
        "failureReason": reason,
        "validations": [{"passed": False, **v} for v in failed or []],
        "requestMethod": "GET",
        "requestUrl": "http://127.0.0.1/pets",
    }


REQUEST_ERROR = {"location": ["request", "query", "limit"], "severity": "Error", "code": "maximum"}
RESPONSE_ERROR = {
    "location": ["response", "body"],
    "severity": "Error",
    "message": "must be integer",
}
HAPPY = _case("HappyPath", [200], "List pets: a valid request succeeds", ["happy-path"])
OUTSIDE = _case(
    "Boundary", [400, 422], "List pets: query.limit at maximum+1 is refused", ["boundary"]
)


def test_a_passing_valid_case_prism_accepted_is_right() -> None:
    assert judge(HAPPY, _result("Passed", 200)).outcome == RIGHT


def test_a_valid_case_prism_refuses_is_wrong_whatever_testament_says() -> None:
    verdict = judge(
        HAPPY,
        _result("Failed", 422, [REQUEST_ERROR], [{"check": "status"}], "status: expected [200]"),
    )
    assert verdict.outcome == WRONG
    assert verdict.label == "request labelled valid is refused by Prism (maximum@query)"


def test_a_refused_negative_case_that_passes_is_right() -> None:
    assert judge(OUTSIDE, _result("Passed", 422, [REQUEST_ERROR])).outcome == RIGHT


def test_a_negative_case_prism_accepts_is_wrong() -> None:
    verdict = judge(OUTSIDE, _result("Failed", 200, failed=[{"check": "status"}]))
    assert verdict.outcome == WRONG
    assert verdict.label == "request labelled invalid (maximum) is valid for Prism"


def test_a_success_status_testament_did_not_expect_is_wrong() -> None:
    verdict = judge(HAPPY, _result("Failed", 201, failed=[{"check": "status"}]))
    assert (verdict.outcome, verdict.label) == (
        WRONG,
        "expected status is not what a conforming server answers",
    )


def test_conformance_failures_agree_or_disagree_with_the_proxy() -> None:
    schema_failed = [{"check": "schema", "actual": "invalid"}]
    agreed = judge(HAPPY, _result("Failed", 200, [RESPONSE_ERROR], schema_failed, "schema"))
    assert agreed.outcome == RIGHT
    alone = judge(HAPPY, _result("Failed", 200, failed=schema_failed, reason="schema"))
    assert alone.outcome == WRONG and alone.label.startswith("check fails on a response")
    missed = judge(HAPPY, _result("Passed", 200, [RESPONSE_ERROR]))
    assert missed.label == "conformance: passed a response Prism's proxy finds invalid"


def test_what_a_stateless_mock_cannot_decide_is_never_right() -> None:
    invalid = _case(
        "Negative", [401, 403], "List pets: invalid credentials are refused", ["security"]
    )
    unknown = _case("Negative", [404], "Find a pet: unknown petId is not found", ["not-found"])
    accepted = _result("Failed", 200, failed=[{"check": "status"}])
    assert judge(invalid, accepted).outcome == UNDECIDABLE
    assert judge(unknown, accepted).outcome == UNDECIDABLE
    silent = _result("Failed", None, reason="no response within 30000 ms")
    assert judge(HAPPY, silent).outcome == UNDECIDABLE
    crashed = _result("Failed", 502, extra_headers={"x-oracle": "prism-failed"})
    assert judge(HAPPY, crashed).label == "Prism did not answer"


def test_a_missing_documented_header_is_undecidable_only_when_it_is_all_that_failed() -> None:
    only = "openapi: expected 'a response documented', got '1 problem(s)' (Missing required header: Location)"
    alone = judge(HAPPY, _result("Failed", 201, failed=[{"check": "openapi"}], reason=only))
    assert alone.outcome == UNDECIDABLE
    more = only.replace("1 problem(s)", "2 problem(s)")
    assert (
        judge(HAPPY, _result("Failed", 201, failed=[{"check": "openapi"}], reason=more)).outcome
        == WRONG
    )


def test_malformed_json_refused_by_the_relay_counts_as_refused() -> None:
    malformed = _case("Negative", [400, 422], "Add a pet: malformed JSON body is refused", [])
    verdict = judge(malformed, _result("Passed", 400, extra_headers={"x-oracle": "malformed-json"}))
    assert verdict.outcome == RIGHT


def test_skips_and_unresolved_variables() -> None:
    skipped = _result("Skipped", None, reason="depends on Add a pet, which failed")
    assert judge(HAPPY, skipped).outcome == SKIPPED
    assert judge(HAPPY, None).outcome == SKIPPED
    unknown = _result("Failed", None, reason="unknown variable {{apiKey}}")
    assert judge(HAPPY, unknown).label == "case uses a variable nothing defines"


def test_a_refusal_that_fails_conformance_is_judged_by_the_proxy_and_by_who_wrote_it() -> None:
    openapi = [{"check": "openapi"}]
    agreed = _result("Failed", 400, [REQUEST_ERROR, RESPONSE_ERROR], openapi, "openapi")
    assert judge(OUTSIDE, agreed).outcome == RIGHT
    prisms_own = _result(
        "Failed",
        422,
        [REQUEST_ERROR],
        openapi,
        "openapi",
        body='{"type": "https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY"}',
    )
    assert judge(OUTSIDE, prisms_own).label == "mock refuses with its own undocumented problem"
    documented = _result("Failed", 400, [REQUEST_ERROR], openapi, "openapi", body="{}")
    assert judge(OUTSIDE, documented).outcome == WRONG


def test_a_happy_path_of_an_operation_documenting_only_405_is_right_when_it_gets_405() -> None:
    only_405 = _case("HappyPath", [405], "Update a pet: a valid request succeeds", ["happy-path"])
    assert judge(only_405, _result("Passed", 405)).outcome == RIGHT
    refused = _result("Failed", 422, [REQUEST_ERROR], [{"check": "status"}])
    assert judge(only_405, refused).outcome == WRONG


def test_a_header_openapi_says_to_ignore_is_undecidable_when_prism_requires_it() -> None:
    missing = {
        "location": ["request", "header", "Authorization"],
        "severity": "Error",
        "code": "required",
    }
    refused = _result("Failed", 400, [missing], [{"check": "status"}])
    assert judge(HAPPY, refused).label == "Prism requires a header OpenAPI says to ignore"
    other = {
        "location": ["request", "header", "X-API-Key"],
        "severity": "Error",
        "code": "required",
    }
    assert judge(HAPPY, _result("Failed", 400, [other], [{"check": "status"}])).outcome == WRONG


def test_a_missing_ignored_header_is_recognised_in_the_shape_prism_reports_it() -> None:
    # Prism 5 locates a missing header at the headers object and names it in the message
    # only (seen on bbc.co.uk's `Authorization` parameter).
    def missing(name: str) -> dict[str, Any]:
        return {
            "location": ["request", "header"],
            "severity": "Error",
            "code": "required",
            "message": f"Request header must have required property '{name}'",
        }

    refused = _result("Failed", 400, [missing("authorization")], [{"check": "status"}])
    assert judge(HAPPY, refused).outcome == UNDECIDABLE
    other = _result("Failed", 400, [missing("x-api-key")], [{"check": "status"}])
    assert judge(HAPPY, other).outcome == WRONG
    both = _result(
        "Failed", 400, [missing("authorization"), missing("x-api-key")], [{"check": "status"}]
    )
    assert judge(HAPPY, both).outcome == WRONG


def test_a_boundary_inside_its_range_is_a_valid_request_whatever_its_statuses() -> None:
    inside = _case("Boundary", [405], "Add a pet: status at enum[0] is accepted", ["inside"])
    assert judge(inside, _result("Passed", 405)).outcome == RIGHT


def test_prism_refusing_every_body_of_an_operation_without_media_type_is_undecidable() -> None:
    # Seen on oas-examples' Swagger 2.0 petstore: no `consumes`, and Prism answers 400/415
    # to any body, whether Testament called the request valid or invalid.
    none = {
        "location": ["request"],
        "severity": "Error",
        "code": 415,
        "message": "No supported content types, but request included a non-empty body",
    }
    assert judge(HAPPY, _result("Failed", 400, [none], [{"check": "status"}])).outcome == (
        UNDECIDABLE
    )
    assert judge(OUTSIDE, _result("Failed", 415, [none], [{"check": "status"}])).outcome == (
        UNDECIDABLE
    )
    assert judge(HAPPY, _result("Failed", 400, [none, REQUEST_ERROR])).outcome == WRONG


def test_a_pattern_violation_the_proxy_missed_is_right_when_a_third_party_confirms_it() -> None:
    reason = (
        "schema: expected 'a body valid against the response schema', got '2 error(s)' "
        "($.account_sid: 'stringstringstringstringstringstri' does not match "
        "'^AC[0-9a-fA-F]{32}$'; $.uri: 'string' does not match '\\\\/(versions|branches)')"
    )
    failed = [{"check": "schema"}, {"check": "openapi"}]
    verdict = judge(HAPPY, _result("Failed", 200, None, failed, reason=reason))
    assert verdict.outcome == RIGHT
    # A claim that does not hold is no evidence: the value does match.
    wrong = "schema: got '1 error(s)' ($.id: 'AC1' does not match '^AC[0-9]$')"
    assert judge(HAPPY, _result("Failed", 200, None, failed, reason=wrong)).outcome == WRONG


def test_a_negative_case_refused_only_for_an_ignored_header_is_undecidable() -> None:
    # altoroj: GET /feedback/{id} declares a required Authorization parameter; Prism
    # answered the not-found case 400 for the header, not for the id.
    missing = {
        "location": ["request", "header"],
        "severity": "Error",
        "code": "required",
        "message": "Request header must have required property 'authorization'",
    }
    not_found = _case("Negative", [404], "Get feedback: unknown id is not found", ["not-found"])
    refused = _result("Failed", 400, [missing], [{"check": "status"}])
    assert judge(not_found, refused).outcome == UNDECIDABLE


def test_a_type_violation_the_proxy_missed_is_right_when_the_body_confirms_it() -> None:
    # soundcloud: TracksList is documented as an array, its example is one track (an object).
    message = "$: {'access': 'playable', 'bpm': None…} is not of type 'array'"
    failed = [{"check": "schema", "message": message}, {"check": "openapi"}]
    body = '{"access": "playable", "bpm": null}'
    verdict = judge(HAPPY, _result("Failed", 200, None, failed, body=body))
    assert verdict.outcome == RIGHT
    inner = [{"check": "schema", "message": "$.items[0].id: 'x' is not of type 'integer'"}]
    right = judge(HAPPY, _result("Failed", 200, None, inner, body='{"items": [{"id": "x"}]}'))
    assert right.outcome == RIGHT
    # The body does not bear the claim out: no evidence, the disagreement stays wrong.
    assert judge(HAPPY, _result("Failed", 200, None, failed, body="[]")).outcome == WRONG


def test_a_body_prism_does_not_check_decides_nothing_about_body_cases() -> None:
    # readme.json's POST /branches/{branch}/reference: Prism accepts even a JSON string
    # where an object is documented (the control), so its acceptance proves nothing.
    enum = _case("Boundary", [400, 422], "Create a page: state at notInEnum is refused", [])
    accepted = _result("Failed", 201, None, [{"check": "status"}])
    assert judge(enum, accepted, body_unchecked=True).outcome == UNDECIDABLE
    assert judge(enum, accepted).outcome == WRONG
    query = _case("Boundary", [400, 422], "List: query.limit at maximum+1 is refused", [])
    assert judge(query, accepted, body_unchecked=True).outcome == WRONG


def test_a_format_outside_openapi_and_json_schema_is_not_evidence_against_a_pass() -> None:
    # obono.at documents format "url" (not a standard format: an annotation); Prism's
    # validator checks it anyway. A standard format ("uri") still counts.
    def violation(name: str) -> dict[str, Any]:
        return {
            "location": ["response", "body", "_href"],
            "severity": "Error",
            "message": f'Response body property _href must match format "{name}"',
        }

    assert judge(HAPPY, _result("Passed", 200, [violation("url")])).outcome == RIGHT
    assert judge(HAPPY, _result("Passed", 200, [violation("uri")])).outcome == WRONG


def test_the_proxys_own_fetch_error_is_undecidable() -> None:
    body = json.dumps({"type": "FetchError", "title": "invalid json response body", "status": 500})
    verdict = judge(HAPPY, _result("Failed", 500, None, [{"check": "status"}], body=body))
    assert verdict.outcome == UNDECIDABLE


def test_query_parameters_prism_does_not_check_decide_nothing_about_query_cases() -> None:
    # schema-validation-top-level: Prism accepts the request with no query string at all
    # where the document requires two query parameters.
    wrong_type = _case("Negative", [400, 422], "Numbers: query.id of the wrong type is refused", [])
    accepted = _result("Failed", 200, None, [{"check": "status"}])
    assert judge(wrong_type, accepted, query_unchecked=True).outcome == UNDECIDABLE
    assert judge(wrong_type, accepted).outcome == WRONG

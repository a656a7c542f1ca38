"""Every kind of check, passing and failing, with what was expected and what came."""

from typing import Any

from application.testexec.execution import CaseResult, CaseStatus, Validation
from tests.integration.execution.support import case, run
from tests.integration.execution.target import Target


def _checked(
    target: Target, url: str = "/typed", openapi: Any = None, **expectations: Any
) -> CaseResult:
    _, sink = run([case("checked", url, **expectations)], target.url, openapi=openapi)
    return sink.result("checked")


def _by_check(result: CaseResult) -> dict[str, Validation]:
    return {validation.check: validation for validation in result.validations}


def _paths(target: Target, checks: list[tuple[str, str, Any]]) -> dict[str, Validation]:
    result = _checked(
        target,
        x_jsonpath_checks=[{"path": p, "operator": o, "expected": e} for p, o, e in checks],
    )
    return _by_check(result)


def _assert(
    found: dict[str, Validation], check: str, passed: bool, expected: Any, actual: Any
) -> None:
    validation = found[check]
    assert (validation.passed, validation.expected, validation.actual) == (
        passed,
        expected,
        actual,
    ), validation


class TestJsonPathOperators:
    def test_exists_and_not_null_see_presence_and_null(self, target: Target) -> None:
        found = _paths(
            target,
            [
                ("$.id", "exists", None),
                ("$.nope", "exists", None),
                ("$.name", "not_null", None),
                ("$.owner", "not_null", None),
            ],
        )
        _assert(found, "jsonpath $.id exists", True, None, 7)
        _assert(found, "jsonpath $.nope exists", False, None, None)
        _assert(found, "jsonpath $.name not_null", True, None, "Rex")
        _assert(found, "jsonpath $.owner not_null", False, None, None)
        assert found["jsonpath $.nope exists"].message == "nothing is there"

    def test_equals_and_not_equals_compare_json_values(self, target: Target) -> None:
        found = _paths(
            target,
            [
                ("$.name", "equals", "Rex"),
                ("$.id", "equals", 8),
                ("$.vaccinated", "equals", 1),
                ("$.id", "not_equals", 8),
                ("$.tags", "not_equals", ["good", "dog"]),
            ],
        )
        _assert(found, "jsonpath $.name equals", True, "Rex", "Rex")
        _assert(found, "jsonpath $.id equals", False, 8, 7)
        _assert(found, "jsonpath $.vaccinated equals", False, 1, True)
        _assert(found, "jsonpath $.id not_equals", True, 8, 7)
        _assert(found, "jsonpath $.tags not_equals", False, ["good", "dog"], ["good", "dog"])

    def test_contains_and_matches_look_inside_text_and_lists(self, target: Target) -> None:
        found = _paths(
            target,
            [
                ("$.name", "contains", "Re"),
                ("$.tags", "contains", "cat"),
                ("$.nested", "contains", "items"),
                ("$.name", "matches", "^R.x$"),
                ("$.id", "matches", "^8$"),
            ],
        )
        _assert(found, "jsonpath $.name contains", True, "Re", "Rex")
        _assert(found, "jsonpath $.tags contains", False, "cat", ["good", "dog"])
        assert found["jsonpath $.nested contains"].passed
        _assert(found, "jsonpath $.name matches", True, "^R.x$", "Rex")
        _assert(found, "jsonpath $.id matches", False, "^8$", 7)

    def test_orderings_compare_numbers_only(self, target: Target) -> None:
        found = _paths(
            target,
            [
                ("$.price", "gt", 9),
                ("$.price", "gte", 10),
                ("$.id", "lt", 8),
                ("$.id", "lte", 6),
                ("$.name", "lt", 3),
            ],
        )
        _assert(found, "jsonpath $.price gt", True, 9, 9.5)
        _assert(found, "jsonpath $.price gte", False, 10, 9.5)
        _assert(found, "jsonpath $.id lt", True, 8, 7)
        _assert(found, "jsonpath $.id lte", False, 6, 7)
        _assert(found, "jsonpath $.name lt", False, 3, "Rex")
        assert found["jsonpath $.name lt"].message == "a string is not a number"

    def test_type_and_length_describe_the_value(self, target: Target) -> None:
        found = _paths(
            target,
            [
                ("$.id", "type", "integer"),
                ("$.price", "type", "string"),
                ("$.tags", "length", 2),
                ("$.name", "length", 4),
                ("$.nested.items[*].id", "length", 3),
                ("$..id", "contains", 3),
            ],
        )
        _assert(found, "jsonpath $.id type", True, "integer", 7)
        _assert(found, "jsonpath $.price type", False, "string", 9.5)
        _assert(found, "jsonpath $.tags length", True, 2, ["good", "dog"])
        _assert(found, "jsonpath $.name length", False, 4, "Rex")
        _assert(found, "jsonpath $.nested.items[*].id length", True, 3, [1, 2, 3])
        _assert(found, "jsonpath $..id contains", True, 3, [7, 1, 2, 3])

    def test_a_failed_check_names_expected_and_actual_in_the_reason(self, target: Target) -> None:
        result = _checked(
            target, x_jsonpath_checks=[{"path": "$.id", "operator": "equals", "expected": 8}]
        )
        assert result.status == CaseStatus.FAILED
        assert result.failure_reason == "jsonpath $.id equals: expected 8, got 7"


class TestOtherChecks:
    def test_status_headers_and_body_texts_pass_and_fail(self, target: Target) -> None:
        result = _checked(
            target,
            status=[201, 202],
            x_header_checks=[
                {"name": "x-request-id", "operator": "present"},
                {"name": "X-Missing", "operator": "present"},
                {"name": "Cache-Control", "operator": "equals", "expected": "no-store"},
                {"name": "X-Request-Id", "operator": "matches", "expected": "^id-"},
            ],
            x_body_contains=["Rex", "Max"],
            x_body_not_contains=["secret", "good"],
        )
        found = _by_check(result)
        _assert(found, "status", False, [201, 202], 200)
        _assert(found, "header x-request-id present", True, None, "req-42")
        _assert(found, "header X-Missing present", False, None, None)
        _assert(found, "header Cache-Control equals", True, "no-store", "no-store")
        _assert(found, "header X-Request-Id matches", False, "^id-", "req-42")
        texts = [
            (v.check, v.expected, v.passed)
            for v in result.validations
            if v.check.startswith("body")
        ]
        assert texts == [
            ("body_contains", "Rex", True),
            ("body_contains", "Max", False),
            ("body_not_contains", "secret", True),
            ("body_not_contains", "good", False),
        ]
        assert "status: expected [201, 202], got 200" in result.failure_reason

    def test_max_response_time_fails_a_slow_answer(self, target: Target) -> None:
        fast = _checked(target, x_max_response_time_ms=5_000)
        slow = _checked(target, "/slow?seconds=0.3", x_max_response_time_ms=100)
        assert fast.status == CaseStatus.PASSED
        validation = _by_check(slow)["max_response_time_ms"]
        assert not validation.passed and validation.expected == 100 and validation.actual >= 250


_PET: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name", "owner"],
    "properties": {
        "id": {"type": "integer", "minimum": 1},
        "name": {"type": "string"},
        "owner": {"type": ["string", "null"]},
    },
}


class TestSchemas:
    def test_a_draft_2020_12_schema_passes_a_matching_body(self, target: Target) -> None:
        result = _checked(target, x_response_schema=_PET)
        assert result.status == CaseStatus.PASSED, result.failure_reason

    def test_a_draft_2020_12_schema_fails_with_the_errors(self, target: Target) -> None:
        schema = {**_PET, "properties": {**_PET["properties"], "id": {"type": "string"}}}
        result = _checked(target, x_response_schema=schema)
        validation = _by_check(result)["schema"]
        assert not validation.passed
        assert validation.message == "$.id: 7 is not of type 'string'"

    def test_an_openapi_3_0_schema_admits_null_when_nullable(self, target: Target) -> None:
        nullable = {"type": "object", "properties": {"owner": {"type": "string", "nullable": True}}}
        strict = {"type": "object", "properties": {"owner": {"type": "string", "nullable": False}}}
        assert _checked(target, x_response_schema=nullable).status == CaseStatus.PASSED
        failed = _by_check(_checked(target, x_response_schema=strict))["schema"]
        assert not failed.passed and "$.owner" in failed.message

    def test_invalid_json_fails_the_json_checks_with_a_clear_message(self, target: Target) -> None:
        result = _checked(
            target,
            "/invalid-json",
            x_response_schema=_PET,
            x_jsonpath_checks=[{"path": "$.id", "operator": "exists"}],
        )
        assert result.status == CaseStatus.FAILED
        found = _by_check(result)
        assert found["schema"].message.startswith("the response body is not valid JSON")
        assert found["jsonpath $.id exists"].message.startswith(
            "the response body is not valid JSON"
        )
        assert result.response["body"] == '{"id": 1, "name": '

    def test_a_wrong_content_type_fails_the_json_checks(self, target: Target) -> None:
        result = _checked(
            target, "/html", x_jsonpath_checks=[{"path": "$.id", "operator": "exists"}]
        )
        assert result.status == CaseStatus.FAILED
        assert "the response is text/html, not JSON" in result.failure_reason


def _document(id_type: str) -> dict[str, Any]:
    pet = {
        "type": "object",
        "required": ["id", "name"],
        "properties": {
            "id": {"type": id_type},
            "name": {"type": "string"},
            "owner": {"type": "string", "nullable": True},
        },
    }
    ok = {
        "description": "ok",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "pets", "version": "1"},
        "servers": [{"url": "https://pets.example.com/v1"}],
        "paths": {
            "/typed": {"get": {"responses": {"200": ok}}},
            "/error500": {"get": {"responses": {"200": ok}}},
        },
        "components": {"schemas": {"Pet": pet}},
    }


class TestOpenApiConformance:
    def test_passes_a_response_that_matches_its_operation(self, target: Target) -> None:
        result = _checked(target, openapi=_document("integer"))
        validation = _by_check(result)["openapi"]
        assert validation.passed, validation.message
        assert result.status == CaseStatus.PASSED

    def test_fails_a_response_whose_body_breaks_the_schema(self, target: Target) -> None:
        result = _checked(target, openapi=_document("string"))
        validation = _by_check(result)["openapi"]
        assert not validation.passed
        assert "is not of type 'string'" in validation.message
        assert "openapi: expected" in result.failure_reason

    def test_fails_an_undocumented_status_the_case_did_not_expect(self, target: Target) -> None:
        result = _checked(target, "/error500", status=[200], openapi=_document("integer"))
        validation = _by_check(result)["openapi"]
        assert not validation.passed
        assert "500" in validation.message

    def test_leaves_an_undocumented_status_the_case_expects_to_the_case(
        self, target: Target
    ) -> None:
        # A negative case expecting a 500 (or a 401 the API never documents) judges the status.
        result = _checked(target, "/error500", status=[500], openapi=_document("integer"))
        validation = _by_check(result)["openapi"]
        assert validation.passed
        assert validation.actual == "status 500 is not documented; the case expects it"

    def test_resolves_component_references_in_a_case_schema(self, target: Target) -> None:
        result = _checked(
            target,
            openapi=_document("integer"),
            x_response_schema={"$ref": "#/components/schemas/Pet"},
        )
        assert _by_check(result)["schema"].passed

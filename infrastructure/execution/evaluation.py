"""The evaluation of a case's checks against one response, one Validation per check."""

from typing import Any

from application.testexec.execution import Validation
from infrastructure.execution.assertions import judge_assertions
from infrastructure.execution.checks import (
    CompiledChecks,
    Expected,
    PathExpectation,
    bounded,
    json_failure,
    schema_check,
)
from infrastructure.execution.conformance import OpenApiConformance
from infrastructure.execution.operators import compare
from infrastructure.execution.patterns import (
    PatternError,
    SlowPatternError,
    compile_pattern,
    search,
)
from infrastructure.execution.response import JsonUnavailableError, Received


def _status(checks: CompiledChecks, received: Received) -> Validation:
    """This function will check the status code against the expected ones."""
    if checks.any_status:
        return Validation(check="status", passed=True, expected="any", actual=received.status)
    passed = received.status in checks.statuses
    return Validation(
        check="status",
        passed=passed,
        expected=list(checks.statuses),
        actual=received.status,
    )


def _header(name: str, operator: str, expected: str | None, received: Received) -> Validation:
    """This function will check one response header."""
    actual = received.headers.get(name.lower())
    check = f"header {name} {operator}"
    if actual is None:
        return Validation(
            check=check, passed=False, expected=expected, message="the header is absent"
        )
    if operator == "present":
        return Validation(check=check, passed=True, actual=actual)
    if operator == "equals":
        passed = actual == expected
        return Validation(check=check, passed=passed, expected=expected, actual=actual)
    try:
        passed = search(compile_pattern(expected or ""), actual) is not None
    except (PatternError, SlowPatternError) as error:
        return Validation(
            check=check, passed=False, expected=expected, actual=actual, message=str(error)
        )
    return Validation(check=check, passed=passed, expected=expected, actual=actual)


def _body_text(
    check: str, text: str, expected: str, received: Received, present: bool
) -> Validation:
    """This function will check that the body text contains (or not) a string."""
    found = expected in text
    message = ""
    if found != present:
        message = "the body does not contain it" if present else "the body contains it"
        if received.truncated and present:
            message += f" (only the first {len(received.body)} bytes were read)"
    return Validation(
        check=check,
        passed=found == present,
        expected=expected,
        actual="present" if found else "absent",
        message=message,
    )


def _path(check: PathExpectation, expected: Any, received: Received) -> Validation:
    """This function will run one JSONPath check against the JSON body."""
    name = f"jsonpath {check.path.text} {check.operator}"
    try:
        document = received.json()
    except JsonUnavailableError as error:
        return json_failure(name, expected, error)
    pattern = check.pattern
    if check.operator == "matches" and pattern is None:
        try:
            pattern = compile_pattern(str(expected))
        except PatternError as error:
            return Validation(check=name, passed=False, expected=expected, message=str(error))
    found = check.path.find(document)
    passed, actual, message = compare(check.operator, found, check.path.singular, expected, pattern)
    return Validation(
        check=name,
        passed=passed,
        expected=bounded(expected),
        actual=bounded(actual),
        message="" if passed else message,
    )


def _openapi(
    conformance: OpenApiConformance,
    endpoint_key: str,
    received: Received,
    statuses: tuple[int, ...],
) -> Validation:
    """This function will check the response against its operation in the OpenAPI document."""
    if received.status in statuses and not conformance.documents_status(
        endpoint_key, received.status
    ):
        # A negative case expects a status the document does not list (a 401 on an API that
        # never documents it, say): the case's own expectation decides, not the document.
        return Validation(
            check="openapi",
            passed=True,
            expected=f"a response documented for {endpoint_key}",
            actual=f"status {received.status} is not documented; the case expects it",
        )
    if received.truncated:
        errors = [
            f"the response body was cut at {len(received.body)} bytes, so it cannot be checked"
        ]
    else:
        errors = conformance.errors(
            endpoint_key, received.status, received.content_type, received.headers, received.body
        )
    return Validation(
        check="openapi",
        passed=not errors,
        expected=f"a response documented for {endpoint_key}",
        actual="conforms" if not errors else f"{len(errors)} problem(s)",
        message="; ".join(errors),
    )


def evaluate(
    checks: CompiledChecks,
    expected: Expected,
    received: Received,
    *,
    max_response_bytes: int,
    conformance: OpenApiConformance | None,
    endpoint_key: str,
) -> list[Validation]:
    """This function will run every check of a case against one response, in a fixed order."""
    validations = [_status(checks, received)]
    if received.truncated:
        validations.append(
            Validation(
                check="body_size",
                passed=False,
                expected=f"at most {max_response_bytes} bytes",
                actual=received.size,
                message=f"the response body is larger than {max_response_bytes} bytes and was cut",
            )
        )
    if checks.schema is not None:
        validations.append(schema_check(checks.schema, received))
    for header, value in zip(checks.headers, expected.headers, strict=True):
        validations.append(_header(header.name, header.operator, value, received))
    if expected.contains or expected.not_contains:
        text = received.text
        for wanted in expected.contains:
            validations.append(_body_text("body_contains", text, wanted, received, True))
        for unwanted in expected.not_contains:
            validations.append(_body_text("body_not_contains", text, unwanted, received, False))
    for path, value in zip(checks.paths, expected.paths, strict=True):
        validations.append(_path(path, value, received))
    if checks.max_time_ms is not None:
        validations.append(
            Validation(
                check="max_response_time_ms",
                passed=received.elapsed_ms <= checks.max_time_ms,
                expected=checks.max_time_ms,
                actual=received.elapsed_ms,
            )
        )
    if checks.assertions:
        validations.extend(
            judge_assertions(
                checks.assertions, expected.assertions, received, scripted=bool(checks.scripts)
            )
        )
    if checks.openapi and conformance is not None:
        validations.append(_openapi(conformance, endpoint_key, received, checks.statuses))
    return validations

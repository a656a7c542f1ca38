"""The expectations of a case, compiled once, and their evaluation against a response."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from application.testexec.execution import Validation
from domain.shared.json_fields import (
    read_choice,
    read_list,
    read_optional_str,
    read_positive_int,
    read_str,
)
from infrastructure.execution.assertions import CompiledAssertion, compile_assertions
from infrastructure.execution.jsonpaths import CompiledPath
from infrastructure.execution.operators import OPERATORS
from infrastructure.execution.patterns import Pattern, compile_pattern
from infrastructure.execution.reading import InvalidCaseError, read_statuses
from infrastructure.execution.response import JsonUnavailableError, Received
from infrastructure.execution.schemas import SchemaCache, SchemaValidator, schema_errors
from infrastructure.execution.templating import Scope, Template, has_placeholder, resolve_json

_MAX_ACTUAL = 2_000
_HEADER_OPERATORS = frozenset({"present", "equals", "matches"})


@dataclass(frozen=True, slots=True)
class HeaderExpectation:
    """A header check: its name, operator and (templated) expected value."""

    name: str
    operator: str
    expected: Template | None


@dataclass(frozen=True, slots=True)
class PathExpectation:
    """A JSONPath check with its path compiled, and its regex when the expected text is fixed."""

    path: CompiledPath
    operator: str
    expected: Any
    pattern: Pattern[str] | None


@dataclass(frozen=True, slots=True)
class Expected:
    """The expected values of a row's checks, their placeholders resolved."""

    headers: tuple[str | None, ...]
    contains: tuple[str, ...]
    not_contains: tuple[str, ...]
    paths: tuple[Any, ...]
    assertions: tuple[Any, ...] = ()

    def masked(self, mask: Callable[[Any], Any]) -> "Expected":
        """This function will give the expected values with every secret in them masked, to
        compare with a masked response: ``{{token}}`` then still equals the token."""
        return Expected(
            headers=tuple(mask(value) for value in self.headers),
            contains=tuple(mask(value) for value in self.contains),
            not_contains=tuple(mask(value) for value in self.not_contains),
            paths=tuple(mask(value) for value in self.paths),
            assertions=tuple(mask(value) for value in self.assertions),
        )


@dataclass(frozen=True, slots=True)
class CompiledChecks:
    """Every check of a case, ready to run against each of its responses."""

    statuses: tuple[int, ...]
    schema: SchemaValidator | None
    headers: tuple[HeaderExpectation, ...]
    contains: tuple[Template, ...]
    not_contains: tuple[Template, ...]
    paths: tuple[PathExpectation, ...]
    max_time_ms: int | None
    openapi: bool
    constant: Expected | None  # the expected values when no check uses a placeholder
    any_status: bool = False
    assertions: tuple[CompiledAssertion, ...] = ()
    assertion_values: tuple[Any, ...] = ()
    scripts: tuple[str, ...] = ()  # untranslated Postman scripts, run in the sandbox

    def expected(self, scope: Scope) -> Expected:
        """This function will resolve the expected values for a row (UnknownVariableError)."""
        if self.constant is not None:
            return self.constant
        return Expected(
            headers=tuple(h.expected.render(scope) if h.expected else None for h in self.headers),
            contains=tuple(template.render(scope) for template in self.contains),
            not_contains=tuple(template.render(scope) for template in self.not_contains),
            paths=tuple(resolve_json(check.expected, scope) for check in self.paths),
            assertions=tuple(resolve_json(value, scope) for value in self.assertion_values),
        )


def _header_checks(data: dict[str, Any]) -> tuple[HeaderExpectation, ...]:
    """This function will compile the header checks of an expectations object."""
    checks = []
    for item in read_list(data, "header_checks", dict):
        operator = read_choice(item, "operator", _HEADER_OPERATORS)
        expected = read_optional_str(item, "expected")
        if operator != "present" and expected is None:
            raise InvalidCaseError(f"the header check {item.get('name')} {operator} needs a value")
        template = None if expected is None else Template(expected)
        checks.append(HeaderExpectation(read_str(item, "name"), operator, template))
    return tuple(checks)


def _path_checks(data: dict[str, Any]) -> tuple[PathExpectation, ...]:
    """This function will compile the JSONPath checks, with their fixed regexes."""
    checks = []
    for item in read_list(data, "jsonpath_checks", dict):
        operator = read_choice(item, "operator", OPERATORS)
        expected = item.get("expected")
        pattern = None
        if operator == "matches" and not isinstance(expected, str):
            raise InvalidCaseError(f"the JSONPath check {item.get('path')} matches needs a regex")
        if operator == "matches" and not has_placeholder(expected):
            pattern = compile_pattern(str(expected))
        checks.append(
            PathExpectation(CompiledPath(read_str(item, "path")), operator, expected, pattern)
        )
    return tuple(checks)


def compile_checks(data: dict[str, Any], schemas: SchemaCache, *, openapi: bool) -> CompiledChecks:
    """This function will compile a case's expectations (InvalidCaseError and the like)."""
    headers = _header_checks(data)
    paths = _path_checks(data)
    assertions, assertion_values = compile_assertions(data, schemas)
    contains = tuple(Template(text) for text in read_list(data, "body_contains", str))
    not_contains = tuple(Template(text) for text in read_list(data, "body_not_contains", str))
    templated = (
        any(h.expected is not None and not h.expected.constant for h in headers)
        or any(not template.constant for template in contains + not_contains)
        or any(has_placeholder(check.expected) for check in paths)
        or has_placeholder(list(assertion_values))
    )
    constant = None
    if not templated:
        constant = Expected(
            headers=tuple(h.expected.text if h.expected else None for h in headers),
            contains=tuple(template.text for template in contains),
            not_contains=tuple(template.text for template in not_contains),
            paths=tuple(check.expected for check in paths),
            assertions=assertion_values,
        )
    schema = data.get("response_schema")
    if schema is not None and not isinstance(schema, dict):
        raise InvalidCaseError("response_schema must be a JSON Schema object")
    any_status = data.get("any_status") is True
    scripts = tuple(script for script in read_list(data, "scripts", str) if script.strip())
    return CompiledChecks(
        statuses=() if any_status else read_statuses(data),
        schema=None if schema is None else schemas.validator(schema),
        headers=headers,
        contains=contains,
        not_contains=not_contains,
        paths=paths,
        max_time_ms=read_positive_int(data, "max_response_time_ms"),
        openapi=openapi,
        constant=constant,
        any_status=any_status,
        assertions=assertions,
        assertion_values=assertion_values,
        scripts=scripts,
    )


def bounded(value: Any) -> Any:
    """This function will keep a recorded value small: a large one becomes cut JSON text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value if len(value) <= _MAX_ACTUAL else value[:_MAX_ACTUAL] + "…"
    text = json.dumps(value, default=str)
    return value if len(text) <= _MAX_ACTUAL else text[:_MAX_ACTUAL] + "…"


def json_failure(check: str, expected: Any, error: JsonUnavailableError) -> Validation:
    """This function will fail a check that needs the JSON body the response does not have."""
    return Validation(check=check, passed=False, expected=bounded(expected), message=str(error))


def schema_check(validator: SchemaValidator, received: Received) -> Validation:
    """This function will check the JSON body against the response schema."""
    expected = "a body valid against the response schema"
    try:
        document = received.json()
    except JsonUnavailableError as error:
        return json_failure("schema", expected, error)
    errors = schema_errors(validator, document)
    return Validation(
        check="schema",
        passed=not errors,
        expected=expected,
        actual="valid" if not errors else f"{len(errors)} error(s)",
        message="; ".join(errors),
    )

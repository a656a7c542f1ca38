"""Named assertions (domain.testing.assertions), compiled once and judged per response.

Each gives one Validation named ``assertion: <name>``, passed when all its conditions
hold. One whose guards do not all hold gives none, as a Postman test inside an ``if``
that does not run. One that was not translated gives ``not evaluated: <name>``: it
cannot fail a case, and its message says why it was not judged.
"""

import re
from dataclasses import dataclass
from typing import Any

from application.testexec.execution import Validation
from domain.shared.json_types import is_json_type, json_type
from infrastructure.execution.jsonpaths import CompiledPath
from infrastructure.execution.operators import compare, json_equal
from infrastructure.execution.patterns import (
    Pattern,
    PatternError,
    SlowPatternError,
    compile_pattern,
)
from infrastructure.execution.reading import InvalidCaseError
from infrastructure.execution.response import JsonUnavailableError, Received
from infrastructure.execution.schemas import SchemaCache, SchemaValidator, schema_errors

_JS_FLAGS = re.compile(r"^/(.*)/([gimsuy]*)$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class CompiledCondition:
    """A condition with its JSONPath or schema compiled; ``index`` finds its expected value."""

    subject: str
    operator: str
    target: str
    negate: bool
    index: int
    path: CompiledPath | None
    schema: SchemaValidator | None


@dataclass(frozen=True, slots=True)
class CompiledAssertion:
    """A named assertion ready to judge responses."""

    name: str
    translated: bool
    source: str
    conditions: tuple[CompiledCondition, ...]
    guards: tuple[CompiledCondition, ...]


def compile_assertions(
    data: dict[str, Any], schemas: SchemaCache
) -> tuple[tuple[CompiledAssertion, ...], tuple[Any, ...]]:
    """This function will compile the assertions of an expectations object, with the list of
    their expected values (conditions and guards, in order) for templating."""
    values: list[Any] = []
    compiled = []
    items = data.get("assertions") or []
    if not isinstance(items, list):
        raise InvalidCaseError("assertions must be a list")

    def condition(item: Any) -> CompiledCondition:
        if not isinstance(item, dict):
            raise InvalidCaseError("an assertion's condition must be an object")
        subject, target = str(item.get("subject")), str(item.get("target") or "")
        expected = item.get("expected")
        values.append(expected)
        return CompiledCondition(
            subject=subject,
            operator=str(item.get("operator")),
            target=target,
            negate=item.get("negate") is True,
            index=len(values) - 1,
            path=CompiledPath(target) if subject == "json" else None,
            schema=schemas.validator(expected)
            if subject == "schema" and isinstance(expected, dict)
            else None,
        )

    for item in items:
        if not isinstance(item, dict):
            raise InvalidCaseError("an assertion must be an object")
        compiled.append(
            CompiledAssertion(
                name=str(item.get("name")),
                translated=item.get("translated", True) is not False,
                source=str(item.get("source") or ""),
                conditions=tuple(condition(c) for c in item.get("conditions") or []),
                guards=tuple(condition(c) for c in item.get("guards") or []),
            )
        )
    return tuple(compiled), tuple(values)


def _pattern(expected: Any) -> Pattern[str]:
    """This function will read a regex written as text or as a JavaScript literal /re/i."""
    text = str(expected)
    literal = _JS_FLAGS.match(text)
    if literal:
        flags = "".join(f for f in literal.group(2) if f in "ims")
        text = f"(?{flags}){literal.group(1)}" if flags else literal.group(1)
    return compile_pattern(text)


def _subject(condition: CompiledCondition, received: Received) -> tuple[list[Any], bool]:
    """This function will give what a condition reads, as a JSONPath would: (found, singular)."""
    if condition.subject == "status":
        return [received.status], True
    if condition.subject == "time":
        return [received.elapsed_ms], True
    if condition.subject == "body":
        return [received.text], True
    if condition.subject == "header":
        value = received.headers.get(condition.target.lower())
        return ([] if value is None else [value]), True
    if condition.path is None:
        raise InvalidCaseError(f"unknown subject {condition.subject!r}")
    return condition.path.find(received.json()), condition.path.singular


def _judge(
    condition: CompiledCondition, expected: Any, received: Received
) -> tuple[bool, Any, str]:
    """This function will judge one condition: (passed, actual, message)."""
    try:
        if condition.subject == "schema":
            if condition.schema is None:
                return False, None, "the schema is not an object"
            errors = schema_errors(condition.schema, received.json())
            return not errors, "valid" if not errors else "invalid", "; ".join(errors)
        found, singular = _subject(condition, received)
    except JsonUnavailableError as error:
        return False, None, str(error)
    operator = condition.operator
    if operator == "one_of":
        actual = found[0] if found else None
        passed = bool(found) and any(json_equal(actual, item) for item in expected or [])
        return passed, actual, "" if passed else "the value is none of them"
    if operator == "has_key":
        actual = found[0] if found else None
        passed = isinstance(actual, dict) and str(expected) in actual
        return passed, json_type(actual), "" if passed else f"no property {expected!r}"
    if operator == "type":
        actual = found[0] if found else None
        kind = json_type(actual) if found else "undefined"
        passed = bool(found) and is_json_type(actual, str(expected))
        return passed, kind, "" if passed else f"the value is a {kind}"
    pattern = None
    if operator == "matches":
        try:
            pattern = _pattern(expected)
        except PatternError as error:
            return False, None, str(error)
    try:
        return compare(operator, found, singular, expected, pattern)
    except SlowPatternError as error:
        return False, None, str(error)


def _holds(condition: CompiledCondition, values: tuple[Any, ...], received: Received) -> Any:
    passed, actual, message = _judge(condition, values[condition.index], received)
    if condition.negate:
        return not passed, actual, "" if not passed else "the negated condition holds"
    return passed, actual, message


def judge_assertions(
    assertions: tuple[CompiledAssertion, ...],
    values: tuple[Any, ...],
    received: Received,
    *,
    scripted: bool = False,
) -> list[Validation]:
    """This function will judge every assertion against one response, in order; when the
    case has sandbox scripts (``scripted``), the untranslated ones are theirs to judge."""
    validations = []
    for assertion in assertions:
        if not assertion.translated and scripted:
            continue
        if not assertion.translated:
            first_line = assertion.source.strip().splitlines()[0] if assertion.source else ""
            validations.append(
                Validation(
                    check=f"not evaluated: {assertion.name}",
                    passed=True,
                    actual="not evaluated",
                    message=f"the script was not translated: {first_line[:300]}",
                )
            )
            continue
        if not all(_holds(guard, values, received)[0] for guard in assertion.guards):
            continue
        passed, actual, message = True, None, ""
        for condition in assertion.conditions:
            passed, actual, message = _holds(condition, values, received)
            if not passed:
                message = f"{condition.subject} {condition.target} {condition.operator}: {message}"
                break
        validations.append(
            Validation(
                check=f"assertion: {assertion.name}",
                passed=passed,
                actual=actual
                if isinstance(actual, int | float | bool | type(None))
                else str(actual)[:500],
                message="" if passed else message,
            )
        )
    return validations

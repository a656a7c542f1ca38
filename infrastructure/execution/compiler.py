"""A case turned, once, into what its rows run: templates, paths, regexes and validators."""

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from application.testexec.execution import ExecutionCase, MalformedDataSetsError, data_rows
from domain.shared.errors import InvalidValueError
from domain.shared.json_fields import (
    read_choice,
    read_list,
    read_optional_str,
    read_positive_int,
    read_str,
    read_str_map,
)
from domain.testing.values import BodyType, ExtractionSource
from infrastructure.execution.checks import CompiledChecks, compile_checks
from infrastructure.execution.jsonpaths import CompiledPath, InvalidJsonPathError
from infrastructure.execution.patterns import Pattern, PatternError, compile_pattern
from infrastructure.execution.reading import InvalidCaseError
from infrastructure.execution.schemas import InvalidSchemaError, SchemaCache
from infrastructure.execution.templating import Template, has_placeholder

__all__ = [
    "CaseCompiler",
    "CompiledCase",
    "CompiledExtraction",
    "CompiledRequest",
    "InvalidCaseError",
]

_METHODS = frozenset(
    {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT"}
)
# By name: calling the enum (BodyType("JSON")) costs a microsecond, a case compiles in ten.
_BODY_TYPES = {kind.value: kind for kind in BodyType}
_BODY_TYPE_NAMES = frozenset(_BODY_TYPES)
_SOURCES = frozenset(source.value for source in ExtractionSource)
_NO_ROWS: tuple[tuple[str | None, dict[str, Any]], ...] = ((None, {}),)


# Compiled once per case per run and never changed: slotted, not frozen, because a frozen
# __init__ costs several times as much and a run compiles thousands of cases a second.
@dataclass(slots=True)
class CompiledRequest:
    """The request of a case with every string parsed into a template."""

    method: str
    url: Template
    headers: tuple[tuple[str, Template], ...]
    path_params: tuple[tuple[str, Template], ...]
    query: tuple[tuple[str, Template], ...]
    body_type: BodyType
    body: Any
    body_templated: bool
    timeout_ms: int
    without_credentials: bool = False


@dataclass(frozen=True, slots=True)
class CompiledExtraction:
    """A variable extraction with its JSONPath or regex compiled."""

    name: str
    source: ExtractionSource
    expression: str
    default: str | None
    header_name: str | None
    path: CompiledPath | None
    pattern: Pattern[str] | None


@dataclass(slots=True)
class CompiledCase:
    """Everything one case needs per row, built once: request, checks, extractions, rows."""

    id: str
    name: str
    endpoint_key: str
    request: CompiledRequest
    checks: CompiledChecks
    extractions: tuple[CompiledExtraction, ...]
    rows: tuple[tuple[str | None, dict[str, Any]], ...]


def _templates(data: dict[str, Any], key: str) -> tuple[tuple[str, Template], ...]:
    """This function will parse each value of a string map into a template."""
    values = data.get(key)
    if not values:
        return ()
    return tuple((name, Template(value)) for name, value in read_str_map(data, key).items())


def _request(data: dict[str, Any]) -> CompiledRequest:
    """This function will compile the request of a case."""
    body = data.get("body")
    default_type = "None" if body is None else "Raw" if isinstance(body, str) else "JSON"
    body_type = _BODY_TYPES[read_choice(data, "body_type", _BODY_TYPE_NAMES, default_type)]
    if body_type in (BodyType.FormData, BodyType.UrlEncoded) and not isinstance(body, dict):
        raise InvalidCaseError(f"a {body_type.value} body must be an object")
    return CompiledRequest(
        method=read_choice(data, "method", _METHODS),
        url=Template(read_str(data, "url")),
        headers=_templates(data, "headers"),
        path_params=_templates(data, "path_params"),
        query=_templates(data, "query_params"),
        body_type=body_type,
        body=body,
        body_templated=has_placeholder(body),
        timeout_ms=read_positive_int(data, "timeout_ms", 30_000) or 30_000,
        without_credentials=data.get("without_credentials") is True,
    )


def _extraction(data: dict[str, Any]) -> CompiledExtraction:
    """This function will compile one variable extraction."""
    source = ExtractionSource(read_choice(data, "source", _SOURCES))
    expression = read_str(data, "expression", "")
    header_name = read_optional_str(data, "header_name")
    pattern = None
    if source == ExtractionSource.Regex:
        pattern = compile_pattern(expression)
        if pattern.groups < 1:
            raise InvalidCaseError(f"the regex of {data.get('name')} must capture one group")
    return CompiledExtraction(
        name=read_str(data, "name"),
        source=source,
        expression=expression,
        default=read_optional_str(data, "default"),
        header_name=header_name.lower() if header_name else None,
        path=CompiledPath(expression) if source == ExtractionSource.Body else None,
        pattern=pattern,
    )


def _rows(data_sets: list[dict[str, Any]]) -> tuple[tuple[str | None, dict[str, Any]], ...]:
    """This function will list the rows a case runs: one per row of each enabled set."""
    for data_set in data_sets:
        if data_set.get("enabled", True) is not False:
            read_str(data_set, "name")  # the wrong shapes named, field by field
            read_list(data_set, "rows", dict)
    try:
        rows = data_rows(data_sets)
    except MalformedDataSetsError as error:
        raise InvalidCaseError(str(error)) from None
    # Without an enabled row the case still runs, once, as a case without data.
    return tuple(rows) or _NO_ROWS


class CaseCompiler:
    """Compiles the cases of a run, sharing compiled checks between cases that expect the same.

    Generated suites repeat expectations (the same status and schema for every boundary
    case of an endpoint), so checks are cached by their text: a hit skips reading
    them again, compiling their paths and regexes, and looking up their schema.
    """

    def __init__(self, schemas: SchemaCache, *, openapi: bool, size: int = 1024) -> None:
        self._schemas = schemas
        self._openapi = openapi
        self._size = size
        self._checks: OrderedDict[str, CompiledChecks] = OrderedDict()

    def _compiled_checks(self, data: dict[str, Any]) -> CompiledChecks:
        # repr, not json.dumps: three times cheaper, and as exact for plain JSON data.
        """This function will give the compiled checks of an expectations object, cached."""
        key = repr(data)
        cached = self._checks.get(key)
        if cached is None:
            cached = compile_checks(data, self._schemas, openapi=self._openapi)
            self._checks[key] = cached
            if len(self._checks) > self._size:
                self._checks.popitem(last=False)
        return cached

    def compile(self, case: ExecutionCase) -> CompiledCase:
        """This function will compile a case, raising InvalidCaseError when it cannot run."""
        try:
            return CompiledCase(
                id=case.id,
                name=case.name,
                endpoint_key=case.endpoint_key,
                request=_request(case.request),
                checks=self._compiled_checks(case.expectations),
                extractions=tuple(_extraction(item) for item in case.variables),
                rows=_rows(case.data_sets) if case.data_sets else _NO_ROWS,
            )
        except (
            InvalidCaseError,
            InvalidValueError,
            InvalidJsonPathError,
            InvalidSchemaError,
            PatternError,
        ) as error:
            raise InvalidCaseError(f"the case cannot run: {error}") from None
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            message = f"{type(error).__name__}: {error}"
            raise InvalidCaseError(f"the case cannot run: {message}") from None

"""Endpoints typed in by hand: checked like the ones read from documents, the one builder
the API and every other caller use."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from domain.specifications.endpoint_rules import (
    HTTP_METHODS,
    path_template_names,
    with_body_listed,
)
from domain.specifications.errors import InconsistentEndpointError, SpecParseError
from domain.specifications.parsed import (
    ParameterLocation,
    ParsedEndpoint,
    ParsedParameter,
    ParsedRequestBody,
    ParsedResponse,
    ParsedSecurityRequirement,
    ParseIssue,
    json_schema_type,
)

MAX_PATH_LENGTH = 2048
# interfaces/http/schemas/specifications.py states it in the OpenAPI document.
_PATH = re.compile(r"^/[^\s?#{}]*(?:{[A-Za-z0-9_.\-]+}[^\s?#{}]*)*$")


def build_manual_endpoint(
    method: str,
    path: str,
    *,
    operation_id: str = "",
    summary: str = "",
    description: str = "",
    tags: Sequence[str] = (),
    deprecated: bool = False,
    parameters: Sequence[ParsedParameter] = (),
    request_body: ParsedRequestBody | None = None,
    responses: Sequence[ParsedResponse] = (),
    security: Sequence[ParsedSecurityRequirement] = (),
) -> ParsedEndpoint:
    """This function will build a hand-made endpoint, or refuse it with every problem found.

    The method must be a standard HTTP method (any case); the path a template starting
    with "/" without query or fragment. Each ``{name}`` segment gets a required string
    path parameter unless one is given, and given path parameters are made required.
    """
    issues: list[ParseIssue] = []
    inconsistencies: list[ParseIssue] = []
    verb = method.strip().upper()
    if verb.lower() not in HTTP_METHODS:
        issues.append(ParseIssue("method", f"'{method}' is not a supported HTTP method"))
    template = path.strip()
    if len(template) > MAX_PATH_LENGTH:
        issues.append(ParseIssue("path", f"must be at most {MAX_PATH_LENGTH} characters"))
    elif not _PATH.match(template):
        issues.append(
            ParseIssue("path", f"'{path}' must start with '/' and use {{name}} for parameters")
        )
    names = path_template_names(template)
    if len(set(names)) != len(names):
        _inconsistent(issues, inconsistencies, "path", "a path parameter appears twice")
    completed = _path_parameters(names, list(parameters), issues, inconsistencies)
    if issues:
        only_inconsistent = len(inconsistencies) == len(issues)
        raise (InconsistentEndpointError if only_inconsistent else SpecParseError)(issues)
    return with_body_listed(
        ParsedEndpoint(
            method=verb,
            path=template,
            operation_id=operation_id.strip(),
            summary=summary.strip(),
            description=description,
            tags=[tag.strip() for tag in tags if tag.strip()],
            deprecated=deprecated,
            parameters=completed,
            request_body=request_body,
            responses=list(responses),
            security=list(security),
        )
    )


def _inconsistent(
    issues: list[ParseIssue], inconsistencies: list[ParseIssue], where: str, message: str
) -> None:
    """This function will note an issue between parts each well formed (JSON Schema cannot
    state it, so the OpenAPI document does not: InconsistentEndpointError says so)."""
    issue = ParseIssue(where, message)
    issues.append(issue)
    inconsistencies.append(issue)


def _path_parameters(
    names: list[str],
    given: list[ParsedParameter],
    issues: list[ParseIssue],
    inconsistencies: list[ParseIssue],
) -> list[ParsedParameter]:
    seen: set[tuple[str, ParameterLocation]] = set()
    completed: list[ParsedParameter] = []
    for index, parameter in enumerate(given):
        where = f"parameters/{index}"
        key = (parameter.name, parameter.location)
        if not parameter.name.strip():
            issues.append(ParseIssue(where, "a parameter needs a name"))
        elif key in seen:
            _inconsistent(
                issues, inconsistencies, where, f"parameter '{parameter.name}' is given twice"
            )
        elif parameter.location is ParameterLocation.Body:
            issues.append(ParseIssue(where, "the body is given as request_body, not a parameter"))
        elif parameter.location is ParameterLocation.Path and parameter.name not in names:
            _inconsistent(issues, inconsistencies, where, f"'{parameter.name}' is not in the path")
        elif parameter.location is ParameterLocation.Path:
            completed.append(replace(parameter, required=True))
        else:
            completed.append(parameter)
        seen.add(key)
    for name in names:
        if (name, ParameterLocation.Path) not in seen:
            completed.append(
                ParsedParameter(
                    name=name,
                    location=ParameterLocation.Path,
                    data_type="string",
                    required=True,
                    schema={"type": "string"},
                )
            )
    return completed


def manual_endpoint_from_fields(fields: Mapping[str, Any]) -> ParsedEndpoint:
    """This function will build an endpoint from the fields a person types in (method, path,
    operation_id, summary, description, tags, parameters [{name, location, required, schema,
    description}], request_body_schema, responses [{status_code, description, schema}]).
    Raises SpecParseError, InconsistentEndpointError, ValueError (an unknown location)."""
    body_schema = fields.get("request_body_schema")
    return build_manual_endpoint(
        fields["method"],
        fields["path"],
        operation_id=fields.get("operation_id", ""),
        summary=fields.get("summary", ""),
        description=fields.get("description", ""),
        tags=fields.get("tags", []),
        parameters=[
            ParsedParameter(
                name=p["name"],
                location=ParameterLocation(p["location"]),
                data_type=json_schema_type(p.get("schema") or {}),
                required=bool(p.get("required", False)),
                schema=p.get("schema") or {},
                description=p.get("description", ""),
            )
            for p in fields.get("parameters", [])
        ],
        request_body=None
        if body_schema is None
        else ParsedRequestBody(content_type="application/json", required=True, schema=body_schema),
        responses=[
            ParsedResponse(
                status_code=r["status_code"],
                description=r.get("description", ""),
                content_type="application/json" if r.get("schema") else "",
                schema=r.get("schema") or {},
            )
            for r in fields.get("responses", [])
        ],
    )

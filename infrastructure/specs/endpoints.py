"""Endpoint assembly shared by the format readers: path templates, merging, the body rule.

The model lists an endpoint's request body among its parameters too, as one ``body``
parameter; ``with_body_listed`` is where every reader applies that rule.
"""

import re
from dataclasses import replace

from domain.specifications.parsed import (
    ParameterLocation,
    ParsedEndpoint,
    ParsedParameter,
    ParsedRequestBody,
    ParseIssue,
)

_TEMPLATE_NAME = re.compile(r"{([^{}/]+)}")


def path_template_names(path: str) -> list[str]:
    """This function will list the ``{name}`` parameters of a path template, in order."""
    return _TEMPLATE_NAME.findall(path)


def merge_parameters(
    inherited: list[ParsedParameter], own: list[ParsedParameter]
) -> list[ParsedParameter]:
    """This function will merge path-level parameters with an operation's: the operation wins.

    An overridden parameter keeps its place; the operation's new ones follow.
    """
    own_by_key = {(parameter.name, parameter.location): parameter for parameter in own}
    merged = [own_by_key.pop((p.name, p.location), p) for p in inherited]
    return merged + [p for p in own if (p.name, p.location) in own_by_key]


def complete_path_parameters(
    path: str, parameters: list[ParsedParameter], pointer: str, issues: list[ParseIssue]
) -> list[ParsedParameter]:
    """This function will add the template parameters a document forgot to declare.

    A forgotten one becomes a required string, and an issue says so.
    """
    declared = {p.name for p in parameters if p.location is ParameterLocation.Path}
    completed = list(parameters)
    for name in path_template_names(path):
        if name in declared:
            continue
        declared.add(name)
        issues.append(ParseIssue(pointer, f"path parameter '{name}' is not declared"))
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


def with_body_parameter(
    parameters: list[ParsedParameter], request_body: ParsedRequestBody | None
) -> list[ParsedParameter]:
    """This function will list the body among the parameters, as the model requires."""
    if request_body is None:
        return parameters
    kept = [p for p in parameters if p.location is not ParameterLocation.Body]
    return [*kept, request_body.as_parameter()]


def with_body_listed(endpoint: ParsedEndpoint) -> ParsedEndpoint:
    """This function will return the endpoint with its body listed among its parameters."""
    parameters = with_body_parameter(endpoint.parameters, endpoint.request_body)
    return replace(endpoint, parameters=parameters)

"""Endpoint assembly shared by the format readers: path templates, merging, the body rule.

The model lists an endpoint's request body among its parameters too, as one ``body``
parameter; ``with_body_listed`` is where every reader applies that rule.
"""

from domain.specifications.endpoint_rules import path_template_names as path_template_names
from domain.specifications.endpoint_rules import with_body_listed as with_body_listed
from domain.specifications.endpoint_rules import with_body_parameter as with_body_parameter
from domain.specifications.parsed import (
    ParameterLocation,
    ParsedParameter,
    ParseIssue,
)


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

"""Security schemes and requirements of OpenAPI 3.x and Swagger 2.0 documents."""

from typing import Any

from domain.specifications.parsed import (
    ParsedSecurityRequirement,
    ParsedSecurityScheme,
    ParseIssue,
)
from infrastructure.specs.common import InvalidNode, child, optional_mapping, string_list, text
from infrastructure.specs.refs import RefResolver

_API_KEY_PLACES = ("header", "query", "cookie")
_SWAGGER_FLOWS = {
    "implicit": "implicit",
    "password": "password",
    "application": "clientCredentials",
    "accessCode": "authorizationCode",
}


def openapi3_schemes(
    node: Any, pointer: str, resolver: RefResolver, issues: list[ParseIssue]
) -> list[ParsedSecurityScheme]:
    """This function will read ``components.securitySchemes`` of an OpenAPI 3.x document."""
    schemes = []
    for name, raw in optional_mapping(node, pointer, "securitySchemes", issues).items():
        try:
            definition, where = resolver.deref(raw, child(pointer, name))
            schemes.append(_openapi3_scheme(name, definition, where, issues))
        except InvalidNode as exc:
            issues.append(exc.as_issue())
    return schemes


def _openapi3_scheme(
    name: str, node: Any, pointer: str, issues: list[ParseIssue]
) -> ParsedSecurityScheme:
    if not isinstance(node, dict) or not text(node.get("type")):
        raise InvalidNode(pointer, f"security scheme '{name}' has no type")
    kind = text(node["type"])
    description = text(node.get("description"))
    if kind == "http":
        return ParsedSecurityScheme(
            name=name,
            type=kind,
            scheme=text(node.get("scheme")).lower(),
            bearer_format=text(node.get("bearerFormat")),
            description=description,
        )
    if kind == "apiKey":
        return _api_key(name, node, pointer, issues)
    if kind == "oauth2":
        flows = optional_mapping(node.get("flows"), child(pointer, "flows"), "flows", issues)
        return ParsedSecurityScheme(
            name=name, type=kind, description=description, configuration={"flows": flows}
        )
    if kind == "openIdConnect":
        url = text(node.get("openIdConnectUrl"))
        if not url:
            issues.append(ParseIssue(pointer, f"security scheme '{name}' has no openIdConnectUrl"))
        return ParsedSecurityScheme(
            name=name, type=kind, description=description, configuration={"openIdConnectUrl": url}
        )
    if kind != "mutualTLS":
        issues.append(ParseIssue(pointer, f"security scheme '{name}' has unknown type '{kind}'"))
    return ParsedSecurityScheme(name=name, type=kind, description=description)


def swagger2_schemes(
    node: Any, pointer: str, issues: list[ParseIssue]
) -> list[ParsedSecurityScheme]:
    """This function will read ``securityDefinitions``, in OpenAPI 3 terms (basic is http)."""
    schemes = []
    for name, definition in optional_mapping(node, pointer, "securityDefinitions", issues).items():
        where = child(pointer, name)
        kind = text(definition.get("type")) if isinstance(definition, dict) else ""
        description = text(definition.get("description")) if kind else ""
        if kind == "basic":
            schemes.append(
                ParsedSecurityScheme(
                    name=name, type="http", scheme="basic", description=description
                )
            )
        elif kind == "apiKey":
            schemes.append(_api_key(name, definition, where, issues))
        elif kind == "oauth2":
            schemes.append(_swagger_oauth2(name, definition, where, issues))
        else:
            issues.append(ParseIssue(where, f"security definition '{name}' has no known type"))
    return schemes


def _api_key(
    name: str, node: dict[str, Any], pointer: str, issues: list[ParseIssue]
) -> ParsedSecurityScheme:
    place = text(node.get("in"))
    if place not in _API_KEY_PLACES:
        issues.append(ParseIssue(pointer, f"apiKey scheme '{name}' has invalid location '{place}'"))
    parameter_name = text(node.get("name"))
    if not parameter_name:
        issues.append(ParseIssue(pointer, f"apiKey scheme '{name}' has no parameter name"))
    return ParsedSecurityScheme(
        name=name,
        type="apiKey",
        in_=place,
        parameter_name=parameter_name,
        description=text(node.get("description")),
    )


def _swagger_oauth2(
    name: str, node: dict[str, Any], pointer: str, issues: list[ParseIssue]
) -> ParsedSecurityScheme:
    flow = _SWAGGER_FLOWS.get(text(node.get("flow")))
    if flow is None:
        issues.append(ParseIssue(pointer, f"oauth2 scheme '{name}' has an unknown flow"))
        flows: dict[str, Any] = {}
    else:
        settings = {
            key: node[key]
            for key in ("authorizationUrl", "tokenUrl")
            if isinstance(node.get(key), str)
        }
        scopes = node.get("scopes")
        settings["scopes"] = scopes if isinstance(scopes, dict) else {}
        flows = {flow: settings}
    return ParsedSecurityScheme(
        name=name,
        type="oauth2",
        description=text(node.get("description")),
        configuration={"flows": flows},
    )


def requirements(
    node: Any,
    pointer: str,
    schemes: dict[str, ParsedSecurityScheme],
    issues: list[ParseIssue],
) -> tuple[list[ParsedSecurityRequirement], bool]:
    """This function will read a ``security`` list: the requirements, and whether it is optional.

    ``[]`` means no security at all; an empty object among the alternatives means a call
    without credentials is accepted too.
    """
    if not isinstance(node, list):
        issues.append(ParseIssue(pointer, "security must be a list"))
        return [], False
    found: list[ParsedSecurityRequirement] = []
    optional = False
    for index, alternative in enumerate(node):
        if not isinstance(alternative, dict):
            issues.append(
                ParseIssue(child(pointer, index), "a security requirement must be an object")
            )
            continue
        optional = optional or not alternative
        for name, scopes in alternative.items():
            scheme = schemes.get(name)
            if scheme is None:
                issues.append(
                    ParseIssue(child(pointer, index, name), f"unknown security scheme '{name}'")
                )
            found.append(
                ParsedSecurityRequirement(
                    scheme_name=name,
                    security_type=scheme.type if scheme else "",
                    scopes=string_list(scopes),
                    alternative=index,
                )
            )
    return found, optional

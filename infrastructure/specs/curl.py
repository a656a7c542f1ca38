"""The reader of cURL commands, as browsers, Postman and API docs export them.

Each command becomes one endpoint on the literal path it calls: concrete values are
not turned into path parameters. Files named with ``@file`` are never read.
"""

from urllib.parse import parse_qsl, urlsplit

from domain.specifications.errors import SpecParseError
from domain.specifications.parsed import (
    ParameterLocation,
    ParsedEndpoint,
    ParsedParameter,
    ParsedRequestBody,
    ParsedSecurityRequirement,
    ParsedSecurityScheme,
    ParsedSpecification,
    ParseIssue,
    SourceType,
)
from infrastructure.specs.captured import (
    SchemeRegistry,
    add_parameter,
    body_from_text,
    captured_parameter,
)
from infrastructure.specs.common import InvalidNode
from infrastructure.specs.curl_options import CurlRequest, read_options
from infrastructure.specs.curl_payload import data_part, form_body, sort_headers
from infrastructure.specs.curl_shell import ShellSyntaxError, split_commands
from infrastructure.specs.endpoints import with_body_listed


def is_curl_command(word: str) -> bool:
    """This function will tell whether a word runs curl, by any path, with or without .exe."""
    name = word.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return name in ("curl", "curl.exe")


def parse_curl(text: str) -> ParsedSpecification:
    """This function will read one or more cURL commands into the neutral model."""
    issues: list[ParseIssue] = []
    try:
        commands = split_commands(text)
    except ShellSyntaxError as exc:
        raise SpecParseError.single(f"line {exc.line}", exc.message) from None
    registry = SchemeRegistry()
    endpoints: list[ParsedEndpoint] = []
    servers: list[str] = []
    for command in commands:
        words = command.words[1:] if command.words[0] == "$" else command.words
        if not words or not is_curl_command(words[0]):
            issues.append(ParseIssue(f"line {command.line}", "not a curl command, ignored"))
            continue
        request = read_options(words[1:], command.line, issues)
        if not request.urls:
            issues.append(ParseIssue(f"line {command.line}", "the curl command has no URL"))
            continue
        if len(request.urls) > 1:
            issues.append(ParseIssue(f"line {command.line}", "only the first URL is read"))
        try:
            server, endpoint = _endpoint(request, registry, issues)
        except InvalidNode as exc:
            issues.append(exc.as_issue())
            continue
        endpoints.append(endpoint)
        if server and server not in servers:
            servers.append(server)
    if not endpoints:
        raise SpecParseError(issues or [ParseIssue("/", "no curl command found")])
    return ParsedSpecification(
        source_type=SourceType.Curl,
        servers=servers,
        endpoints=endpoints,
        security_schemes=registry.schemes,
        issues=issues,
    )


def _endpoint(
    request: CurlRequest, registry: SchemeRegistry, issues: list[ParseIssue]
) -> tuple[str, ParsedEndpoint]:
    where = f"line {request.line}"
    url = request.urls[0]
    try:
        parts = urlsplit(url if "://" in url else "http://" + url)
        port = parts.port
    except ValueError as exc:
        raise InvalidNode(where, f"invalid URL '{url}': {exc}") from None
    server = f"{parts.scheme}://{parts.hostname or ''}" + (f":{port}" if port else "")
    parameters: list[ParsedParameter] = []
    security: list[ParsedSecurityRequirement] = []
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        add_parameter(parameters, captured_parameter(name, ParameterLocation.Query, value))
    content_type = sort_headers(request, parameters, security, registry)
    if parts.username is not None or "user" in request.values:
        scheme = "digest" if "digest" in request.flags else "basic"
        security.append(registry.require(ParsedSecurityScheme(name="", type="http", scheme=scheme)))
    if "oauth2-bearer" in request.values:
        security.append(
            registry.require(ParsedSecurityScheme(name="", type="http", scheme="bearer"))
        )
    body = None
    if request.form:
        body = form_body(request, issues)
    elif request.data:
        payload = "&".join(data_part(kind, value, where, issues) for kind, value in request.data)
        if "get" in request.flags:
            for name, value in parse_qsl(payload, keep_blank_values=True):
                add_parameter(parameters, captured_parameter(name, ParameterLocation.Query, value))
        else:
            json_data = any(kind == "json" for kind, _ in request.data)
            default = "application/json" if json_data else "application/x-www-form-urlencoded"
            body = body_from_text(payload, content_type or default)
    elif "upload-file" in request.values:
        body = ParsedRequestBody(
            content_type=content_type or "application/octet-stream",
            required=True,
            schema={"type": "string", "format": "binary"},
            examples=["@" + request.values["upload-file"]],
        )
        issues.append(ParseIssue(where, f"file '{request.values['upload-file']}' is not read"))
    return server, with_body_listed(
        ParsedEndpoint(
            method=_method(request, body),
            path=parts.path or "/",
            parameters=parameters,
            request_body=body,
            security=security,
            servers=[server],
        )
    )


def _method(request: CurlRequest, body: ParsedRequestBody | None) -> str:
    if request.method:
        return request.method
    if "head" in request.flags:
        return "HEAD"
    if "get" in request.flags:
        return "GET"
    if "upload-file" in request.values:
        return "PUT"
    return "POST" if body is not None else "GET"

"""The reader of HAR 1.2 files, as browsers' developer tools save them.

Entries calling the same method on the same path become one endpoint: parameters seen in
any of them are kept, and each response adds its status (or an example to it).
"""

from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from domain.specifications.errors import SpecParseError
from domain.specifications.parsed import (
    ParameterLocation,
    ParsedEndpoint,
    ParsedParameter,
    ParsedRequestBody,
    ParsedResponse,
    ParsedSecurityRequirement,
    ParsedSpecification,
    ParseIssue,
    SourceType,
)
from infrastructure.specs.captured import (
    TRANSPORT_HEADERS,
    SchemeRegistry,
    add_parameter,
    authorization_scheme,
    captured_parameter,
)
from infrastructure.specs.common import InvalidNode, child, require_mapping, text
from infrastructure.specs.endpoints import with_body_listed
from infrastructure.specs.har_content import add_response, pairs, request_body


@dataclass
class _Draft:
    """An endpoint being gathered from the entries that call it."""

    method: str
    path: str
    parameters: list[ParsedParameter] = field(default_factory=list)
    body: ParsedRequestBody | None = None
    responses: dict[str, ParsedResponse] = field(default_factory=dict)
    security: list[ParsedSecurityRequirement] = field(default_factory=list)
    servers: list[str] = field(default_factory=list)


def parse_har(document: Any) -> ParsedSpecification:
    """This function will read a HAR log into the neutral model."""
    log = document.get("log") if isinstance(document, dict) else None
    if not isinstance(log, dict) or not isinstance(log.get("entries"), list):
        raise SpecParseError.single("/log/entries", "not a HAR file: 'log.entries' is missing")
    issues: list[ParseIssue] = []
    registry = SchemeRegistry()
    drafts: dict[tuple[str, str], _Draft] = {}
    for index, entry in enumerate(log["entries"]):
        try:
            _read_entry(entry, child("/log/entries", index), drafts, registry)
        except InvalidNode as exc:
            issues.append(exc.as_issue())
    pages = log.get("pages")
    first_page = pages[0] if isinstance(pages, list) and pages else {}
    servers = list(dict.fromkeys(s for draft in drafts.values() for s in draft.servers))
    return ParsedSpecification(
        source_type=SourceType.Har,
        title=text(first_page.get("title")) if isinstance(first_page, dict) else "",
        version=text(log.get("version")),
        servers=servers,
        endpoints=[_endpoint(draft) for draft in drafts.values()],
        security_schemes=registry.schemes,
        issues=issues,
    )


def _read_entry(
    entry: Any, pointer: str, drafts: dict[tuple[str, str], _Draft], registry: SchemeRegistry
) -> None:
    request = require_mapping(
        require_mapping(entry, pointer, "an entry").get("request"),
        child(pointer, "request"),
        "a request",
    )
    method, url = text(request.get("method")).upper(), text(request.get("url"))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidNode(child(pointer, "request", "url"), f"invalid URL: {exc}") from None
    if not method or not parts.scheme or not parts.hostname:
        raise InvalidNode(child(pointer, "request"), "an entry needs a method and an absolute URL")
    path = parts.path or "/"
    draft = drafts.setdefault((method, path), _Draft(method, path))
    server = f"{parts.scheme}://{parts.hostname}" + (f":{port}" if port else "")
    if server not in draft.servers:
        draft.servers.append(server)
    query = request.get("queryString")
    queried = pairs(query) if isinstance(query, list) else parse_qsl(parts.query)
    for name, value in queried:
        add_parameter(draft.parameters, captured_parameter(name, ParameterLocation.Query, value))
    for name, _ in pairs(request.get("cookies")):
        add_parameter(draft.parameters, captured_parameter(name, ParameterLocation.Cookie, ""))
    for name, value in pairs(request.get("headers")):
        lowered = name.lower()
        if lowered == "authorization":
            requirement = registry.require(authorization_scheme(value))
            if requirement not in draft.security:
                draft.security.append(requirement)
        elif not lowered.startswith(":") and lowered not in TRANSPORT_HEADERS | {"cookie"}:
            add_parameter(
                draft.parameters, captured_parameter(name, ParameterLocation.Header, value)
            )
    body = request_body(request.get("postData"))
    if body is not None and draft.body is None:
        draft.body = body
    elif body is not None and draft.body is not None:
        extra = [e for e in body.examples if e not in draft.body.examples]
        draft.body = replace(draft.body, examples=[*draft.body.examples, *extra])
    response = entry.get("response")
    if isinstance(response, dict):
        add_response(draft.responses, response, f"entry {pointer.rsplit('/', 1)[-1]}")


def _endpoint(draft: _Draft) -> ParsedEndpoint:
    return with_body_listed(
        ParsedEndpoint(
            method=draft.method,
            path=draft.path,
            parameters=draft.parameters,
            request_body=draft.body,
            responses=sorted(draft.responses.values(), key=lambda r: r.status_code),
            security=draft.security,
            servers=draft.servers,
        )
    )

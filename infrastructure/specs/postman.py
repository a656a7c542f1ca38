"""The reader of Postman collections, v2.0 and v2.1.

Folders become tags (each folder name on the way down); auth is inherited from the
collection through folders unless a request sets its own; scripts are kept as text and
never run; collection variables are kept on the specification, folder and request
variables on each endpoint.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from domain.specifications.errors import SpecParseError
from domain.specifications.parsed import (
    ParameterLocation,
    ParsedEndpoint,
    ParsedScript,
    ParsedSecurityRequirement,
    ParsedSpecification,
    ParseIssue,
    SourceType,
)
from infrastructure.specs.captured import (
    TRANSPORT_HEADERS,
    SchemeRegistry,
    add_parameter,
    captured_parameter,
    media_essence,
)
from infrastructure.specs.common import InvalidNode, child, text
from infrastructure.specs.endpoints import with_body_listed
from infrastructure.specs.postman_auth import auth_scheme
from infrastructure.specs.postman_body import key_values, request_body, saved_responses
from infrastructure.specs.postman_url import read_url

_SCHEMA_VERSION = re.compile(r"/collection/v(\d+)\.(\d+)\.\d+/")


@dataclass(frozen=True)
class _Scope:
    """What a folder passes down to the items inside it."""

    tags: list[str] = field(default_factory=list)
    security: list[ParsedSecurityRequirement] = field(default_factory=list)
    scripts: list[ParsedScript] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)


def postman_schema_version(document: Any) -> str:
    """This function will give "2.0" or "2.1", refusing other and unknown collection formats."""
    if not isinstance(document, dict):
        raise SpecParseError.single("/", "a Postman collection must be a JSON object")
    info = document.get("info")
    if not isinstance(info, dict):
        if "requests" in document or "order" in document:
            raise SpecParseError.single(
                "/", "Postman collection format v1 is not supported: export it as v2.1"
            )
        raise SpecParseError.single("/info", "not a Postman collection: 'info' is missing")
    schema = text(info.get("schema"))
    match = _SCHEMA_VERSION.search(schema)
    version = f"{match.group(1)}.{match.group(2)}" if match else ""
    if version not in ("2.0", "2.1"):
        raise SpecParseError.single(
            "/info/schema",
            f"Postman collection schema '{schema}' is not supported: expected v2.0 or v2.1",
        )
    return version


def parse_postman(document: Any) -> ParsedSpecification:
    """This function will read a Postman collection into the neutral model."""
    postman_schema_version(document)
    reader = _CollectionReader(_variables(document.get("variable")))
    info = document["info"]
    root = _Scope(
        security=reader.security(document.get("auth"), "/auth", []),
        scripts=reader.scripts(document.get("event"), "collection"),
    )
    reader.items(document.get("item"), "/item", root)
    return ParsedSpecification(
        source_type=SourceType.Postman,
        title=text(info.get("name")),
        version=_version(info.get("version")),
        description=_description(info.get("description")),
        servers=reader.servers,
        endpoints=reader.endpoints,
        security_schemes=reader.registry.schemes,
        issues=reader.issues,
        variables=reader.collection_variables,
    )


class _CollectionReader:
    """The state of one walk through a collection's folders."""

    def __init__(self, collection_variables: dict[str, Any]) -> None:
        self.collection_variables = collection_variables
        self.issues: list[ParseIssue] = []
        self.registry = SchemeRegistry()
        self.endpoints: list[ParsedEndpoint] = []
        self._seen: dict[str, str] = {}
        self.servers: list[str] = []

    def items(self, node: Any, pointer: str, scope: _Scope) -> None:
        """This function will read the items of a folder, recursing into sub-folders."""
        if not isinstance(node, list):
            if node is not None:
                self.issues.append(ParseIssue(pointer, "item must be a list"))
            return
        for index, item in enumerate(node):
            where = child(pointer, index)
            if isinstance(item, dict) and isinstance(item.get("item"), list):
                self.items(item["item"], child(where, "item"), self._folder(item, where, scope))
            elif isinstance(item, dict) and "request" in item:
                try:
                    self._add(self._endpoint(item, where, scope), where)
                except InvalidNode as exc:
                    self.issues.append(exc.as_issue())
            else:
                self.issues.append(ParseIssue(where, "an item must be a folder or a request"))

    def _add(self, endpoint: ParsedEndpoint, pointer: str) -> None:
        """A collection often holds several requests to one endpoint (variants, examples);
        an endpoint is one method and path, so the first is kept and the others named."""
        key = f"{endpoint.method} {endpoint.path}"
        first = self._seen.get(key)
        if first is not None:
            self.issues.append(
                ParseIssue(pointer, f"repeats {key} of the request at {first}; the first is kept")
            )
            return
        self._seen[key] = pointer
        self.endpoints.append(endpoint)

    def _folder(self, folder: dict[str, Any], pointer: str, scope: _Scope) -> _Scope:
        name = text(folder.get("name"))
        tags = [*scope.tags, name] if name else scope.tags
        where = "/".join(tags)
        return _Scope(
            tags=tags,
            security=self.security(folder.get("auth"), child(pointer, "auth"), scope.security),
            scripts=[*scope.scripts, *self.scripts(folder.get("event"), where)],
            variables={**scope.variables, **_variables(folder.get("variable"))},
        )

    def security(
        self, node: Any, pointer: str, inherited: list[ParsedSecurityRequirement]
    ) -> list[ParsedSecurityRequirement]:
        """This function will give the security of a level: its own auth, or its parent's."""
        scheme = auth_scheme(node, pointer, self.issues)
        if isinstance(scheme, str):
            return inherited
        return [] if scheme is None else [self.registry.require(scheme)]

    def scripts(self, node: Any, scope: str) -> list[ParsedScript]:
        """This function will keep the text of a level's event scripts."""
        found = []
        for event in node if isinstance(node, list) else []:
            if not isinstance(event, dict) or event.get("disabled") is True:
                continue
            script = event.get("script")
            source = script.get("exec") if isinstance(script, dict) else None
            lines = source if isinstance(source, list) else [source]
            code = "\n".join(text(line) for line in lines)
            if code.strip():
                found.append(ParsedScript(scope, text(event.get("listen")), code))
        return found

    def _endpoint(self, item: dict[str, Any], pointer: str, scope: _Scope) -> ParsedEndpoint:
        raw_request = item["request"]
        request = raw_request if isinstance(raw_request, dict) else {"url": raw_request}
        where = child(pointer, "request")
        if not isinstance(raw_request, dict | str):
            raise InvalidNode(where, "a request must be an object or a URL")
        variables = {**scope.variables, **_variables(item.get("variable"))}
        url = read_url(request.get("url"), {**self.collection_variables, **variables})
        headers = key_values(request.get("header"))
        content_type = ""
        for name, value in headers.items():
            if name.lower() == "content-type":
                content_type = media_essence(text(value))
            elif name.lower() not in TRANSPORT_HEADERS:
                parameter = captured_parameter(name, ParameterLocation.Header, value)
                add_parameter(url.parameters, parameter)
        if url.server and url.server not in self.servers:
            self.servers.append(url.server)
        security = self.security(request.get("auth"), child(where, "auth"), scope.security)
        responses = saved_responses(item.get("response"), child(pointer, "response"), self.issues)
        return with_body_listed(
            ParsedEndpoint(
                method=(text(request.get("method")) or "GET").upper(),
                path=url.path,
                operation_id=text(item.get("id")),
                summary=text(item.get("name")),
                description=_description(request.get("description")),
                tags=list(scope.tags),
                parameters=url.parameters,
                request_body=request_body(request.get("body"), content_type),
                responses=responses,
                security=security,
                servers=[url.server] if url.server else [],
                scripts=[*scope.scripts, *self.scripts(item.get("event"), "request")],
                variables=variables,
            )
        )


def _variables(node: Any) -> dict[str, Any]:
    """This function will read variables; the values of secret ones are not kept."""
    found: dict[str, Any] = {}
    for entry in node if isinstance(node, list) else []:
        if not isinstance(entry, dict) or entry.get("disabled") is True:
            continue
        key = text(entry.get("key")) or text(entry.get("id"))
        if key:
            found[key] = None if entry.get("type") == "secret" else entry.get("value")
    return found


def _description(node: Any) -> str:
    return text(node.get("content")) if isinstance(node, dict) else text(node)


def _version(node: Any) -> str:
    if isinstance(node, dict):
        parts = [text(node.get(key)) for key in ("major", "minor", "patch")]
        return ".".join(part for part in parts if part)
    return text(node)

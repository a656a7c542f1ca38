"""The responses of OpenAPI 3.x operations: content, headers, examples and links."""

import re
from typing import Any

from domain.specifications.parsed import ParsedResponse, ParseIssue, json_schema_type
from infrastructure.specs.common import (
    InvalidNode,
    child,
    optional_mapping,
    preferred_media_type,
    require_mapping,
    text,
)
from infrastructure.specs.openapi3_parts import examples
from infrastructure.specs.refs import RefResolver

_STATUS = re.compile(r"^(default|[1-5](?:[0-9]{2}|XX))$", re.IGNORECASE)
_LINK_KEYS = ("operationId", "operationRef", "parameters", "requestBody", "description", "server")


class ResponseReader:
    """The reader of an operation's responses, sharing one resolver and one list of issues."""

    def __init__(self, resolver: RefResolver, issues: list[ParseIssue]) -> None:
        self.resolver = resolver
        self.issues = issues

    def responses(self, node: Any, pointer: str) -> tuple[list[ParsedResponse], dict[str, Any]]:
        """This function will read the responses of an operation, and their links."""
        found: list[ParsedResponse] = []
        links: dict[str, Any] = {}
        for status, raw in optional_mapping(node, pointer, "responses", self.issues).items():
            where = child(pointer, status)
            if status.startswith("x-"):
                continue
            if not _STATUS.match(status):
                self.issues.append(ParseIssue(where, f"'{status}' is not a status code"))
                continue
            try:
                code = "default" if status.lower() == "default" else status.upper()
                response, response_links = self._response(code, raw, where)
            except InvalidNode as exc:
                self.issues.append(exc.as_issue())
                continue
            found.append(response)
            links.update(response_links)
        return found, links

    def _response(
        self, status: str, raw: Any, pointer: str
    ) -> tuple[ParsedResponse, dict[str, Any]]:
        resolved, where = self.resolver.deref(raw, pointer)
        node = require_mapping(resolved, where, "a response")
        content = optional_mapping(
            node.get("content"), child(where, "content"), "content", self.issues
        )
        chosen = preferred_media_type(content)
        media_pointer = child(where, "content", chosen)
        media = require_mapping(content[chosen], media_pointer, "a media type") if chosen else {}
        response = ParsedResponse(
            status_code=status,
            description=text(node.get("description")),
            content_type=chosen,
            schema=self.resolver.schema(media.get("schema"), child(media_pointer, "schema")),
            examples=examples(media, media_pointer, self.resolver, self.issues),
            headers=self._headers(node.get("headers"), child(where, "headers")),
            content_types=list(content),
        )
        return response, self._links(status, node.get("links"), child(where, "links"))

    def _headers(self, node: Any, pointer: str) -> dict[str, Any]:
        headers: dict[str, Any] = {}
        for name, raw in optional_mapping(node, pointer, "headers", self.issues).items():
            if name.lower() == "content-type":
                continue
            try:
                resolved, where = self.resolver.deref(raw, child(pointer, name))
                header = require_mapping(resolved, where, "a header")
            except InvalidNode as exc:
                self.issues.append(exc.as_issue())
                continue
            schema = self.resolver.schema(header.get("schema"), child(where, "schema"))
            described = {key: value for key, value in header.items() if key != "content"}
            headers[name] = {**described, "schema": schema, "data_type": json_schema_type(schema)}
        return headers

    def _links(self, status: str, node: Any, pointer: str) -> dict[str, Any]:
        links: dict[str, Any] = {}
        for name, raw in optional_mapping(node, pointer, "links", self.issues).items():
            try:
                resolved, where = self.resolver.deref(raw, child(pointer, name))
                link = require_mapping(resolved, where, "a link")
            except InvalidNode as exc:
                self.issues.append(exc.as_issue())
                continue
            if not text(link.get("operationId")) and not text(link.get("operationRef")):
                self.issues.append(ParseIssue(where, f"link '{name}' names no operation"))
                continue
            links[f"{status}/{name}"] = {key: link[key] for key in _LINK_KEYS if key in link}
        return links

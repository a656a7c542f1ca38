"""The parameters and request bodies of OpenAPI 3.x operations, and their examples."""

from typing import Any

from domain.specifications.parsed import (
    ParameterLocation,
    ParsedParameter,
    ParsedRequestBody,
    ParseIssue,
    json_schema_type,
)
from infrastructure.specs.common import (
    InvalidNode,
    child,
    optional_list,
    optional_mapping,
    preferred_media_type,
    require_mapping,
    text,
)
from infrastructure.specs.refs import RefResolver

_PLACES = ("path", "query", "header", "cookie")
# The OpenAPI specification says header parameters with these names SHALL be ignored.
_IGNORED_HEADERS = ("accept", "content-type", "authorization")


class OpenApi3Reader:
    """The reader of parameters and bodies, sharing one resolver and one list of issues."""

    def __init__(self, resolver: RefResolver, issues: list[ParseIssue]) -> None:
        self.resolver = resolver
        self.issues = issues

    def parameters(self, node: Any, pointer: str) -> list[ParsedParameter]:
        """This function will read a list of parameters, skipping (and noting) broken ones."""
        found = []
        for index, raw in enumerate(optional_list(node, pointer, "parameters", self.issues)):
            try:
                parameter = self.parameter(raw, child(pointer, index))
            except InvalidNode as exc:
                self.issues.append(exc.as_issue())
                continue
            if parameter is not None:
                found.append(parameter)
        return found

    def parameter(self, raw: Any, pointer: str) -> ParsedParameter | None:
        """This function will read one parameter; ``None`` for the headers the spec ignores."""
        resolved, where = self.resolver.deref(raw, pointer)
        node = require_mapping(resolved, where, "a parameter")
        name = text(node.get("name"))
        if not name:
            raise InvalidNode(where, "a parameter needs a name")
        place = text(node.get("in"))
        if place not in _PLACES:
            raise InvalidNode(where, f"parameter '{name}' has an invalid location '{place}'")
        if place == "header" and name.lower() in _IGNORED_HEADERS:
            return None
        content = node.get("content")
        holder, holder_pointer, content_type = node, where, ""
        if isinstance(content, dict) and content:
            content_type = preferred_media_type(content)
            holder_pointer = child(where, "content", content_type)
            holder = require_mapping(content[content_type], holder_pointer, "a media type")
        schema = self.resolver.schema(holder.get("schema"), child(holder_pointer, "schema"))
        return ParsedParameter(
            name=name,
            location=ParameterLocation(place),
            data_type=json_schema_type(schema),
            format=text(schema.get("format")),
            required=node.get("required") is True or place == "path",
            default=schema.get("default"),
            schema=schema,
            examples=list(examples(holder, holder_pointer, self.resolver, self.issues).values()),
            description=text(node.get("description")),
            content_type=content_type,
        )

    def request_body(self, raw: Any, pointer: str) -> ParsedRequestBody:
        """This function will read a request body in its preferred content type."""
        resolved, where = self.resolver.deref(raw, pointer)
        node = require_mapping(resolved, where, "a request body")
        content = optional_mapping(
            node.get("content"), child(where, "content"), "content", self.issues
        )
        chosen = preferred_media_type(content)
        media_pointer = child(where, "content", chosen)
        media = require_mapping(content[chosen], media_pointer, "a media type") if chosen else {}
        return ParsedRequestBody(
            content_type=chosen,
            required=node.get("required") is True,
            schema=self.resolver.schema(media.get("schema"), child(media_pointer, "schema")),
            examples=list(examples(media, media_pointer, self.resolver, self.issues).values()),
            description=text(node.get("description")),
            content_types=list(content),
        )


def examples(
    holder: dict[str, Any], pointer: str, resolver: RefResolver, issues: list[ParseIssue]
) -> dict[str, Any]:
    """This function will gather ``example`` and named ``examples`` values of an object."""
    found: dict[str, Any] = {}
    if "example" in holder:
        found["example"] = holder["example"]
    named = optional_mapping(holder.get("examples"), child(pointer, "examples"), "examples", issues)
    for name, raw in named.items():
        try:
            example, _ = resolver.deref(raw, child(pointer, "examples", name))
        except InvalidNode as exc:
            issues.append(exc.as_issue())
            continue
        if isinstance(example, dict) and "value" in example:
            found[name] = example["value"]
    return found

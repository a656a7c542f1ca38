"""Swagger 2.0 pieces turned into JSON Schema: simple parameters, form bodies, responses."""

import re
from typing import Any

from domain.shared.json_types import SchemaDialect
from domain.specifications.parsed import ParsedRequestBody, ParsedResponse, json_schema_type
from infrastructure.specs.common import (
    InvalidNode,
    child,
    preferred_media_type,
    require_mapping,
    text,
)
from infrastructure.specs.refs import RefResolver

# The keywords a non-body Swagger parameter or header shares with JSON Schema.
_SCHEMA_KEYS = (
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    "collectionFormat",
)
_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
_STATUS = re.compile(r"^(default|[1-5][0-9]{2})$")


def parameter_schema(node: dict[str, Any], pointer: str, resolver: RefResolver) -> dict[str, Any]:
    """This function will gather the schema keywords of a parameter or header into a schema.

    A ``file`` becomes a binary string, as in OpenAPI 3.
    """
    schema = {key: node[key] for key in _SCHEMA_KEYS if key in node}
    if schema.get("type") == "file":
        schema["type"], schema["format"] = "string", "binary"
    return resolver.schema(schema, pointer)


def form_body(
    fields: list[tuple[dict[str, Any], str]], consumes: list[str], resolver: RefResolver
) -> ParsedRequestBody:
    """This function will turn ``formData`` parameters into one object-shaped form body."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    has_file = False
    for node, where in fields:
        has_file = has_file or node.get("type") == "file"
        properties[node["name"]] = parameter_schema(node, where, resolver)
        if text(node.get("description")):
            properties[node["name"]] = {
                **properties[node["name"]],
                "description": node["description"],
            }
        if node.get("required") is True:
            required.append(node["name"])
    offered = [media for media in consumes if media in _FORM_TYPES]
    if has_file or "multipart/form-data" in offered:
        content_type = "multipart/form-data"
    else:
        content_type = "application/x-www-form-urlencoded"
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return ParsedRequestBody(
        content_type=content_type,
        required=bool(required),
        schema=schema,
        content_types=offered or [content_type],
    )


def response(
    status: str, raw: Any, pointer: str, produces: list[str], resolver: RefResolver
) -> ParsedResponse:
    """This function will read one response; its content type is the preferred ``produces``."""
    if not _STATUS.match(status):
        raise InvalidNode(pointer, f"'{status}' is not a status code")
    resolved, where = resolver.deref(raw, pointer)
    node = require_mapping(resolved, where, "a response")
    has_body = node.get("schema") is not None
    examples = node.get("examples")
    headers: dict[str, Any] = {}
    raw_headers = node.get("headers")
    for name, header in (raw_headers if isinstance(raw_headers, dict) else {}).items():
        if isinstance(header, dict):
            schema = parameter_schema(header, child(where, "headers", name), resolver)
            described = {key: value for key, value in header.items() if key not in _SCHEMA_KEYS}
            headers[name] = {
                **described,
                "schema": schema,
                "data_type": json_schema_type(schema, dialect=SchemaDialect.DRAFT_04),
            }
    return ParsedResponse(
        status_code=status,
        description=text(node.get("description")),
        content_type=preferred_media_type(produces or ["application/json"]) if has_body else "",
        schema=resolver.schema(node.get("schema"), child(where, "schema")),
        examples=examples if isinstance(examples, dict) else {},
        headers=headers,
        content_types=(produces or ["application/json"]) if has_body else [],
    )

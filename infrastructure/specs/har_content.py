"""The payloads of HAR entries: request post data and response content."""

import base64
import binascii
from typing import Any

from domain.specifications.parsed import ParsedRequestBody, ParsedResponse
from infrastructure.specs.captured import (
    SECRET_HEADERS,
    TRANSPORT_HEADERS,
    body_from_text,
    example_from_text,
    form_schema,
    media_essence,
)
from infrastructure.specs.common import text


def pairs(node: Any) -> list[tuple[str, Any]]:
    """This function will read a HAR list of ``{name, value}`` objects."""
    entries = node if isinstance(node, list) else []
    return [
        (text(item.get("name")), item.get("value"))
        for item in entries
        if isinstance(item, dict) and text(item.get("name"))
    ]


def request_body(node: Any) -> ParsedRequestBody | None:
    """This function will read ``postData``: form params when listed, its text otherwise."""
    if not isinstance(node, dict):
        return None
    content_type = media_essence(text(node.get("mimeType")))
    params = node.get("params")
    if isinstance(params, list) and params:
        fields = dict(pairs(params))
        files = frozenset(
            text(p.get("name")) for p in params if isinstance(p, dict) and p.get("fileName")
        )
        return ParsedRequestBody(
            content_type=content_type or "application/x-www-form-urlencoded",
            required=True,
            schema=form_schema(fields, files),
            examples=[fields],
            content_types=[content_type] if content_type else [],
        )
    payload = text(node.get("text"))
    return body_from_text(payload, content_type) if payload or content_type else None


def add_response(
    responses: dict[str, ParsedResponse], response: dict[str, Any], label: str
) -> None:
    """This function will add a response, or its body as an example to one of the same status.

    Aborted requests (status 0) have no response to add.
    """
    status = response.get("status")
    if not isinstance(status, int) or isinstance(status, bool) or status <= 0:
        return
    content = response.get("content")
    content = content if isinstance(content, dict) else {}
    content_type = media_essence(text(content.get("mimeType")))
    payload = _content_text(content)
    example, schema = example_from_text(payload, content_type) if payload else (None, {})
    known = responses.get(str(status))
    if known is not None:
        if payload:
            known.examples[label] = example
        return
    responses[str(status)] = ParsedResponse(
        status_code=str(status),
        description=text(response.get("statusText")),
        content_type=content_type,
        schema=schema,
        examples={label: example} if payload else {},
        headers={
            name: {"schema": {"type": "string"}, "example": value}
            for name, value in pairs(response.get("headers"))
            if name.lower() not in SECRET_HEADERS | TRANSPORT_HEADERS and not name.startswith(":")
        },
        content_types=[content_type] if content_type else [],
    )


def _content_text(content: dict[str, Any]) -> str:
    """This function will give a response body as text, decoding base64 when it is text."""
    payload = text(content.get("text"))
    if content.get("encoding") != "base64":
        return payload
    try:
        return base64.b64decode(payload, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return ""

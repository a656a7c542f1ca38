"""Postman request bodies (raw, urlencoded, formdata, file, graphql) and saved examples."""

import re
from typing import Any

from domain.specifications.parsed import ParsedRequestBody, ParsedResponse, ParseIssue
from infrastructure.specs.captured import (
    SECRET_HEADERS,
    example_from_text,
    form_schema,
    infer_schema,
    is_json_media,
    media_essence,
)
from infrastructure.specs.common import child, text
from infrastructure.specs.loader import load_embedded_json

_LANGUAGES = {
    "json": "application/json",
    "xml": "application/xml",
    "html": "text/html",
    "text": "text/plain",
    "javascript": "application/javascript",
}
# An unquoted {{variable}} where JSON expects a value, as in {"id": {{petId}}}.
_BARE_PLACEHOLDER = re.compile(r'(?<!")\{\{[^{}"]+\}\}(?!")')


def key_values(node: Any) -> dict[str, Any]:
    """This function will read a Postman list of enabled ``{key, value}`` pairs."""
    if isinstance(node, str):
        pairs = (line.partition(":") for line in node.splitlines())
        return {key.strip(): value.strip() for key, _, value in pairs if key.strip()}
    if not isinstance(node, list):
        return {}
    return {
        text(entry.get("key")): entry.get("value")
        for entry in node
        if isinstance(entry, dict) and text(entry.get("key")) and entry.get("disabled") is not True
    }


def request_body(node: Any, content_type: str) -> ParsedRequestBody | None:
    """This function will read a request body; ``None`` when there is none."""
    if not isinstance(node, dict) or node.get("disabled") is True:
        return None
    mode = text(node.get("mode"))
    if mode == "raw":
        return _raw_body(node, content_type)
    if mode in ("urlencoded", "formdata"):
        return _form_body(node.get(mode), mode)
    if mode == "file":
        source = node.get("file")
        return ParsedRequestBody(
            content_type=content_type or "application/octet-stream",
            required=True,
            schema={"type": "string", "format": "binary"},
            examples=[text(source.get("src"))] if isinstance(source, dict) else [],
            content_types=[content_type or "application/octet-stream"],
        )
    if mode == "graphql":
        graphql = node.get("graphql")
        graphql = graphql if isinstance(graphql, dict) else {}
        ok, variables = load_embedded_json(text(graphql.get("variables")) or "{}")
        example = {"query": text(graphql.get("query")), "variables": variables if ok else {}}
        return ParsedRequestBody(
            content_type="application/json",
            required=True,
            schema=infer_schema(example),
            examples=[example],
            content_types=["application/json"],
        )
    return None


def _raw_body(node: dict[str, Any], content_type: str) -> ParsedRequestBody:
    payload = text(node.get("raw"))
    options = node.get("options")
    raw_options = options.get("raw") if isinstance(options, dict) else None
    language = text(raw_options.get("language")) if isinstance(raw_options, dict) else ""
    if not content_type:
        content_type = _LANGUAGES.get(language, "")
    if not content_type:
        content_type = "application/json" if load_embedded_json(payload)[0] else "text/plain"
    example, schema = example_from_text(payload, content_type)
    if is_json_media(content_type) and isinstance(example, str):
        quoted = _BARE_PLACEHOLDER.sub(lambda match: f'"{match.group()}"', payload)
        example, schema = example_from_text(quoted, content_type)
    return ParsedRequestBody(
        content_type=content_type,
        required=True,
        schema=schema,
        examples=[example],
        content_types=[content_type],
    )


def _form_body(node: Any, mode: str) -> ParsedRequestBody:
    fields: dict[str, Any] = {}
    files: set[str] = set()
    for entry in node if isinstance(node, list) else []:
        if not isinstance(entry, dict) or entry.get("disabled") is True:
            continue
        key = text(entry.get("key"))
        if not key:
            continue
        if entry.get("type") == "file":
            files.add(key)
            fields[key] = entry.get("src")
        else:
            fields[key] = entry.get("value")
    content_type = (
        "multipart/form-data" if mode == "formdata" else "application/x-www-form-urlencoded"
    )
    return ParsedRequestBody(
        content_type=content_type,
        required=True,
        schema=form_schema(fields, frozenset(files)),
        examples=[fields],
        content_types=[content_type],
    )


def saved_responses(node: Any, pointer: str, issues: list[ParseIssue]) -> list[ParsedResponse]:
    """This function will turn saved examples into responses, one per status code."""
    by_status: dict[str, ParsedResponse] = {}
    for index, example in enumerate(node if isinstance(node, list) else []):
        where = child(pointer, index)
        code = example.get("code") if isinstance(example, dict) else None
        if not isinstance(code, int) or isinstance(code, bool):
            issues.append(ParseIssue(where, "a saved example needs a numeric status code"))
            continue
        headers = key_values(example.get("header"))
        content_type = next(
            (media_essence(text(v)) for k, v in headers.items() if k.lower() == "content-type"),
            "application/json" if example.get("_postman_previewlanguage") == "json" else "",
        )
        body = example.get("body")
        value, schema = (
            example_from_text(body, content_type) if isinstance(body, str) else (None, {})
        )
        name = text(example.get("name")) or f"example {index + 1}"
        status = str(code)
        known = by_status.get(status)
        if known is not None:
            if isinstance(body, str):
                label = name if name not in known.examples else f"{name} ({index + 1})"
                known.examples[label] = value
            continue
        by_status[status] = ParsedResponse(
            status_code=status,
            description=text(example.get("status")) or name,
            content_type=content_type,
            schema=schema,
            examples={name: value} if isinstance(body, str) else {},
            headers={
                key: {"schema": {"type": "string"}, "example": value}
                for key, value in headers.items()
                if key.lower() not in SECRET_HEADERS and key.lower() != "content-type"
            },
            content_types=[content_type] if content_type else [],
        )
    return list(by_status.values())

"""OpenAPI response links read as producer -> consumer bindings of path parameters."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from domain.generation.resources import endpoint_key, json_path, path_parameters
from domain.shared.errors import InvalidValueError
from domain.specifications.parsed import ParsedEndpoint
from domain.testing.values import ExtractionSource, require_header_name

_BODY = re.compile(r"^\{?\$response\.body#(/[^{}]*)?\}?$")
_HEADER = re.compile(r"^\{?\$response\.header\.([^{}]+)\}?$")
_OPERATION_REF = re.compile(r"^#/paths/([^/]+)/([a-zA-Z]+)$")


@dataclass(frozen=True, kw_only=True, slots=True)
class LinkedParameter:
    """A path parameter of one operation that a link fills from another's response."""

    producer_key: str
    consumer_key: str
    parameter: str
    source: ExtractionSource
    expression: str
    link_name: str


def linked_parameters(endpoints: list[ParsedEndpoint]) -> list[LinkedParameter]:
    """This function will read every link whose value comes from a response body or header.

    Only path parameters of the target are kept, as they are what the suite's URLs carry;
    links to unknown operations and request-side or constant expressions are skipped.
    """
    by_id = {item.operation_id: item for item in endpoints if item.operation_id}
    found: list[LinkedParameter] = []
    for producer in endpoints:
        for name, link in producer.links.items():
            if not isinstance(link, Mapping):
                continue
            consumer = _target(link, by_id, endpoints)
            parameters = link.get("parameters")
            if consumer is None or consumer is producer or not isinstance(parameters, Mapping):
                continue
            for raw_name, raw_expression in parameters.items():
                linked = _linked(producer, consumer, str(raw_name), raw_expression, name)
                if linked is not None:
                    found.append(linked)
    return found


def _target(
    link: Mapping[str, Any], by_id: dict[str, ParsedEndpoint], endpoints: list[ParsedEndpoint]
) -> ParsedEndpoint | None:
    operation_id = link.get("operationId")
    if isinstance(operation_id, str):
        return by_id.get(operation_id)
    reference = link.get("operationRef")
    matched = _OPERATION_REF.match(reference) if isinstance(reference, str) else None
    if matched is None:
        return None
    path = unquote(matched.group(1)).replace("~1", "/").replace("~0", "~")
    method = matched.group(2).upper()
    return next((item for item in endpoints if (item.method, item.path) == (method, path)), None)


def _linked(
    producer: ParsedEndpoint,
    consumer: ParsedEndpoint,
    raw_name: str,
    raw_expression: Any,
    link_name: str,
) -> LinkedParameter | None:
    location, _, parameter = raw_name.rpartition(".")
    if location not in ("", "path") or parameter not in path_parameters(consumer.path):
        return None
    extraction = _extraction(raw_expression)
    if extraction is None:
        return None
    source, expression = extraction
    return LinkedParameter(
        producer_key=endpoint_key(producer),
        consumer_key=endpoint_key(consumer),
        parameter=parameter,
        source=source,
        expression=expression,
        link_name=link_name,
    )


def _extraction(expression: Any) -> tuple[ExtractionSource, str] | None:
    if not isinstance(expression, str):
        return None
    body = _BODY.match(expression.strip())
    if body:
        return ExtractionSource.Body, pointer_to_json_path(body.group(1) or "")
    header = _HEADER.match(expression.strip())
    if header:
        try:
            require_header_name("header", header.group(1))
        except InvalidValueError:
            return None
        return ExtractionSource.Header, header.group(1)
    return None


def pointer_to_json_path(pointer: str) -> str:
    """This function will turn a JSON pointer ("/data/0/id") into a JSONPath ($.data[0].id)."""
    keys: list[str | int] = []
    for token in pointer.split("/")[1:]:
        key = unquote(token).replace("~1", "/").replace("~0", "~")
        keys.append(int(key) if key.isdigit() else key)
    return json_path(keys)

"""Postman request URLs: the server, a path template, and the path and query parameters.

Path segments ``:id`` and ``{{id}}`` become ``{id}`` path parameters; ``{{var}}`` inside a
segment or in the host stays as written, for the runner to substitute.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from domain.specifications.parsed import ParameterLocation, ParsedParameter
from infrastructure.specs.captured import captured_parameter
from infrastructure.specs.common import text

_WHOLE_VARIABLE = re.compile(r"^\{\{([^{}]+)\}\}$")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


@dataclass
class PostmanUrl:
    """What a Postman URL says about an endpoint."""

    server: str
    path: str
    parameters: list[ParsedParameter] = field(default_factory=list)


def read_url(node: Any, variables: dict[str, Any]) -> PostmanUrl:
    """This function will read a URL given as a string or as Postman's URL object."""
    url = node if isinstance(node, dict) else {"raw": text(node)}
    raw = text(url.get("raw"))
    protocol, host, port, segments, query = _split_raw(raw)
    if url.get("host") is not None or url.get("path") is not None:
        protocol = text(url.get("protocol")) or protocol
        host = _joined(url.get("host"), ".") if url.get("host") is not None else host
        port = text(url.get("port")) or port
        segments = _segments(url.get("path"))
    if isinstance(url.get("query"), list):
        query = [
            (text(entry.get("key")), entry.get("value"))
            for entry in url["query"]
            if isinstance(entry, dict) and text(entry.get("key"))
        ]
    known = dict(variables)
    declared = url.get("variable")
    for entry in declared if isinstance(declared, list) else []:
        if isinstance(entry, dict):
            known[text(entry.get("key") or entry.get("id"))] = entry.get("value")
    path, parameters = _template(segments, known)
    for name, value in query:
        parameters.append(captured_parameter(name, ParameterLocation.Query, value))
    return PostmanUrl(_server(protocol, host, port), path, parameters)


def _split_raw(raw: str) -> tuple[str, str, str, list[str], list[tuple[str, Any]]]:
    rest = raw.split("#", 1)[0]
    protocol = ""
    scheme = _SCHEME.match(rest)
    if scheme:
        protocol, rest = scheme.group(1), rest[scheme.end() :]
    rest, _, query_text = rest.partition("?")
    address, *segments = rest.split("/")
    host, _, port = address.partition(":") if "{{" not in address else (address, "", "")
    query = []
    for pair in query_text.split("&") if query_text else []:
        name, _, value = pair.partition("=")
        if name:
            query.append((name, value))
    return protocol, host, port, segments, query


def _joined(node: Any, separator: str) -> str:
    if isinstance(node, list):
        return separator.join(text(part) for part in node)
    return text(node)


def _segments(node: Any) -> list[str]:
    if isinstance(node, str):
        return node.strip("/").split("/") if node.strip("/") else []
    if not isinstance(node, list):
        return []
    return [text(part.get("value")) if isinstance(part, dict) else text(part) for part in node]


def _template(segments: list[str], known: dict[str, Any]) -> tuple[str, list[ParsedParameter]]:
    parts: list[str] = []
    parameters: list[ParsedParameter] = []
    for segment in segments:
        whole = _WHOLE_VARIABLE.match(segment)
        name = segment[1:] if segment.startswith(":") and len(segment) > 1 else ""
        name = whole.group(1).strip() if whole else name
        if not name:
            parts.append(segment)
            continue
        parts.append("{" + name + "}")
        if any(p.name == name for p in parameters):
            continue
        value = known.get(name)
        parameters.append(
            ParsedParameter(
                name=name,
                location=ParameterLocation.Path,
                data_type="string",
                required=True,
                schema={"type": "string"},
                examples=[] if value in (None, "") else [value],
            )
        )
    return "/" + "/".join(parts), parameters


def _server(protocol: str, host: str, port: str) -> str:
    if not host:
        return ""
    address = f"{host}:{port}" if port else host
    if protocol:
        return f"{protocol}://{address}"
    return address if host.startswith("{{") else f"http://{address}"

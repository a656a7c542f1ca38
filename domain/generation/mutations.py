"""Small changes to a request: one parameter, body property or credential at a time."""

import dataclasses
import json
import re
from typing import Any
from urllib.parse import quote

from domain.generation.credentials import Credential
from domain.generation.resources import TEMPLATE, parameter_of, segments
from domain.shared.json_fields import JsonValue
from domain.testing.values import RequestSpec

COOKIE = "Cookie"


def as_text(value: Any) -> str:
    """This function will write a parameter value the way it travels in a URL or header.

    Booleans are "true"/"false", arrays are comma-separated (OpenAPI's default ``form``
    style without explode), objects are compact JSON.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, list):
        return ",".join(as_text(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"), sort_keys=True)
    return json.dumps(value)


def _encoded(value: str) -> str:
    is_placeholder = value.startswith("{{") and value.endswith("}}")
    return value if is_placeholder else quote(value, safe="")


def _filled(found: "re.Match[str]", path_params: dict[str, str]) -> str:
    value = path_params.get(found.group(1))
    return found.group(0) if value is None else _encoded(value)


def build_url(path: str, path_params: dict[str, str]) -> str:
    """This function will put path parameter values into a path template.

    A ``{{variable}}`` placeholder goes in as it is; a literal value is percent-encoded
    so a "/" or space in it cannot change the path.
    """
    parts = []
    for segment in segments(path):
        name = parameter_of(segment)
        if name is None:
            # A template inside a segment (`{name}.json`) is filled in place.
            parts.append(TEMPLATE.sub(lambda found: _filled(found, path_params), segment))
        elif name not in path_params:
            parts.append(segment)
        else:
            parts.append(_encoded(path_params[name]))
    return "/" + "/".join(parts) + ("/" if path.endswith("/") and len(path) > 1 else "")


def with_path_param(request: RequestSpec, path: str, name: str, value: str) -> RequestSpec:
    """This function will give the request with one path parameter changed."""
    params = {**request.path_params, name: value}
    return dataclasses.replace(request, path_params=params, url=build_url(path, params))


def with_query(request: RequestSpec, name: str, value: str | None) -> RequestSpec:
    """This function will give the request with a query parameter set, or removed if None."""
    params = {key: item for key, item in request.query_params.items() if key != name}
    if value is not None:
        params[name] = value
    return dataclasses.replace(request, query_params=params)


def with_header(request: RequestSpec, name: str, value: str | None) -> RequestSpec:
    """This function will give the request with a header set, or removed if None."""
    headers = {key: item for key, item in request.headers.items() if key.lower() != name.lower()}
    if value is not None:
        headers[name] = value
    return dataclasses.replace(request, headers=headers)


def with_cookie(request: RequestSpec, name: str, value: str | None) -> RequestSpec:
    """This function will give the request with a cookie set, or removed if None."""
    current = next((item for key, item in request.headers.items() if key.lower() == "cookie"), "")
    pairs = [pair.strip() for pair in current.split(";") if pair.strip()]
    kept = [pair for pair in pairs if pair.partition("=")[0].strip() != name]
    if value is not None:
        kept.append(f"{name}={value}")
    return with_header(request, COOKIE, "; ".join(kept) or None)


def with_parameter(
    request: RequestSpec, path: str, location: str, name: str, value: str | None
) -> RequestSpec:
    """This function will set (or remove, if None) a path, query, header or cookie parameter."""
    if location == "path":
        return with_path_param(request, path, name, value or "")
    if location == "query":
        return with_query(request, name, value)
    if location == "cookie":
        return with_cookie(request, name, value)
    return with_header(request, name, value)


def with_credential(request: RequestSpec, credential: Credential, value: str | None) -> RequestSpec:
    """This function will send a credential with another value, or not at all if None."""
    return with_parameter(request, "", credential.place, credential.name, value)


def with_body_property(request: RequestSpec, name: str, value: JsonValue) -> RequestSpec:
    """This function will change one property of an object body."""
    if not isinstance(request.body, dict):
        return request
    return dataclasses.replace(request, body={**request.body, name: value})


def without_body_property(request: RequestSpec, name: str) -> RequestSpec:
    """This function will drop one property of an object body."""
    if not isinstance(request.body, dict):
        return request
    body = {key: item for key, item in request.body.items() if key != name}
    return dataclasses.replace(request, body=body)

"""Helpers for formats that record concrete requests (Postman, cURL, HAR) rather than rules.

Such formats cannot say what is mandatory: path parameters and bodies are required,
everything else optional, and captured values become examples. Schemas are inferred
from the examples. Credentials are never kept as examples: an Authorization header
becomes a security scheme, and secret-bearing headers lose their values.
"""

from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl

from domain.shared.json_types import SchemaDialect, json_type
from domain.specifications.parsed import (
    ParameterLocation,
    ParsedParameter,
    ParsedRequestBody,
    ParsedSecurityRequirement,
    ParsedSecurityScheme,
)
from infrastructure.specs.loader import load_embedded_json

SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "api-key",
        "x-csrf-token",
        "x-xsrf-token",
    }
)
# Headers that describe the transport rather than the API.
TRANSPORT_HEADERS = frozenset({"host", "content-length", "connection", "content-type"})
_MAX_INFERENCE_DEPTH = 32
_SCHEME_NAMES = {"bearer": "bearerAuth", "basic": "basicAuth", "digest": "digestAuth"}


def infer_schema(value: Any, depth: int = 0) -> dict[str, Any]:
    """This function will describe an example value with a JSON Schema."""
    if depth > _MAX_INFERENCE_DEPTH:
        return {}
    if value is None or isinstance(value, bool | int | float | str):
        # An example written 1.0 says its field takes fractions: name it as draft 4 does.
        return {"type": json_type(value, dialect=SchemaDialect.DRAFT_04)}
    if isinstance(value, list):
        return {"type": "array", "items": infer_schema(value[0], depth + 1) if value else {}}
    if isinstance(value, dict):
        properties = {key: infer_schema(item, depth + 1) for key, item in value.items()}
        return {"type": "object", "properties": properties}
    return {}


def is_json_media(content_type: str) -> bool:
    """This function will tell whether a content type carries JSON."""
    essence = content_type.split(";")[0].strip().lower()
    return essence == "application/json" or essence.endswith("+json") or essence.endswith("/json")


def media_essence(content_type: str) -> str:
    """This function will drop the parameters (charset...) of a content type."""
    return content_type.split(";")[0].strip().lower()


def example_from_text(payload: str, content_type: str) -> tuple[Any, dict[str, Any]]:
    """This function will read a captured payload: the example value and its schema.

    JSON is decoded when it parses, form data split into fields, anything else kept as text.
    """
    stripped = payload.strip()
    if is_json_media(content_type) or stripped[:1] in ("{", "["):
        ok, value = load_embedded_json(payload)
        if ok:
            return value, infer_schema(value)
    if media_essence(content_type) == "application/x-www-form-urlencoded":
        fields = dict(parse_qsl(payload, keep_blank_values=True))
        return fields, form_schema(fields)
    return payload, {"type": "string"}


def form_schema(fields: dict[str, Any], files: frozenset[str] = frozenset()) -> dict[str, Any]:
    """This function will describe form fields as an object of strings (binary for files)."""
    properties: dict[str, Any] = {}
    for name in fields:
        if name in files:
            properties[name] = {"type": "string", "format": "binary"}
        else:
            properties[name] = {"type": "string"}
    return {"type": "object", "properties": properties}


def body_from_text(payload: str, content_type: str) -> ParsedRequestBody:
    """This function will build a required request body from a captured payload."""
    example, schema = example_from_text(payload, content_type)
    return ParsedRequestBody(
        content_type=content_type,
        required=True,
        schema=schema,
        examples=[example],
        content_types=[content_type] if content_type else [],
    )


def captured_parameter(name: str, location: ParameterLocation, value: Any) -> ParsedParameter:
    """This function will describe a captured header, query or cookie value as optional."""
    secret = location is ParameterLocation.Cookie or (
        location is ParameterLocation.Header and name.lower() in SECRET_HEADERS
    )
    return ParsedParameter(
        name=name,
        location=location,
        data_type="string",
        required=False,
        schema={"type": "string"},
        examples=[] if secret or value in ("", None) else [value],
    )


def add_parameter(parameters: list[ParsedParameter], parameter: ParsedParameter) -> None:
    """This function will add a parameter, or add its examples to one of the same name."""
    for index, existing in enumerate(parameters):
        if existing.name == parameter.name and existing.location is parameter.location:
            extra = [value for value in parameter.examples if value not in existing.examples]
            if extra:
                parameters[index] = replace(existing, examples=[*existing.examples, *extra])
            return
    parameters.append(parameter)


def authorization_scheme(value: str) -> ParsedSecurityScheme:
    """This function will recognise the scheme of an Authorization header, not its secret."""
    kind = value.strip().split(" ", 1)[0].lower()
    if kind in _SCHEME_NAMES:
        return ParsedSecurityScheme(name="", type="http", scheme=kind)
    return ParsedSecurityScheme(
        name="", type="apiKey", in_="header", parameter_name="Authorization"
    )


class SchemeRegistry:
    """The security schemes met in captured requests, each distinct one named once."""

    def __init__(self) -> None:
        self.schemes: list[ParsedSecurityScheme] = []

    def require(self, scheme: ParsedSecurityScheme) -> ParsedSecurityRequirement:
        """This function will register a scheme (unnamed) and give the requirement for it."""
        for known in self.schemes:
            if replace(known, name="") == replace(scheme, name=""):
                return ParsedSecurityRequirement(known.name, known.type)
        base = _SCHEME_NAMES.get(scheme.scheme, f"{scheme.type}Auth")
        taken = {known.name for known in self.schemes}
        name, number = base, 1
        while name in taken:
            number += 1
            name = f"{base}{number}"
        named = replace(scheme, name=name)
        self.schemes.append(named)
        return ParsedSecurityRequirement(named.name, named.type)

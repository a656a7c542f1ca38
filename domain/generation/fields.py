"""The fields of a valid request that boundary and negative cases change one at a time.

A field is a top-level property of a JSON object body (named by itself, "name"), the
whole body when it is a JSON array ("body"), or a path, query, header or cookie
parameter (named with its location, "query.limit"). Path parameters another operation
produces, and the headers HTTP itself manages, are not fields.
"""

import dataclasses
from dataclasses import dataclass
from typing import Any

from domain.generation.constraints import is_read_only, property_schemas, required_names
from domain.generation.mutations import (
    as_text,
    with_body_property,
    with_parameter,
    without_body_property,
)
from domain.generation.request_builder import HappyRequest, RequestBuilder, parameter_schema
from domain.generation.resources import endpoint_key
from domain.shared.json_fields import JsonValue
from domain.specifications.parsed import ParameterLocation, ParsedEndpoint
from domain.testing.values import BodyType, RequestSpec

MANAGED_HEADERS = ("accept", "content-type", "authorization")
WHOLE_BODY = "body"


@dataclass(frozen=True, kw_only=True, slots=True)
class RequestField:
    """One changeable value of a request: its schema, valid value, and how to change it."""

    name: str
    location: str
    key: str
    schema: dict[str, Any]
    value: JsonValue
    required: bool
    sent: bool
    request: RequestSpec
    path: str

    @property
    def in_body(self) -> bool:
        """This function will tell whether the field is (part of) the request body."""
        return self.location == ParameterLocation.Body

    def with_value(self, value: JsonValue) -> RequestSpec:
        """This function will give the request with this field set to another value."""
        if self.in_body and self.key == "":
            return dataclasses.replace(self.request, body=value)
        if self.in_body:
            return with_body_property(self.request, self.key, value)
        return with_parameter(self.request, self.path, self.location, self.key, as_text(value))

    def without(self) -> RequestSpec:
        """This function will give the request with this field left out."""
        if self.in_body:
            return without_body_property(self.request, self.key)
        return with_parameter(self.request, self.path, self.location, self.key, None)


def request_fields(
    endpoint: ParsedEndpoint, happy: HappyRequest, builder: RequestBuilder
) -> list[RequestField]:
    """This function will list the fields of an operation's valid request, body first."""
    key = endpoint_key(endpoint)
    request = happy.request
    found: list[RequestField] = []
    if request.body_type == BodyType.JSON and isinstance(request.body, dict):
        body = request.body
        required = required_names(happy.body_schema)
        for name, schema in property_schemas(happy.body_schema).items():
            if is_read_only(schema):
                continue
            value = body[name] if name in body else builder.synthesise(schema, f"{key}:body:{name}")
            found.append(
                RequestField(
                    name=name,
                    location=ParameterLocation.Body,
                    key=name,
                    schema=builder.reader.resolve(schema),
                    value=value,
                    required=name in required,
                    sent=name in body,
                    request=request,
                    path=endpoint.path,
                )
            )
    elif request.body_type == BodyType.JSON and isinstance(request.body, list):
        found.append(
            RequestField(
                name=WHOLE_BODY,
                location=ParameterLocation.Body,
                key="",
                schema=happy.body_schema,
                value=request.body,
                required=True,
                sent=True,
                request=request,
                path=endpoint.path,
            )
        )
    for parameter in endpoint.parameters:
        location = parameter.location
        if location == ParameterLocation.Body or builder.plan.binding(key, parameter.name):
            continue
        if location == ParameterLocation.Header and parameter.name.lower() in MANAGED_HEADERS:
            continue
        sent = _is_sent(request, location, parameter.name)
        found.append(
            RequestField(
                name=f"{location}.{parameter.name}",
                location=location,
                key=parameter.name,
                schema=builder.reader.resolve(parameter_schema(parameter)),
                value=builder.parameter_value(endpoint, parameter),
                required=parameter.required,
                sent=sent,
                request=request,
                path=endpoint.path,
            )
        )
    return found


def _is_sent(request: RequestSpec, location: str, name: str) -> bool:
    if location == ParameterLocation.Path:
        return name in request.path_params
    if location == ParameterLocation.Query:
        return name in request.query_params
    if location == ParameterLocation.Cookie:
        cookie = request.headers.get("Cookie", "")
        return any(pair.strip().partition("=")[0] == name for pair in cookie.split(";"))
    return any(header.lower() == name.lower() for header in request.headers)

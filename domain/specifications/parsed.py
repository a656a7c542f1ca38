"""The neutral model of an API description, whatever format it was uploaded in.

Every value is plain data (str, int, float, bool, None, lists and dicts of them), so a
``ParsedSpecification`` can travel inside a domain event: ``to_json`` gives a JSON-ready
dict and ``from_json`` rebuilds an equal object from it.

Schemas, examples and defaults are JSON Schema / JSON values exactly as the document had
them, with internal ``$ref`` pointers already inlined. They may be shared between
endpoints, so treat them as read-only.

The request body of an endpoint is also listed among its parameters, as one parameter
named ``body`` with location ``body``, so a table of parameters shows it too.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Self

from domain.shared.json_fields import read_bool, read_int, read_list, read_object, read_str
from domain.shared.json_types import SchemaDialect, json_type

JsonValue = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]
JsonObject = dict[str, Any]

BODY_PARAMETER_NAME = "body"


class SourceType(StrEnum):
    """The format an API description came in."""

    OpenApi30 = "OpenAPI 3.0"
    OpenApi31 = "OpenAPI 3.1"
    Swagger20 = "Swagger 2.0"
    Postman = "Postman"
    Curl = "cURL"
    Har = "HAR"
    Manual = "Manual"


class ParameterLocation(StrEnum):
    """The part of an HTTP request a parameter travels in."""

    Path = "path"
    Query = "query"
    Header = "header"
    Cookie = "cookie"
    Body = "body"


def json_schema_type(
    schema: Mapping[str, Any], *, dialect: SchemaDialect = SchemaDialect.DRAFT_2020_12
) -> str:
    """This function will name the JSON type a schema accepts, "" when it cannot tell.

    A list of types is joined with "|", and OpenAPI 3.0's ``nullable`` adds "|null". A
    ``const`` is named by its value, under the document's JSON Schema dialect.
    """
    declared = schema.get("type")
    if isinstance(declared, str):
        names = [declared]
    elif isinstance(declared, list):
        names = [item for item in declared if isinstance(item, str)]
    elif "const" in schema:
        names = [json_type(schema["const"], dialect=dialect)]
    elif isinstance(schema.get("properties"), Mapping):
        names = ["object"]
    elif "items" in schema:
        names = ["array"]
    else:
        names = []
    if names and schema.get("nullable") is True and "null" not in names:
        names.append("null")
    return "|".join(names)


@dataclass(frozen=True, slots=True)
class ParseIssue:
    """A problem found in the document, and where: a JSON pointer or "line 3, column 7"."""

    location: str
    message: str

    def to_json(self) -> JsonObject:
        """This function will give the issue as plain data."""
        return {"location": self.location, "message": self.message}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """This function will rebuild an issue from ``to_json`` output."""
        return cls(location=read_str(data, "location", ""), message=read_str(data, "message", ""))


@dataclass(frozen=True, slots=True)
class ParsedParameter:
    """A named input of an endpoint: path, query, header, cookie, or the body itself."""

    name: str
    location: ParameterLocation
    data_type: str = ""
    format: str = ""
    required: bool = False
    default: JsonValue = None
    schema: JsonObject = field(default_factory=dict)
    examples: list[Any] = field(default_factory=list)
    description: str = ""
    content_type: str = ""

    def to_json(self) -> JsonObject:
        """This function will give the parameter as plain data."""
        return {
            "name": self.name,
            "location": self.location.value,
            "data_type": self.data_type,
            "format": self.format,
            "required": self.required,
            "default": self.default,
            "schema": self.schema,
            "examples": self.examples,
            "description": self.description,
            "content_type": self.content_type,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """This function will rebuild a parameter from ``to_json`` output."""
        return cls(
            name=read_str(data, "name", ""),
            location=ParameterLocation(read_str(data, "location", "")),
            data_type=read_str(data, "data_type", ""),
            format=read_str(data, "format", ""),
            required=read_bool(data, "required", False),
            default=data.get("default"),
            schema=read_object(data, "schema"),
            examples=read_list(data, "examples"),
            description=read_str(data, "description", ""),
            content_type=read_str(data, "content_type", ""),
        )


@dataclass(frozen=True, slots=True)
class ParsedRequestBody:
    """The payload an endpoint accepts, in its preferred content type."""

    content_type: str
    required: bool = False
    schema: JsonObject = field(default_factory=dict)
    examples: list[Any] = field(default_factory=list)
    description: str = ""
    content_types: list[str] = field(default_factory=list)

    def as_parameter(self) -> ParsedParameter:
        """This function will give the body as the ``body`` parameter listed with the others."""
        return ParsedParameter(
            name=BODY_PARAMETER_NAME,
            location=ParameterLocation.Body,
            data_type=json_schema_type(self.schema),
            format=_text_or_empty(self.schema.get("format")),
            required=self.required,
            default=self.schema.get("default"),
            schema=self.schema,
            examples=self.examples,
            description=self.description,
            content_type=self.content_type,
        )

    def to_json(self) -> JsonObject:
        """This function will give the body as plain data."""
        return {
            "content_type": self.content_type,
            "required": self.required,
            "schema": self.schema,
            "examples": self.examples,
            "description": self.description,
            "content_types": self.content_types,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """This function will rebuild a body from ``to_json`` output."""
        return cls(
            content_type=read_str(data, "content_type", ""),
            required=read_bool(data, "required", False),
            schema=read_object(data, "schema"),
            examples=read_list(data, "examples"),
            description=read_str(data, "description", ""),
            content_types=[str(item) for item in read_list(data, "content_types")],
        )


@dataclass(frozen=True, slots=True)
class ParsedResponse:
    """One documented or observed answer of an endpoint, by status ("200", "4XX", "default")."""

    status_code: str
    description: str = ""
    content_type: str = ""
    schema: JsonObject = field(default_factory=dict)
    examples: JsonObject = field(default_factory=dict)
    headers: JsonObject = field(default_factory=dict)
    content_types: list[str] = field(default_factory=list)

    def to_json(self) -> JsonObject:
        """This function will give the response as plain data."""
        return {
            "status_code": self.status_code,
            "description": self.description,
            "content_type": self.content_type,
            "schema": self.schema,
            "examples": self.examples,
            "headers": self.headers,
            "content_types": self.content_types,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """This function will rebuild a response from ``to_json`` output."""
        return cls(
            status_code=read_str(data, "status_code", ""),
            description=read_str(data, "description", ""),
            content_type=read_str(data, "content_type", ""),
            schema=read_object(data, "schema"),
            examples=read_object(data, "examples"),
            headers=read_object(data, "headers"),
            content_types=[str(item) for item in read_list(data, "content_types")],
        )


@dataclass(frozen=True, slots=True)
class ParsedSecurityRequirement:
    """A security scheme an endpoint requires, with the scopes it needs.

    Requirements sharing an ``alternative`` number must all be met together; different
    numbers are alternatives (OpenAPI's list of Security Requirement Objects).
    """

    scheme_name: str
    security_type: str
    scopes: list[str] = field(default_factory=list)
    alternative: int = 0

    def to_json(self) -> JsonObject:
        """This function will give the requirement as plain data."""
        return {
            "scheme_name": self.scheme_name,
            "security_type": self.security_type,
            "scopes": self.scopes,
            "alternative": self.alternative,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """This function will rebuild a requirement from ``to_json`` output."""
        return cls(
            scheme_name=read_str(data, "scheme_name", ""),
            security_type=read_str(data, "security_type", ""),
            scopes=[str(item) for item in read_list(data, "scopes")],
            alternative=read_int(data, "alternative", 0),
        )


@dataclass(frozen=True, slots=True)
class ParsedSecurityScheme:
    """A way the API authenticates callers: http bearer/basic, apiKey, oauth2, openIdConnect.

    ``in_`` and ``parameter_name`` place an apiKey; ``configuration`` holds the oauth2
    ``flows`` (URLs and scopes), the ``openIdConnectUrl``, or format-specific settings.
    """

    name: str
    type: str
    scheme: str = ""
    bearer_format: str = ""
    in_: str = ""
    parameter_name: str = ""
    description: str = ""
    configuration: JsonObject = field(default_factory=dict)

    def to_json(self) -> JsonObject:
        """This function will give the scheme as plain data."""
        return {
            "name": self.name,
            "type": self.type,
            "scheme": self.scheme,
            "bearer_format": self.bearer_format,
            "in": self.in_,
            "parameter_name": self.parameter_name,
            "description": self.description,
            "configuration": self.configuration,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """This function will rebuild a scheme from ``to_json`` output."""
        return cls(
            name=read_str(data, "name", ""),
            type=read_str(data, "type", ""),
            scheme=read_str(data, "scheme", ""),
            bearer_format=read_str(data, "bearer_format", ""),
            in_=read_str(data, "in", ""),
            parameter_name=read_str(data, "parameter_name", ""),
            description=read_str(data, "description", ""),
            configuration=read_object(data, "configuration"),
        )


@dataclass(frozen=True, slots=True)
class ParsedScript:
    """A script a Postman collection runs around a request, kept as text and never run.

    ``scope`` is "collection", the folder path ("Users/Admin") or "request".
    """

    scope: str
    listen: str
    source: str

    def to_json(self) -> JsonObject:
        """This function will give the script as plain data."""
        return {"scope": self.scope, "listen": self.listen, "source": self.source}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """This function will rebuild a script from ``to_json`` output."""
        return cls(
            scope=read_str(data, "scope", ""),
            listen=read_str(data, "listen", ""),
            source=read_str(data, "source", ""),
        )


@dataclass(frozen=True, slots=True)
class ParsedEndpoint:
    """One operation of the API: an upper-case HTTP method on a path template.

    ``links`` holds OpenAPI response links keyed "status/linkName"; ``variables`` the
    Postman folder variables in force; ``extensions`` the ``x-`` keys of the operation.
    """

    method: str
    path: str
    operation_id: str = ""
    summary: str = ""
    description: str = ""
    tags: list[str] = field(default_factory=list)
    deprecated: bool = False
    parameters: list[ParsedParameter] = field(default_factory=list)
    request_body: ParsedRequestBody | None = None
    responses: list[ParsedResponse] = field(default_factory=list)
    security: list[ParsedSecurityRequirement] = field(default_factory=list)
    security_optional: bool = False
    links: JsonObject = field(default_factory=dict)
    servers: list[str] = field(default_factory=list)
    scripts: list[ParsedScript] = field(default_factory=list)
    variables: JsonObject = field(default_factory=dict)
    extensions: JsonObject = field(default_factory=dict)

    def to_json(self) -> JsonObject:
        """This function will give the endpoint as plain data."""
        body = self.request_body
        return {
            "method": self.method,
            "path": self.path,
            "operation_id": self.operation_id,
            "summary": self.summary,
            "description": self.description,
            "tags": self.tags,
            "deprecated": self.deprecated,
            "parameters": [parameter.to_json() for parameter in self.parameters],
            "request_body": None if body is None else body.to_json(),
            "responses": [response.to_json() for response in self.responses],
            "security": [requirement.to_json() for requirement in self.security],
            "security_optional": self.security_optional,
            "links": self.links,
            "servers": self.servers,
            "scripts": [script.to_json() for script in self.scripts],
            "variables": self.variables,
            "extensions": self.extensions,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """This function will rebuild an endpoint from ``to_json`` output."""
        body = data.get("request_body")
        return cls(
            method=read_str(data, "method", ""),
            path=read_str(data, "path", ""),
            operation_id=read_str(data, "operation_id", ""),
            summary=read_str(data, "summary", ""),
            description=read_str(data, "description", ""),
            tags=[str(tag) for tag in read_list(data, "tags")],
            deprecated=read_bool(data, "deprecated", False),
            parameters=[ParsedParameter.from_json(item) for item in read_list(data, "parameters")],
            request_body=None if body is None else ParsedRequestBody.from_json(body),
            responses=[ParsedResponse.from_json(item) for item in read_list(data, "responses")],
            security=[
                ParsedSecurityRequirement.from_json(item) for item in read_list(data, "security")
            ],
            security_optional=read_bool(data, "security_optional", False),
            links=read_object(data, "links"),
            servers=[str(server) for server in read_list(data, "servers")],
            scripts=[ParsedScript.from_json(item) for item in read_list(data, "scripts")],
            variables=read_object(data, "variables"),
            extensions=read_object(data, "extensions"),
        )


@dataclass(frozen=True, slots=True)
class ParsedSpecification:
    """Everything read from one uploaded API description.

    ``schemas`` holds, keyed by pointer, every schema still referenced by a ``$ref`` left in
    the model (recursive or too large to inline), so each such pointer can be resolved.
    ``variables`` holds Postman collection variables. ``issues`` lists what was skipped.
    """

    source_type: SourceType
    title: str = ""
    version: str = ""
    description: str = ""
    servers: list[str] = field(default_factory=list)
    endpoints: list[ParsedEndpoint] = field(default_factory=list)
    security_schemes: list[ParsedSecurityScheme] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)
    schemas: JsonObject = field(default_factory=dict)
    variables: JsonObject = field(default_factory=dict)

    def to_json(self) -> JsonObject:
        """This function will give the whole specification as plain data."""
        return {
            "source_type": self.source_type.value,
            "title": self.title,
            "version": self.version,
            "description": self.description,
            "servers": self.servers,
            "endpoints": [endpoint.to_json() for endpoint in self.endpoints],
            "security_schemes": [scheme.to_json() for scheme in self.security_schemes],
            "issues": [issue.to_json() for issue in self.issues],
            "schemas": self.schemas,
            "variables": self.variables,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """This function will rebuild a specification from ``to_json`` output."""
        return cls(
            source_type=SourceType(read_str(data, "source_type", "")),
            title=read_str(data, "title", ""),
            version=read_str(data, "version", ""),
            description=read_str(data, "description", ""),
            servers=[str(server) for server in read_list(data, "servers")],
            endpoints=[ParsedEndpoint.from_json(item) for item in read_list(data, "endpoints")],
            security_schemes=[
                ParsedSecurityScheme.from_json(item) for item in read_list(data, "security_schemes")
            ],
            issues=[ParseIssue.from_json(item) for item in read_list(data, "issues")],
            schemas=read_object(data, "schemas"),
            variables=read_object(data, "variables"),
        )


def _text_or_empty(value: Any) -> str:
    return value if isinstance(value, str) else ""

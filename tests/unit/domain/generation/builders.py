"""Builders of parsed specifications for generation tests, written by hand."""

from typing import Any

from domain.specifications.parsed import (
    ParameterLocation,
    ParsedEndpoint,
    ParsedParameter,
    ParsedRequestBody,
    ParsedResponse,
    ParsedSecurityRequirement,
    ParsedSecurityScheme,
    ParsedSpecification,
    SourceType,
)

PET = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {
        "id": {"type": "integer", "format": "int64", "readOnly": True},
        "name": {"type": "string", "minLength": 2, "maxLength": 10},
        "status": {"type": "string", "enum": ["available", "pending", "sold"]},
        "age": {"type": "integer", "minimum": 0, "maximum": 30},
    },
}
NEW_PET = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "minLength": 2, "maxLength": 10},
        "status": {"type": "string", "enum": ["available", "pending", "sold"]},
        "age": {"type": "integer", "minimum": 0, "maximum": 30},
    },
}
BEARER = ParsedSecurityScheme(name="bearerAuth", type="http", scheme="bearer")
API_KEY = ParsedSecurityScheme(
    name="apiKeyAuth", type="apiKey", in_="header", parameter_name="X-API-Key"
)


def a_parameter(
    name: str, location: str = "query", *, required: bool = False, **schema: Any
) -> ParsedParameter:
    """A parameter with the given JSON Schema keywords."""
    return ParsedParameter(
        name=name,
        location=ParameterLocation(location),
        required=required or location == "path",
        schema=dict(schema),
        data_type=str(schema.get("type", "")),
    )


def a_body(schema: dict[str, Any], *, examples: list[Any] | None = None) -> ParsedRequestBody:
    """A required JSON request body."""
    return ParsedRequestBody(
        content_type="application/json",
        required=True,
        schema=schema,
        examples=list(examples or []),
        content_types=["application/json"],
    )


def a_response(
    status: str, schema: dict[str, Any] | None = None, *, headers: dict[str, Any] | None = None
) -> ParsedResponse:
    """A response, JSON when it has a schema."""
    return ParsedResponse(
        status_code=status,
        content_type="application/json" if schema is not None else "",
        schema=schema or {},
        headers=headers or {},
    )


def secured_by(scheme: ParsedSecurityScheme) -> list[ParsedSecurityRequirement]:
    """The security requirement of one scheme."""
    return [ParsedSecurityRequirement(scheme_name=scheme.name, security_type=scheme.type)]


def an_endpoint(method: str, path: str, **fields: Any) -> ParsedEndpoint:
    """An endpoint whose path parameters are declared unless given, as integers."""
    parameters = list(fields.pop("parameters", []))
    declared = {parameter.name for parameter in parameters}
    for segment in path.split("/"):
        if segment.startswith("{") and segment[1:-1] not in declared:
            parameters.insert(0, a_parameter(segment[1:-1], "path", type="integer"))
    body = fields.get("request_body")
    if body is not None:
        parameters.append(body.as_parameter())
    return ParsedEndpoint(method=method, path=path, parameters=parameters, **fields)


def a_specification(*endpoints: ParsedEndpoint, **fields: Any) -> ParsedSpecification:
    """An OpenAPI 3.0 specification of the given endpoints."""
    return ParsedSpecification(
        source_type=SourceType.OpenApi30, title="Test API", endpoints=list(endpoints), **fields
    )


def a_petstore() -> ParsedSpecification:
    """A bearer-secured pet store with a login, full CRUD on pets, and pet photos."""
    secured = secured_by(BEARER)
    login = an_endpoint(
        "POST",
        "/auth/login",
        operation_id="login",
        summary="Log in",
        request_body=a_body(
            {
                "type": "object",
                "required": ["username", "password"],
                "properties": {
                    "username": {"type": "string", "example": "ada"},
                    "password": {"type": "string", "format": "password"},
                },
            }
        ),
        responses=[
            a_response(
                "200",
                {
                    "type": "object",
                    "properties": {"token": {"type": "string"}, "expiresIn": {"type": "integer"}},
                },
            ),
            a_response("401"),
        ],
    )
    return a_specification(
        login,
        an_endpoint(
            "GET",
            "/pets",
            operation_id="listPets",
            summary="List pets",
            tags=["pets"],
            parameters=[
                a_parameter("limit", type="integer", minimum=1, maximum=100),
                a_parameter("status", type="string", enum=["available", "pending", "sold"]),
            ],
            responses=[a_response("200", {"type": "array", "items": PET})],
            security=secured,
        ),
        an_endpoint(
            "POST",
            "/pets",
            operation_id="createPet",
            summary="Create a pet",
            tags=["pets"],
            request_body=a_body(NEW_PET),
            responses=[
                a_response("201", PET, headers={"Location": {"schema": {"type": "string"}}}),
                a_response("400"),
                a_response("401"),
            ],
            security=secured,
        ),
        an_endpoint(
            "GET",
            "/pets/{petId}",
            operation_id="getPet",
            summary="Get a pet",
            tags=["pets"],
            responses=[a_response("200", PET), a_response("404")],
            security=secured,
        ),
        an_endpoint(
            "PUT",
            "/pets/{petId}",
            operation_id="updatePet",
            summary="Update a pet",
            tags=["pets"],
            request_body=a_body(NEW_PET),
            responses=[a_response("200", PET), a_response("400"), a_response("404")],
            security=secured,
        ),
        an_endpoint(
            "DELETE",
            "/pets/{petId}",
            operation_id="deletePet",
            summary="Delete a pet",
            tags=["pets"],
            responses=[a_response("204"), a_response("404")],
            security=secured,
        ),
        an_endpoint(
            "GET",
            "/pets/{petId}/photos",
            operation_id="listPhotos",
            summary="List photos of a pet",
            tags=["pets"],
            responses=[a_response("200", {"type": "array", "items": {"type": "string"}})],
            security=secured,
        ),
        security_schemes=[BEARER],
    )

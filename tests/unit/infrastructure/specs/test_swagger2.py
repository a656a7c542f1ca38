"""The reader of Swagger 2.0 documents."""

from pathlib import Path
from typing import Any

import pytest

from domain.specifications.errors import SpecParseError
from domain.specifications.parsed import (
    ParsedEndpoint,
    ParsedSecurityRequirement,
    ParsedSecurityScheme,
    ParsedSpecification,
    ParseIssue,
    SourceType,
)
from infrastructure.specs.loader import load_document
from infrastructure.specs.swagger2 import parse_swagger2

FIXTURES = Path(__file__).parents[3] / "fixtures" / "specs"

CATEGORY = {
    "type": "object",
    "properties": {"id": {"type": "integer", "format": "int64"}, "name": {"type": "string"}},
}
PET = {
    "type": "object",
    "required": ["name", "photoUrls"],
    "properties": {
        "id": {"type": "integer", "format": "int64"},
        "category": CATEGORY,
        "name": {"type": "string", "example": "doggie"},
        "photoUrls": {"type": "array", "items": {"type": "string"}},
        "status": {"type": "string", "enum": ["available", "pending", "sold"]},
    },
}


@pytest.fixture(scope="module")
def petstore() -> ParsedSpecification:
    return parse_swagger2(load_document((FIXTURES / "petstore-swagger-2.0.json").read_text()))


def endpoint(specification: ParsedSpecification, method: str, path: str) -> ParsedEndpoint:
    return next(e for e in specification.endpoints if (e.method, e.path) == (method, path))


def parameter_rows(found: ParsedEndpoint) -> list[tuple[Any, ...]]:
    return [
        (p.name, p.location.value, p.data_type, p.format, p.required, p.default)
        for p in found.parameters
    ]


class TestPetstoreSwagger2:
    def test_reads_the_document_information(self, petstore: ParsedSpecification) -> None:
        assert petstore.source_type is SourceType.Swagger20
        assert (petstore.title, petstore.version) == ("Swagger Petstore", "1.0.7")
        assert petstore.issues == []

    def test_builds_servers_from_schemes_host_and_base_path(
        self, petstore: ParsedSpecification
    ) -> None:
        assert petstore.servers == [
            "https://petstore.swagger.io/v2",
            "http://petstore.swagger.io/v2",
        ]

    def test_reads_every_operation(self, petstore: ParsedSpecification) -> None:
        assert [(e.method, e.path, e.operation_id) for e in petstore.endpoints] == [
            ("POST", "/pet", "addPet"),
            ("GET", "/pet/findByStatus", "findPetsByStatus"),
            ("GET", "/pet/{petId}", "getPetById"),
            ("POST", "/pet/{petId}", "updatePetWithForm"),
            ("POST", "/pet/{petId}/uploadImage", "uploadFile"),
            ("GET", "/user/login", "loginUser"),
        ]

    def test_reads_security_definitions_in_openapi_3_terms(
        self, petstore: ParsedSpecification
    ) -> None:
        assert petstore.security_schemes == [
            ParsedSecurityScheme("basicAuth", "http", scheme="basic"),
            ParsedSecurityScheme("api_key", "apiKey", in_="header", parameter_name="api_key"),
            ParsedSecurityScheme(
                "petstore_auth",
                "oauth2",
                configuration={
                    "flows": {
                        "implicit": {
                            "authorizationUrl": "https://petstore.swagger.io/oauth/authorize",
                            "scopes": {
                                "read:pets": "read your pets",
                                "write:pets": "modify pets in your account",
                            },
                        }
                    }
                },
            ),
        ]

    def test_turns_a_body_parameter_into_the_request_body(
        self, petstore: ParsedSpecification
    ) -> None:
        found = endpoint(petstore, "POST", "/pet")

        assert found.request_body is not None
        assert found.request_body.content_type == "application/json"
        assert found.request_body.content_types == ["application/json", "application/xml"]
        assert found.request_body.schema == PET
        assert found.request_body.description == ("Pet object that needs to be added to the store")
        assert parameter_rows(found) == [("body", "body", "object", "", True, None)]
        assert found.security == [
            ParsedSecurityRequirement("petstore_auth", "oauth2", ["write:pets", "read:pets"])
        ]

    def test_reads_simple_parameters_as_schemas(self, petstore: ParsedSpecification) -> None:
        found = endpoint(petstore, "GET", "/pet/findByStatus")

        assert parameter_rows(found) == [
            ("status", "query", "array", "", True, None),
            ("limit", "query", "integer", "", False, 10),
        ]
        assert found.parameters[0].schema == {
            "type": "array",
            "items": {
                "type": "string",
                "enum": ["available", "pending", "sold"],
                "default": "available",
            },
            "collectionFormat": "multi",
        }
        assert found.parameters[1].schema == {
            "type": "integer",
            "minimum": 1,
            "maximum": 50,
            "default": 10,
        }

    def test_reads_responses_with_produces_headers_and_examples(
        self, petstore: ParsedSpecification
    ) -> None:
        ok, bad = endpoint(petstore, "GET", "/pet/findByStatus").responses

        assert (ok.status_code, ok.content_type, ok.content_types) == (
            "200",
            "application/json",
            ["application/json", "application/xml"],
        )
        assert ok.schema == {"type": "array", "items": PET}
        assert ok.headers == {
            "X-Rate-Limit": {
                "description": "calls per hour",
                "schema": {"type": "integer", "format": "int32"},
                "data_type": "integer",
            }
        }
        assert ok.examples == {"application/json": [{"id": 1, "name": "doggie", "photoUrls": []}]}
        assert (bad.status_code, bad.description, bad.content_type, bad.schema) == (
            "400",
            "Invalid status value",
            "",
            {},
        )

    def test_reads_a_shared_path_parameter_by_reference(
        self, petstore: ParsedSpecification
    ) -> None:
        found = endpoint(petstore, "GET", "/pet/{petId}")

        assert parameter_rows(found) == [("petId", "path", "integer", "int64", True, None)]
        assert found.parameters[0].description == "ID of the pet"
        assert found.security == [ParsedSecurityRequirement("api_key", "apiKey")]

    def test_turns_form_data_into_an_urlencoded_body(self, petstore: ParsedSpecification) -> None:
        found = endpoint(petstore, "POST", "/pet/{petId}")

        assert found.request_body is not None
        assert found.request_body.content_type == "application/x-www-form-urlencoded"
        assert found.request_body.schema == {
            "type": "object",
            "properties": {
                "name": {"type": "string", "description": "Updated name of the pet"},
                "status": {"type": "string"},
            },
            "required": ["name"],
        }
        assert parameter_rows(found) == [
            ("petId", "path", "integer", "int64", True, None),
            ("body", "body", "object", "", True, None),
        ]
        assert found.security == [ParsedSecurityRequirement("basicAuth", "http")]

    def test_turns_a_file_upload_into_a_multipart_body(self, petstore: ParsedSpecification) -> None:
        found = endpoint(petstore, "POST", "/pet/{petId}/uploadImage")

        assert found.request_body is not None
        assert found.request_body.content_type == "multipart/form-data"
        assert found.request_body.schema == {
            "type": "object",
            "properties": {
                "additionalMetadata": {"type": "string"},
                "file": {"type": "string", "format": "binary"},
            },
            "required": ["file"],
        }

    def test_reads_header_defaults_and_no_security(self, petstore: ParsedSpecification) -> None:
        found = endpoint(petstore, "GET", "/user/login")

        assert parameter_rows(found) == [
            ("username", "query", "string", "", True, None),
            ("password", "query", "string", "password", True, None),
            ("X-Client", "header", "string", "", False, "testament"),
        ]
        assert found.security == []
        assert found.responses[0].headers["X-Expires-After"]["schema"] == {
            "type": "string",
            "format": "date-time",
        }


class TestParseSwagger2:
    def test_refuses_another_swagger_version(self) -> None:
        with pytest.raises(SpecParseError) as caught:
            parse_swagger2({"swagger": "1.2", "apis": []})

        assert caught.value.issues == [
            ParseIssue("/swagger", "Swagger version '1.2' is not supported")
        ]

    def test_uses_only_the_base_path_without_a_host(self) -> None:
        spec = parse_swagger2({"swagger": "2.0", "basePath": "api", "paths": {}})

        assert spec.servers == ["/api"]

    def test_notes_form_data_ignored_next_to_a_body(self) -> None:
        spec = parse_swagger2(
            {
                "swagger": "2.0",
                "paths": {
                    "/a": {
                        "post": {
                            "parameters": [
                                {"name": "b", "in": "body", "schema": {"type": "object"}},
                                {"name": "f", "in": "formData", "type": "string"},
                            ],
                            "responses": {"200": {"description": "ok"}},
                        }
                    }
                },
            }
        )

        assert spec.issues == [
            ParseIssue(
                "/paths/~1a/post/parameters/1",
                "formData parameters are ignored next to a body parameter",
            )
        ]
        assert spec.endpoints[0].request_body is not None
        assert spec.endpoints[0].request_body.schema == {"type": "object"}

    def test_lists_broken_parameters_and_responses_by_pointer(self) -> None:
        spec = parse_swagger2(
            {
                "swagger": "2.0",
                "paths": {
                    "/a": {
                        "get": {
                            "parameters": [{"name": "x", "in": "cookie"}],
                            "responses": {"2XX": {"description": "range"}, "200": "ok"},
                        }
                    }
                },
            }
        )

        assert spec.issues == [
            ParseIssue(
                "/paths/~1a/get/parameters/0", "parameter 'x' has an invalid location 'cookie'"
            ),
            ParseIssue("/paths/~1a/get/responses/2XX", "'2XX' is not a status code"),
            ParseIssue(
                "/paths/~1a/get/responses/200", "a response must be an object, not a string"
            ),
        ]
        assert [(e.method, e.path) for e in spec.endpoints] == [("GET", "/a")]


class TestTypesThatAreNotTypes:
    def test_an_unknown_parameter_type_is_an_issue_naming_what_it_is_read_as(self) -> None:
        document = {
            "swagger": "2.0",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/items": {
                    "get": {
                        "parameters": [
                            {"name": "count", "in": "query", "type": "int"},
                            {"name": "kind", "in": "query", "type": "widget"},
                        ],
                        "responses": {"200": {"description": "ok"}},
                    }
                }
            },
        }

        issues = parse_swagger2(document).issues

        assert (
            ParseIssue(
                "/paths/~1items/get/parameters/0/type",
                "type 'int' is not a type (string, number, integer, boolean, array, object, null);"
                " it is read as 'integer'",
            )
            in issues
        )
        assert any(
            issue.location == "/paths/~1items/get/parameters/1/type"
            and "the value is left untyped" in issue.message
            for issue in issues
        )

"""The reader of OpenAPI 3.0 and 3.1 documents."""

from pathlib import Path
from typing import Any

import pytest

from domain.specifications.errors import SpecParseError
from domain.specifications.parsed import (
    ParameterLocation,
    ParsedEndpoint,
    ParsedSecurityRequirement,
    ParsedSecurityScheme,
    ParsedSpecification,
    ParseIssue,
    SourceType,
)
from infrastructure.specs.loader import load_document
from infrastructure.specs.openapi3 import parse_openapi3
from infrastructure.specs.refs import external_reference

FIXTURES = Path(__file__).parents[3] / "fixtures" / "specs"


def fixture(name: str) -> ParsedSpecification:
    return parse_openapi3(load_document((FIXTURES / name).read_text()))


def endpoint(specification: ParsedSpecification, method: str, path: str) -> ParsedEndpoint:
    return next(e for e in specification.endpoints if (e.method, e.path) == (method, path))


def parameter_rows(found: ParsedEndpoint) -> list[tuple[Any, ...]]:
    return [
        (p.name, p.location.value, p.data_type, p.format, p.required, p.default)
        for p in found.parameters
    ]


def response_rows(found: ParsedEndpoint) -> list[tuple[str, str, str]]:
    return [(r.status_code, r.description, r.content_type) for r in found.responses]


NEW_PET = {
    "type": "object",
    "required": ["name", "species"],
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 50},
        "species": {"type": "string", "enum": ["cat", "dog", "bird"]},
        "birthDate": {"type": "string", "format": "date"},
        "nickname": {"type": "string", "nullable": True},
    },
}
PET = {
    "type": "object",
    "required": ["id", "name", "species"],
    "properties": {
        "id": {"type": "integer", "format": "int64"},
        "name": {"type": "string"},
        "species": {"type": "string"},
    },
}
ERROR = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {"code": {"type": "integer"}, "message": {"type": "string"}},
}
BEARER = ParsedSecurityRequirement("bearerAuth", "http")


@pytest.fixture(scope="module")
def petstore() -> ParsedSpecification:
    return fixture("petstore-3.0.yaml")


@pytest.fixture(scope="module")
def library() -> ParsedSpecification:
    return fixture("library-3.1.json")


class TestPetstore30:
    def test_reads_the_document_information(self, petstore: ParsedSpecification) -> None:
        assert petstore.source_type is SourceType.OpenApi30
        assert (petstore.title, petstore.version) == ("Petstore", "1.2.0")
        assert petstore.description == "Pets for sale, with owners who log in."
        assert petstore.issues == []

    def test_fills_server_variables_with_their_defaults(
        self, petstore: ParsedSpecification
    ) -> None:
        assert petstore.servers == [
            "https://api.petstore.example.com/v1",
            "http://localhost:8080/v1",
        ]

    def test_reads_every_operation_in_document_order(self, petstore: ParsedSpecification) -> None:
        assert [(e.method, e.path, e.operation_id) for e in petstore.endpoints] == [
            ("POST", "/auth/login", "login"),
            ("GET", "/pets", "listPets"),
            ("POST", "/pets", "createPet"),
            ("GET", "/pets/{petId}", "getPetById"),
            ("PUT", "/pets/{petId}", "updatePet"),
            ("DELETE", "/pets/{petId}", "deletePet"),
        ]

    def test_reads_query_filters_with_their_types_and_defaults(
        self, petstore: ParsedSpecification
    ) -> None:
        found = endpoint(petstore, "GET", "/pets")

        assert parameter_rows(found) == [
            ("limit", "query", "integer", "", False, 20),
            ("status", "query", "string", "", False, "available"),
            ("tags", "query", "array", "", False, None),
            ("X-Request-ID", "header", "string", "uuid", False, None),
        ]
        limit, status, tags, request_id = found.parameters
        assert limit.schema == {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}
        assert limit.description == "How many pets to return"
        assert status.schema["enum"] == ["available", "pending", "sold"]
        assert tags.schema == {"type": "array", "items": {"type": "string"}}
        assert request_id.examples == ["3fa85f64-5717-4562-b3fc-2c963f66afa6"]

    def test_reads_responses_with_headers_and_named_examples(
        self, petstore: ParsedSpecification
    ) -> None:
        found = endpoint(petstore, "GET", "/pets")

        assert response_rows(found) == [
            ("200", "A page of pets", "application/json"),
            ("400", "The request is malformed", "application/json"),
        ]
        ok, bad = found.responses
        assert ok.schema == {"type": "array", "items": PET}
        assert ok.headers == {
            "X-Total-Count": {
                "description": "Number of pets matching the filters",
                "schema": {"type": "integer"},
                "data_type": "integer",
            }
        }
        assert ok.examples == {
            "two-cats": [
                {"id": 1, "name": "Tom", "species": "cat"},
                {"id": 2, "name": "Felix", "species": "cat"},
            ]
        }
        assert bad.schema == ERROR

    def test_reads_a_referenced_request_body_and_lists_it_as_a_parameter(
        self, petstore: ParsedSpecification
    ) -> None:
        found = endpoint(petstore, "POST", "/pets")

        assert found.request_body is not None
        assert found.request_body.content_type == "application/json"
        assert found.request_body.content_types == ["application/json", "application/xml"]
        assert found.request_body.required is True
        assert found.request_body.schema == NEW_PET
        assert parameter_rows(found) == [("body", "body", "object", "", True, None)]
        assert found.parameters[0].schema == NEW_PET

    def test_reads_a_link_from_the_created_response(self, petstore: ParsedSpecification) -> None:
        found = endpoint(petstore, "POST", "/pets")

        assert found.links == {
            "201/GetCreatedPet": {
                "operationId": "getPetById",
                "parameters": {"petId": "$response.body#/id"},
            }
        }
        assert found.responses[0].headers["Location"]["required"] is True

    def test_merges_path_level_parameters_with_the_operation_winning(
        self, petstore: ParsedSpecification
    ) -> None:
        get = endpoint(petstore, "GET", "/pets/{petId}")
        put = endpoint(petstore, "PUT", "/pets/{petId}")

        assert get.parameters[0].description == "The pet's id"
        assert get.parameters[0].schema == {"type": "integer", "format": "int64"}
        assert parameter_rows(put) == [
            ("petId", "path", "integer", "int64", True, None),
            ("body", "body", "object", "", True, None),
        ]
        assert put.parameters[0].description == "The pet to replace"
        assert put.parameters[0].schema["minimum"] == 1

    def test_applies_global_security_unless_an_operation_sets_its_own(
        self, petstore: ParsedSpecification
    ) -> None:
        assert endpoint(petstore, "GET", "/pets").security == [BEARER]
        assert endpoint(petstore, "DELETE", "/pets/{petId}").security == [
            ParsedSecurityRequirement("apiKey", "apiKey")
        ]

    def test_reads_an_empty_security_list_as_no_security(
        self, petstore: ParsedSpecification
    ) -> None:
        login = endpoint(petstore, "POST", "/auth/login")

        assert login.security == []
        assert login.security_optional is False

    def test_reads_the_login_operation_that_returns_a_token(
        self, petstore: ParsedSpecification
    ) -> None:
        login = endpoint(petstore, "POST", "/auth/login")

        assert login.tags == ["auth"]
        assert login.request_body is not None
        assert login.request_body.examples == [{"username": "alice", "password": "wonderland"}]
        assert login.request_body.schema["required"] == ["username", "password"]
        assert response_rows(login) == [
            ("200", "A bearer token", "application/json"),
            ("401", "Wrong credentials", ""),
        ]
        assert login.responses[0].schema["properties"]["access_token"] == {"type": "string"}

    def test_reads_both_security_schemes(self, petstore: ParsedSpecification) -> None:
        assert petstore.security_schemes == [
            ParsedSecurityScheme("bearerAuth", "http", scheme="bearer", bearer_format="JWT"),
            ParsedSecurityScheme("apiKey", "apiKey", in_="header", parameter_name="X-API-Key"),
        ]

    def test_keeps_extensions_of_an_operation(self, petstore: ParsedSpecification) -> None:
        assert endpoint(petstore, "DELETE", "/pets/{petId}").extensions == {"x-audit": True}


class TestLibrary31:
    def test_reads_a_31_document_without_issues(self, library: ParsedSpecification) -> None:
        assert library.source_type is SourceType.OpenApi31
        assert (library.title, library.version, library.servers) == (
            "Library",
            "2024-06",
            ["https://library.example.org/api"],
        )
        assert [(e.method, e.path) for e in library.endpoints] == [
            ("GET", "/categories"),
            ("GET", "/books/{isbn}"),
        ]
        assert library.issues == []

    def test_joins_type_lists_with_null(self, library: ParsedSpecification) -> None:
        assert parameter_rows(endpoint(library, "GET", "/categories")) == [
            ("root", "query", "string|null", "", False, None)
        ]

    def test_reads_a_parameter_given_as_content(self, library: ParsedSpecification) -> None:
        isbn, filter_ = endpoint(library, "GET", "/books/{isbn}").parameters

        assert (isbn.name, isbn.location, isbn.required) == ("isbn", ParameterLocation.Path, True)
        assert isbn.schema == {"type": "string", "pattern": "^[0-9]{13}$"}
        assert (filter_.name, filter_.data_type, filter_.content_type) == (
            "filter",
            "object",
            "application/json",
        )
        assert filter_.examples == [{"edition": 2}]

    def test_expands_a_recursive_tree_once_with_its_defs_and_const(
        self, library: ParsedSpecification
    ) -> None:
        tree = endpoint(library, "GET", "/categories").responses[0].schema["items"]

        assert tree["properties"]["kind"] == {"const": "category"}
        assert tree["properties"]["parent"] == {"type": ["integer", "null"], "minimum": 1}
        assert tree["properties"]["children"] == {
            "type": "array",
            "items": {"$ref": "#/components/schemas/Category"},
        }
        assert library.schemas == {"#/components/schemas/Category": tree}

    def test_reads_status_ranges_and_problem_json(self, library: ParsedSpecification) -> None:
        found = endpoint(library, "GET", "/books/{isbn}")

        assert response_rows(found) == [
            ("200", "The book", "application/json"),
            ("4XX", "Not for you", "application/problem+json"),
        ]
        assert found.responses[0].schema["properties"]["subtitle"] == {"type": ["string", "null"]}


def minimal(paths: Any, **extra: Any) -> dict[str, Any]:
    return {"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": paths, **extra}


class TestParseOpenApi3:
    def test_keeps_good_operations_and_lists_broken_ones_by_pointer(self) -> None:
        spec = parse_openapi3(
            minimal(
                {
                    "/pets": {"get": {"responses": {"200": {"description": "ok"}}}, "post": 42},
                    "pets": {"get": {}},
                    "/owners/{id}": {
                        "get": {
                            "parameters": [
                                {"in": "query", "schema": {"type": "string"}},
                                {"name": "q", "in": "body"},
                                {"$ref": "#/components/parameters/Missing"},
                            ],
                            "responses": {"abc": {"description": "?"}},
                        }
                    },
                }
            )
        )

        assert [(e.method, e.path) for e in spec.endpoints] == [
            ("GET", "/pets"),
            ("GET", "/owners/{id}"),
        ]
        assert spec.issues == [
            ParseIssue("/paths/~1pets/post", "an operation must be an object"),
            ParseIssue("/paths/pets", "path 'pets' must start with '/'"),
            ParseIssue("/paths/~1owners~1{id}/get/parameters/0", "a parameter needs a name"),
            ParseIssue(
                "/paths/~1owners~1{id}/get/parameters/1",
                "parameter 'q' has an invalid location 'body'",
            ),
            ParseIssue(
                "/paths/~1owners~1{id}/get/parameters/2",
                "reference '#/components/parameters/Missing' points at nothing",
            ),
            ParseIssue("/paths/~1owners~1{id}/get/responses/abc", "'abc' is not a status code"),
            ParseIssue("/paths/~1owners~1{id}/get", "path parameter 'id' is not declared"),
        ]
        assert parameter_rows(spec.endpoints[1]) == [("id", "path", "string", "", True, None)]

    def test_reports_an_external_ref_naming_it(self) -> None:
        spec = parse_openapi3(
            minimal(
                {
                    "/a": {
                        "get": {
                            "responses": {
                                "200": {
                                    "description": "ok",
                                    "content": {
                                        "application/json": {"schema": {"$ref": "models.yaml#/Pet"}}
                                    },
                                }
                            }
                        }
                    }
                }
            )
        )

        assert spec.issues == [
            ParseIssue(
                "/paths/~1a/get/responses/200/content/application~1json/schema",
                external_reference("models.yaml#/Pet"),
            )
        ]
        assert spec.endpoints[0].responses[0].schema == {"$ref": "models.yaml#/Pet"}

    def test_reads_optional_security_and_alternatives(self) -> None:
        spec = parse_openapi3(
            minimal(
                {"/a": {"get": {"security": [{}, {"key": []}, {"oauth": ["read", "write"]}]}}},
                components={
                    "securitySchemes": {
                        "key": {"type": "apiKey", "in": "query", "name": "k"},
                        "oauth": {
                            "type": "oauth2",
                            "flows": {
                                "clientCredentials": {
                                    "tokenUrl": "https://auth.example.com/token",
                                    "scopes": {"read": "", "write": ""},
                                }
                            },
                        },
                    }
                },
            )
        )

        found = spec.endpoints[0]
        assert found.security_optional is True
        assert found.security == [
            ParsedSecurityRequirement("key", "apiKey", [], 1),
            ParsedSecurityRequirement("oauth", "oauth2", ["read", "write"], 2),
        ]

    def test_ignores_headers_the_specification_says_to_ignore(self) -> None:
        spec = parse_openapi3(
            minimal(
                {
                    "/a": {
                        "get": {
                            "parameters": [
                                {"name": "Authorization", "in": "header"},
                                {"name": "Content-Type", "in": "header"},
                                {"name": "X-Trace", "in": "header"},
                            ]
                        }
                    }
                }
            )
        )

        assert [p.name for p in spec.endpoints[0].parameters] == ["X-Trace"]

    def test_flags_duplicate_operation_ids(self) -> None:
        spec = parse_openapi3(
            minimal({"/a": {"get": {"operationId": "x"}, "put": {"operationId": "x"}}})
        )

        assert spec.issues == [
            ParseIssue("/paths/~1a/put/operationId", "duplicate operationId 'x'")
        ]

    def test_refuses_an_unsupported_version(self) -> None:
        with pytest.raises(SpecParseError) as caught:
            parse_openapi3({"openapi": "2.5", "paths": {}})

        assert caught.value.issues == [
            ParseIssue("/openapi", "OpenAPI version '2.5' is not supported")
        ]

    def test_reads_a_later_3x_version_as_31_with_an_issue(self) -> None:
        spec = parse_openapi3({"openapi": "3.2.0", "paths": {}})

        assert spec.source_type is SourceType.OpenApi31
        assert spec.issues == [ParseIssue("/openapi", "OpenAPI 3.2.0 is read as 3.1")]

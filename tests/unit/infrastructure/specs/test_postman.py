"""The reader of Postman collections v2.0 and v2.1."""

from pathlib import Path
from typing import Any

import pytest

from domain.specifications.errors import SpecParseError
from domain.specifications.parsed import (
    ParsedEndpoint,
    ParsedScript,
    ParsedSecurityRequirement,
    ParsedSecurityScheme,
    ParsedSpecification,
    ParseIssue,
    SourceType,
)
from infrastructure.specs.loader import load_document
from infrastructure.specs.postman import parse_postman, postman_schema_version

FIXTURES = Path(__file__).parents[3] / "fixtures" / "specs"
V21 = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
COLLECTION_SCRIPT = ParsedScript(
    "collection",
    "prerequest",
    "pm.request.headers.add({key: 'X-Trace', value: pm.variables.replaceIn('{{$guid}}')});",
)
FOLDER_SCRIPT = ParsedScript("Pets", "test", "pm.test('ok', () => pm.response.to.be.success);")


def load(name: str) -> ParsedSpecification:
    return parse_postman(load_document((FIXTURES / name).read_text()))


@pytest.fixture(scope="module")
def shop() -> ParsedSpecification:
    return load("petshop.postman_collection-2.1.json")


@pytest.fixture(scope="module")
def weather() -> ParsedSpecification:
    return load("weather.postman_collection-2.0.json")


def named(specification: ParsedSpecification, summary: str) -> ParsedEndpoint:
    return next(e for e in specification.endpoints if e.summary == summary)


def parameter_rows(found: ParsedEndpoint) -> list[tuple[Any, ...]]:
    return [
        (p.name, p.location.value, p.data_type, p.required, p.examples) for p in found.parameters
    ]


class TestPetShopCollection21:
    def test_reads_the_collection_information(self, shop: ParsedSpecification) -> None:
        assert shop.source_type is SourceType.Postman
        assert (shop.title, shop.version) == ("Pet Shop", "1.4.2")
        assert shop.description == "Requests the shop's front end sends."
        assert shop.servers == ["{{baseUrl}}"]
        assert shop.issues == []

    def test_keeps_collection_variables_without_secret_values(
        self, shop: ParsedSpecification
    ) -> None:
        assert shop.variables == {
            "baseUrl": "https://shop.example.com/api",
            "accessToken": None,
            "petId": "7",
        }

    def test_reads_every_request_with_folder_names_as_tags(self, shop: ParsedSpecification) -> None:
        assert [(e.method, e.path, e.summary, e.tags) for e in shop.endpoints] == [
            ("POST", "/auth/login", "Log in", ["Auth"]),
            ("GET", "/pets", "List pets", ["Pets"]),
            ("POST", "/pets", "Create pet", ["Pets"]),
            ("GET", "/pets/{petId}/owners/{ownerId}", "Get pet", ["Pets", "Admin"]),
            ("PUT", "/pets/{petId}/photo", "Upload photo", ["Pets", "Admin"]),
        ]
        assert [e.operation_id for e in shop.endpoints] == ["a1", "p1", "p2", "p3", "p4"]

    def test_turns_auth_into_schemes_keeping_only_placeholders(
        self, shop: ParsedSpecification
    ) -> None:
        assert shop.security_schemes == [
            ParsedSecurityScheme(
                "bearerAuth", "http", scheme="bearer", configuration={"token": "{{accessToken}}"}
            ),
            ParsedSecurityScheme(
                "apiKeyAuth",
                "apiKey",
                in_="header",
                parameter_name="X-Admin-Key",
                configuration={"value": "{{adminKey}}"},
            ),
        ]

    def test_inherits_auth_from_collection_and_folders(self, shop: ParsedSpecification) -> None:
        bearer = [ParsedSecurityRequirement("bearerAuth", "http")]
        admin = [ParsedSecurityRequirement("apiKeyAuth", "apiKey")]

        assert [e.security for e in shop.endpoints] == [[], bearer, bearer, admin, admin]

    def test_reads_query_parameters_and_headers_as_optional(
        self, shop: ParsedSpecification
    ) -> None:
        assert parameter_rows(named(shop, "List pets")) == [
            ("limit", "query", "string", False, ["10"]),
            ("species", "query", "string", False, ["{{species}}"]),
            ("sort", "query", "string", False, ["name"]),
            ("Accept", "header", "string", False, ["application/json"]),
        ]

    def test_turns_colon_and_variable_segments_into_path_parameters(
        self, shop: ParsedSpecification
    ) -> None:
        found = named(shop, "Get pet")

        assert parameter_rows(found) == [
            ("petId", "path", "string", True, ["42"]),
            ("ownerId", "path", "string", True, []),
        ]
        assert found.servers == ["{{baseUrl}}"]

    def test_takes_path_examples_from_collection_variables(self, shop: ParsedSpecification) -> None:
        assert parameter_rows(named(shop, "Upload photo"))[0] == (
            "petId",
            "path",
            "string",
            True,
            ["7"],
        )

    def test_reads_an_urlencoded_body_without_disabled_fields(
        self, shop: ParsedSpecification
    ) -> None:
        body = named(shop, "Log in").request_body

        assert body is not None
        assert body.content_type == "application/x-www-form-urlencoded"
        assert body.schema == {
            "type": "object",
            "properties": {"username": {"type": "string"}, "password": {"type": "string"}},
        }
        assert body.examples == [{"username": "alice", "password": "{{password}}"}]

    def test_reads_a_raw_json_body_with_bare_placeholders(self, shop: ParsedSpecification) -> None:
        found = named(shop, "Create pet")

        assert found.request_body is not None
        assert found.request_body.content_type == "application/json"
        assert found.request_body.examples == [
            {"name": "Tom", "species": "{{species}}", "age": "{{age}}"}
        ]
        assert found.request_body.schema == {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "species": {"type": "string"},
                "age": {"type": "string"},
            },
        }
        assert parameter_rows(found) == [
            (
                "body",
                "body",
                "object",
                True,
                [{"name": "Tom", "species": "{{species}}", "age": "{{age}}"}],
            )
        ]

    def test_reads_a_form_data_body_with_a_file(self, shop: ParsedSpecification) -> None:
        body = named(shop, "Upload photo").request_body

        assert body is not None
        assert body.content_type == "multipart/form-data"
        assert body.schema == {
            "type": "object",
            "properties": {
                "caption": {"type": "string"},
                "photo": {"type": "string", "format": "binary"},
            },
        }
        assert body.examples == [{"caption": "On the sofa", "photo": "/home/alice/tom.jpg"}]

    def test_turns_saved_examples_into_responses(self, shop: ParsedSpecification) -> None:
        created, missing = named(shop, "Create pet").responses

        assert (created.status_code, created.description, created.content_type) == (
            "201",
            "Created",
            "application/json",
        )
        assert created.examples == {
            "Created": {"id": 42, "name": "Tom", "species": "cat", "age": 3}
        }
        assert created.schema == {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "species": {"type": "string"},
                "age": {"type": "integer"},
            },
        }
        assert created.headers == {
            "Location": {"schema": {"type": "string"}, "example": "/pets/42"}
        }
        assert (missing.status_code, missing.examples) == (
            "400",
            {"Missing name": {"error": "name is required"}},
        )

    def test_keeps_scripts_as_text_in_running_order(self, shop: ParsedSpecification) -> None:
        assert named(shop, "Log in").scripts == [
            COLLECTION_SCRIPT,
            ParsedScript(
                "request",
                "test",
                "const body = pm.response.json();\n"
                "pm.collectionVariables.set('accessToken', body.token);",
            ),
        ]
        assert named(shop, "Get pet").scripts == [COLLECTION_SCRIPT, FOLDER_SCRIPT]

    def test_keeps_folder_variables_on_the_endpoints_inside(
        self, shop: ParsedSpecification
    ) -> None:
        assert named(shop, "Log in").variables == {}
        assert named(shop, "Get pet").variables == {"species": "cat"}


class TestWeatherCollection20:
    def test_reads_the_collection_information(self, weather: ParsedSpecification) -> None:
        assert (weather.title, weather.version, weather.description) == (
            "Weather",
            "",
            "Forecasts by city.",
        )
        assert weather.servers == ["http://weather.example.com:8080"]
        assert weather.issues == []

    def test_reads_string_urls_and_string_headers(self, weather: ParsedSpecification) -> None:
        found = named(weather, "Forecast for a city")

        assert (found.method, found.path, found.description) == (
            "GET",
            "/v1/cities/{city}/forecast",
            "Three days ahead by default.",
        )
        assert parameter_rows(found) == [
            ("city", "path", "string", True, []),
            ("days", "query", "string", False, ["3"]),
            ("Accept", "header", "string", False, ["application/json"]),
            ("X-Units", "header", "string", False, ["metric"]),
        ]

    def test_reads_a_request_given_as_a_bare_url(self, weather: ParsedSpecification) -> None:
        found = named(weather, "Health")

        assert (found.method, found.path, found.parameters) == ("GET", "/health", [])

    def test_reads_v20_auth_objects_and_drops_literal_passwords(
        self, weather: ParsedSpecification
    ) -> None:
        assert weather.security_schemes == [
            ParsedSecurityScheme(
                "basicAuth", "http", scheme="basic", configuration={"username": "{{user}}"}
            )
        ]
        assert [e.security for e in weather.endpoints] == [
            [ParsedSecurityRequirement("basicAuth", "http")],
            [ParsedSecurityRequirement("basicAuth", "http")],
            [],
        ]

    def test_reads_a_url_object_with_a_string_path(self, weather: ParsedSpecification) -> None:
        found = named(weather, "Report an observation")

        assert (found.method, found.path) == ("POST", "/v1/observations")
        assert found.request_body is not None
        assert found.request_body.examples == [{"city": "Oslo", "temperature": -3.5}]

    def test_reads_saved_example_numbers(self, weather: ParsedSpecification) -> None:
        (response,) = named(weather, "Forecast for a city").responses

        assert response.schema["properties"]["days"] == {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"max": {"type": "number"}, "min": {"type": "integer"}},
            },
        }


class TestPostmanSchemaVersion:
    @pytest.mark.parametrize(
        ("schema", "version"),
        [
            (V21, "2.1"),
            ("https://schema.getpostman.com/json/collection/v2.0.0/collection.json", "2.0"),
            ("https://schema.postman.com/json/collection/v2.1.0/collection.json", "2.1"),
        ],
    )
    def test_recognises_v20_and_v21(self, schema: str, version: str) -> None:
        assert postman_schema_version({"info": {"schema": schema}, "item": []}) == version

    def test_refuses_an_unknown_schema_version(self) -> None:
        schema = "https://schema.getpostman.com/json/collection/v3.0.0/collection.json"

        with pytest.raises(SpecParseError) as caught:
            parse_postman({"info": {"name": "x", "schema": schema}, "item": []})

        assert caught.value.issues == [
            ParseIssue(
                "/info/schema",
                f"Postman collection schema '{schema}' is not supported: expected v2.0 or v2.1",
            )
        ]

    def test_refuses_a_v1_collection_clearly(self) -> None:
        with pytest.raises(SpecParseError) as caught:
            parse_postman({"id": "1", "name": "Old", "order": [], "requests": []})

        assert caught.value.issues == [
            ParseIssue("/", "Postman collection format v1 is not supported: export it as v2.1")
        ]


class TestParsePostman:
    def test_lists_items_that_are_neither_folders_nor_requests(self) -> None:
        spec = parse_postman(
            {
                "info": {"name": "x", "schema": V21},
                "item": [
                    {"name": "odd"},
                    {"name": "ok", "request": {"method": "delete", "url": "https://h/x"}},
                    {"name": "bad", "request": 42},
                ],
            }
        )

        assert [(e.method, e.path) for e in spec.endpoints] == [("DELETE", "/x")]
        assert spec.issues == [
            ParseIssue("/item/0", "an item must be a folder or a request"),
            ParseIssue("/item/2/request", "a request must be an object or a URL"),
        ]

    def test_keeps_the_first_of_two_requests_on_one_endpoint_and_names_the_other(self) -> None:
        spec = parse_postman(
            {
                "info": {"name": "x", "schema": V21},
                "item": [
                    {"name": "one", "request": "https://h/x"},
                    {"name": "two", "request": "https://h/x"},
                ],
            }
        )

        assert [e.summary for e in spec.endpoints] == ["one"]
        assert [(i.location, i.message) for i in spec.issues] == [
            ("/item/1", "repeats GET /x of the request at /item/0; the first is kept")
        ]

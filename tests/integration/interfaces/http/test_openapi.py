"""The OpenAPI document tells the truth: every error it states is problem+json with the
Problem schema, each route states what its make-up lets it answer, and what a route returns
on success has a schema."""

import re
from typing import Any

import jsonschema
import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from interfaces.http.dependencies import POSITION_PATTERN
from tests.integration.interfaces.http.support import PROBLEM_JSON, TestClient

PROBLEM = {"$ref": "#/components/schemas/Problem"}

# Routers whose responses other work is typing (issue 9's read side); their untyped
# responses are expected to fail until it lands.


def operations(client: TestClient) -> list[tuple[str, str, dict[str, Any]]]:
    document: dict[str, Any] = client.app.openapi()  # type: ignore[attr-defined]
    return [
        (method.upper(), path, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


def router_of(client: TestClient) -> dict[tuple[str, str], str]:
    """This function will name, for each operation, the router module it is declared in."""
    found = {}
    for context in iter_route_contexts(client.app.routes):  # type: ignore[attr-defined]
        if isinstance(context.original_route, APIRoute):
            module = context.original_route.endpoint.__module__.rsplit(".", 1)[-1]
            for method in context.methods or ():
                found[(method, context.path_format)] = module
    return found


def untyped(operation: dict[str, Any], schemas: dict[str, Any]) -> list[str]:
    """This function will list the success responses whose body has no model."""
    found = []
    for status, response in operation["responses"].items():
        if not status.startswith("2") or status == "204":
            continue
        for media, content in response.get("content", {}).items():
            schema = content.get("schema", {})
            if media != "application/json":
                continue  # a file or a stream: its media type is the contract
            target = schema.get("items", schema)
            ref = target.get("$ref", "")
            model = schemas.get(ref.rsplit("/", 1)[-1], {}) if ref else target
            if not ref or (model.get("additionalProperties") is True and "properties" not in model):
                found.append(f"{status} {media}")
    return found


class TestOpenApiDocument:
    def test_states_every_error_as_problem_json_with_the_problem_schema(
        self, client: TestClient
    ) -> None:
        wrong = [
            f"{method} {path} {status}: {sorted(response.get('content', {}))}"
            for method, path, operation in operations(client)
            for status, response in operation["responses"].items()
            if int(status) >= 400 and response.get("content") != {PROBLEM_JSON: {"schema": PROBLEM}}
        ]
        assert wrong == []

    def test_documents_the_problem_schema_with_its_extensions(self, client: TestClient) -> None:
        schema = client.app.openapi()["components"]["schemas"]["Problem"]  # type: ignore[attr-defined]

        assert set(schema["required"]) == {"type", "title", "status", "detail"}
        assert {"errors", "current_version", "retry_after", "correlation_id"} <= set(
            schema["properties"]
        )

    @pytest.mark.parametrize(
        ("method", "path", "statuses"),
        [
            ("GET", "/health", set()),
            ("POST", "/auth/login", {"400", "401", "403", "413", "422", "429", "503"}),
            # 429: an API key over its requests per minute, on every authenticated route.
            ("GET", "/projects", {"400", "401", "403", "412", "422", "429", "503"}),
            (
                "PATCH",
                "/projects/{project_id}",
                {"400", "401", "403", "404", "409", "412", "413", "422", "429", "503"},
            ),
            (
                "GET",
                "/admin/users/{user_id}",
                {"400", "401", "403", "404", "412", "422", "429", "503"},
            ),
        ],
    )
    def test_states_the_statuses_a_route_can_answer(
        self, client: TestClient, method: str, path: str, statuses: set[str]
    ) -> None:
        document = client.app.openapi()  # type: ignore[attr-defined]
        responses = document["paths"][path][method.lower()]["responses"]

        assert {s for s in responses if int(s) >= 400} == statuses

    def test_states_that_no_parameter_holds_null_or_nul(self, client: TestClient) -> None:
        wrong = []
        for method, path, operation in operations(client):
            for parameter in operation.get("parameters", ()):
                schema = parameter["schema"]
                branches = schema.get("anyOf", [schema])
                if any(b.get("type") == "null" for b in branches):
                    wrong.append(f"{method} {path} {parameter['name']}: null")
                free = [b for b in branches if b.get("type") == "string" and "pattern" not in b]
                if any(not {"format", "enum", "const"} & set(b) for b in free):
                    wrong.append(f"{method} {path} {parameter['name']}: no pattern")
        assert wrong == []

    def test_states_the_formats_of_if_match_and_min_position(self, client: TestClient) -> None:
        document = client.app.openapi()  # type: ignore[attr-defined]
        parameters = {
            p["name"]: p["schema"]
            for p in document["paths"]["/projects/{project_id}"]["patch"]["parameters"]
        }
        reads = {
            p["name"]: p["schema"] for p in document["paths"]["/projects"]["get"]["parameters"]
        }

        assert parameters["if-match"]["pattern"].startswith("^")
        assert reads["min_position"]["pattern"] == POSITION_PATTERN
        assert reads["X-Testament-Min-Position"]["pattern"] == reads["min_position"]["pattern"]


class TestTypedResponses:
    def test_every_route_has_a_response_model(self, client: TestClient) -> None:
        schemas = client.app.openapi()["components"]["schemas"]  # type: ignore[attr-defined]
        routers = router_of(client)
        wrong = [
            f"{method} {path} ({routers.get((method, path))}): {missing}"
            for method, path, operation in operations(client)
            if (missing := untyped(operation, schemas))
        ]
        assert wrong == []


class TestStatedRules:
    """Rules the server enforces that a schema can state are in the document, where test
    data generators read them (issue 9's Schemathesis target)."""

    def test_states_that_a_case_patch_takes_no_null_but_for_the_endpoint(
        self, client: TestClient
    ) -> None:
        schemas = client.app.openapi()["components"]["schemas"]  # type: ignore[attr-defined]
        update = schemas["CaseUpdate"]["properties"]

        nullable = {
            name
            for name, field in update.items()
            if field.get("readOnly") is not True
            and any(b.get("type") == "null" for b in field.get("anyOf", []))
        }

        assert nullable == {"endpoint_id", "version"}
        assert "default" not in update["test_type"]

    def test_states_a_data_set_rows_keys_and_free_values_without_nul(
        self, client: TestClient
    ) -> None:
        schemas = client.app.openapi()["components"]["schemas"]  # type: ignore[attr-defined]
        row = schemas["CaseDataSet"]["properties"]["rows"]["items"]

        assert row["propertyNames"]["pattern"] == "^[A-Za-z_][A-Za-z0-9_]*$"
        assert row["additionalProperties"] == {"$ref": "#/components/schemas/JsonValue"}
        text = next(b for b in schemas["JsonValue"]["anyOf"] if b["type"] == "string")
        assert text["pattern"] == "^[^\\x00]*$"

    def test_states_a_regex_extractions_group_on_writes_only(self, client: TestClient) -> None:
        schemas = client.app.openapi()["components"]["schemas"]  # type: ignore[attr-defined]
        written = schemas["RegexExtraction-Input"]["properties"]["expression"]
        answered = schemas["RegexExtraction-Output"]["properties"]["expression"]

        assert re.fullmatch(written["pattern"], r'"token":"(.+?)"')
        assert not re.fullmatch(written["pattern"], "")
        assert answered["pattern"] == "^[^\\x00]*$"  # any text the domain accepted

    def test_states_that_a_postman_collection_holds_a_request(self, client: TestClient) -> None:
        document = client.app.openapi()  # type: ignore[attr-defined]
        body = document["components"]["schemas"]["PostmanImportCreate"]
        items = body["properties"]["collection"]["properties"]["item"]

        assert "item" in body["properties"]["collection"]["required"]
        assert items["minItems"] == 1
        assert items["contains"]["required"] == ["request"]

    def test_states_a_manual_endpoints_method_and_path(self, client: TestClient) -> None:
        schemas = client.app.openapi()["components"]["schemas"]  # type: ignore[attr-defined]
        endpoint = schemas["ManualEndpointCreate"]["properties"]

        assert re.fullmatch(endpoint["path"]["pattern"], "/pets/{petId}")
        assert not re.fullmatch(endpoint["path"]["pattern"], "/pets?x=1")
        assert re.fullmatch(endpoint["method"]["pattern"], "get")
        assert not re.fullmatch(endpoint["method"]["pattern"], "FETCH")

    def test_states_that_expectations_name_statuses_unless_any_status(
        self, client: TestClient
    ) -> None:
        schemas = client.app.openapi()["components"]["schemas"]  # type: ignore[attr-defined]
        rule = {"anyOf": schemas["CaseExpectations-Input"]["anyOf"]}

        def allowed(expectations: dict[str, Any]) -> bool:
            return jsonschema.Draft202012Validator(rule).is_valid(expectations)

        assert allowed({"expected_status": [200]})
        assert allowed({"expected_status": [], "any_status": True})
        assert not allowed({"expected_status": []})
        assert not allowed({"expected_status": [200], "any_status": True})
        assert not allowed({"expected_status": [], "any_status": False})
        statuses = schemas["CaseExpectations-Input"]["properties"]["expected_status"]
        assert statuses["uniqueItems"] is True


class TestStatedKeys:
    def test_states_that_every_headers_map_is_keyed_by_header_names(
        self, client: TestClient
    ) -> None:
        # A case request with a header named "" was schema-valid and refused (Schemathesis).
        schemas = client.app.openapi()["components"]["schemas"]  # type: ignore[attr-defined]
        loose = [
            name
            for name, schema in schemas.items()
            for prop, definition in schema.get("properties", {}).items()
            if prop == "headers"
            and definition.get("type") == "object"
            and "[!#$%&'*+" not in definition.get("propertyNames", {}).get("pattern", "")
        ]
        assert loose == []

    def test_refuses_a_case_header_without_a_name_naming_it(self, client: TestClient) -> None:
        document = client.app.openapi()  # type: ignore[attr-defined]
        request = document["components"]["schemas"]["RequestWithoutBody"]
        headers = request["properties"]["headers"]

        assert re.fullmatch(headers["propertyNames"]["pattern"], "X-Trace-Id")
        assert not re.fullmatch(headers["propertyNames"]["pattern"], "")
        assert not re.fullmatch(headers["additionalProperties"]["pattern"], "a\r\nb")

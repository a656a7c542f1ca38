"""Conformance of responses whose documented media type is JSON but not application/json."""

from typing import Any

from infrastructure.execution.conformance import OpenApiConformance

_PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["title"],
    "properties": {"title": {"type": "string"}},
}


def _document() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "media", "version": "1"},
        "paths": {
            "/things": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "JSON:API",
                            "content": {
                                "application/vnd.api+json": {
                                    "schema": {"type": "object", "required": ["data"]}
                                }
                            },
                        },
                        "400": {"$ref": "#/components/responses/Problem"},
                    }
                }
            }
        },
        "components": {
            "responses": {
                "Problem": {
                    "description": "a problem",
                    "content": {"application/problem+json": {"schema": _PROBLEM_SCHEMA}},
                }
            }
        },
    }


def test_a_conforming_problem_json_body_conforms() -> None:
    conformance = OpenApiConformance(_document())
    errors = conformance.errors(
        "GET /things", 400, "application/problem+json", {}, b'{"title": "bad request"}'
    )
    assert errors == []


def test_a_problem_json_body_that_breaks_its_schema_is_reported_by_field() -> None:
    conformance = OpenApiConformance(_document())
    errors = conformance.errors("GET /things", 400, "application/problem+json", {}, b"{}")
    assert len(errors) == 1 and "'title' is a required property" in errors[0]


def test_other_json_media_types_are_checked_too() -> None:
    conformance = OpenApiConformance(_document())
    assert (
        conformance.errors("GET /things", 200, "application/vnd.api+json", {}, b'{"data": []}')
        == []
    )
    errors = conformance.errors("GET /things", 200, "application/vnd.api+json", {}, b'{"x": 1}')
    assert errors and "'data' is a required property" in errors[0]
    assert conformance.errors("GET /things", 200, "application/vnd.api+json", {}, b"not json")

"""Parameters, request bodies and responses of OpenAPI 3.x operations."""

from typing import Any

import pytest

from domain.specifications.parsed import ParameterLocation, ParseIssue
from infrastructure.specs.common import InvalidNode
from infrastructure.specs.openapi3_parts import OpenApi3Reader, examples
from infrastructure.specs.refs import RefResolver


def reader(document: dict[str, Any] | None = None) -> tuple[OpenApi3Reader, list[ParseIssue]]:
    issues: list[ParseIssue] = []
    return OpenApi3Reader(RefResolver(document or {}, issues), issues), issues


class TestParameter:
    def test_reads_a_cookie_parameter_with_examples(self) -> None:
        parts, _ = reader({"components": {"examples": {"Dark": {"value": "dark"}}}})

        found = parts.parameter(
            {
                "name": "theme",
                "in": "cookie",
                "schema": {"type": "string", "default": "light"},
                "example": "light",
                "examples": {"dark": {"$ref": "#/components/examples/Dark"}},
            },
            "/p",
        )

        assert found is not None
        assert (found.location, found.default, found.examples) == (
            ParameterLocation.Cookie,
            "light",
            ["light", "dark"],
        )

    def test_makes_path_parameters_required_whatever_the_document_says(self) -> None:
        parts, _ = reader()

        found = parts.parameter({"name": "id", "in": "path", "required": False}, "/p")

        assert found is not None
        assert found.required is True

    def test_refuses_a_parameter_without_a_location(self) -> None:
        parts, _ = reader()

        with pytest.raises(InvalidNode, match="parameter 'id' has an invalid location ''"):
            parts.parameter({"name": "id"}, "/p")


class TestRequestBody:
    def test_reads_a_body_without_content(self) -> None:
        parts, _ = reader()

        body = parts.request_body({"description": "Anything"}, "/b")

        assert (body.content_type, body.required, body.schema, body.description) == (
            "",
            False,
            {},
            "Anything",
        )

    def test_prefers_json_among_several_content_types(self) -> None:
        parts, _ = reader()

        body = parts.request_body(
            {
                "content": {
                    "text/plain": {"schema": {"type": "string"}},
                    "application/merge-patch+json": {"schema": {"type": "object"}},
                }
            },
            "/b",
        )

        assert (body.content_type, body.schema) == (
            "application/merge-patch+json",
            {"type": "object"},
        )


class TestExamples:
    def test_gathers_the_example_and_named_example_values(self) -> None:
        issues: list[ParseIssue] = []
        resolver = RefResolver({}, issues)

        found = examples(
            {
                "example": 1,
                "examples": {
                    "two": {"summary": "Two", "value": 2},
                    "remote": {"externalValue": "https://example.com/three.json"},
                    "broken": {"$ref": "#/nowhere"},
                },
            },
            "/m",
            resolver,
            issues,
        )

        assert found == {"example": 1, "two": 2}
        assert issues == [
            ParseIssue("/m/examples/broken", "reference '#/nowhere' points at nothing")
        ]

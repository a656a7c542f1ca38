"""Swagger 2.0 pieces turned into JSON Schema."""

import pytest

from domain.specifications.parsed import ParseIssue
from infrastructure.specs.common import InvalidNode
from infrastructure.specs.refs import RefResolver
from infrastructure.specs.swagger2_parts import form_body, parameter_schema, response


def resolver() -> RefResolver:
    issues: list[ParseIssue] = []
    return RefResolver({"definitions": {"Pet": {"type": "object"}}}, issues)


class TestParameterSchema:
    def test_gathers_schema_keywords_and_drops_the_rest(self) -> None:
        node = {"name": "n", "in": "query", "type": "string", "maxLength": 9, "required": True}

        assert parameter_schema(node, "/p", resolver()) == {"type": "string", "maxLength": 9}

    def test_turns_a_file_into_a_binary_string(self) -> None:
        assert parameter_schema({"type": "file"}, "/p", resolver()) == {
            "type": "string",
            "format": "binary",
        }


class TestFormBody:
    def test_is_urlencoded_without_files(self) -> None:
        body = form_body([({"name": "a", "type": "integer"}, "/p/0")], [], resolver())

        assert (body.content_type, body.required, body.schema) == (
            "application/x-www-form-urlencoded",
            False,
            {"type": "object", "properties": {"a": {"type": "integer"}}},
        )

    def test_is_multipart_when_consumes_says_so(self) -> None:
        body = form_body(
            [({"name": "a", "type": "string"}, "/p/0")], ["multipart/form-data"], resolver()
        )

        assert body.content_type == "multipart/form-data"


class TestResponse:
    def test_reads_a_schema_and_defaults_to_json(self) -> None:
        found = response(
            "200",
            {"description": "ok", "schema": {"$ref": "#/definitions/Pet"}},
            "/r",
            [],
            resolver(),
        )

        assert (found.content_type, found.schema, found.content_types) == (
            "application/json",
            {"type": "object"},
            ["application/json"],
        )

    def test_refuses_a_status_range(self) -> None:
        with pytest.raises(InvalidNode, match="'2XX' is not a status code"):
            response("2XX", {"description": "ok"}, "/r", [], resolver())

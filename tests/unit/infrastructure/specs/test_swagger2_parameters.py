"""Swagger 2.0 parameters and the bodies they describe."""

from typing import Any

from domain.specifications.parsed import ParameterLocation, ParseIssue
from infrastructure.specs.refs import RefResolver
from infrastructure.specs.swagger2_parameters import Swagger2ParameterReader


def reader(
    document: dict[str, Any] | None = None,
) -> tuple[Swagger2ParameterReader, list[ParseIssue]]:
    issues: list[ParseIssue] = []
    return Swagger2ParameterReader(RefResolver(document or {}, issues), issues), issues


class TestRawParameters:
    def test_keys_parameters_by_name_and_location(self) -> None:
        parameters, issues = reader({"parameters": {"Page": {"name": "page", "in": "query"}}})

        found = parameters.raw_parameters(
            [{"$ref": "#/parameters/Page"}, {"name": "page", "in": "header"}, {"in": "query"}],
            "/paths/~1a/get/parameters",
        )

        assert list(found) == [("page", "query"), ("page", "header")]
        assert found[("page", "query")][1] == "/parameters/Page"
        assert issues == [ParseIssue("/paths/~1a/get/parameters/2", "a parameter needs a name")]


class TestParameters:
    def test_reads_simple_parameters_with_their_x_example(self) -> None:
        parameters, _ = reader()

        found, body = parameters.parameters(
            [({"name": "q", "in": "query", "type": "string", "x-example": "cats"}, "/p/0")], []
        )

        assert body is None
        assert [(p.name, p.location, p.data_type, p.examples) for p in found] == [
            ("q", ParameterLocation.Query, "string", ["cats"])
        ]

    def test_defaults_a_body_to_json_without_consumes(self) -> None:
        parameters, _ = reader()

        found, body = parameters.parameters(
            [({"name": "b", "in": "body", "schema": {"type": "object"}}, "/p/0")], []
        )

        assert found == []
        assert body is not None
        assert (body.content_type, body.required, body.content_types) == (
            "application/json",
            False,
            ["application/json"],
        )

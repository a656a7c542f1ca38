"""Endpoint assembly: path templates, parameter merging and the body rule."""

from domain.specifications.parsed import (
    ParameterLocation,
    ParsedEndpoint,
    ParsedParameter,
    ParsedRequestBody,
    ParseIssue,
)
from infrastructure.specs.endpoints import (
    complete_path_parameters,
    merge_parameters,
    path_template_names,
    with_body_listed,
)


def query(name: str, description: str = "") -> ParsedParameter:
    return ParsedParameter(name, ParameterLocation.Query, description=description)


class TestPathTemplateNames:
    def test_lists_the_parameters_of_a_template_in_order(self) -> None:
        assert path_template_names("/owners/{ownerId}/pets/{petId}.json") == ["ownerId", "petId"]


class TestMergeParameters:
    def test_lets_the_operation_win_in_place_and_appends_its_new_ones(self) -> None:
        merged = merge_parameters(
            [query("a", "path level"), query("b", "path level")],
            [query("c", "operation"), query("a", "operation")],
        )

        assert [(p.name, p.description) for p in merged] == [
            ("a", "operation"),
            ("b", "path level"),
            ("c", "operation"),
        ]


class TestCompletePathParameters:
    def test_adds_undeclared_template_parameters_and_says_so(self) -> None:
        issues: list[ParseIssue] = []
        declared = ParsedParameter("a", ParameterLocation.Path, "integer", required=True)

        completed = complete_path_parameters("/x/{a}/{b}", [declared], "/paths/x/get", issues)

        assert completed == [
            declared,
            ParsedParameter(
                "b", ParameterLocation.Path, "string", required=True, schema={"type": "string"}
            ),
        ]
        assert issues == [ParseIssue("/paths/x/get", "path parameter 'b' is not declared")]


class TestWithBodyListed:
    def test_appends_the_body_parameter_once(self) -> None:
        body = ParsedRequestBody("text/plain", True, {"type": "string"})
        endpoint = ParsedEndpoint("POST", "/a", parameters=[query("q")], request_body=body)

        listed = with_body_listed(with_body_listed(endpoint))

        assert [(p.name, p.location) for p in listed.parameters] == [
            ("q", ParameterLocation.Query),
            ("body", ParameterLocation.Body),
        ]

    def test_leaves_an_endpoint_without_body_alone(self) -> None:
        endpoint = ParsedEndpoint("GET", "/a", parameters=[query("q")])

        assert with_body_listed(endpoint) == endpoint

"""Endpoints typed in by hand."""

import pytest

from domain.specifications.errors import SpecParseError
from domain.specifications.manual import build_manual_endpoint
from domain.specifications.parsed import (
    ParameterLocation,
    ParsedParameter,
    ParsedRequestBody,
    ParseIssue,
)


def refusal(*args: str, **options: object) -> list[ParseIssue]:
    with pytest.raises(SpecParseError) as caught:
        build_manual_endpoint(*args, **options)  # type: ignore[arg-type]
    return caught.value.issues


class TestBuildManualEndpoint:
    def test_derives_required_path_parameters_from_the_template(self) -> None:
        endpoint = build_manual_endpoint("get", "/owners/{ownerId}/pets/{petId}")

        assert (endpoint.method, endpoint.path) == ("GET", "/owners/{ownerId}/pets/{petId}")
        assert [(p.name, p.location, p.data_type, p.required) for p in endpoint.parameters] == [
            ("ownerId", ParameterLocation.Path, "string", True),
            ("petId", ParameterLocation.Path, "string", True),
        ]

    def test_keeps_a_given_path_parameter_and_makes_it_required(self) -> None:
        given = ParsedParameter(
            "petId", ParameterLocation.Path, "integer", schema={"type": "integer"}
        )

        endpoint = build_manual_endpoint("DELETE", "/pets/{petId}", parameters=[given])

        assert endpoint.parameters == [
            ParsedParameter(
                "petId",
                ParameterLocation.Path,
                "integer",
                required=True,
                schema={"type": "integer"},
            )
        ]

    def test_lists_the_body_among_the_parameters(self) -> None:
        body = ParsedRequestBody("application/json", True, {"type": "object"})
        query = ParsedParameter("dryRun", ParameterLocation.Query, "boolean")

        endpoint = build_manual_endpoint(
            "post", "/pets", parameters=[query], request_body=body, tags=[" pets ", ""]
        )

        assert [(p.name, p.location) for p in endpoint.parameters] == [
            ("dryRun", ParameterLocation.Query),
            ("body", ParameterLocation.Body),
        ]
        assert endpoint.tags == ["pets"]

    def test_refuses_an_unknown_method(self) -> None:
        assert refusal("FETCH", "/a") == [
            ParseIssue("method", "'FETCH' is not a supported HTTP method")
        ]

    @pytest.mark.parametrize(
        "path", ["pets", "/pets?limit=1", "/pets/{}", "/pets/{id", "/a b", "/x#top"]
    )
    def test_refuses_a_malformed_path(self, path: str) -> None:
        assert refusal("GET", path) == [
            ParseIssue("path", f"'{path}' must start with '/' and use {{name}} for parameters")
        ]

    def test_refuses_a_path_parameter_used_twice(self) -> None:
        assert refusal("GET", "/{id}/{id}") == [
            ParseIssue("path", "a path parameter appears twice")
        ]

    def test_refuses_parameters_that_do_not_fit(self) -> None:
        issues = refusal(
            "GET",
            "/pets",
            parameters=[
                ParsedParameter("petId", ParameterLocation.Path),
                ParsedParameter("q", ParameterLocation.Query),
                ParsedParameter("q", ParameterLocation.Query),
                ParsedParameter("body", ParameterLocation.Body),
                ParsedParameter(" ", ParameterLocation.Header),
            ],
        )

        assert issues == [
            ParseIssue("parameters/0", "'petId' is not in the path"),
            ParseIssue("parameters/2", "parameter 'q' is given twice"),
            ParseIssue("parameters/3", "the body is given as request_body, not a parameter"),
            ParseIssue("parameters/4", "a parameter needs a name"),
        ]

    def test_reports_every_problem_at_once(self) -> None:
        assert [issue.location for issue in refusal("NOPE", "nope")] == ["method", "path"]

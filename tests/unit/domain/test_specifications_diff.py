"""Comparing two versions of an API description, endpoint by endpoint."""

import dataclasses
from typing import Any

import pytest

from domain.specifications.diff import EndpointChange, SpecificationDiff, diff_specifications
from domain.specifications.parsed import (
    ParameterLocation,
    ParsedEndpoint,
    ParsedParameter,
    ParsedRequestBody,
    ParsedResponse,
    ParsedSecurityRequirement,
    ParsedSpecification,
    SourceType,
)

PET_SCHEMA: dict[str, Any] = {"type": "object", "properties": {"name": {"type": "string"}}}


def a_pet_endpoint(**changes: Any) -> ParsedEndpoint:
    """This function will build PUT /pets/{petId} as version 1 described it, with changes."""
    endpoint = ParsedEndpoint(
        method="PUT",
        path="/pets/{petId}",
        summary="Replace a pet",
        parameters=[
            ParsedParameter(
                name="petId",
                location=ParameterLocation.Path,
                required=True,
                schema={"type": "integer"},
            ),
            ParsedParameter(
                name="X-Trace", location=ParameterLocation.Header, schema={"type": "string"}
            ),
        ],
        request_body=ParsedRequestBody(
            content_type="application/json", required=True, schema=PET_SCHEMA
        ),
        responses=[
            ParsedResponse(status_code="200", content_type="application/json", schema=PET_SCHEMA),
            ParsedResponse(status_code="404"),
        ],
        security=[ParsedSecurityRequirement(scheme_name="bearerAuth", security_type="http")],
    )
    return dataclasses.replace(endpoint, **changes)


def a_spec(*endpoints: ParsedEndpoint) -> dict[str, Any]:
    return ParsedSpecification(
        source_type=SourceType.OpenApi30, endpoints=list(endpoints)
    ).to_json()


def changes_to(after: ParsedEndpoint) -> list[str]:
    """This function will give what changed from the version-1 endpoint to `after`."""
    result = diff_specifications(a_spec(a_pet_endpoint()), a_spec(after))
    assert (result.added, result.removed) == ([], [])
    if not result.changed:
        return []
    (change,) = result.changed
    assert change.key == "PUT /pets/{petId}"
    return change.changes


def with_parameters(*kept: ParsedParameter) -> ParsedEndpoint:
    return a_pet_endpoint(parameters=list(kept))


PET_ID = ParsedParameter(
    name="petId", location=ParameterLocation.Path, required=True, schema={"type": "integer"}
)
TRACE = ParsedParameter(
    name="X-Trace", location=ParameterLocation.Header, schema={"type": "string"}
)


class TestDiffSpecifications:
    def test_lists_added_removed_and_changed_endpoints_and_counts_the_rest(self) -> None:
        base = a_spec(
            ParsedEndpoint(method="GET", path="/pets"),
            ParsedEndpoint(method="DELETE", path="/pets/{petId}"),
            a_pet_endpoint(),
        )
        target = a_spec(
            ParsedEndpoint(method="GET", path="/pets"),
            ParsedEndpoint(method="POST", path="/pets"),
            ParsedEndpoint(method="GET", path="/owners"),
            a_pet_endpoint(deprecated=True),
        )

        assert diff_specifications(base, target) == SpecificationDiff(
            added=["GET /owners", "POST /pets"],
            removed=["DELETE /pets/{petId}"],
            changed=[EndpointChange(key="PUT /pets/{petId}", changes=["deprecated"])],
            unchanged=1,
        )

    def test_finds_nothing_between_a_spec_and_itself(self) -> None:
        spec = a_spec(ParsedEndpoint(method="GET", path="/pets"), a_pet_endpoint())

        assert diff_specifications(spec, spec) == SpecificationDiff(unchanged=2)

    def test_compares_endpoints_by_method_and_path_whatever_the_methods_case(self) -> None:
        base = a_spec(ParsedEndpoint(method="get", path="/pets"))
        target = a_spec(ParsedEndpoint(method="GET", path="/pets"))

        assert diff_specifications(base, target) == SpecificationDiff(unchanged=1)

    def test_treats_an_empty_model_as_having_no_endpoints(self) -> None:
        assert diff_specifications({}, a_spec(a_pet_endpoint())).added == ["PUT /pets/{petId}"]
        assert diff_specifications(a_spec(a_pet_endpoint()), {}).removed == ["PUT /pets/{petId}"]

    def test_ignores_a_change_of_summary_or_description(self) -> None:
        assert changes_to(a_pet_endpoint(summary="Swap a pet", description="new words")) == []


class TestEndpointChanges:
    def test_names_a_parameter_added_by_location_and_name(self) -> None:
        verbose = ParsedParameter(name="verbose", location=ParameterLocation.Query)

        assert changes_to(with_parameters(PET_ID, TRACE, verbose)) == [
            "parameter added: query:verbose"
        ]

    def test_names_a_parameter_removed(self) -> None:
        assert changes_to(with_parameters(PET_ID)) == ["parameter removed: header:X-Trace"]

    @pytest.mark.parametrize(
        "changed_trace",
        [
            dataclasses.replace(TRACE, required=True),
            dataclasses.replace(TRACE, schema={"type": "string", "format": "uuid"}),
        ],
    )
    def test_names_a_parameter_whose_requiredness_or_schema_changed(
        self, changed_trace: ParsedParameter
    ) -> None:
        assert changes_to(with_parameters(PET_ID, changed_trace)) == [
            "parameter changed: header:X-Trace"
        ]

    def test_tells_a_parameter_moved_to_another_location_as_removed_and_added(self) -> None:
        in_query = dataclasses.replace(TRACE, location=ParameterLocation.Query)

        assert changes_to(with_parameters(PET_ID, in_query)) == [
            "parameter added: query:X-Trace",
            "parameter removed: header:X-Trace",
        ]

    def test_does_not_count_the_body_parameter_as_a_parameter(self) -> None:
        body = ParsedRequestBody(content_type="application/json", schema=PET_SCHEMA).as_parameter()

        assert changes_to(with_parameters(PET_ID, TRACE, body)) == []

    @pytest.mark.parametrize(
        "body",
        [
            None,
            ParsedRequestBody(content_type="application/json", required=False, schema=PET_SCHEMA),
            ParsedRequestBody(content_type="application/xml", required=True, schema=PET_SCHEMA),
            ParsedRequestBody(
                content_type="application/json", required=True, schema={"type": "object"}
            ),
        ],
    )
    def test_notes_a_request_body_removed_or_changed(self, body: ParsedRequestBody | None) -> None:
        assert changes_to(a_pet_endpoint(request_body=body)) == ["request body changed"]

    def test_names_responses_added_removed_and_changed_by_status(self) -> None:
        responses = [
            ParsedResponse(
                status_code="200", content_type="application/json", schema={"type": "object"}
            ),
            ParsedResponse(status_code="422"),
        ]

        assert changes_to(a_pet_endpoint(responses=responses)) == [
            "response added: 422",
            "response removed: 404",
            "response changed: 200",
        ]

    def test_ignores_a_response_description_change(self) -> None:
        responses = [
            ParsedResponse(
                status_code="200",
                content_type="application/json",
                schema=PET_SCHEMA,
                description="ok",
            ),
            ParsedResponse(status_code="404", description="gone"),
        ]

        assert changes_to(a_pet_endpoint(responses=responses)) == []

    @pytest.mark.parametrize(
        "security",
        [
            [],
            [ParsedSecurityRequirement(scheme_name="apiKey", security_type="apiKey")],
            [
                ParsedSecurityRequirement(
                    scheme_name="bearerAuth", security_type="http", scopes=["write"]
                )
            ],
            [
                ParsedSecurityRequirement(
                    scheme_name="bearerAuth", security_type="http", alternative=1
                )
            ],
        ],
    )
    def test_notes_a_security_change(self, security: list[ParsedSecurityRequirement]) -> None:
        assert changes_to(a_pet_endpoint(security=security)) == ["security changed"]

    def test_ignores_the_order_of_security_requirements_and_scopes(self) -> None:
        base = a_pet_endpoint(
            security=[
                ParsedSecurityRequirement(scheme_name="a", security_type="http", scopes=["x", "y"]),
                ParsedSecurityRequirement(scheme_name="b", security_type="apiKey"),
            ]
        )
        reordered = a_pet_endpoint(
            security=[
                ParsedSecurityRequirement(scheme_name="b", security_type="apiKey"),
                ParsedSecurityRequirement(scheme_name="a", security_type="http", scopes=["y", "x"]),
            ]
        )

        assert diff_specifications(a_spec(base), a_spec(reordered)) == SpecificationDiff(
            unchanged=1
        )

    def test_notes_an_endpoint_deprecated_and_one_no_longer_deprecated(self) -> None:
        assert changes_to(a_pet_endpoint(deprecated=True)) == ["deprecated"]
        result = diff_specifications(
            a_spec(a_pet_endpoint(deprecated=True)), a_spec(a_pet_endpoint())
        )
        assert result.changed == [
            EndpointChange(key="PUT /pets/{petId}", changes=["no longer deprecated"])
        ]

    def test_lists_every_kind_of_change_of_one_endpoint_in_a_fixed_order(self) -> None:
        after = a_pet_endpoint(
            parameters=[PET_ID],
            request_body=None,
            responses=[
                ParsedResponse(
                    status_code="200", content_type="application/json", schema=PET_SCHEMA
                )
            ],
            security=[],
            deprecated=True,
        )

        assert changes_to(after) == [
            "parameter removed: header:X-Trace",
            "request body changed",
            "response removed: 404",
            "security changed",
            "deprecated",
        ]

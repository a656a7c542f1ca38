"""The neutral model of parsed API descriptions, and its round trip through JSON."""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.shared.errors import InvalidValueError
from domain.specifications.errors import SpecParseError
from domain.specifications.parsed import (
    ParameterLocation,
    ParsedEndpoint,
    ParsedParameter,
    ParsedRequestBody,
    ParsedResponse,
    ParsedScript,
    ParsedSecurityRequirement,
    ParsedSecurityScheme,
    ParsedSpecification,
    ParseIssue,
    SourceType,
    json_schema_type,
)
from infrastructure.specs.service import SpecificationParser

FIXTURES = Path(__file__).parents[3] / "fixtures" / "specs"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=4,
)
json_objects = st.dictionaries(st.text(max_size=5), json_values, max_size=2)
texts = st.text(max_size=12)
parameters = st.builds(
    ParsedParameter,
    name=texts,
    location=st.sampled_from(ParameterLocation),
    data_type=texts,
    format=texts,
    required=st.booleans(),
    default=json_values,
    schema=json_objects,
    examples=st.lists(json_values, max_size=2),
    description=texts,
    content_type=texts,
)
bodies = st.builds(
    ParsedRequestBody,
    content_type=texts,
    required=st.booleans(),
    schema=json_objects,
    examples=st.lists(json_values, max_size=2),
    description=texts,
    content_types=st.lists(texts, max_size=2),
)
responses = st.builds(
    ParsedResponse,
    status_code=texts,
    description=texts,
    content_type=texts,
    schema=json_objects,
    examples=json_objects,
    headers=json_objects,
    content_types=st.lists(texts, max_size=2),
)
requirements = st.builds(
    ParsedSecurityRequirement,
    scheme_name=texts,
    security_type=texts,
    scopes=st.lists(texts, max_size=2),
    alternative=st.integers(0, 3),
)
endpoints = st.builds(
    ParsedEndpoint,
    method=texts,
    path=texts,
    operation_id=texts,
    summary=texts,
    description=texts,
    tags=st.lists(texts, max_size=2),
    deprecated=st.booleans(),
    parameters=st.lists(parameters, max_size=2),
    request_body=st.none() | bodies,
    responses=st.lists(responses, max_size=2),
    security=st.lists(requirements, max_size=2),
    security_optional=st.booleans(),
    links=json_objects,
    servers=st.lists(texts, max_size=2),
    scripts=st.lists(st.builds(ParsedScript, texts, texts, texts), max_size=2),
    variables=json_objects,
    extensions=json_objects,
)
specifications = st.builds(
    ParsedSpecification,
    source_type=st.sampled_from(SourceType),
    title=texts,
    version=texts,
    description=texts,
    servers=st.lists(texts, max_size=2),
    endpoints=st.lists(endpoints, max_size=1),
    security_schemes=st.lists(
        st.builds(
            ParsedSecurityScheme,
            name=texts,
            type=texts,
            scheme=texts,
            bearer_format=texts,
            in_=texts,
            parameter_name=texts,
            description=texts,
            configuration=json_objects,
        ),
        max_size=2,
    ),
    issues=st.lists(st.builds(ParseIssue, texts, texts), max_size=2),
    schemas=json_objects,
    variables=json_objects,
)


class TestJsonSchemaType:
    def test_names_a_single_type(self) -> None:
        assert json_schema_type({"type": "integer"}) == "integer"

    def test_joins_a_list_of_types_with_a_bar(self) -> None:
        assert json_schema_type({"type": ["string", "null"]}) == "string|null"

    def test_adds_null_for_openapi_30_nullable(self) -> None:
        assert json_schema_type({"type": "string", "nullable": True}) == "string|null"

    def test_infers_the_type_of_a_const(self) -> None:
        assert json_schema_type({"const": "cat"}) == "string"
        assert json_schema_type({"const": 3}) == "integer"

    def test_infers_objects_and_arrays_from_their_keywords(self) -> None:
        assert json_schema_type({"properties": {"a": {}}}) == "object"
        assert json_schema_type({"items": {}}) == "array"

    def test_gives_an_empty_string_when_it_cannot_tell(self) -> None:
        assert json_schema_type({"oneOf": [{"type": "string"}, {"type": "integer"}]}) == ""


class TestParsedRequestBody:
    def test_lists_itself_as_the_body_parameter(self) -> None:
        body = ParsedRequestBody(
            content_type="application/json",
            required=True,
            schema={"type": "object", "default": {}},
            examples=[{"a": 1}],
            description="The pet",
        )

        assert body.as_parameter() == ParsedParameter(
            name="body",
            location=ParameterLocation.Body,
            data_type="object",
            required=True,
            default={},
            schema={"type": "object", "default": {}},
            examples=[{"a": 1}],
            description="The pet",
            content_type="application/json",
        )


class TestParsedSpecificationJson:
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(specifications)
    def test_round_trips_any_specification_through_json_text(
        self, specification: ParsedSpecification
    ) -> None:
        text = json.dumps(specification.to_json())

        assert ParsedSpecification.from_json(json.loads(text)) == specification

    @pytest.mark.parametrize(
        "fixture",
        [
            "petstore-3.0.yaml",
            "library-3.1.json",
            "petstore-swagger-2.0.json",
            "petshop.postman_collection-2.1.json",
            "weather.postman_collection-2.0.json",
            "commands.curl",
            "shop-session.har",
        ],
    )
    def test_round_trips_every_parsed_fixture(self, fixture: str) -> None:
        specification = SpecificationParser().parse((FIXTURES / fixture).read_bytes())
        data = json.loads(json.dumps(specification.to_json()))

        assert ParsedSpecification.from_json(data) == specification
        assert ParsedSpecification.from_json(data).to_json() == data

    def test_keeps_the_in_key_of_security_schemes(self) -> None:
        scheme = ParsedSecurityScheme("key", "apiKey", in_="query", parameter_name="k")

        assert scheme.to_json()["in"] == "query"

    def test_refuses_a_field_of_the_wrong_type(self) -> None:
        data = ParsedEndpoint(method="GET", path="/").to_json()
        data["deprecated"] = "yes"

        with pytest.raises(InvalidValueError, match="deprecated"):
            ParsedEndpoint.from_json(data)


class TestSpecParseError:
    def test_summarises_its_issues_in_its_message(self) -> None:
        error = SpecParseError([ParseIssue("line 3, column 7", "invalid YAML")])

        assert error.message == "line 3, column 7: invalid YAML"
        assert error.issues == [ParseIssue("line 3, column 7", "invalid YAML")]

    def test_always_carries_at_least_one_issue(self) -> None:
        assert len(SpecParseError([]).issues) == 1

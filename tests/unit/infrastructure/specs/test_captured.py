"""Helpers for formats that record concrete requests."""

from domain.specifications.parsed import (
    ParameterLocation,
    ParsedSecurityRequirement,
    ParsedSecurityScheme,
)
from infrastructure.specs.captured import (
    SchemeRegistry,
    add_parameter,
    authorization_scheme,
    captured_parameter,
    example_from_text,
    infer_schema,
)


class TestInferSchema:
    def test_describes_nested_values(self) -> None:
        assert infer_schema({"a": [1.5], "b": None, "c": True, "d": []}) == {
            "type": "object",
            "properties": {
                "a": {"type": "array", "items": {"type": "number"}},
                "b": {"type": "null"},
                "c": {"type": "boolean"},
                "d": {"type": "array", "items": {}},
            },
        }

    def test_stops_at_a_bounded_depth(self) -> None:
        value: object = "leaf"
        for _ in range(100):
            value = [value]

        schema = infer_schema(value)

        depth = 0
        while schema.get("items"):
            schema, depth = schema["items"], depth + 1
        assert depth == 32


class TestExampleFromText:
    def test_decodes_json(self) -> None:
        assert example_from_text('{"a": 1}', "application/json") == (
            {"a": 1},
            {"type": "object", "properties": {"a": {"type": "integer"}}},
        )

    def test_splits_form_data(self) -> None:
        assert example_from_text("a=1&b=x%20y", "application/x-www-form-urlencoded") == (
            {"a": "1", "b": "x y"},
            {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}},
        )

    def test_keeps_other_text(self) -> None:
        assert example_from_text("<a/>", "application/xml") == ("<a/>", {"type": "string"})


class TestCapturedParameter:
    def test_keeps_ordinary_values_as_examples(self) -> None:
        found = captured_parameter("page", ParameterLocation.Query, "2")

        assert (found.required, found.examples) == (False, ["2"])

    def test_never_keeps_secret_values(self) -> None:
        assert captured_parameter("X-Api-Key", ParameterLocation.Header, "k").examples == []
        assert captured_parameter("sid", ParameterLocation.Cookie, "s").examples == []

    def test_adds_new_examples_to_a_known_parameter(self) -> None:
        parameters = [captured_parameter("page", ParameterLocation.Query, "1")]

        add_parameter(parameters, captured_parameter("page", ParameterLocation.Query, "2"))
        add_parameter(parameters, captured_parameter("page", ParameterLocation.Query, "1"))

        assert [p.examples for p in parameters] == [["1", "2"]]


class TestSchemeRegistry:
    def test_names_each_distinct_scheme_once(self) -> None:
        registry = SchemeRegistry()

        first = registry.require(authorization_scheme("Bearer a"))
        again = registry.require(authorization_scheme("bearer b"))
        other = registry.require(
            ParsedSecurityScheme("", "http", scheme="bearer", configuration={"token": "{{t}}"})
        )
        custom = registry.require(authorization_scheme("Token xyz"))

        assert [first, again, other, custom] == [
            ParsedSecurityRequirement("bearerAuth", "http"),
            ParsedSecurityRequirement("bearerAuth", "http"),
            ParsedSecurityRequirement("bearerAuth2", "http"),
            ParsedSecurityRequirement("apiKeyAuth", "apiKey"),
        ]
        assert registry.schemes[-1] == ParsedSecurityScheme(
            "apiKeyAuth", "apiKey", in_="header", parameter_name="Authorization"
        )

"""The valid request of an operation: where each value goes and how it is encoded."""

from typing import Any

from domain.generation.generator import GenerationOptions, generate_suite
from domain.generation.resources import camel, names_resource_id, singular
from domain.specifications.parsed import ParsedEndpoint, ParsedRequestBody
from domain.testing.values import BodyType, RequestSpec, TestType
from tests.unit.domain.generation.builders import (
    a_parameter,
    a_response,
    a_specification,
    an_endpoint,
)

HAPPY = GenerationOptions(test_types=[TestType.HappyPath])


def happy_request(endpoint: ParsedEndpoint) -> RequestSpec:
    suite = generate_suite(a_specification(endpoint), None, HAPPY)
    return suite.cases[0].request


def a_form(content_type: str, schema: dict[str, Any]) -> ParsedRequestBody:
    return ParsedRequestBody(content_type=content_type, required=True, schema=schema)


class TestHappyRequest:
    def test_puts_parameters_where_they_travel(self) -> None:
        endpoint = an_endpoint(
            "GET",
            "/files/{name}",
            parameters=[
                a_parameter("name", "path", type="string", example="a b/c"),
                a_parameter("page", required=True, type="integer", minimum=3, maximum=3),
                a_parameter("verbose", type="boolean"),
                a_parameter("X-Trace", "header", required=True, type="string", example="t-1"),
                a_parameter("session", "cookie", required=True, type="string", example="s1"),
                a_parameter("theme", "cookie", type="string", default="dark"),
            ],
            responses=[a_response("200", {"type": "object"})],
        )

        request = happy_request(endpoint)

        assert request.url == "/files/a%20b%2Fc"
        assert request.path_params == {"name": "a b/c"}
        assert request.query_params == {"page": "3"}
        assert request.headers["X-Trace"] == "t-1"
        assert request.headers["Cookie"] == "session=s1; theme=dark"
        assert request.headers["Accept"] == "application/json"

    def test_never_sends_a_path_parameter_a_client_would_remove_as_a_dot_segment(self) -> None:
        # readme.json's slug pattern allowed "."; "/custom_pages/." went out as
        # "/custom_pages/" and Prism refused the "valid" request (required@path).
        endpoint = an_endpoint(
            "GET",
            "/pages/{slug}/{kind}/{tag}",
            parameters=[
                a_parameter("slug", "path", type="string", example="."),
                a_parameter("kind", "path", type="string", enum=["..", "guide"]),
                a_parameter("tag", "path", type="string", pattern="^[a-z.]$"),
            ],
        )

        url = happy_request(endpoint).url

        segments = url.split("/")[2:]
        assert len(segments) == 3 and not any(part in (".", "..", "") for part in segments), url
        assert segments[1] == "guide"

    def test_leaves_out_a_body_example_that_breaks_the_body_schema(self) -> None:
        # xtrf.eu: the example is the address of an external file, a string where an object
        # is documented; sent as the body it made the "valid" request invalid.
        schema = {
            "type": "object",
            "required": ["value"],
            "properties": {"value": {"type": "string"}},
        }
        body = ParsedRequestBody(
            content_type="application/json",
            required=True,
            schema=schema,
            examples=["/home-api/assets/examples/customers/updateCustomField.json#requestBody"],
            content_types=["application/json"],
        )

        request = happy_request(an_endpoint("PUT", "/fields", request_body=body))

        assert request.body_type == BodyType.JSON
        assert isinstance(request.body, dict) and isinstance(request.body["value"], str)

    def test_sends_an_url_encoded_form_with_its_content_type(self) -> None:
        schema = {"type": "object", "required": ["q"], "properties": {"q": {"const": "cats"}}}
        endpoint = an_endpoint(
            "POST", "/search", request_body=a_form("application/x-www-form-urlencoded", schema)
        )

        request = happy_request(endpoint)

        assert (request.body_type, request.body) == (BodyType.UrlEncoded, {"q": "cats"})
        assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"

    def test_leaves_the_multipart_content_type_to_the_executor(self) -> None:
        schema = {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
        endpoint = an_endpoint(
            "POST", "/upload", request_body=a_form("multipart/form-data", schema)
        )

        request = happy_request(endpoint)

        assert request.body_type == BodyType.FormData
        assert "Content-Type" not in request.headers

    def test_sends_text_bodies_raw(self) -> None:
        endpoint = an_endpoint(
            "POST", "/notes", request_body=a_form("text/plain", {"type": "string", "example": "hi"})
        )

        request = happy_request(endpoint)

        assert (request.body_type, request.body) == (BodyType.Raw, "hi")
        assert request.headers["Content-Type"] == "text/plain"

    def test_parses_a_json_example_kept_as_text(self) -> None:
        body = ParsedRequestBody(
            content_type="application/json", examples=['{"name": "Rex", "age": 3}']
        )

        request = happy_request(an_endpoint("POST", "/pets", request_body=body))

        assert (request.body_type, request.body) == (BodyType.JSON, {"name": "Rex", "age": 3})


class TestResourceNames:
    def test_make_plural_path_segments_singular(self) -> None:
        words = ["pets", "categories", "addresses", "boxes", "people", "status", "series"]

        assert [singular(word) for word in words] == [
            "pet",
            "category",
            "address",
            "box",
            "person",
            "status",
            "series",
        ]

    def test_camel_case_segments_into_variable_names(self) -> None:
        assert [camel(text) for text in ["pet-owner", "pet_owner", "PetOwner", "2fa"]] == [
            "petOwner",
            "petOwner",
            "petOwner",
            "r2fa",
        ]

    def test_recognise_the_ways_an_identifier_of_a_resource_is_named(self) -> None:
        names = ["id", "petId", "pet_id", "PetID", "petUuid", "ownerId", "name"]

        assert [names_resource_id(name, "pet") for name in names] == [
            True,
            True,
            True,
            True,
            True,
            False,
            False,
        ]

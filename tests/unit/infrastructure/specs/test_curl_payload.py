"""Headers, cookies, data and form fields of a curl command."""

from domain.specifications.parsed import (
    ParameterLocation,
    ParsedParameter,
    ParsedSecurityRequirement,
    ParseIssue,
)
from infrastructure.specs.captured import SchemeRegistry
from infrastructure.specs.curl_options import CurlRequest
from infrastructure.specs.curl_payload import data_part, form_body, sort_headers


class TestSortHeaders:
    def test_sorts_headers_into_parameters_security_and_content_type(self) -> None:
        request = CurlRequest(
            1,
            headers=[
                "Content-Type: application/json; charset=utf-8",
                "Authorization: Basic YWRhOnB3",
                "Host: api.example.com",
                "X-Empty;",
                "Cookie: a=1",
            ],
        )
        parameters: list[ParsedParameter] = []
        security: list[ParsedSecurityRequirement] = []

        content_type = sort_headers(request, parameters, security, SchemeRegistry())

        assert content_type == "application/json"
        assert security == [ParsedSecurityRequirement("basicAuth", "http")]
        assert [(p.name, p.location, p.examples) for p in parameters] == [
            ("X-Empty", ParameterLocation.Header, []),
            ("a", ParameterLocation.Cookie, []),
        ]


class TestDataPart:
    def test_url_encodes_the_forms_of_data_urlencode(self) -> None:
        issues: list[ParseIssue] = []

        assert data_part("data-urlencode", "q=a b&c", "line 1", issues) == "q=a%20b%26c"
        assert data_part("data-urlencode", "=a b", "line 1", issues) == "a%20b"
        assert data_part("data-urlencode", "a b", "line 1", issues) == "a%20b"
        assert issues == []

    def test_notes_files_named_with_an_at_sign(self) -> None:
        issues: list[ParseIssue] = []

        assert data_part("data", "@body.json", "line 3", issues) == "@body.json"
        assert data_part("data-urlencode", "name@notes.txt", "line 3", issues) == "name@notes.txt"
        assert data_part("data-raw", "@literal", "line 3", issues) == "@literal"
        assert issues == [
            ParseIssue("line 3", "file 'body.json' is not read"),
            ParseIssue("line 3", "file 'notes.txt' is not read"),
        ]


class TestFormBody:
    def test_keeps_form_string_values_literally(self) -> None:
        request = CurlRequest(
            1, form=[("form-string", "note=@not-a-file"), ("form", "n=1;type=text/plain")]
        )

        body = form_body(request, [])

        assert body.examples == [{"note": "@not-a-file", "n": "1"}]
        assert body.schema == {
            "type": "object",
            "properties": {"note": {"type": "string"}, "n": {"type": "string"}},
        }

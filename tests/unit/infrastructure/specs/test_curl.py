"""The reader of cURL commands."""

from pathlib import Path
from typing import Any

import pytest

from domain.specifications.errors import SpecParseError
from domain.specifications.parsed import (
    ParsedEndpoint,
    ParsedSecurityRequirement,
    ParsedSecurityScheme,
    ParsedSpecification,
    ParseIssue,
    SourceType,
)
from infrastructure.specs.curl import is_curl_command, parse_curl

FIXTURES = Path(__file__).parents[3] / "fixtures" / "specs"


@pytest.fixture(scope="module")
def commands() -> ParsedSpecification:
    return parse_curl((FIXTURES / "commands.curl").read_text())


def one(text: str) -> ParsedEndpoint:
    (endpoint,) = parse_curl(text).endpoints
    return endpoint


def parameter_rows(found: ParsedEndpoint) -> list[tuple[Any, ...]]:
    return [
        (p.name, p.location.value, p.data_type, p.required, p.examples) for p in found.parameters
    ]


class TestCurlFixture:
    def test_reads_each_command_as_an_endpoint(self, commands: ParsedSpecification) -> None:
        assert commands.source_type is SourceType.Curl
        assert [(e.method, e.path) for e in commands.endpoints] == [
            ("GET", "/v1/users"),
            ("POST", "/v1/users"),
            ("PATCH", "/v1/users/42"),
            ("DELETE", "/v1/sessions/current"),
            ("GET", "/find"),
            ("POST", "/upload"),
            ("POST", "/v1/login"),
        ]

    def test_lists_each_server_once(self, commands: ParsedSpecification) -> None:
        assert commands.servers == [
            "https://api.example.com",
            "https://search.example.com",
            "https://files.example.com",
        ]

    def test_notes_files_it_does_not_read(self, commands: ParsedSpecification) -> None:
        assert commands.issues == [ParseIssue("line 17", "file 'report.pdf' is not read")]

    def test_turns_the_query_string_into_query_parameters(
        self, commands: ParsedSpecification
    ) -> None:
        assert parameter_rows(commands.endpoints[0]) == [
            ("page", "query", "string", False, ["2"]),
            ("per_page", "query", "string", False, ["50"]),
            ("Accept", "header", "string", False, ["application/json"]),
        ]

    def test_turns_a_bearer_header_into_security_without_the_token(
        self, commands: ParsedSpecification
    ) -> None:
        assert commands.endpoints[0].security == [ParsedSecurityRequirement("bearerAuth", "http")]
        assert commands.security_schemes == [
            ParsedSecurityScheme("bearerAuth", "http", scheme="bearer"),
            ParsedSecurityScheme("basicAuth", "http", scheme="basic"),
        ]
        assert "eyJhbGciOiJIUzI1NiJ9" not in str(commands.to_json())

    def test_reads_a_json_body_from_data_raw(self, commands: ParsedSpecification) -> None:
        body = commands.endpoints[1].request_body

        assert body is not None
        assert body.content_type == "application/json"
        assert body.examples == [
            {"name": "Ada Lovelace", "email": "ada@example.com", "admin": False}
        ]
        assert body.schema == {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "email": {"type": "string"},
                "admin": {"type": "boolean"},
            },
        }

    def test_reads_the_url_option_and_ansi_c_data(self, commands: ParsedSpecification) -> None:
        body = commands.endpoints[2].request_body

        assert body is not None
        assert body.examples == [{"bio": "It's me"}]

    def test_reads_basic_auth_from_dash_u(self, commands: ParsedSpecification) -> None:
        found = commands.endpoints[3]

        assert found.security == [ParsedSecurityRequirement("basicAuth", "http")]
        assert "s3cret" not in str(commands.to_json())

    def test_moves_data_to_the_query_with_dash_g(self, commands: ParsedSpecification) -> None:
        found = commands.endpoints[4]

        assert found.request_body is None
        assert parameter_rows(found) == [
            ("q", "query", "string", False, ["testing"]),
            ("lang", "query", "string", False, ["en"]),
        ]

    def test_reads_form_fields_and_file_uploads(self, commands: ParsedSpecification) -> None:
        body = commands.endpoints[5].request_body

        assert body is not None
        assert body.content_type == "multipart/form-data"
        assert body.schema == {
            "type": "object",
            "properties": {
                "title": {"type": "string"},
                "file": {"type": "string", "format": "binary"},
            },
        }
        assert body.examples == [{"title": "Quarterly report", "file": "@report.pdf"}]

    def test_reads_plain_data_as_an_urlencoded_form(self, commands: ParsedSpecification) -> None:
        found = commands.endpoints[6]

        assert found.request_body is not None
        assert found.request_body.content_type == "application/x-www-form-urlencoded"
        assert found.request_body.examples == [{"username": "ada", "password": "pa55"}]
        assert parameter_rows(found) == [
            ("X-Client", "header", "string", False, ["cli"]),
            ("body", "body", "object", True, [{"username": "ada", "password": "pa55"}]),
        ]


class TestCurlParser:
    def test_reads_basic_auth_from_dash_u(self) -> None:
        spec = parse_curl("curl -u ada:secret https://h/me")

        assert spec.endpoints[0].security == [ParsedSecurityRequirement("basicAuth", "http")]
        assert spec.security_schemes == [ParsedSecurityScheme("basicAuth", "http", scheme="basic")]

    def test_reads_digest_auth(self) -> None:
        spec = parse_curl("curl --digest -u ada:secret https://h/me")

        assert spec.security_schemes == [
            ParsedSecurityScheme("digestAuth", "http", scheme="digest")
        ]

    def test_reads_credentials_in_the_url_as_basic_auth(self) -> None:
        found = one("curl https://ada:secret@h.example.com/me")

        assert found.security == [ParsedSecurityRequirement("basicAuth", "http")]
        assert found.servers == ["https://h.example.com"]

    def test_adds_http_to_a_url_without_scheme(self) -> None:
        found = one("curl localhost:8080/health")

        assert (found.servers, found.path) == (["http://localhost:8080"], "/health")

    def test_uses_head_for_dash_capital_i(self) -> None:
        assert one("curl -I https://h/a").method == "HEAD"

    def test_uses_put_for_an_upload(self) -> None:
        spec = parse_curl("curl -T photo.jpg https://h/photos/1")

        assert spec.endpoints[0].method == "PUT"
        assert spec.issues == [ParseIssue("line 1", "file 'photo.jpg' is not read")]

    def test_joins_several_data_options_with_ampersands(self) -> None:
        body = one("curl https://h/a -d a=1 -d b=2 --data-urlencode 'c=x y'").request_body

        assert body is not None
        assert body.examples == [{"a": "1", "b": "2", "c": "x y"}]

    def test_reads_the_json_option(self) -> None:
        body = one("curl --json '{\"a\": 1}' https://h/a").request_body

        assert body is not None
        assert (body.content_type, body.examples) == ("application/json", [{"a": 1}])

    def test_turns_cookies_into_cookie_parameters_without_values(self) -> None:
        found = one("curl -b 'sid=abc; theme=dark' -H 'Cookie: lang=en' https://h/a")

        assert parameter_rows(found) == [
            ("sid", "cookie", "string", False, []),
            ("theme", "cookie", "string", False, []),
            ("lang", "cookie", "string", False, []),
        ]

    def test_reads_a_shell_prompt_before_curl(self) -> None:
        assert one("$ curl https://h/a").path == "/a"

    def test_notes_lines_that_are_not_curl_commands(self) -> None:
        spec = parse_curl("curl https://h/a\nwget https://h/b\n")

        assert spec.issues == [ParseIssue("line 2", "not a curl command, ignored")]

    def test_notes_an_invalid_url_and_keeps_the_others(self) -> None:
        spec = parse_curl("curl 'http://[::1'\ncurl https://h/ok\n")

        assert [e.path for e in spec.endpoints] == ["/ok"]
        assert spec.issues[0].location == "line 1"
        assert spec.issues[0].message.startswith("invalid URL 'http://[::1'")

    def test_refuses_text_without_any_usable_command(self) -> None:
        with pytest.raises(SpecParseError) as caught:
            parse_curl("curl -X POST\n")

        assert caught.value.issues == [ParseIssue("line 1", "the curl command has no URL")]

    def test_refuses_an_unterminated_quote_with_its_line(self) -> None:
        with pytest.raises(SpecParseError) as caught:
            parse_curl('curl https://h/a\ncurl -d \'{"a": 1} https://h/b\n')

        assert caught.value.issues == [ParseIssue("line 2", "unterminated ' quote")]


class TestIsCurlCommand:
    @pytest.mark.parametrize("word", ["curl", "/usr/bin/curl", "curl.exe", "C:\\tools\\CURL.EXE"])
    def test_recognises_curl_by_any_path(self, word: str) -> None:
        assert is_curl_command(word)

    def test_refuses_other_programs(self) -> None:
        assert not is_curl_command("wget")

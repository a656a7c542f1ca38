"""Recognising the format of an upload."""

from pathlib import Path

import pytest

from domain.specifications.errors import SpecParseError
from domain.specifications.parsed import ParseIssue, SourceType
from infrastructure.specs.detect import classify_document, detect, detect_format, looks_like_curl

FIXTURES = Path(__file__).parents[3] / "fixtures" / "specs"


class TestDetectFormat:
    @pytest.mark.parametrize(
        ("fixture", "source_type"),
        [
            ("petstore-3.0.yaml", SourceType.OpenApi30),
            ("library-3.1.json", SourceType.OpenApi31),
            ("petstore-swagger-2.0.json", SourceType.Swagger20),
            ("petshop.postman_collection-2.1.json", SourceType.Postman),
            ("weather.postman_collection-2.0.json", SourceType.Postman),
            ("commands.curl", SourceType.Curl),
            ("shop-session.har", SourceType.Har),
        ],
    )
    def test_recognises_every_fixture_from_its_bytes_alone(
        self, fixture: str, source_type: SourceType
    ) -> None:
        assert detect_format((FIXTURES / fixture).read_bytes()) is source_type

    def test_reads_an_unquoted_yaml_version_number(self) -> None:
        assert detect_format(b"openapi: 3.0\npaths: {}\n") is SourceType.OpenApi30
        assert detect_format(b"swagger: 2.0\npaths: {}\n") is SourceType.Swagger20

    def test_lets_a_hint_override_the_content(self) -> None:
        assert detect_format(b'{"a": 1}', format_hint=SourceType.Har) is SourceType.Har

    def test_reads_any_text_as_curl_when_hinted(self) -> None:
        detected = detect(b"GET nothing", format_hint=SourceType.Curl)

        assert (detected.source_type, detected.text, detected.document) == (
            SourceType.Curl,
            "GET nothing",
            None,
        )

    def test_uses_the_file_name_when_the_content_is_not_conclusive(self) -> None:
        assert detect_format(b'{"log": []}', filename="trace.har") is SourceType.Har
        assert (
            detect_format(b"{}", content_type="application/vnd.postman+json") is SourceType.Postman
        )

    def test_finds_curl_after_other_commands_in_a_shell_script(self) -> None:
        text = b"set -e\nTOKEN=abc\ncurl https://h/a\n"

        assert detect_format(text, filename="calls.sh") is SourceType.Curl

    def test_refuses_an_unknown_format(self) -> None:
        with pytest.raises(SpecParseError) as caught:
            detect_format(b"title: not an API\nitems: [1, 2]\n")

        assert caught.value.issues[0].location == "/"
        assert caught.value.issues[0].message.startswith("the format is not recognised")

    def test_refuses_manual_as_an_upload_format(self) -> None:
        with pytest.raises(SpecParseError) as caught:
            detect_format(b"openapi: 3.0.0", format_hint=SourceType.Manual)

        assert caught.value.issues == [
            ParseIssue("/", "manual endpoints are entered one by one, not uploaded")
        ]


class TestLooksLikeCurl:
    @pytest.mark.parametrize(
        "text",
        [
            "curl https://h",
            "  # a comment\n\ncurl -X POST https://h",
            "$ curl https://h",
            "/usr/local/bin/curl https://h",
            "curl.exe https://h",
            'REM windows\ncurl ^"https://h^"',
        ],
    )
    def test_accepts_text_whose_first_command_is_curl(self, text: str) -> None:
        assert looks_like_curl(text)

    @pytest.mark.parametrize("text", ["curly: 1", "openapi: 3.0.0\n# curl https://h", "wget x"])
    def test_refuses_other_text(self, text: str) -> None:
        assert not looks_like_curl(text)


class TestClassifyDocument:
    def test_recognises_a_postman_v1_collection_to_refuse_it_later(self) -> None:
        assert classify_document({"id": "x", "order": [], "requests": []}) is SourceType.Postman

    def test_gives_none_for_other_data(self) -> None:
        assert classify_document(["openapi"]) is None
        assert classify_document({"info": {"title": "x"}}) is None

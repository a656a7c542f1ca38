"""Postman request bodies and saved examples."""

from domain.specifications.parsed import ParsedRequestBody, ParsedResponse, ParseIssue
from infrastructure.specs.postman_body import key_values, request_body, saved_responses


class TestRequestBody:
    def test_reads_raw_json_by_its_language(self) -> None:
        body = request_body(
            {"mode": "raw", "raw": '{"a": [1]}', "options": {"raw": {"language": "json"}}}, ""
        )

        assert body == ParsedRequestBody(
            content_type="application/json",
            required=True,
            schema={
                "type": "object",
                "properties": {"a": {"type": "array", "items": {"type": "integer"}}},
            },
            examples=[{"a": [1]}],
            content_types=["application/json"],
        )

    def test_lets_the_content_type_header_win_over_the_language(self) -> None:
        body = request_body(
            {"mode": "raw", "raw": "<a/>", "options": {"raw": {"language": "json"}}},
            "application/xml",
        )

        assert body is not None
        assert (body.content_type, body.schema, body.examples) == (
            "application/xml",
            {"type": "string"},
            ["<a/>"],
        )

    def test_guesses_json_for_raw_text_that_parses(self) -> None:
        body = request_body({"mode": "raw", "raw": "[1, 2]"}, "")

        assert body is not None
        assert body.content_type == "application/json"

    def test_reads_plain_raw_text(self) -> None:
        body = request_body({"mode": "raw", "raw": "hello"}, "")

        assert body is not None
        assert (body.content_type, body.examples) == ("text/plain", ["hello"])

    def test_reads_a_graphql_body_as_json(self) -> None:
        body = request_body(
            {"mode": "graphql", "graphql": {"query": "{ pets { id } }", "variables": '{"n": 1}'}},
            "",
        )

        assert body is not None
        assert body.content_type == "application/json"
        assert body.examples == [{"query": "{ pets { id } }", "variables": {"n": 1}}]

    def test_reads_a_file_body(self) -> None:
        body = request_body({"mode": "file", "file": {"src": "/tmp/a.bin"}}, "")

        assert body is not None
        assert (body.content_type, body.schema, body.examples) == (
            "application/octet-stream",
            {"type": "string", "format": "binary"},
            ["/tmp/a.bin"],
        )

    def test_gives_none_without_a_usable_body(self) -> None:
        assert request_body(None, "") is None
        assert request_body({"mode": "none"}, "") is None
        assert request_body({"mode": "raw", "raw": "x", "disabled": True}, "") is None


class TestSavedResponses:
    def test_merges_examples_of_the_same_status(self) -> None:
        issues: list[ParseIssue] = []

        responses = saved_responses(
            [
                {"name": "Cat", "code": 200, "status": "OK", "body": '{"id": 1}'},
                {"name": "Dog", "code": 200, "status": "OK", "body": '{"id": 2}'},
                {"name": "Cat", "code": 200, "status": "OK", "body": '{"id": 3}'},
            ],
            "/item/0/response",
            issues,
        )

        assert responses == [
            ParsedResponse(
                status_code="200",
                description="OK",
                content_type="",
                schema={"type": "object", "properties": {"id": {"type": "integer"}}},
                examples={"Cat": {"id": 1}, "Dog": {"id": 2}, "Cat (3)": {"id": 3}},
            )
        ]
        assert issues == []

    def test_skips_examples_without_a_status_code(self) -> None:
        issues: list[ParseIssue] = []

        assert saved_responses([{"name": "?", "body": ""}], "/item/0/response", issues) == []
        assert issues == [
            ParseIssue("/item/0/response/0", "a saved example needs a numeric status code")
        ]

    def test_hides_cookies_set_by_a_saved_example(self) -> None:
        (response,) = saved_responses(
            [{"code": 204, "header": [{"key": "Set-Cookie", "value": "sid=1"}]}], "/r", []
        )

        assert response.headers == {}
        assert response.description == "example 1"


class TestKeyValues:
    def test_keeps_enabled_pairs(self) -> None:
        assert key_values(
            [{"key": "A", "value": "1"}, {"key": "B", "value": "2", "disabled": True}]
        ) == {"A": "1"}

    def test_reads_v20_header_strings(self) -> None:
        assert key_values("Accept: text/plain\nX-Id: 7\n") == {"Accept": "text/plain", "X-Id": "7"}

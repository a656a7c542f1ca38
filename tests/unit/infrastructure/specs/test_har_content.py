"""The payloads of HAR entries."""

from domain.specifications.parsed import ParsedResponse
from infrastructure.specs.har_content import add_response, pairs, request_body


class TestPairs:
    def test_keeps_named_pairs_only(self) -> None:
        assert pairs([{"name": "a", "value": "1"}, {"value": "orphan"}, "junk"]) == [("a", "1")]
        assert pairs(None) == []


class TestRequestBody:
    def test_prefers_listed_params_and_marks_files(self) -> None:
        body = request_body(
            {
                "mimeType": "multipart/form-data; boundary=x",
                "params": [
                    {"name": "title", "value": "Report"},
                    {"name": "file", "fileName": "report.pdf", "contentType": "application/pdf"},
                ],
            }
        )

        assert body is not None
        assert body.content_type == "multipart/form-data"
        assert body.schema == {
            "type": "object",
            "properties": {
                "title": {"type": "string"},
                "file": {"type": "string", "format": "binary"},
            },
        }
        assert body.examples == [{"title": "Report", "file": None}]

    def test_gives_none_without_post_data(self) -> None:
        assert request_body(None) is None
        assert request_body({"text": ""}) is None


class TestAddResponse:
    def test_adds_later_bodies_as_examples_of_the_same_status(self) -> None:
        responses: dict[str, ParsedResponse] = {}

        add_response(responses, {"status": 200, "content": {"text": "a"}}, "entry 0")
        add_response(responses, {"status": 200, "content": {"text": "b"}}, "entry 1")

        assert responses["200"].examples == {"entry 0": "a", "entry 1": "b"}

    def test_skips_aborted_requests(self) -> None:
        responses: dict[str, ParsedResponse] = {}

        add_response(responses, {"status": 0, "_error": "net::ERR_ABORTED"}, "entry 0")

        assert responses == {}

    def test_gives_up_on_binary_base64_bodies(self) -> None:
        responses: dict[str, ParsedResponse] = {}

        add_response(
            responses,
            {
                "status": 200,
                "content": {"mimeType": "image/png", "encoding": "base64", "text": "iVBORw0KGgo="},
            },
            "entry 0",
        )

        assert (responses["200"].content_type, responses["200"].examples) == ("image/png", {})

"""The responses of OpenAPI 3.x operations."""

from typing import Any

from domain.specifications.parsed import ParseIssue
from infrastructure.specs.openapi3_responses import ResponseReader
from infrastructure.specs.refs import RefResolver


def reader(document: dict[str, Any] | None = None) -> tuple[ResponseReader, list[ParseIssue]]:
    issues: list[ParseIssue] = []
    return ResponseReader(RefResolver(document or {}, issues), issues), issues


class TestResponses:
    def test_reads_status_ranges_and_default_and_skips_extensions(self) -> None:
        parts, issues = reader()

        found, links = parts.responses(
            {"2xx": {"description": "fine"}, "default": {"description": "error"}, "x-a": 1},
            "/r",
        )

        assert [(r.status_code, r.description) for r in found] == [
            ("2XX", "fine"),
            ("default", "error"),
        ]
        assert (links, issues) == ({}, [])

    def test_notes_links_that_name_no_operation(self) -> None:
        parts, issues = reader()

        _, links = parts.responses(
            {"201": {"description": "made", "links": {"Nowhere": {"parameters": {}}}}}, "/r"
        )

        assert links == {}
        assert issues == [ParseIssue("/r/201/links/Nowhere", "link 'Nowhere' names no operation")]

    def test_reads_links_by_operation_ref(self) -> None:
        parts, _ = reader()

        _, links = parts.responses(
            {
                "200": {
                    "description": "ok",
                    "links": {"Owner": {"operationRef": "#/paths/~1owners~1{id}/get"}},
                }
            },
            "/r",
        )

        assert links == {"200/Owner": {"operationRef": "#/paths/~1owners~1{id}/get"}}

    def test_skips_the_content_type_header(self) -> None:
        parts, _ = reader()

        found, _ = parts.responses(
            {"200": {"description": "ok", "headers": {"Content-Type": {"schema": {}}}}}, "/r"
        )

        assert found[0].headers == {}

    def test_reads_referenced_responses_and_headers(self) -> None:
        parts, issues = reader(
            {
                "components": {
                    "responses": {"Gone": {"description": "Gone for good"}},
                    "headers": {"Retry": {"schema": {"type": "integer"}}},
                }
            }
        )

        found, _ = parts.responses(
            {
                "410": {"$ref": "#/components/responses/Gone"},
                "503": {
                    "description": "Later",
                    "headers": {"Retry-After": {"$ref": "#/components/headers/Retry"}},
                },
            },
            "/r",
        )

        assert [(r.status_code, r.description) for r in found] == [
            ("410", "Gone for good"),
            ("503", "Later"),
        ]
        assert found[1].headers == {
            "Retry-After": {"schema": {"type": "integer"}, "data_type": "integer"}
        }
        assert issues == []

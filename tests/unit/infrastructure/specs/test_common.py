"""Helpers shared by the format readers."""

import pytest

from domain.specifications.parsed import ParseIssue
from infrastructure.specs.common import (
    InvalidNode,
    child,
    optional_list,
    optional_mapping,
    preferred_media_type,
    require_mapping,
    text,
)


class TestChild:
    def test_escapes_slashes_and_tildes(self) -> None:
        assert child("/paths", "/pets/{id}", "get") == "/paths/~1pets~1{id}/get"
        assert child("", "a~b", 0) == "/a~0b/0"


class TestTypedAccess:
    def test_refuses_a_required_object_of_another_kind(self) -> None:
        with pytest.raises(InvalidNode) as caught:
            require_mapping([1], "/paths/~1a/get", "an operation")

        assert caught.value.as_issue() == ParseIssue(
            "/paths/~1a/get", "an operation must be an object, not a list"
        )

    def test_notes_malformed_optional_values_and_gives_empty_ones(self) -> None:
        issues: list[ParseIssue] = []

        assert optional_mapping("x", "/info", "info", issues) == {}
        assert optional_list({}, "/tags", "tags", issues) == []
        assert optional_mapping(None, "/servers", "servers", issues) == {}
        assert issues == [
            ParseIssue("/info", "info must be an object, not a string"),
            ParseIssue("/tags", "tags must be a list, not an object"),
        ]

    def test_reads_scalars_as_text(self) -> None:
        assert [text(value) for value in ("a", 2, 1.5, True, None, [1])] == [
            "a",
            "2",
            "1.5",
            "true",
            "",
            "",
        ]


class TestPreferredMediaType:
    def test_prefers_json_then_any_json_flavour_then_the_first(self) -> None:
        assert preferred_media_type(["application/xml", "application/json"]) == "application/json"
        assert preferred_media_type(["text/plain", "application/hal+json"]) == (
            "application/hal+json"
        )
        assert preferred_media_type(["text/csv", "text/plain"]) == "text/csv"
        assert preferred_media_type([]) == ""

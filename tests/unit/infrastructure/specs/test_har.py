"""The reader of HAR 1.2 files."""

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
from infrastructure.specs.har import parse_har
from infrastructure.specs.loader import load_document

FIXTURES = Path(__file__).parents[3] / "fixtures" / "specs"


@pytest.fixture(scope="module")
def session() -> ParsedSpecification:
    return parse_har(load_document((FIXTURES / "shop-session.har").read_text()))


def parameter_rows(found: ParsedEndpoint) -> list[tuple[Any, ...]]:
    return [
        (p.name, p.location.value, p.data_type, p.required, p.examples) for p in found.parameters
    ]


def entry(method: str, url: str, **extra: Any) -> dict[str, Any]:
    return {"request": {"method": method, "url": url, **extra}}


class TestShopSession:
    def test_reads_the_log_information(self, session: ParsedSpecification) -> None:
        assert session.source_type is SourceType.Har
        assert (session.title, session.version) == ("Shop \u2013 basket", "1.2")
        assert session.servers == ["https://shop.example.com"]
        assert session.issues == []

    def test_merges_entries_with_the_same_method_and_path(
        self, session: ParsedSpecification
    ) -> None:
        assert [(e.method, e.path) for e in session.endpoints] == [
            ("GET", "/api/products"),
            ("POST", "/api/basket/items"),
            ("POST", "/api/newsletter"),
        ]

    def test_gathers_query_values_seen_in_every_entry(self, session: ParsedSpecification) -> None:
        assert parameter_rows(session.endpoints[0]) == [
            ("category", "query", "string", False, ["books", "games"]),
            ("page", "query", "string", False, ["1", "2"]),
            ("session", "cookie", "string", False, []),
            ("accept", "header", "string", False, ["application/json"]),
        ]

    def test_turns_authorization_into_security_and_hides_secrets(
        self, session: ParsedSpecification
    ) -> None:
        assert session.endpoints[0].security == [ParsedSecurityRequirement("bearerAuth", "http")]
        assert session.security_schemes == [
            ParsedSecurityScheme("bearerAuth", "http", scheme="bearer")
        ]
        text = str(session.to_json())
        assert "abc.def.ghi" not in text
        assert "s3cr3t" not in text
        assert "rotated" not in text

    def test_keeps_each_response_as_a_named_example(self, session: ParsedSpecification) -> None:
        (ok,) = session.endpoints[0].responses

        assert (ok.status_code, ok.description, ok.content_type) == (
            "200",
            "OK",
            "application/json",
        )
        assert ok.examples == {
            "entry 0": [{"id": 1, "title": "Dune", "price": 9.99}],
            "entry 1": [],
        }
        assert ok.schema == {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "title": {"type": "string"},
                    "price": {"type": "number"},
                },
            },
        }
        assert ok.headers == {"x-total-count": {"schema": {"type": "string"}, "example": "120"}}

    def test_reads_bodies_and_decodes_base64_responses(self, session: ParsedSpecification) -> None:
        found = session.endpoints[1]

        assert found.request_body is not None
        assert found.request_body.examples == [
            {"productId": 1, "quantity": 2},
            {"productId": 999, "quantity": 1},
        ]
        assert [(r.status_code, r.content_type, r.examples) for r in found.responses] == [
            ("201", "application/json", {"entry 2": {"id": 9, "productId": 1, "quantity": 2}}),
            (
                "404",
                "application/problem+json",
                {"entry 3": {"title": "No such product", "status": 404}},
            ),
        ]
        assert [p.name for p in found.parameters] == ["x-csrf-token", "body"]
        assert found.parameters[0].examples == []

    def test_reads_form_params_and_skips_aborted_responses(
        self, session: ParsedSpecification
    ) -> None:
        found = session.endpoints[2]

        assert found.request_body is not None
        assert found.request_body.content_type == "application/x-www-form-urlencoded"
        assert found.request_body.examples == [{"email": "ada@example.com", "topics": "books"}]
        assert found.responses == []


class TestParseHar:
    def test_lists_broken_entries_by_pointer(self) -> None:
        spec = parse_har(
            {
                "log": {
                    "entries": [
                        entry("GET", "/relative"),
                        "junk",
                        entry("GET", "https://h/ok"),
                        entry("GET", "http://[::1/x"),
                    ]
                }
            }
        )

        assert [e.path for e in spec.endpoints] == ["/ok"]
        assert spec.issues[:2] == [
            ParseIssue("/log/entries/0/request", "an entry needs a method and an absolute URL"),
            ParseIssue("/log/entries/1", "an entry must be an object, not a string"),
        ]
        assert spec.issues[2].location == "/log/entries/3/request/url"

    def test_reads_the_query_from_the_url_when_query_string_is_missing(self) -> None:
        spec = parse_har({"log": {"entries": [entry("GET", "https://h/a?x=1")]}})

        assert parameter_rows(spec.endpoints[0]) == [("x", "query", "string", False, ["1"])]

    def test_trusts_an_empty_query_string_list(self) -> None:
        spec = parse_har({"log": {"entries": [entry("GET", "https://h/a?x=1", queryString=[])]}})

        assert spec.endpoints[0].parameters == []

    def test_refuses_a_document_without_entries(self) -> None:
        with pytest.raises(SpecParseError) as caught:
            parse_har({"log": {"version": "1.2"}})

        assert caught.value.issues == [
            ParseIssue("/log/entries", "not a HAR file: 'log.entries' is missing")
        ]

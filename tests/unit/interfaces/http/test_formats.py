"""The formats the OpenAPI document states are never wider than what the server accepts:
every value a pattern allows is one its reader takes."""

import re

from hypothesis import given
from hypothesis import strategies as st

from domain.environments.model import MAX_HEADER_NAME_LENGTH, require_headers, require_variables
from domain.shared.errors import InvalidValueError
from domain.shared.values import require_email, require_http_url
from interfaces.http.dependencies import IF_MATCH_PATTERN, POSITION_PATTERN, parse_position
from interfaces.http.errors import if_match_version
from interfaces.http.schemas.formats import (
    EMAIL_PATTERN,
    HEADER_NAME_PATTERN,
    HEADER_VALUE_PATTERN,
    HTTP_URL_PATTERN,
    VARIABLE_NAME_PATTERN,
)


def matching(pattern: str) -> st.SearchStrategy[str]:
    return st.from_regex(pattern, fullmatch=True)


class TestStatedFormats:
    @given(matching(IF_MATCH_PATTERN))
    def test_every_if_match_the_document_allows_is_read(self, value: str) -> None:
        assert value == "*" or if_match_version(value) is not None

    @given(matching(POSITION_PATTERN).filter(bool))  # empty is no position at all: not read
    def test_every_position_the_document_allows_is_read(self, value: str) -> None:
        log, position = parse_position(value)
        assert f"{log}:{position}" == re.sub(r":0+(?=\d)", ":", value)

    @given(matching(EMAIL_PATTERN).filter(lambda v: len(v) <= 254))
    def test_every_email_the_document_allows_is_taken(self, value: str) -> None:
        assert require_email(value)

    @given(matching(HTTP_URL_PATTERN).filter(lambda v: len(v) <= 2048))
    def test_every_url_the_document_allows_is_taken(self, value: str) -> None:
        try:
            require_http_url("base_url", value)
        except InvalidValueError as error:
            raise AssertionError(f"{value!r}: {error.message}") from None

    @given(
        matching(HEADER_NAME_PATTERN).filter(lambda v: len(v) <= MAX_HEADER_NAME_LENGTH),
        matching(HEADER_VALUE_PATTERN).filter(lambda v: len(v) <= 8192),
    )
    def test_every_header_the_document_allows_is_taken(self, name: str, value: str) -> None:
        assert require_headers({name: value}) == {name: value}

    @given(matching(VARIABLE_NAME_PATTERN))
    def test_every_variable_name_the_document_allows_is_taken(self, name: str) -> None:
        assert require_variables([{"name": name, "value": "v"}])[0]["name"] == name

    def test_the_patterns_refuse_what_the_server_refuses(self) -> None:
        refused = {
            IF_MATCH_PATTERN: ["", "null", '"x"', '"1234567890"'],
            POSITION_PATTERN: ["null", "apidoc", "apidoc:-1", "1:2", "apidoc:1 "],
            EMAIL_PATTERN: ["", "a", "a@b", "a b@c.d", "a\x00@b.c"],
            HTTP_URL_PATTERN: ["0", "ftp://a", "http://", "http://a b", "http://a:99999"],
            HEADER_NAME_PATTERN: ["", "a b", "a:b", "é"],
            HEADER_VALUE_PATTERN: ["a\nb", "a\rb", "a\x00b"],
            VARIABLE_NAME_PATTERN: ["", "1a", "a b", "a" * 101],
        }
        for pattern, values in refused.items():
            for value in values:
                assert re.fullmatch(pattern, value) is None, (pattern, value)

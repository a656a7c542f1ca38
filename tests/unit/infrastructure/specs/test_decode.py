"""Uploaded bytes turned into text."""

import codecs

import pytest

from domain.specifications.errors import SpecParseError
from domain.specifications.parsed import ParseIssue
from infrastructure.specs.decode import DEFAULT_MAX_BYTES, decode_text


def refusal(content: bytes, **options: int) -> ParseIssue:
    with pytest.raises(SpecParseError) as caught:
        decode_text(content, **options)
    assert len(caught.value.issues) == 1
    return caught.value.issues[0]


class TestDecodeText:
    def test_reads_utf8_and_drops_its_byte_order_mark(self) -> None:
        assert decode_text(codecs.BOM_UTF8 + "title: Café".encode()) == "title: Café"

    def test_reads_utf16_marked_by_its_byte_order_mark(self) -> None:
        assert decode_text("openapi: 3.0.0".encode("utf-16")) == "openapi: 3.0.0"

    def test_refuses_a_file_over_the_size_limit(self) -> None:
        issue = refusal(b"a" * 11, max_bytes=10)

        assert issue == ParseIssue("/", "the file is 11 bytes, over the limit of 10 bytes")

    def test_accepts_a_file_exactly_at_the_size_limit(self) -> None:
        assert decode_text(b"a" * 10, max_bytes=10) == "a" * 10

    def test_refuses_an_empty_file(self) -> None:
        assert refusal(b"").message == "the file is empty"

    def test_refuses_a_file_of_blank_lines_as_empty(self) -> None:
        assert refusal(b" \n\t\r\n").message == "the file is empty"

    def test_refuses_a_binary_file_with_nul_bytes(self) -> None:
        issue = refusal(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")

        assert issue.message == "the file is binary (it contains NUL bytes), not text"

    def test_refuses_bytes_that_are_not_utf8(self) -> None:
        issue = refusal("título: x".encode("latin-1"))

        assert issue.message == "the file is binary or not UTF-8 text (bad byte at offset 1)"

    def test_allows_twenty_megabytes_by_default(self) -> None:
        assert DEFAULT_MAX_BYTES == 20 * 1024 * 1024

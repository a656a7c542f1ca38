"""Generating strings that match simple regular expressions."""

import random
import re

import pytest

from domain.generation.patterns import string_matching


class TestStringMatching:
    @pytest.mark.parametrize(
        "pattern",
        [
            r"^abc$",
            r"^[A-Z][a-z]{2,5}$",
            r"^\d{3}-\d{2}-\d{4}$",
            r"^(?:red|green|blue)$",
            r"^[^0-9]+$",
            r"^\w+\.\w+$",
            r"^a*b+c?$",
            r"^[\-a-c]{4}$",
            r"^x{2,}?$",
            r"\.",
        ],
    )
    def test_gives_a_string_the_pattern_is_found_in(self, pattern: str) -> None:
        found = string_matching(pattern, random.Random(1))

        assert found is not None
        assert re.search(pattern, found)

    def test_stretches_quantifiers_to_reach_a_minimum_length(self) -> None:
        found = string_matching(r"^[a-z]+$", random.Random(2), min_length=9, max_length=12)

        assert found is not None
        assert 9 <= len(found) <= 12

    def test_gives_none_when_no_attempt_fits_the_length(self) -> None:
        assert string_matching(r"^\d{3}$", random.Random(3), min_length=5) is None

    @pytest.mark.parametrize(
        "pattern", [r"(?=a)b", r"(a)\1", r"(?P<x>a)", r"[", r"a{2,1}", r"\p{L}"]
    )
    def test_gives_none_for_a_pattern_beyond_its_reach(self, pattern: str) -> None:
        assert string_matching(pattern, random.Random(4)) is None

    def test_gives_the_same_string_for_the_same_seed(self) -> None:
        pattern = r"^[a-z]{4}-\d{4}$"

        first = string_matching(pattern, random.Random(7))

        assert first == string_matching(pattern, random.Random(7))

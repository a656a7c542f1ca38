"""The NUL guard on its own: which part of a request holds a NUL, named as a client sent it."""

import pytest

from interfaces.http.nul_guard import nul_problem


class TestNulProblem:
    @pytest.mark.parametrize(
        ("query", "field"),
        [
            (b"tag=a%00b", "tag"),
            (b"limit=5&method=%00", "method"),
            (b"path=%2Fpets%00", "path"),
            (b"a%00=1", "a\\x00"),
        ],
    )
    def test_names_the_query_parameter_that_holds_one(self, query: bytes, field: str) -> None:
        assert nul_problem("/projects", query) == (field, "query")

    def test_names_the_path_when_a_segment_holds_one(self) -> None:
        assert nul_problem("/projects/a\x00b", b"") == ("path", "path")

    @pytest.mark.parametrize("query", [b"", b"tag=pets&path=%2F00", b"q=%2500", b"x=%C3%A9"])
    def test_lets_everything_else_through(self, query: bytes) -> None:
        assert nul_problem("/projects/00/specs", query) is None

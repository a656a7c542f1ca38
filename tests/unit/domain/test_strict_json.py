"""Strict JSON: what every reader of the event log, and PostgreSQL's jsonb, takes back."""

import json

import pytest

from domain.shared.errors import InvalidValueError
from domain.shared.strict_json import MAX_DEPTH, json_problem, require_strict_json


def nested(levels: int) -> object:
    value: object = 1
    for _ in range(levels):
        value = [value]
    return value


class TestJsonProblem:
    def test_accepts_plain_json_of_every_kind(self) -> None:
        value = {"a": [1, 2.5, -0.0, 1e308, True, None, "text é 😀"], "b": {"c": ""}}
        assert json_problem(value) is None
        assert json_problem(nested(MAX_DEPTH)) is None

    @pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"])
    def test_refuses_a_number_json_cannot_hold_and_says_where(self, number: str) -> None:
        value = json.loads(
            '{"schema": {"items": [0, {"maximum": NUMBER}]}}'.replace("NUMBER", number)
        )

        assert json_problem(value) == (
            ".schema.items[1].maximum",
            f"is {float(number)!r}, which JSON cannot hold (RFC 8259)",
        )

    def test_refuses_nul_and_lone_surrogates_in_texts_and_in_names(self) -> None:
        where, why = json_problem({"a": ["x\x00"]})  # type: ignore[misc]
        assert where == ".a[0]" and "NUL" in why
        where, why = json_problem(["ok", "\ud800"])  # type: ignore[misc]
        assert where == "[1]" and "surrogate" in why
        where, why = json_problem({"ok": {"k\x00": 1}})  # type: ignore[misc]
        assert where == ".ok" and why.startswith("has a name that holds a NUL")

    def test_refuses_nesting_past_the_bound_even_past_what_python_can_recurse(self) -> None:
        where, why = json_problem(nested(MAX_DEPTH + 1))  # type: ignore[misc]
        assert where == "[0]" * MAX_DEPTH and why == f"nests deeper than {MAX_DEPTH} levels"
        assert json_problem(nested(100_000)) is not None

    def test_names_the_field_and_the_path_when_it_refuses(self) -> None:
        with pytest.raises(InvalidValueError) as refused:
            require_strict_json("endpoint", {"request_body": {"schema": {"maximum": float("nan")}}})
        assert refused.value.field == "endpoint.request_body.schema.maximum"


class TestSubclassesOfJsonTypes:
    def test_checks_enum_members_and_other_subclasses_as_their_values(self) -> None:
        from enum import StrEnum

        class Kind(StrEnum):
            PLAIN = "plain"
            BROKEN = "a\x00b"

        assert json_problem({"kind": Kind.PLAIN}) is None
        where, why = json_problem({"kind": Kind.BROKEN})  # type: ignore[misc]
        assert where == ".kind" and "NUL" in why

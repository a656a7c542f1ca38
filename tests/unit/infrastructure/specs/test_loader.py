"""Safe reading of uploaded bytes into JSON or YAML data."""

import time

import pytest

from domain.specifications.errors import SpecParseError
from domain.specifications.parsed import ParseIssue
from infrastructure.specs.loader import (
    load_document,
    load_embedded_json,
    load_json,
    load_yaml_document,
)


def refusal(action: object) -> ParseIssue:
    assert callable(action)
    with pytest.raises(SpecParseError) as caught:
        action()
    assert len(caught.value.issues) == 1
    return caught.value.issues[0]


class TestLoadJson:
    def test_reads_a_document(self) -> None:
        assert load_json('{"openapi": "3.0.0", "paths": {}}') == {"openapi": "3.0.0", "paths": {}}

    def test_keeps_the_last_of_duplicate_keys(self) -> None:
        assert load_json('{"a": 1, "a": 2}') == {"a": 2}

    def test_reports_the_line_and_column_of_a_syntax_error(self) -> None:
        issue = refusal(lambda: load_json('{\n  "a": 1,\n  "b" 2\n}'))

        assert issue == ParseIssue(
            "line 3, column 7", "invalid JSON: Expecting ':' delimiter at line 3, column 7"
        )

    def test_turns_non_finite_numbers_into_strings(self) -> None:
        assert load_json("[NaN, Infinity, -Infinity, 1e999]") == [
            "NaN",
            "Infinity",
            "-Infinity",
            "Infinity",
        ]

    def test_refuses_nesting_deeper_than_200_levels(self) -> None:
        issue = refusal(lambda: load_json("[" * 201 + "]" * 201))

        assert issue.message == "invalid JSON: the document is nested deeper than 200 levels"

    def test_accepts_nesting_of_exactly_200_levels(self) -> None:
        assert load_json("[" * 200 + "]" * 200) is not None

    def test_refuses_extreme_nesting_quickly(self) -> None:
        started = time.process_time()  # CPU, so a busy machine cannot fail it

        refusal(lambda: load_json("[" * 100_000 + "]" * 100_000))

        assert time.process_time() - started < 1.0


class TestLoadYamlDocument:
    def test_reads_keys_as_strings_like_json(self) -> None:
        document = load_yaml_document("responses:\n  200: ok\n  404: missing\n")

        assert document == {"responses": {"200": "ok", "404": "missing"}}

    def test_reads_scalars_the_yaml_12_way(self) -> None:
        document = load_yaml_document(
            "enum: [on, off, yes, no, true]\ndate: 2024-01-31\nmode: 0755\nhex: 0x1F\n"
        )

        assert document == {
            "enum": ["on", "off", "yes", "no", True],
            "date": "2024-01-31",
            "mode": "0755",
            "hex": 31,
        }

    def test_turns_non_json_values_into_json_ones(self) -> None:
        document = load_yaml_document(
            "nan: .nan\nblob: !!binary aGk=\nwhen: !!timestamp 2024-01-31\nset: !!set {b, a}\n"
        )

        assert document == {
            "nan": "NaN",
            "blob": "aGk=",
            "when": "2024-01-31",
            "set": ["a", "b"],
        }

    def test_keeps_the_last_of_duplicate_keys(self) -> None:
        assert load_yaml_document("a: 1\na: 2\n") == {"a": 2}

    def test_reports_the_line_and_column_of_a_syntax_error(self) -> None:
        issue = refusal(lambda: load_yaml_document("info:\n  title: Pets\n   version: 1\n"))

        assert issue.location == "line 3, column 11"
        assert issue.message == (
            "invalid YAML: mapping values are not allowed in this context at line 3, column 11"
        )

    def test_refuses_tags_that_would_build_python_objects(self) -> None:
        issue = refusal(lambda: load_yaml_document("a: !!python/object/apply:os.system [ls]\n"))

        assert issue.location == "line 1, column 4"
        assert "could not determine a constructor" in issue.message

    def test_refuses_several_documents_in_one_file(self) -> None:
        issue = refusal(lambda: load_yaml_document("a: 1\n---\nb: 2\n"))

        assert issue.location == "line 2, column 1"
        assert "expected a single document" in issue.message


class TestLoadDocument:
    def test_reads_yaml(self) -> None:
        assert load_document("openapi: 3.0.0\n") == {"openapi": "3.0.0"}

    def test_reads_json(self) -> None:
        assert load_document('  {"swagger": "2.0"}') == {"swagger": "2.0"}

    def test_falls_back_to_yaml_for_json_like_flow_yaml(self) -> None:
        assert load_document("{a: 1, b: [x, y]}") == {"a": 1, "b": ["x", "y"]}

    def test_reports_the_json_error_when_neither_reads(self) -> None:
        issue = refusal(lambda: load_document('{"a": 1 "b": 2}'))

        assert issue == ParseIssue(
            "line 1, column 9", "invalid JSON: Expecting ',' delimiter at line 1, column 9"
        )


class TestLoadEmbeddedJson:
    def test_gives_the_value_of_valid_json(self) -> None:
        assert load_embedded_json('{"id": 1}') == (True, {"id": 1})

    def test_gives_false_instead_of_raising(self) -> None:
        assert load_embedded_json("id=1") == (False, None)
        assert load_embedded_json("[" * 1000 + "]" * 1000) == (False, None)

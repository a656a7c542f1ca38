"""The single entry point of specification parsing, and its refusals."""

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.specifications.errors import SpecParseError
from domain.specifications.parsed import ParseIssue, SourceType
from infrastructure.specs.common import HTTP_METHODS
from infrastructure.specs.refs import external_reference
from infrastructure.specs.service import SpecificationParser

FIXTURES = Path(__file__).parents[3] / "fixtures" / "specs"
# The message of the catch-all; tests must never need it.
LAST_RESORT = "could not be read ("

parser = SpecificationParser()


def refusal(content: bytes, **options: Any) -> list[ParseIssue]:
    with pytest.raises(SpecParseError) as caught:
        parser.parse(content, **options)
    assert all(LAST_RESORT not in issue.message for issue in caught.value.issues)
    return caught.value.issues


class TestSpecificationParser:
    def test_parses_every_fixture(self) -> None:
        counts = {
            fixture.name: len(parser.parse(fixture.read_bytes()).endpoints)
            for fixture in sorted(FIXTURES.iterdir())
        }

        assert counts == {
            "commands.curl": 7,
            "library-3.1.json": 2,
            "petshop.postman_collection-2.1.json": 5,
            "petstore-3.0.yaml": 6,
            "petstore-swagger-2.0.json": 6,
            "shop-session.har": 3,
            "weather.postman_collection-2.0.json": 3,
        }

    def test_keeps_good_endpoints_and_lists_the_broken_ones(self) -> None:
        document = {
            "openapi": "3.0.0",
            "paths": {"/ok": {"get": {}}, "/broken": {"get": "nope", "put": []}},
        }

        spec = parser.parse(json.dumps(document).encode())

        assert [(e.method, e.path) for e in spec.endpoints] == [("GET", "/ok")]
        assert spec.issues == [
            ParseIssue("/paths/~1broken/get", "an operation must be an object"),
            ParseIssue("/paths/~1broken/put", "an operation must be an object"),
        ]

    def test_refuses_a_document_whose_every_operation_is_broken(self) -> None:
        issues = refusal(b'{"openapi": "3.0.0", "paths": {"/a": {"get": 1}}}')

        assert issues == [ParseIssue("/paths/~1a/get", "an operation must be an object")]

    def test_returns_an_empty_specification_for_a_valid_empty_document(self) -> None:
        spec = parser.parse(b"openapi: 3.1.0\ninfo: {title: Empty, version: '0'}\npaths: {}\n")

        assert (spec.title, spec.endpoints, spec.issues) == ("Empty", [], [])

    def test_refuses_a_file_over_the_size_limit(self) -> None:
        content = (FIXTURES / "petstore-3.0.yaml").read_bytes()

        issues = refusal(content, max_bytes=1024)

        assert issues == [
            ParseIssue("/", f"the file is {len(content)} bytes, over the limit of 1024 bytes")
        ]

    def test_refuses_a_yaml_alias_bomb_quickly(self) -> None:
        lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
        lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 12)]
        started = time.process_time()  # CPU, so a busy machine cannot fail it

        issues = refusal(("openapi: 3.0.0\n" + "\n".join(lines)).encode())

        assert time.process_time() - started < 0.5
        assert "aliases expand to more than" in issues[0].message

    def test_refuses_deep_nesting(self) -> None:
        issues = refusal(b'{"openapi": "3.0.0", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}")

        assert issues == [
            ParseIssue("/", "invalid JSON: the document is nested deeper than 200 levels")
        ]

    def test_refuses_invalid_yaml_with_line_and_column(self) -> None:
        issues = refusal(b"openapi: 3.0.0\npaths:\n  /a:\n    get: [\n")

        assert issues[0].location == "line 5, column 1"
        assert "line 5, column 1" in issues[0].message

    def test_refuses_invalid_json_with_line_and_column(self) -> None:
        issues = refusal(b'{\n  "openapi": "3.0.0",\n  "paths": {,}\n}')

        assert issues == [
            ParseIssue(
                "line 3, column 13",
                "invalid JSON: Expecting property name enclosed in double quotes"
                " at line 3, column 13",
            )
        ]

    def test_lists_a_cyclic_ref_as_an_issue(self) -> None:
        document = {
            "openapi": "3.0.0",
            "paths": {
                "/a": {
                    "get": {
                        "responses": {
                            "200": {
                                "description": "ok",
                                "content": {
                                    "application/json": {
                                        "schema": {"$ref": "#/components/schemas/A"}
                                    }
                                },
                            }
                        }
                    }
                }
            },
            "components": {
                "schemas": {
                    "A": {"$ref": "#/components/schemas/B"},
                    "B": {"$ref": "#/components/schemas/A"},
                }
            },
        }

        spec = parser.parse(json.dumps(document).encode())

        assert spec.issues == [
            ParseIssue(
                "/paths/~1a/get/responses/200/content/application~1json/schema",
                "cyclic $ref chain: #/components/schemas/A -> #/components/schemas/B"
                " -> #/components/schemas/A",
            )
        ]

    def test_lists_an_external_ref_as_an_issue_naming_it(self) -> None:
        spec = parser.parse(
            b"openapi: 3.0.0\npaths:\n  /a:\n    get:\n      parameters:\n"
            b"        - $ref: 'shared.yaml#/parameters/Page'\n"
        )

        assert spec.issues == [
            ParseIssue(
                "/paths/~1a/get/parameters/0",
                external_reference("shared.yaml#/parameters/Page"),
            )
        ]

    def test_refuses_an_unknown_format(self) -> None:
        issues = refusal(b"Dear API team,\nplease find our endpoints attached.\n")

        assert issues[0].message.startswith("the format is not recognised")

    def test_refuses_a_binary_file(self) -> None:
        issues = refusal(b"PK\x03\x04\x14\x00\x00\x00\x08\x00")

        assert issues == [ParseIssue("/", "the file is binary (it contains NUL bytes), not text")]

    def test_refuses_an_empty_file(self) -> None:
        assert refusal(b"") == [ParseIssue("/", "the file is empty")]

    def test_refuses_a_postman_collection_of_the_wrong_version(self) -> None:
        v1 = {"id": "c1", "name": "Old", "order": ["r1"], "requests": [{"id": "r1"}]}

        assert refusal(json.dumps(v1).encode()) == [
            ParseIssue("/", "Postman collection format v1 is not supported: export it as v2.1")
        ]

    def test_refuses_a_postman_collection_of_an_unknown_schema(self) -> None:
        document = {"info": {"_postman_id": "x", "name": "New", "schema": "urn:future"}, "item": []}

        assert refusal(json.dumps(document).encode()) == [
            ParseIssue(
                "/info/schema",
                "Postman collection schema 'urn:future' is not supported: expected v2.0 or v2.1",
            )
        ]


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["3.0.0", "3.1.0", "2.0", "#/components/schemas/A", "/a/{id}"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "openapi",
                    "swagger",
                    "info",
                    "paths",
                    "get",
                    "post",
                    "parameters",
                    "responses",
                    "$ref",
                    "schema",
                    "in",
                    "name",
                    "item",
                    "request",
                    "url",
                    "log",
                    "entries",
                    "components",
                    "schemas",
                    "security",
                    "type",
                    "requestBody",
                    "content",
                    "200",
                ]
            )
            | st.text(max_size=6),
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)
path_names = st.from_regex(r"/[a-z]{1,8}(/\{[a-z]{1,5}\})?", fullmatch=True)
methods = st.sets(st.sampled_from(HTTP_METHODS), min_size=1)


class TestSpecificationParserProperties:
    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(json_values, st.sampled_from([None, *SourceType]))
    def test_raises_nothing_but_spec_parse_error_on_any_json_value(
        self, value: Any, hint: SourceType | None
    ) -> None:
        try:
            parser.parse(json.dumps(value).encode(), format_hint=hint)
        except SpecParseError as error:
            assert all(LAST_RESORT not in issue.message for issue in error.issues)

    @settings(max_examples=150, deadline=None)
    @given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
    def test_raises_nothing_but_spec_parse_error_on_any_bytes(self, content: bytes) -> None:
        try:
            parser.parse(content)
        except SpecParseError as error:
            assert all(LAST_RESORT not in issue.message for issue in error.issues)

    @settings(max_examples=100, deadline=None)
    @given(st.text(alphabet="curl -XHd'\"$\\^`\n:/?=&{}#;|", max_size=120))
    def test_raises_nothing_but_spec_parse_error_on_shell_like_text(self, text: str) -> None:
        try:
            parser.parse(("curl " + text).encode())
        except SpecParseError as error:
            assert all(LAST_RESORT not in issue.message for issue in error.issues)

    @settings(max_examples=40, deadline=None)
    @given(st.dictionaries(path_names, methods, min_size=1, max_size=6), st.booleans())
    def test_reads_one_endpoint_per_path_and_method(
        self, paths: dict[str, set[str]], as_yaml: bool
    ) -> None:
        document = {
            "openapi": "3.0.3",
            "info": {"title": "Generated", "version": "1"},
            "paths": {
                path: {
                    "parameters": [
                        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                        for name in re.findall(r"{(\w+)}", path)
                    ],
                    **{method: {"responses": {"200": {"description": "ok"}}} for method in chosen},
                }
                for path, chosen in paths.items()
            },
        }
        content = (yaml.safe_dump(document) if as_yaml else json.dumps(document)).encode()

        spec = parser.parse(content)

        expected = sorted(
            (method.upper(), path) for path, chosen in paths.items() for method in chosen
        )
        assert sorted((e.method, e.path) for e in spec.endpoints) == expected
        assert spec.issues == []


class TestSpecificationParserPerformance:
    def test_parses_a_thousand_operations_with_deep_shared_schemas_quickly(self) -> None:
        depth = 12
        schemas: dict[str, Any] = {}
        for index in range(240):
            properties: dict[str, Any] = {"id": {"type": "integer"}, "name": {"type": "string"}}
            if index % depth < depth - 1:
                child = {"$ref": f"#/components/schemas/S{index + 1}"}
                properties["child"] = child
                properties["children"] = {"type": "array", "items": child}
            schemas[f"S{index}"] = {"type": "object", "properties": properties}
        paths: dict[str, Any] = {}
        for number in range(250):
            ref = {"$ref": f"#/components/schemas/S{(number * depth) % 240}"}
            answer = {"description": "ok", "content": {"application/json": {"schema": ref}}}
            paths[f"/r{number}"] = {
                "get": {"responses": {"200": answer}},
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": ref}}},
                    "responses": {"201": answer},
                },
            }
            paths[f"/r{number}/{{id}}"] = {
                "parameters": [{"name": "id", "in": "path", "required": True}],
                "get": {"responses": {"200": answer}},
                "delete": {"responses": {"204": {"description": "gone"}}},
            }
        content = json.dumps(
            {"openapi": "3.0.3", "paths": paths, "components": {"schemas": schemas}}
        ).encode()
        # CPU time of this process, not wall time: the guard is against an expansion that
        # grows with depth, and a machine busy with other work must not fail it.
        started = time.process_time()

        spec = parser.parse(content)

        assert time.process_time() - started < 2.0
        assert len(spec.endpoints) == 1000
        assert spec.issues == []

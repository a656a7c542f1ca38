"""Conformance of responses to the operation that documents them."""

from typing import Any

from infrastructure.execution.conformance import OpenApiConformance
from infrastructure.execution.schemas import SchemaCache, schema_errors

_DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Pets", "version": "1"},
    "components": {"responses": {"Unauthorized": {"description": "who?", "content": {}}}},
    "paths": {
        "/pets/{id}": {
            "delete": {
                "responses": {
                    "204": {"description": "gone", "content": {}},
                    "401": {"$ref": "#/components/responses/Unauthorized"},
                    "404": {"description": "none", "content": {"application/json": {}}},
                    "200": {
                        "description": "the pet",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                }
            }
        }
    },
}


def _errors(status: int, content_type: str = "", body: bytes = b"") -> list[str]:
    return OpenApiConformance(_DOCUMENT).errors("DELETE /pets/{id}", status, content_type, {}, body)


class TestEmptyBodies:
    def test_accepts_an_empty_body_where_the_content_is_documented_empty(self) -> None:
        assert _errors(204) == []

    def test_accepts_an_empty_body_for_a_referenced_response_without_content(self) -> None:
        assert _errors(401) == []

    def test_accepts_an_empty_body_for_a_media_type_without_a_schema(self) -> None:
        assert _errors(404, "application/json") == []

    def test_still_requires_the_body_a_schema_describes(self) -> None:
        assert _errors(200, "application/json") == ["Missing response data"]

    def test_still_checks_a_body_against_its_schema(self) -> None:
        assert _errors(200, "application/json", b"[1]") != []


class TestOperationsWithoutResponses:
    def test_an_openapi_3_1_operation_without_responses_promises_nothing_to_break(self) -> None:
        # oas-examples' 3.1 schema-types documents no `responses` for POST /anything/strings;
        # every case failed with "KeyError: 'responses'" from the validator.
        document = {
            "openapi": "3.1.0",
            "info": {"title": "Strings", "version": "1"},
            "paths": {"/anything/strings": {"post": {"summary": "String support"}}},
        }

        found = OpenApiConformance(document).errors(
            "POST /anything/strings", 200, "application/json", {}, b'{"a": 1}'
        )

        assert found == []


class TestMediaTypeSpelling:
    def test_a_charset_differing_only_in_case_is_the_documented_media_type(self) -> None:
        # xtrf.eu documents "application/vnd.xtrf-v1+json;charset=UTF-8"; a server (Prism)
        # answers "...;charset=utf-8", the same media type (RFC 9110 8.3.1).
        media = "application/vnd.xtrf-v1+json;charset=UTF-8"
        document = {
            "openapi": "3.0.3",
            "info": {"title": "Hooks", "version": "1"},
            "paths": {
                "/subscription": {
                    "post": {
                        "responses": {
                            "201": {
                                "description": "subscribed",
                                "content": {media: {"schema": {"type": "object"}}},
                            }
                        }
                    }
                }
            },
        }
        conformance = OpenApiConformance(document)

        def errors(content_type: str, body: bytes) -> list[str]:
            return conformance.errors("POST /subscription", 201, content_type, {}, body)

        assert errors("application/vnd.xtrf-v1+json;charset=utf-8", b'{"id": 1}') == []
        assert errors("application/vnd.xtrf-v1+json; charset=utf-8", b"[1]") != []


class TestWriteOnlyProperties:
    def test_a_write_only_property_in_a_response_breaks_no_constraint(self) -> None:
        # OpenAPI 3.0: it "SHOULD NOT" be sent in a response (a recommendation); Prism
        # accepted oas-examples' schema-visibility response that carries one.
        schema = {
            "type": "object",
            "properties": {
                "secret": {"type": "string", "writeOnly": True},
                "id": {"type": "integer"},
            },
        }
        document = {
            "openapi": "3.0.3",
            "info": {"title": "Visibility", "version": "1"},
            "paths": {
                "/": {
                    "post": {
                        "responses": {
                            "200": {
                                "description": "ok",
                                "content": {"application/json": {"schema": schema}},
                            }
                        }
                    }
                }
            },
        }
        conformance = OpenApiConformance(document)

        def errors(body: bytes) -> list[str]:
            return conformance.errors("POST /", 200, "application/json", {}, body)

        assert errors(b'{"secret": "s", "id": 1}') == []
        assert errors(b'{"secret": "s", "id": "one"}') != []


class TestSchemaCheckOfWriteOnly:
    def test_the_schema_check_passes_a_write_only_property_too(self) -> None:
        cache = SchemaCache({"openapi": "3.0.3"})
        schema = {"type": "object", "properties": {"secret": {"type": "string", "writeOnly": True}}}

        assert schema_errors(cache.validator(schema), {"secret": "s"}) == []
        assert schema_errors(cache.validator(schema), {"secret": 1}) != []


class TestLongSchemaMessages:
    def test_a_long_value_is_cut_in_the_middle_so_the_reason_stays(self) -> None:
        # soundcloud: an object where an array is documented; the message was cut before
        # "is not of type 'array'", so neither a user nor the oracle could read why.
        cache = SchemaCache({"openapi": "3.0.3"})
        track = {f"field{index}": "x" * 20 for index in range(30)}

        (message,) = schema_errors(cache.validator({"type": "array"}), track)

        assert message.startswith("$: {'field0'")
        assert message.endswith("is not of type 'array'")
        assert len(message) < 220

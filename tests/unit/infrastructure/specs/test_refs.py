"""Resolution of $ref pointers inside one document."""

import json
import time
from typing import Any

import pytest

from domain.specifications.parsed import ParseIssue
from infrastructure.specs.common import InvalidNode
from infrastructure.specs.refs import MAX_INLINE_NODES, RefResolver, external_reference


def resolver_for(document: dict[str, Any]) -> tuple[RefResolver, list[ParseIssue]]:
    issues: list[ParseIssue] = []
    return RefResolver(document, issues), issues


def refs_in(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(refs_in(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(refs_in(value) for value in node))
    return set()


PET = {"type": "object", "properties": {"name": {"type": "string", "minLength": 1}}}


class TestRefResolverSchema:
    def test_inlines_a_component_schema(self) -> None:
        resolver, issues = resolver_for({"components": {"schemas": {"Pet": PET}}})

        schema = resolver.schema(
            {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}, "/x"
        )

        assert schema == {"type": "array", "items": PET}
        assert issues == []

    def test_inlines_swagger_definitions(self) -> None:
        resolver, _ = resolver_for({"definitions": {"Pet": PET}})

        assert resolver.schema({"$ref": "#/definitions/Pet"}, "/x") == PET

    def test_inlines_root_defs_and_nested_pointers(self) -> None:
        resolver, issues = resolver_for(
            {
                "$defs": {"Id": {"type": "integer"}},
                "components": {"schemas": {"Pet": PET}},
            }
        )

        schema = resolver.schema(
            {
                "properties": {
                    "id": {"$ref": "#/$defs/Id"},
                    "name": {"$ref": "#/components/schemas/Pet/properties/name"},
                }
            },
            "/x",
        )

        assert schema == {
            "properties": {"id": {"type": "integer"}, "name": {"type": "string", "minLength": 1}}
        }
        assert issues == []

    def test_decodes_escaped_pointer_tokens(self) -> None:
        resolver, _ = resolver_for({"paths": {"/pets": {"x-schema": {"type": "string"}}}})

        assert resolver.schema({"$ref": "#/paths/~1pets/x-schema"}, "/x") == {"type": "string"}

    def test_lets_siblings_of_a_ref_override_the_target(self) -> None:
        resolver, _ = resolver_for({"components": {"schemas": {"Pet": PET}}})

        schema = resolver.schema({"$ref": "#/components/schemas/Pet", "description": "A pet"}, "/x")

        assert schema == {**PET, "description": "A pet"}

    def test_shares_one_expansion_between_every_use(self) -> None:
        resolver, _ = resolver_for({"components": {"schemas": {"Pet": PET}}})

        first = resolver.schema({"$ref": "#/components/schemas/Pet"}, "/a")
        second = resolver.schema({"$ref": "#/components/schemas/Pet"}, "/b")

        assert first is second

    def test_leaves_example_values_untouched(self) -> None:
        resolver, issues = resolver_for({})
        schema = {"type": "object", "example": {"$ref": "not a reference"}}

        assert resolver.schema(schema, "/x") == schema
        assert issues == []

    def test_expands_a_recursive_schema_once_and_keeps_its_inner_ref(self) -> None:
        tree = {
            "type": "object",
            "properties": {
                "value": {"type": "integer"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}},
            },
        }
        resolver, issues = resolver_for({"components": {"schemas": {"Tree": tree}}})

        schema = resolver.schema({"$ref": "#/components/schemas/Tree"}, "/x")

        assert schema == tree
        assert resolver.kept_schemas() == {"#/components/schemas/Tree": tree}
        assert issues == []

    def test_keeps_refs_between_mutually_recursive_schemas(self) -> None:
        person = {"properties": {"pets": {"items": {"$ref": "#/components/schemas/Pet"}}}}
        pet = {"properties": {"owner": {"$ref": "#/components/schemas/Person"}}}
        resolver, issues = resolver_for({"components": {"schemas": {"Person": person, "Pet": pet}}})

        schema = resolver.schema({"$ref": "#/components/schemas/Person"}, "/x")

        assert schema == person
        assert resolver.kept_schemas() == {
            "#/components/schemas/Person": person,
            "#/components/schemas/Pet": pet,
        }
        assert issues == []

    def test_reports_a_cyclic_chain_of_refs_and_gives_an_empty_schema(self) -> None:
        resolver, issues = resolver_for(
            {
                "components": {
                    "schemas": {
                        "A": {"$ref": "#/components/schemas/B"},
                        "B": {"$ref": "#/components/schemas/A"},
                    }
                }
            }
        )

        schema = resolver.schema({"$ref": "#/components/schemas/A"}, "/paths/~1a/get/x")

        assert schema == {}
        assert issues == [
            ParseIssue(
                "/paths/~1a/get/x",
                "cyclic $ref chain: #/components/schemas/A -> #/components/schemas/B"
                " -> #/components/schemas/A",
            )
        ]

    def test_reports_an_external_ref_without_fetching_it(self) -> None:
        resolver, issues = resolver_for({})

        schema = resolver.schema(
            {"properties": {"owner": {"$ref": "https://example.com/owner.json"}}}, "/s"
        )

        assert schema == {"properties": {"owner": {"$ref": "https://example.com/owner.json"}}}
        assert issues == [
            ParseIssue(
                "/s/properties/owner",
                external_reference("https://example.com/owner.json"),
            )
        ]

    def test_reports_an_external_ref_inside_a_component_where_it_is(self) -> None:
        resolver, issues = resolver_for(
            {"components": {"schemas": {"Pet": {"items": {"$ref": "common.yaml#/Tag"}}}}}
        )

        resolver.schema({"$ref": "#/components/schemas/Pet"}, "/a")
        resolver.schema({"$ref": "#/components/schemas/Pet"}, "/b")

        assert issues == [
            ParseIssue(
                "/components/schemas/Pet/items",
                external_reference("common.yaml#/Tag"),
            )
        ]

    def test_reports_a_ref_to_nothing(self) -> None:
        resolver, issues = resolver_for({"components": {"schemas": {}}})

        assert resolver.schema({"$ref": "#/components/schemas/Gone"}, "/x") == {}
        assert issues == [
            ParseIssue("/x", "reference '#/components/schemas/Gone' points at nothing")
        ]

    def test_reads_boolean_schemas(self) -> None:
        resolver, _ = resolver_for({})

        assert resolver.schema(True, "/x") == {}
        assert resolver.schema(False, "/x") == {"not": {}}

    def test_bounds_an_exponential_expansion_and_keeps_every_ref_it_leaves(self) -> None:
        width = 40
        schemas: dict[str, Any] = {"Leaf": {"type": "string"}}
        for level in range(1, 6):
            below = f"L{level - 1}" if level > 1 else "Leaf"
            schemas[f"L{level}"] = {
                "properties": {
                    f"p{i}": {"$ref": f"#/components/schemas/{below}"} for i in range(width)
                }
            }
        resolver, issues = resolver_for({"components": {"schemas": schemas}})

        schema = resolver.schema({"$ref": "#/components/schemas/L5"}, "/x")
        kept = resolver.kept_schemas()

        assert len(json.dumps(schema)) < 100 * MAX_INLINE_NODES
        assert "#/components/schemas/L4" in kept
        left = refs_in(schema) | {ref for value in kept.values() for ref in refs_in(value)}
        assert left <= set(kept)
        assert issues == []


class TestRefResolverDeref:
    def test_follows_a_ref_to_its_target_and_pointer(self) -> None:
        parameter = {"name": "limit", "in": "query"}
        resolver, _ = resolver_for({"components": {"parameters": {"Limit": parameter}}})

        found = resolver.deref({"$ref": "#/components/parameters/Limit"}, "/paths/~1a/get")

        assert found == (parameter, "/components/parameters/Limit")

    def test_gives_objects_without_ref_back_unchanged(self) -> None:
        resolver, _ = resolver_for({})

        assert resolver.deref({"name": "x"}, "/p") == ({"name": "x"}, "/p")

    @pytest.mark.parametrize(
        ("reference", "message"),
        [
            ("other.yaml#/components/parameters/Limit", "external reference"),
            ("#/components/parameters/Nope", "points at nothing"),
            ("#/components/parameters/Loop", r"cyclic \$ref chain"),
        ],
    )
    def test_refuses_broken_refs(self, reference: str, message: str) -> None:
        resolver, _ = resolver_for(
            {"components": {"parameters": {"Loop": {"$ref": "#/components/parameters/Loop"}}}}
        )

        with pytest.raises(InvalidNode, match=message) as caught:
            resolver.deref({"$ref": reference}, "/paths/~1a/get/parameters/0")

        assert caught.value.pointer == "/paths/~1a/get/parameters/0"


class TestRefResolverPerformance:
    def test_expands_a_deep_chain_of_a_thousand_schemas_without_recursion_errors(self) -> None:
        schemas: dict[str, Any] = {
            f"S{i}": {"properties": {"next": {"$ref": f"#/components/schemas/S{i + 1}"}}}
            for i in range(1000)
        }
        schemas["S1000"] = {"type": "string"}
        resolver, issues = resolver_for({"components": {"schemas": schemas}})
        started = time.process_time()  # CPU, so a busy machine cannot fail it

        schema = resolver.schema({"$ref": "#/components/schemas/S0"}, "/x")
        kept = resolver.kept_schemas()

        assert time.process_time() - started < 1.0
        assert issues == []
        assert "properties" in schema
        assert all(ref.startswith("#/components/schemas/S") for ref in kept)

"""JSON pointer lookup, subschema discovery and reference cycles."""

from infrastructure.specs.refgraph import lookup, references_in, strongly_connected


class TestLookup:
    def test_finds_a_node_by_pointer(self) -> None:
        document = {"components": {"schemas": {"Pet": {"type": "object"}}}}

        assert lookup(document, "#/components/schemas/Pet") == (
            {"type": "object"},
            "/components/schemas/Pet",
        )

    def test_reads_escaped_and_percent_encoded_tokens(self) -> None:
        document = {"paths": {"/pets/{id}": {"a~b": 1}}}

        assert lookup(document, "#/paths/~1pets~1%7Bid%7D/a~0b") == (1, "/paths/~1pets~1{id}/a~0b")

    def test_indexes_into_lists(self) -> None:
        assert lookup({"tags": ["a", "b"]}, "#/tags/1") == ("b", "/tags/1")

    def test_gives_the_whole_document_for_a_bare_hash(self) -> None:
        assert lookup({"a": 1}, "#") == ({"a": 1}, "")

    def test_explains_a_pointer_to_nothing(self) -> None:
        assert lookup({"tags": ["a"]}, "#/tags/5") == "reference '#/tags/5' points at nothing"

    def test_explains_that_anchors_are_not_resolved(self) -> None:
        assert lookup({}, "#node") == (
            "reference '#node' is not a JSON pointer (anchors are not resolved)"
        )


class TestReferencesIn:
    def test_lists_refs_in_subschemas_only(self) -> None:
        schema = {
            "allOf": [{"$ref": "#/a"}],
            "properties": {"x": {"items": {"$ref": "#/b"}}},
            "example": {"$ref": "#/not-a-schema"},
        }

        assert sorted(references_in(schema)) == ["#/a", "#/b"]


class TestStronglyConnected:
    def test_groups_cycles_and_gives_leaves_first(self) -> None:
        graph = {"a": ["b"], "b": ["c", "a"], "c": ["d"], "d": []}

        groups = strongly_connected("a", graph.__getitem__, lambda node: False)

        assert [sorted(group) for group in groups] == [["d"], ["c"], ["a", "b"]]

    def test_skips_nodes_already_done(self) -> None:
        graph = {"a": ["b"], "b": ["c"], "c": []}

        groups = strongly_connected("a", graph.__getitem__, lambda node: node == "b")

        assert groups == [["a"]]

    def test_walks_a_long_chain_without_recursion(self) -> None:
        def successors(node: str) -> list[str]:
            number = int(node)
            return [str(number + 1)] if number < 10_000 else []

        groups = strongly_connected("0", successors, lambda node: False)

        assert len(groups) == 10_001
        assert groups[0] == ["10000"]

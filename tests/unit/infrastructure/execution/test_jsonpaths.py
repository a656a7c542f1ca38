"""JSONPaths: the plain ones walked directly, the rest through python-jsonpath, alike."""

import jsonpath
import pytest

from infrastructure.execution.jsonpaths import CompiledPath, InvalidJsonPathError

DOCUMENT = {"data": {"items": [{"id": 1, "tags": ["a"]}, {"id": 2}]}, "odd key": True}


class TestCompiledPath:
    @pytest.mark.parametrize(
        ("path", "found"),
        [
            ("$.data.items[0].id", [1]),
            ("$.data.items[-1].id", [2]),
            ("$['odd key']", [True]),
            ("$.data.items[5].id", []),
            ("$.data.missing", []),
            ("$.data.items.id", []),
            ("$", [DOCUMENT]),
        ],
    )
    def test_walks_a_plain_path_to_the_one_value_it_names(self, path: str, found: list) -> None:
        compiled = CompiledPath(path)
        assert (compiled.find(DOCUMENT), compiled.singular) == (found, True)

    def test_gives_every_match_of_a_wildcard_in_document_order(self) -> None:
        compiled = CompiledPath("$.data.items[*].id")
        assert (compiled.find(DOCUMENT), compiled.singular) == ([1, 2], False)

    def test_finds_descendants_and_filters_as_rfc_9535_says(self) -> None:
        assert CompiledPath("$..id").find(DOCUMENT) == [1, 2]
        assert CompiledPath("$.data.items[?@.id > 1].id").find(DOCUMENT) == [2]

    @pytest.mark.parametrize(
        "path", ["$.data.items[0].id", "$.data.items[-1]", "$['odd key']", "$.data.nope[0]"]
    )
    def test_walks_a_plain_path_as_the_library_would(self, path: str) -> None:
        assert CompiledPath(path).find(DOCUMENT) == jsonpath.findall(path, DOCUMENT)

    @pytest.mark.parametrize("path", ["data.items", "$.data[", "$[?@.id >]"])
    def test_refuses_a_path_that_does_not_parse_saying_which(self, path: str) -> None:
        with pytest.raises(InvalidJsonPathError, match="JSONPath"):
            CompiledPath(path)

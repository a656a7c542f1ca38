"""The walk over paths, and server URLs."""

from domain.specifications.parsed import ParseIssue
from infrastructure.specs.operations import (
    duplicate_operation_ids,
    openapi3_servers,
    operation_sites,
    swagger2_servers,
)
from infrastructure.specs.refs import RefResolver


class TestOperationSites:
    def test_yields_operations_skipping_extensions_and_path_level_keys(self) -> None:
        document = {
            "paths": {
                "x-internal": {"get": {}},
                "/a": {"summary": "A", "parameters": [], "get": {}, "x-note": 1, "post": {}},
            }
        }
        issues: list[ParseIssue] = []

        sites = list(operation_sites(document["paths"], RefResolver(document, issues), issues))

        assert [(s.path, s.method, s.pointer) for s in sites] == [
            ("/a", "get", "/paths/~1a/get"),
            ("/a", "post", "/paths/~1a/post"),
        ]
        assert sites[0].path_item_pointer == "/paths/~1a"
        assert issues == []

    def test_follows_a_path_item_reference(self) -> None:
        document = {
            "paths": {"/b": {"$ref": "#/components/pathItems/B"}},
            "components": {"pathItems": {"B": {"delete": {"operationId": "dropB"}}}},
        }
        issues: list[ParseIssue] = []

        sites = list(operation_sites(document["paths"], RefResolver(document, issues), issues))

        assert [(s.path, s.method, s.operation) for s in sites] == [
            ("/b", "delete", {"operationId": "dropB"})
        ]

    def test_notes_malformed_path_items(self) -> None:
        document = {"paths": {"/a": [], "/b": {"$ref": "#/nowhere"}}}
        issues: list[ParseIssue] = []

        assert list(operation_sites(document["paths"], RefResolver(document, issues), issues)) == []
        assert issues == [
            ParseIssue("/paths/~1a", "a path item must be an object"),
            ParseIssue("/paths/~1b", "reference '#/nowhere' points at nothing"),
        ]

    def test_flags_duplicate_operation_ids(self) -> None:
        document = {
            "paths": {"/a": {"get": {"operationId": "x"}}, "/b": {"get": {"operationId": "x"}}}
        }
        issues: list[ParseIssue] = []
        sites = list(operation_sites(document["paths"], RefResolver(document, issues), issues))

        assert duplicate_operation_ids(sites) == [
            ParseIssue("/paths/~1b/get/operationId", "duplicate operationId 'x'")
        ]


class TestServers:
    def test_substitutes_openapi_3_variables(self) -> None:
        issues: list[ParseIssue] = []
        servers = [
            {
                "url": "{scheme}://{region}.example.com:{port}/v1",
                "variables": {
                    "scheme": {"default": "https"},
                    "region": {"default": "eu", "enum": ["eu", "us"]},
                    "port": {"default": "443"},
                },
            },
            {"description": "no url"},
        ]

        assert openapi3_servers(servers, "/servers", issues) == ["https://eu.example.com:443/v1"]
        assert issues == [ParseIssue("/servers/1", "a server needs a url")]

    def test_builds_swagger_servers_defaulting_to_https(self) -> None:
        assert swagger2_servers({"host": "api.example.com", "basePath": "/v2"}) == [
            "https://api.example.com/v2"
        ]
        assert swagger2_servers({"host": "h", "schemes": ["http", "ws"]}) == ["http://h", "ws://h"]
        assert swagger2_servers({}) == []

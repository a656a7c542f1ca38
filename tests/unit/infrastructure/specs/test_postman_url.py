"""Postman request URLs: server, path template and parameters."""

from typing import Any

from domain.specifications.parsed import ParameterLocation
from infrastructure.specs.postman_url import read_url


def rows(
    url: object, variables: dict[str, object] | None = None
) -> tuple[str, str, list[tuple[Any, ...]]]:
    found = read_url(url, variables or {})
    return (
        found.server,
        found.path,
        [(p.name, p.location.value, p.required, p.examples) for p in found.parameters],
    )


class TestReadUrl:
    def test_reads_a_raw_string_url(self) -> None:
        assert rows("https://api.example.com:8443/v1/pets?limit=5#top") == (
            "https://api.example.com:8443",
            "/v1/pets",
            [("limit", "query", False, ["5"])],
        )

    def test_keeps_a_variable_host_as_the_server(self) -> None:
        assert rows("{{baseUrl}}/pets") == ("{{baseUrl}}", "/pets", [])

    def test_assumes_http_for_a_host_without_protocol(self) -> None:
        assert rows("example.com/a") == ("http://example.com", "/a", [])

    def test_turns_colon_segments_into_path_parameters_with_their_values(self) -> None:
        url = {
            "raw": "{{baseUrl}}/pets/:petId",
            "host": ["{{baseUrl}}"],
            "path": ["pets", ":petId"],
            "variable": [{"key": "petId", "value": "42"}],
        }

        assert rows(url) == ("{{baseUrl}}", "/pets/{petId}", [("petId", "path", True, ["42"])])

    def test_turns_whole_variable_segments_into_path_parameters(self) -> None:
        assert rows("{{baseUrl}}/users/{{userId}}/v{{version}}", {"userId": "u1"}) == (
            "{{baseUrl}}",
            "/users/{userId}/v{{version}}",
            [("userId", "path", True, ["u1"])],
        )

    def test_joins_host_parts_and_reads_structured_query(self) -> None:
        url = {
            "protocol": "https",
            "host": ["api", "example", "com"],
            "path": ["search"],
            "query": [{"key": "q", "value": "cats"}, {"key": None, "value": "orphan"}],
        }

        assert rows(url) == (
            "https://api.example.com",
            "/search",
            [("q", "query", False, ["cats"])],
        )

    def test_gives_the_root_path_for_a_bare_host(self) -> None:
        assert rows("{{baseUrl}}") == ("{{baseUrl}}", "/", [])

    def test_reads_path_parameters_once_even_if_repeated(self) -> None:
        found = read_url("https://h/:id/copy/:id", {})

        assert found.path == "/{id}/copy/{id}"
        assert [(p.name, p.location) for p in found.parameters] == [("id", ParameterLocation.Path)]

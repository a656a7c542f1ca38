"""Postman auth objects turned into security schemes without their secrets."""

import pytest

from domain.specifications.parsed import ParsedSecurityScheme, ParseIssue
from infrastructure.specs.postman_auth import INHERIT, auth_parameters, auth_scheme


def read(node: object) -> ParsedSecurityScheme | str | None:
    issues: list[ParseIssue] = []
    found = auth_scheme(node, "/auth", issues)
    assert issues == []
    return found


class TestAuthScheme:
    def test_reads_v21_bearer_keeping_a_placeholder_token(self) -> None:
        node = {"type": "bearer", "bearer": [{"key": "token", "value": "{{token}}"}]}

        assert read(node) == ParsedSecurityScheme(
            "", "http", scheme="bearer", configuration={"token": "{{token}}"}
        )

    def test_drops_a_literal_bearer_token(self) -> None:
        node = {"type": "bearer", "bearer": [{"key": "token", "value": "eyJhbGciOi.x.y"}]}

        assert read(node) == ParsedSecurityScheme("", "http", scheme="bearer")

    def test_reads_v20_basic_settings_given_as_an_object(self) -> None:
        node = {"type": "basic", "basic": {"username": "ada", "password": "{{password}}"}}

        assert read(node) == ParsedSecurityScheme(
            "", "http", scheme="basic", configuration={"password": "{{password}}"}
        )

    def test_reads_an_api_key_in_the_query(self) -> None:
        node = {
            "type": "apikey",
            "apikey": [{"key": "key", "value": "api_key"}, {"key": "in", "value": "query"}],
        }

        assert read(node) == ParsedSecurityScheme(
            "", "apiKey", in_="query", parameter_name="api_key"
        )

    def test_reads_oauth2_as_a_flow_with_urls_and_scopes(self) -> None:
        node = {
            "type": "oauth2",
            "oauth2": [
                {"key": "grant_type", "value": "client_credentials"},
                {"key": "accessTokenUrl", "value": "https://auth.example.com/token"},
                {"key": "clientSecret", "value": "never-kept"},
                {"key": "scope", "value": "read write"},
            ],
        }

        assert read(node) == ParsedSecurityScheme(
            "",
            "oauth2",
            configuration={
                "flows": {
                    "clientCredentials": {
                        "tokenUrl": "https://auth.example.com/token",
                        "scopes": {"read": "", "write": ""},
                    }
                }
            },
        )

    def test_reads_other_header_schemes_as_http(self) -> None:
        assert read({"type": "awsv4", "awsv4": []}) == ParsedSecurityScheme(
            "", "http", scheme="awsv4"
        )

    @pytest.mark.parametrize("node", [None, {"type": "inherit"}, {}])
    def test_inherits_when_no_auth_is_set(self, node: object) -> None:
        assert read(node) == INHERIT

    def test_gives_none_for_noauth(self) -> None:
        assert read({"type": "noauth"}) is None

    def test_notes_an_unsupported_type_and_inherits(self) -> None:
        issues: list[ParseIssue] = []

        assert auth_scheme({"type": "telepathy"}, "/item/0/request/auth", issues) == INHERIT
        assert issues == [
            ParseIssue("/item/0/request/auth/type", "auth type 'telepathy' is not supported")
        ]


class TestAuthParameters:
    def test_reads_key_value_lists_and_objects_alike(self) -> None:
        assert auth_parameters([{"key": "token", "value": "t"}, {"value": "orphan"}]) == {
            "token": "t"
        }
        assert auth_parameters({"token": "t"}) == {"token": "t"}
        assert auth_parameters("nonsense") == {}

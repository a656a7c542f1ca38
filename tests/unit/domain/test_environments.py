"""The ExecutionEnvironment aggregate: what it refuses before an event could carry it."""

from typing import Any
from uuid import uuid4

import pytest

from domain.environments.model import ExecutionEnvironment
from domain.shared.errors import InvalidValueError
from tests.unit.builders import a_meta

NUL = "\u0000"


def an_environment(**fields: Any) -> ExecutionEnvironment:
    values: dict[str, Any] = {
        "name": "staging",
        "base_url": "https://staging.example.com",
        "variables": [],
        "headers": {},
        "auth": {"type": "none"},
        **fields,
    }
    return ExecutionEnvironment.start(project_id=uuid4(), meta=a_meta(), **values)


def refused_field(**fields: Any) -> str:
    """This function will give the field named when both start and change refuse the fields."""
    with pytest.raises(InvalidValueError) as started:
        an_environment(**fields)
    with pytest.raises(InvalidValueError) as changed:
        an_environment().change(meta=a_meta(), **fields)
    assert started.value.field == changed.value.field
    return started.value.field


class TestNulCharacters:
    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({"name": f"sta{NUL}ging"}, "name"),
            ({"base_url": f"https://staging.example.com/{NUL}"}, "base_url"),
            ({"headers": {"X-Tenant": f"a{NUL}b"}}, "headers.X-Tenant"),
            ({"headers": {f"X-Ten{NUL}ant": "a"}}, "headers"),
            ({"variables": [{"name": "user", "value": f"al{NUL}ice"}]}, "variables.0.value"),
            ({"variables": [{"name": f"us{NUL}er", "value": "alice"}]}, "variables.0.name"),
            ({"auth": {"type": "basic", "username": f"al{NUL}", "password": "s"}}, "auth.username"),
            (
                {"auth": {"type": "api_key", "in": "header", "name": f"X{NUL}", "value": "s"}},
                "auth.name",
            ),
            (
                {
                    "auth": {
                        "type": "oauth2_client_credentials",
                        "token_url": "https://auth.example.com/token",
                        "client_id": "id",
                        "client_secret": "s",
                        "scope": f"read{NUL}",
                    }
                },
                "auth.scope",
            ),
        ],
    )
    def test_refuses_nul_in_every_stored_text_naming_the_field(
        self, fields: dict[str, Any], field: str
    ) -> None:
        assert refused_field(**fields) == field


class TestBounds:
    def test_refuses_more_than_100_headers(self) -> None:
        assert refused_field(headers={f"X-H{i}": "v" for i in range(101)}) == "headers"

    def test_refuses_a_header_name_longer_than_256_characters(self) -> None:
        assert refused_field(headers={"X" * 257: "v"}) == "headers"

    def test_refuses_a_header_value_longer_than_8192_characters(self) -> None:
        assert refused_field(headers={"X-Big": "v" * 8193}) == "headers.X-Big"

    def test_refuses_an_auth_field_longer_than_8192_characters(self) -> None:
        auth = {"type": "basic", "username": "u" * 8193, "password": "s"}
        assert refused_field(auth=auth) == "auth.username"

    def test_refuses_a_variable_value_longer_than_10000_characters(self) -> None:
        variables = [{"name": "big", "value": "v" * 10_001}]
        assert refused_field(variables=variables) == "variables.0.value"

    def test_accepts_values_at_the_bounds(self) -> None:
        env = an_environment(
            headers={f"X-H{i}": "v" for i in range(99)} | {"X" * 256: "v" * 8192},
            auth={"type": "basic", "username": "u" * 8192, "password": "s"},
            variables=[{"name": "big", "value": " v " * 3333}],
        )
        assert len(env.headers) == 100
        assert env.variables[0]["value"] == " v " * 3333


class TestNames:
    @pytest.mark.parametrize("name", ["api-key", "a.b", "_x", "A1_b-c.d"])
    def test_accepts_variable_names_with_dots_and_dashes(self, name: str) -> None:
        env = an_environment(variables=[{"name": name, "value": "v"}])
        assert env.variables == [{"name": name, "value": "v", "secret": False}]

    @pytest.mark.parametrize("name", ["user\n", "1st", "a b", "-a", ""])
    def test_refuses_a_malformed_variable_name(self, name: str) -> None:
        assert refused_field(variables=[{"name": name, "value": "v"}]) == "variables.0.name"

    def test_refuses_a_header_name_ending_in_a_line_break(self) -> None:
        assert refused_field(headers={"X-Tenant\n": "a"}) == "headers"

    @pytest.mark.parametrize("url", ["http://[::1", "http://api.example.com:99999"])
    def test_refuses_a_malformed_url_naming_the_field(self, url: str) -> None:
        assert refused_field(base_url=url) == "base_url"
        auth = {
            "type": "oauth2_client_credentials",
            "token_url": url,
            "client_id": "id",
            "client_secret": "s",
        }
        assert refused_field(auth=auth) == "auth.token_url"

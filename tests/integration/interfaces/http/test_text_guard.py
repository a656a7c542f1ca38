"""Only strict JSON enters the log: what jsonb or a replay cannot take is a 422, and the
specification, the read model and every other tenant go on."""

import json
from typing import Any
from uuid import UUID

import pytest

from interfaces.bootstrap import Runtime
from tests.integration.interfaces.http.support import (
    Account,
    TestClient,
    a_project,
    an_account,
    assert_problem,
    error_fields,
)
from tests.integration.interfaces.http.test_runs import catch_up

ENDPOINT = '{"method": "POST", "path": "/pets", "request_body_schema": %s}'


def a_manual_spec(client: TestClient, account: Account) -> str:
    project = a_project(client, account).json()["id"]
    spec = client.post(
        f"/projects/{project}/specs/manual", headers=account.auth, json={"name": "m"}
    )
    return f"/projects/{project}/specs/{spec.json()['id']}"


def post_raw(
    client: TestClient, account: Account, path: str, body: str, content_type: str | None
) -> Any:
    headers = {**account.auth, **({"Content-Type": content_type} if content_type else {})}
    return client.post(path, headers=headers, content=body.encode())


def nested_schema(levels: int) -> str:
    return '{"type": "array", "items": ' * (levels - 1) + '{"type": "string"}' + "}" * (levels - 1)


class TestStrictJsonAtTheDoor:
    @pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"])
    @pytest.mark.parametrize("content_type", ["application/json", "application/merge+json", None])
    def test_refuses_a_number_json_cannot_hold_whatever_the_content_type_says(
        self,
        client: TestClient,
        http_runtime: Runtime,
        number: str,
        content_type: str | None,
    ) -> None:
        account = an_account(client)
        spec = a_manual_spec(client, account)
        schema = '{"type": "number", "maximum": ' + number + "}"

        refused = post_raw(client, account, f"{spec}/endpoints", ENDPOINT % schema, content_type)

        problem = assert_problem(refused, 422, "validation")
        assert error_fields(problem) == {"request_body_schema.maximum"}
        catch_up(http_runtime, "specifications")  # raises if NaN reached the read model

    def test_a_poisoned_endpoint_never_stops_the_specifications_of_others(
        self, client: TestClient, http_runtime: Runtime
    ) -> None:
        attacker, victim = an_account(client), an_account(client)
        post_raw(
            client,
            attacker,
            f"{a_manual_spec(client, attacker)}/endpoints",
            ENDPOINT % '{"maximum": NaN}',
            "application/json",
        )
        spec = a_manual_spec(client, victim)
        added = client.post(
            f"{spec}/endpoints", headers=victim.auth, json={"method": "GET", "path": "/mine"}
        )
        assert added.status_code == 201, added.text

        catch_up(http_runtime, "specifications")
        listed = client.get(f"{spec}/endpoints", headers=victim.auth)
        assert [e["path"] for e in listed.json()["items"]] == ["/mine"]

    # 20,000 levels stay under the 1 MiB body limit, so the depth rule is what refuses them.
    @pytest.mark.parametrize("levels", [79, 81, 300, 500, 20_000])
    def test_refuses_a_schema_nested_too_deep_and_the_specification_stays_usable(
        self, client: TestClient, levels: int
    ) -> None:
        account = an_account(client)
        spec = a_manual_spec(client, account)

        answer = post_raw(
            client,
            account,
            f"{spec}/endpoints",
            ENDPOINT % nested_schema(levels),
            "application/json",
        )

        if levels < 80:
            assert answer.status_code == 201, answer.text
        else:
            problem = assert_problem(answer, 422, "validation")
            assert "nests deeper than" in problem["detail"]
        history = client.get(f"{spec}/history", headers=account.auth)
        assert history.status_code == 200, history.text
        after = client.post(
            f"{spec}/endpoints", headers=account.auth, json={"method": "GET", "path": "/after"}
        )
        assert after.status_code == 201, after.text

    def test_refuses_nul_in_any_body(self, client: TestClient) -> None:
        account = an_account(client)
        project = a_project(client, account).json()["id"]

        refused = client.patch(
            f"/projects/{project}", headers=account.auth, json={"description": "a\x00b"}
        )

        assert error_fields(assert_problem(refused, 422, "validation")) == {"description"}


class TestStrictJsonFromFiles:
    def test_a_schema_nested_too_deep_fails_the_parse_saying_where(
        self, client: TestClient, http_runtime: Runtime
    ) -> None:
        account = an_account(client)
        project = a_project(client, account).json()["id"]
        schema: dict[str, Any] = {"type": "string"}
        for _ in range(150):
            schema = {"type": "array", "items": schema}
        operation = {"parameters": [{"name": "q", "in": "query", "schema": schema}]}
        document = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}}
        document["paths"] = {"/p": {"get": operation}}
        uploaded = client.post(
            f"/projects/{project}/specs",
            files={"file": ("deep.json", json.dumps(document).encode(), "application/json")},
            headers=account.auth,
        )
        assert uploaded.status_code == 202, uploaded.text
        spec_id = uploaded.json()["id"]

        assert http_runtime.apidoc.parse_specification(UUID(spec_id)) == "Failed"

        catch_up(http_runtime, "specifications")
        spec = client.get(f"/projects/{project}/specs/{spec_id}", headers=account.auth)
        (issue,) = spec.json()["parse_errors"]
        assert issue["location"].startswith(".endpoints[0].parameters[0].schema.items")
        assert "nests deeper than 100 levels" in issue["message"]

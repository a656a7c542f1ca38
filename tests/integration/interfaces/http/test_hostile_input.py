"""Input that only a fuzzer sends: refused with a 4xx, and nothing stops behind it."""

from typing import Any
from uuid import uuid4

from interfaces.bootstrap import Runtime
from tests.integration.interfaces.http.support import (
    PROBLEM_JSON,
    TestClient,
    a_project,
    an_account,
    assert_problem,
    error_fields,
)
from tests.integration.interfaces.http.test_runs import catch_up

CASE = '{"name": "c", "request": {"method": %s, "url": %s}, "expectations": {"expected_status": [200]}}'


def a_suite(client: TestClient) -> tuple[Any, str]:
    account = an_account(client)
    project = a_project(client, account).json()
    suite = client.post(
        f"/projects/{project['id']}/suites", headers=account.auth, json={"name": "s"}
    ).json()
    return account, suite["id"]


def post_raw(client: TestClient, account: Any, path: str, body: str) -> Any:
    headers = {**account.auth, "Content-Type": "application/json"}
    return client.post(path, headers=headers, content=body.encode())


class TestHostileInput:
    def test_refuse_a_lone_surrogate_anywhere_in_a_json_body_and_keep_real_text(
        self, client: TestClient
    ) -> None:
        account, suite_id = a_suite(client)
        path = f"/suites/{suite_id}/cases"
        for method, url, field in (
            ('"GET"', '"/x/\\ud800"', "request.url"),
            ('"\\udc00"', '"/x"', "request.method"),
            ('"GET"', '"/\\ud83d"', "request.url"),
        ):
            refused = post_raw(client, account, path, CASE % (method, url))
            assert refused.headers["content-type"] == PROBLEM_JSON
            assert error_fields(assert_problem(refused, 422, "validation")) == {field}
        # A whole pair is a character (😀), and an escaped backslash is plain text.
        for url in ('"/x/\\ud83d\\ude00"', '"/x/\\\\ud800"'):
            accepted = post_raw(client, account, path, CASE % ('"GET"', url))
            assert accepted.status_code == 201, accepted.text

    def test_refuse_nul_in_a_case_and_keep_the_read_model_going(
        self, client: TestClient, http_runtime: Runtime
    ) -> None:
        account, suite_id = a_suite(client)
        path = f"/suites/{suite_id}/cases"
        for method, url in (('"GET"', '"/a\\u0000b"'), ('"GET"', '"/x?q={{a}}"')):
            body = CASE % (method, url)
            if "{{a}}" in url:  # NUL deep inside a data set's row
                body = body[:-1] + ', "data_sets": [{"name": "d", "rows": [{"a": "\\u0000"}]}]}'
            refused = post_raw(client, account, path, body)
            assert assert_problem(refused, 422, "validation")["errors"][0]["field"] in (
                "request.url",
                "data_sets.0.rows.0.a",
            )
        catch_up(http_runtime, "testgen")  # raises if a NUL got into the events
        listed = client.get(path, headers=account.auth)
        assert listed.status_code == 200 and listed.json() == []

    def test_refuse_json_nested_deeper_than_any_test_needs(self, client: TestClient) -> None:
        account, suite_id = a_suite(client)
        deep = "[" * 260 + "]" * 260
        body = CASE % ('"POST"', '"/x"')
        body = body.replace('"url": "/x"', '"url": "/x", "body_type": "JSON", "body": ' + deep)
        refused = post_raw(client, account, f"/suites/{suite_id}/cases", body)
        assert error_fields(assert_problem(refused, 422, "validation")) == {"request"}

    def test_refuse_a_list_offset_past_what_the_database_counts(self, client: TestClient) -> None:
        account, suite_id = a_suite(client)
        refused = client.get(
            f"/suites/{suite_id}/runs", params={"offset": 2**63}, headers=account.auth
        )
        assert error_fields(assert_problem(refused, 422, "validation")) == {"offset"}


def an_endpoint_of_a_new_tenant(client: TestClient, runtime: Runtime) -> tuple[Any, str, str]:
    """This function will give a fresh account, its project and the id of one of its endpoints."""
    account = an_account(client)
    project = a_project(client, account).json()["id"]
    spec = client.post(
        f"/projects/{project}/specs/manual", headers=account.auth, json={"name": "m"}
    ).json()["id"]
    added = client.post(
        f"/projects/{project}/specs/{spec}/endpoints",
        headers=account.auth,
        json={"method": "GET", "path": "/pets"},
    )
    assert added.status_code == 201, added.text
    catch_up(runtime, "specifications")
    endpoints = client.get(f"/projects/{project}/specs/{spec}/endpoints", headers=account.auth)
    return account, project, endpoints.json()["items"][0]["id"]


class TestDanglingReferences:
    def test_a_case_names_only_an_endpoint_of_its_own_project(
        self, client: TestClient, http_runtime: Runtime
    ) -> None:
        owner, project, endpoint_id = an_endpoint_of_a_new_tenant(client, http_runtime)
        _, foreign_endpoint_id = an_endpoint_of_a_new_tenant(client, http_runtime)[1:]
        suite = client.post(
            f"/projects/{project}/suites", headers=owner.auth, json={"name": "s"}
        ).json()["id"]
        case = {"name": "c", "request": {"method": "GET", "url": "/pets"}}
        case["expectations"] = {"expected_status": [200]}

        refused = client.post(
            f"/suites/{suite}/cases",
            headers=owner.auth,
            json={**case, "endpoint_id": foreign_endpoint_id},
        )
        assert_problem(refused, 404, "not-found")
        made = client.post(
            f"/suites/{suite}/cases", headers=owner.auth, json={**case, "endpoint_id": endpoint_id}
        )
        assert made.status_code == 201 and made.json()["endpoint_id"] == endpoint_id, made.text
        moved = client.patch(
            f"/cases/{made.json()['id']}",
            headers=owner.auth,
            json={"endpoint_id": foreign_endpoint_id},
        )
        assert_problem(moved, 404, "not-found")
        unknown = client.patch(
            f"/cases/{made.json()['id']}", headers=owner.auth, json={"endpoint_id": str(uuid4())}
        )
        assert_problem(unknown, 404, "not-found")
        catch_up(http_runtime, "testgen")
        listed = client.get(f"/suites/{suite}/cases", headers=owner.auth).json()
        assert [c["endpoint_id"] for c in listed] == [endpoint_id]

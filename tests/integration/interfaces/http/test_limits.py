"""Size limits over HTTP: an event over TESTAMENT_MAX_EVENT_BYTES is a 413 naming the limit,
and a parsed specification too large to keep fails its parse instead of staying Processing."""

import json
from collections.abc import Iterator
from uuid import UUID

import pytest

from infrastructure.settings import Settings
from interfaces.bootstrap import Runtime, Servers, build_runtime
from interfaces.http.app import create_app
from tests.integration.interfaces.http.support import (
    TestClient,
    a_project,
    an_account,
    assert_problem,
)

LIMIT = 64 * 1024


@pytest.fixture(scope="module")
def small_runtime(settings: Settings, servers: Servers, runtime: Runtime) -> Iterator[Runtime]:
    """The session's database, written through applications that keep events under 64 KiB."""
    built = build_runtime(
        settings.model_copy(update={"max_event_bytes": LIMIT, "pool_size": 2}), servers
    )
    yield built
    built.close()


@pytest.fixture(scope="module")
def small_client(small_runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(small_runtime), raise_server_exceptions=False) as client:
        yield client


class TestEventSizeLimit:
    def test_a_command_whose_event_is_over_the_limit_is_a_413_naming_it(
        self, small_client: TestClient
    ) -> None:
        account = an_account(small_client)
        project_id = a_project(small_client, account).json()["id"]
        spec = small_client.post(
            f"/projects/{project_id}/specs/manual", json={"name": "by hand"}, headers=account.auth
        )
        assert spec.status_code == 201, spec.text
        huge = {"type": "object", "description": "d" * (LIMIT + 1024)}
        response = small_client.post(
            f"/projects/{project_id}/specs/{spec.json()['id']}/endpoints",
            json={"method": "POST", "path": "/things", "request_body_schema": huge},
            headers=account.auth,
        )
        body = assert_problem(response, 413, "too-large")
        assert body["limit"] == "TESTAMENT_MAX_EVENT_BYTES"
        assert body["maximum"] == LIMIT
        assert "TESTAMENT_MAX_EVENT_BYTES" in body["detail"]
        # Nothing was written: the specification still has no endpoint, and writes go on.
        after = small_client.post(
            f"/projects/{project_id}/specs/{spec.json()['id']}/endpoints",
            json={"method": "GET", "path": "/things"},
            headers=account.auth,
        )
        assert after.status_code == 201, after.text
        assert after.json()["endpoint_count"] == 1

    def test_a_parsed_model_over_the_limit_fails_its_parse_and_says_why(
        self, small_client: TestClient, small_runtime: Runtime
    ) -> None:
        account = an_account(small_client)
        project_id = a_project(small_client, account).json()["id"]
        paths = {
            f"/items{i}": {
                "get": {"description": "x" * 200, "responses": {"200": {"description": "ok"}}}
            }
            for i in range(400)
        }
        document = {"openapi": "3.0.3", "info": {"title": "Big", "version": "1"}, "paths": paths}
        uploaded = small_client.post(
            f"/projects/{project_id}/specs",
            files={"file": ("big.json", json.dumps(document), "application/json")},
            headers=account.auth,
        )
        assert uploaded.status_code in (201, 202), uploaded.text
        spec_id = UUID(uploaded.json()["id"])

        status = small_runtime.apidoc.parse_specification(spec_id)

        assert status == "Failed"
        state = small_runtime.apidoc.specification_state(UUID(project_id), spec_id, account.id)
        assert "too large" in state.issues[0]["message"]
        assert "TESTAMENT_MAX_EVENT_BYTES" in state.issues[0]["message"]

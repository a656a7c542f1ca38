"""Scenario suggestions over HTTP: asked for chosen endpoints, produced by a worker through
the llm outbox with the real `openai` SDK against a local model server, reviewed one by one,
and made an LLMAssisted suite of ordinary cases."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import dramatiq
import pytest
from dramatiq.brokers.redis import RedisBroker

from infrastructure.projections.catalog import read_model
from interfaces.bootstrap import Runtime, with_llm_settings
from interfaces.http.app import create_app
from interfaces.workers.broker import configure_broker
from interfaces.workers.context import set_runtime
from tests.integration.interfaces.http.support import (
    Account,
    TestClient,
    a_project,
    an_account,
    assert_problem,
)
from tests.support.fake_openai import FakeOpenAI, Reply

PETSTORE = Path(__file__).parents[3] / "fixtures" / "specs" / "petstore-3.0.yaml"


def suggestion(name: str, endpoint: str, path: str, **more: Any) -> dict[str, Any]:
    return {
        "name": name,
        "description": f"{name}, as a customer would",
        "endpoint": endpoint,
        "test_type": "Negative",
        "priority": "High",
        "rationale": "rules do not know the business",
        "path": path,
        "query": [],
        "headers": [],
        "json_body": "",
        "expected_status": [404],
        **more,
    }


GOOD = [
    suggestion("adopted pet is gone", "GET /pets/{petId}", "/pets/9041"),
    suggestion(
        "a puppy named twice",
        "POST /pets",
        "/pets",
        json_body=json.dumps({"name": "Rex", "tag": "puppy"}),
        expected_status=[201, 409],
        test_type="Boundary",
    ),
    suggestion("list by tag", "GET /pets", "/pets", query=[{"name": "limit", "value": "3"}]),
]


@pytest.fixture(scope="module")
def model() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI().start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture(scope="module")
def llm_runtime(http_runtime: Runtime, model: FakeOpenAI) -> Iterator[Runtime]:
    settings = http_runtime.settings.model_copy(
        update={"llm_base_url": model.url, "llm_model": "fake-model", "llm_max_retries": 0}
    )
    runtime = with_llm_settings(http_runtime, settings)
    try:
        yield runtime
    finally:
        runtime.llm.close()


@pytest.fixture(scope="module")
def llm_client(llm_runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(llm_runtime), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="module")
def broker(llm_runtime: Runtime) -> Iterator[RedisBroker]:
    configured = configure_broker(
        llm_runtime.servers.redis_url, namespace=f"testament-test-{uuid4().hex[:10]}"
    )
    if not isinstance(configured, RedisBroker):
        pytest.fail(f"another test installed a {type(configured).__name__}")
    yield configured
    configured.flush_all()


def produced(runtime: Runtime, broker: RedisBroker) -> None:
    """This function will publish the llm outbox and let a worker take every message."""
    from interfaces.workers.actors import outbox

    for runner in runtime.runners((read_model("llm_outbox"),)):
        runner.catch_up()
    set_runtime(runtime)
    worker = dramatiq.Worker(
        broker, queues={"outbox", "integration", "llm"}, worker_threads=1, worker_timeout=100
    )
    worker.start()
    try:
        publisher = outbox.publisher("llm")
        while publisher.publish_pending() > 0:
            pass
        for queue in ("integration", "llm"):
            broker.join(queue, timeout=30_000)
        worker.join()
    finally:
        worker.stop(timeout=10_000)
        set_runtime(None)


def a_petstore(client: TestClient, account: Account, runtime: Runtime) -> str:
    project_id: str = a_project(client, account, base_url="").json()["id"]
    uploaded = client.post(
        f"/projects/{project_id}/specs",
        files={"file": ("petstore-3.0.yaml", PETSTORE.read_bytes(), "application/yaml")},
        headers=account.auth,
    )
    assert runtime.apidoc.parse_specification(UUID(uploaded.json()["id"])) == "Success"
    return project_id


class TestSuggestScenarios:
    def test_suggestions_are_reviewed_one_by_one_and_only_accepted_ones_become_cases(
        self,
        llm_client: TestClient,
        llm_runtime: Runtime,
        model: FakeOpenAI,
        broker: RedisBroker,
    ) -> None:
        account = an_account(llm_client)
        project_id = a_petstore(llm_client, account, llm_runtime)
        wrong_path = suggestion("elsewhere", "GET /pets/{petId}", "/owners/1")
        model.answer(
            Reply(json.dumps({"suggestions": [wrong_path]})),
            Reply(json.dumps({"suggestions": GOOD}), tokens=900),
        )

        asked = llm_client.post(
            f"/projects/{project_id}/suggestions",
            json={"endpoints": ["GET /pets/{petId}", "POST /pets", "GET /pets"]},
            headers=account.auth,
        )
        assert asked.status_code == 202, asked.text
        assert asked.json()["status"] == "Pending" and model.requests == []
        produced(llm_runtime, broker)
        listed = llm_client.get(asked.headers["Location"], headers=account.auth).json()

        assert listed["status"] == "Ready", listed
        assert (listed["model"], listed["tokens_used"]) == ("fake-model", 900)
        assert [i["case"]["name"] for i in listed["items"]] == [s["name"] for s in GOOD]
        # The path that fills no chosen endpoint was sent back once with what was wrong.
        assert "is not a path of GET /pets/{petId}" in model.requests[1]["messages"][-1]["content"]
        first = listed["items"][0]["case"]
        assert first["request"] == {
            "method": "GET",
            "url": "/pets/9041",
            "headers": {},
            "query_params": {},
            "body_type": "None",
            "body": None,
        }
        list_url = asked.headers["Location"]
        edited = {**listed["items"][1]["case"], "name": "a puppy named twice, edited"}
        for index, review in (
            (0, {"decision": "accept"}),
            (1, {"decision": "accept", "case": edited}),
            (2, {"decision": "reject"}),
        ):
            answer = llm_client.post(f"{list_url}/items/{index}", json=review, headers=account.auth)
            assert answer.status_code == 200, answer.text
        committed = llm_client.post(
            f"{list_url}/suite", json={"name": "suggested"}, headers=account.auth
        )

        assert committed.status_code == 201, committed.text
        assert committed.json()["status"] == "Committed"
        suite_id = committed.json()["suite_id"]
        assert llm_runtime.testgen.suite(UUID(suite_id), account.id).generation_type == (
            "LLMAssisted"
        )
        exported = llm_runtime.testgen.export_document(UUID(suite_id), account.id)
        assert [c["name"] for c in exported["cases"]] == [
            "adopted pet is gone",
            "a puppy named twice, edited",
        ]
        again = llm_client.post(f"{list_url}/suite", json={"name": "x"}, headers=account.auth)
        assert_problem(again, 409, "suggestion-state")

    def test_an_answer_invalid_twice_leaves_the_list_failed_with_the_reason(
        self,
        llm_client: TestClient,
        llm_runtime: Runtime,
        model: FakeOpenAI,
        broker: RedisBroker,
    ) -> None:
        account = an_account(llm_client)
        project_id = a_petstore(llm_client, account, llm_runtime)
        model.answer(Reply(json.dumps({"suggestions": [suggestion("x", "DELETE /users", "/u")]})))

        asked = llm_client.post(
            f"/projects/{project_id}/suggestions",
            json={"endpoints": ["GET /pets"]},
            headers=account.auth,
        )
        produced(llm_runtime, broker)
        listed = llm_client.get(asked.headers["Location"], headers=account.auth).json()

        assert listed["status"] == "Failed" and listed["items"] == []
        assert "did not follow its schema" in listed["reason"]
        review = llm_client.post(
            f"{asked.headers['Location']}/items/0",
            json={"decision": "accept"},
            headers=account.auth,
        )
        assert_problem(review, 409, "suggestion-state")


class TestSuggestionRefusals:
    def test_unknown_endpoints_foreign_projects_and_no_model_are_refused(
        self, llm_client: TestClient, llm_runtime: Runtime, client: TestClient
    ) -> None:
        account = an_account(llm_client)
        project_id = a_petstore(llm_client, account, llm_runtime)

        unknown = llm_client.post(
            f"/projects/{project_id}/suggestions",
            json={"endpoints": ["GET /nowhere"]},
            headers=account.auth,
        )
        foreign = llm_client.post(
            f"/projects/{project_id}/suggestions",
            json={"endpoints": ["GET /pets"]},
            headers=an_account(llm_client).auth,
        )
        empty = llm_client.post(
            f"/projects/{project_id}/suggestions", json={"endpoints": []}, headers=account.auth
        )
        off = client.post(
            f"/projects/{project_id}/suggestions",
            json={"endpoints": ["GET /pets"]},
            headers=account.auth,
        )
        missing = llm_client.get(f"/suggestions/{uuid4()}", headers=account.auth)

        assert_problem(unknown, 409, "unknown-endpoints")
        assert_problem(foreign, 404, "not-found")
        assert_problem(empty, 422, "validation")
        assert_problem(off, 503, "llm-not-configured")
        assert_problem(missing, 404, "not-found")

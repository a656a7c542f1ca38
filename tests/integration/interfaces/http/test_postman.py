"""Postman over HTTP: a collection imported as a suite with its report, and exported back."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from interfaces.bootstrap import Runtime
from tests.integration.interfaces.http.support import (
    TestClient,
    an_account,
    assert_problem,
)
from tests.integration.interfaces.http.test_suites import Author

FIXTURES = Path(__file__).parents[3] / "fixtures" / "postman"


def _document(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return document


@pytest.fixture(scope="module")
def project_all(http_runtime: Runtime) -> Callable[[], None]:
    runners = http_runtime.runners()

    def run() -> None:
        for runner in runners:
            runner.catch_up()

    return run


@pytest.fixture(scope="module")
def author(client: TestClient, project_all: Callable[[], None]) -> Author:
    return Author(client, an_account(client), project_all)


@pytest.fixture(scope="module")
def imported(author: Author) -> dict[str, Any]:
    body = {
        "collection": _document("mixed_scripts.postman_collection.json"),
        "environment": {
            "name": "Local",
            "values": [{"key": "password", "value": "s3cret-pw", "type": "secret"}],
        },
    }
    result: dict[str, Any] = author.ok(
        "POST", f"/projects/{author.project_id}/imports/postman", body
    )
    return result


class TestImport:
    def test_answers_with_the_report(self, imported: dict[str, Any]) -> None:
        report = imported["report"]
        assert (report["requests"], report["assertions"], report["assertions_translated"]) == (
            4,
            14,
            13,
        )
        assert report["partially_imported"] == ["Health", "Me"]  # a test, a for loop
        assert report["untranslated"][0]["request"] == "Health"
        assert "password" in report["secrets"]

    def test_creates_a_hand_written_suite_in_collection_order_waiting_for_review(
        self, author: Author, imported: dict[str, Any]
    ) -> None:
        suite = author.read(f"/suites/{imported['suite_id']}")
        assert (suite["generation_type"], suite["approval_status"]) == ("Imported", "PendingReview")
        cases = author.read(f"/suites/{imported['suite_id']}/cases")
        assert [c["name"] for c in cases] == ["Login", "Health", "Me", "Me without token"]
        proposals = author.read(f"/suites/{imported['suite_id']}/proposals")
        assert proposals[0]["source"] == "System"

    def test_keeps_secrets_sealed_in_the_environment(
        self, author: Author, imported: dict[str, Any]
    ) -> None:
        environment = author.ok("GET", f"/environments/{imported['environment_id']}")
        password = next(v for v in environment["variables"] if v["name"] == "password")
        assert password["secret"] is True and password["value"] != "s3cret-pw"

    def test_refuses_a_v1_collection(self, author: Author) -> None:
        response = author.call(
            "POST",
            f"/projects/{author.project_id}/imports/postman",
            {"collection": {"requests": [], "order": []}},
        )
        assert "v1" in assert_problem(response, 422)["detail"]


class TestExport:
    def test_gives_a_v2_1_collection_with_the_tests_and_setters(
        self, author: Author, imported: dict[str, Any]
    ) -> None:
        collection = author.ok("GET", f"/suites/{imported['suite_id']}/export", format="postman")
        assert collection["info"]["schema"].endswith("/v2.1.0/collection.json")
        login = collection["item"][0]
        script = "\n".join(login["event"][0]["script"]["exec"])
        assert 'pm.test("Status code is 200"' in script
        assert 'pm.environment.set("token", _.get(pm.response.json(), ["token"]));' in script
        health = "\n".join(collection["item"][1]["event"][0]["script"]["exec"])
        assert "_.each(" in health  # the untranslated test goes back as written

    def test_refuses_another_format(self, author: Author, imported: dict[str, Any]) -> None:
        response = author.call("GET", f"/suites/{imported['suite_id']}/export", format="har")
        assert_problem(response, 422)


def test_another_account_cannot_import_into_the_project(client: TestClient, author: Author) -> None:
    stranger = an_account(client)
    response = client.post(
        f"/projects/{author.project_id}/imports/postman",
        json={"collection": _document("legacy_tests.postman_collection.json")},
        headers=stranger.auth,
    )
    assert_problem(response, 404)

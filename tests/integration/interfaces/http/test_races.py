"""A lost race gets one answer on every route: 412 with If-Match, 409 without (RFC 9110)."""

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from application.shared.base import TestamentApplication
from tests.integration.interfaces.http.support import (
    Account,
    TestClient,
    a_project,
    an_account,
    assert_problem,
)

CASE = {
    "name": "c",
    "request": {"method": "GET", "url": "/"},
    "expectations": {"expected_status": [200]},
}


@dataclass(frozen=True)
class Route:
    """A command on an existing resource: how to make the resource, and how to change it."""

    name: str
    method: str
    make: "Made"  # the resource: the path to send the command to, and its ETag
    body: Any


Made = Callable[[TestClient, Account], tuple[str, str]]


def _made(response: httpx.Response, path: str) -> tuple[str, str]:
    assert response.status_code in (200, 201), response.text
    return path.format(**response.json()), response.headers["ETag"]


def _project(client: TestClient, account: Account) -> tuple[str, str]:
    return _made(a_project(client, account), "/projects/{id}")


def _suite(client: TestClient, account: Account) -> tuple[str, str]:
    project, _ = _project(client, account)
    made = client.post(f"{project}/suites", json={"name": "s"}, headers=account.auth)
    return _made(made, "/suites/{id}")


def _case(client: TestClient, account: Account) -> tuple[str, str]:
    suite, _ = _suite(client, account)
    return _made(client.post(f"{suite}/cases", json=CASE, headers=account.auth), "/cases/{id}")


def _environment(client: TestClient, account: Account) -> tuple[str, str]:
    project, _ = _project(client, account)
    body = {"name": "e", "base_url": "https://api.example.com"}
    made = client.post(f"{project}/environments", json=body, headers=account.auth)
    return _made(made, "/environments/{id}")


def _manual_spec(client: TestClient, account: Account) -> tuple[str, str]:
    project, _ = _project(client, account)
    made = client.post(f"{project}/specs/manual", json={"name": "m"}, headers=account.auth)
    return _made(made, project + "/specs/{id}/endpoints")


def _spec(client: TestClient, account: Account) -> tuple[str, str]:
    project, _ = _project(client, account)
    made = client.post(f"{project}/specs/manual", json={"name": "m"}, headers=account.auth)
    return _made(made, project + "/specs/{id}")


def _profile(client: TestClient, account: Account) -> tuple[str, str]:
    body = {"display_name": "Tester"}
    return _made(client.put("/me/profile", json=body, headers=account.auth), "/me/profile")


def _then(make: Made, suffix: str) -> Made:
    def made(client: TestClient, account: Account) -> tuple[str, str]:
        path, etag = make(client, account)
        return path + suffix, etag

    return made


ROUTES = (
    Route("edit a project", "PATCH", _project, {"name": "renamed"}),
    Route("rename a suite", "PATCH", _suite, {"name": "renamed"}),
    Route("add a case to a suite", "POST", _then(_suite, "/cases"), CASE),
    Route("edit a case", "PATCH", _case, {"name": "renamed"}),
    Route("disable a case", "POST", _then(_case, "/disable"), None),
    Route("edit an environment", "PATCH", _environment, {"name": "renamed"}),
    Route("add a manual endpoint", "POST", _manual_spec, {"method": "GET", "path": "/x"}),
    Route("activate a specification", "POST", _then(_spec, "/activate"), None),
    Route("edit a profile", "PUT", _profile, {"display_name": "Renamed"}),
)


@pytest.fixture
def a_rival_wins_every_save(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every save is beaten by a copy of itself, written just before: the request loses the
    race after it loaded the aggregate and checked If-Match, the way a real race is lost."""
    save = TestamentApplication.save_and_locate

    def rival_first(self: TestamentApplication, *aggregates: Any) -> int:
        save(self, *copy.deepcopy(aggregates))
        return save(self, *aggregates)

    monkeypatch.setattr(TestamentApplication, "save_and_locate", rival_first)
    yield


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
class TestLostRace:
    def test_with_if_match_is_a_412(
        self, client: TestClient, route: Route, request: pytest.FixtureRequest
    ) -> None:
        account = an_account(client)
        path, etag = route.make(client, account)
        request.getfixturevalue("a_rival_wins_every_save")
        lost = _send(client, account, route, path, {"If-Match": etag})
        problem = assert_problem(lost, 412, "version-mismatch")
        assert problem["current_version"] == int(etag.strip('"')) + 1
        assert lost.headers["ETag"] == f'"{problem["current_version"]}"'

    def test_without_if_match_is_a_409(
        self, client: TestClient, route: Route, request: pytest.FixtureRequest
    ) -> None:
        account = an_account(client)
        path, _ = route.make(client, account)
        request.getfixturevalue("a_rival_wins_every_save")
        lost = _send(client, account, route, path, {})
        assert_problem(lost, 409, "concurrent-change")

    def test_with_a_stale_if_match_is_a_412_before_any_race(
        self, client: TestClient, route: Route
    ) -> None:
        account = an_account(client)
        path, etag = route.make(client, account)
        stale = f'"{int(etag.strip(chr(34))) + 7}"'  # a version the resource never had
        lost = _send(client, account, route, path, {"If-Match": stale})
        assert_problem(lost, 412, "version-mismatch")


def _send(
    client: TestClient, account: Account, route: Route, path: str, headers: dict[str, str]
) -> httpx.Response:
    response: httpx.Response = client.request(
        route.method, path, json=route.body, headers={**account.auth, **headers}
    )
    return response

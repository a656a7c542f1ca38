"""Builders and checks for HTTP tests: accounts, projects and problem responses."""

import re
import warnings
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import httpx
import jwt
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    # Starlette 1.10 asks for httpx2 and warns when its test client runs on httpx, which is
    # what the project installs; the client works the same on both.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient as TestClient

PASSWORD = "correct horse battery staple"
PROBLEM_JSON = "application/problem+json"


@dataclass
class Account:
    """A registered, logged-in account, as a client holds it."""

    id: UUID
    email: str
    password: str
    access_token: str
    refresh_token: str
    position: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def an_email() -> str:
    return f"user-{uuid4().hex[:12]}@example.com"


def register(
    client: TestClient, email: str, password: str = PASSWORD, **extra: Any
) -> httpx.Response:
    response: httpx.Response = client.post(
        "/auth/register", json={"email": email, "password": password, **extra}
    )
    return response


def login(client: TestClient, email: str, password: str = PASSWORD) -> httpx.Response:
    response: httpx.Response = client.post(
        "/auth/login", json={"email": email, "password": password}
    )
    return response


def user_id_of(access_token: str) -> UUID:
    """This function will read the account id an access token names (its subject)."""
    return UUID(jwt.decode(access_token, options={"verify_signature": False})["sub"])


def an_account(client: TestClient, *, password: str = PASSWORD) -> Account:
    email = an_email()
    registered = register(client, email, password, display_name="Tester")
    assert registered.status_code == 202, registered.text
    tokens = login(client, email, password)
    assert tokens.status_code == 200, tokens.text
    return Account(
        id=user_id_of(tokens.json()["access_token"]),
        email=email,
        password=password,
        access_token=tokens.json()["access_token"],
        refresh_token=tokens.json()["refresh_token"],
        position=registered.headers["X-Testament-Position"],
    )


def a_project(
    client: TestClient,
    account: Account,
    *,
    name: str | None = None,
    description: str = "",
    base_url: str = "https://api.example.com/v1",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    response: httpx.Response = client.post(
        "/projects",
        json={
            "name": name or f"Project {uuid4().hex[:8]}",
            "description": description,
            "base_url": base_url,
        },
        headers={**account.auth, **(headers or {})},
    )
    assert response.status_code == 201, response.text
    return response


def assert_problem(
    response: httpx.Response, status: int, slug: str | None = None
) -> dict[str, Any]:
    """This function will check an RFC 9457 problem response and return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    if slug is not None:
        assert body["type"] == f"/problems/{slug}"
    return body


def error_fields(body: dict[str, Any]) -> set[str]:
    return {error["field"] for error in body.get("errors", [])}


def position_of(response: httpx.Response) -> tuple[str, int]:
    match = re.fullmatch(r"(\w+):(\d+)", response.headers["X-Testament-Position"])
    assert match, response.headers["X-Testament-Position"]
    return match.group(1), int(match.group(2))

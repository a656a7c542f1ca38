"""Errors over HTTP: always problem+json, never a 500, whatever a client sends."""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import pytest

from tests.integration.interfaces.http.support import (
    Account,
    TestClient,
    a_project,
    an_account,
    an_email,
    assert_problem,
    error_fields,
)

JSON = "application/json"


class TestProblemResponses:
    def test_an_unknown_route_is_a_problem(self, client: TestClient) -> None:
        body = assert_problem(client.get("/no/such/route"), 404, "not-found")
        assert body["instance"] == "/no/such/route"

    def test_a_wrong_method_is_a_problem(self, client: TestClient) -> None:
        assert_problem(client.delete("/auth/login"), 405, "method-not-allowed")

    def test_a_wrong_method_names_every_method_the_path_answers(self, client: TestClient) -> None:
        response = client.options(f"/cases/{uuid4()}")

        assert_problem(response, 405, "method-not-allowed")
        assert response.headers["Allow"].split(", ") == ["DELETE", "GET", "PATCH"]

    def test_a_validation_problem_names_each_field_and_where_it_was(
        self, client: TestClient
    ) -> None:
        response = client.post("/auth/register", json={"email": 5, "password": None})

        body = assert_problem(response, 422, "validation")

        assert error_fields(body) == {"email", "password"}
        assert all(e["location"] == ["body"] and e["message"] for e in body["errors"])

    def test_carries_the_correlation_id_of_the_request(self, client: TestClient) -> None:
        response = client.get("/no/such/route", headers={"X-Correlation-ID": "corr-errors-1"})

        assert assert_problem(response, 404)["correlation_id"] == "corr-errors-1"
        assert response.headers["X-Correlation-ID"] == "corr-errors-1"


class TestNulInThePathOrQuery:
    """A NUL in a filter of the endpoint list reached PostgreSQL, which refused it: a 500.
    Every path and query string is checked at the door now, whichever route it is for."""

    @pytest.mark.parametrize("field", ["tag", "method", "path"])
    def test_refuses_a_nul_in_an_endpoint_filter_naming_it(
        self, client: TestClient, account_for_reads: Account, field: str
    ) -> None:
        project_id = a_project(client, account_for_reads).json()["id"]

        response = client.get(
            f"/projects/{project_id}/specs/{uuid4()}/endpoints",
            params={field: "GET\u0000"},
            headers=account_for_reads.auth,
        )

        body = assert_problem(response, 422, "validation")
        assert body["errors"] == [
            {"field": field, "location": ["query"], "message": body["errors"][0]["message"]}
        ]
        assert "NUL" in body["detail"]

    def test_refuses_a_nul_in_a_position(
        self, client: TestClient, account_for_reads: Account
    ) -> None:
        response = client.get(
            "/projects", params={"min_position": "api\u0000doc:1"}, headers=account_for_reads.auth
        )
        assert error_fields(assert_problem(response, 422, "validation")) == {"min_position"}

    def test_refuses_a_nul_in_the_path(
        self, client: TestClient, account_for_reads: Account
    ) -> None:
        response = client.get("/projects/a%00b/specs", headers=account_for_reads.auth)

        body = assert_problem(response, 422, "validation")
        assert body["errors"][0]["location"] == ["path"]


class TestTextPostgresCannotHold:
    """A NUL character is refused at the door: stored in an event, it would stop every read
    model that copies the field (PostgreSQL text cannot hold it), at every replay."""

    def test_refuses_a_nul_in_a_project_name(
        self, client: TestClient, account_for_reads: Account, catch_up: Callable[[], None]
    ) -> None:
        response = client.post(
            "/projects", json={"name": "nul\u0000name"}, headers=account_for_reads.auth
        )

        assert "name" in error_fields(assert_problem(response, 422, "validation"))
        catch_up()  # and the read models still apply the log

    def test_refuses_a_nul_in_an_address_or_profile(
        self, client: TestClient, account_for_reads: Account
    ) -> None:
        registered = client.post(
            "/auth/register", json={"email": "a\u0000b@example.com", "password": "long enough"}
        )
        profiled = client.put(
            "/me/profile", json={"display_name": "a\u0000b"}, headers=account_for_reads.auth
        )

        assert "email" in error_fields(assert_problem(registered, 422))
        assert "display_name" in error_fields(assert_problem(profiled, 422))

    def test_refuses_a_nul_in_a_search(
        self, client: TestClient, account_for_reads: Account
    ) -> None:
        response = client.get(
            "/projects", params={"search": "a\u0000b"}, headers=account_for_reads.auth
        )
        assert "search" in error_fields(assert_problem(response, 422, "validation"))


class TestMinPosition:
    @pytest.mark.parametrize("position", ["apidoc:\u00b2", "apidoc:" + "9" * 5000, "apidoc:1:2"])
    def test_refuses_a_position_that_is_not_plain_digits(
        self, client: TestClient, account_for_reads: Account, position: str
    ) -> None:
        response = client.get(
            "/projects", params={"min_position": position}, headers=account_for_reads.auth
        )
        assert_problem(response, 400, "bad-position")


# ---- fuzz: every route that reads a body, with bodies no client should send ----------------

GENERIC_BODIES: list[tuple[str, bytes, str]] = [
    ("null", b"null", JSON),
    ("empty array", b"[]", JSON),
    ("array of objects", b'[{"name": "x", "email": "a@example.com"}]', JSON),
    ("string", b'"just a string"', JSON),
    ("number", b"12345", JSON),
    ("boolean", b"true", JSON),
    ("truncated", b'{"name": "x"', JSON),
    ("empty", b"", JSON),
    ("invalid utf-8", b"\xff\xfe\xfa\x00garbage", JSON),
    ("invalid utf-8 in a string", b'{"name": "\xc3\x28", "email": "\xff@example.com"}', JSON),
    ("lone surrogate", b'{"name": "\\ud800", "email": "\\udfff@example.com"}', JSON),
    ("deep nesting", b"[" * 50_000 + b"]" * 50_000, JSON),
    ("plain text", b'{"name": "x"}', "text/plain"),
    ("form", b"name=x&email=a%40example.com", "application/x-www-form-urlencoded"),
    ("xml", b"<project><name>x</name></project>", "application/xml"),
]


def _field_values(kind: str) -> Iterator[Any]:
    if kind == "wrong types":
        while True:
            yield from (1, {"nested": True}, [1, 2], 3.5, False)
    while True:
        yield {"nulls": None, "huge strings": "x" * 100_000, "deep values": [[[[[[1]]]]]]}[kind]


@dataclass(frozen=True)
class Operation:
    """One method on one path, as the OpenAPI document describes it."""

    method: str
    path: str
    body_fields: tuple[str, ...] | None  # None: the operation reads no body
    query: tuple[str, ...]  # the query parameters it declares
    headers: tuple[str, ...]  # the headers it declares (If-Match, X-Testament-Min-Position)

    def url(self, project_id: str) -> str:
        url = self.path.replace("{project_id}", project_id)
        while "{" in url:
            start, end = url.index("{"), url.index("}")
            url = url[:start] + str(uuid4()) + url[end + 1 :]
        return url


def operations(client: TestClient) -> list[Operation]:
    """This function will list every operation of the API, from its OpenAPI document."""
    document = client.app.openapi()  # type: ignore[attr-defined]
    schemas = document.get("components", {}).get("schemas", {})
    found = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            fields: tuple[str, ...] | None = None
            if "requestBody" in operation:
                content = operation["requestBody"].get("content", {})
                schema = next(iter(content.values()), {}).get("schema", {})
                ref = schema.get("$ref", "")
                model = schemas.get(ref.rsplit("/", 1)[-1], {}) if ref else schema
                fields = tuple(sorted(model.get("properties", {})))
            declared = operation.get("parameters", [])
            found.append(
                Operation(
                    method.upper(),
                    path,
                    fields,
                    tuple(p["name"] for p in declared if p["in"] == "query"),
                    tuple(p["name"] for p in declared if p["in"] == "header"),
                )
            )
    assert len(found) >= 15, "the fuzz found too few operations to mean anything"
    return found


@pytest.fixture(scope="module")
def fuzzer(client: TestClient) -> tuple[Account, str]:
    account = an_account(client)
    return account, str(a_project(client, account).json()["id"])


HOSTILE_VALUES = [
    "",
    "1e309",
    "99999999999999999999999999",
    "\u0000",
    "\u00b2",
    "apidoc:" + "9" * 5000,
    "x" * 10_000,
]
HOSTILE_TOKENS = [
    "Bearer \u00ff\u00fe",
    "Bearer " + "a" * 20_000,
    "Bearer a.b",
    "Bearer ..",
    "Token x",
]


# Accounts and projects get every hostile body; other operations get what their own model
# checks (wrong types, nulls, huge and deep values) and two of the bodies FastAPI refuses
# the same way for every route, in turn, so the fuzz stays fast as the API grows.
FULLY_FUZZED = {
    "POST /auth/register",
    "POST /auth/login",
    "POST /auth/token",
    "POST /auth/refresh",
    "POST /auth/logout",
    "PUT /me/profile",
    "POST /me/password",
    "POST /projects",
    "PATCH /projects/{project_id}",
}


class TestHostileRequests:
    """Every operation of the API, with what no client should send."""

    def test_every_operation_that_reads_a_body_refuses_a_hostile_one_with_a_4xx(
        self, client: TestClient, fuzzer: tuple[Account, str]
    ) -> None:
        account, project_id = fuzzer
        answers: dict[str, int] = {}
        readers = [op for op in operations(client) if op.body_fields is not None]
        generic_sent: set[str] = set()
        for index, op in enumerate(readers):
            if f"{op.method} {op.path}" in FULLY_FUZZED:
                bodies = list(GENERIC_BODIES)
            else:
                bodies = [GENERIC_BODIES[(index * 2 + n) % len(GENERIC_BODIES)] for n in range(2)]
            generic_sent.update(name for name, _, _ in bodies)
            for kind in ("wrong types", "nulls", "huge strings", "deep values"):
                values = _field_values(kind)
                body = {field: next(values) for field in op.body_fields or ()}
                bodies.append((kind, json.dumps(body).encode(), JSON))
            for name, content, content_type in bodies:
                response = client.request(
                    op.method,
                    op.url(project_id),
                    content=content,
                    headers={**account.auth, "content-type": content_type},
                )
                answers[f"{op.method} {op.path} <- {name}"] = response.status_code
                if response.status_code >= 400:
                    assert_problem(response, response.status_code)

        # In a PATCH, null means "leave this field as it is": that body is a valid one.
        valid = {"PATCH /projects/{project_id} <- nulls"}
        not_4xx = {
            request: code
            for request, code in answers.items()
            if not 400 <= code < 500 and request not in valid
        }
        assert not_4xx == {}
        assert answers["PATCH /projects/{project_id} <- nulls"] == 200
        assert generic_sent == {name for name, _, _ in GENERIC_BODIES}
        assert {f"{op.method} {op.path}" for op in readers} >= FULLY_FUZZED

    def test_no_operation_fails_on_a_hostile_query_or_header(
        self, impatient_client: TestClient, fuzzer: tuple[Account, str]
    ) -> None:
        account, project_id = fuzzer
        readers = [op for op in operations(impatient_client) if op.query or op.headers]
        failures = {}
        for op in readers:
            for round_ in range(len(HOSTILE_VALUES)):
                # Each parameter of the operation gets each value once over the rounds.
                params = {
                    name: HOSTILE_VALUES[(round_ + k) % len(HOSTILE_VALUES)]
                    for k, name in enumerate(op.query)
                }
                headers = {
                    name: "".join(
                        c
                        for c in HOSTILE_VALUES[(round_ + k) % len(HOSTILE_VALUES)]
                        if 32 <= ord(c) < 127
                    )[:200]
                    for k, name in enumerate(op.headers)
                    if name.lower() != "authorization"
                }
                response = impatient_client.request(
                    op.method,
                    op.url(project_id),
                    params=params,
                    headers={**headers, **account.auth},
                )
                if response.status_code >= 500:
                    failures[f"{op.method} {op.path} {params} {headers}"[:300]] = response.text[
                        :200
                    ]
        assert failures == {}
        assert {f"{op.method} {op.path}" for op in readers} >= {
            "GET /projects",
            "GET /projects/{project_id}",
            "GET /me",
            "PATCH /projects/{project_id}",
        }

    def test_no_operation_fails_on_a_hostile_token(
        self, client: TestClient, fuzzer: tuple[Account, str]
    ) -> None:
        _, project_id = fuzzer
        codes = {}
        for index, op in enumerate(operations(client)):
            token = HOSTILE_TOKENS[index % len(HOSTILE_TOKENS)]
            response = client.request(
                op.method,
                op.url(project_id),
                headers={"Authorization": token.encode("latin-1")},
                json={"email": an_email(), "password": "long enough password"},
            )
            codes[f"{op.method} {op.path}"] = response.status_code
        assert {request: code for request, code in codes.items() if code >= 500} == {}
        assert (codes["GET /me"], codes["GET /projects"], codes["POST /projects"]) == (
            401,
            401,
            401,
        )

"""Specifications over HTTP: upload, paste, fetch, type in; parse, list, filter, activate,
compare, download; refusals as problem+json. Parsing runs here deterministically: directly
through the application, and once through the real outbox, Redis and a Dramatiq worker."""

import dataclasses
import hashlib
import http.server
import importlib
import io
import json
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import dramatiq
import httpx
import pytest

from infrastructure.projections.catalog import read_model
from interfaces.bootstrap import Runtime, Servers, specification_intake
from interfaces.http.app import create_app
from tests.integration.interfaces.http.support import (
    Account,
    TestClient,
    a_project,
    an_account,
    assert_problem,
    error_fields,
)

SPECS = Path(__file__).parents[3] / "fixtures" / "specs"
PETSTORE = SPECS / "petstore-3.0.yaml"
PETSTORE_ENDPOINTS = {
    ("POST", "/auth/login"),
    ("GET", "/pets"),
    ("POST", "/pets"),
    ("GET", "/pets/{petId}"),
    ("PUT", "/pets/{petId}"),
    ("DELETE", "/pets/{petId}"),
}


def petstore_v2() -> bytes:
    """This function will give the next version of the petstore: GET /owners added, DELETE
    /pets/{petId} removed, GET /pets/{petId} deprecated, PUT's petId minimum changed."""
    text = PETSTORE.read_text()
    edits = [
        (
            "      operationId: getPetById\n      summary: Find a pet\n",
            "      operationId: getPetById\n      summary: Find a pet\n      deprecated: true\n",
        ),
        (
            "            format: int64\n            minimum: 1\n",
            "            format: int64\n            minimum: 0\n",
        ),
        (
            text[
                text.index("    delete:\n      operationId: deletePet") : text.index("components:")
            ],
            "  /owners:\n    get:\n      operationId: listOwners\n      tags: [owners]\n"
            "      responses:\n        '200':\n          description: The owners\n",
        ),
    ]
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text.encode()


@pytest.fixture(scope="module")
def project_all(http_runtime: Runtime) -> Callable[[], None]:
    """This fixture will apply every event written so far to every read model."""
    runners = http_runtime.runners()

    def run() -> None:
        for runner in runners:
            runner.catch_up()

    return run


@pytest.fixture(scope="module")
def owner(client: TestClient) -> Account:
    return an_account(client)


@pytest.fixture(scope="module")
def stranger(client: TestClient) -> Account:
    return an_account(client)


def a_project_id(
    client: TestClient, account: Account, base_url: str = "https://api.example.com"
) -> str:
    project_id: str = a_project(client, account, base_url=base_url).json()["id"]
    return project_id


def upload(
    client: TestClient,
    account: Account,
    project_id: str,
    content: bytes,
    file_name: str = "petstore-3.0.yaml",
    content_type: str = "application/octet-stream",
    **form: str,
) -> httpx.Response:
    response: httpx.Response = client.post(
        f"/projects/{project_id}/specs",
        files={"file": (file_name, content, content_type)},
        data=form,
        headers=account.auth,
    )
    return response


class Specs:
    """One account's view of the specification endpoints, parsing deterministically."""

    def __init__(
        self,
        client: TestClient,
        runtime: Runtime,
        account: Account,
        project_all: Callable[[], None],
    ) -> None:
        self.client, self.runtime, self.account, self.project_all = (
            client,
            runtime,
            account,
            project_all,
        )

    def uploaded(
        self,
        project_id: str,
        content: bytes,
        file_name: str,
        content_type: str = "application/octet-stream",
        **form: str,
    ) -> dict[str, Any]:
        response = upload(
            self.client, self.account, project_id, content, file_name, content_type, **form
        )
        assert response.status_code == 202, response.text
        body: dict[str, Any] = response.json()
        return body

    def parsed(
        self, project_id: str, content: bytes, file_name: str = "petstore-3.0.yaml"
    ) -> dict[str, Any]:
        """This function will upload, parse, project and read back a specification."""
        spec_id = self.uploaded(project_id, content, file_name)["id"]
        self.runtime.apidoc.parse_specification(UUID(spec_id))
        return self.read(project_id, spec_id)

    def read(self, project_id: str, spec_id: str) -> dict[str, Any]:
        self.project_all()
        response = self.client.get(
            f"/projects/{project_id}/specs/{spec_id}", headers=self.account.auth
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def endpoints(self, project_id: str, spec_id: str, **filters: Any) -> dict[str, Any]:
        self.project_all()
        response = self.client.get(
            f"/projects/{project_id}/specs/{spec_id}/endpoints",
            params=filters,
            headers=self.account.auth,
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def endpoint_keys(self, project_id: str, spec_id: str, **filters: Any) -> set[tuple[str, str]]:
        return {
            (e["method"], e["path"])
            for e in self.endpoints(project_id, spec_id, **filters)["items"]
        }

    def project(self, project_id: str) -> dict[str, Any]:
        response = self.client.get(f"/projects/{project_id}", headers=self.account.auth)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture(scope="module")
def specs(
    client: TestClient, http_runtime: Runtime, owner: Account, project_all: Callable[[], None]
) -> Specs:
    return Specs(client, http_runtime, owner, project_all)


@pytest.fixture(scope="module")
def petstore(client: TestClient, owner: Account, specs: Specs) -> tuple[str, dict[str, Any]]:
    """A project whose petstore specification is parsed and in the read model."""
    project_id = a_project_id(client, owner)
    return project_id, specs.parsed(project_id, PETSTORE.read_bytes())


class TestUploadSpecification:
    @pytest.mark.parametrize(
        ("file_name", "source_type", "expected"),
        [
            ("petstore-3.0.yaml", "OpenAPI 3.0", PETSTORE_ENDPOINTS),
            ("library-3.1.json", "OpenAPI 3.1", {("GET", "/categories"), ("GET", "/books/{isbn}")}),
            (
                "petstore-swagger-2.0.json",
                "Swagger 2.0",
                {
                    ("GET", "/pet/findByStatus"),
                    ("GET", "/pet/{petId}"),
                    ("GET", "/user/login"),
                    ("POST", "/pet"),
                    ("POST", "/pet/{petId}"),
                    ("POST", "/pet/{petId}/uploadImage"),
                },
            ),
            (
                "petshop.postman_collection-2.1.json",
                "Postman",
                {
                    ("GET", "/pets"),
                    ("GET", "/pets/{petId}/owners/{ownerId}"),
                    ("POST", "/auth/login"),
                    ("POST", "/pets"),
                    ("PUT", "/pets/{petId}/photo"),
                },
            ),
            (
                "weather.postman_collection-2.0.json",
                "Postman",
                {
                    ("GET", "/health"),
                    ("GET", "/v1/cities/{city}/forecast"),
                    ("POST", "/v1/observations"),
                },
            ),
            (
                "shop-session.har",
                "HAR",
                {
                    ("GET", "/api/products"),
                    ("POST", "/api/basket/items"),
                    ("POST", "/api/newsletter"),
                },
            ),
            (
                "commands.curl",
                "cURL",
                {
                    ("DELETE", "/v1/sessions/current"),
                    ("GET", "/find"),
                    ("GET", "/v1/users"),
                    ("PATCH", "/v1/users/42"),
                    ("POST", "/upload"),
                    ("POST", "/v1/login"),
                    ("POST", "/v1/users"),
                },
            ),
        ],
    )
    def test_accepts_each_format_as_pending_then_lists_exactly_its_endpoints(
        self,
        client: TestClient,
        owner: Account,
        specs: Specs,
        file_name: str,
        source_type: str,
        expected: set[tuple[str, str]],
    ) -> None:
        project_id = a_project_id(client, owner)

        response = upload(client, owner, project_id, (SPECS / file_name).read_bytes(), file_name)

        assert response.status_code == 202, response.text
        accepted = response.json()
        assert (accepted["parse_status"], accepted["endpoint_count"], accepted["version"]) == (
            "Pending",
            0,
            1,
        )
        assert response.headers["Location"] == f"/projects/{project_id}/specs/{accepted['id']}"
        assert response.headers["ETag"] == '"1"'
        assert specs.runtime.apidoc.parse_specification(UUID(accepted["id"])) == "Success"
        spec = specs.read(project_id, accepted["id"])
        assert (spec["parse_status"], spec["source_type"], spec["endpoint_count"]) == (
            "Success",
            source_type,
            len(expected),
        )
        listed = specs.endpoints(project_id, accepted["id"])
        assert {(e["method"], e["path"]) for e in listed["items"]} == expected
        assert listed["total"] == len(expected)

    def test_reads_as_pending_until_a_worker_parses_it(
        self, client: TestClient, owner: Account, specs: Specs
    ) -> None:
        project_id = a_project_id(client, owner)
        accepted = specs.uploaded(
            project_id, PETSTORE.read_bytes(), "petstore-3.0.yaml", name="Pets v1"
        )

        spec = specs.read(project_id, accepted["id"])

        assert (spec["name"], spec["parse_status"], spec["endpoint_count"], spec["is_active"]) == (
            "Pets v1",
            "Pending",
            0,
            False,
        )
        listed = client.get(f"/projects/{project_id}/specs", headers=owner.auth).json()
        assert [(s["id"], s["parse_status"]) for s in listed] == [(accepted["id"], "Pending")]

    def test_parses_each_upload_once_even_when_asked_twice(
        self, client: TestClient, owner: Account, specs: Specs
    ) -> None:
        project_id = a_project_id(client, owner)
        spec_id = UUID(specs.uploaded(project_id, PETSTORE.read_bytes(), "petstore-3.0.yaml")["id"])

        assert specs.runtime.apidoc.parse_specification(spec_id) == "Success"
        assert specs.runtime.apidoc.parse_specification(spec_id) == "Success"

        history = client.get(
            f"/projects/{project_id}/specs/{spec_id}/history", headers=owner.auth
        ).json()
        assert [h["type"] for h in history] == [
            "ApiSpecification.Uploaded",
            "ApiSpecification.ParsingStarted",
            "ApiSpecification.Parsed",
            "ApiSpecification.Activated",
        ]
        assert "specification" not in history[2]["payload"]


class TestCollectionsWithRepeatedRequests:
    def test_lists_once_an_endpoint_a_collection_calls_twice_with_a_repeated_query_key(
        self, client: TestClient, owner: Account, specs: Specs
    ) -> None:
        def a_request(name: str, query: list[dict[str, str]]) -> dict[str, Any]:
            raw = "https://api.example.com/pets?" + "&".join(
                f"{q['key']}={q['value']}" for q in query
            )
            url = {"raw": raw, "host": ["api", "example", "com"], "path": ["pets"], "query": query}
            return {"name": name, "request": {"method": "GET", "url": url}}

        tagged = [{"key": "tag", "value": "cat"}, {"key": "tag", "value": "dog"}]
        collection = {
            "info": {
                "name": "Pets, tried twice",
                "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
            },
            "item": [
                a_request("cats and dogs", tagged),
                a_request("first page", [{"key": "page", "value": "1"}]),
            ],
        }
        project_id = a_project_id(client, owner)
        spec_id = specs.uploaded(
            project_id, json.dumps(collection).encode(), "pets.postman_collection.json"
        )["id"]

        assert specs.runtime.apidoc.parse_specification(UUID(spec_id)) == "Success"

        spec = specs.read(project_id, spec_id)
        (listed,) = specs.endpoints(project_id, spec_id)["items"]
        assert (spec["parse_status"], listed["method"], listed["path"]) == (
            "Success",
            "GET",
            "/pets",
        )
        detail = client.get(
            f"/projects/{project_id}/specs/{spec_id}/endpoints/{listed['id']}", headers=owner.auth
        ).json()
        assert [(p["location"], p["name"]) for p in detail["parameters"]] == [("query", "tag")]


class TestEndpoints:
    @pytest.mark.parametrize(
        ("filters", "expected"),
        [
            ({"tag": "auth"}, {("POST", "/auth/login")}),
            ({"tag": "pets", "method": "get"}, {("GET", "/pets"), ("GET", "/pets/{petId}")}),
            ({"method": "DELETE"}, {("DELETE", "/pets/{petId}")}),
            (
                {"path": "petid"},
                {("GET", "/pets/{petId}"), ("PUT", "/pets/{petId}"), ("DELETE", "/pets/{petId}")},
            ),
            ({"path": "login", "method": "GET"}, set()),
            ({"deprecated": "false"}, PETSTORE_ENDPOINTS),
            ({"deprecated": "true"}, set()),
            ({"path": "%"}, set()),
        ],
    )
    def test_filters_by_tag_method_path_and_deprecation(
        self,
        specs: Specs,
        petstore: tuple[str, dict[str, Any]],
        filters: dict[str, str],
        expected: set[tuple[str, str]],
    ) -> None:
        project_id, spec = petstore

        listed = specs.endpoints(project_id, spec["id"], **filters)

        assert {(e["method"], e["path"]) for e in listed["items"]} == expected
        assert listed["total"] == len(expected)

    def test_pages_through_endpoints_ordered_by_path_then_method(
        self, specs: Specs, petstore: tuple[str, dict[str, Any]]
    ) -> None:
        project_id, spec = petstore

        page = specs.endpoints(project_id, spec["id"], limit=2, offset=2)

        assert (page["total"], page["limit"], page["offset"]) == (6, 2, 2)
        assert [(e["method"], e["path"]) for e in page["items"]] == [
            ("POST", "/pets"),
            ("DELETE", "/pets/{petId}"),
        ]

    def test_details_an_endpoint_with_its_parameters_responses_and_security(
        self, client: TestClient, owner: Account, specs: Specs, petstore: tuple[str, dict[str, Any]]
    ) -> None:
        project_id, spec = petstore
        (listing,) = specs.endpoints(project_id, spec["id"], method="GET", path="/pets", limit=1)[
            "items"
        ]

        response = client.get(
            f"/projects/{project_id}/specs/{spec['id']}/endpoints/{listing['id']}",
            headers=owner.auth,
        )

        assert response.status_code == 200, response.text
        detail = response.json()
        assert (detail["method"], detail["path"], detail["operation_id"], detail["tags"]) == (
            "GET",
            "/pets",
            "listPets",
            ["pets"],
        )
        parameters = {(p["location"], p["name"]): p for p in detail["parameters"]}
        assert set(parameters) == {
            ("query", "limit"),
            ("query", "status"),
            ("query", "tags"),
            ("header", "X-Request-ID"),
        }  # an Accept header parameter is ignored, as OpenAPI says
        assert (
            parameters[("query", "limit")]["data_type"],
            parameters[("query", "limit")]["default_value"],
        ) == (
            "integer",
            "20",
        )
        assert parameters[("query", "limit")]["schema"]["maximum"] == 100
        assert parameters[("header", "X-Request-ID")]["format"] == "uuid"
        assert [(r["status_code"], r["status_key"]) for r in detail["responses"]] == [
            (200, "200"),
            (400, "400"),
        ]
        assert detail["responses"][0]["schema"]["type"] == "array"
        assert [(s["scheme_name"], s["security_type"]) for s in detail["security"]] == [
            ("bearerAuth", "http")
        ]

    @pytest.mark.parametrize(
        ("method", "path", "schemes"),
        [("DELETE", "/pets/{petId}", [("apiKey", "apiKey")]), ("POST", "/auth/login", [])],
    )
    def test_details_the_security_an_operation_overrides(
        self,
        client: TestClient,
        owner: Account,
        specs: Specs,
        petstore: tuple[str, dict[str, Any]],
        method: str,
        path: str,
        schemes: list[tuple[str, str]],
    ) -> None:
        project_id, spec = petstore
        (found,) = [
            e
            for e in specs.endpoints(project_id, spec["id"], method=method)["items"]
            if e["path"] == path
        ]

        detail = client.get(
            f"/projects/{project_id}/specs/{spec['id']}/endpoints/{found['id']}", headers=owner.auth
        ).json()

        assert [(s["scheme_name"], s["security_type"]) for s in detail["security"]] == schemes

    def test_answers_404_for_an_endpoint_of_no_such_id(
        self, client: TestClient, owner: Account, petstore: tuple[str, dict[str, Any]]
    ) -> None:
        project_id, spec = petstore

        response = client.get(
            f"/projects/{project_id}/specs/{spec['id']}/endpoints/{uuid4()}", headers=owner.auth
        )

        assert_problem(response, 404, "not-found")


class TestPasteText:
    def test_reads_pasted_curl_commands_keeping_what_it_skipped(
        self, client: TestClient, owner: Account, specs: Specs
    ) -> None:
        project_id = a_project_id(client, owner)

        response = client.post(
            f"/projects/{project_id}/specs/text",
            json={"content": (SPECS / "commands.curl").read_text(), "name": "From the terminal"},
            headers=owner.auth,
        )

        assert response.status_code == 202, response.text
        spec_id = response.json()["id"]
        specs.runtime.apidoc.parse_specification(UUID(spec_id))
        spec = specs.read(project_id, spec_id)
        assert (
            spec["name"],
            spec["source_type"],
            spec["parse_status"],
            spec["endpoint_count"],
        ) == (
            "From the terminal",
            "cURL",
            "Success",
            7,
        )
        assert spec["parse_errors"] == [
            {"location": "line 17", "message": "file 'report.pdf' is not read"}
        ]
        assert specs.endpoint_keys(project_id, spec_id, method="POST", path="/v1/") == {
            ("POST", "/v1/users"),
            ("POST", "/v1/login"),
        }

    def test_refuses_blank_text(self, client: TestClient, owner: Account) -> None:
        project_id = a_project_id(client, owner)

        blank = client.post(
            f"/projects/{project_id}/specs/text", json={"content": "  \n "}, headers=owner.auth
        )
        empty = client.post(
            f"/projects/{project_id}/specs/text", json={"content": ""}, headers=owner.auth
        )

        assert "file" in error_fields(assert_problem(blank, 422, "empty-document"))
        assert "content" in error_fields(assert_problem(empty, 422, "validation"))


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, directory=str(SPECS), **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        """This function will keep the test output clean."""


@pytest.fixture(scope="module")
def spec_server() -> Iterator[str]:
    """A local HTTP server on 127.0.0.1 serving the fixture specifications."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def a_client_allowing_private_targets(runtime: Runtime, allowed: bool) -> TestClient:
    """This function will build a client of a deployment whose settings allow (or refuse)
    loopback and private targets, with the outbound policy those settings give."""
    settings = runtime.settings.model_copy(update={"allow_private_targets": allowed})
    intake = specification_intake(settings, runtime.apidoc, runtime.storage)
    app = create_app(dataclasses.replace(runtime, settings=settings, intake=intake))
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def private_client(http_runtime: Runtime) -> Iterator[TestClient]:
    """A client of a deployment that allows loopback and private targets."""
    with a_client_allowing_private_targets(http_runtime, True) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def public_only_client(http_runtime: Runtime) -> Iterator[TestClient]:
    """A client of a deployment that refuses loopback and private targets."""
    with a_client_allowing_private_targets(http_runtime, False) as test_client:
        yield test_client


class TestFetchUrl:
    def test_refuses_a_loopback_url_when_private_targets_are_not_allowed(
        self, public_only_client: TestClient, owner: Account, spec_server: str
    ) -> None:
        client = public_only_client
        project_id = a_project_id(client, owner)

        response = client.post(
            f"/projects/{project_id}/specs/url",
            json={"url": f"{spec_server}/petstore-3.0.yaml"},
            headers=owner.auth,
        )

        problem = assert_problem(response, 422, "fetch-refused")
        assert "127.0.0.1 is a loopback or private address" in problem["detail"]
        assert error_fields(problem) == {"url"}
        assert client.get(f"/projects/{project_id}/specs", headers=owner.auth).json() == []

    def test_fetches_a_loopback_url_when_private_targets_are_allowed(
        self, private_client: TestClient, owner: Account, specs: Specs, spec_server: str
    ) -> None:
        project_id = a_project_id(private_client, owner)

        response = private_client.post(
            f"/projects/{project_id}/specs/url",
            json={"url": f"{spec_server}/petstore-3.0.yaml"},
            headers=owner.auth,
        )

        assert response.status_code == 202, response.text
        accepted = response.json()
        assert accepted["name"] == "petstore-3.0.yaml"
        specs.runtime.apidoc.parse_specification(UUID(accepted["id"]))
        assert specs.read(project_id, accepted["id"])["parse_status"] == "Success"
        assert specs.endpoint_keys(project_id, accepted["id"]) == PETSTORE_ENDPOINTS
        download = private_client.get(
            f"/projects/{project_id}/specs/{accepted['id']}/file", headers=owner.auth
        )
        assert download.content == PETSTORE.read_bytes()

    def test_refuses_a_url_that_answers_an_error(
        self, private_client: TestClient, owner: Account, spec_server: str
    ) -> None:
        project_id = a_project_id(private_client, owner)

        response = private_client.post(
            f"/projects/{project_id}/specs/url",
            json={"url": f"{spec_server}/missing.yaml"},
            headers=owner.auth,
        )

        assert "answered HTTP 404" in assert_problem(response, 422, "fetch-refused")["detail"]

    @pytest.mark.parametrize(
        ("url", "reason"),
        [
            (
                "http://169.254.169.254/latest/meta-data/",
                "169.254.169.254 is a cloud metadata address",
            ),
            ("http://169.254.10.10/openapi.json", "169.254.10.10 is a link-local address"),
            ("file:///etc/passwd", "only http and https URLs are allowed"),
        ],
    )
    def test_always_refuses_link_local_and_non_http_urls(
        self, private_client: TestClient, owner: Account, url: str, reason: str
    ) -> None:
        project_id = a_project_id(private_client, owner)

        response = private_client.post(
            f"/projects/{project_id}/specs/url", json={"url": url}, headers=owner.auth
        )

        assert reason in assert_problem(response, 422, "fetch-refused")["detail"]


@pytest.fixture(scope="module")
def small_limit_client(http_runtime: Runtime) -> Iterator[TestClient]:
    """A client of a deployment that takes documents of at most 1 KiB."""
    settings = http_runtime.settings.model_copy(update={"max_upload_bytes": 1024})
    intake = specification_intake(settings, http_runtime.apidoc, http_runtime.storage)
    with TestClient(
        create_app(dataclasses.replace(http_runtime, settings=settings, intake=intake)),
        raise_server_exceptions=False,
    ) as c:
        yield c


class TestBadUploads:
    def test_refuses_an_empty_file(self, client: TestClient, owner: Account) -> None:
        project_id = a_project_id(client, owner)

        response = upload(client, owner, project_id, b"", "empty.yaml")

        problem = assert_problem(response, 422, "empty-document")
        assert error_fields(problem) == {"file"}

    def test_refuses_a_file_over_the_size_limit(
        self, small_limit_client: TestClient, owner: Account
    ) -> None:
        project_id = a_project_id(small_limit_client, owner)

        too_large = upload(
            small_limit_client, owner, project_id, PETSTORE.read_bytes(), "petstore-3.0.yaml"
        )
        pasted = small_limit_client.post(
            f"/projects/{project_id}/specs/text", json={"content": "x" * 1025}, headers=owner.auth
        )
        at_the_limit = upload(
            small_limit_client,
            owner,
            project_id,
            b"curl https://a.example.com/" + b"x" * 997,
            "c.curl",
        )

        assert "larger than 1024 bytes" in assert_problem(too_large, 413, "too-large")["detail"]
        assert_problem(pasted, 413, "too-large")
        assert at_the_limit.status_code == 202, at_the_limit.text

    @pytest.mark.parametrize(
        ("file_name", "content", "location", "message"),
        [
            ("logo.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "/", "the file is binary"),
            (
                "broken.yaml",
                b"openapi: 3.0.3\ninfo:\n  title: Pets\n   version: 1\npaths: {}\n",
                "line 4, column 11",
                "invalid YAML",
            ),
            (
                "old.postman_collection.json",
                b'{"id": "c1", "name": "Old", "order": ["r1"], "requests": [{"id": "r1", "url": "http://x.example.com/pets", "method": "GET"}]}',
                "/",
                "Postman collection format v1 is not supported",
            ),
        ],
    )
    def test_accepts_then_fails_an_unreadable_document_saying_where_and_why(
        self,
        client: TestClient,
        owner: Account,
        specs: Specs,
        file_name: str,
        content: bytes,
        location: str,
        message: str,
    ) -> None:
        project_id = a_project_id(client, owner)
        spec_id = specs.uploaded(project_id, content, file_name)["id"]

        assert specs.runtime.apidoc.parse_specification(UUID(spec_id)) == "Failed"

        spec = specs.read(project_id, spec_id)
        assert (spec["parse_status"], spec["endpoint_count"], spec["is_active"]) == (
            "Failed",
            0,
            False,
        )
        (issue,) = spec["parse_errors"]
        assert issue["location"] == location
        assert message in issue["message"]
        activate = client.post(
            f"/projects/{project_id}/specs/{spec_id}/activate", headers=owner.auth
        )
        assert (
            "only a parsed specification can be active"
            in assert_problem(activate, 409, "specification-state")["detail"]
        )


class TestActivation:
    def test_activates_the_first_parsed_spec_and_takes_the_base_url_from_its_servers(
        self, client: TestClient, owner: Account, specs: Specs
    ) -> None:
        project_id = a_project_id(client, owner, base_url="")

        spec = specs.parsed(project_id, PETSTORE.read_bytes())

        assert spec["is_active"] is True
        assert spec["servers"] == [
            "https://api.petstore.example.com/v1",
            "http://localhost:8080/v1",
        ]
        project = specs.project(project_id)
        assert (project["active_spec_id"], project["base_url"]) == (
            spec["id"],
            "https://api.petstore.example.com/v1",
        )

    def test_keeps_a_base_url_the_project_already_has(
        self, client: TestClient, owner: Account, specs: Specs
    ) -> None:
        project_id = a_project_id(client, owner, base_url="https://staging.example.com")

        spec = specs.parsed(project_id, PETSTORE.read_bytes())

        assert specs.project(project_id)["base_url"] == "https://staging.example.com"
        assert spec["is_active"] is True

    def test_activates_a_second_version_and_deactivates_the_first(
        self, client: TestClient, owner: Account, specs: Specs
    ) -> None:
        project_id = a_project_id(client, owner)
        first = specs.parsed(project_id, PETSTORE.read_bytes())
        second = specs.parsed(project_id, petstore_v2(), "petstore-v2.yaml")
        assert (first["is_active"], second["is_active"]) == (True, False)

        response = client.post(
            f"/projects/{project_id}/specs/{second['id']}/activate", headers=owner.auth
        )

        assert response.status_code == 200, response.text
        assert response.json()["is_active"] is True
        specs.project_all()
        listed = client.get(f"/projects/{project_id}/specs", headers=owner.auth).json()
        assert {s["id"]: s["is_active"] for s in listed} == {first["id"]: False, second["id"]: True}
        assert specs.project(project_id)["active_spec_id"] == second["id"]
        assert specs.endpoint_keys(project_id, second["id"], deprecated=True) == {
            ("GET", "/pets/{petId}")
        }

    def test_refuses_to_activate_a_spec_still_pending(
        self, client: TestClient, owner: Account, specs: Specs
    ) -> None:
        project_id = a_project_id(client, owner)
        spec_id = specs.uploaded(project_id, PETSTORE.read_bytes(), "petstore-3.0.yaml")["id"]

        response = client.post(
            f"/projects/{project_id}/specs/{spec_id}/activate", headers=owner.auth
        )

        assert (
            "(this one is Pending)"
            in assert_problem(response, 409, "specification-state")["detail"]
        )

    def test_lists_endpoints_added_removed_and_changed_between_two_versions(
        self, client: TestClient, owner: Account, specs: Specs
    ) -> None:
        project_id = a_project_id(client, owner)
        first = specs.parsed(project_id, PETSTORE.read_bytes())
        second = specs.parsed(project_id, petstore_v2(), "petstore-v2.yaml")

        response = client.get(
            f"/projects/{project_id}/specs/{first['id']}/diff/{second['id']}", headers=owner.auth
        )

        assert response.status_code == 200, response.text
        assert response.json() == {
            "base": first["id"],
            "target": second["id"],
            "added": ["GET /owners"],
            "removed": ["DELETE /pets/{petId}"],
            "changed": [
                {"key": "GET /pets/{petId}", "changes": ["deprecated"]},
                {"key": "PUT /pets/{petId}", "changes": ["parameter changed: path:petId"]},
            ],
            "unchanged": 3,
        }
        backwards = client.get(
            f"/projects/{project_id}/specs/{second['id']}/diff/{first['id']}", headers=owner.auth
        )
        assert (backwards.json()["added"], backwards.json()["removed"]) == (
            ["DELETE /pets/{petId}"],
            ["GET /owners"],
        )


class TestManualSpecification:
    @pytest.fixture
    def manual(self, client: TestClient, owner: Account) -> tuple[str, str]:
        project_id = a_project_id(client, owner)
        response = client.post(
            f"/projects/{project_id}/specs/manual", json={"name": "Typed in"}, headers=owner.auth
        )
        assert response.status_code == 201, response.text
        assert (response.json()["parse_status"], response.json()["source_type"]) == (
            "Success",
            "Manual",
        )
        return project_id, response.json()["id"]

    def add(
        self, client: TestClient, owner: Account, manual: tuple[str, str], **endpoint: Any
    ) -> httpx.Response:
        project_id, spec_id = manual
        response: httpx.Response = client.post(
            f"/projects/{project_id}/specs/{spec_id}/endpoints", json=endpoint, headers=owner.auth
        )
        return response

    def test_adds_an_endpoint_by_hand_with_its_path_parameters(
        self, client: TestClient, owner: Account, specs: Specs, manual: tuple[str, str]
    ) -> None:
        project_id, spec_id = manual

        response = self.add(
            client,
            owner,
            manual,
            method="get",
            path="/pets/{petId}",
            tags=["pets"],
            parameters=[{"name": "verbose", "location": "query", "schema": {"type": "boolean"}}],
            responses=[{"status_code": "200", "schema": {"type": "object"}}],
        )

        assert response.status_code == 201, response.text
        assert (response.json()["endpoint_count"], response.headers["ETag"]) == (1, '"2"')
        (listed,) = specs.endpoints(project_id, spec_id, tag="pets")["items"]
        assert (listed["method"], listed["path"]) == ("GET", "/pets/{petId}")
        detail = client.get(
            f"/projects/{project_id}/specs/{spec_id}/endpoints/{listed['id']}", headers=owner.auth
        ).json()
        assert {(p["location"], p["name"], p["is_required"]) for p in detail["parameters"]} == {
            ("path", "petId", True),
            ("query", "verbose", False),
        }

    def test_refuses_an_endpoint_it_already_has(
        self, client: TestClient, owner: Account, manual: tuple[str, str]
    ) -> None:
        assert self.add(client, owner, manual, method="POST", path="/pets").status_code == 201

        duplicate = self.add(client, owner, manual, method="post", path="/pets")

        assert (
            "already has POST /pets"
            in assert_problem(duplicate, 409, "duplicate-endpoint")["detail"]
        )

    @pytest.mark.parametrize(
        "parameters",
        [
            [{"name": "q", "location": "query"}, {"name": "q", "location": "query"}],
            [{"name": "id", "location": "path"}, {"name": "id", "location": "path"}],
        ],
    )
    def test_refuses_a_parameter_declared_twice(
        self,
        client: TestClient,
        owner: Account,
        specs: Specs,
        manual: tuple[str, str],
        parameters: list[dict[str, str]],
    ) -> None:
        response = self.add(
            client, owner, manual, method="GET", path="/search/{id}", parameters=parameters
        )

        problem = assert_problem(response, 422, "inconsistent-values")
        assert error_fields(problem) == {"parameters"}
        specs.project_all()  # nothing was recorded that the read model cannot hold

    def test_refuses_a_path_naming_a_parameter_twice(
        self, client: TestClient, owner: Account, specs: Specs, manual: tuple[str, str]
    ) -> None:
        response = self.add(client, owner, manual, method="GET", path="/pets/{id}/friends/{id}")

        assert error_fields(assert_problem(response, 422, "inconsistent-values")) == {"path"}
        specs.project_all()

    def test_refuses_a_path_parameter_the_path_does_not_have_as_inconsistent(
        self, client: TestClient, owner: Account, manual: tuple[str, str]
    ) -> None:
        parameters = [{"name": "petId", "location": "path"}]

        response = self.add(
            client, owner, manual, method="GET", path="/pets", parameters=parameters
        )

        problem = assert_problem(response, 422, "inconsistent-values")
        assert "'petId' is not in the path" in problem["detail"]

    def test_refuses_a_form_error_beside_an_inconsistency_as_validation(
        self, client: TestClient, owner: Account, manual: tuple[str, str]
    ) -> None:
        parameters = [{"name": "petId", "location": "path"}]

        response = self.add(
            client, owner, manual, method="FETCH", path="/pets", parameters=parameters
        )

        assert error_fields(assert_problem(response, 422, "validation")) == {"method"}

    @pytest.mark.parametrize("route", ["manual", "text", "url"])
    def test_answers_a_get_on_a_create_route_with_405_naming_post(
        self, client: TestClient, owner: Account, manual: tuple[str, str], route: str
    ) -> None:
        project_id, _ = manual

        response = client.get(f"/projects/{project_id}/specs/{route}", headers=owner.auth)

        assert_problem(response, 405, "method-not-allowed")
        assert response.headers["Allow"] == "POST"

    def test_removes_an_endpoint_and_refuses_one_it_does_not_have(
        self, client: TestClient, owner: Account, specs: Specs, manual: tuple[str, str]
    ) -> None:
        project_id, spec_id = manual
        self.add(client, owner, manual, method="GET", path="/pets")
        self.add(client, owner, manual, method="POST", path="/pets")

        removed = client.delete(
            f"/projects/{project_id}/specs/{spec_id}/endpoints",
            params={"method": "get", "path": "/pets"},
            headers={**owner.auth, "If-Match": '"3"'},
        )
        missing = client.delete(
            f"/projects/{project_id}/specs/{spec_id}/endpoints",
            params={"method": "GET", "path": "/pets"},
            headers=owner.auth,
        )

        assert removed.status_code == 200, removed.text
        assert removed.json()["endpoint_count"] == 1
        assert "no endpoint GET /pets" in assert_problem(missing, 404, "not-found")["detail"]
        assert specs.endpoint_keys(project_id, spec_id) == {("POST", "/pets")}

    def test_refuses_an_edit_of_a_stale_version(
        self, client: TestClient, owner: Account, manual: tuple[str, str]
    ) -> None:
        project_id, spec_id = manual
        self.add(client, owner, manual, method="GET", path="/pets")

        response = client.post(
            f"/projects/{project_id}/specs/{spec_id}/endpoints",
            json={"method": "PUT", "path": "/pets"},
            headers={**owner.auth, "If-Match": '"1"'},
        )

        assert assert_problem(response, 412, "version-mismatch")["current_version"] == 2
        assert response.headers["ETag"] == '"2"'

    def test_refuses_hand_edits_to_an_uploaded_spec(
        self, client: TestClient, owner: Account, petstore: tuple[str, dict[str, Any]]
    ) -> None:
        project_id, spec = petstore

        response = self.add(client, owner, (project_id, spec["id"]), method="PATCH", path="/pets")

        assert (
            "only to a Manual specification"
            in assert_problem(response, 409, "not-manual-specification")["detail"]
        )

    def test_has_no_original_file(
        self, client: TestClient, owner: Account, manual: tuple[str, str]
    ) -> None:
        project_id, spec_id = manual

        assert_problem(
            client.get(f"/projects/{project_id}/specs/{spec_id}/file", headers=owner.auth), 404
        )


class TestFiles:
    def test_gives_back_the_original_bytes_with_their_checksum(
        self, client: TestClient, http_runtime: Runtime, project_all: Callable[[], None]
    ) -> None:
        owner = an_account(client)  # a first upload of these bytes for this owner
        specs = Specs(client, http_runtime, owner, project_all)
        project_id = a_project_id(client, owner)
        content = (SPECS / "library-3.1.json").read_bytes()
        spec = specs.uploaded(
            project_id, content, "library 3.1.json", content_type="application/json"
        )

        download = client.get(f"/projects/{project_id}/specs/{spec['id']}/file", headers=owner.auth)

        assert download.status_code == 200
        assert download.content == content
        assert download.headers["X-Checksum-SHA256"] == hashlib.sha256(content).hexdigest()
        assert download.headers["content-type"].startswith("application/json")
        assert download.headers["Content-Disposition"] == 'attachment; filename="library_3.1.json"'

    def test_keeps_one_file_for_an_identical_upload(
        self, client: TestClient, owner: Account, specs: Specs
    ) -> None:
        project_id = a_project_id(client, owner)
        content = (SPECS / "shop-session.har").read_bytes()

        first = specs.uploaded(project_id, content, "shop-session.har")
        again = specs.uploaded(project_id, content, "again.har")

        assert first["id"] != again["id"]
        assert first["original_file_id"] == again["original_file_id"]
        described = client.get(f"/files/{first['original_file_id']}", headers=owner.auth).json()
        assert (
            described["file_name"],
            described["size"],
            described["sha256"],
            described["category"],
        ) == (
            "shop-session.har",
            len(content),
            hashlib.sha256(content).hexdigest(),
            "ApiSpec",
        )

    def test_soft_deletes_a_file_which_is_then_not_found(
        self, client: TestClient, owner: Account, specs: Specs
    ) -> None:
        project_id = a_project_id(client, owner)
        content = (SPECS / "weather.postman_collection-2.0.json").read_bytes()
        spec = specs.uploaded(project_id, content, "weather.json")
        file_id = spec["original_file_id"]
        assert client.get(f"/files/{file_id}/content", headers=owner.auth).content == content

        deleted = client.delete(f"/files/{file_id}", headers=owner.auth)

        assert deleted.status_code == 204
        assert_problem(client.get(f"/files/{file_id}", headers=owner.auth), 404, "not-found")
        assert_problem(
            client.get(f"/files/{file_id}/content", headers=owner.auth), 404, "not-found"
        )
        assert_problem(client.delete(f"/files/{file_id}", headers=owner.auth), 404, "not-found")
        kept = client.get(f"/projects/{project_id}/specs/{spec['id']}/file", headers=owner.auth)
        assert kept.content == content


@pytest.fixture(scope="module")
def owned(client: TestClient, owner: Account, specs: Specs) -> tuple[str, dict[str, Any]]:
    """The owner's parsed petstore, which a stranger tries to reach."""
    project_id = a_project_id(client, owner)
    return project_id, specs.parsed(project_id, PETSTORE.read_bytes())


class TestAnotherUsersSpecifications:
    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("GET", "/projects/{project}/specs"),
            ("GET", "/projects/{project}/specs/{spec}"),
            ("GET", "/projects/{project}/specs/{spec}/endpoints"),
            ("GET", "/projects/{project}/specs/{spec}/endpoints/{endpoint}"),
            ("GET", "/projects/{project}/specs/{spec}/history"),
            ("GET", "/projects/{project}/specs/{spec}/file"),
            ("GET", "/projects/{project}/specs/{spec}/diff/{spec}"),
            ("POST", "/projects/{project}/specs/{spec}/activate"),
            ("GET", "/files/{file}"),
            ("GET", "/files/{file}/content"),
            ("DELETE", "/files/{file}"),
        ],
    )
    def test_are_not_found(
        self,
        client: TestClient,
        stranger: Account,
        specs: Specs,
        owned: tuple[str, dict[str, Any]],
        method: str,
        path: str,
    ) -> None:
        project_id, spec = owned
        (endpoint, *_) = specs.endpoints(project_id, spec["id"])["items"]
        url = path.format(
            project=project_id,
            spec=spec["id"],
            endpoint=endpoint["id"],
            file=spec["original_file_id"],
        )

        response = client.request(method, url, headers=stranger.auth)

        assert_problem(response, 404, "not-found")

    def test_cannot_be_added_to(
        self, client: TestClient, stranger: Account, owned: tuple[str, dict[str, Any]]
    ) -> None:
        project_id, _ = owned

        uploaded = upload(client, stranger, project_id, PETSTORE.read_bytes())
        manual = client.post(
            f"/projects/{project_id}/specs/manual", json={"name": "Mine"}, headers=stranger.auth
        )

        assert_problem(uploaded, 404, "not-found")
        assert_problem(manual, 404, "not-found")

    def test_cannot_be_read_through_a_project_of_ones_own(
        self, client: TestClient, stranger: Account, owned: tuple[str, dict[str, Any]]
    ) -> None:
        _, spec = owned
        own_project = a_project_id(client, stranger)

        response = client.get(
            f"/projects/{own_project}/specs/{spec['id']}/file", headers=stranger.auth
        )

        assert_problem(response, 404, "not-found")


@pytest.fixture
def redis_broker(servers: Servers) -> Iterator[dramatiq.Broker]:
    """The session's Dramatiq broker on the real Redis (the same one the worker tests use:
    `configure_broker` installs it once per process and binds the actors to it)."""
    from dramatiq.brokers.redis import RedisBroker

    from interfaces.workers.broker import configure_broker

    broker = configure_broker(servers.redis_url, namespace=f"testament-test-{uuid4().hex[:10]}")
    if not isinstance(broker, RedisBroker):
        pytest.fail(f"another test installed a {type(broker).__name__} instead of the Redis broker")
    try:
        yield broker
    finally:
        # Parse messages for other tests' uploads may be left: nobody else consumes them.
        broker.flush_all()


class TestParseThroughTheOutbox:
    def test_an_upload_is_published_dispatched_and_parsed_by_a_worker(
        self,
        client: TestClient,
        owner: Account,
        http_runtime: Runtime,
        specs: Specs,
        redis_broker: dramatiq.Broker,
    ) -> None:
        from interfaces.workers.context import set_runtime

        outbox = importlib.import_module("interfaces.workers.actors.outbox")
        project_id = a_project_id(client, owner, base_url="")
        spec_id = specs.uploaded(project_id, PETSTORE.read_bytes(), "petstore-3.0.yaml")["id"]
        for runner in http_runtime.runners((read_model("apidoc_outbox"),)):
            runner.catch_up()
        with http_runtime.pool.connection() as conn:
            (row,) = conn.execute(
                "SELECT event_type, published FROM apidoc.outbox_messages WHERE object_id = %s",
                (spec_id,),
            ).fetchall()
        assert (row["event_type"], row["published"]) == ("ApiSpecification.Uploaded", False)

        set_runtime(http_runtime)
        worker = dramatiq.Worker(
            redis_broker, queues={"integration", "parsing"}, worker_threads=2, worker_timeout=100
        )
        worker.start()
        try:
            publisher = outbox.publisher("apidoc")
            while publisher.publish_pending() > 0:
                pass
            deadline = time.monotonic() + 30
            while (
                http_runtime.apidoc.specification_state(
                    UUID(project_id), UUID(spec_id), owner.id
                ).status
                not in ("Success", "Failed")
                and time.monotonic() < deadline
            ):
                time.sleep(0.05)
        finally:
            worker.stop(timeout=10_000)
            set_runtime(None)

        state = http_runtime.apidoc.specification_state(UUID(project_id), UUID(spec_id), owner.id)
        assert (state.status, state.endpoint_count, state.is_active) == ("Success", 6, True)
        spec = specs.read(project_id, spec_id)
        assert spec["parse_status"] == "Success"
        assert specs.endpoint_keys(project_id, spec_id) == PETSTORE_ENDPOINTS
        assert specs.project(project_id)["base_url"] == "https://api.petstore.example.com/v1"
        with http_runtime.pool.connection() as conn:
            published = conn.execute(
                "SELECT published FROM apidoc.outbox_messages WHERE object_id = %s"
                " AND event_type = 'ApiSpecification.Uploaded'",
                (spec_id,),
            ).fetchone()
        assert published is not None and published["published"] is True


SEPARATE = Path(__file__).parents[3] / "fixtures" / "multi_file"


class SeparateHandler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, directory=str(SEPARATE), **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        """This function will keep the test output clean."""


@pytest.fixture(scope="module")
def separate_server() -> Iterator[str]:
    """A local HTTP server serving a specification split across five files."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SeparateHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def separate_zip(without: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(SEPARATE.rglob("*")):
            name = path.relative_to(SEPARATE).as_posix()
            if path.is_file() and name != without:
                archive.writestr(name, path.read_bytes())
    return buffer.getvalue()


def limit_parameter(specs: Specs, project_id: str, spec_id: str) -> dict[str, Any]:
    listed = specs.endpoints(project_id, spec_id, path="/pets", method="GET")["items"][0]
    detail = specs.client.get(
        f"/projects/{project_id}/specs/{spec_id}/endpoints/{listed['id']}",
        headers=specs.account.auth,
    ).json()
    return next(p for p in detail["parameters"] if p["name"] == "limit")


class TestMultiFileSpecifications:
    def test_bundles_an_archive_of_the_folder_with_its_entry_named(
        self, client: TestClient, owner: Account, specs: Specs
    ) -> None:
        project_id = a_project_id(client, owner)

        accepted = specs.uploaded(
            project_id,
            separate_zip(),
            "petstore-separate.zip",
            "application/zip",
            entry="petstore-separate/spec/swagger.yaml",
        )
        specs.runtime.apidoc.parse_specification(UUID(accepted["id"]))

        spec = specs.read(project_id, accepted["id"])
        assert (spec["parse_status"], spec["parse_errors"]) == ("Success", None)
        assert limit_parameter(specs, project_id, accepted["id"])["data_type"] == "integer"
        stored = client.get(
            f"/projects/{project_id}/specs/{accepted['id']}/file", headers=owner.auth
        ).json()
        assert set(stored["x-bundled"]) >= {"Pet", "NewPet", "Error", "limitsParam"}

    def test_refuses_an_archive_missing_a_file_naming_the_reference(
        self, client: TestClient, owner: Account
    ) -> None:
        project_id = a_project_id(client, owner)

        response = upload(
            client,
            owner,
            project_id,
            separate_zip(without="petstore-separate/common/Error.yaml"),
            "petstore-separate.zip",
            "application/zip",
            entry="spec/swagger.yaml",
        )

        problem = assert_problem(response, 422, "unresolved-references")
        assert "'../common/Error.yaml'" in problem["detail"]
        assert error_fields(problem) == {"file"}
        assert client.get(f"/projects/{project_id}/specs", headers=owner.auth).json() == []

    def test_fetches_the_files_a_url_refers_to_on_the_same_origin(
        self, private_client: TestClient, owner: Account, specs: Specs, separate_server: str
    ) -> None:
        project_id = a_project_id(private_client, owner)

        response = private_client.post(
            f"/projects/{project_id}/specs/url",
            json={"url": f"{separate_server}/petstore-separate/spec/swagger.yaml"},
            headers=owner.auth,
        )

        assert response.status_code == 202, response.text
        spec_id = response.json()["id"]
        specs.runtime.apidoc.parse_specification(UUID(spec_id))
        spec = specs.read(project_id, spec_id)
        assert (spec["parse_status"], spec["parse_errors"]) == ("Success", None)
        assert limit_parameter(specs, project_id, spec_id)["data_type"] == "integer"

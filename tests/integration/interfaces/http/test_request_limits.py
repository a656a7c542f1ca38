"""Request bodies over HTTP: limited per route class before they are read, with or without a
token, and answered 413 problem+json."""

from collections.abc import Iterator

from tests.integration.interfaces.http.support import (
    Account,
    TestClient,
    a_project,
    assert_problem,
)

MB = 1024 * 1024


def a_json_body(size: int) -> bytes:
    return b'{"name": "' + b"x" * (size - 12) + b'"}'


class TestBodyLimit:
    def test_refuses_a_large_command_body_without_a_token(self, client: TestClient) -> None:
        response = client.post(
            "/projects", content=a_json_body(2 * MB), headers={"Content-Type": "application/json"}
        )

        body = assert_problem(response, 413, "too-large")
        assert body["limit"] == 1 * MB

    def test_refuses_a_large_command_body_with_a_token(
        self, client: TestClient, account_for_reads: Account
    ) -> None:
        response = client.post(
            "/projects",
            content=a_json_body(2 * MB),
            headers={**account_for_reads.auth, "Content-Type": "application/json"},
        )

        assert_problem(response, 413, "too-large")

    def test_refuses_a_chunked_body_that_grows_past_the_limit(self, client: TestClient) -> None:
        def chunks() -> Iterator[bytes]:
            yield b'{"name": "'
            for _ in range(40):
                yield b"x" * 64 * 1024
            yield b'"}'

        response = client.post(
            "/auth/login", content=chunks(), headers={"Content-Type": "application/json"}
        )

        assert "content-length" not in {k.lower() for k in response.request.headers}
        assert_problem(response, 413, "too-large")

    def test_refuses_a_large_multipart_body_on_a_json_route(self, client: TestClient) -> None:
        response = client.post("/auth/token", files={"file": ("a.bin", b"x" * 2 * MB)})

        assert_problem(response, 413, "too-large")

    def test_takes_a_specification_upload_over_the_json_limit(
        self, client: TestClient, account_for_reads: Account
    ) -> None:
        project_id = a_project(client, account_for_reads).json()["id"]
        padding = "# " + "x" * 1000 + "\n"
        document = "openapi: 3.0.3\ninfo: {title: Big, version: '1'}\npaths: {}\n" + padding * (
            2 * MB // len(padding)
        )

        response = client.post(
            f"/projects/{project_id}/specs",
            files={"file": ("big.yaml", document.encode(), "application/yaml")},
            headers=account_for_reads.auth,
        )

        assert response.status_code == 202, response.text

"""The real `testament serve` process in embedded mode, driven over HTTP as `make run` starts it.

One server per module: it starts its own PostgreSQL and Redis under a temporary data dir
(the TESTAMENT_DATABASE_URL / TESTAMENT_REDIS_URL of the test run are removed from its
environment), runs its projections (the outboxes publishing as they commit), worker and outbox
ticker in-process, and is stopped with
SIGTERM by the last test. The tests here run in the order they are written.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt
import psycopg
import pytest

STARTUP_TIMEOUT = 90.0
STOP_TIMEOUT = 20.0
USER_AGENT = "testament-e2e/1.0"
PASSWORD = "correct-horse-battery"


@dataclass
class ServerProcess:
    """A running `testament serve`, its data dir and what it printed."""

    process: subprocess.Popen[bytes]
    base_url: str
    data_dir: Path
    log_path: Path
    first_account: dict[str, Any]
    first_email: str

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def database_url(self) -> str:
        """This function will locate the embedded PostgreSQL from its postmaster.pid file."""
        lines = (self.data_dir / "postgres" / "postmaster.pid").read_text().splitlines()
        port, socket_dir = lines[3].strip(), lines[4].strip()
        return f"postgresql://postgres@/postgres?host={socket_dir}&port={port}"

    def stop(self, timeout: float) -> int | None:
        """This function will send SIGTERM and return the exit code, or None if it hung."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_env(data_dir: Path, port: int) -> dict[str, str]:
    # Exactly what a developer's `make run` sees: no server URLs, so everything is embedded.
    env = {k: v for k, v in os.environ.items() if not k.startswith("TESTAMENT_")}
    env.update(
        TESTAMENT_DATA_DIR=str(data_dir),
        TESTAMENT_HOST="127.0.0.1",
        TESTAMENT_PORT=str(port),
        TESTAMENT_LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    return env


def _wait_healthy(process: subprocess.Popen[bytes], base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"testament serve exited with {process.returncode} before answering:\n"
                + log_path.read_text(errors="replace")
            )
        try:
            if httpx.get(f"{base_url}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    pytest.fail(
        f"testament serve did not answer /health within {STARTUP_TIMEOUT:g}s:\n"
        + log_path.read_text(errors="replace")
    )


def _register(base_url: str, email: str) -> dict[str, Any]:
    response = httpx.post(
        f"{base_url}/auth/register",
        json={"email": email, "password": PASSWORD},
        headers={"User-Agent": USER_AGENT},
    )
    assert response.status_code == 202, response.text
    return {"email": email, "_position": response.headers["X-Testament-Position"]}


def _email(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:8]}@example.com"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    data_dir = tmp_path_factory.mktemp("e2e-data")
    log_path = data_dir / "server.log"
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    # What `testament serve` runs, taken from this checkout (cwd) whatever the venv points at.
    command = [sys.executable, "-m", "interfaces.cli.main", "serve"]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            cwd=Path(__file__).resolve().parents[2],
            env=_server_env(data_dir, port),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_healthy(process, base_url, log_path)
        # The first account registered on a fresh embedded install; checked by a test below.
        first_email = _email("first")
        yield ServerProcess(
            process, base_url, data_dir, log_path, _register(base_url, first_email), first_email
        )
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@pytest.fixture(scope="module")
def client(server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=server.base_url, headers={"User-Agent": USER_AGENT}, timeout=15
    ) as http:
        yield http


def _login(client: httpx.Client, email: str) -> dict[str, str]:
    response = client.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["refresh_token"]
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def _user_id(auth: dict[str, str]) -> str:
    """This function will read the account id a bearer token names (its subject)."""
    token = auth["Authorization"].removeprefix("Bearer ")
    return str(jwt.decode(token, options={"verify_signature": False})["sub"])


def _poll(check: Any, timeout: float, interval: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() >= deadline:
            return result
        time.sleep(interval)


class TestServeEmbedded:
    def test_makes_the_first_registered_user_admin_and_no_other(
        self, server: ServerProcess, client: httpx.Client
    ) -> None:
        second = _register(server.base_url, _email("second"))

        # The users read model (kept by the server's own projections) tells the roles.
        auth = _login(client, server.first_email)
        me = client.get(
            "/me", params={"min_position": server.first_account["_position"]}, headers=auth
        )
        assert me.status_code == 200, me.text
        assert "Admin" in me.json()["roles"]
        second_me = client.get(
            "/me",
            params={"min_position": second["_position"]},
            headers=_login(client, second["email"]),
        )
        assert second_me.status_code == 200, second_me.text
        assert second_me.json()["roles"] == ["User"]

    def test_runs_a_project_through_commands_queries_history_and_outbox(
        self, server: ServerProcess, client: httpx.Client
    ) -> None:
        account = _register(server.base_url, _email("owner"))
        auth = _login(client, account["email"])
        account["id"] = _user_id(auth)

        created = client.post(
            "/projects",
            json={"name": "Petstore", "description": "pets", "base_url": "https://pets.example"},
            headers=auth,
        )
        assert created.status_code == 201, created.text
        project_id = created.json()["id"]
        assert created.headers["ETag"] == '"1"'
        assert created.headers["X-Testament-Position"].startswith("apidoc:")
        assert created.headers["Location"] == f"/projects/{project_id}"

        renamed = client.patch(
            f"/projects/{project_id}",
            json={"name": "Petstore v2"},
            headers={**auth, "If-Match": created.headers["ETag"]},
        )
        assert renamed.status_code == 200, renamed.text
        assert renamed.headers["ETag"] == '"2"'
        position = renamed.headers["X-Testament-Position"]
        assert int(position.split(":")[1]) > int(
            created.headers["X-Testament-Position"].split(":")[1]
        )

        stale = client.patch(
            f"/projects/{project_id}",
            json={"name": "Lost update"},
            headers={**auth, "If-Match": '"1"'},
        )
        assert stale.status_code == 412, stale.text

        # From the read table, once the projection has applied the rename.
        read = client.get(
            f"/projects/{project_id}", params={"min_position": position}, headers=auth
        )
        assert read.status_code == 200, read.text
        assert read.json()["name"] == "Petstore v2"
        assert read.json()["version"] == 2
        assert read.json()["owner_id"] == account["id"]

        history = client.get(f"/projects/{project_id}/history", headers=auth)
        assert history.status_code == 200, history.text
        entries = history.json()
        assert [e["type"] for e in entries] == ["Project.Created", "Project.Renamed"]
        assert [e["version"] for e in entries] == [1, 2]
        for entry in entries:
            assert entry["user_id"] == account["id"]
            assert entry["ip"] == "127.0.0.1"
            assert entry["user_agent"] == USER_AGENT
        assert entries[1]["payload"]["name"] == "Petstore v2"

        original = client.get(f"/projects/{project_id}", params={"version": 1}, headers=auth)
        assert original.status_code == 200, original.text
        assert original.json()["name"] == "Petstore"
        assert original.json()["version"] == 1

        # The embedded outbox projection queued both events and published them right after
        # committing them (no route sends project events anywhere: marked published).
        with psycopg.connect(server.database_url(), autocommit=True) as conn:

            def published() -> list[tuple[str, bool]] | None:
                rows = conn.execute(
                    "SELECT event_type, published FROM apidoc.outbox_messages"
                    " WHERE object_id = %s ORDER BY row_version",
                    (project_id,),
                ).fetchall()
                return rows if len(rows) == 2 and all(p for _, p in rows) else None

            rows = _poll(published, timeout=20)
        assert rows == [("Project.Created", True), ("Project.Renamed", True)], (
            "the outbox did not publish within 20s:\n" + server.output()[-4000:]
        )

        def caught_up() -> dict[str, Any] | None:
            health = client.get("/health").json()
            return health if all(p["lag"] == 0 for p in health["projections"]) else None

        health = _poll(caught_up, timeout=10)
        assert health, client.get("/health").text
        assert health["embedded"] is True

    def test_serves_the_api_docs(self, client: httpx.Client) -> None:
        docs = client.get("/docs")
        assert docs.status_code == 200
        assert docs.headers["content-type"].startswith("text/html")
        assert "swagger" in docs.text.lower()

        schema = client.get("/openapi.json")
        assert schema.status_code == 200
        assert "/projects" in schema.json()["paths"]
        assert "/projects/{project_id}/history" in schema.json()["paths"]

    def test_parses_a_multi_megabyte_specification_and_keeps_taking_writes(
        self, server: ServerProcess, client: httpx.Client
    ) -> None:
        # The embedded event store is reached over a Unix socket, where a save of a parsed
        # model this large used to hang for ever holding the log's lock (ADR 0004).
        account = _register(server.base_url, _email("large"))
        auth = _login(client, account["email"])
        project = client.post("/projects", json={"name": "Large"}, headers=auth)
        assert project.status_code == 201, project.text
        text = "A description long enough to look like real documentation. " * 6
        paths = {
            f"/items{i}": {
                "get": {"description": text, "responses": {"200": {"description": "ok"}}}
            }
            for i in range(3000)
        }
        document = {"openapi": "3.0.3", "info": {"title": "Large", "version": "1"}, "paths": paths}
        uploaded = client.post(
            f"/projects/{project.json()['id']}/specs",
            files={"file": ("large.json", json.dumps(document), "application/json")},
            headers=auth,
        )
        assert uploaded.status_code in (201, 202), uploaded.text
        spec_url = f"/projects/{project.json()['id']}/specs/{uploaded.json()['id']}"

        def parsed() -> dict[str, Any] | None:
            spec = client.get(spec_url, headers=auth).json()
            return spec if spec.get("parse_status") in ("Success", "Failed") else None

        spec = _poll(parsed, timeout=60, interval=0.5)
        assert spec and spec["parse_status"] == "Success", server.output()[-4000:]
        assert spec["endpoint_count"] == 3000
        started = time.monotonic()
        after = client.post("/projects", json={"name": "After"}, headers=auth)
        assert after.status_code == 201, after.text
        assert time.monotonic() - started < 5

    def test_stops_on_sigterm_with_its_embedded_servers(self, server: ServerProcess) -> None:
        started = time.monotonic()
        code = server.stop(timeout=STOP_TIMEOUT)
        assert code is not None, (
            f"testament serve still ran {STOP_TIMEOUT:g}s after SIGTERM:\n{server.output()[-4000:]}"
        )
        assert code == 0, f"exit code {code}:\n{server.output()[-4000:]}"
        assert time.monotonic() - started < STOP_TIMEOUT
        # The embedded PostgreSQL was shut down with it, not left running.
        assert not (server.data_dir / "postgres" / "postmaster.pid").exists(), server.output()[
            -4000:
        ]

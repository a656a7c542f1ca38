"""Testament driven over its REST API as a user drives it: upload, generate, approve, run."""

import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ALL_TYPES = ["HappyPath", "Boundary", "Negative"]


class StepFailed(RuntimeError):
    """A step of the flow did not succeed; the message says which and what Testament said."""


def _check(response: httpx.Response, step: str, *ok: int) -> Any:
    if response.status_code not in ok:
        raise StepFailed(f"{step}: {response.status_code} {response.text[:600]}")
    return response.json() if response.content else None


def _until(check: Any, what: str, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise StepFailed(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(0.2)


@dataclass
class Imported:
    project_id: str
    spec: dict[str, Any]


class Client:
    """One user's session on a running Testament."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=60)
        email = f"oracle-{uuid.uuid4().hex[:8]}@example.com"
        password = "oracle-password-123"
        _check(
            self.http.post("/auth/register", json={"email": email, "password": password}),
            "register",
            202,  # the same answer for a new and a known address
        )
        token = _check(
            self.http.post("/auth/login", json={"email": email, "password": password}), "login", 200
        )["access_token"]
        self.http.headers["Authorization"] = f"Bearer {token}"

    def close(self) -> None:
        self.http.close()

    def import_spec(self, name: str, document: Path, timeout: float = 120) -> Imported:
        """This function will upload a file and wait for the worker's parse (any outcome)."""
        project = _check(self.http.post("/projects", json={"name": name[:100]}), "project", 201)
        upload = self.http.post(
            f"/projects/{project['id']}/specs",
            files={"file": (document.name, document.read_bytes(), "application/octet-stream")},
        )
        spec = _check(upload, "upload", 202)

        def parsed() -> Any:
            current = self.http.get(f"/projects/{project['id']}/specs/{spec['id']}")
            if current.status_code == 200 and current.json()["parse_status"] not in (
                "Pending",
                "Processing",
            ):
                return current.json()
            return None

        return Imported(project["id"], _until(parsed, f"the parse of {document.name}", timeout))

    def generate(
        self, project_id: str, spec_id: str, seed: int, test_types: list[str] | None = ALL_TYPES
    ) -> dict[str, Any]:
        """This function will generate (every case type unless told), at the default cases per
        operation; test_types None leaves Testament's default."""
        suite = _check(
            self.http.post(
                f"/projects/{project_id}/suites/generate",
                json={"name": "oracle", "spec_id": spec_id, "seed": seed, "test_types": test_types},
            ),
            "generate",
            201,
        )
        approved = self.http.post(
            f"/suites/{suite['id']}/proposals/1/approve", json={"notes": "oracle"}
        )
        body: dict[str, Any] = _check(approved, "approve", 200)
        # The cases are read from a read model: read our own writes.
        body["_position"] = approved.headers.get("X-Testament-Position", "")
        return body

    def environment(
        self,
        project_id: str,
        base_url: str,
        variables: list[dict[str, Any]] | None = None,
        token: str | None = None,
        auth: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        body = {
            "name": f"oracle-{uuid.uuid4().hex[:6]}",
            "base_url": base_url,
            "variables": variables or [],
            "auth": auth or ({"type": "bearer", "token": token} if token else {"type": "none"}),
        }
        return _check(
            self.http.post(f"/projects/{project_id}/environments", json=body),
            "environment",
            201,
        )

    def run(self, suite_id: str, environment_id: str, timeout: float) -> dict[str, Any]:
        """This function will run the suite and give every case's result once it is done."""
        run = _check(
            self.http.post(f"/suites/{suite_id}/runs", json={"environment_id": environment_id}),
            "run",
            202,
        )

        def finished() -> Any:
            current = self.http.get(f"/runs/{run['id']}")
            if current.status_code == 200 and current.json()["status"] in (
                "Completed",
                "Failed",
                "Cancelled",
                "TimedOut",
            ):
                return current.json()
            return None

        _until(finished, "the run to finish", timeout)
        return _check(self.http.get(f"/runs/{run['id']}/results"), "results", 200)

    def cases(self, suite_id: str, position: str = "") -> list[dict[str, Any]]:
        params = {"min_position": position} if position else {}
        return list(_check(self.http.get(f"/suites/{suite_id}/cases", params=params), "cases", 200))

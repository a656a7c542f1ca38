"""Abuse bench: replays, class by class, what one hostile or careless user sends, against a
running servers-mode deployment on loopback, and counts what held.

Bounded: every class sends a fixed, small number of requests, and the whole run stops
after `--time-limit` seconds (the classes not reached are reported as not run, and count
as failures). Loopback only: the base URL must name 127.0.0.1, ::1 or localhost.

Accounts: when the deployment registers openly (`TESTAMENT_REGISTRATION=open`) the bench
opens its own; otherwise give an Admin's credentials in `ABUSE_ADMIN_EMAIL` and
`ABUSE_ADMIN_PASSWORD` (for example from `testament users create-admin`) and it invites
them. The Admin class needs those credentials either way.

    .venv/bin/python bench/abuse.py --url http://127.0.0.1:8000

Prints per class: inputs tried, held, failed; then `/health` and every projection's lag;
ends with `TARGET abuse_failures measured=<n> goal=0`. Classes the lead may add (event
sizes, strict JSON, secrets, outbound policy, ...) go in CLASSES.
"""

import argparse
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import httpx

PASSWORD = "abuse bench password 1"
LOOPBACK = {"127.0.0.1", "::1", "[::1]", "localhost"}


@dataclass
class Tally:
    """What one class tried, what held, and how each failure looked."""

    name: str
    tried: int = 0
    held: int = 0
    failures: list[str] = field(default_factory=list)

    def check(self, ok: bool, what: str) -> None:
        self.tried += 1
        if ok:
            self.held += 1
        else:
            self.failures.append(what)


@dataclass
class Bench:
    http: httpx.Client
    deadline: float
    invitations: Callable[[str], str | None]

    def account(self) -> tuple[str, dict[str, str], dict[str, Any]]:
        """This function will open and log in a fresh account: (email, auth headers, tokens)."""
        email = f"abuse-{uuid.uuid4().hex[:10]}@example.com"
        body: dict[str, Any] = {"email": email, "password": PASSWORD}
        code = self.invitations(email)
        if code:
            body["invitation"] = code
        registered = self.http.post("/auth/register", json=body)
        if registered.status_code >= 300:
            raise SystemExit(f"cannot open an account: {registered.status_code} {registered.text}")
        tokens = self.login(email, PASSWORD).json()
        return email, {"Authorization": f"Bearer {tokens['access_token']}"}, tokens

    def login(self, email: str, password: str) -> httpx.Response:
        return self.http.post("/auth/login", json={"email": email, "password": password})


def sessions(bench: Bench, tally: Tally) -> None:
    """5. Access tokens end with their session: logout, password change, refresh reuse."""
    _, auth, tokens = bench.account()
    bench.http.post("/auth/logout", json={"refresh_token": tokens["refresh_token"]})
    tally.check(bench.http.get("/projects", headers=auth).status_code == 401, "after logout")

    _, auth, _ = bench.account()
    bench.http.post(
        "/me/password",
        json={"current_password": PASSWORD, "new_password": PASSWORD + "!"},
        headers=auth,
    )
    tally.check(bench.http.get("/projects", headers=auth).status_code == 401, "after password")

    _, auth, tokens = bench.account()
    bench.http.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    bench.http.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    tally.check(bench.http.get("/projects", headers=auth).status_code == 401, "after reuse")


def read_waits(bench: Bench, tally: Tally, flood: int = 80) -> None:
    """6. min_position: no wait before authentication; a flood of waiters stalls nobody."""
    started = time.monotonic()
    anonymous = [
        bench.http.get("/projects", params={"min_position": "apidoc:999999999"}) for _ in range(10)
    ]
    for response in anonymous:
        tally.check(response.status_code == 401, f"anonymous wait -> {response.status_code}")
    tally.check(time.monotonic() - started < 2.0, "anonymous waits took time")

    _, auth, _ = bench.account()
    limits = httpx.Limits(max_connections=flood, max_keepalive_connections=flood)
    # One client for the whole flood: a client per thread costs the bench more CPU (TLS
    # contexts, pools) than the server spends answering.
    with httpx.Client(base_url=str(bench.http.base_url), timeout=30, limits=limits) as shared:

        def wait() -> None:
            shared.get("/projects", params={"min_position": "apidoc:999999999"}, headers=auth)

        threads = [threading.Thread(target=wait) for _ in range(flood)]
        for thread in threads:
            thread.start()
        time.sleep(1.0)
        probes = []
        for _ in range(3):
            probe_started = time.monotonic()
            probe = bench.http.get("/projects", headers=auth)
            probes.append((time.monotonic() - probe_started, probe.status_code))
        for thread in threads:
            thread.join()
    best, status = min(probes)
    tally.check(
        status == 200 and best < 1.0, f"a plain read took {best:.2f}s beside {flood} waiters"
    )


def body_limits(bench: Bench, tally: Tally) -> None:
    """7. Bodies over the limit are refused (413) before they are read, token or not."""
    big = b'{"name": "' + b"x" * (8 * 1024 * 1024) + b'"}'
    _, auth, _ = bench.account()
    for headers in ({}, auth):
        response = bench.http.post(
            "/projects", content=big, headers={**headers, "Content-Type": "application/json"}
        )
        tally.check(response.status_code == 413, f"declared 8 MB -> {response.status_code}")

    def chunks() -> Any:
        for _ in range(128):
            yield b"x" * 65536

    response = bench.http.post(
        "/auth/login", content=chunks(), headers={"Content-Type": "application/json"}
    )
    tally.check(response.status_code == 413, f"chunked 8 MB -> {response.status_code}")


def log_ins(bench: Bench, tally: Tally) -> None:
    """8. Wrong passwords lock an account; unknown and known addresses look alike."""
    email, _, _ = bench.account()
    for _ in range(5):
        bench.login(email, "wrong password")
    locked = bench.login(email, PASSWORD)
    tally.check(locked.status_code == 429 and "Retry-After" in locked.headers, "no lockout")
    unknown = f"nobody-{uuid.uuid4().hex[:10]}@example.com"
    for _ in range(5):
        bench.login(unknown, "wrong password")
    ghost = bench.login(unknown, "wrong password")
    tally.check(
        ghost.status_code == locked.status_code
        and ghost.json().get("detail") == locked.json().get("detail"),
        "an unknown address answers unlike a locked one",
    )
    body = {"email": email, "password": "another password 1"}
    code = bench.invitations(email)
    if code:
        body["invitation"] = code
    again = bench.http.post("/auth/register", json=body)
    tally.check(again.status_code == 202, f"register a taken address -> {again.status_code}")


def roles(bench: Bench, tally: Tally) -> None:
    """9. Admin routes refuse non-Admins; registration follows the deployment's setting."""
    _, auth, _ = bench.account()
    for method, path in (("GET", "/admin/users"), ("POST", "/admin/invitations")):
        response = bench.http.request(method, path, headers=auth, json={})
        tally.check(response.status_code == 403, f"{method} {path} -> {response.status_code}")


def downloads(bench: Bench, tally: Tally) -> None:
    """12. nosniff everywhere; stored files downloaded as sandboxed attachments."""
    _, auth, _ = bench.account()
    project = bench.http.post("/projects", json={"name": "abuse"}, headers=auth).json()
    upload = bench.http.post(
        f"/projects/{project['id']}/specs",
        files={"file": ("x.html", b"<script>alert(1)</script>", "text/html")},
        headers=auth,
    ).json()
    content = bench.http.get(f"/files/{upload['original_file_id']}/content", headers=auth)
    tally.check(content.headers.get("x-content-type-options") == "nosniff", "no nosniff")
    tally.check("sandbox" in content.headers.get("content-security-policy", ""), "no CSP")
    tally.check(content.headers.get("content-disposition", "").startswith("attachment"), "inline")
    health = bench.http.get("/health")
    tally.check(health.headers.get("x-content-type-options") == "nosniff", "no nosniff /health")


CLASSES: list[tuple[str, Callable[[Bench, Tally], None]]] = [
    ("sessions", sessions),
    ("read-waits", read_waits),
    ("body-limits", body_limits),
    ("log-ins", log_ins),
    ("roles", roles),
    ("downloads", downloads),
]


def invitations_from_env(http: httpx.Client) -> Callable[[str], str | None]:
    """This function will give invitation codes from the Admin in the environment, if any."""
    email, password = os.environ.get("ABUSE_ADMIN_EMAIL"), os.environ.get("ABUSE_ADMIN_PASSWORD")
    if not email or not password:
        return lambda _: None
    token = http.post("/auth/login", json={"email": email, "password": password})
    token.raise_for_status()
    auth = {"Authorization": f"Bearer {token.json()['access_token']}"}

    def invite(invitee: str) -> str | None:
        response = http.post("/admin/invitations", json={"email": invitee}, headers=auth)
        return str(response.json()["code"]) if response.status_code == 201 else None

    return invite


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--time-limit", type=float, default=300.0)
    args = parser.parse_args()
    if urlparse(args.url).hostname not in LOOPBACK:
        raise SystemExit("abuse.py runs against loopback only")
    failures = 0
    with httpx.Client(base_url=args.url, timeout=30) as http:
        bench = Bench(http, time.monotonic() + args.time_limit, invitations_from_env(http))
        print(f"{'class':<14}{'tried':>7}{'held':>7}{'failed':>8}")
        for name, run in CLASSES:
            tally = Tally(name)
            if time.monotonic() > bench.deadline:
                tally.failures.append("not run: time limit")
            else:
                try:
                    run(bench, tally)
                except (httpx.HTTPError, ValueError, KeyError) as error:
                    tally.failures.append(f"broke: {error!r}")
            failed = len(tally.failures)
            failures += failed
            print(f"{name:<14}{tally.tried:>7}{tally.held:>7}{failed:>8}")
            for failure in tally.failures:
                print(f"    failed: {failure}")
        health = http.get("/health")
        if health.status_code != 200:
            failures += 1
            print(f"/health -> {health.status_code}")
        else:
            for projection in health.json()["projections"]:
                print(f"lag {projection['name']}/{projection['log']}: {projection['lag']}")
    print(f"TARGET abuse_failures measured={failures} goal=0")
    sys.exit(0)


if __name__ == "__main__":
    main()

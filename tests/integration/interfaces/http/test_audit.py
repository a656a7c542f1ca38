"""The audit API over HTTP: signed digests of the hash chain, for Admins, as JSON pages and
as the file an auditor keeps (which `testament verify --digest` then checks)."""

from datetime import timedelta
from pathlib import Path

import psycopg
import pytest

from application.identity.commands import GrantRole
from domain.shared.meta import system_meta
from domain.users.model import Role
from infrastructure.audit.digests import read_file
from infrastructure.audit.service import AuditDigests
from infrastructure.audit.verify import verify
from interfaces.bootstrap import Runtime
from tests.integration.interfaces.http.support import (
    Account,
    TestClient,
    a_project,
    an_account,
    assert_problem,
)


@pytest.fixture(scope="module")
def admin(client: TestClient, http_runtime: Runtime) -> Account:
    account = an_account(client)
    http_runtime.identity.grant_role(
        GrantRole(user_id=account.id, role=Role.ADMIN, meta=system_meta())
    )
    return account


def test_an_admin_reads_signed_digests_that_verify(
    client: TestClient, http_runtime: Runtime, admin: Account, tmp_path: Path
) -> None:
    a_project(client, admin)
    taken = http_runtime.audit_digests.take()
    assert taken.heads["apidoc"][0] >= 1

    page = client.get("/audit/digests", params={"limit": 1000}, headers=admin.auth)
    assert page.status_code == 200, page.text
    body = page.json()
    assert body["public_key"] == taken.public_key
    (item,) = [d for d in body["items"] if d["number"] == taken.number]
    assert item["heads"]["apidoc"] == {
        "position": taken.heads["apidoc"][0],
        "link": taken.heads["apidoc"][1].hex(),
    }
    assert item["signature"] == taken.signature

    exported = client.get("/audit/digests", params={"format": "jsonl"}, headers=admin.auth)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/x-ndjson")
    file = tmp_path / "digests.jsonl"
    file.write_bytes(exported.content)
    digests = read_file(file)
    assert taken.number in [d.number for d in digests]
    with psycopg.connect(http_runtime.servers.database_url) as conn:
        result = verify(conn, digest_file=digests)
    assert result.intact, result.findings
    assert result.digests == 2 * len(digests)


def test_digests_are_for_admins(client: TestClient) -> None:
    user = an_account(client)
    assert_problem(client.get("/audit/digests", headers=user.auth), 403)
    assert_problem(client.get("/audit/digests"), 401)
    assert_problem(client.get("/audit/digests", params={"format": "xml"}, headers=user.auth), 403)


def test_a_digest_is_taken_only_when_the_last_is_older_than_the_period(
    http_runtime: Runtime,
) -> None:
    hourly = AuditDigests(
        http_runtime.pool, http_runtime.audit_digests._signer, every=timedelta(hours=1)
    )
    always = AuditDigests(http_runtime.pool, http_runtime.audit_digests._signer, every=timedelta(0))
    assert always.take_if_due() is not None
    assert hourly.take_if_due() is None

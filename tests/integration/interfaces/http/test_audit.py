"""The audit API over HTTP: signed digests of the hash chain, for Admins, as JSON pages and
as the file an auditor keeps (which `testament verify --digest` then checks)."""

import csv
import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from application.identity.commands import GrantRole
from domain.files.model import FileCategory
from domain.shared.meta import system_meta
from domain.users.model import Role
from infrastructure.audit.digests import read_file
from infrastructure.audit.service import AuditDigests
from infrastructure.audit.verify import verify
from infrastructure.projections.catalog import read_model
from infrastructure.projections.rebuild import rebuild
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


def _audit_caught_up(runtime: Runtime) -> None:
    for runner in runtime.runners((read_model("audit_log"),)):
        runner.catch_up()


def _pages(client: TestClient, account: Account, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        page = client.get("/audit", params=query, headers=account.auth)
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return items


def test_a_user_reads_their_own_entries_with_who_what_when_and_where_from(
    client: TestClient, http_runtime: Runtime, admin: Account
) -> None:
    user = an_account(client)
    project_id = a_project(
        client, user, name="Audited", headers={"X-Change-Reason": "quarterly review"}
    ).json()["id"]
    a_project(client, admin)  # not the user's: never in their answer
    _audit_caught_up(http_runtime)

    mine = _pages(client, user, limit=1)
    assert mine and all(
        e["user_id"] == str(user.id) or e["object_id"] == str(user.id) for e in mine
    )
    assert [e["at"] for e in mine] == sorted(e["at"] for e in mine)
    assert len({e["id"] for e in mine}) == len(mine)
    (created,) = [e for e in mine if e["object_id"] == project_id]
    assert created["action"] == "Project.Created"
    assert created["module"] == "apidoc" and created["position"] >= 1
    assert created["reason"] == "quarterly review"
    assert created["ip"] and created["user_agent"]
    assert created["changes"]["name"] == "Audited"
    assert created["description"].startswith(f"user {user.id}: Project.Created on {project_id}")

    # The log position is the event's: the log holds that very event there.
    with psycopg.connect(http_runtime.servers.database_url) as conn:
        row = conn.execute(
            "SELECT originator_id::text, topic FROM apidoc_events WHERE notification_id = %s",
            (created["position"],),
        ).fetchone()
    assert row is not None and row[0] == project_id and row[1].endswith("Project.Created")

    filtered = client.get(
        "/audit",
        params={"module": "apidoc", "action": "Project.Created", "object_id": project_id},
        headers=user.auth,
    ).json()["items"]
    assert [e["id"] for e in filtered] == [created["id"]]
    # An Admin sees the user's entries too, by user.
    by_admin = _pages(client, admin, user_id=str(user.id), limit=500)
    assert {e["id"] for e in mine if e["user_id"] == str(user.id)} <= {e["id"] for e in by_admin}
    # The time range: nothing before the entry's own time from a second later.
    later = client.get(
        "/audit",
        params={"object_id": project_id, "since": "2999-01-01T00:00:00Z"},
        headers=user.auth,
    ).json()["items"]
    assert later == []


def test_exports_stream_every_matching_entry_as_csv_and_json_lines(
    client: TestClient, http_runtime: Runtime
) -> None:
    user = an_account(client)
    for _ in range(3):
        a_project(client, user)
    _audit_caught_up(http_runtime)
    paged = _pages(client, user, limit=2)

    exported = client.get("/audit", params={"format": "csv"}, headers=user.auth)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["action"] for r in rows] == [e["action"] for e in paged]
    assert [json.loads(r["changes"]) for r in rows] == [e["changes"] for e in paged]

    lines = client.get("/audit", params={"format": "jsonl"}, headers=user.auth)
    assert [json.loads(line)["id"] for line in lines.text.splitlines()] == [e["id"] for e in paged]


def test_bad_audit_queries_are_problems(client: TestClient, account_for_reads: Account) -> None:
    auth = account_for_reads.auth
    assert_problem(client.get("/audit", params={"cursor": "not-ours"}, headers=auth), 422)
    assert_problem(client.get("/audit", params={"since": "2026-01-01T00:00:00"}, headers=auth), 422)
    assert_problem(client.get("/audit", params={"module": "nope"}, headers=auth), 422)
    assert_problem(client.get("/audit", params={"limit": 0}, headers=auth), 422)
    assert_problem(client.get("/audit"), 401)


def test_the_seed_audit_tables_are_views_per_module_and_rebuild_equals_live(
    http_runtime: Runtime,
) -> None:
    _audit_caught_up(http_runtime)
    with psycopg.connect(http_runtime.servers.database_url) as conn:
        for module in ("identity", "apidoc", "storage", "testgen", "testexec"):
            in_view = conn.execute(f"SELECT count(*) FROM {module}.audit_log_entries").fetchone()
            in_table = conn.execute(
                "SELECT count(*) FROM auditlog.audit_log_entries WHERE module = %s", (module,)
            ).fetchone()
            assert in_view == in_table
        columns = [
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'apidoc'"
                " AND table_name = 'audit_log_entries' ORDER BY ordinal_position"
            ).fetchall()
        ]
    assert columns == [
        "id",
        "user_id",
        "action",
        "object_id",
        "log",
        "created_date_time",
        "updated_date_time",
        "row_version",
    ]
    report = rebuild(http_runtime.pool, http_runtime.applications(), "audit_log")
    assert report.equal, report.tables


def test_sensitive_reads_are_in_the_audit_log_and_the_chain(
    client: TestClient, http_runtime: Runtime
) -> None:
    user = an_account(client)
    stored, _ = http_runtime.storage.store_file(
        owner_id=user.id,
        file_name="secret-plan.txt",
        content_type="text/plain",
        content=f"for {user.id}".encode(),
        category=FileCategory.ATTACHMENT,
        meta=system_meta("test"),
    )
    downloaded = client.get(
        f"/files/{stored.id}/content",
        headers={**user.auth, "User-Agent": "auditor-test/1.0"},
    )
    assert downloaded.status_code == 200
    # Someone else's file: a 404, and no read is recorded.
    stranger = an_account(client)
    assert_problem(client.get(f"/files/{stored.id}/content", headers=stranger.auth), 404)
    assert client.get("/audit", params={"format": "csv"}, headers=user.auth).status_code == 200
    _audit_caught_up(http_runtime)

    reads = [
        e
        for e in _pages(client, user, action="SensitiveRead.Recorded", limit=1000)
        if e["user_id"] == str(user.id)
    ]
    by_what = {e["changes"]["what"]: e for e in reads}
    assert set(by_what) == {"file.download", "audit.export.csv"}
    download = by_what["file.download"]
    assert download["object_id"] == str(stored.id)
    assert download["module"] == "storage" and download["user_agent"] == "auditor-test/1.0"
    assert by_what["audit.export.csv"]["module"] == "identity"
    assert not [
        e
        for e in _pages(client, stranger, action="SensitiveRead.Recorded")
        if e["object_id"] == str(stored.id)
    ]
    with psycopg.connect(http_runtime.servers.database_url) as conn:
        assert verify(conn, logs=("storage", "identity")).intact

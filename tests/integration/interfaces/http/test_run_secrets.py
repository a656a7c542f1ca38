"""Random secrets through a whole run over HTTP, against a real echo target: no spelling
of them is found in Redis, PostgreSQL (events and read tables), the logs or any answer."""

import json
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import psycopg
import pytest
import redis
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from infrastructure.execution.encodings import spellings
from infrastructure.projections.catalog import read_model
from interfaces.bootstrap import Runtime
from tests.integration.execution.target import ServedTarget, Target
from tests.integration.interfaces.http.support import TestClient, a_project, an_account

_ALPHABET = st.sampled_from(list("aZ9 é€漢😀\"'\\/?#&+%=;:@,[]{}<>|^`~!$*()"))
SECRETS = st.text(_ALPHABET, min_size=4, max_size=20).map(lambda text: f"Qx{text}")
ECHO = {"expected_status": [200]}


@pytest.fixture(scope="module")
def echo_target() -> Iterator[Target]:
    served = ServedTarget()
    try:
        yield served.start()
    finally:
        served.stop()


def _cases() -> list[dict[str, Any]]:
    """Every place a request carries the secret, each echoed back by the target."""

    def one(name: str, request: dict[str, Any], **more: Any) -> dict[str, Any]:
        return {"name": name, "request": {"method": "GET", **request}, "expectations": ECHO, **more}

    return [
        one("path", {"url": "/echo/{p}", "path_params": {"p": "{{s}}"}}),
        one("url", {"url": "/echo/{{s}}?k={{s}}"}),
        one("query", {"url": "/echo", "query_params": {"q": "{{s}}"}}),
        one("header", {"url": "/echo", "headers": {"X-Secret": "{{s}}"}}),
        one(
            "json", {"url": "/echo", "method": "POST", "body_type": "JSON", "body": {"s": "{{s}}"}}
        ),
        one(
            "form",
            {"url": "/echo", "method": "POST", "body_type": "UrlEncoded", "body": {"f": "{{s}}"}},
        ),
        one("raw", {"url": "/echo", "method": "POST", "body_type": "Raw", "body": "{{s}}"}),
        one(
            "probe",
            {"url": "/echo", "headers": {"X-Secret": "{{s}}"}},
            variables=[
                {"name": "slice", "source": "regex", "expression": '"X-Secret": "(.{0,4})'},
                {"name": "whole", "source": "body", "expression": "$.headers.X-Secret"},
            ],
        ),
    ]


def _postgres_text(runtime: Runtime) -> str:
    """This function will dump every row of every table of the database as text."""
    texts = []
    with psycopg.connect(runtime.servers.database_url) as conn:
        tables = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables"
            " WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
            " AND table_type = 'BASE TABLE'"
        ).fetchall()
        for schema, table in tables:
            rows = conn.execute(f'SELECT t::text FROM "{schema}"."{table}" t').fetchall()
            texts.extend(row[0] for row in rows)
    return "\n".join(texts)


def _redis_text(runtime: Runtime, run_id: str) -> str:
    client = redis.Redis.from_url(runtime.servers.redis_url, decode_responses=True)
    texts = []
    try:
        for key in client.scan_iter(f"*{run_id}*"):
            kind = client.type(key)
            if kind == "hash":
                texts.append(json.dumps(client.hgetall(key), ensure_ascii=False))
            elif kind == "list":
                texts.extend(client.lrange(key, 0, -1))
            elif kind == "string":
                texts.append(str(client.get(key)))
    finally:
        client.close()
    return "\n".join(texts)


class TestSecretsThroughARun:
    @settings(
        max_examples=6,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(secret=SECRETS)
    @example(secret='Qxé"\\?#&+%41/ ')
    def test_no_spelling_of_a_secret_is_kept_or_answered(
        self,
        secret: str,
        client: TestClient,
        http_runtime: Runtime,
        echo_target: Target,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        account = an_account(client)
        project = a_project(client, account).json()
        env = client.post(
            f"/projects/{project['id']}/environments",
            headers=account.auth,
            json={
                "name": "local",
                "base_url": echo_target.url,
                "variables": [{"name": "s", "value": secret, "secret": True}],
                "auth": {"type": "basic", "username": "alice", "password": secret},
            },
        )
        assert env.status_code == 201, env.text
        suite = client.post(
            f"/projects/{project['id']}/suites", json={"name": "secrets"}, headers=account.auth
        ).json()
        for body in _cases():
            added = client.post(f"/suites/{suite['id']}/cases", json=body, headers=account.auth)
            assert added.status_code == 201, added.text
        queued = client.post(
            f"/suites/{suite['id']}/runs",
            headers=account.auth,
            json={"environment_id": env.json()["id"]},
        )
        assert queued.status_code == 202, queued.text
        run_id = queued.json()["id"]
        assert http_runtime.testexec.execute_test_run(UUID(run_id)) == "Completed"
        for runner in http_runtime.runners((read_model("testexec"),)):
            runner.catch_up()

        answers = [
            client.get(path, headers=account.auth).text
            for path in (
                f"/runs/{run_id}",
                f"/runs/{run_id}/results",
                f"/runs/{run_id}/logs",
                f"/runs/{run_id}/variables",
                f"/suites/{suite['id']}/runs",
                f"/environments/{env.json()['id']}",
            )
        ]
        results = json.loads(answers[1])["results"]
        events = str(http_runtime.testexec.history(UUID(run_id)))
        places = {
            "api": "\n".join(answers),
            "redis": _redis_text(http_runtime, run_id),
            "postgres": _postgres_text(http_runtime),
            "events": events,
            "logs": caplog.text,
        }
        for where, text in places.items():
            leaks = sorted(s for s in spellings(secret) if s in text)
            assert leaks == [], (where, leaks)
        by_name = {r["case_name"] if "case_name" in r else r["case_id"]: r for r in results}
        assert len(by_name) == len(_cases())
        statuses = [r["status"] for r in results]
        assert statuses.count("Passed") >= 6, [(r["status"], r["failureReason"]) for r in results]

"""Every command route, driven with hostile JSON: no answer is a 5xx, every projection
catches up, and every read model rebuilt from the log equals the live one.

Runs on a database of its own, so the rebuilds replay only what the fuzzer wrote (and the
other tests' data cannot hide a difference). Bounded: a few hundred requests, well under a
minute.
"""

import dataclasses
import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from infrastructure.projections.catalog import READ_MODELS
from infrastructure.projections.rebuild import rebuild
from infrastructure.security.passwords import Argon2PasswordHasher
from infrastructure.settings import Settings
from interfaces.bootstrap import Runtime, Servers, identity_application, migrate
from interfaces.http.app import create_app
from tests.integration.interfaces.http.support import Account, TestClient, an_account

CASE = {
    "name": "c",
    "request": {"method": "POST", "url": "/pets", "body_type": "JSON", "body": {"a": 1}},
    "expectations": {"expected_status": [200]},
}
ENVIRONMENT = {
    "name": "e",
    "base_url": "https://api.example.com",
    "variables": [{"name": "v", "value": "1"}],
    "headers": {"X-A": "b"},
    "auth": {"type": "bearer", "token": "t"},
}
ENDPOINT = {
    "method": "POST",
    "path": "/pets/{id}",
    "parameters": [{"name": "q", "location": "query", "schema": {"type": "integer"}}],
    "request_body_schema": {"type": "object", "properties": {"a": {"maximum": 3}}},
    "responses": [{"status_code": "200", "schema": {"type": "object"}}],
}
PLAN = {
    "display_name": "Team",
    "description": "",
    "price_monthly": "9.00",
    "price_yearly": "90.00",
    "currency": "USD",
    "sort_order": 4,
    "limits": {
        "MaxProjects": 2,
        "MaxEndpointsPerProject": 10,
        "MaxTestCasesPerSuite": 20,
        "MaxTestRunsPerMonth": 30,
        "MaxConcurrentRuns": 1,
        "RetentionDays": 5,
        "MaxLlmCallsPerMonth": 0,
        "MaxStorageMB": None,
    },
    "export_formats": ["csv"],
    "llm_features": False,
}

# A body each command route accepts (or refuses for a business reason): the fuzzer puts one
# hostile value somewhere inside it, so the value gets past the schema to the deeper checks.
TEMPLATES: dict[tuple[str, str], Any] = {
    ("POST", "/auth/register"): {"email": "a@example.com", "password": "x" * 12},
    ("POST", "/auth/login"): {"email": "a@example.com", "password": "x" * 12},
    ("POST", "/auth/token"): None,  # a form
    ("POST", "/auth/refresh"): {"refresh_token": "t"},
    ("POST", "/auth/logout"): {"refresh_token": "t"},
    ("PUT", "/me/profile"): {"display_name": "d", "avatar_url": "", "timezone": "UTC"},
    ("POST", "/me/password"): {"current_password": "x", "new_password": "y" * 12},
    ("POST", "/me/api-keys"): {"name": "ci", "scope": "read", "expires_in_days": 30},
    ("POST", "/auth/login/two-factor"): {"challenge_token": "t", "code": "123456"},
    ("POST", "/me/two-factor"): None,
    ("POST", "/me/two-factor/enable"): {"code": "123456"},
    ("POST", "/me/two-factor/recovery-codes"): {"code": "123456"},
    ("POST", "/me/two-factor/disable"): {"code": "abcde-12345"},
    ("POST", "/auth/oidc/{provider}/start"): {"redirect_uri": "https://app.example.com/cb"},
    ("POST", "/auth/oidc/{provider}/callback"): {"code": "c", "state": "s"},
    ("POST", "/me/logins/{provider}/start"): {"redirect_uri": "https://app.example.com/cb"},
    ("POST", "/me/logins/{provider}/callback"): {"code": "c", "state": "s"},
    ("POST", "/admin/users/{user_id}/claims"): {"type": "dept", "value": "qa"},
    ("POST", "/admin/roles/{role}/claims"): {"type": "dept", "value": "qa"},
    ("POST", "/projects"): {"name": "p", "description": "d", "base_url": "https://a.example"},
    ("PATCH", "/projects/{project_id}"): {"name": "p", "description": "d"},
    ("POST", "/projects/{project_id}/archive"): None,
    ("POST", "/projects/{project_id}/imports/postman"): {
        "collection": {
            "info": {"name": "c"},
            "item": [{"name": "r", "request": "https://a.example/x"}],
        },
        "name": "n",
    },
    ("POST", "/admin/invitations"): {"email": "a@example.com", "valid_days": 7},
    ("POST", "/admin/users/{user_id}/disable"): None,
    ("POST", "/admin/users/{user_id}/enable"): None,
    ("PUT", "/admin/users/{user_id}/roles/{role}"): None,
    ("PUT", "/admin/settings/{key}"): {"value": "invite-only", "description": "d"},
    ("PUT", "/admin/texts/{culture}/{name}"): {"value": "Không tìm thấy"},
    ("POST", "/projects/{project_id}/restore"): None,
    ("POST", "/projects/{project_id}/specs"): None,  # a multipart upload
    ("POST", "/projects/{project_id}/specs/text"): {"content": "curl https://a.example/x"},
    ("POST", "/projects/{project_id}/specs/url"): {"url": "http://127.0.0.1:9/x"},
    ("POST", "/projects/{project_id}/specs/manual"): {"name": "m"},
    ("POST", "/projects/{project_id}/specs/{spec_id}/endpoints"): ENDPOINT,
    ("POST", "/projects/{project_id}/specs/{spec_id}/activate"): None,
    ("POST", "/projects/{project_id}/suites"): {"name": "s", "description": ""},
    ("POST", "/projects/{project_id}/suites/generate"): {"name": "g", "seed": 1},
    ("PATCH", "/suites/{suite_id}"): {"name": "s", "description": ""},
    ("POST", "/suites/{suite_id}/archive"): None,
    ("PUT", "/suites/{suite_id}/order"): {"order": []},
    ("POST", "/suites/{suite_id}/proposals"): None,
    ("POST", "/suites/{suite_id}/proposals/{number}/approve"): {"notes": "n"},
    ("POST", "/suites/{suite_id}/proposals/{number}/modify"): {"notes": "n", "order": []},
    ("POST", "/suites/{suite_id}/proposals/{number}/reject"): {"notes": "n"},
    ("POST", "/suites/{suite_id}/cases"): CASE,
    ("POST", "/suites/{suite_id}/cases:batch"): {"cases": [CASE]},
    ("POST", "/projects/{project_id}/suites/import"): {
        "format": "testament.suite",
        "name": "i",
        "cases": [{**CASE, "key": "k"}],
    },
    ("PATCH", "/cases/{case_id}"): CASE,
    ("POST", "/cases/{case_id}/enable"): None,
    ("POST", "/cases/{case_id}/disable"): None,
    ("POST", "/cases/{case_id}/duplicate"): None,
    ("PUT", "/cases/{case_id}/dependencies"): {"depends_on": []},
    ("POST", "/cases/{case_id}/data-sets"): {"name": "d", "rows": [{"a": "1"}]},
    ("POST", "/projects/{project_id}/environments"): ENVIRONMENT,
    ("PATCH", "/environments/{environment_id}"): ENVIRONMENT,
    ("POST", "/environments/{environment_id}/default"): None,
    ("POST", "/suites/{suite_id}/runs"): {"environment_id": None},
    ("POST", "/runs/{run_id}/cancel"): None,
    ("POST", "/projects/{project_id}/webhooks"): {
        "url": "https://hooks.example.com/t",
        "events": ["run.failed"],
        "description": "d",
    },
    ("PATCH", "/webhooks/{webhook_id}"): {
        "url": "https://hooks.example.com/t",
        "events": ["spec.parsed"],
    },
    ("POST", "/webhooks/{webhook_id}/rotate-secret"): {"overlap_minutes": 5},
    ("POST", "/webhooks/{webhook_id}/enable"): None,
    ("POST", "/webhooks/{webhook_id}/disable"): None,
    ("POST", "/webhooks/{webhook_id}/test"): None,
    ("PUT", "/projects/{project_id}/notification-preferences"): {
        "run_finished": "failed",
        "suite_waiting": True,
        "parse_failed": True,
        "language": "vi",
    },
    ("POST", "/me/email-confirmation"): {"language": "en"},
    ("POST", "/auth/confirm-email"): {"token": "0" * 32 + ".abc"},
    ("POST", "/auth/forgot-password"): {"email": "a@example.com", "language": "en"},
    ("POST", "/auth/reset-password"): {"token": "0" * 32 + ".abc", "new_password": "y" * 12},
    ("POST", "/admin/plans"): {**PLAN, "name": "Team"},
    ("PUT", "/admin/plans/{plan_id}"): PLAN,
    ("PUT", "/admin/users/{user_id}/subscription"): {"plan_id": str(uuid.uuid4())},
    ("POST", "/billing/checkout"): {"plan": "Pro", "billing_cycle": "Monthly"},
    ("POST", "/me/subscription/cancel"): {"reason": "too dear"},
    ("POST", "/me/subscription/resume"): None,
    ("POST", "/admin/payments/{payment_id}/refund"): {"amount": "1.00", "reason": "r"},
    ("PUT", "/me/phone-number"): {"phone_number": "+84901234567", "language": "vi"},
    ("POST", "/me/phone-number/code"): {"language": "en"},
    ("POST", "/me/phone-number/confirm"): {"code": "123456"},
    ("POST", "/webhooks/stripe"): {"id": "evt_1", "type": "invoice.paid", "data": {}},
    ("POST", "/runs/{run_id}/results/{case_id}/explanation"): None,
    ("POST", "/projects/{project_id}/suggestions"): {"endpoints": ["POST /pets/{id}"]},
    ("POST", "/suggestions/{list_id}/items/{index}"): {"decision": "accept", "case": CASE},
    ("POST", "/suggestions/{list_id}/suite"): {"name": "s"},
    ("POST", "/suites/{suite_id}/proposals/ai"): None,
    ("POST", "/projects/{project_id}/documentation"): {
        "name": "docs",
        "format": "markdown",
        "content": "GET /pets lists pets",
    },
    ("PUT", "/documentation-drafts/{draft_id}"): {
        "endpoints": [{"method": "GET", "path": "/pets"}]
    },
    ("POST", "/documentation-drafts/{draft_id}/accept"): {"name": "docs"},
    ("POST", "/documentation-drafts/{draft_id}/reject"): None,
    ("POST", "/runs/{run_id}/reports"): {"report_type": "Summary", "format": "CSV"},
    ("POST", "/suites/{suite_id}/schedules"): {"cron": "0 9 * * 1-5", "timezone": "UTC"},
    ("PATCH", "/schedules/{schedule_id}"): {"cron": "0 10 * * *", "enabled": True},
}

HOSTILE_TOKENS = [
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999",
    "-1e999",
    "1e308",
    "-0",
    "4.9e-324",
    "9" * 400,
    "9" * 4301,  # past what Python's int() reads
    "-" + "1" * 40,
    '"\\u0000"',
    '"a\\u0000b"',
    '"\\ud800"',
    '"x\\udfff"',
    '"\\ud83d\\ude00"',
    '"\u202e\u200b\ufeff\u0301"',
    '"\\uffff\\ufffe"',
    '"\U0010ffff"',
    '"' + "\u00e9" * 3000 + '"',
    "true",
    "null",
    '""',
    "{}",
    "[]",
]


def _deep(levels: int, array: bool) -> str:
    return ("[" * levels + "1" + "]" * levels) if array else ('{"a":' * levels + "1" + "}" * levels)


# The values that broke a read model or an aggregate before: every route gets each of them
# at the deepest place of its template (where the free-form JSON is), before the random part.
SWEEP = [
    "NaN",
    "-Infinity",
    "1e999",
    '"a\\u0000b"',
    '"\\ud800"',
    _deep(300, False),
    _deep(90, True),
]

hostile_scalar = st.one_of(
    st.sampled_from(HOSTILE_TOKENS),
    st.sampled_from(HOSTILE_TOKENS),
    st.text(max_size=40).map(lambda t: json.dumps(t, ensure_ascii=False)),
    st.integers().map(str),
    st.builds(_deep, st.integers(min_value=60, max_value=3000), st.booleans()),
)
hostile_value = st.recursive(
    hostile_scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda items: "[" + ",".join(items) + "]"),
        st.dictionaries(st.text(max_size=8), inner, max_size=3).map(
            lambda d: "{" + ",".join(f"{json.dumps(k)}:{v}" for k, v in d.items()) + "}"
        ),
    ),
    max_leaves=6,
)
EXAMPLES_PER_ROUTE = 8
_MARK = "\u2603HOSTILE\u2603"


def _leaf_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a template where a value can be put, containers included."""
    paths = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            paths += _leaf_paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            paths += _leaf_paths(child, (*path, index))
    return paths


def _placed(template: Any, path: tuple[Any, ...], hostile: str) -> str:
    if not path:
        return hostile
    body = json.loads(json.dumps(template))
    holder = body
    for part in path[:-1]:
        holder = holder[part]
    holder[path[-1]] = _MARK
    return json.dumps(body, ensure_ascii=False).replace(
        json.dumps(_MARK, ensure_ascii=False), hostile
    )


@pytest.fixture(scope="module")
def own_runtime(servers: Servers, settings: Settings) -> Iterator[Runtime]:
    """A migrated runtime on a database of its own, with cheap password hashing."""
    dbname = f"testament_fuzz_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(servers.database_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    url = re.sub(r"/[^/?]+(\?|$)", f"/{dbname}\\1", servers.database_url, count=1)
    own = dataclasses.replace(servers, database_url=url)
    # A model is configured (and never reached: no request thread calls it), so the LLM
    # routes read their bodies instead of answering 503 llm-not-configured.
    llm = {"llm_base_url": "http://127.0.0.1:9/v1", "llm_model": "fuzz-model"}
    runtime = migrate(settings.model_copy(update={"database_url": url, **llm}), own)
    identity = identity_application(
        runtime.settings,
        {**runtime.identity.env},
        hasher=Argon2PasswordHasher(time_cost=1, memory_cost=1024),
    )
    try:
        yield dataclasses.replace(runtime, identity=identity)
    finally:
        identity.close()
        runtime.close()
        with psycopg.connect(servers.database_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


@pytest.fixture(scope="module")
def fuzz_app(own_runtime: Runtime) -> FastAPI:
    return create_app(own_runtime)


@pytest.fixture(scope="module")
def fuzz_client(fuzz_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(fuzz_app, raise_server_exceptions=False) as test_client:
        yield test_client


@dataclasses.dataclass
class World:
    """One account's resources, one of each kind, for the routes' path parameters."""

    account: Account
    ids: dict[str, str]


@pytest.fixture(scope="module")
def world(fuzz_client: TestClient, own_runtime: Runtime) -> World:
    account = an_account(fuzz_client)
    auth = account.auth

    def made(path: str, body: Any) -> str:
        response = fuzz_client.post(path, json=body, headers=auth)
        assert response.status_code in (200, 201), response.text
        return str(response.json()["id"])

    project = made("/projects", TEMPLATES[("POST", "/projects")])
    spec = made(f"/projects/{project}/specs/manual", {"name": "m"})
    added = fuzz_client.post(
        f"/projects/{project}/specs/{spec}/endpoints", json=ENDPOINT, headers=auth
    )
    assert added.status_code == 201, added.text
    suite = made(f"/projects/{project}/suites", {"name": "s"})
    case = made(f"/suites/{suite}/cases", CASE)
    environment = made(f"/projects/{project}/environments", ENVIRONMENT)
    schedule = made(f"/suites/{suite}/schedules", {"cron": "0 9 * * *"})
    ids = {
        "project_id": project,
        "spec_id": spec,
        "suite_id": suite,
        "case_id": case,
        "environment_id": environment,
        "schedule_id": schedule,
        "run_id": str(uuid.uuid4()),
        "number": "1",
        "index": "0",
    }
    return World(account, ids)


def command_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every route that takes a body, as the API describes itself (included routers too)."""
    return [
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
        if method in ("post", "put", "patch")
    ]


def test_every_command_route_has_a_template(fuzz_app: FastAPI) -> None:
    assert sorted(command_routes(fuzz_app)) == sorted(TEMPLATES)


def test_hostile_json_on_every_command_route_leaves_no_trace_a_rebuild_would_not_make(
    fuzz_client: TestClient, own_runtime: Runtime, world: World
) -> None:
    """No answer is a 5xx; then every projection catches up (it raises on an event a read
    model cannot take) and every read model rebuilt from the log equals the live one."""

    @hypothesis_settings(
        max_examples=EXAMPLES_PER_ROUTE,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        hostile=hostile_value,
        where=st.integers(min_value=0),
        content_type=st.sampled_from(
            ["application/json", "application/json", None, "application/x+json"]
        ),
    )
    def send(route: tuple[str, str], hostile: str, where: int, content_type: str | None) -> None:
        template = TEMPLATES[route] if TEMPLATES[route] is not None else {}
        paths = _leaf_paths(template)
        send_one(route, _placed(template, paths[where % len(paths)], hostile), content_type)

    def send_one(route: tuple[str, str], body: str, content_type: str | None) -> None:
        method, pattern = route
        names = re.findall(r"{(\w+)}", pattern)
        path = pattern.format(**{k: world.ids.get(k, str(uuid.uuid4())) for k in names})
        headers = {**world.account.auth}
        if content_type:
            headers["Content-Type"] = content_type

        response = fuzz_client.request(
            method, path, content=body.encode("utf-8", "surrogatepass"), headers=headers
        )

        assert response.status_code < 500, (method, path, body[:300], response.text[:500])

    for route in sorted(TEMPLATES):
        template = TEMPLATES[route] if TEMPLATES[route] is not None else {}
        deepest = max(_leaf_paths(template), key=len)
        for token in SWEEP:
            send_one(route, _placed(template, deepest, token), "application/json")
        send(route)  # and its share of random hostile JSON
    for runner in own_runtime.runners():
        runner.catch_up()
    applications = own_runtime.applications()
    for model in READ_MODELS:
        if model.rebuildable:
            report = rebuild(own_runtime.pool, applications, model.name)
            assert report.equal, (model.name, report.tables)

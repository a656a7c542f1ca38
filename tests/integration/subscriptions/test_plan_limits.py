"""Plans, the Free plan at registration, and each limit at its boundary over HTTP: the Nth
allowed, the N+1th refused with seed 001 §7.3's body."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any
from uuid import UUID

import pytest

from application.identity.commands import GrantRole
from domain.shared.meta import system_meta
from domain.subscriptions.plans import ENTERPRISE_PLAN_ID, FREE_PLAN_ID, PRO_PLAN_ID
from domain.users.model import Role
from infrastructure.projections.rebuild import rebuild
from interfaces.bootstrap import Runtime
from tests.integration.interfaces.http.support import (
    Account,
    TestClient,
    a_project,
    an_account,
    assert_problem,
)

CASE = {
    "name": "ping",
    "request": {"method": "GET", "url": "/ping"},
    "expectations": {"expected_status": [200]},
}


def refused(response: Any, limit_type: str, current: int, limit: int) -> None:
    body = assert_problem(response, 403, "limit-exceeded")
    assert {k: body[k] for k in ("error", "limitType", "currentUsage", "limit", "upgradeUrl")} == {
        "error": "LIMIT_EXCEEDED",
        "limitType": limit_type,
        "currentUsage": current,
        "limit": limit,
        "upgradeUrl": "/pricing",
    }


@pytest.fixture(scope="module")
def admin(paid_client: TestClient, limited: Runtime) -> Account:
    account = an_account(paid_client)
    limited.identity.grant_role(GrantRole(user_id=account.id, role=Role.ADMIN, meta=system_meta()))
    return account


def on_plan(client: TestClient, admin: Account, account: Account, plan_id: UUID) -> None:
    put = client.put(
        f"/admin/users/{account.id}/subscription",
        json={"plan_id": str(plan_id)},
        headers=admin.auth,
    )
    assert put.status_code == 200, put.text
    assert put.json()["plan"]["id"] == str(plan_id)


def a_runnable_suite(client: TestClient, account: Account, cases: int = 1) -> str:
    project = a_project(client, account).json()
    env = client.post(
        f"/projects/{project['id']}/environments",
        headers=account.auth,
        json={"name": "local", "base_url": "http://127.0.0.1:9"},
    )
    assert env.status_code == 201, env.text
    suite = client.post(
        f"/projects/{project['id']}/suites", json={"name": "by hand"}, headers=account.auth
    ).json()
    batch = client.post(
        f"/suites/{suite['id']}/cases:batch",
        json={"cases": [{**CASE, "name": f"case {i}"} for i in range(cases)]},
        headers=account.auth,
    )
    assert batch.status_code in (200, 201), batch.text
    return str(suite["id"])


class TestPlans:
    def test_the_seeded_plans_are_public_exactly_as_the_seed_has_them(
        self, paid_client: TestClient, settle: Callable[[], None]
    ) -> None:
        settle()
        plans = paid_client.get("/plans")
        assert plans.status_code == 200, plans.text
        by_name = {p["name"]: p for p in plans.json()["items"]}
        assert [p["name"] for p in plans.json()["items"]][:3] == ["Free", "Pro", "Enterprise"]
        free, pro, enterprise = by_name["Free"], by_name["Pro"], by_name["Enterprise"]
        assert (free["id"], pro["id"], enterprise["id"]) == tuple(
            str(i) for i in (FREE_PLAN_ID, PRO_PLAN_ID, ENTERPRISE_PLAN_ID)
        )
        assert (free["price_monthly"], free["price_yearly"]) == ("0.00", "0.00")
        assert (pro["price_monthly"], pro["price_yearly"]) == ("19.00", "190.00")
        assert (enterprise["price_monthly"], enterprise["price_yearly"]) == (None, None)

        def limits(plan: dict[str, Any]) -> list[int | None]:
            return [lim["value"] for lim in plan["limits"]]

        # MaxProjects, endpoints, cases, runs a month, concurrent, retention, LLM, storage MB.
        assert limits(free) == [1, 10, 20, 30, 1, 5, 10, None]
        assert limits(pro) == [10, 100, 200, 500, 3, 7, 200, None]
        assert limits(enterprise) == [None, None, None, None, 10, 10, None, None]
        assert [lim["unlimited"] for lim in enterprise["limits"]][:4] == [True] * 4
        assert (free["export_formats"], pro["export_formats"]) == (["csv"], ["csv", "pdf"])
        assert enterprise["export_formats"] == ["csv", "pdf", "json", "html"]
        assert (free["llm_features"], pro["llm_features"]) == (False, True)

    def test_registration_puts_the_user_on_free_through_the_process(
        self, paid_client: TestClient, settle: Callable[[], None], limited: Runtime
    ) -> None:
        account = an_account(paid_client)
        assert limited.sub.subscription(account.id) is None  # not in the registration command
        settle()
        mine = paid_client.get("/me/subscription", headers=account.auth)
        assert mine.status_code == 200, mine.text
        body = mine.json()
        assert body["plan"]["name"] == "Free"
        assert body["subscription"]["status"] == "Active"
        assert body["subscription"]["snapshot_plan_name"] == "Free"
        assert [h["change_type"] for h in body["history"]] == ["Created"]
        usage = paid_client.get("/me/usage", headers=account.auth).json()
        assert usage["plan_name"] == "Free"
        assert usage["counts"]["project_count"] == 0
        assert usage["period_start"].endswith("-01")

    def test_an_admin_edits_a_plan_with_history_and_the_new_limit_applies(
        self,
        paid_client: TestClient,
        admin: Account,
        limited: Runtime,
        settle: Callable[[], None],
    ) -> None:
        created = paid_client.post(
            "/admin/plans",
            headers=admin.auth,
            json={
                "name": f"Team {admin.id.hex[:6]}",
                "display_name": "Team",
                "price_monthly": "49.00",
                "price_yearly": "490.00",
                "currency": "usd",
                "sort_order": 4,
                "limits": {
                    "MaxProjects": 2,
                    "MaxEndpointsPerProject": 10,
                    "MaxTestCasesPerSuite": 20,
                    "MaxTestRunsPerMonth": 30,
                    "MaxConcurrentRuns": 1,
                    "RetentionDays": 7,
                    "MaxLlmCallsPerMonth": 0,
                    "MaxStorageMB": 100,
                },
                "export_formats": ["csv"],
                "llm_features": False,
            },
        )
        assert created.status_code == 201, created.text
        plan = created.json()
        assert plan["currency"] == "USD" and plan["version"] == 1
        again = paid_client.post("/admin/plans", headers=admin.auth, json={**_body(plan)})
        assert_problem(again, 409, "plan-name-taken")
        account = an_account(paid_client)
        on_plan(paid_client, admin, account, UUID(plan["id"]))
        a_project(paid_client, account)
        settle()
        a_project(paid_client, account)
        settle()
        refused(a_project_response(paid_client, account), "MaxProjects", 2, 2)
        edited = paid_client.put(
            f"/admin/plans/{plan['id']}",
            headers={**admin.auth, "If-Match": '"1"'},
            json={**_edit(plan), "limits": {**_limits(plan), "MaxProjects": 3}},
        )
        assert edited.status_code == 200, edited.text
        assert edited.json()["version"] == 2
        assert a_project_response(paid_client, account).status_code == 201
        stale = paid_client.put(
            f"/admin/plans/{plan['id']}",
            headers={**admin.auth, "If-Match": '"1"'},
            json=_edit(plan),
        )
        assert_problem(stale, 412, "version-mismatch")
        history = limited.sub.history(UUID(plan["id"]))
        assert [h.type for h in history] == ["SubscriptionPlan.Created", "SubscriptionPlan.Changed"]
        # The subscriber keeps the price they were sold at.
        mine = paid_client.get("/me/subscription", headers=account.auth).json()
        assert mine["subscription"]["snapshot_price_monthly"] == "49.00"

    def test_plan_edits_refuse_a_retention_out_of_bounds_and_an_unknown_format(
        self, paid_client: TestClient, admin: Account
    ) -> None:
        free = next(p for p in paid_client.get("/plans").json()["items"] if p["name"] == "Free")
        wide = {**_edit(free), "limits": {**_limits(free), "RetentionDays": 30}}
        body = assert_problem(
            paid_client.put(f"/admin/plans/{free['id']}", headers=admin.auth, json=wide), 422
        )
        assert body["errors"][0]["field"] == "limits.RetentionDays"
        odd = {**_edit(free), "export_formats": ["docx"]}
        assert_problem(
            paid_client.put(f"/admin/plans/{free['id']}", headers=admin.auth, json=odd), 422
        )
        user = an_account(paid_client)
        assert_problem(
            paid_client.put(f"/admin/plans/{free['id']}", headers=user.auth, json=odd), 403
        )


def _limits(plan: dict[str, Any]) -> dict[str, int | None]:
    return {lim["limit_type"]: lim["value"] for lim in plan["limits"]}


def _edit(plan: dict[str, Any]) -> dict[str, Any]:
    keys = ("display_name", "description", "price_monthly", "price_yearly", "currency")
    return {
        **{k: plan[k] for k in keys},
        "is_active": plan["is_active"],
        "sort_order": plan["sort_order"],
        "limits": _limits(plan),
        "export_formats": plan["export_formats"],
        "llm_features": plan["llm_features"],
    }


def _body(plan: dict[str, Any]) -> dict[str, Any]:
    return {**_edit(plan), "name": plan["name"]}


def a_project_response(client: TestClient, account: Account) -> Any:
    return client.post(
        "/projects",
        json={"name": "one more", "base_url": "https://api.example.com"},
        headers=account.auth,
    )


class TestLimits:
    def test_max_projects_free_allows_one_and_refuses_the_second(
        self, paid_client: TestClient, settle: Callable[[], None]
    ) -> None:
        account = an_account(paid_client)
        first = a_project(paid_client, account).json()
        settle()
        refused(a_project_response(paid_client, account), "MaxProjects", 1, 1)
        # An archived project does not count; restoring it counts again.
        archived = paid_client.post(f"/projects/{first['id']}/archive", headers=account.auth)
        assert archived.status_code == 200, archived.text
        settle()
        second = a_project_response(paid_client, account)
        assert second.status_code == 201, second.text
        settle()
        restore = paid_client.post(f"/projects/{first['id']}/restore", headers=account.auth)
        refused(restore, "MaxProjects", 1, 1)

    def test_max_test_cases_per_suite_free_allows_twenty(
        self, paid_client: TestClient, settle: Callable[[], None]
    ) -> None:
        account = an_account(paid_client)
        suite_id = a_runnable_suite(paid_client, account, cases=19)
        twentieth = paid_client.post(f"/suites/{suite_id}/cases", json=CASE, headers=account.auth)
        assert twentieth.status_code == 201, twentieth.text
        refused(
            paid_client.post(f"/suites/{suite_id}/cases", json=CASE, headers=account.auth),
            "MaxTestCasesPerSuite",
            20,
            20,
        )
        batch = paid_client.post(
            f"/suites/{suite_id}/cases:batch", json={"cases": [CASE]}, headers=account.auth
        )
        refused(batch, "MaxTestCasesPerSuite", 20, 20)
        settle()
        usage = paid_client.get("/me/usage", headers=account.auth).json()
        assert usage["counts"]["test_case_count"] == 20
        assert usage["counts"]["test_suite_count"] == 1

    def test_max_endpoints_per_project_free_allows_ten_by_hand(
        self, paid_client: TestClient
    ) -> None:
        account = an_account(paid_client)
        project = a_project(paid_client, account).json()
        spec = paid_client.post(
            f"/projects/{project['id']}/specs/manual",
            json={"name": "by hand"},
            headers=account.auth,
        ).json()
        url = f"/projects/{project['id']}/specs/{spec['id']}/endpoints"
        for i in range(10):
            added = paid_client.post(
                url, json={"method": "GET", "path": f"/e{i}"}, headers=account.auth
            )
            assert added.status_code == 201, added.text
        refused(
            paid_client.post(url, json={"method": "GET", "path": "/e10"}, headers=account.auth),
            "MaxEndpointsPerProject",
            10,
            10,
        )

    def test_concurrent_runs_free_admits_one_of_two_racing_and_frees_it_when_cancelled(
        self, paid_client: TestClient, limited: Runtime
    ) -> None:
        account = an_account(paid_client)
        suite_id = a_runnable_suite(paid_client, account)

        def start(_: int) -> Any:
            return paid_client.post(f"/suites/{suite_id}/runs", headers=account.auth, json={})

        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(start, range(2)))
        assert sorted(a.status_code for a in answers) == [202, 403], [a.text for a in answers]
        admitted = next(a for a in answers if a.status_code == 202).json()
        refused(next(a for a in answers if a.status_code == 403), "MaxConcurrentRuns", 1, 1)
        cancel = paid_client.post(f"/runs/{admitted['id']}/cancel", headers=account.auth)
        assert cancel.status_code == 200, cancel.text
        assert start(0).status_code == 202

    def test_a_slot_left_by_a_crash_is_taken_back_at_the_limit(
        self, paid_client: TestClient, limited: Runtime
    ) -> None:
        account = an_account(paid_client)
        suite_id = a_runnable_suite(paid_client, account)
        run = paid_client.post(f"/suites/{suite_id}/runs", headers=account.auth, json={}).json()
        # The run ends but its slot is not given back, as after a crash between the saves.
        testexec = limited.testexec
        loaded = testexec.run(UUID(run["id"]), account.id)
        testexec._finish(loaded, loaded.status.__class__("Failed"), {}, 0, "worker died")
        testexec.save(loaded)
        again = paid_client.post(f"/suites/{suite_id}/runs", headers=account.auth, json={})
        assert again.status_code == 202, again.text

    def test_runs_per_month_the_thirtieth_allowed_the_thirty_first_refused(
        self, paid_client: TestClient, limited: Runtime
    ) -> None:
        account = an_account(paid_client)
        suite_id = a_runnable_suite(paid_client, account)
        for _ in range(30):
            run = paid_client.post(f"/suites/{suite_id}/runs", headers=account.auth, json={})
            assert run.status_code == 202, run.text
            cancelled = paid_client.post(f"/runs/{run.json()['id']}/cancel", headers=account.auth)
            assert cancelled.status_code == 200
        refused(
            paid_client.post(f"/suites/{suite_id}/runs", headers=account.auth, json={}),
            "MaxTestRunsPerMonth",
            30,
            30,
        )

    def test_retention_of_a_run_follows_the_plan_when_it_is_queued(
        self, paid_client: TestClient, admin: Account, limited: Runtime
    ) -> None:
        account = an_account(paid_client)
        suite_id = a_runnable_suite(paid_client, account)
        free_run = paid_client.post(f"/suites/{suite_id}/runs", headers=account.auth, json={})
        assert limited.testexec.run(UUID(free_run.json()["id"]), account.id).retention_days == 5
        paid_client.post(f"/runs/{free_run.json()['id']}/cancel", headers=account.auth)
        on_plan(paid_client, admin, account, PRO_PLAN_ID)
        pro_run = paid_client.post(f"/suites/{suite_id}/runs", headers=account.auth, json={})
        assert limited.testexec.run(UUID(pro_run.json()["id"]), account.id).retention_days == 7
        on_plan(paid_client, admin, account, ENTERPRISE_PLAN_ID)
        assert limited.limits.retention_days(account.id) == 10


class TestRebuild:
    def test_the_sub_read_models_replay_equal_to_the_live_ones(
        self, limited: Runtime, settle: Callable[[], None]
    ) -> None:
        settle()
        for name in ("subscriptions", "usage", "sub_audit_log"):
            report = rebuild(limited.pool, limited.applications(), name)
            assert report.equal, [
                t for t in report.tables if t.differing or t.live_rows != t.rebuilt_rows
            ]
            counted = {t.name: t.live_rows for t in report.tables}
            for table in (
                "subscription_plans",
                "plan_limits",
                "user_subscriptions",
                "subscription_histories",
                "usage_trackings",
                "audit_log_entries",
            ):
                assert counted.get(table, 1) > 0, counted


class TestLapsing:
    def test_a_dated_plan_applies_free_limits_once_ended_and_the_job_records_it(
        self,
        paid_client: TestClient,
        admin: Account,
        limited: Runtime,
        settle: Callable[[], None],
    ) -> None:
        account = an_account(paid_client)
        put = paid_client.put(
            f"/admin/users/{account.id}/subscription",
            json={
                "plan_id": str(PRO_PLAN_ID),
                "billing_cycle": "Monthly",
                "end_date": "2020-01-31",
            },
            headers=admin.auth,
        )
        assert put.status_code == 200, put.text
        assert limited.limits.plan_of(account.id).id == FREE_PLAN_ID  # the period is over
        settle()
        assert account.id in limited.subscriptions.lapsing(date.today(), 10_000)
        assert limited.sub.expire_lapsed([account.id]) == 1
        assert limited.sub.expire_lapsed([account.id]) == 0
        settle()
        mine = paid_client.get("/me/subscription", headers=account.auth).json()
        assert mine["subscription"]["status"] == "Expired"
        changes = [h["change_type"] for h in mine["history"]]
        assert changes == ["Created", "Upgraded", "Expired"]

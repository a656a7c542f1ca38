"""Calls to the model count against the plan's MaxLlmCallsPerMonth: each answered call is
counted in sub.usage_trackings from the llm log, and a user at the limit gets the plan's
limit problem when asking for more work, and no call is made."""

import json
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

import pytest

from application.llm.app import Question
from application.subscriptions.limits import PlanLimits
from application.subscriptions.queries import UsageView
from domain.llm.model import InteractionType
from domain.subscriptions.limits import LimitExceededError
from domain.subscriptions.periods import month_of
from infrastructure.llm.limits import PlanLlmLimits
from infrastructure.projections.catalog import read_model
from interfaces.bootstrap import Runtime, with_llm_settings
from interfaces.http.app import create_app
from tests.integration.interfaces.http.support import TestClient, a_project, an_account
from tests.integration.subscriptions.test_plan_limits import refused
from tests.support.fake_openai import FakeOpenAI, Reply, Status

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["verdict"],
    "properties": {"verdict": {"type": "string"}},
}


@pytest.fixture(scope="module")
def model() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI().start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture(scope="module")
def metered(limited: Runtime, model: FakeOpenAI) -> Iterator[Runtime]:
    settings = limited.settings.model_copy(
        update={"llm_base_url": model.url, "llm_model": "fake-model", "llm_max_retries": 0}
    )
    runtime = with_llm_settings(limited, settings)
    try:
        yield runtime
    finally:
        runtime.llm.close()


@pytest.fixture(scope="module")
def metered_client(metered: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(metered), raise_server_exceptions=False) as client:
        yield client


def a_call(runtime: Runtime, user_id: Any, n: int) -> None:
    runtime.llm.ask(
        Question(
            user_id=user_id,
            kind=InteractionType.FAILURE_EXPLANATION,
            instructions="Judge.",
            context=f"question {n}",  # a new question each time: never from the cache
            schema_name="verdict",
            schema=SCHEMA,
            secrets=[],
        )
    )


class TestLlmCallsPerMonth:
    def test_answered_calls_are_counted_and_the_free_plans_eleventh_is_refused(
        self,
        metered_client: TestClient,
        metered: Runtime,
        model: FakeOpenAI,
        settle: Callable[[], None],
    ) -> None:
        account = an_account(metered_client)
        project_id = a_project(metered_client, account).json()["id"]
        settle()
        model.answer(Status(503, None))
        with pytest.raises(Exception, match="did not answer"):
            a_call(metered, account.id, 0)  # no answer: not a call paid for
        model.answer(Reply(json.dumps({"verdict": "ok"})))
        for n in range(1, 11):  # the Free plan's 10
            a_call(metered, account.id, n)
        settle()
        for runner in metered.runners((read_model("usage"),)):
            runner.catch_up()

        usage = metered_client.get("/me/usage", headers=account.auth).json()
        item = next(i for i in usage["items"] if i["limit_type"] == "MaxLlmCallsPerMonth")
        asked = metered_client.post(
            f"/projects/{project_id}/suggestions",
            json={"endpoints": ["GET /pets"]},
            headers=account.auth,
        )

        assert usage["counts"]["llm_call_count"] == 10
        assert (item["used"], item["limit"], item["remaining"]) == (10, 10, 0)
        refused(asked, "MaxLlmCallsPerMonth", 10, 10)
        calls_before = len(model.requests)
        with pytest.raises(LimitExceededError):  # the worker checks again before each call
            a_call(metered, account.id, 11)
        assert len(model.requests) == calls_before

    def test_a_deployment_that_enforces_no_plan_never_holds_a_user(self, metered: Runtime) -> None:
        class Heavy:
            def usage(self, user_id: Any, period_start: date) -> UsageView:
                start, end = month_of(period_start)
                return UsageView(
                    period_start=start,
                    period_end=end,
                    project_count=0,
                    endpoint_count=0,
                    test_suite_count=0,
                    test_case_count=0,
                    test_run_count=0,
                    llm_call_count=10_000,
                    storage_used_mb="0.00",
                )

        class Clock:
            def now(self) -> datetime:
                return datetime(2026, 12, 3, tzinfo=UTC)

        free = PlanLlmLimits(PlanLimits(metered.sub, enforced=False), Heavy(), Clock())
        held = PlanLlmLimits(PlanLimits(metered.sub, enforced=True), Heavy(), Clock())

        assert free.require_available(uuid4()) is None
        with pytest.raises(LimitExceededError, match="MaxLlmCallsPerMonth"):
            held.require_available(uuid4())


class TestLlmCallsRacing:
    def test_parallel_calls_at_the_limit_are_admitted_up_to_it_and_no_further(
        self,
        metered_client: TestClient,
        metered: Runtime,
        model: FakeOpenAI,
    ) -> None:
        # Eight calls at once with two left of the Free plan's 10: the usage read model
        # cannot see them, the allowance in the event store does.
        account = an_account(metered_client)
        model.answer(Reply(json.dumps({"verdict": "ok"})))
        for n in range(8):
            a_call(metered, account.id, 100 + n)
        before = len(model.requests)

        def one(n: int) -> str:
            try:
                a_call(metered, account.id, 200 + n)
            except LimitExceededError:
                return "refused"
            return "answered"

        with ThreadPoolExecutor(8) as pool:
            outcomes = sorted(pool.map(one, range(8)))

        assert outcomes == ["answered"] * 2 + ["refused"] * 6
        assert len(model.requests) - before == 2

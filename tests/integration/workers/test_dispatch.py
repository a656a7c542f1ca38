"""The dispatch of a queued run on real PostgreSQL, Redis and a Dramatiq worker: what the
outbox sends reaches `testexec.execute_run`, a copy of it changes nothing, and a message
queued under the old names before the switch (`outbox.dispatch_event`) still starts its run.

A worker killed in the middle of a run is `tests/e2e/test_distributed_run.py`'s
`test_a_worker_killed_mid_run_is_replaced_and_no_case_is_counted_twice` (separate
processes, SIGKILL); the immediate publish from the outbox projection is timed in
`tests/e2e/test_distributed_run.py`'s `TestDispatch`.
"""

import time
from collections.abc import Iterator
from typing import Any
from uuid import UUID, uuid4

import dramatiq
import pytest
from dramatiq import Message
from dramatiq.brokers.redis import RedisBroker

from application.apidoc.commands import CreateProject
from application.testexec.commands import CreateEnvironment, RequestTestRun
from application.testgen.commands import AddTestCase, CreateSuite
from domain.runs.model import TestRun
from domain.shared.meta import Meta
from infrastructure.messaging.outbox import DISPATCH_ACTOR, DISPATCH_QUEUE
from infrastructure.projections.catalog import read_model
from interfaces.bootstrap import Runtime
from interfaces.http.schemas.cases import CaseCreate
from interfaces.workers.broker import new_worker
from interfaces.workers.context import set_runtime
from interfaces.workers.routes import RUN_QUEUED, outbox_routes
from tests.integration.execution.target import ServedTarget, Target


def a_meta(owner: UUID) -> Meta:
    return Meta(
        user_id=str(owner),
        ip="127.0.0.1",
        user_agent="dispatch-test",
        correlation_id=None,
        reason=None,
    )


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    served = ServedTarget()
    try:
        yield served.start()
    finally:
        served.stop()


@pytest.fixture
def run_worker(broker: RedisBroker, runtime: Runtime) -> Iterator[dramatiq.Worker]:
    """A worker made as `testament worker` makes it, on the queues a dispatch crosses."""
    set_runtime(runtime)
    importlib_actors()
    worker = new_worker(broker, threads=2, queues={DISPATCH_QUEUE, "runs"})
    worker.start()
    try:
        yield worker
    finally:
        worker.stop(timeout=10_000)
        set_runtime(None)
        broker.flush_all()


def importlib_actors() -> None:
    """The run actors bind to the session's broker (configure_broker imported them)."""
    import interfaces.workers.actors.runs  # noqa: F401


def queued_run(runtime: Runtime, target: Target, slow_cases: int) -> tuple[UUID, UUID]:
    """This function will queue a run of a suite of slow cases, as the API does, and give
    the run's id and its owner. Nothing publishes it: no projector runs in this test."""
    owner = uuid4()
    project_id = runtime.apidoc.create_project(
        CreateProject(
            owner_id=owner, name="Dispatch", description="", base_url="", meta=a_meta(owner)
        )
    ).aggregate_id
    for runner in runtime.runners((read_model("projects"),)):
        runner.catch_up()
    runtime.testexec.create_environment(
        CreateEnvironment(
            project_id=project_id,
            requester_id=owner,
            name="target",
            base_url=target.url,
            meta=a_meta(owner),
        )
    )
    suite_id = runtime.testgen.create_suite(
        CreateSuite(
            project_id=project_id,
            requester_id=owner,
            name="Slow",
            description="",
            meta=a_meta(owner),
        )
    ).aggregate_id
    for n in range(slow_cases):
        fields = CaseCreate.model_validate(
            {
                "name": f"slow {n}",
                "request": {"method": "GET", "url": f"/slow?seconds=0.3&name=slow-{suite_id}"},
                "expectations": {"expected_status": [200]},
            }
        ).model_dump(exclude={"depends_on"}, mode="json")
        runtime.testgen.add_test_case(
            AddTestCase(suite_id=suite_id, requester_id=owner, fields=fields, meta=a_meta(owner))
        )
    written = runtime.testexec.request_test_run(
        RequestTestRun(suite_id=suite_id, requester_id=owner, meta=a_meta(owner))
    )
    return written.aggregate_id, suite_id


def finished(runtime: Runtime, run_id: UUID, timeout: float = 60.0) -> TestRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run: TestRun = runtime.testexec.load_version(run_id)
        if run.status in ("Completed", "Failed", "Cancelled"):
            return run
        time.sleep(0.05)
    pytest.fail(f"run {run_id} did not finish in {timeout} s")


def settle(broker: RedisBroker, worker: dramatiq.Worker) -> None:
    for queue in (DISPATCH_QUEUE, "runs", DISPATCH_QUEUE, "runs"):
        broker.join(queue, timeout=30_000)
    worker.join()


class TestDispatch:
    def test_a_run_queued_as_the_outbox_sends_it_is_executed(
        self, runtime: Runtime, broker: RedisBroker, run_worker: dramatiq.Worker, target: Target
    ) -> None:
        run_id, suite_id = queued_run(runtime, target, slow_cases=2)
        route = outbox_routes(runtime.settings)[RUN_QUEUED]
        broker.enqueue(route.message(str(uuid4()), str(run_id)))
        run = finished(runtime, run_id)
        assert (run.status, run.passed, run.attempts) == ("Completed", 2, 1)
        assert target.counts[f"slow-{suite_id}"] == 2

    def test_copies_of_the_message_run_the_cases_once(
        self, runtime: Runtime, broker: RedisBroker, run_worker: dramatiq.Worker, target: Target
    ) -> None:
        run_id, suite_id = queued_run(runtime, target, slow_cases=3)
        route = outbox_routes(runtime.settings)[RUN_QUEUED]
        event_id = str(uuid4())
        # A publisher that crashed before marking its row sends the same message again, and
        # the broker may deliver one twice: two copies at once, on two worker threads.
        broker.enqueue(route.message(event_id, str(run_id)))
        broker.enqueue(route.message(str(uuid4()), str(run_id)))
        run = finished(runtime, run_id)
        settle(broker, run_worker)
        # ...and one more after the run has finished.
        broker.enqueue(route.message(event_id, str(run_id)))
        settle(broker, run_worker)

        after: TestRun = runtime.testexec.load_version(run_id)
        assert (after.status, after.passed, after.attempts) == ("Completed", 3, 1)
        assert after.version == run.version, "a late copy changed the finished run"
        assert target.counts[f"slow-{suite_id}"] == 3
        assert runtime.hot_results.counts(run_id)["passed"] == 3

    def test_a_message_queued_under_the_old_names_before_the_switch_still_runs(
        self, runtime: Runtime, broker: RedisBroker, run_worker: dramatiq.Worker, target: Target
    ) -> None:
        run_id, suite_id = queued_run(runtime, target, slow_cases=1)
        # Exactly what the publisher sent before the switch: every outbox row went to
        # outbox.dispatch_event on the "integration" queue, under the row's id.
        row_id = str(uuid4())
        kwargs: dict[str, Any] = {
            "message_id": row_id,
            "module": "testexec",
            "event_type": RUN_QUEUED,
            "object_id": str(run_id),
            "triggered_by_id": None,
            "activity_id": None,
            "payload": {},
            "version": 1,
        }
        legacy: Message[Any] = Message(
            queue_name=DISPATCH_QUEUE,
            actor_name=DISPATCH_ACTOR,
            args=(),
            kwargs=kwargs,
            options={},
            message_id=row_id,
        )
        broker.enqueue(legacy)
        run = finished(runtime, run_id)
        assert (run.status, run.passed, run.attempts) == ("Completed", 1, 1)
        assert target.counts[f"slow-{suite_id}"] == 1

"""A run's end and a report request reach their actors through the outbox's dispatch, on
real Redis: the run is captured (coverage included) once, and the report is made."""

import dataclasses
from collections.abc import Iterator
from uuid import UUID

import dramatiq
import pytest
from dramatiq.brokers.redis import RedisBroker

from infrastructure.security.passwords import Argon2PasswordHasher
from interfaces.bootstrap import Runtime, identity_application
from interfaces.http.app import create_app
from interfaces.workers.context import set_runtime
from tests.integration.interfaces.http.support import TestClient
from tests.integration.interfaces.http.test_runs import a_queued_run
from tests.support.target_api import build_target, serve

PLAIN = {
    "name": "no wait",
    "request": {"method": "GET", "url": "/slow?seconds=0"},
    "expectations": {"expected_status": [200]},
}


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    env = {**runtime.identity.env, "POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "2"}
    identity = identity_application(
        runtime.settings, env, hasher=Argon2PasswordHasher(time_cost=1, memory_cost=1024)
    )
    app = create_app(dataclasses.replace(runtime, identity=identity))
    try:
        with TestClient(app, raise_server_exceptions=False) as test_client:
            yield test_client
    finally:
        identity.close()


class TestCoverageWhenARunEnds:
    def test_the_published_end_of_a_run_records_its_coverage_once(
        self, runtime: Runtime, broker: RedisBroker, client: TestClient
    ) -> None:
        from interfaces.workers.actors.outbox import dispatch_event

        app, _ = build_target()
        with serve(app) as url:
            _, _, run = a_queued_run(client, [PLAIN], url)
            assert runtime.testexec.execute_test_run(UUID(run["id"])) == "Completed"
        set_runtime(runtime)
        worker = dramatiq.Worker(
            broker, queues={"integration", "reports"}, worker_threads=1, worker_timeout=100
        )
        worker.start()
        try:
            for message_id in ("m-1", "m-1", "m-2"):  # delivered twice, then a duplicate event
                dispatch_event.send(
                    message_id=f"{run['id']}-{message_id}",
                    event_type="TestRun.Completed",
                    object_id=run["id"],
                )
            for queue in ("integration", "reports", "integration", "reports"):
                broker.join(queue, timeout=20_000)
            worker.join()
        finally:
            worker.stop(timeout=10_000)
            set_runtime(None)
        coverage = runtime.testreport.run_coverage(UUID(run["id"]))
        assert coverage is not None and coverage.version == 1
        # A suite written by hand in a project without a specification covers nothing known.
        assert (coverage.spec_id, coverage.endpoints) == (None, [])
        assert runtime.testreport.run_capture(UUID(run["id"])) is not None

    def test_a_requested_report_is_made_by_the_worker(
        self, runtime: Runtime, broker: RedisBroker, client: TestClient
    ) -> None:
        from interfaces.workers.actors.outbox import dispatch_event

        app, _ = build_target()
        with serve(app) as url:
            account, _, run = a_queued_run(client, [PLAIN], url)
            assert runtime.testexec.execute_test_run(UUID(run["id"])) == "Completed"
        asked = client.post(
            f"/runs/{run['id']}/reports",
            headers=account.auth,
            json={"report_type": "Summary", "format": "CSV"},
        )
        assert asked.status_code == 202, asked.text
        set_runtime(runtime)
        worker = dramatiq.Worker(
            broker, queues={"integration", "reports"}, worker_threads=1, worker_timeout=100
        )
        worker.start()
        try:
            dispatch_event.send(
                message_id=f"{asked.json()['id']}-requested",
                event_type="TestReport.Requested",
                object_id=asked.json()["id"],
            )
            for queue in ("integration", "reports", "integration", "reports"):
                broker.join(queue, timeout=20_000)
            worker.join()
        finally:
            worker.stop(timeout=10_000)
            set_runtime(None)
        made = client.get(f"/reports/{asked.json()['id']}/content", headers=account.auth)
        assert made.status_code == 200, made.text
        assert made.text.splitlines()[1].split(",")[3] == "no wait"

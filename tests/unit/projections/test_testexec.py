"""TestexecProjection into the in-memory testexec tables, fed from a real testexec log."""

import json
from datetime import UTC, datetime

import pytest

from application.testexec.commands import CancelTestRun
from domain.runs.model import RunStatus
from infrastructure.read_models.memory.testexec import MemoryTestexecView
from projections.testexec.projection import TestexecProjection
from tests.unit.application.testexec_fakes import SECRETS, World, a_world
from tests.unit.builders import a_meta, stored_events


@pytest.fixture
def world() -> World:
    return a_world()


def projected(world: World) -> MemoryTestexecView:
    view = MemoryTestexecView()
    projection = TestexecProjection(view)
    for domain_event in stored_events(world.app):
        projection.process_event(domain_event)
    return view


class TestTestexecProjection:
    def test_keeps_a_runs_times_as_aware_datetimes_and_its_counts(self, world: World) -> None:
        world.environment()
        run_id = world.queue(world.suite(["a", "b"]))
        world.app.execute_test_run(run_id)
        run = world.app.run(run_id, world.owner)
        [row] = projected(world).rows("test_runs")
        assert row["started_at"] == datetime.fromisoformat(run.started_at or "")
        assert row["started_at"].tzinfo is not None and row["completed_at"] > row["started_at"]
        assert (row["status"], row["passed_count"], row["failed_count"]) == ("Completed", 1, 1)
        assert row["results_expire_at"] == datetime.fromisoformat(run.results_expire_at or "")
        assert row["completed_at"].astimezone(UTC) == row["completed_at"]

    def test_marks_a_requested_cancellation(self, world: World) -> None:
        world.environment()
        run_id = world.queue(world.suite(["a"]))
        world.app.cancel_test_run(
            CancelTestRun(run_id=run_id, requester_id=world.owner, meta=a_meta())
        )
        [row] = projected(world).rows("test_runs")
        assert (row["cancel_requested"], row["status"]) == (True, RunStatus.CANCELLED.value)

    def test_keeps_variables_in_their_order_with_secrets_sealed(self, world: World) -> None:
        world.environment(
            variables=[
                {"name": "zeta", "value": "z", "secret": False},
                *SECRETS["variables"],
            ]
        )
        [row] = projected(world).rows("execution_environments")
        variables = json.loads(row["variables"])
        assert [v["name"] for v in variables] == ["zeta", "password", "user"]
        assert "hunter2" not in row["variables"] and json.loads(row["secret_variables"]) == [
            "password"
        ]

"""sub.usage_trackings across months: standing counts carry over, per-period counts start at
zero, and the rows come out the same whatever order the logs are applied in (a rebuild
follows each log on its own)."""

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.projects.model import Project
from domain.runs.model import TestRun
from domain.shared.meta import system_meta
from infrastructure.read_models.postgres.usage import PostgresUsageView
from interfaces.bootstrap import Runtime
from projections.usage.projection import UsageProjection

OWNER = uuid4()


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 12, tzinfo=UTC)


def project_created(project_id: UUID, when: datetime) -> Any:
    return Project.Created(
        originator_id=project_id,
        originator_version=1,
        timestamp=when,
        originator_topic="domain.projects.model:Project",
        owner_id=OWNER,
        name="p",
        description="",
        base_url="https://api.example.com",
        meta=system_meta(),
    )


def project_archived(project_id: UUID, when: datetime) -> Any:
    return Project.Archived(
        originator_id=project_id, originator_version=2, timestamp=when, meta=system_meta()
    )


def run_queued(when: datetime) -> Any:
    return TestRun.Queued(
        originator_id=uuid4(),
        originator_version=1,
        timestamp=when,
        originator_topic="domain.runs.model:TestRun",
        project_id=uuid4(),
        suite_id=uuid4(),
        environment_id=uuid4(),
        run_number=1,
        owner_id=OWNER,
        total_tests=1,
        retention_days=5,
        meta=system_meta(),
    )


@pytest.fixture
def schema(runtime: Runtime) -> Iterator[str]:
    name = f"usage_{uuid4().hex[:8]}"
    with runtime.pool.connection() as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
        for statement in PostgresUsageView(name).create_statements():
            conn.execute(statement)
    yield name
    with runtime.pool.connection() as conn:
        conn.execute(f'DROP SCHEMA "{name}" CASCADE')


def apply(runtime: Runtime, schema: str, events: list[Any]) -> list[tuple[Any, ...]]:
    view = PostgresUsageView(schema)
    projection = UsageProjection(view)
    with (
        runtime.pool.connection() as conn,
        conn.transaction(force_rollback=True),
        conn.cursor() as cur,
    ):
        view.bind(cur)
        for event in events:
            projection.process_event(event)
        view.bind(None)
        rows = cur.execute(
            "SELECT period_start, period_end, project_count, test_run_count, created_date_time,"
            f' updated_date_time, row_version FROM "{schema}".usage_trackings'
            " ORDER BY period_start"
        ).fetchall()
    return [tuple(row.values()) for row in rows]


def test_standing_counts_carry_over_and_runs_start_again_each_month(
    runtime: Runtime, schema: str
) -> None:
    first, second = uuid4(), uuid4()
    events = [
        project_created(first, at(1, 5)),
        run_queued(at(1, 6)),
        run_queued(at(1, 31)),
        project_created(second, at(2, 1)),
        run_queued(at(3, 2)),
        project_archived(first, at(3, 3)),
    ]
    rows = apply(runtime, schema, events)
    assert [(r[0].month, r[1].day, r[2], r[3]) for r in rows] == [
        (1, 31, 1, 2),
        (2, 28, 2, 0),
        (3, 31, 1, 1),
    ]


def test_the_rows_are_the_same_in_any_order_of_the_logs(runtime: Runtime, schema: str) -> None:
    first, second = uuid4(), uuid4()
    apidoc = [
        project_created(first, at(1, 5)),
        project_created(second, at(2, 1)),
        project_archived(first, at(3, 3)),
    ]
    testexec = [run_queued(at(1, 6)), run_queued(at(3, 2))]
    expected = apply(runtime, schema, apidoc + testexec)
    for ordering in itertools.islice(itertools.permutations([apidoc, testexec]), 2):
        assert apply(runtime, schema, [e for log in ordering for e in log]) == expected
    # Interleaved the other way: runs of March before the projects of January.
    assert apply(runtime, schema, testexec[::-1] + apidoc) == expected

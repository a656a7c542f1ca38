"""Benchmark: authoring at size, and loading aggregates with and without snapshots.

On a throwaway database:
  a. create a suite of 500 cases (one command per case, so the suite has 500+ events), then
     load the suite and every case back, cold (no aggregate cache);
  b. edit one case 1,000 times (1,000+ events), then load it cold;
and for each, a plain replay of every stored event without snapshots, for the ratio.

Target: loading any aggregate under 10 ms at those sizes.
"""

import argparse
import statistics
import sys
import time
import uuid
from functools import reduce
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from application.apidoc.commands import CreateProject  # noqa: E402
from application.testgen.app import TestgenApplication  # noqa: E402
from application.testgen.commands import AddTestCase, CreateSuite, EditTestCase  # noqa: E402
from bench.commands import throwaway_servers  # noqa: E402
from domain.shared.meta import Meta  # noqa: E402
from infrastructure.settings import Settings  # noqa: E402
from interfaces.bootstrap import app_env, migrate, testgen_application  # noqa: E402


def cold_app(runtime: Any, settings: Settings) -> TestgenApplication:
    """A testgen application with no aggregate cache: every load reads the database."""
    env = app_env(settings, runtime.servers.database_url, "testgen", create_table=False)
    env.pop("AGGREGATE_CACHE_MAXSIZE", None)
    return testgen_application(env, apidoc=runtime.apidoc, specifications=runtime.specifications)


def load_ms(app: TestgenApplication, aggregate_id: uuid.UUID, rounds: int = 5) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        app.repository.get(aggregate_id)
        times.append((time.perf_counter() - started) * 1000)
    return min(times)


def replay_ms(
    app: TestgenApplication, aggregate_id: uuid.UUID, rounds: int = 3
) -> tuple[float, int]:
    """Every stored event read and applied, ignoring snapshots: the plain replay."""
    times, count = [], 0
    for _ in range(rounds):
        started = time.perf_counter()
        events = list(app.events.get(aggregate_id))
        reduce(lambda aggregate, event: event.mutate(aggregate), events, None)
        times.append((time.perf_counter() - started) * 1000)
        count = len(events)
    return min(times), count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--edits", type=int, default=1000)
    args = parser.parse_args(argv)
    with TemporaryDirectory() as workdir, throwaway_servers(Path(workdir)) as servers:
        settings = Settings(
            database_url=servers.database_url,
            redis_url=servers.redis_url,
            secret_key="bench-secret-key-long-enough-0123456789",
            data_dir=Path(workdir) / "data",
        )
        runtime = migrate(settings, servers)
        try:
            owner = uuid.uuid4()
            meta = Meta(
                user_id=str(owner),
                ip="127.0.0.1",
                user_agent="bench",
                correlation_id=None,
                reason=None,
            )
            project = runtime.apidoc.create_project(
                CreateProject(owner_id=owner, name="bench", description="", base_url="", meta=meta)
            ).aggregate_id
            app = runtime.testgen
            suite = app.create_suite(
                CreateSuite(
                    project_id=project, requester_id=owner, name="big", description="", meta=meta
                )
            ).aggregate_id
            started = time.perf_counter()
            cases = [
                app.add_test_case(
                    AddTestCase(
                        suite_id=suite,
                        requester_id=owner,
                        meta=meta,
                        fields={
                            "name": f"case {i}",
                            "test_type": "HappyPath",
                            "priority": "Medium",
                            "request": {
                                "method": "GET",
                                "url": f"/items/{i}",
                                "headers": {"Accept": "application/json"},
                            },
                            "expectations": {"expected_status": [200], "max_response_time_ms": 500},
                        },
                    )
                ).aggregate_id
                for i in range(args.cases)
            ]
            create_s = time.perf_counter() - started
            target = cases[0]
            started = time.perf_counter()
            for i in range(args.edits):
                app.edit_test_case(
                    EditTestCase(
                        case_id=target,
                        requester_id=owner,
                        meta=meta,
                        values={
                            "description": f"edit {i}",
                            "request": {"method": "GET", "url": f"/items/0?v={i}"},
                        },
                    )
                )
            edit_s = time.perf_counter() - started
            cold = cold_app(runtime, settings)
            suite_ms = load_ms(cold, suite)
            case_loads = sorted(load_ms(cold, case_id, rounds=3) for case_id in cases[1:])
            edited_ms = load_ms(cold, target)
            suite_replay, suite_events = replay_ms(cold, suite)
            edited_replay, edited_events = replay_ms(cold, target)
            cold.close()
        finally:
            runtime.close()
    print(
        f"a. created a suite of {args.cases} cases in {create_s:.2f}s ({args.cases / create_s:.0f} cases/s)"
    )
    print(
        f"b. edited one case {args.edits} times in {edit_s:.2f}s ({args.edits / edit_s:.0f} edits/s)"
    )
    print(f"{'aggregate':<38}{'events':>8}{'load ms':>10}{'plain replay ms':>17}{'ratio':>8}")
    print(
        f"{'suite of ' + str(args.cases) + ' cases':<38}{suite_events:>8}{suite_ms:>10.2f}{suite_replay:>17.2f}"
        f"{suite_replay / suite_ms:>8.1f}"
    )
    print(
        f"{'case with ' + str(args.edits) + ' edits':<38}{edited_events:>8}{edited_ms:>10.2f}{edited_replay:>17.2f}"
        f"{edited_replay / edited_ms:>8.1f}"
    )
    print(
        f"{'each of the other cases (p50 / max)':<38}{'':>8}{statistics.median(case_loads):>10.2f}"
        f" / {max(case_loads):.2f}"
    )
    worst = max(suite_ms, edited_ms, max(case_loads))
    print(
        f"TARGET aggregate_load_ms measured={worst:.2f} goal=10 met={'yes' if worst < 10 else 'no'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A scheduler in a process of its own, for the test that runs two at once."""

from datetime import datetime
from pathlib import Path
from typing import Any


class StoppedClock:
    def __init__(self, now: datetime) -> None:
        self.at = now

    def now(self) -> datetime:
        return self.at


def fire_rounds(
    database_url: str,
    redis_url: str,
    secret_key: str,
    data_dir: str,
    moments: list[str],
    barrier: Any,
    results: Any,
) -> None:
    """This function will build a runtime as `testament worker` does and, at each moment,
    wait for the other scheduler, then fire what is due; it reports each round's ticks."""
    from infrastructure.settings import Settings
    from interfaces.bootstrap import Servers, build_runtime

    settings = Settings(
        database_url=database_url,
        redis_url=redis_url,
        secret_key=secret_key,
        data_dir=Path(data_dir),
        pool_size=2,
    )
    runtime = build_runtime(settings, Servers(database_url, redis_url))
    try:
        for moment in moments:
            runtime.testexec._clock = StoppedClock(datetime.fromisoformat(moment))
            barrier.wait(timeout=120)
            fired = runtime.testexec.fire_due_schedules()
            results.put([(str(t.schedule_id), t.tick_at.isoformat(), str(t.run_id)) for t in fired])
    finally:
        runtime.close()

"""Whether the servers answer, and how far each read model lags the log it follows."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import redis

from infrastructure.postgres.pool import DictPool
from infrastructure.projections.stalls import read_stalls
from infrastructure.projections.tracking import read_position


class _Followed(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def log_name(self) -> str: ...


@dataclass(frozen=True, slots=True)
class StallReport:
    """The event a projection stopped at: where, which, why, and since when."""

    position: str  # "<log>:<notification id>", what `testament projections skip` takes
    topic: str
    error: str
    attempts: int
    since: datetime


@dataclass(frozen=True, slots=True)
class ProjectionHealth:
    """One projection's place in one log."""

    name: str
    log: str
    position: int
    lag: int
    stalled: StallReport | None


@dataclass(frozen=True, slots=True)
class Health:
    """The answer of /health: `degraded` while any projection is stalled."""

    status: str
    embedded: bool
    logs: dict[str, int]
    projections: list[ProjectionHealth]


def check_health(
    pool: DictPool,
    client: redis.Redis,
    *,
    heads: Mapping[str, int],
    followers: Iterable[_Followed],
    embedded: bool,
) -> Health:
    """This function will ping PostgreSQL and Redis (raising when one does not answer) and
    report each follower's position against the head of its log."""
    with pool.connection() as conn:
        conn.execute("SELECT 1")
    client.ping()
    projections = []
    with pool.connection() as conn, conn.cursor() as cur:
        stalls = read_stalls(cur)
        for follower in followers:
            position = read_position(cur, follower.name, follower.log_name)
            stall = stalls.get((follower.name, follower.log_name))
            projections.append(
                ProjectionHealth(
                    name=follower.name,
                    log=follower.log_name,
                    position=position,
                    lag=heads[follower.log_name] - position,
                    stalled=None
                    if stall is None
                    else StallReport(
                        position=f"{stall.log}:{stall.position}",
                        topic=stall.topic,
                        error=stall.error,
                        attempts=stall.attempts,
                        since=stall.since,
                    ),
                )
            )
    degraded = any(p.stalled is not None for p in projections)
    return Health(
        status="degraded" if degraded else "ok",
        embedded=embedded,
        logs=dict(heads),
        projections=projections,
    )

"""The health answer."""

from typing import Literal

from pydantic import BaseModel


class StallPublic(BaseModel):
    position: str
    topic: str
    error: str
    attempts: int
    since: str


class ProjectionHealthPublic(BaseModel):
    name: str
    log: str
    position: int
    lag: int
    stalled: StallPublic | None


class HealthPublic(BaseModel):
    status: Literal["ok", "degraded"]
    embedded: bool
    logs: dict[str, int]
    projections: list[ProjectionHealthPublic]

"""The answer of /health."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict


class StallPublic(BaseModel):
    """The event a projection stopped at (skip it with `testament projections skip`)."""

    model_config = ConfigDict(from_attributes=True)

    position: str
    topic: str
    error: str
    attempts: int
    since: datetime


class ProjectionHealthPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    log: str
    position: int
    lag: int
    stalled: StallPublic | None


class HealthPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    status: Literal["ok", "degraded"]
    embedded: bool
    logs: dict[str, int]
    projections: list[ProjectionHealthPublic]

"""Request and response bodies of scheduled runs."""

from datetime import datetime
from uuid import UUID
from zoneinfo import available_timezones

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from application.testexec.schedules import ScheduleSummary
from domain.schedules.cron import CRON_PATTERN

# The patterns are in the document only: the domain checks them, naming the rule in words
# (a 2,500-character pattern in an error message helps nobody).
_CRON_SCHEMA: JsonDict = {"pattern": CRON_PATTERN}
_ZONES: JsonDict = {"enum": list(sorted(available_timezones()))}
_CRON = Field(
    max_length=100,
    description="Five cron fields (minute hour day-of-month month day-of-week), read in "
    "`timezone`; ticks at least 5 minutes apart",
    examples=["0 6 * * 1-5"],
    json_schema_extra=_CRON_SCHEMA,
)


class ScheduleCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cron: str = _CRON
    timezone: str = Field(
        default="UTC",
        min_length=1,
        max_length=64,
        description="IANA zone",
        json_schema_extra=_ZONES,
    )
    environment_id: UUID | None = Field(
        default=None, description="Default: the project's default environment when a tick fires"
    )
    enabled: bool = True


class ScheduleUpdate(BaseModel):
    """Any subset; `environment_id: null` goes back to the project's default environment."""

    model_config = ConfigDict(extra="forbid")
    cron: str | None = Field(default=None, max_length=100, json_schema_extra=_CRON_SCHEMA)
    timezone: str | None = Field(
        default=None, min_length=1, max_length=64, json_schema_extra=_ZONES
    )
    environment_id: UUID | None = None
    enabled: bool | None = None


class SchedulePublic(BaseModel):
    id: UUID
    project_id: UUID
    suite_id: UUID
    environment_id: UUID | None
    cron: str
    timezone: str
    enabled: bool
    next_run_at: datetime | None = Field(description="The next tick, in UTC; null when off")
    last_tick_at: datetime | None
    last_run_id: UUID | None = Field(description="The run the last tick queued, if it did")
    version: int

    @classmethod
    def of(cls, schedule: ScheduleSummary) -> "SchedulePublic":
        return cls(**schedule.__dict__)

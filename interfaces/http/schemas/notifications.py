"""Request and response bodies of notification preferences."""

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class NotificationPreferencesUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    run_finished: Literal["never", "failed", "always"] = Field(
        description="E-mail when a run of the project finishes: never, when it failed, always"
    )
    suite_waiting: bool = Field(description="E-mail when a suite's order waits for approval")
    parse_failed: bool = Field(description="E-mail when a specification cannot be parsed")
    language: Literal["en", "vi"] = Field(description="The language of the messages")
    sms_run_failed: bool = Field(
        default=False,
        description="Also send an SMS when a run fails, to the caller's phone number once it"
        " is confirmed (PUT /me/phone-number)",
    )


class NotificationPreferencesPublic(NotificationPreferencesUpdate):
    project_id: UUID
    version: int = Field(description="0 while the defaults were never changed")

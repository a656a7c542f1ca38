"""Request and response bodies of runtime settings and localized texts (Admin only)."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from domain.localization.model import VALUE_MAX

Culture = Literal["en", "vi"]


class SettingPublic(BaseModel):
    """A runtime setting in force: a sensitive value is always `***` here."""

    id: UUID
    key: str = Field(examples=["registration"])
    value: str = Field(description="`***` for a sensitive setting that has a value")
    description: str
    is_sensitive: bool
    source: Literal["admin", "default"] = Field(
        description="admin: set through this API; default: the environment's value, else the code's"
    )
    version: int = Field(description="0 when never set; send it back as If-Match")
    created_at: datetime | None
    updated_at: datetime | None


class SettingsPublic(BaseModel):
    items: list[SettingPublic]


class SettingUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: str = Field(max_length=1024, pattern=r"^[^\x00]*$", examples=["invite-only"])
    description: str | None = Field(
        default=None, max_length=500, pattern=r"^[^\x00]*$", description="default: the setting's"
    )


class TextPublic(BaseModel):
    """A problem title or a notification template in one language."""

    id: UUID
    name: str = Field(examples=["problem.not-found.title", "notification.run_finished.subject"])
    culture: Culture
    value: str
    description: str
    edited: bool = Field(description="false: the code's default text is in force")
    version: int
    created_at: datetime
    updated_at: datetime


class TextsPublic(BaseModel):
    items: list[TextPublic]


class TextUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: str = Field(min_length=1, max_length=VALUE_MAX, pattern=r"^[^\x00]*$")

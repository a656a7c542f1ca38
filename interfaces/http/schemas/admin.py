"""Request and response bodies of the Admin API."""

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class UserAccountPublic(BaseModel):
    id: UUID
    email: str
    display_name: str
    roles: list[str]
    disabled: bool
    access_failed_count: int
    lockout_end: datetime | None
    version: int
    created_at: datetime | None = None
    updated_at: datetime | None = None


class UserAccountsPublic(BaseModel):
    items: list[UserAccountPublic]
    total: int
    limit: int
    offset: int


class InvitationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str | None = Field(
        default=None, max_length=254, description="the only address that may use it; any if none"
    )
    valid_days: int = Field(default=7, ge=1, le=90)


class InvitationPublic(BaseModel):
    id: UUID
    code: str = Field(description="the secret to give the invitee; shown once, not kept")
    email: str | None
    expires_at: datetime
    version: int

"""Request and response bodies of accounts and sessions."""

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from interfaces.http.schemas.formats import EMAIL_PATTERN, pattern


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(
        max_length=254, examples=["ada@example.com"], json_schema_extra=pattern(EMAIL_PATTERN)
    )
    password: str = Field(min_length=8, max_length=256)
    display_name: str | None = Field(default=None, max_length=100)
    invitation: str | None = Field(
        default=None, max_length=200, description="the code of an Admin's invitation"
    )


class RegistrationPublic(BaseModel):
    status: str = Field(examples=["accepted"])
    detail: str


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=254)
    password: str = Field(max_length=256)


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    refresh_token: str = Field(min_length=1, max_length=512)


class TokenPublic(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int


class UserPublic(BaseModel):
    id: UUID
    email: str
    display_name: str
    avatar_url: str = ""
    timezone: str = "UTC"
    roles: list[str]
    version: int
    created_at: datetime | None = None


class ProfileUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    display_name: str = Field(min_length=1, max_length=100)
    avatar_url: str = Field(default="", max_length=2048)
    timezone: str = Field(default="UTC", min_length=1, max_length=64)


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: str = Field(max_length=256)
    new_password: str = Field(min_length=8, max_length=256)

"""Request and response bodies of API keys."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from application.identity.queries import ApiKeyView
from domain.api_keys.model import MAX_NAME_LENGTH, MAX_VALID_DAYS


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(
        min_length=1, max_length=MAX_NAME_LENGTH, examples=["github-actions"], pattern=r"\S"
    )
    scope: Literal["read", "run", "write"] = Field(
        description="read: GET only; run: read, and queue or cancel runs; write: every change"
        " but the account's own (keys, password, profile) and administration"
    )
    expires_in_days: int = Field(default=90, ge=1, le=MAX_VALID_DAYS)


class ApiKeyPublic(BaseModel):
    id: UUID
    name: str
    scope: str
    prefix: str = Field(description="the key's first characters, to tell keys apart")
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None = Field(description="recorded at most once a minute")
    version: int

    @classmethod
    def of(cls, view: ApiKeyView) -> "ApiKeyPublic":
        return cls(
            id=view.id,
            name=view.name,
            scope=view.scope,
            prefix=view.prefix,
            created_at=view.created_at,
            expires_at=view.expires_at,
            revoked_at=view.revoked_at,
            last_used_at=view.last_used_at,
            version=view.version,
        )


class ApiKeyCreatedPublic(ApiKeyPublic):
    key: str = Field(
        description="the key itself: shown in this answer only, never again (only its hash"
        " is kept). Send it as `X-API-Key: <key>` or `Authorization: Bearer <key>`"
    )


class ApiKeysPublic(BaseModel):
    items: list[ApiKeyPublic]

"""What the identity context reads from its read tables."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID


@dataclass(frozen=True, kw_only=True)
class UserProfileView:
    """An account and its profile, as identity.users and user_profiles hold them."""

    id: UUID
    email: str
    user_name: str
    display_name: str
    avatar_url: str
    timezone: str
    roles: list[str]
    email_confirmed: bool
    version: int
    created_at: datetime
    two_factor_enabled: bool = False
    language: str | None = None  # chosen in the profile; None: Accept-Language, else English


@dataclass(frozen=True, kw_only=True)
class ExternalLoginView:
    """A provider account that signs in to a user (identity.user_logins)."""

    provider: str
    provider_key: str
    display_name: str
    created_at: datetime


@dataclass(frozen=True, kw_only=True)
class ClaimView:
    """A claim as identity.user_claims or identity.role_claims hold it; `source` is `user`
    for the user's own, or the name of the role it comes with."""

    type: str
    value: str
    source: str
    created_at: datetime


class UserReader(Protocol):
    def get(self, user_id: UUID) -> UserProfileView | None: ...

    def logins(self, user_id: UUID) -> list[ExternalLoginView]: ...

    def claims(self, user_id: UUID) -> list[ClaimView]: ...

    def role_claims(self, role: str) -> list[ClaimView]: ...


@dataclass(frozen=True, kw_only=True)
class UserAccountView:
    """An account as an Admin sees it: roles, state, failed log-ins."""

    id: UUID
    email: str
    display_name: str
    roles: list[str]
    disabled: bool
    access_failed_count: int
    lockout_end: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, kw_only=True)
class UserAccountPage:
    items: list[UserAccountView]
    total: int
    limit: int
    offset: int


class UserAccountReader(Protocol):
    def account(self, user_id: UUID) -> UserAccountView | None: ...

    def accounts(self, *, search: str | None, limit: int, offset: int) -> UserAccountPage: ...


@dataclass(frozen=True, kw_only=True)
class ApiKeyView:
    """A user's API key as identity.api_keys holds it: never the key, only its first
    characters, to tell keys apart."""

    id: UUID
    owner_id: UUID
    name: str
    scope: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None
    version: int


class ApiKeyReader(Protocol):
    def keys_of(self, owner_id: UUID) -> list[ApiKeyView]: ...

    def key(self, key_id: UUID, *, owner_id: UUID) -> ApiKeyView | None: ...

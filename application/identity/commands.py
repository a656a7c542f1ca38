"""Commands of the identity context."""

from dataclasses import dataclass
from uuid import UUID

from domain.shared.meta import Meta
from domain.users.model import Role


@dataclass(frozen=True, kw_only=True)
class RegisterUser:
    email: str
    password: str
    display_name: str | None
    meta: Meta
    first_user_becomes_admin: bool = False
    invitation: str | None = None


@dataclass(frozen=True, kw_only=True)
class CreateAdmin:
    email: str
    password: str
    meta: Meta


@dataclass(frozen=True, kw_only=True)
class GrantRole:
    user_id: UUID
    role: Role
    meta: Meta


@dataclass(frozen=True, kw_only=True)
class UpdateProfile:
    user_id: UUID
    display_name: str
    avatar_url: str
    timezone: str
    meta: Meta
    expected_version: int | None = None
    language: str | None = None  # None: unchanged


@dataclass(frozen=True, kw_only=True)
class ChangePassword:
    user_id: UUID
    current_password: str
    new_password: str
    meta: Meta


@dataclass(frozen=True, kw_only=True)
class RevokeRole:
    user_id: UUID
    role: Role
    by_user_id: UUID
    meta: Meta


@dataclass(frozen=True, kw_only=True)
class DisableUser:
    user_id: UUID
    by_user_id: UUID
    meta: Meta


@dataclass(frozen=True, kw_only=True)
class EnableUser:
    user_id: UUID
    meta: Meta


@dataclass(frozen=True, kw_only=True)
class CreateInvitation:
    email: str | None
    valid_days: int
    meta: Meta


@dataclass(frozen=True, kw_only=True)
class RevokeInvitation:
    invitation_id: UUID
    meta: Meta


@dataclass(frozen=True, kw_only=True)
class CreateApiKey:
    owner_id: UUID
    name: str
    scope: str
    valid_days: int
    meta: Meta


@dataclass(frozen=True, kw_only=True)
class RevokeApiKey:
    key_id: UUID
    owner_id: UUID
    meta: Meta

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


class UserReader(Protocol):
    def get(self, user_id: UUID) -> UserProfileView | None: ...

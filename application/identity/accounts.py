"""An account as the rest of Testament needs it after authentication."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.users.model import User


@dataclass(frozen=True, kw_only=True)
class Account:
    """An account as the rest of Testament needs it after authentication."""

    id: UUID
    email: str
    display_name: str
    roles: list[str]
    security_stamp: str
    version: int
    disabled: bool = False
    access_failed_count: int = 0
    lockout_end: datetime | None = None
    two_factor_enabled: bool = False


def account_of(user: User) -> Account:
    return Account(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        roles=list(user.roles),
        security_stamp=user.security_stamp,
        version=user.version,
        disabled=user.disabled,
        access_failed_count=user.access_failed_count,
        lockout_end=user.lockout_end,
        two_factor_enabled=user.two_factor_enabled,
    )

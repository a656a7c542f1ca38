"""What the users read model can be told to do."""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True, kw_only=True)
class UserRow:
    """A row of identity.users (the ERD's columns Testament fills)."""

    id: UUID
    user_name: str
    email: str
    password_hash: str
    security_stamp: str
    created_date_time: datetime
    row_version: int


@dataclass(frozen=True, kw_only=True)
class ProfileRow:
    """A row of identity.user_profiles."""

    user_id: UUID
    display_name: str
    avatar_url: str
    timezone: str
    at: datetime
    row_version: int


class UsersView(ABC):
    """identity.users, identity.user_roles and identity.user_profiles."""

    @abstractmethod
    def insert_user(self, row: UserRow) -> None: ...

    @abstractmethod
    def change_credentials(
        self, user_id: UUID, *, password_hash: str, security_stamp: str, at: datetime, version: int
    ) -> None: ...

    @abstractmethod
    def add_role(self, user_id: UUID, role: str, *, at: datetime, version: int) -> None: ...

    @abstractmethod
    def put_profile(self, row: ProfileRow) -> None: ...

    @abstractmethod
    def remove_role(self, user_id: UUID, role: str, *, at: datetime, version: int) -> None: ...

    @abstractmethod
    def set_access_failures(
        self,
        user_id: UUID,
        *,
        access_failed_count: int,
        lockout_end: datetime | None,
        at: datetime,
        version: int,
    ) -> None: ...

    @abstractmethod
    def set_disabled(
        self, user_id: UUID, disabled: bool, *, at: datetime, version: int
    ) -> None: ...

    @abstractmethod
    def set_email_confirmed(self, user_id: UUID, *, at: datetime, version: int) -> None: ...

    @abstractmethod
    def touch(self, user_id: UUID, *, at: datetime, version: int) -> None:
        """Record an event that changes no column (a token issued): the version moves on."""

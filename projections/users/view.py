"""What the users read model can be told to do."""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

# identity.user_tokens names, as ASP.NET Identity's authenticator store names them.
TOKEN_PROVIDER = "[AspNetUserStore]"
AUTHENTICATOR_KEY = "AuthenticatorKey"  # the TOTP secret, sealed (pending until enabled)
RECOVERY_CODES = "RecoveryCodes"  # the SHA-256 of each unused code
RECOVERY_CODE_SEPARATOR = ";"
# The column of identity.users a provider's subject also fills, by provider kind.
SUBJECT_COLUMNS = {"auth0": "auth0_user_id", "azure-ad-b2c": "azure_ad_b2c_user_id"}


@dataclass(frozen=True, kw_only=True)
class ClaimOwner:
    """Whose claim: a user (by id) or a role (by name)."""

    user_id: UUID | None = None
    role: str | None = None


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
    def set_language(self, user_id: UUID, language: str, *, at: datetime, version: int) -> None:
        """The profile's language (not in the ERD: the seed has no place for it)."""

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
    def put_user_token(
        self, user_id: UUID, name: str, value: str, *, at: datetime, version: int
    ) -> None:
        """identity.user_tokens: one value per (user, provider Testament, name)."""

    @abstractmethod
    def spend_recovery_code(
        self, user_id: UUID, code_hash: str, *, at: datetime, version: int
    ) -> None: ...

    @abstractmethod
    def set_two_factor(self, user_id: UUID, enabled: bool, *, at: datetime, version: int) -> None:
        """identity.users.two_factor_enabled; turning it off deletes the user's tokens."""

    @abstractmethod
    def add_login(
        self,
        user_id: UUID,
        *,
        provider: str,
        kind: str,
        subject: str,
        display_name: str,
        at: datetime,
        version: int,
    ) -> None:
        """identity.user_logins, and the subject in auth0_user_id or azure_ad_b2c_user_id
        for those kinds of provider."""

    @abstractmethod
    def remove_login(
        self, user_id: UUID, *, provider: str, kind: str, at: datetime, version: int
    ) -> None: ...

    @abstractmethod
    def add_claim(
        self, owner: ClaimOwner, claim_type: str, value: str, *, at: datetime, version: int
    ) -> None:
        """identity.user_claims (a user's) or identity.role_claims (a role's)."""

    @abstractmethod
    def remove_claim(
        self, owner: ClaimOwner, claim_type: str, value: str, *, at: datetime, version: int
    ) -> None: ...

    @abstractmethod
    def set_email_confirmed(self, user_id: UUID, *, at: datetime, version: int) -> None: ...

    @abstractmethod
    def set_phone_number(
        self,
        user_id: UUID,
        phone_number: str | None,
        *,
        confirmed: bool,
        at: datetime,
        version: int,
    ) -> None:
        """identity.users phone_number and phone_number_confirmed."""

    @abstractmethod
    def touch(self, user_id: UUID, *, at: datetime, version: int) -> None:
        """Record an event that changes no column (a token issued): the version moves on."""

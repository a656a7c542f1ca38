"""The User aggregate: an account that owns projects, and its e-mail claim."""

from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.shared.errors import ConflictError, InvalidValueError
from domain.shared.meta import Meta
from domain.shared.values import require_email, require_text


class Role(StrEnum):
    """A role from the seed data: every user is a User, some are Admins."""

    ADMIN = "Admin"
    USER = "User"


MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256


def require_password(password: str) -> str:
    """This function will refuse a password that is too short or too long to be sane."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidValueError("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidValueError("password", f"must be at most {MAX_PASSWORD_LENGTH} characters")
    return password


class User(Aggregate):
    """A person with an account: credentials, roles and a profile."""

    class Registered(Aggregate.Created):
        email: str
        user_name: str
        display_name: str
        password_hash: str
        roles: list[str]
        security_stamp: str
        meta: Meta

    @event(Registered)
    def __init__(
        self,
        *,
        email: str,
        user_name: str,
        display_name: str,
        password_hash: str,
        roles: list[str],
        security_stamp: str,
        meta: Meta,
    ) -> None:
        self.email = email
        self.user_name = user_name
        self.password_hash = password_hash
        self.roles = list(roles)
        self.security_stamp = security_stamp
        self.email_confirmed = False
        self.display_name = display_name
        self.avatar_url = ""
        self.timezone = "UTC"

    @staticmethod
    def normalize(email: str) -> str:
        """This function will give the form of an address used to compare two of them."""
        return require_email(email).upper()

    class PasswordChanged(Aggregate.Event):
        password_hash: str
        security_stamp: str
        meta: Meta

    @event(PasswordChanged)
    def change_password(self, *, password_hash: str, security_stamp: str, meta: Meta) -> None:
        self.password_hash = password_hash
        self.security_stamp = security_stamp

    class RoleGranted(Aggregate.Event):
        role: str
        meta: Meta

    def grant_role(self, *, role: Role, meta: Meta) -> None:
        """This function will give the user a role, refusing one already held."""
        if role in self.roles:
            raise ConflictError(f"the user already has the role {role}")
        self._grant_role(role=str(role), meta=meta)

    @event(RoleGranted)
    def _grant_role(self, *, role: str, meta: Meta) -> None:
        self.roles.append(role)

    class ProfileUpdated(Aggregate.Event):
        display_name: str
        avatar_url: str
        timezone: str
        meta: Meta

    def update_profile(
        self, *, display_name: str, avatar_url: str, timezone: str, meta: Meta
    ) -> None:
        """This function will change the user's display name, avatar and time zone."""
        self._update_profile(
            display_name=require_text("display_name", display_name, max_length=100),
            avatar_url=require_text("avatar_url", avatar_url, max_length=2048, allow_empty=True),
            timezone=require_text("timezone", timezone, max_length=64),
            meta=meta,
        )

    @event(ProfileUpdated)
    def _update_profile(
        self, *, display_name: str, avatar_url: str, timezone: str, meta: Meta
    ) -> None:
        self.display_name = display_name
        self.avatar_url = avatar_url
        self.timezone = timezone

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles


class EmailClaim(Aggregate):
    """The claim of one e-mail address by one user.

    Its id is derived from the normalised address, so two registrations of the same
    address collide in the event store, which enforces uniqueness without a read model.
    """

    class Claimed(Aggregate.Created):
        normalized_email: str
        user_id: UUID

    @event(Claimed)
    def __init__(self, *, normalized_email: str, user_id: UUID) -> None:
        self.normalized_email = normalized_email
        self.user_id = user_id

    @staticmethod
    def create_id(normalized_email: str, **_: object) -> UUID:
        return email_claim_id(normalized_email)


def email_claim_id(normalized_email: str) -> UUID:
    """This function will give the id of the claim of a normalised address."""
    return uuid5(NAMESPACE_URL, f"testament:email:{normalized_email}")


FIRST_USER_MARKER_ID = uuid5(NAMESPACE_URL, "testament:first-user")


class FirstUserMarker(Aggregate):
    """The record that some account was the first one, made Admin in embedded mode."""

    class Marked(Aggregate.Created):
        user_id: UUID

    @event(Marked)
    def __init__(self, *, user_id: UUID) -> None:
        self.user_id = user_id

    @staticmethod
    def create_id(**_: object) -> UUID:
        return FIRST_USER_MARKER_ID

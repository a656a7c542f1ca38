"""The identity context: accounts, credentials and roles."""

import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, CanCreateTimestamp
from eventsourcing.persistence import IntegrityError

from application.identity.admin import AccountAdministration
from application.identity.commands import (
    ChangePassword,
    CreateAdmin,
    RegisterUser,
    UpdateProfile,
)
from application.identity.errors import (
    AccountDisabledError,
    AccountLockedError,
    EmailTakenError,
    InvalidCredentialsError,
    InvitationRequiredError,
    RegistrationClosedError,
)
from application.identity.policy import LockoutPolicy, RegistrationMode
from application.identity.ports import Clock, PasswordHasher
from application.shared.base import (
    ConcurrentChangeError,
    Written,
    require_version,
)
from domain.shared.errors import ConflictError
from domain.shared.meta import Meta, system_meta
from domain.shared.values import require_text
from domain.users.model import (
    FIRST_USER_MARKER_ID,
    EmailClaim,
    FirstUserMarker,
    Invitation,
    Role,
    User,
    email_claim_id,
    invitation_id,
    require_password,
)


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


def _account(user: User) -> Account:
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
    )


class _EventClock:
    """The clock events take their timestamps from, when no other is given."""

    def now(self) -> datetime:
        return CanCreateTimestamp.create_timestamp()


class IdentityApplication(AccountAdministration):
    """Registers accounts, checks credentials and manages roles."""

    name = "identity"
    # The deployment's choices; bootstrap sets them from the settings.
    registration = RegistrationMode.OPEN
    lockout = LockoutPolicy()

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        hasher: PasswordHasher | None = None,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(env)
        self._hasher = hasher
        self.clock: Clock = clock or _EventClock()

    @property
    def hasher(self) -> PasswordHasher:
        if self._hasher is None:
            raise RuntimeError("this IdentityApplication was built without a password hasher")
        return self._hasher

    def register_user(self, cmd: RegisterUser) -> Written:
        """This function will open an account.

        Raises RegistrationClosedError, InvitationRequiredError (the deployment's
        registration mode), InvalidValueError for a bad e-mail or password, EmailTakenError
        when the address is in use.
        """
        if self.registration == RegistrationMode.CLOSED:
            raise RegistrationClosedError(
                "this deployment does not open accounts itself; ask an Admin"
            )
        invitation = (
            self._invitation(cmd.invitation)
            if self.registration == RegistrationMode.INVITE_ONLY
            else None
        )
        roles = [Role.USER.value]
        User.normalize(cmd.email)  # a bad address is refused as such, not as a display name
        display_name = require_text(
            "display_name", cmd.display_name or cmd.email.split("@")[0], max_length=100
        )
        if cmd.first_user_becomes_admin and not self._has_first_user():
            try:
                return self._register(
                    cmd.email,
                    cmd.password,
                    display_name,
                    [*roles, Role.ADMIN.value],
                    cmd,
                    True,
                    invitation,
                )
            except EmailTakenError:
                raise
            except ConcurrentChangeError:
                pass  # another account became the first one meanwhile
        return self._register(cmd.email, cmd.password, display_name, roles, cmd, False, invitation)

    def _invitation(self, code: str | None) -> Invitation:
        if not code:
            raise InvitationRequiredError("registration here is by invitation: send its code")
        try:
            invitation: Invitation = self.repository.get(invitation_id(code))
        except Exception:
            raise InvitationRequiredError("the invitation is not known") from None
        return invitation

    def head_position(self) -> int:
        """This function will give the identity log's last position."""
        return self.recorder.max_notification_id() or 0

    def create_admin(self, cmd: CreateAdmin) -> Written:
        """This function will open an Admin account, or make an existing account Admin.

        Raises InvalidCredentialsError when the account exists and the password does not match.
        """
        normalized = User.normalize(cmd.email)
        if self._claim_exists(normalized):
            account = self.authenticate(cmd.email, cmd.password, meta=cmd.meta)
            user: User = self.repository.get(account.id)
            if not user.is_admin:
                user.grant_role(role=Role.ADMIN, meta=cmd.meta)
            return self.written(user)
        name = cmd.email.split("@")[0]
        return self._register(
            cmd.email, cmd.password, name, [Role.USER.value, Role.ADMIN.value], cmd, False
        )

    def _register(
        self,
        email: str,
        password: str,
        display_name: str,
        roles: list[str],
        cmd: RegisterUser | CreateAdmin,
        mark_first: bool,
        invitation: Invitation | None = None,
    ) -> Written:
        normalized = User.normalize(email)
        require_password(password)
        user = User(
            email=email.strip(),
            user_name=email.strip(),
            display_name=display_name,
            password_hash=self.hasher.hash(password),
            roles=roles,
            security_stamp=secrets.token_hex(16),
            meta=cmd.meta,
        )
        if display_name != user.display_name:
            user.update_profile(
                display_name=display_name, avatar_url="", timezone="UTC", meta=cmd.meta
            )
        claim = EmailClaim(normalized_email=normalized, user_id=user.id)
        extra: list[Aggregate] = [FirstUserMarker(user_id=user.id)] if mark_first else []
        if invitation is not None:
            try:
                invitation.accept(email=email, user_id=user.id, at=self.clock.now(), meta=cmd.meta)
            except ConflictError as error:
                raise InvitationRequiredError(error.message) from None
            extra.append(invitation)
        try:
            return self.written(user, claim, *extra)
        except ConcurrentChangeError:
            if self._claim_exists(normalized):
                raise EmailTakenError(
                    "an account with this e-mail address already exists"
                ) from None
            raise

    def authenticate(self, email: str, password: str, *, meta: Meta | None = None) -> Account:
        """This function will return the account whose credentials these are.

        Raises InvalidCredentialsError otherwise, after the same work either way, so the
        time taken does not tell whether the address exists; a wrong password counts
        against the account (AccessFailed), and the last one allowed locks it out.
        Raises AccountLockedError while it is locked out (even for the right password),
        AccountDisabledError for the right password of a disabled account.
        """
        meta = meta or system_meta("log-in")
        try:
            normalized = User.normalize(email)
            claim: EmailClaim = self.repository.get(email_claim_id(normalized))
            user: User = self.repository.get(claim.user_id)
        except Exception:
            self.hasher.verify(_DUMMY_HASH_SOURCE.get(self.hasher), password)
            raise InvalidCredentialsError("the e-mail address or the password is wrong") from None
        now = self.clock.now()
        until = user.locked_out_until(now)
        if until is not None:
            raise AccountLockedError(max(1, math.ceil((until - now).total_seconds())))
        if not self.hasher.verify(user.password_hash, password):
            self._update_on_log_in(
                user.id,
                lambda u: u.record_failed_access(
                    at=now,
                    max_failures=self.lockout.max_failures,
                    lockout=self.lockout.duration,
                    meta=meta,
                ),
            )
            raise InvalidCredentialsError("the e-mail address or the password is wrong")
        if user.disabled:
            raise AccountDisabledError("this account is disabled; ask an Admin")
        self._update_on_log_in(user.id, lambda u: u.reset_access_failures(meta=meta))
        return _account(user)

    def _update_on_log_in(self, user_id: UUID, change: Callable[[User], None]) -> None:
        """This function will apply a change to the latest version of a user and save it,
        again on a race with another log-in (a count must not be lost)."""
        for _ in range(5):
            user: User = self.repository.get(user_id)
            change(user)
            if not user.pending_events:
                return
            try:
                self.save(user)
                return
            except IntegrityError:
                continue

    def active_account(self, user_id: UUID) -> Account:
        """This function will return an account that may hold a session.

        Raises NotFoundError, AccountDisabledError.
        """
        account = self.get_account(user_id)
        if account.disabled:
            raise AccountDisabledError("this account is disabled; ask an Admin")
        return account

    def get_account(self, user_id: UUID) -> Account:
        """This function will return an account by id. Raises NotFoundError."""
        return _account(self._user(user_id))

    def update_profile(self, cmd: UpdateProfile) -> Written:
        """This function will change a user's profile. Raises NotFoundError, InvalidValueError."""
        user = self._user(cmd.user_id)
        require_version(user, cmd.expected_version)
        user.update_profile(
            display_name=cmd.display_name,
            avatar_url=cmd.avatar_url,
            timezone=cmd.timezone,
            meta=cmd.meta,
        )
        return self.written(user)

    def change_password(self, cmd: ChangePassword) -> Written:
        """This function will replace a password, after checking the current one.

        Raises InvalidCredentialsError, InvalidValueError.
        """
        user = self._user(cmd.user_id)
        if not self.hasher.verify(user.password_hash, cmd.current_password):
            raise InvalidCredentialsError("the current password is wrong")
        require_password(cmd.new_password)
        user.change_password(
            password_hash=self.hasher.hash(cmd.new_password),
            security_stamp=secrets.token_hex(16),
            meta=cmd.meta,
        )
        return self.written(user)

    def _claim_exists(self, normalized_email: str) -> bool:
        return any(True for _ in self.events.get(email_claim_id(normalized_email), limit=1))

    def _has_first_user(self) -> bool:
        return any(True for _ in self.events.get(FIRST_USER_MARKER_ID, limit=1))


class _DummyHashes:
    """A hash of a random password per hasher, to spend the same time on unknown addresses."""

    def __init__(self) -> None:
        self._by_hasher: dict[int, str] = {}

    def get(self, hasher: PasswordHasher) -> str:
        key = id(hasher)
        if key not in self._by_hasher:
            self._by_hasher[key] = hasher.hash(uuid4().hex)
        return self._by_hasher[key]


_DUMMY_HASH_SOURCE = _DummyHashes()

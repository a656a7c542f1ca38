"""The identity context: accounts, credentials and roles."""

import secrets
from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, CanCreateTimestamp

from application.identity.api_keys import ApiKeys
from application.identity.commands import (
    CreateAdmin,
    RegisterUser,
    UpdateProfile,
)
from application.identity.errors import (
    EmailTakenError,
    InvitationRequiredError,
    RegistrationClosedError,
)
from application.identity.external import ExternalSignIn
from application.identity.phones import PhoneNumbers
from application.identity.policy import RegistrationMode
from application.identity.ports import Clock, OneTimePasswords, PasswordHasher, SecretSealer
from application.identity.tokens import AccountTokens
from application.shared.base import (
    ConcurrentChangeError,
    Written,
    require_version,
)
from domain.shared.values import require_text
from domain.users.model import (
    FIRST_USER_MARKER_ID,
    EmailClaim,
    FirstUserMarker,
    Invitation,
    InvitationUnusableError,
    Role,
    User,
    invitation_id,
    require_password,
)


class _EventClock:
    """The clock events take their timestamps from, when no other is given."""

    def now(self) -> datetime:
        return CanCreateTimestamp.create_timestamp()


class IdentityApplication(ExternalSignIn, ApiKeys, AccountTokens, PhoneNumbers):
    """Registers accounts, checks credentials and manages roles."""

    name = "identity"
    # The deployment's choices; bootstrap sets them from the settings.
    registration = RegistrationMode.OPEN
    # When set (bootstrap: the config context's runtime setting), asked at each registration.
    registration_source: Callable[[], RegistrationMode] | None = None

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        hasher: PasswordHasher | None = None,
        clock: Clock | None = None,
        one_time_passwords: OneTimePasswords | None = None,
        sealer: SecretSealer | None = None,
    ) -> None:
        super().__init__(env)
        self._hasher = hasher
        self._otp, self._sealer = one_time_passwords, sealer
        self.clock: Clock = clock or _EventClock()

    def register_user(self, cmd: RegisterUser) -> Written:
        """This function will open an account.

        Raises RegistrationClosedError, InvitationRequiredError (the deployment's
        registration mode), InvalidValueError for a bad e-mail or password, EmailTakenError
        when the address is in use.
        """
        mode = self.registration_source() if self.registration_source else self.registration
        if mode == RegistrationMode.CLOSED:
            raise RegistrationClosedError(
                "this deployment does not open accounts itself; ask an Admin"
            )
        invitation = (
            self._invitation(cmd.invitation) if mode == RegistrationMode.INVITE_ONLY else None
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
            except InvitationUnusableError as error:
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
        if cmd.language is not None:
            user.choose_language(language=cmd.language, meta=cmd.meta)
        return self.written(user)

    def profile_language(self, user_id: UUID) -> str | None:
        """This function will give the language a user chose in their profile, if any."""
        try:
            user: User = self.repository.get(user_id)
        except AggregateNotFoundError:
            return None
        language: str | None = getattr(user, "language", None)
        return language

    def _has_first_user(self) -> bool:
        return any(True for _ in self.events.get(FIRST_USER_MARKER_ID, limit=1))

"""The User aggregate: an account that owns projects, and its e-mail claim."""

import hashlib
import hmac
import re
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.shared.errors import ConflictError, InvalidValueError, TokenNotValidError
from domain.shared.meta import Meta
from domain.shared.values import require_email, require_text
from domain.users.claims import ClaimSet
from domain.users.external_logins import LastSignInMethodError, LoginNotLinkedError
from domain.users.two_factor import (
    CodeAlreadyUsedError,
    TwoFactorAlreadyEnabledError,
    TwoFactorNotEnabledError,
    TwoFactorNotStartedError,
)


class RoleAlreadyGrantedError(ConflictError):
    """A role given to a user who already has it."""


class RoleNotHeldError(ConflictError):
    """A role taken from a user who does not have it, or the role User, which every account keeps."""


class AccountAlreadyDisabledError(ConflictError):
    """Disabling an account that is already disabled."""


class AccountNotDisabledError(ConflictError):
    """Enabling an account that is not disabled."""


class NoPhoneNumberError(ConflictError):
    """A code asked for an account without a phone number: the account's state refuses it."""


class InvitationUnusableError(ConflictError):
    """An invitation already used, revoked or expired, or one for another address."""


class Role(StrEnum):
    """A role from the seed data: every user is a User, some are Admins."""

    ADMIN = "Admin"
    USER = "User"


MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
# The languages Testament speaks (the seed's): a profile may choose one.
PROFILE_LANGUAGES = ("en", "vi")
PHONE_NUMBER = re.compile(r"^\+[1-9][0-9]{7,14}$")


def require_password(password: str) -> str:
    """This function will refuse a password that is too short or too long to be sane."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidValueError("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidValueError("password", f"must be at most {MAX_PASSWORD_LENGTH} characters")
    return password


class User(Aggregate, ClaimSet):
    """A person with an account: credentials, roles and a profile."""

    # Two-factor state, as class defaults so accounts recorded before it existed read as
    # "off" without an upcast (no event of theirs sets them).
    two_factor_enabled = False
    pending_totp_secret: str | None = None
    totp_secret: str | None = None  # sealed by the application, never plain text
    last_totp_step = -1
    recovery_code_hashes: tuple[str, ...] = ()
    # (provider, subject, display name) of each identity provider that signs in here.
    external_logins: tuple[tuple[str, str, str], ...] = ()
    claims: tuple[tuple[str, str], ...] = ()  # (type, value), identity.user_claims
    # The phone number SMS notices go to, once a code sent to it came back (class defaults:
    # accounts recorded before phone numbers existed replay without them).
    phone_number: str | None = None
    phone_number_confirmed = False
    phone_code: dict[str, str] | None = None  # the SHA-256 of the code pending, its expiry

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
        self.access_failed_count = 0
        self.lockout_end: datetime | None = None
        self.disabled = False
        self.confirmation_token: dict[str, str] | None = None
        self.reset_token: dict[str, str] | None = None

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

    class EmailConfirmationRequested(Aggregate.Event):
        token_hash: str
        expires_at: str
        meta: Meta

    @event(EmailConfirmationRequested)
    def request_email_confirmation(self, *, token_hash: str, expires_at: str, meta: Meta) -> None:
        # Only the SHA-256 of a token is kept; a new request replaces the previous one.
        self.confirmation_token = {"hash": token_hash, "expires_at": expires_at}

    class EmailConfirmed(Aggregate.Event):
        meta: Meta

    def confirm_email(self, *, token_hash: str, now: str, meta: Meta) -> None:
        """This function will mark the address confirmed with the token sent to it, once,
        before it expires. Raises InvalidValueError('token', ...)."""
        # Accounts registered before tokens existed replay without the attribute.
        _require_token(getattr(self, "confirmation_token", None), token_hash, now)
        self._confirm_email(meta=meta)

    @event(EmailConfirmed)
    def _confirm_email(self, *, meta: Meta) -> None:
        self.email_confirmed = True
        self.confirmation_token = None

    class PasswordResetRequested(Aggregate.Event):
        token_hash: str
        expires_at: str
        meta: Meta

    @event(PasswordResetRequested)
    def request_password_reset(self, *, token_hash: str, expires_at: str, meta: Meta) -> None:
        self.reset_token = {"hash": token_hash, "expires_at": expires_at}

    class PasswordReset(Aggregate.Event):
        password_hash: str
        security_stamp: str
        meta: Meta

    def reset_password(
        self, *, token_hash: str, now: str, password_hash: str, security_stamp: str, meta: Meta
    ) -> None:
        """This function will set a new password with the token sent for it, once, before it
        expires; the failed log-ins counted so far are forgotten. Raises InvalidValueError."""
        _require_token(getattr(self, "reset_token", None), token_hash, now)
        self._reset_password(password_hash=password_hash, security_stamp=security_stamp, meta=meta)

    @event(PasswordReset)
    def _reset_password(self, *, password_hash: str, security_stamp: str, meta: Meta) -> None:
        self.password_hash, self.security_stamp = password_hash, security_stamp
        self.reset_token = None
        self.access_failed_count = 0
        self.lockout_end = None

    class PhoneNumberChanged(Aggregate.Event):
        phone_number: str | None
        meta: Meta

    def change_phone_number(self, *, phone_number: str | None, meta: Meta) -> bool:
        """This function will set (E.164) or remove the account's phone number, unconfirmed
        until a code sent to it comes back; False when it is the number already there.
        Raises InvalidValueError('phone_number')."""
        number = require_phone_number(phone_number) if phone_number is not None else None
        if number == self.phone_number:
            return False
        self._change_phone_number(phone_number=number, meta=meta)
        return True

    @event(PhoneNumberChanged)
    def _change_phone_number(self, *, phone_number: str | None, meta: Meta) -> None:
        self.phone_number, self.phone_number_confirmed = phone_number, False
        self.phone_code = None

    class PhoneConfirmationRequested(Aggregate.Event):
        code_hash: str
        expires_at: str
        meta: Meta

    def request_phone_confirmation(self, *, code_hash: str, expires_at: str, meta: Meta) -> None:
        """This function will record the code sent to the phone number (a new one replaces
        the last). Raises InvalidValueError('phone_number') when there is none."""
        if self.phone_number is None:
            raise NoPhoneNumberError("no phone number is set: PUT /me/phone-number first")
        self._request_phone_confirmation(code_hash=code_hash, expires_at=expires_at, meta=meta)

    @event(PhoneConfirmationRequested)
    def _request_phone_confirmation(self, *, code_hash: str, expires_at: str, meta: Meta) -> None:
        self.phone_code = {"hash": code_hash, "expires_at": expires_at}

    class PhoneNumberConfirmed(Aggregate.Event):
        phone_number: str
        meta: Meta

    def confirm_phone_number(self, *, code_hash: str, now: str, meta: Meta) -> None:
        """This function will mark the phone number confirmed with the code sent to it, once,
        before it expires. Raises InvalidValueError('code', ...)."""
        _require_token(self.phone_code, code_hash, now, field="code")
        self._confirm_phone_number(phone_number=self.phone_number or "", meta=meta)

    @event(PhoneNumberConfirmed)
    def _confirm_phone_number(self, *, phone_number: str, meta: Meta) -> None:
        self.phone_number_confirmed, self.phone_code = True, None

    class RoleGranted(Aggregate.Event):
        role: str
        meta: Meta

    def grant_role(self, *, role: Role, meta: Meta) -> None:
        """This function will give the user a role, refusing one already held."""
        if role in self.roles:
            raise RoleAlreadyGrantedError(f"the user already has the role {role}")
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

    class LanguageChosen(Aggregate.Event):
        language: str
        meta: Meta

    def choose_language(self, *, language: str, meta: Meta) -> None:
        """This function will set the language of the user's e-mails and answers (en or vi),
        used when a request names none (no Accept-Language)."""
        if language not in PROFILE_LANGUAGES:
            raise InvalidValueError("language", f"must be one of {', '.join(PROFILE_LANGUAGES)}")
        if language != getattr(self, "language", None):
            self._choose_language(language=language, meta=meta)

    @event(LanguageChosen)
    def _choose_language(self, *, language: str, meta: Meta) -> None:
        self.language = language

    class RoleRevoked(Aggregate.Event):
        role: str
        meta: Meta

    def revoke_role(self, *, role: Role, meta: Meta) -> None:
        """This function will take a role from the user, refusing one not held and User."""
        if role == Role.USER:
            raise RoleNotHeldError("every account has the role User; it cannot be revoked")
        if role not in self.roles:
            raise RoleNotHeldError(f"the user does not have the role {role}")
        self._revoke_role(role=str(role), meta=meta)

    @event(RoleRevoked)
    def _revoke_role(self, *, role: str, meta: Meta) -> None:
        self.roles.remove(role)

    class AccessFailed(Aggregate.Event):
        """A log-in with a wrong password; `lockout_end` is set when it locks the account."""

        access_failed_count: int
        lockout_end: datetime | None
        meta: Meta

    def record_failed_access(
        self, *, at: datetime, max_failures: int, lockout: timedelta, meta: Meta
    ) -> None:
        """This function will count a failed log-in, locking the account at the last one
        allowed (and starting the count again, as ASP.NET Identity does)."""
        count = self.access_failed_count + 1
        if count >= max_failures:
            self._access_failed(access_failed_count=0, lockout_end=at + lockout, meta=meta)
        else:
            self._access_failed(access_failed_count=count, lockout_end=self.lockout_end, meta=meta)

    @event(AccessFailed)
    def _access_failed(
        self, *, access_failed_count: int, lockout_end: datetime | None, meta: Meta
    ) -> None:
        self.access_failed_count = access_failed_count
        self.lockout_end = lockout_end

    class AccessFailuresReset(Aggregate.Event):
        """A successful log-in after failed ones: the count and any past lockout are cleared."""

        meta: Meta

    def reset_access_failures(self, *, meta: Meta) -> None:
        """This function will clear the failure count after a log-in, if there is one."""
        if self.access_failed_count or self.lockout_end is not None:
            self._reset_access_failures(meta=meta)

    @event(AccessFailuresReset)
    def _reset_access_failures(self, *, meta: Meta) -> None:
        self.access_failed_count = 0
        self.lockout_end = None

    def locked_out_until(self, at: datetime) -> datetime | None:
        """This function will say until when the account is locked out, if it is at `at`."""
        if self.lockout_end is not None and self.lockout_end > at:
            return self.lockout_end
        return None

    class Disabled(Aggregate.Event):
        meta: Meta

    def disable(self, *, meta: Meta) -> None:
        """This function will stop the account from logging in, refusing a disabled one."""
        if self.disabled:
            raise AccountAlreadyDisabledError("the account is already disabled")
        self._disable(meta=meta)

    @event(Disabled)
    def _disable(self, *, meta: Meta) -> None:
        self.disabled = True

    class Enabled(Aggregate.Event):
        meta: Meta

    def enable(self, *, meta: Meta) -> None:
        """This function will let a disabled account log in again, clearing its lockout."""
        if not self.disabled:
            raise AccountNotDisabledError("the account is not disabled")
        self._enable(meta=meta)

    @event(Enabled)
    def _enable(self, *, meta: Meta) -> None:
        self.disabled = False
        self.access_failed_count = 0
        self.lockout_end = None

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    class ClaimAdded(Aggregate.Event):
        claim_type: str
        value: str
        meta: Meta

    def add_claim(self, *, claim_type: str, value: str, meta: Meta) -> None:
        """This function will give the user a claim, refusing one already held."""
        self._check_add(claim_type, value)
        self._add_claim(claim_type=claim_type, value=value, meta=meta)

    @event(ClaimAdded)
    def _add_claim(self, *, claim_type: str, value: str, meta: Meta) -> None:
        self.claims = (*self.claims, (claim_type, value))

    class ClaimRemoved(Aggregate.Event):
        claim_type: str
        value: str
        meta: Meta

    def remove_claim(self, *, claim_type: str, value: str, meta: Meta) -> None:
        """This function will take a claim from the user, refusing one not held."""
        self._check_remove(claim_type, value)
        self._remove_claim(claim_type=claim_type, value=value, meta=meta)

    @event(ClaimRemoved)
    def _remove_claim(self, *, claim_type: str, value: str, meta: Meta) -> None:
        self.claims = tuple(c for c in self.claims if c != (claim_type, value))

    @property
    def has_password(self) -> bool:
        """An account opened through an identity provider has none until one is set."""
        return bool(self.password_hash)

    class ExternalLoginAdded(Aggregate.Event):
        provider: str
        kind: str  # a ProviderKind: which column of identity.users the subject also fills
        subject: str
        display_name: str
        meta: Meta

    @event(ExternalLoginAdded)
    def add_external_login(
        self, *, provider: str, kind: str, subject: str, display_name: str, meta: Meta
    ) -> None:
        self.external_logins = (*self.external_logins, (provider, subject, display_name))

    class ExternalLoginRemoved(Aggregate.Event):
        provider: str
        kind: str
        subject: str
        meta: Meta

    def remove_external_login(self, *, provider: str, kind: str, meta: Meta) -> str:
        """This function will unlink a provider, refusing the last way to sign in. Returns
        the subject it unlinked."""
        subject = self.external_subject(provider)
        if subject is None:
            raise LoginNotLinkedError(f"the account is not linked to {provider}")
        if not self.has_password and len(self.external_logins) == 1:
            raise LastSignInMethodError(
                "this is the only way to sign in to the account: link another provider first"
            )
        self._remove_external_login(provider=provider, kind=kind, subject=subject, meta=meta)
        return subject

    @event(ExternalLoginRemoved)
    def _remove_external_login(self, *, provider: str, kind: str, subject: str, meta: Meta) -> None:
        self.external_logins = tuple(x for x in self.external_logins if x[0] != provider)

    def external_subject(self, provider: str) -> str | None:
        """This function will give the subject a provider signs in with, if linked."""
        return next((x[1] for x in self.external_logins if x[0] == provider), None)

    class TwoFactorEnrolmentStarted(Aggregate.Event):
        sealed_secret: str
        meta: Meta

    def start_two_factor(self, *, sealed_secret: str, meta: Meta) -> None:
        """This function will keep a new secret until a code from it confirms it; a second
        start replaces the first (a lost QR code), refused once two-factor is on."""
        if self.two_factor_enabled:
            raise TwoFactorAlreadyEnabledError("two-factor authentication is already on")
        self._start_two_factor(sealed_secret=sealed_secret, meta=meta)

    @event(TwoFactorEnrolmentStarted)
    def _start_two_factor(self, *, sealed_secret: str, meta: Meta) -> None:
        self.pending_totp_secret = sealed_secret

    class TwoFactorEnabled(Aggregate.Event):
        recovery_code_hashes: list[str]
        step: int
        meta: Meta

    def enable_two_factor(self, *, step: int, recovery_code_hashes: list[str], meta: Meta) -> None:
        """This function will turn two-factor on with the pending secret, `step` being the
        time step of the code that confirmed it (spent from now on)."""
        if self.two_factor_enabled:
            raise TwoFactorAlreadyEnabledError("two-factor authentication is already on")
        if self.pending_totp_secret is None:
            raise TwoFactorNotStartedError("start an enrolment first: POST /me/two-factor")
        self._enable_two_factor(recovery_code_hashes=recovery_code_hashes, step=step, meta=meta)

    @event(TwoFactorEnabled)
    def _enable_two_factor(self, *, recovery_code_hashes: list[str], step: int, meta: Meta) -> None:
        self.totp_secret = self.pending_totp_secret
        self.pending_totp_secret = None
        self.two_factor_enabled = True
        self.last_totp_step = step
        self.recovery_code_hashes = tuple(recovery_code_hashes)

    class TwoFactorCodeUsed(Aggregate.Event):
        step: int
        meta: Meta

    def spend_code(self, *, step: int, meta: Meta) -> None:
        """This function will spend a time step's code: the step and every earlier one are
        refused from now on, so an observed code cannot be replayed."""
        if not self.two_factor_enabled:
            raise TwoFactorNotEnabledError("two-factor authentication is off for this account")
        if step <= self.last_totp_step:
            raise CodeAlreadyUsedError("this code was already used; wait for the next one")
        self._spend_code(step=step, meta=meta)

    @event(TwoFactorCodeUsed)
    def _spend_code(self, *, step: int, meta: Meta) -> None:
        self.last_totp_step = step

    class RecoveryCodeUsed(Aggregate.Event):
        code_hash: str
        meta: Meta

    def spend_recovery_code(self, *, code_hash: str, meta: Meta) -> None:
        """This function will spend one recovery code (each works once)."""
        if code_hash not in self.recovery_code_hashes:
            raise CodeAlreadyUsedError("this recovery code is not valid or was already used")
        self._spend_recovery_code(code_hash=code_hash, meta=meta)

    @event(RecoveryCodeUsed)
    def _spend_recovery_code(self, *, code_hash: str, meta: Meta) -> None:
        self.recovery_code_hashes = tuple(h for h in self.recovery_code_hashes if h != code_hash)

    class RecoveryCodesReplaced(Aggregate.Event):
        recovery_code_hashes: list[str]
        meta: Meta

    def replace_recovery_codes(self, *, recovery_code_hashes: list[str], meta: Meta) -> None:
        """This function will replace every recovery code (the old ones stop working)."""
        if not self.two_factor_enabled:
            raise TwoFactorNotEnabledError("two-factor authentication is off for this account")
        self._replace_recovery_codes(recovery_code_hashes=recovery_code_hashes, meta=meta)

    @event(RecoveryCodesReplaced)
    def _replace_recovery_codes(self, *, recovery_code_hashes: list[str], meta: Meta) -> None:
        self.recovery_code_hashes = tuple(recovery_code_hashes)

    class TwoFactorDisabled(Aggregate.Event):
        meta: Meta

    def disable_two_factor(self, *, meta: Meta) -> None:
        """This function will turn two-factor off (the application asks a fresh second
        factor first), forgetting the secret and the recovery codes."""
        if not self.two_factor_enabled:
            raise TwoFactorNotEnabledError("two-factor authentication is off for this account")
        self._disable_two_factor(meta=meta)

    @event(TwoFactorDisabled)
    def _disable_two_factor(self, *, meta: Meta) -> None:
        self.two_factor_enabled = False
        self.totp_secret = None
        self.pending_totp_secret = None
        self.recovery_code_hashes = ()


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


def invitation_code_hash(code: str) -> str:
    """This function will give the SHA-256 of an invitation code: the code itself is not kept."""
    return hashlib.sha256(code.encode()).hexdigest()


def invitation_id(code: str) -> UUID:
    """This function will give the id of the invitation a code opens."""
    return uuid5(NAMESPACE_URL, f"testament:invitation:{invitation_code_hash(code)}")


class Invitation(Aggregate):
    """An Admin's invitation to open one account, when registration is by invitation.

    Its id derives from the hash of its secret code, so a registration finds it by the code
    alone, and two registrations with one code collide in the event store.
    """

    class Created(Aggregate.Created):
        code_hash: str
        email: str | None
        expires_at: datetime
        meta: Meta

    @event(Created)
    def __init__(
        self, *, code_hash: str, email: str | None, expires_at: datetime, meta: Meta
    ) -> None:
        self.email = email
        self.expires_at = expires_at
        self.accepted_by: UUID | None = None
        self.revoked = False

    @staticmethod
    def create_id(*, code_hash: str, **_: object) -> UUID:
        return uuid5(NAMESPACE_URL, f"testament:invitation:{code_hash}")

    class Accepted(Aggregate.Event):
        user_id: UUID
        meta: Meta

    def accept(self, *, email: str, user_id: UUID, at: datetime, meta: Meta) -> None:
        """This function will spend the invitation on an account, refusing one that is used,
        revoked, expired or meant for another address."""
        if self.accepted_by is not None or self.revoked or self.expires_at <= at:
            raise InvitationUnusableError("the invitation is used, revoked or expired")
        if self.email is not None and User.normalize(self.email) != User.normalize(email):
            raise InvitationUnusableError("the invitation is for another e-mail address")
        self._accept(user_id=user_id, meta=meta)

    @event(Accepted)
    def _accept(self, *, user_id: UUID, meta: Meta) -> None:
        self.accepted_by = user_id

    class Revoked(Aggregate.Event):
        meta: Meta

    def revoke(self, *, meta: Meta) -> None:
        """This function will withdraw an invitation not yet used."""
        if self.accepted_by is not None or self.revoked:
            raise InvitationUnusableError("the invitation is already used or revoked")
        self._revoke(meta=meta)

    @event(Revoked)
    def _revoke(self, *, meta: Meta) -> None:
        self.revoked = True


def require_phone_number(value: str) -> str:
    """This function will accept a phone number in E.164 form (+, country code, number)."""
    number = value.strip().replace(" ", "")
    if not PHONE_NUMBER.match(number):
        raise InvalidValueError(
            "phone_number", "must be in E.164 form: + then 8 to 15 digits, e.g. +84901234567"
        )
    return number


def _require_token(
    pending: dict[str, str] | None, token_hash: str, now: str, *, field: str = "token"
) -> None:
    """This function will accept a token only if it is the one pending and not expired
    (both times ISO 8601 with an offset)."""
    if (
        not pending
        or not hmac.compare_digest(pending["hash"], token_hash)
        or datetime.fromisoformat(now) >= datetime.fromisoformat(pending["expires_at"])
    ):
        raise TokenNotValidError(field)

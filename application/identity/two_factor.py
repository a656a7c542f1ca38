"""Two-factor authentication: enrolment with a TOTP secret, the second step of a log-in,
recovery codes, and turning it off with a fresh second factor."""

import secrets
from dataclasses import dataclass
from uuid import UUID

from application.identity.accounts import Account, account_of
from application.identity.credentials import Credentials
from application.identity.errors import AccountDisabledError, InvalidSecondFactorError
from application.identity.ports import OneTimePasswords, SecretSealer
from application.shared.base import Written
from domain.shared.meta import Meta
from domain.users.model import User
from domain.users.two_factor import (
    RECOVERY_CODES,
    CodeAlreadyUsedError,
    TwoFactorNotEnabledError,
    recovery_code_hash,
)

ISSUER = "Testament"


@dataclass(frozen=True, kw_only=True)
class Enrolment:
    """What an authenticator app needs, shown once: the secret and its otpauth:// URI."""

    secret: str
    otpauth_uri: str
    written: Written


@dataclass(frozen=True, kw_only=True)
class RecoveryCodes:
    """Single-use codes for a lost authenticator, shown once (only their hashes are kept)."""

    codes: list[str]
    written: Written


def _new_recovery_codes() -> list[str]:
    return [f"{secrets.token_hex(5)[:5]}-{secrets.token_hex(5)[:5]}" for _ in range(RECOVERY_CODES)]


class TwoFactor(Credentials):
    """The identity context's second factor (IdentityApplication sets the ports)."""

    _otp: OneTimePasswords | None = None
    _sealer: SecretSealer | None = None

    def _ports(self) -> tuple[OneTimePasswords, SecretSealer]:
        if self._otp is None or self._sealer is None:
            raise RuntimeError("this IdentityApplication was built without two-factor ports")
        return self._otp, self._sealer

    def start_two_factor(self, user_id: UUID, *, meta: Meta) -> Enrolment:
        """This function will give a new secret to confirm with a code (enable_two_factor).
        Raises NotFoundError, TwoFactorAlreadyEnabledError."""
        otp, sealer = self._ports()
        user = self._user(user_id)
        secret = otp.new_secret()
        user.start_two_factor(sealed_secret=sealer.seal(secret), meta=meta)
        written = self.written(user)
        uri = otp.provisioning_uri(secret, account=user.email, issuer=ISSUER)
        return Enrolment(secret=secret, otpauth_uri=uri, written=written)

    def enable_two_factor(self, user_id: UUID, code: str, *, meta: Meta) -> RecoveryCodes:
        """This function will turn two-factor on once a code of the pending secret matches,
        answering the recovery codes. Raises TwoFactorNotStartedError,
        TwoFactorAlreadyEnabledError, InvalidSecondFactorError."""
        otp, sealer = self._ports()
        user = self._user(user_id)
        step = None
        if user.pending_totp_secret is not None and not user.two_factor_enabled:
            secret = sealer.open(user.pending_totp_secret)
            step = otp.matching_step(secret, code, self.clock.now())
            if step is None:
                raise InvalidSecondFactorError("the code does not match the new secret")
        codes = _new_recovery_codes()
        user.enable_two_factor(
            step=-1 if step is None else step,
            recovery_code_hashes=[recovery_code_hash(c) for c in codes],
            meta=meta,
        )
        return RecoveryCodes(codes=codes, written=self.written(user))

    def second_factor(self, user_id: UUID, code: str, *, meta: Meta) -> Account:
        """This function will finish a log-in with a one-time code or a recovery code, each
        spent once. A wrong code counts as a failed log-in (the lockout applies).

        Raises AccountLockedError, AccountDisabledError, InvalidSecondFactorError,
        TwoFactorNotEnabledError."""
        user = self._user(user_id)
        self._refuse_if_locked(user)
        if user.disabled:
            raise AccountDisabledError("this account is disabled; ask an Admin")
        self._spend(user, code, meta)
        self._update_on_log_in(user.id, lambda u: u.reset_access_failures(meta=meta))
        return account_of(self._user(user_id))

    def _spend(self, user: User, code: str, meta: Meta) -> None:
        """This function will spend a code on the latest version of the user, or count a
        failure and raise InvalidSecondFactorError."""
        otp, sealer = self._ports()
        if not user.two_factor_enabled or user.totp_secret is None:
            raise TwoFactorNotEnabledError("two-factor authentication is off for this account")
        digits = code.strip().replace(" ", "")
        step = (
            otp.matching_step(sealer.open(user.totp_secret), digits, self.clock.now())
            if digits.isdigit()
            else None
        )
        try:
            if step is not None:
                user.spend_code(step=step, meta=meta)
            else:
                user.spend_recovery_code(code_hash=recovery_code_hash(code), meta=meta)
            self.written(user)
            return
        except CodeAlreadyUsedError:
            pass
        self._count_failure(user.id, meta)
        raise InvalidSecondFactorError("the code is wrong or was already used")

    def replace_recovery_codes(self, user_id: UUID, code: str, *, meta: Meta) -> RecoveryCodes:
        """This function will replace the recovery codes after a fresh second factor.
        Raises TwoFactorNotEnabledError, InvalidSecondFactorError, AccountLockedError."""
        user = self._user(user_id)
        self._refuse_if_locked(user)
        self._spend(user, code, meta)
        user = self._user(user_id)
        codes = _new_recovery_codes()
        user.replace_recovery_codes(
            recovery_code_hashes=[recovery_code_hash(c) for c in codes], meta=meta
        )
        return RecoveryCodes(codes=codes, written=self.written(user))

    def disable_two_factor(self, user_id: UUID, code: str, *, meta: Meta) -> Written:
        """This function will turn two-factor off after a fresh second factor (a stolen
        session alone cannot remove it). Raises TwoFactorNotEnabledError,
        InvalidSecondFactorError, AccountLockedError."""
        user = self._user(user_id)
        self._refuse_if_locked(user)
        self._spend(user, code, meta)
        user = self._user(user_id)
        user.disable_two_factor(meta=meta)
        return self.written(user)

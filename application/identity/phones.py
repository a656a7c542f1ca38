"""An account's phone number, where SMS notices go: set, then confirmed with a six-digit
code sent to it by SMS (single use, expiring). Only the SHA-256 of a code (salted with the
account id) is recorded; a new code replaces the last one."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from application.identity.credentials import Credentials
from application.shared.base import Written
from domain.shared.meta import Meta

PHONE_CODE_LIFETIME = timedelta(minutes=10)


@dataclass(frozen=True, kw_only=True)
class IssuedCode:
    """A code to send to a phone number; its plain text exists only here."""

    code: str
    phone_number: str
    expires_in: timedelta


@dataclass(frozen=True, kw_only=True)
class PhoneState:
    phone_number: str | None
    phone_number_confirmed: bool
    version: int


def phone_code_digest(user_id: UUID, code: str) -> str:
    return hashlib.sha256(f"{user_id}:{code.strip()}".encode()).hexdigest()


class PhoneNumbers(Credentials):
    """Sets, confirms and removes the phone numbers of accounts."""

    def phone_state(self, user_id: UUID) -> PhoneState:
        """This function will give an account's phone number and whether it is confirmed.
        Raises NotFoundError."""
        user = self._user(user_id)
        return PhoneState(
            phone_number=user.phone_number,
            phone_number_confirmed=user.phone_number_confirmed,
            version=user.version,
        )

    def change_phone_number(self, user_id: UUID, phone_number: str | None, meta: Meta) -> bool:
        """This function will set or remove an account's phone number (unconfirmed); False
        when it is the number there already. Raises NotFoundError, InvalidValueError."""
        user = self._user(user_id)
        if not user.change_phone_number(phone_number=phone_number, meta=meta):
            return False
        self.written(user)
        return True

    def request_phone_confirmation(self, user_id: UUID, meta: Meta) -> IssuedCode | None:
        """This function will issue a code for the account's phone number, or None when it is
        confirmed already. Raises NotFoundError, InvalidValueError (no number set)."""
        user = self._user(user_id)
        if user.phone_number_confirmed:
            return None
        code = f"{secrets.randbelow(1_000_000):06d}"
        user.request_phone_confirmation(
            code_hash=phone_code_digest(user.id, code),
            expires_at=(self.clock.now() + PHONE_CODE_LIFETIME).isoformat(),
            meta=meta,
        )
        self.written(user)
        return IssuedCode(
            code=code, phone_number=user.phone_number or "", expires_in=PHONE_CODE_LIFETIME
        )

    def confirm_phone_number(self, user_id: UUID, code: str, meta: Meta) -> Written:
        """This function will confirm the phone number the code was sent to. Raises
        NotFoundError, InvalidValueError('code') for a code wrong, used or expired."""
        user = self._user(user_id)
        user.confirm_phone_number(
            code_hash=phone_code_digest(user.id, code), now=self.clock.now().isoformat(), meta=meta
        )
        return self.written(user)

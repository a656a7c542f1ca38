"""Single-use, expiring tokens of an account: confirming its e-mail address and resetting
a forgotten password. A token is `<user id hex>.<random>`; only its SHA-256 is recorded."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from application.identity.credentials import Credentials
from application.shared.base import Written
from domain.shared.errors import NotFoundError, TokenNotValidError
from domain.shared.meta import Meta
from domain.users.model import User, email_claim_id, require_password

CONFIRMATION_LIFETIME = timedelta(days=2)
RESET_LIFETIME = timedelta(hours=1)


@dataclass(frozen=True, kw_only=True)
class IssuedToken:
    """A token to send to an account's address; its plain text exists only here."""

    token: str
    email: str
    display_name: str
    expires_in: timedelta


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccountTokens(Credentials):
    """Issues and redeems the tokens of the identity flows."""

    def request_email_confirmation(self, user_id: UUID, meta: Meta) -> IssuedToken | None:
        """This function will issue a confirmation token, or None when the address is
        confirmed already. Raises NotFoundError."""
        user = self._user(user_id)
        if user.email_confirmed:
            return None
        token = _new_token(user.id)
        user.request_email_confirmation(
            token_hash=token_digest(token),
            expires_at=(self.clock.now() + CONFIRMATION_LIFETIME).isoformat(),
            meta=meta,
        )
        self.written(user)
        return IssuedToken(
            token=token,
            email=user.email,
            display_name=user.display_name,
            expires_in=CONFIRMATION_LIFETIME,
        )

    def confirm_email(self, token: str, meta: Meta) -> Written:
        """This function will confirm the address a token was sent to. Raises
        InvalidValueError('token') for a token unknown, used or expired."""
        user = self._token_owner(token)
        user.confirm_email(
            token_hash=token_digest(token), now=self.clock.now().isoformat(), meta=meta
        )
        return self.written(user)

    def request_password_reset(self, email: str, meta: Meta) -> IssuedToken | None:
        """This function will issue a reset token for an address, or None when no active
        account has it (the caller answers the same either way)."""
        try:
            claim: Any = self.repository.get(email_claim_id(User.normalize(email)))
            user = self._user(claim.user_id)
        except Exception:
            return None
        if user.disabled:
            return None
        token = _new_token(user.id)
        user.request_password_reset(
            token_hash=token_digest(token),
            expires_at=(self.clock.now() + RESET_LIFETIME).isoformat(),
            meta=meta,
        )
        self.written(user)
        return IssuedToken(
            token=token, email=user.email, display_name=user.display_name, expires_in=RESET_LIFETIME
        )

    def reset_password(self, token: str, new_password: str, meta: Meta) -> Written:
        """This function will set a new password with a reset token, once. Raises
        InvalidValueError ('token', or 'password' for one too short or too long)."""
        user = self._token_owner(token)
        require_password(new_password)
        user.reset_password(
            token_hash=token_digest(token),
            now=self.clock.now().isoformat(),
            password_hash=self.hasher.hash(new_password),
            security_stamp=secrets.token_hex(16),
            meta=meta,
        )
        return self.written(user)

    def _token_owner(self, token: str) -> User:
        head, _, _ = token.partition(".")
        try:
            return self._user(UUID(hex=head))
        except (ValueError, NotFoundError):
            raise TokenNotValidError() from None


def _new_token(user_id: UUID) -> str:
    return f"{user_id.hex}.{secrets.token_urlsafe(32)}"

"""API keys: made by a user for a machine, checked on every request that sends one."""

import contextlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from application.identity.accounts import Account
from application.identity.commands import CreateApiKey, RevokeApiKey
from application.identity.credentials import Credentials
from application.shared.base import Written
from domain.api_keys.model import KEY_PREFIX, ApiKey, ApiKeyScope, api_key_hash, api_key_id
from domain.shared.errors import DomainError, NotFoundError

# The longest key the server looks up: anything longer is not one of its keys.
MAX_KEY_LENGTH = 128


class InvalidApiKeyError(DomainError):
    """A key that is unknown, revoked or expired, or whose owner is disabled (401: the same
    answer for each, so the answer does not tell a guessed key from a revoked one)."""


@dataclass(frozen=True, kw_only=True)
class IssuedApiKey:
    """A key just made: the secret, shown once and never again, and where it was written."""

    written: Written
    secret: str
    key: ApiKey


@dataclass(frozen=True, kw_only=True)
class ApiKeyPrincipal:
    """Who a request with a key acts as: the key, its scope and its owner's account."""

    key_id: UUID
    scope: ApiKeyScope
    account: Account


class ApiKeys(Credentials):
    """The identity context's API keys (IdentityApplication sets the clock)."""

    def create_api_key(self, cmd: CreateApiKey) -> IssuedApiKey:
        """This function will make a key for the user, to be shown once.

        Raises InvalidValueError (name, scope, expires_in_days), NotFoundError,
        AccountDisabledError.
        """
        self.active_account(cmd.owner_id)
        secret = KEY_PREFIX + secrets.token_urlsafe(32)
        key = ApiKey.issue(
            owner_id=cmd.owner_id,
            name=cmd.name,
            scope=cmd.scope,
            secret=secret,
            now=self.clock.now(),
            valid_days=cmd.valid_days,
            meta=cmd.meta,
        )
        return IssuedApiKey(written=self.written(key), secret=secret, key=key)

    def revoke_api_key(self, cmd: RevokeApiKey) -> Written:
        """This function will end a key of the user. Raises NotFoundError (no such key, or
        another user's: the answer is the same), ApiKeyRevokedError."""
        key = self._own_key(cmd.key_id, cmd.owner_id)
        key.revoke(meta=cmd.meta)
        return self.written(key)

    def _own_key(self, key_id: UUID, owner_id: UUID) -> ApiKey:
        try:
            key: ApiKey = self.repository.get(key_id)
        except Exception:
            raise NotFoundError("API key not found") from None
        if not isinstance(key, ApiKey) or key.owner_id != owner_id:
            raise NotFoundError("API key not found")
        return key

    def authenticate_api_key(self, secret: str) -> ApiKeyPrincipal:
        """This function will give who a key acts as, recording its use (at most once a
        minute). Raises InvalidApiKeyError."""
        refused = InvalidApiKeyError("the API key is unknown, revoked or expired")
        if not secret.startswith(KEY_PREFIX) or len(secret) > MAX_KEY_LENGTH:
            raise refused
        try:
            key: ApiKey = self.repository.get(api_key_id(api_key_hash(secret)))
        except Exception:
            raise refused from None
        now = self.clock.now()
        if not isinstance(key, ApiKey) or not key.usable_at(now):
            raise refused
        try:
            account = self.active_account(key.owner_id)
        except DomainError:
            raise refused from None
        self._record_use(key, now)
        return ApiKeyPrincipal(key_id=key.id, scope=ApiKeyScope(key.scope), account=account)

    def _record_use(self, key: ApiKey, at: datetime) -> None:
        if key.record_use(at=at):
            # A concurrent request may have recorded this minute's use first.
            with contextlib.suppress(IntegrityError):
                self.save(key)

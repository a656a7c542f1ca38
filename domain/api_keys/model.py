"""The ApiKey aggregate: a named, scoped, expiring key a machine authenticates with.

Only the SHA-256 of the key is kept (a key is 256 random bits, so a fast hash is enough: no
one guesses it, and the hash is what requests are looked up by). The aggregate's id derives
from that hash, so a request finds its key by the key alone, without a read table.
"""

import hashlib
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.shared.errors import ConflictError, InvalidValueError
from domain.shared.meta import Meta
from domain.shared.values import require_text

KEY_PREFIX = "tk_"  # what tells an API key from an access token in `Authorization: Bearer`
MAX_VALID_DAYS = 366
MAX_NAME_LENGTH = 100
# Last use is an event: one per key per interval at most, not one per request.
LAST_USE_INTERVAL = timedelta(minutes=1)


class ApiKeyScope(StrEnum):
    """What a key may do, each including the one before: read < run < write."""

    READ = "read"  # GET: projects, specifications, suites, runs, results
    RUN = "run"  # and queue or cancel runs of suites the owner can see
    WRITE = "write"  # and every other change (never keys, the account or administration)

    def allows(self, needed: "ApiKeyScope") -> bool:
        order = list(ApiKeyScope)
        return order.index(self) >= order.index(needed)


class ApiKeyRevokedError(ConflictError):
    """Revoking a key that is already revoked."""


def api_key_hash(secret: str) -> str:
    """This function will give the SHA-256 of a key: the key itself is not kept."""
    return hashlib.sha256(secret.encode()).hexdigest()


def api_key_id(key_hash: str) -> UUID:
    """This function will give the id of the key with this hash."""
    return uuid5(NAMESPACE_URL, f"testament:api-key:{key_hash}")


def require_valid_days(valid_days: int) -> int:
    if not 1 <= valid_days <= MAX_VALID_DAYS:
        raise InvalidValueError("expires_in_days", f"must be from 1 to {MAX_VALID_DAYS}")
    return valid_days


class ApiKey(Aggregate):
    """A key one user made for a machine: it acts as that user, within its scope."""

    class Created(Aggregate.Created):
        owner_id: UUID
        name: str
        scope: str
        key_hash: str
        prefix: str
        expires_at: datetime
        meta: Meta

    @event(Created)
    def __init__(
        self,
        *,
        owner_id: UUID,
        name: str,
        scope: str,
        key_hash: str,
        prefix: str,
        expires_at: datetime,
        meta: Meta,
    ) -> None:
        self.owner_id = owner_id
        self.name = name
        self.scope = scope
        self.prefix = prefix
        self.expires_at = expires_at
        self.revoked = False
        self.last_used_at: datetime | None = None

    @staticmethod
    def create_id(*, key_hash: str, **_: object) -> UUID:
        return api_key_id(key_hash)

    @classmethod
    def issue(
        cls,
        *,
        owner_id: UUID,
        name: str,
        scope: str,
        secret: str,
        now: datetime,
        valid_days: int,
        meta: Meta,
    ) -> "ApiKey":
        """This function will make a key for `secret`, refusing a bad name, scope or term."""
        try:
            checked_scope = ApiKeyScope(scope)
        except ValueError:
            raise InvalidValueError("scope", "must be read, run or write") from None
        return cls(
            owner_id=owner_id,
            name=require_text("name", name, max_length=MAX_NAME_LENGTH),
            scope=checked_scope.value,
            key_hash=api_key_hash(secret),
            prefix=secret[: len(KEY_PREFIX) + 6],
            expires_at=now + timedelta(days=require_valid_days(valid_days)),
            meta=meta,
        )

    def usable_at(self, at: datetime) -> bool:
        """This function will say whether the key opens requests at `at`."""
        return not self.revoked and at < self.expires_at

    class Revoked(Aggregate.Event):
        meta: Meta

    def revoke(self, *, meta: Meta) -> None:
        """This function will end the key for good, refusing one already revoked."""
        if self.revoked:
            raise ApiKeyRevokedError("the API key is already revoked")
        self._revoke(meta=meta)

    @event(Revoked)
    def _revoke(self, *, meta: Meta) -> None:
        self.revoked = True

    class Used(Aggregate.Event):
        at: datetime

    def record_use(self, *, at: datetime) -> bool:
        """This function will record a use, unless one was recorded less than a minute before
        (says whether it recorded one)."""
        if self.last_used_at is not None and at - self.last_used_at < LAST_USE_INTERVAL:
            return False
        self._used(at=at)
        return True

    @event(Used)
    def _used(self, *, at: datetime) -> None:
        self.last_used_at = at

"""Side effects the identity context needs from the outside."""

from datetime import datetime
from typing import Protocol


class PasswordHasher(Protocol):
    """A slow, salted password hash (argon2 in production)."""

    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...


class Clock(Protocol):
    def now(self) -> datetime: ...


class OneTimePasswords(Protocol):
    """Time-based one-time passwords (RFC 6238: SHA-1, 6 digits, 30 s steps)."""

    def new_secret(self) -> str: ...

    def provisioning_uri(self, secret: str, *, account: str, issuer: str) -> str: ...

    def matching_step(self, secret: str, code: str, at: datetime) -> int | None:
        """The time step whose code this is, within one step either side of `at` (clock
        skew), or None."""
        ...


class SecretSealer(Protocol):
    """Seals secrets kept in events and read tables under the deployment's key."""

    def seal(self, plaintext: str) -> str: ...

    def open(self, sealed: str) -> str: ...

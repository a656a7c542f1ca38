"""Side effects the identity context needs from the outside."""

from datetime import datetime
from typing import Protocol


class PasswordHasher(Protocol):
    """A slow, salted password hash (argon2 in production)."""

    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...


class Clock(Protocol):
    def now(self) -> datetime: ...

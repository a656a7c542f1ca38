"""What the config context needs from outside: sealing sensitive values."""

from typing import Protocol


class SecretBox(Protocol):
    """Encryption of sensitive setting values at rest (seal on write, open on use)."""

    def seal(self, plaintext: str) -> str: ...

    def open(self, sealed: str) -> str: ...

"""Where file bytes are kept."""

from typing import Protocol


class FileStore(Protocol):
    """Content-addressed bytes: the same bytes are stored once."""

    def put(self, sha256: str, content: bytes) -> str:
        """This function will store bytes and return their location."""
        ...

    def get(self, location: str) -> bytes: ...

"""Where file bytes are kept."""

from datetime import datetime
from typing import Protocol
from uuid import UUID


class FileStore(Protocol):
    """Content-addressed bytes: the same bytes are stored once."""

    def put(self, sha256: str, content: bytes) -> str:
        """This function will store bytes and return their location."""
        ...

    def get(self, location: str) -> bytes: ...

    def delete(self, location: str) -> bool:
        """This function will remove bytes from the store; False when they were not there."""
        ...


class ExpiredFiles(Protocol):
    """The read side of files, as the clean-up needs it."""

    def expired(self, now: datetime, limit: int) -> list[UUID]:
        """Files past their expiry whose bytes are not yet purged, the oldest first."""
        ...

    def location_shared(self, location: str, file_id: UUID) -> bool:
        """Whether another file not purged keeps its bytes at this location (the store
        keeps identical bytes once, whoever uploaded them)."""
        ...

"""Where file bytes are kept."""

from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO, Protocol
from uuid import UUID


@dataclass(frozen=True)
class Kept:
    """Bytes kept from a stream: where, their checksum and size."""

    location: str
    sha256: str
    size: int


class FileStore(Protocol):
    """Content-addressed bytes: the same bytes are stored once."""

    def put_stream(self, chunks: Iterable[bytes]) -> Kept:
        """This function will store bytes as they come (hashing them on the way) and return
        where they are; never all in memory at once."""
        ...

    def open(self, location: str) -> AbstractContextManager[BinaryIO]: ...

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

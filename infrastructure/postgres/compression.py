"""Large event states stored compressed; every state ever stored still reads.

A parsed specification or a big suite makes an event of several megabytes of repetitive
JSON. Sent as is, it held the log's lock while megabytes crossed the socket and PostgreSQL
compressed them again; zlib at its fastest level shrinks it about tenfold before the lock
is taken. Small states stay plain JSON (readable in psql, nothing spent on them).

Reading is tolerant, so events stored before compression existed stay readable: a zlib
stream starts with 0x78 ('x'), and a state in JSON starts with '{' (the transcoder's object).
"""

import zlib

from eventsourcing.persistence import Compressor

from domain.shared.limits import TooLargeError

COMPRESS_FROM_BYTES = 4096
_ZLIB_FIRST_BYTE = 0x78


class TolerantZlibCompressor(Compressor):
    """Compresses states over a few kilobytes, refuses those over the event size limit."""

    def __init__(self, max_event_bytes: int = 0) -> None:
        self.max_event_bytes = max_event_bytes

    def compress(self, data: bytes) -> bytes:
        if self.max_event_bytes and len(data) > self.max_event_bytes:
            raise TooLargeError(
                limit="TESTAMENT_MAX_EVENT_BYTES",
                size=len(data),
                maximum=self.max_event_bytes,
                what="an event of this change",
            )
        if len(data) < COMPRESS_FROM_BYTES:
            return data
        return zlib.compress(data, 1)

    def decompress(self, data: bytes) -> bytes:
        if data[:1] and data[0] == _ZLIB_FIRST_BYTE:
            return zlib.decompress(data)
        return data

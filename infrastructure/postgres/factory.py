"""eventsourcing's PostgreSQL persistence, with Testament's recorder and mapper (selected by
PERSISTENCE_MODULE=infrastructure.postgres.factory:Factory)."""

from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Compressor, Mapper, Transcoder
from eventsourcing.postgres import PostgresFactory

from infrastructure.postgres.blobs import PostgresBlobStore
from infrastructure.postgres.compression import TolerantZlibCompressor
from infrastructure.postgres.mapper import BlobMapper
from infrastructure.postgres.recorder import TestamentApplicationRecorder

# Keys read besides eventsourcing's own (they may be prefixed by the application name too).
STATEMENT_TIMEOUT_MS = "WRITE_STATEMENT_TIMEOUT_MS"
IDLE_IN_TRANSACTION_TIMEOUT_MS = "WRITE_IDLE_IN_TRANSACTION_TIMEOUT_MS"
MAX_EVENT_BYTES = "WRITE_MAX_EVENT_BYTES"
BLOB_FROM_BYTES = "WRITE_BLOB_FROM_BYTES"
DEFAULT_BLOB_FROM_BYTES = 64 * 1024


class Factory(PostgresFactory):
    """The PostgreSQL factory whose application recorder and mapper are Testament's."""

    application_recorder_class = TestamentApplicationRecorder

    def compressor(self) -> Compressor | None:
        # Always ours: it reads uncompressed states too, so it can be on for every log.
        return TolerantZlibCompressor(self._int(MAX_EVENT_BYTES, 0))

    def mapper(  # type: ignore[override]  # every Testament log is keyed by UUID
        self, transcoder: Transcoder | None = None, mapper_class: Any = None
    ) -> Mapper[UUID]:
        cipher = self.cipher()
        blobs = PostgresBlobStore(
            self.datastore,
            cipher=cipher,
            statement_timeout_ms=self._int(STATEMENT_TIMEOUT_MS, 30_000),
        )
        if self.env_create_table():
            blobs.create_table()
        return BlobMapper(
            transcoder or self.transcoder(),
            compressor=self.compressor(),
            cipher=cipher,
            blobs=blobs,
            blob_from_bytes=self._int(BLOB_FROM_BYTES, DEFAULT_BLOB_FROM_BYTES),
            max_event_bytes=self._int(MAX_EVENT_BYTES, 0),
        )

    def application_recorder(self) -> ApplicationRecorder:
        recorder = TestamentApplicationRecorder(
            self.datastore,
            events_table_name=f"{self.env.name.lower() or 'stored'}_events",
            statement_timeout_ms=self._int(STATEMENT_TIMEOUT_MS, 30_000),
            idle_in_transaction_timeout_ms=self._int(IDLE_IN_TRANSACTION_TIMEOUT_MS, 10_000),
            max_event_bytes=self._int(MAX_EVENT_BYTES, 0),
        )
        if self.env_create_table():
            recorder.create_table()
        return recorder

    def _int(self, key: str, default: int) -> int:
        value = self.env.get(key)
        return default if value in (None, "") else int(value)

"""eventsourcing's PostgreSQL persistence, with Testament's recorder (selected by
PERSISTENCE_MODULE=infrastructure.postgres.factory:Factory)."""

from eventsourcing.persistence import ApplicationRecorder, Compressor
from eventsourcing.postgres import PostgresFactory

from infrastructure.postgres.compression import TolerantZlibCompressor
from infrastructure.postgres.recorder import TestamentApplicationRecorder

# Keys read besides eventsourcing's own (they may be prefixed by the application name too).
STATEMENT_TIMEOUT_MS = "WRITE_STATEMENT_TIMEOUT_MS"
IDLE_IN_TRANSACTION_TIMEOUT_MS = "WRITE_IDLE_IN_TRANSACTION_TIMEOUT_MS"
MAX_EVENT_BYTES = "WRITE_MAX_EVENT_BYTES"


class Factory(PostgresFactory):
    """The PostgreSQL factory whose application recorder is Testament's."""

    application_recorder_class = TestamentApplicationRecorder

    def compressor(self) -> Compressor | None:
        # Always ours: it reads uncompressed states too, so it can be on for every log.
        return TolerantZlibCompressor(int(self.env.get(MAX_EVENT_BYTES) or 0))

    def application_recorder(self) -> ApplicationRecorder:
        recorder = TestamentApplicationRecorder(
            self.datastore,
            events_table_name=f"{self.env.name.lower() or 'stored'}_events",
            statement_timeout_ms=int(self.env.get(STATEMENT_TIMEOUT_MS) or 30_000),
            idle_in_transaction_timeout_ms=int(
                self.env.get(IDLE_IN_TRANSACTION_TIMEOUT_MS) or 10_000
            ),
            max_event_bytes=int(self.env.get(MAX_EVENT_BYTES) or 0),
        )
        if self.env_create_table():
            recorder.create_table()
        return recorder

"""Content-addressed blobs beside the event logs: large event fields, kept once by checksum.

A blob is named by the SHA-256 of its content (the field as the transcoder writes it), so
writing it again is a no-op and two events carrying the same model share one row. The
table lives in the same database as the events, so a backup or a restore of that database
takes both, and `testament rebuild` reads them back through the same mapper.

Nothing deletes a blob: there is no garbage collection, so no blob an event refers to can
disappear. A blob no event refers to (its event's write failed after the blob was written)
is kept too; it is rare, and harmless.
"""

import hashlib
import zlib

from eventsourcing.persistence import Cipher
from eventsourcing.postgres import PostgresDatastore
from psycopg.sql import SQL, Identifier

SCHEMA = "storage"
TABLE = "event_blobs"


class BlobIntegrityError(Exception):
    """A blob an event refers to is missing, or its content does not match its checksum."""


def checksum(content: bytes) -> str:
    """This function will name content by its SHA-256, in hex."""
    return hashlib.sha256(content).hexdigest()


class PostgresBlobStore:
    """Blobs in `storage.event_blobs`, compressed, encrypted with the log's cipher if it has one."""

    def __init__(
        self,
        datastore: PostgresDatastore,
        *,
        cipher: Cipher | None = None,
        statement_timeout_ms: int = 30_000,
    ) -> None:
        self._datastore = datastore
        self._cipher = cipher
        self._table = SQL("{}.{}").format(Identifier(SCHEMA), Identifier(TABLE))
        self._timeout = SQL("SET LOCAL statement_timeout = '{}ms'").format(
            SQL(str(int(statement_timeout_ms)))
        )

    def create_table(self) -> None:
        with self._datastore.transaction(commit=True) as curs:
            curs.execute(SQL("CREATE SCHEMA IF NOT EXISTS {}").format(Identifier(SCHEMA)))
            curs.execute(
                SQL(
                    "CREATE TABLE IF NOT EXISTS {} (sha256 text PRIMARY KEY,"
                    " size_bytes bigint NOT NULL, content bytea NOT NULL,"
                    " created_at timestamptz NOT NULL DEFAULT now())"
                ).format(self._table)
            )

    def put(self, content: bytes) -> str:
        """This function will keep the content (once) and return its checksum."""
        name = checksum(content)
        stored = zlib.compress(content, 1)
        if self._cipher is not None:
            stored = self._cipher.encrypt(stored)
        # Its own short transaction, before the event's: no log lock is held while megabytes
        # cross the socket, and no pipeline is used (see ADR 0004).
        with self._datastore.transaction(commit=True) as curs:
            curs.execute(self._timeout)
            curs.execute(
                SQL(
                    "INSERT INTO {} (sha256, size_bytes, content) VALUES (%s, %s, %s)"
                    " ON CONFLICT (sha256) DO NOTHING"
                ).format(self._table),
                (name, len(content), stored),
            )
        return name

    def get(self, name: str, *, needed_by: str) -> bytes:
        """This function will give back the content named, checked against its checksum.

        Raises BlobIntegrityError when the blob is missing or its content does not match.
        """
        with self._datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL("SELECT content FROM {} WHERE sha256 = %s").format(self._table), (name,)
            )
            row = curs.fetchone()
        if row is None:
            raise BlobIntegrityError(f"blob {name}, needed by {needed_by}, is missing")
        stored = bytes(row["content"])
        try:
            if self._cipher is not None:
                stored = self._cipher.decrypt(stored)
            content = zlib.decompress(stored)
        except Exception as error:
            raise BlobIntegrityError(
                f"blob {name}, needed by {needed_by}, cannot be read: {error}"
            ) from error
        if checksum(content) != name:
            raise BlobIntegrityError(
                f"blob {name}, needed by {needed_by}, does not match its checksum"
                f" (its content's SHA-256 is {checksum(content)})"
            )
        return content

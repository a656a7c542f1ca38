"""A new secret key for an existing deployment: what the old key protects, moved under it.

The secret key derives the cipher key of the identity log (every stored state is
AES-encrypted) and seals environment secrets (`sealed:v1:...` inside testexec events,
snapshots and read rows). Re-keying decrypts and encrypts again every identity state,
and opens and seals again every sealed secret, in one transaction with the tables locked:
either all of it moves to the new key, or nothing does. Access tokens signed with the
old key stop working (users log in again; refresh tokens are not keyed).
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
from eventsourcing.cryptography import AESCipher
from eventsourcing.utils import Environment
from psycopg import sql
from psycopg.types.json import Jsonb

from infrastructure.audit.chain import relink
from infrastructure.postgres.compression import TolerantZlibCompressor
from infrastructure.postgres.eventstore import cipher_env
from infrastructure.security.secrets import AesGcmSecretBox

_SEALED = re.compile(rb"sealed:v1:[A-Za-z0-9_\-=]+")
_ENCRYPTED_LOGS = ("identity",)
# Environment secrets, webhook signing secrets, sensitive runtime settings.
_SEALING_LOGS = ("testexec", "notif", "config")
# The purpose each sealing log's values are sealed for (environment-secrets when not named).
_LOG_SEALING_PURPOSE = {"config": "config-settings"}
_SEALING_READ_TABLES = (
    ("testexec", "execution_environments", "environment-secrets"),
    ("identity", "user_tokens", "identity-tokens"),
)
# What each encrypted log seals inside its states, by the purpose of the sealing key.
_SEALING_PURPOSE = {"identity": "identity-tokens"}
_BATCH = 500


@dataclass(frozen=True)
class RekeyReport:
    """What moved to the new key."""

    encrypted_states: int
    sealed_states: int
    sealed_read_rows: int


class RekeyError(Exception):
    """A re-keying that cannot be done (the old key does not open what is stored)."""


class _Resealer:
    def __init__(self, old_key: str, new_key: str, purpose: str = "environment-secrets") -> None:
        self._old = AesGcmSecretBox(old_key, purpose)
        self._new = AesGcmSecretBox(new_key, purpose)

    def bytes(self, data: bytes) -> bytes:
        return _SEALED.sub(lambda m: self.text(m.group().decode()).encode(), data)

    def text(self, sealed: str) -> str:
        try:
            return self._new.seal(self._old.open(sealed))
        except ValueError as error:
            raise RekeyError(
                f"a sealed secret does not open with the current key: {error}"
            ) from None


class _Recrypter:
    """Decrypts a state with the old log key, re-seals what it seals (two-factor secrets in
    the identity log), and encrypts it with the new one."""

    def __init__(self, log: str, old_key: str, new_key: str) -> None:
        self._log = log
        self._old = AESCipher(Environment(env=cipher_env(old_key, log)))
        self._new = AESCipher(Environment(env=cipher_env(new_key, log)))
        self._reseal = _Resealer(old_key, new_key, _SEALING_PURPOSE.get(log, log))

    def __call__(self, state: bytes) -> bytes:
        try:
            plain = self._old.decrypt(state)
        except ValueError:
            raise RekeyError(f"the {self._log} log does not open with the current key") from None
        if b"sealed:v1:" in plain:
            plain = self._reseal.bytes(plain)
        return self._new.encrypt(plain)


def rekey(database_url: str, *, old_key: str, new_key: str) -> RekeyReport:
    """This function will move everything the old key protects under the new one, in one
    transaction. Raises RekeyError, leaving the database as it was."""
    if old_key == new_key:
        raise RekeyError("the new key is the current key")
    compressor = TolerantZlibCompressor()
    with psycopg.connect(database_url) as conn:
        tables = _existing(
            conn,
            [
                f"{log}_{kind}"
                for log in _ENCRYPTED_LOGS + _SEALING_LOGS
                for kind in ("events", "snapshots")
            ],
        )
        if tables:
            conn.execute(
                sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(
                    sql.SQL(", ").join(sql.Identifier(t) for t in tables)
                )
            )
        encrypted = sealed = 0
        for log in _ENCRYPTED_LOGS:
            recrypt = _Recrypter(log, old_key, new_key)
            for table in (t for t in tables if t.startswith(f"{log}_")):
                encrypted += _rewrite(conn, table, recrypt)
        for log in _SEALING_LOGS:
            reseal = _Resealer(
                old_key, new_key, _LOG_SEALING_PURPOSE.get(log, "environment-secrets")
            )

            def resealed(state: bytes, reseal: _Resealer = reseal) -> bytes | None:
                plain = compressor.decompress(state)
                if b"sealed:v1:" not in plain:
                    return None
                return compressor.compress(reseal.bytes(plain))

            for table in (t for t in tables if t.startswith(f"{log}_")):
                sealed += _rewrite(conn, table, resealed)
        read_rows = sum(
            _reseal_read_table(conn, s, t, _Resealer(old_key, new_key, purpose))
            for s, t, purpose in _SEALING_READ_TABLES
        )
        # The rewritten states are new bytes: their logs' hash chains are computed again,
        # in the same transaction (docs/audit.md, "A key rotation").
        if _existing_links(conn):
            for log in _ENCRYPTED_LOGS + _SEALING_LOGS:
                if f"{log}_events" in tables:
                    relink(conn, log)
    return RekeyReport(encrypted_states=encrypted, sealed_states=sealed, sealed_read_rows=read_rows)


def _existing_links(conn: psycopg.Connection[Any]) -> bool:
    row = conn.execute("SELECT to_regclass('storage.event_links') IS NOT NULL").fetchone()
    return bool(row and row[0])


def _existing(conn: psycopg.Connection[Any], names: list[str]) -> list[str]:
    rows = conn.execute(
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_schema = current_schema() AND table_name = ANY(%s)",
        (names,),
    ).fetchall()
    found = {row[0] for row in rows}
    return [name for name in names if name in found]


def _rows(conn: psycopg.Connection[Any], table: str) -> Iterator[tuple[Any, int, bytes]]:
    with conn.cursor(name=f"rekey_{table}") as cursor:
        cursor.itersize = _BATCH
        cursor.execute(
            sql.SQL("SELECT originator_id, originator_version, state FROM {}").format(
                sql.Identifier(table)
            )
        )
        yield from cursor


def _rewrite(conn: psycopg.Connection[Any], table: str, change: Any) -> int:
    updates = []
    for originator_id, version, state in _rows(conn, table):
        changed = change(bytes(state))
        if changed is not None:
            updates.append((changed, originator_id, version))
    with conn.cursor() as cursor:
        cursor.executemany(
            sql.SQL(
                "UPDATE {} SET state = %s WHERE originator_id = %s AND originator_version = %s"
            ).format(sql.Identifier(table)),
            updates,
        )
    return len(updates)


def _reseal_read_table(
    conn: psycopg.Connection[Any], schema: str, table: str, reseal: _Resealer
) -> int:
    columns = dict(
        conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = %s AND table_name = %s",
            (schema, table),
        ).fetchall()
    )
    if not columns:
        return 0
    target = sql.Identifier(schema, table)
    rows = conn.execute(sql.SQL("SELECT id, to_jsonb(t) FROM {} AS t").format(target)).fetchall()
    changed_rows = 0
    for row_id, values in rows:
        changes: dict[str, Any] = {}
        for column, value in values.items():
            encoded = json.dumps(value).encode()
            if b"sealed:v1:" not in encoded:
                continue
            new_value = json.loads(reseal.bytes(encoded))
            changes[column] = (
                Jsonb(new_value) if columns[column] in ("jsonb", "json") else new_value
            )
        if changes:
            changed_rows += 1
            conn.execute(
                sql.SQL("UPDATE {} SET {} WHERE id = %s").format(
                    target,
                    sql.SQL(", ").join(
                        sql.SQL("{} = %s").format(sql.Identifier(c)) for c in changes
                    ),
                ),
                [*changes.values(), row_id],
            )
    return changed_rows

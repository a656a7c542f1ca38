"""Moving stored data between keys: the key ring's two rotations (docs/runbook.md, "Key
rotation").

- `reencrypt` (`testament key-ring reencrypt`): every identity state, and every sealed secret
  (`sealed:...` inside testexec and notif events, snapshots and read rows, and inside the
  identity states), not under the ring's current data key is opened and written again under
  it; then the other keys are retired.
- `rewrap` (`testament key-ring rewrap`, `testament rotate-secret-key`): the ring's keys are
  wrapped again under the current secret key (opened with a previous one); data sealed
  before the ring, whose key was derived straight from a secret key, moves to the current
  data key, since the old secret key will be gone. Nothing else moves.

Each runs in one transaction with the tables locked: either all of it happens, or nothing.
Rewritten events are linked again into the audit hash chain in the same transaction.
"""

import functools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from infrastructure.audit.chain import relink
from infrastructure.postgres.compression import TolerantZlibCompressor
from infrastructure.security.keyring import (
    KeyRing,
    KeyRingError,
    RingSecrets,
    ensure_ring,
    open_keys,
    retire_all_but,
    rewrap_keys,
)
from infrastructure.security.ring_cipher import RingCipher
from infrastructure.security.secrets import SEALED, RingSecretBox

_ENCRYPTED_LOGS = ("identity",)
# Environment secrets, webhook signing secrets, sensitive runtime settings.
_SEALING_LOGS = ("testexec", "notif", "config")
_SEALING_READ_TABLES = (
    ("testexec", "execution_environments", "environment-secrets"),
    ("identity", "user_tokens", "identity-tokens"),
)
# What each log seals, by the purpose of the sealing key.
_SEALING_PURPOSE = {"identity": "identity-tokens", "config": "config-settings"}
_BATCH = 500


@dataclass(frozen=True)
class RekeyReport:
    """What moved, and where the ring stands."""

    encrypted_states: int
    sealed_states: int
    sealed_read_rows: int
    current_key: int = 0
    rewrapped_keys: int = 0
    retired_keys: int = 0


class RekeyError(Exception):
    """A move that cannot be done (a key that does not open what is stored)."""


class _Mover:
    """Decides what is stale and writes it again under the current data key."""

    def __init__(self, ring: KeyRing, *, legacy_only: bool) -> None:
        self._ring, self._legacy_only = ring, legacy_only
        self._current = ring.current()

    def stale(self, key_id: int | None) -> bool:
        return key_id is None or (not self._legacy_only and key_id != self._current)

    def resealed(self, text: str, purpose: str) -> str | None:
        """The text with its stale sealed secrets sealed again (None: nothing stale)."""
        if not any(self.stale(_key(m.group(1))) for m in SEALED.finditer(text)):
            return None
        box = RingSecretBox(self._ring, purpose)

        def again(match: Any) -> str:
            if not self.stale(_key(match.group(1))):
                return str(match.group())
            try:
                return box.seal(box.open(match.group()))
            except ValueError as error:
                raise RekeyError(f"a sealed secret does not open: {error}") from None

        return SEALED.sub(again, text)

    def recrypted(self, log: str) -> Callable[[bytes], bytes | None]:
        cipher = RingCipher.over(self._ring, log)
        compressor = TolerantZlibCompressor()
        purpose = _SEALING_PURPOSE.get(log, log)

        def change(state: bytes) -> bytes | None:
            try:
                plain = cipher.decrypt(state)
            except ValueError as error:
                raise RekeyError(f"the {log} log does not open: {error}") from None
            inner = compressor.decompress(plain)  # encrypted after compression
            resealed = self.resealed(inner.decode(), purpose) if b"sealed:" in inner else None
            if resealed is None and not self.stale(RingCipher.key_of(state)):
                return None
            if resealed is not None:
                plain = compressor.compress(resealed.encode())
            return cipher.encrypt(plain)

        return change

    def resealed_state(self, log: str) -> Callable[[bytes], bytes | None]:
        compressor = TolerantZlibCompressor()
        purpose = _SEALING_PURPOSE.get(log, "environment-secrets")

        def change(state: bytes) -> bytes | None:
            plain = compressor.decompress(state)
            if b"sealed:" not in plain:
                return None
            resealed = self.resealed(plain.decode(), purpose)
            return None if resealed is None else compressor.compress(resealed.encode())

        return change


def _key(group: str | None) -> int | None:
    return None if group is None else int(group)


def reencrypt(database_url: str, secrets: RingSecrets) -> RekeyReport:
    """This function will move everything to the ring's current data key and retire the
    other keys. Raises RekeyError, leaving the database as it was."""
    return _move(database_url, secrets, legacy_only=False)


def rewrap(database_url: str, secrets: RingSecrets) -> RekeyReport:
    """This function will wrap the ring under `secrets.current` (opening it with a previous
    key) and move what was sealed before the ring to the current data key. Raises
    RekeyError, leaving the database as it was."""
    return _move(database_url, secrets, legacy_only=True)


def rekey(database_url: str, *, old_key: str, new_key: str) -> RekeyReport:
    """This function will move the deployment from one secret key to another (the ring
    re-wrapped; data sealed before the ring moved to it). Raises RekeyError."""
    if old_key == new_key:
        raise RekeyError("the new key is the current key")
    return rewrap(database_url, RingSecrets(new_key, (old_key,)))


def _move(database_url: str, secrets: RingSecrets, *, legacy_only: bool) -> RekeyReport:
    with psycopg.connect(database_url) as conn:
        tables = _existing(
            conn,
            [
                f"{log}_{kind}"
                for log in _ENCRYPTED_LOGS + _SEALING_LOGS
                for kind in ("events", "snapshots")
            ],
        )
        try:
            ensure_ring(conn, secrets)
            conn.execute("LOCK TABLE identity.data_protection_keys IN ACCESS EXCLUSIVE MODE")
            if tables:
                conn.execute(
                    sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(
                        sql.SQL(", ").join(sql.Identifier(t) for t in tables)
                    )
                )
            opened = open_keys(conn, secrets)
        except KeyRingError as error:
            raise RekeyError(str(error)) from None
        ring = KeyRing(secrets, None, _opened=opened)
        mover = _Mover(ring, legacy_only=legacy_only)
        encrypted = sealed = 0
        for log in _ENCRYPTED_LOGS:
            for table in (t for t in tables if t.startswith(f"{log}_")):
                encrypted += _rewrite(conn, table, mover.recrypted(log))
        for log in _SEALING_LOGS:
            for table in (t for t in tables if t.startswith(f"{log}_")):
                sealed += _rewrite(conn, table, mover.resealed_state(log))
        read_rows = sum(
            _reseal_read_table(conn, schema, table, functools.partial(mover.resealed, purpose=p))
            for schema, table, p in _SEALING_READ_TABLES
        )
        rewrapped = rewrap_keys(conn, secrets) if legacy_only else 0
        retired = 0 if legacy_only else retire_all_but(conn, opened.current)
        # The rewritten states are new bytes: their logs' hash chains are computed again,
        # in the same transaction (docs/audit.md, "A key rotation").
        if _existing_links(conn):
            for log in _ENCRYPTED_LOGS + _SEALING_LOGS:
                if f"{log}_events" in tables:
                    relink(conn, log)
    return RekeyReport(
        encrypted_states=encrypted,
        sealed_states=sealed,
        sealed_read_rows=read_rows,
        current_key=opened.current,
        rewrapped_keys=rewrapped,
        retired_keys=retired,
    )


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


def _rewrite(
    conn: psycopg.Connection[Any], table: str, change: Callable[[bytes], bytes | None]
) -> int:
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
    conn: psycopg.Connection[Any],
    schema: str,
    table: str,
    reseal: Callable[[str], str | None],
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
            resealed = reseal(json.dumps(value))
            if resealed is None:
                continue
            new_value = json.loads(resealed)
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

"""Signed digests of the chain: each log's head (position and link), signed with Ed25519.

A digest an auditor keeps outside the system pins the chain as it was: whoever rewrites the
logs afterwards, and recomputes every link to match, cannot produce the signed head again
without the signing key, and cutting the tail off removes a position a digest names.

The signing key is TESTAMENT_AUDIT_SIGNING_KEY (64 hex digits, an Ed25519 seed) when set,
otherwise derived from the secret key. Only its public half is stored with each digest.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from psycopg import sql
from psycopg.rows import tuple_row

from infrastructure.audit.chain import LOGS, SCHEMA, head

_DIGESTS = sql.Identifier(SCHEMA, "event_digests")

DIGESTS_DDL = (
    sql.SQL(
        "CREATE TABLE IF NOT EXISTS {} (number bigserial PRIMARY KEY,"
        " taken_at timestamptz NOT NULL, heads jsonb NOT NULL,"
        " public_key text NOT NULL, signature text NOT NULL)"
    ).format(_DIGESTS),
)


class DigestError(Exception):
    """A digest that does not hold: its signature, or its file, is not what was signed."""


@dataclass(frozen=True)
class Digest:
    """The heads of the logs at one moment, and the signature over them."""

    number: int
    taken_at: str
    heads: dict[str, tuple[int, bytes]]
    public_key: str
    signature: str

    def message(self) -> bytes:
        """The signed bytes: canonical JSON of the time and the heads (docs/audit.md)."""
        return canonical(self.taken_at, self.heads)

    def check_signature(self) -> None:
        """Raises DigestError when the signature is not the public key's over the message."""
        try:
            key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(self.public_key))
            key.verify(bytes.fromhex(self.signature), self.message())
        except (InvalidSignature, ValueError):
            raise DigestError("its signature does not match its content") from None

    def as_line(self) -> str:
        """One line of a digest file (JSON lines, what `testament verify --digest` reads)."""
        return json.dumps(self.as_json(), sort_keys=True) + "\n"

    def as_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "taken_at": self.taken_at,
            "heads": {
                log: {"position": position, "link": link.hex()}
                for log, (position, link) in sorted(self.heads.items())
            },
            "public_key": self.public_key,
            "signature": self.signature,
        }


def canonical(taken_at: str, heads: dict[str, tuple[int, bytes]]) -> bytes:
    body = {
        "taken_at": taken_at,
        "heads": {
            log: {"position": position, "link": link.hex()}
            for log, (position, link) in sorted(heads.items())
        },
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


class DigestSigner:
    """The deployment's Ed25519 key for digests."""

    def __init__(self, *, secret_key: str, signing_key: str = "") -> None:
        if signing_key:
            seed = bytes.fromhex(signing_key)
            if len(seed) != 32:
                raise ValueError("TESTAMENT_AUDIT_SIGNING_KEY must be 64 hex digits")
        else:
            seed = hashlib.sha256(f"testament:audit-digests:{secret_key}".encode()).digest()
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        self.public_key = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()

    def sign(self, message: bytes) -> str:
        return self._key.sign(message).hex()


def take_digest(
    conn: psycopg.Connection[Any], signer: DigestSigner, logs: Iterable[str] = LOGS
) -> Digest:
    """This function will sign the current head of every log and keep the digest."""
    heads = {}
    for log in logs:
        current = head(conn, log)
        if current is not None:
            heads[log] = current
    taken_at = datetime.now(UTC).isoformat(timespec="microseconds")
    signature = signer.sign(canonical(taken_at, heads))
    row = (
        conn.cursor(row_factory=tuple_row)
        .execute(
            sql.SQL(
                "INSERT INTO {} (taken_at, heads, public_key, signature) VALUES (%s, %s, %s, %s)"
                " RETURNING number"
            ).format(_DIGESTS),
            (
                taken_at,
                json.dumps({log: [p, link.hex()] for log, (p, link) in heads.items()}),
                signer.public_key,
                signature,
            ),
        )
        .fetchone()
    )
    assert row is not None
    return Digest(int(row[0]), taken_at, heads, signer.public_key, signature)


def read_digests(
    conn: psycopg.Connection[Any], *, after: int = 0, limit: int | None = None
) -> list[Digest]:
    """This function will read the digests kept in the database, oldest first."""
    rows = (
        conn.cursor(row_factory=tuple_row)
        .execute(
            sql.SQL(
                "SELECT number, taken_at, heads, public_key, signature FROM {}"
                " WHERE number > %s ORDER BY number LIMIT %s"
            ).format(_DIGESTS),
            (after, limit),
        )
        .fetchall()
    )
    return [_from_row(row) for row in rows]


def _from_row(row: Any) -> Digest:
    number, taken_at, heads, public_key, signature = row
    stamp = taken_at.astimezone(UTC).isoformat(timespec="microseconds")
    return Digest(
        int(number),
        stamp,
        {log: (int(p), bytes.fromhex(link)) for log, (p, link) in heads.items()},
        public_key,
        signature,
    )


def write_file(path: Path, digests: Iterable[Digest]) -> int:
    """This function will write digests as JSON lines, the file an auditor keeps."""
    lines = [d.as_line() for d in digests]
    path.write_text("".join(lines))
    return len(lines)


def read_file(path: Path) -> list[Digest]:
    """This function will read a digest file. Raises DigestError on a malformed line."""
    digests = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            digests.append(
                Digest(
                    int(item["number"]),
                    str(item["taken_at"]),
                    {
                        log: (int(h["position"]), bytes.fromhex(h["link"]))
                        for log, h in item["heads"].items()
                    },
                    str(item["public_key"]),
                    str(item["signature"]),
                )
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise DigestError(f"{path}, line {number}, is not a digest: {error}") from None
    return digests

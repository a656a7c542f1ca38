"""The key ring: random data keys, stored wrapped by a key derived from the secret key.

Each data key (AES-256) is generated at random and kept in `identity.data_protection_keys`,
encrypted (AES-GCM) under the key-encryption key, HKDF-SHA256 of TESTAMENT_SECRET_KEY. New
data is sealed under the current key (the newest one not retired) and names it; older keys
still open what they sealed. Rotating the secret key re-wraps the ring (the data does not
move); rotating the data key adds a key; `testament key-ring reencrypt` moves old data to the
current key and retires the others (docs/runbook.md, "Key rotation").

The `xml` column holds the key's descriptor, the ERD's `Xml`:
`<key id="2" version="1"><algorithm>AES-256-GCM</algorithm>`
`<wrappedKey kek="<fingerprint of the key-encryption key>">base64(nonce + sealed key)</wrappedKey></key>`.
"""

import base64
import hashlib
import logging
import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

import psycopg
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

RING_DDL = (
    "CREATE SCHEMA IF NOT EXISTS identity",
    "CREATE TABLE IF NOT EXISTS identity.data_protection_keys ("
    " id integer PRIMARY KEY, friendly_name text NOT NULL, xml text NOT NULL,"
    " created_date_time timestamptz NOT NULL DEFAULT now(),"
    " activated_date_time timestamptz, retired_date_time timestamptz)",
)
log = logging.getLogger(__name__)
_ALGORITHM = "AES-256-GCM"
# How long a process writes under the key it read before looking for a newer one.
REFRESH_SECONDS = 30.0


class KeyRingError(Exception):
    """The ring cannot be opened or changed (a secret key that wraps none of its keys)."""


def _hkdf(material: bytes, info: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info.encode()).derive(
        material
    )


@dataclass(frozen=True)
class RingSecrets:
    """The secret key, and the previous ones still accepted while a rotation is under way."""

    current: str
    previous: tuple[str, ...] = ()

    def keks(self) -> list[tuple[str, bytes]]:
        """(fingerprint, key-encryption key), the current secret's first."""
        found = []
        for secret in (self.current, *self.previous):
            kek = _hkdf(secret.encode(), "testament:key-ring:kek")
            found.append((fingerprint(kek), kek))
        return found


def fingerprint(kek: bytes) -> str:
    return hashlib.sha256(b"testament:kek-fingerprint:" + kek).hexdigest()[:16]


@dataclass(frozen=True)
class RingKey:
    """One row of the ring, as stored."""

    id: int
    friendly_name: str
    xml: str
    retired: bool

    def wrapped_by(self) -> str:
        return _descriptor(self.xml)[0]

    def unwrap(self, secrets: RingSecrets) -> bytes:
        """This function will open the data key with whichever known secret wrapped it.
        Raises KeyRingError."""
        kek_id, wrapped = _descriptor(self.xml)
        for kek_fingerprint, kek in secrets.keks():
            if kek_fingerprint == kek_id:
                try:
                    return AESGCM(kek).decrypt(wrapped[:12], wrapped[12:], _aad(self.id))
                except InvalidTag:
                    break
        raise KeyRingError(
            f"data key {self.id} of the key ring is wrapped by a secret key that is neither"
            f" TESTAMENT_SECRET_KEY nor one of TESTAMENT_PREVIOUS_SECRET_KEYS (fingerprint"
            f" {kek_id}); give the secret key it was made with as a previous key"
        )


def _aad(key_id: int) -> bytes:
    return f"testament:data-key:{key_id}".encode()


def wrap(key_id: int, data_key: bytes, secrets: RingSecrets) -> str:
    """This function will give the descriptor of a data key wrapped by the current secret."""
    kek_id, kek = secrets.keks()[0]
    nonce = os.urandom(12)
    wrapped = nonce + AESGCM(kek).encrypt(nonce, data_key, _aad(key_id))
    root = ElementTree.Element("key", {"id": str(key_id), "version": "1"})
    ElementTree.SubElement(root, "algorithm").text = _ALGORITHM
    ElementTree.SubElement(root, "wrappedKey", {"kek": kek_id}).text = base64.b64encode(
        wrapped
    ).decode()
    return ElementTree.tostring(root, encoding="unicode")


def _descriptor(xml: str) -> tuple[str, bytes]:
    try:
        element = ElementTree.fromstring(xml).find("wrappedKey")
        if element is None or element.text is None:
            raise ValueError("no wrappedKey")
        return element.get("kek", ""), base64.b64decode(element.text)
    except (ElementTree.ParseError, ValueError) as error:
        raise KeyRingError(f"a key of the ring has a damaged descriptor: {error}") from None


# -- the table, inside a caller's transaction --------------------------------------------------


def ensure_ring(conn: psycopg.Connection[Any], secrets: RingSecrets) -> None:
    """This function will create the table, and the first data key when there is none."""
    exists = conn.execute("SELECT to_regclass('identity.data_protection_keys') IS NOT NULL")
    if not (exists.fetchone() or (False,))[0]:
        for statement in RING_DDL:
            conn.execute(statement)
    if conn.execute("SELECT 1 FROM identity.data_protection_keys LIMIT 1").fetchone():
        return
    conn.execute("LOCK TABLE identity.data_protection_keys IN EXCLUSIVE MODE")
    if not conn.execute("SELECT 1 FROM identity.data_protection_keys LIMIT 1").fetchone():
        add_key(conn, secrets)


def ring_keys(conn: psycopg.Connection[Any]) -> list[RingKey]:
    rows = conn.execute(
        "SELECT id, friendly_name, xml, retired_date_time IS NOT NULL"
        " FROM identity.data_protection_keys ORDER BY id"
    ).fetchall()
    return [RingKey(id=r[0], friendly_name=r[1], xml=r[2], retired=r[3]) for r in rows]


def add_key(conn: psycopg.Connection[Any], secrets: RingSecrets) -> int:
    """This function will add a random data key, current from now on; it gives its id."""
    row = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM identity.data_protection_keys")
    key_id = int((row.fetchone() or (1,))[0])
    conn.execute(
        "INSERT INTO identity.data_protection_keys"
        " (id, friendly_name, xml, activated_date_time) VALUES (%s, %s, %s, now())",
        (key_id, f"data-key-{key_id}", wrap(key_id, AESGCM.generate_key(256), secrets)),
    )
    return key_id


def rewrap_keys(conn: psycopg.Connection[Any], secrets: RingSecrets) -> int:
    """This function will wrap every key of the ring under the current secret key, opening
    each with any known one; it gives how many changed. Raises KeyRingError (nothing is
    written then: every key is opened before the first is written)."""
    current_kek = secrets.keks()[0][0]
    opened = [(key, key.unwrap(secrets)) for key in ring_keys(conn)]
    changed = 0
    for key, data_key in opened:
        if key.wrapped_by() != current_kek:
            conn.execute(
                "UPDATE identity.data_protection_keys SET xml = %s WHERE id = %s",
                (wrap(key.id, data_key, secrets), key.id),
            )
            changed += 1
    return changed


def retire_all_but(conn: psycopg.Connection[Any], current_id: int) -> int:
    return conn.execute(
        "UPDATE identity.data_protection_keys SET retired_date_time = now()"
        " WHERE id <> %s AND retired_date_time IS NULL",
        (current_id,),
    ).rowcount


# -- the ring a process reads ------------------------------------------------------------------


@dataclass
class OpenedKeys:
    """The data keys, opened, and which one new data goes under."""

    keys: dict[int, bytes]
    current: int


def open_keys(conn: psycopg.Connection[Any], secrets: RingSecrets) -> OpenedKeys:
    """Raises KeyRingError when a key does not open or every key is retired."""
    stored = ring_keys(conn)
    live = [key.id for key in stored if not key.retired]
    if not live:
        raise KeyRingError("every key of the ring is retired: run `testament key-ring rotate`")
    return OpenedKeys({key.id: key.unwrap(secrets) for key in stored}, max(live))


@dataclass
class KeyRing:
    """The ring as one process holds it: loaded from the database, read again for a key it
    does not know (written by a newer process) and every REFRESH_SECONDS for the current one.
    Without a database URL it is one random key in memory (tests without PostgreSQL)."""

    secrets: RingSecrets
    database_url: str | None = None
    refresh_seconds: float = REFRESH_SECONDS
    _opened: OpenedKeys | None = None
    _loaded_at: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _derived: dict[tuple[int, str], AESGCM] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The name the identity log's cipher finds this ring by (see RingCipher)."""
        return f"ring-{id(self):x}"

    def _load(self) -> OpenedKeys:
        with self._lock:
            if self.database_url is None:
                if self._opened is None:
                    self._opened = OpenedKeys({1: AESGCM.generate_key(256)}, 1)
                return self._opened
            try:
                opened = self._read(self.database_url)
            except (psycopg.errors.UniqueViolation, psycopg.errors.DuplicateObject):
                opened = self._read(self.database_url)  # another process created the table
            self._opened, self._loaded_at = opened, time.monotonic()
            return opened

    def _read(self, database_url: str) -> OpenedKeys:
        with psycopg.connect(database_url) as conn:
            ensure_ring(conn, self.secrets)
            return open_keys(conn, self.secrets)

    def load(self) -> None:
        """This function will read the ring now. Raises KeyRingError, psycopg.Error."""
        self._load()

    def current(self) -> int:
        """The key new data goes under. A refresh that fails keeps the key in hand (a
        database blip, or a ring re-wrapped under a secret this process lacks) and is tried
        again after REFRESH_SECONDS; only the first read raises (KeyRingError, psycopg.Error)."""
        opened = self._opened
        if opened is None:
            return self._load().current
        stale = time.monotonic() - self._loaded_at > self.refresh_seconds
        if stale and self.database_url is not None:
            try:
                opened = self._load()
            except (KeyRingError, psycopg.Error) as error:
                log.warning("the key ring was not read again, kept as it was: %s", error)
                self._loaded_at = time.monotonic()
        return opened.current

    def aead(self, key_id: int, purpose: str) -> AESGCM:
        """The cipher of one purpose under one data key. Raises KeyRingError."""
        found = self._derived.get((key_id, purpose))
        if found is not None:
            return found
        opened = self._opened or self._load()
        if key_id not in opened.keys:
            opened = self._load()  # a key added since: another process rotated
        if key_id not in opened.keys:
            raise KeyRingError(f"data key {key_id} is not in the key ring")
        found = AESGCM(_hkdf(opened.keys[key_id], f"testament:{purpose}"))
        self._derived[(key_id, purpose)] = found
        return found

    def legacy_keys(self, purpose: str) -> Iterable[bytes]:
        """The keys of data sealed before the ring (derived straight from a secret key)."""
        for secret in (self.secrets.current, *self.secrets.previous):
            yield hashlib.sha256(f"testament:{purpose}:{secret}".encode()).digest()


_RINGS: dict[str, KeyRing] = {}
_RINGS_LOCK = threading.Lock()


def shared_ring(secrets: RingSecrets, database_url: str | None) -> KeyRing:
    """This function will give the process's one ring for a database and secrets."""
    token = hashlib.sha256(repr((database_url, secrets)).encode()).hexdigest()
    with _RINGS_LOCK:
        ring = _RINGS.get(token)
        if ring is None:
            ring = KeyRing(secrets, database_url)
            _RINGS[token] = ring
            _RINGS[ring.name] = ring
    return ring


def registered_ring(name: str | None) -> KeyRing:
    """Raises OSError (what eventsourcing expects of a cipher's missing setting)."""
    ring = _RINGS.get(name or "")
    if ring is None:
        raise OSError(f"no key ring named {name!r} in this process (see infrastructure.security)")
    return ring

"""Secrets at rest: AES-GCM under the key ring (`sealed:v2:<key id>:...`), and the sealing of
before the ring (`sealed:v1:...`, a key derived straight from the secret key), still opened."""

import base64
import hashlib
import os
import re

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from infrastructure.security.keyring import KeyRing, KeyRingError

_PREFIX = "sealed:v1:"
_V2 = "sealed:v2:"
# Any sealed secret in a text; group 1 is the data key of a v2 one (None for v1).
SEALED = re.compile(r"sealed:(?:v1|v2:(\d+)):[A-Za-z0-9_\-=]+")


class AesGcmSecretBox:
    """Seals strings as `sealed:v1:<base64 nonce+ciphertext>` under a key derived from the
    secret key; opening checks integrity. Kept for short-lived data (idempotent answers)
    and to read what was sealed before the key ring."""

    def __init__(self, secret_key: str, purpose: str = "environment-secrets") -> None:
        self._aead = AESGCM(hashlib.sha256(f"testament:{purpose}:{secret_key}".encode()).digest())

    def seal(self, plaintext: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), None)
        return _PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def open(self, sealed: str) -> str:
        if not sealed.startswith(_PREFIX):
            raise ValueError("not a sealed secret")
        raw = base64.urlsafe_b64decode(sealed[len(_PREFIX) :])
        try:
            return self._aead.decrypt(raw[:12], raw[12:], None).decode()
        except InvalidTag:
            raise ValueError(
                "the secret cannot be opened with this key (was TESTAMENT_SECRET_KEY changed?)"
            ) from None


class RingSecretBox:
    """Seals strings under the ring's current data key as `sealed:v2:<key id>:<base64 nonce
    + ciphertext>`; opens those of any key of the ring, and `sealed:v1:` ones with the
    secret key or a previous one."""

    def __init__(self, ring: KeyRing, purpose: str = "environment-secrets") -> None:
        self._ring, self._purpose = ring, purpose

    def seal(self, plaintext: str) -> str:
        key_id = self._ring.current()
        nonce = os.urandom(12)
        sealed = self._ring.aead(key_id, self._purpose).encrypt(nonce, plaintext.encode(), None)
        return f"{_V2}{key_id}:" + base64.urlsafe_b64encode(nonce + sealed).decode()

    def open(self, sealed: str) -> str:
        """Raises ValueError for what is not sealed or does not open."""
        if sealed.startswith(_V2):
            key_text, _, data = sealed[len(_V2) :].partition(":")
            raw = _decoded(data)
            try:
                aead = self._ring.aead(int(key_text), self._purpose)
                return aead.decrypt(raw[:12], raw[12:], None).decode()
            except (InvalidTag, KeyRingError, ValueError) as error:
                raise ValueError(
                    f"the secret sealed under data key {key_text} does not open: {error}"
                ) from None
        if sealed.startswith(_PREFIX):
            raw = _decoded(sealed[len(_PREFIX) :])
            for key in self._ring.legacy_keys(self._purpose):
                try:
                    return AESGCM(key).decrypt(raw[:12], raw[12:], None).decode()
                except InvalidTag:
                    continue
            raise ValueError(
                "the secret cannot be opened with TESTAMENT_SECRET_KEY nor any of"
                " TESTAMENT_PREVIOUS_SECRET_KEYS (sealed before the key ring)"
            )
        raise ValueError("not a sealed secret")


def _decoded(data: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(data)
    except ValueError:
        raise ValueError("a damaged sealed secret") from None

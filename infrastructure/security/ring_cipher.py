"""The identity log's cipher (eventsourcing CIPHER_TOPIC): encrypts every stored state under
the key ring's current data key, decrypts under any key of the ring, and decrypts the states
written before the ring (eventsourcing's AESCipher, a key derived from a secret key)."""

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Cipher
from eventsourcing.utils import Environment

from infrastructure.security.keyring import KeyRing, KeyRingError, registered_ring

CIPHER_TOPIC = "infrastructure.security.ring_cipher:RingCipher"
RING_NAME = "TESTAMENT_KEY_RING"
RING_PURPOSE = "TESTAMENT_KEY_RING_PURPOSE"
# A ring-encrypted state: this marker, the data key's id (4 bytes), the nonce, the sealed state.
_MARKER = b"\x00TKR"
_HEAD = len(_MARKER) + 4


def cipher_env(ring: KeyRing, application_name: str) -> dict[str, str]:
    """This function will encrypt an application's stored states under the key ring."""
    return {"CIPHER_TOPIC": CIPHER_TOPIC, RING_NAME: ring.name, RING_PURPOSE: application_name}


class RingCipher(Cipher):
    """Stored as `\\x00TKR` + key id (big-endian, 4 bytes) + nonce (12) + AES-GCM output."""

    def __init__(self, environment: Environment) -> None:
        self._ring = registered_ring(environment.get(RING_NAME))
        self._purpose = environment.get(RING_PURPOSE) or environment.name

    @classmethod
    def over(cls, ring: KeyRing, purpose: str) -> "RingCipher":
        cipher = cls.__new__(cls)
        cipher._ring, cipher._purpose = ring, purpose
        return cipher

    def _aead(self, key_id: int) -> AESGCM:
        return self._ring.aead(key_id, f"log:{self._purpose}")

    def encrypt(self, plaintext: bytes) -> bytes:
        key_id = self._ring.current()
        head = _MARKER + key_id.to_bytes(4, "big")
        nonce = os.urandom(12)
        return head + nonce + self._aead(key_id).encrypt(nonce, plaintext, head)

    @staticmethod
    def key_of(ciphertext: bytes) -> int | None:
        """The data key a state is under (None: written before the key ring)."""
        if ciphertext[: len(_MARKER)] == _MARKER and len(ciphertext) >= _HEAD + 12 + 16:
            return int.from_bytes(ciphertext[len(_MARKER) : _HEAD], "big")
        return None

    def decrypt(self, ciphertext: bytes) -> bytes:
        """Raises ValueError when no key opens it."""
        key_id = self.key_of(ciphertext)
        if key_id is not None:
            body = ciphertext[_HEAD:]
            try:
                return self._aead(key_id).decrypt(body[:12], body[12:], ciphertext[:_HEAD])
            except (InvalidTag, KeyRingError):
                pass  # a state from before the ring that happens to start like one: try those
        # eventsourcing's AESCipher: nonce (12), tag (16), then the encrypted data.
        nonce, tag, data = ciphertext[:12], ciphertext[12:28], ciphertext[28:]
        for key in self._ring.legacy_keys(self._purpose):
            try:
                return AESGCM(key).decrypt(nonce, data + tag, None)
            except InvalidTag:
                continue
        raise ValueError(
            f"a {self._purpose} state opens with no key of the key ring, nor with"
            " TESTAMENT_SECRET_KEY or TESTAMENT_PREVIOUS_SECRET_KEYS"
        )

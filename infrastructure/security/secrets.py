"""Secrets at rest: AES-GCM with a key derived from the deployment's secret key."""

import base64
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_PREFIX = "sealed:v1:"


class AesGcmSecretBox:
    """Seals strings as `sealed:v1:<base64 nonce+ciphertext>`; opening checks integrity."""

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

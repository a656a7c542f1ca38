"""The key ring's pieces without a database: wrapping, sealing, the identity log's cipher."""

import base64
import hashlib

import pytest
from eventsourcing.cryptography import AESCipher
from eventsourcing.utils import Environment

from infrastructure.security.keyring import (
    KeyRing,
    KeyRingError,
    RingKey,
    RingSecrets,
    registered_ring,
    shared_ring,
    wrap,
)
from infrastructure.security.ring_cipher import RingCipher, cipher_env
from infrastructure.security.secrets import AesGcmSecretBox, RingSecretBox

SECRET = "unit-secret-key-" + "s" * 32
OTHER = "other-secret-key-" + "o" * 32


def a_ring(secret: str = SECRET) -> KeyRing:
    return KeyRing(RingSecrets(secret))


class TestWrapping:
    def test_opens_a_key_with_the_secret_that_wrapped_it_or_a_previous_one(self) -> None:
        descriptor = wrap(7, b"k" * 32, RingSecrets(SECRET))
        key = RingKey(id=7, friendly_name="data-key-7", xml=descriptor, retired=False)

        assert key.unwrap(RingSecrets(SECRET)) == b"k" * 32
        assert key.unwrap(RingSecrets(OTHER, (SECRET,))) == b"k" * 32
        with pytest.raises(KeyRingError, match=r"data key 7 .* TESTAMENT_PREVIOUS_SECRET_KEYS"):
            key.unwrap(RingSecrets(OTHER))

    def test_refuses_a_descriptor_moved_to_another_id_or_damaged(self) -> None:
        descriptor = wrap(1, b"k" * 32, RingSecrets(SECRET))

        with pytest.raises(KeyRingError, match="data key 2"):
            RingKey(2, "data-key-2", descriptor, False).unwrap(RingSecrets(SECRET))
        with pytest.raises(KeyRingError, match="damaged descriptor"):
            RingKey(1, "data-key-1", "<key/>", False).unwrap(RingSecrets(SECRET))


class TestRingSecretBox:
    def test_seals_under_the_current_key_naming_it(self) -> None:
        box = RingSecretBox(a_ring(), "environment-secrets")

        sealed = box.seal("s3cret")

        assert sealed.startswith("sealed:v2:1:") and "s3cret" not in sealed
        assert box.open(sealed) == "s3cret"

    def test_opens_what_was_sealed_before_the_ring_with_the_secret_or_a_previous_one(
        self,
    ) -> None:
        old = AesGcmSecretBox(SECRET).seal("s3cret")

        assert RingSecretBox(a_ring()).open(old) == "s3cret"
        assert RingSecretBox(KeyRing(RingSecrets(OTHER, (SECRET,)))).open(old) == "s3cret"
        with pytest.raises(ValueError, match="TESTAMENT_PREVIOUS_SECRET_KEYS"):
            RingSecretBox(a_ring(OTHER)).open(old)

    @pytest.mark.parametrize(
        "sealed", ["plain", "sealed:v2:9:AAAA", "sealed:v2:x:AAAA", "sealed:v2:1:%%%"]
    )
    def test_refuses_what_it_cannot_open_with_a_value_error(self, sealed: str) -> None:
        with pytest.raises(ValueError):
            RingSecretBox(a_ring()).open(sealed)

    def test_a_purpose_does_not_open_another_purposes_secrets(self) -> None:
        ring = a_ring()
        sealed = RingSecretBox(ring, "identity-tokens").seal("s3cret")

        with pytest.raises(ValueError, match="data key 1"):
            RingSecretBox(ring, "environment-secrets").open(sealed)


class TestRingCipher:
    def test_encrypts_under_the_current_key_and_decrypts(self) -> None:
        ring = shared_ring(RingSecrets(SECRET), None)
        cipher = RingCipher(Environment("identity", cipher_env(ring, "identity")))

        encrypted = cipher.encrypt(b'{"email": "a@example.com"}')

        assert RingCipher.key_of(encrypted) == 1 and b"example" not in encrypted
        assert cipher.decrypt(encrypted) == b'{"email": "a@example.com"}'
        assert registered_ring(ring.name) is ring

    def test_decrypts_states_of_eventsourcings_aes_cipher_from_before_the_ring(self) -> None:
        legacy_key = hashlib.sha256(f"testament:identity:{SECRET}".encode()).digest()
        legacy = AESCipher(Environment(env={"CIPHER_KEY": base64.b64encode(legacy_key).decode()}))
        state = legacy.encrypt(b'{"a": 1}')

        assert RingCipher.key_of(state) is None
        assert RingCipher.over(a_ring(), "identity").decrypt(state) == b'{"a": 1}'
        with pytest.raises(ValueError, match="no key of the key ring"):
            RingCipher.over(a_ring(OTHER), "identity").decrypt(state)

    def test_needs_a_ring_registered_in_the_process(self) -> None:
        with pytest.raises(OSError, match="no key ring"):
            RingCipher(Environment("identity", {"TESTAMENT_KEY_RING": "ring-unknown"}))

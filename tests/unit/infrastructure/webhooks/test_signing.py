"""Webhook signatures, checked by the receiver snippet of docs/webhooks.md (its own HMAC)."""

import time

from infrastructure.webhooks.signing import signature_header, verify
from tests.support.webhook_receiver import verify_signature

BODY = b'{"id":"d1","type":"webhook.test"}'


def headers(secrets: list[str], timestamp: int, body: bytes = BODY) -> dict[str, str]:
    return {
        "Testament-Webhook-Timestamp": str(timestamp),
        "Testament-Webhook-Signature": signature_header(secrets, timestamp, body),
    }


class TestSignature:
    def test_the_documented_snippet_accepts_what_testament_signs(self) -> None:
        assert verify_signature("whsec_a", headers(["whsec_a"], int(time.time())), BODY)

    def test_a_receiver_holding_either_secret_accepts_a_delivery_during_rotation(self) -> None:
        signed = headers(["whsec_new", "whsec_old"], int(time.time()))
        assert verify_signature("whsec_new", signed, BODY)
        assert verify_signature("whsec_old", signed, BODY)
        assert not verify_signature("whsec_other", signed, BODY)

    def test_a_changed_body_or_an_old_timestamp_is_refused(self) -> None:
        now = int(time.time())
        assert not verify_signature("whsec_a", headers(["whsec_a"], now), BODY + b" ")
        assert not verify_signature("whsec_a", headers(["whsec_a"], now - 301), BODY)

    def test_the_timestamp_is_signed_with_the_body(self) -> None:
        now = int(time.time())
        signed = headers(["whsec_a"], now)
        signed["Testament-Webhook-Timestamp"] = str(now + 1)
        assert not verify_signature("whsec_a", signed, BODY)

    def test_testaments_own_verify_agrees(self) -> None:
        now = int(time.time())
        signed = headers(["whsec_a"], now)
        header = signed["Testament-Webhook-Signature"]
        assert verify("whsec_a", header, str(now), BODY, now=now)
        assert not verify("whsec_b", header, str(now), BODY, now=now)
        assert not verify("whsec_a", header, "soon", BODY, now=now)

"""Webhook signatures: HMAC-SHA256 over `<timestamp>.<body>` (docs/webhooks.md).

The timestamp is signed with the body so a captured delivery cannot be replayed later
under a fresh timestamp; several signatures (during a secret rotation) are listed in one
header, and a receiver accepts the delivery when any of them matches a secret it holds.
"""

import hashlib
import hmac

ID_HEADER = "Testament-Webhook-Id"
EVENT_HEADER = "Testament-Webhook-Event"
TIMESTAMP_HEADER = "Testament-Webhook-Timestamp"
SIGNATURE_HEADER = "Testament-Webhook-Signature"
SCHEME = "v1"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """This function will sign a body at a time with one secret (hex digest)."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secrets: list[str], timestamp: int, body: bytes) -> str:
    """This function will write the signature header: `v1=<hex>` per secret, comma separated."""
    return ",".join(f"{SCHEME}={signature(secret, timestamp, body)}" for secret in secrets)


def verify(
    secret: str, header: str, timestamp: str, body: bytes, *, now: int, tolerance: int = 300
) -> bool:
    """This function will check a delivery as a receiver does: a recent timestamp, and one
    `v1` signature made with the secret (compared in constant time)."""
    if not timestamp.isdigit() or abs(now - int(timestamp)) > tolerance:
        return False
    expected = signature(secret, int(timestamp), body)
    for part in header.split(","):
        scheme, _, value = part.strip().partition("=")
        if scheme == SCHEME and hmac.compare_digest(value, expected):
            return True
    return False

"""Posts a webhook delivery: signed, under the outbound policy, bounded in time and answer."""

import time

import httpx

from application.notif.ports import SentRequest
from infrastructure.http.outbound import OutboundPolicy, OutboundRefusedError, pinned_url
from infrastructure.webhooks.signing import (
    EVENT_HEADER,
    ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    signature_header,
)

EXCERPT_CHARS = 1024
USER_AGENT = "Testament-Webhooks/1"


class HttpWebhookSender:
    """One POST per attempt, to the address the policy checked (no second DNS lookup), no
    redirects followed (a redirect is an answer, recorded as a failure)."""

    def __init__(self, policy: OutboundPolicy, *, timeout_seconds: float = 10.0) -> None:
        self._policy = policy
        self._client = httpx.Client(timeout=timeout_seconds, follow_redirects=False)

    def send(
        self, *, url: str, body: bytes, delivery_id: object, event: str, secrets: list[str]
    ) -> SentRequest:
        started = time.perf_counter()
        try:
            target, headers, extensions = pinned_url(url, self._policy.resolve(url))
        except OutboundRefusedError as error:
            return _failed(started, f"refused by the outbound policy: {error}")
        timestamp = int(time.time())
        headers.update(
            {
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                ID_HEADER: str(delivery_id),
                EVENT_HEADER: event,
                TIMESTAMP_HEADER: str(timestamp),
                SIGNATURE_HEADER: signature_header(secrets, timestamp, body),
            }
        )
        try:
            request = self._client.build_request(
                "POST", target, content=body, headers=headers, extensions=extensions
            )
            response = self._client.send(request, stream=True)
            try:
                excerpt = _excerpt(response)
            finally:
                response.close()
        except httpx.HTTPError as error:
            return _failed(started, f"{type(error).__name__}: {error}"[:EXCERPT_CHARS])
        return SentRequest(
            status_code=response.status_code,
            latency_ms=_since(started),
            response_excerpt=excerpt,
            error="",
        )

    def close(self) -> None:
        self._client.close()


def _excerpt(response: httpx.Response) -> str:
    # Only the start of an answer is kept: a receiver may answer with a whole page.
    read = bytearray()
    for chunk in response.iter_bytes():
        read.extend(chunk)
        if len(read) >= EXCERPT_CHARS:
            break
    return bytes(read[:EXCERPT_CHARS]).decode("utf-8", "replace").replace("\x00", "")


def _since(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def _failed(started: float, error: str) -> SentRequest:
    return SentRequest(
        status_code=None, latency_ms=_since(started), response_excerpt="", error=error
    )

"""Idempotency-Key on commands: a POST sent again with the same key does not run again.

A client that lost the answer to `POST /suites/{id}/runs` (a timeout, a dropped connection)
cannot tell whether the run was queued; sending it again queued a second one. With an
`Idempotency-Key` header (any visible ASCII, up to 255 characters) the first request under a
key claims it in auditlog.idempotent_requests (infrastructure.postgres.idempotency) and its
answer is kept, sealed with the deployment's key, for TESTAMENT_IDEMPOTENCY_KEEP_HOURS:

- the same key with the same request (method, path, query, content type and body) is answered
  the first answer again: status, headers and body, with `Idempotent-Replayed: true`;
- the same key with another request: 422 (idempotency-key-reused);
- while the first is still running, the second waits for its answer up to
  TESTAMENT_IDEMPOTENCY_WAIT_SECONDS, then answers 409 (idempotency-key-in-use) with
  Retry-After.

Only a success (2xx) is kept: a refused command did nothing, so the key is given back and
the same request may be sent again when whatever refused it has changed. Keys belong to the
caller (the access token's account; anonymous for registration), so nobody replays another
account's answer. The session routes (log-in, token, refresh, logout) take no key: replaying
their answer would hand out a token pair again, around refresh-token rotation.

A plain ASGI middleware, inside the body limit and the body guards, so the body it reads is
bounded and strict.
"""

import base64
import hashlib
import hmac
import json
import re
import time
from datetime import timedelta
from typing import Any

import anyio
import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from infrastructure.postgres.idempotency import (
    Answered,
    Claim,
    Claimed,
    IdempotencyLedger,
    InProgress,
    Mismatch,
)
from infrastructure.security.secrets import AesGcmSecretBox
from infrastructure.security.tokens import InvalidTokenError, TokenService
from interfaces.http.errors import PROBLEM_JSON

KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"
_KEY = re.compile(KEY_PATTERN)
# Replaying any of their answers would hand out a token pair again.
SESSION_ROUTES = frozenset({"/auth/login", "/auth/token", "/auth/refresh", "/auth/logout"})
_POLL_SECONDS = 0.05


def takes_key(method: str, path: str) -> bool:
    """This function will tell whether a request honours Idempotency-Key."""
    return method == "POST" and path not in SESSION_ROUTES


class IdempotencyMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        ledger: IdempotencyLedger,
        tokens: TokenService,
        secret_key: str,
        keep: timedelta,
        lease: timedelta,
        wait_seconds: float,
    ) -> None:
        self.app = app
        self.ledger = ledger
        self.tokens = tokens
        self.box = AesGcmSecretBox(secret_key, purpose="idempotent-answers")
        self.mac_key = hashlib.sha256(f"testament:idempotency:{secret_key}".encode()).digest()
        self.keep, self.lease, self.wait_seconds = keep, lease, wait_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not takes_key(scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = {name: value for name, value in scope["headers"]}
        raw_key = headers.get(b"idempotency-key")
        if raw_key is None:
            await self.app(scope, receive, send)
            return
        key = raw_key.decode("latin-1")
        if not _KEY.match(key):
            await send_problem(
                scope,
                send,
                400,
                "/problems/bad-idempotency-key",
                "Bad Idempotency-Key",
                "Idempotency-Key must be 1 to 255 visible ASCII characters",
            )
            return
        caller = self._caller(headers.get(b"authorization"))
        if caller is None:  # a token the route refuses (401): nothing to remember
            await self.app(scope, receive, send)
            return
        messages = await _read_body(receive)
        fingerprint = self._fingerprint(scope, headers, messages)
        claim = await self._claim(f"http:{caller}", key, fingerprint)
        if isinstance(claim, Mismatch):
            await send_problem(
                scope,
                send,
                422,
                "/problems/idempotency-key-reused",
                "Idempotency-Key reused",
                "this Idempotency-Key was sent with another request in the last "
                f"{_hours(self.keep)} hours; use a new key for a new request",
            )
            return
        if isinstance(claim, InProgress):
            await send_problem(
                scope,
                send,
                409,
                "/problems/idempotency-key-in-use",
                "Idempotency-Key in use",
                "the first request with this Idempotency-Key is still being handled; "
                "send it again shortly to get its answer",
                extra_headers=[(b"retry-after", b"1")],
            )
            return
        if isinstance(claim, Answered):
            await self._replay(claim.response, send)
            return
        await self._run(scope, messages, receive, send, claim)

    def _caller(self, authorization: bytes | None) -> str | None:
        """This function will name whose keys a request's key is among: the account of a
        valid access token, `anonymous` without one, None for a token that is not valid."""
        if authorization is None:
            return "anonymous"
        scheme, _, token = authorization.decode("latin-1").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        try:
            return str(self.tokens.check_access(token.strip()).user_id)
        except InvalidTokenError:
            return None

    def _fingerprint(
        self, scope: Scope, headers: dict[bytes, bytes], messages: list[Message]
    ) -> str:
        # Keyed, so the table cannot be used to test guesses of a body (a password, say).
        mac = hmac.new(self.mac_key, digestmod=hashlib.sha256)
        for part in (
            scope["method"].encode(),
            scope["path"].encode("utf-8", "surrogateescape"),
            scope.get("query_string", b""),
            headers.get(b"content-type", b""),
        ):
            mac.update(len(part).to_bytes(8, "big") + part)
        for message in messages:
            mac.update(message.get("body", b""))
        return mac.hexdigest()

    async def _claim(self, request_type: str, key: str, fingerprint: str) -> Claim:
        """This function will claim the key, waiting while an identical request holds it."""
        deadline = time.monotonic() + self.wait_seconds
        while True:
            claim = await anyio.to_thread.run_sync(
                lambda: self.ledger.claim(
                    request_type, key, fingerprint, keep=self.keep, lease=self.lease
                )
            )
            if not isinstance(claim, InProgress) or time.monotonic() >= deadline:
                return claim
            await anyio.sleep(_POLL_SECONDS)

    async def _run(
        self,
        scope: Scope,
        messages: list[Message],
        receive: Receive,
        send: Send,
        claim: Claimed,
    ) -> None:
        pending = iter(messages)
        status = 0
        answer_headers: list[tuple[bytes, bytes]] = []
        body: list[bytes] = []
        finished = False

        async def replay_body() -> Message:
            return next(pending, None) or await receive()

        async def recording_send(message: Message) -> None:
            nonlocal status, answer_headers, finished
            if message["type"] == "http.response.start":
                status = message["status"]
                answer_headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))
                finished = not message.get("more_body", False)
            await send(message)

        kept = False
        try:
            await self.app(scope, replay_body, recording_send)
            if finished and 200 <= status < 300:
                sealed = self.box.seal(_stored(status, answer_headers, b"".join(body)))
                await anyio.to_thread.run_sync(self.ledger.complete, claim.claim_id, sealed)
                kept = True
        finally:
            if not kept:
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(self.ledger.release, claim.claim_id)

    async def _replay(self, sealed: str, send: Send) -> None:
        stored = json.loads(self.box.open(sealed))
        headers = [
            (name.encode("latin-1"), value.encode("latin-1")) for name, value in stored["headers"]
        ]
        headers.append((REPLAYED_HEADER.lower().encode(), b"true"))
        await send({"type": "http.response.start", "status": stored["status"], "headers": headers})
        await send({"type": "http.response.body", "body": base64.b64decode(stored["body"])})


def _stored(status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> str:
    return json.dumps(
        {
            "status": status,
            "headers": [
                (name.decode("latin-1"), value.decode("latin-1")) for name, value in headers
            ],
            "body": base64.b64encode(body).decode(),
        }
    )


def _hours(keep: timedelta) -> int:
    return int(keep.total_seconds() // 3600)


async def _read_body(receive: Receive) -> list[Message]:
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            return messages


async def send_problem(
    scope: Scope,
    send: Send,
    status: int,
    problem_type: str,
    title: str,
    detail: str,
    *,
    extra_headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    """This function will answer problem+json, as the error handlers would."""
    problem: dict[str, Any] = {
        "type": problem_type,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": scope["path"],
    }
    correlation_id = scope.get("state", {}).get("correlation_id")
    if correlation_id:
        problem["correlation_id"] = correlation_id
    body = json.dumps(problem).encode()
    headers = [
        (b"content-type", PROBLEM_JSON.encode()),
        (b"content-length", str(len(body)).encode()),
        *(extra_headers or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

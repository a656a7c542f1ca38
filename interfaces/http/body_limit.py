"""Request bodies are limited before they are read: a client cannot make the API buffer and
parse more than its route class allows, token or no token.

Two classes: specification uploads (a file, or pasted text) may carry up to
`TESTAMENT_MAX_UPLOAD_BYTES` plus room for the multipart framing; every other body is a JSON
command and may carry up to `TESTAMENT_MAX_BODY_BYTES`. A declared Content-Length above the
limit is answered 413 before a byte is read; a chunked or under-declared body is counted as it
arrives and cut off at the limit. Outside the guards that read whole bodies (the text guard),
so they never hold more than the limit either.
"""

import json
import re
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Multipart boundaries, part headers and the small form fields around the file.
UPLOAD_FRAMING_BYTES = 64 * 1024
_UPLOAD_ROUTE = re.compile(r"^/projects/[^/]+/specs(?:/text)?/?$")
# Commands that carry a whole suite (up to 5,000 cases) are sized like uploads.
_BULK_ROUTE = re.compile(r"^/suites/[^/]+/cases:batch$|^/projects/[^/]+/suites/import$")


class BodyTooLargeError(HTTPException):
    """A request body over its route's limit. An HTTPException, so FastAPI lets it through
    from its body parsing to the problem handlers rather than calling it a parse error."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes, this route's limit")
        self.limit = limit


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes + UPLOAD_FRAMING_BYTES

    def limit_for(self, scope: Scope) -> int:
        """This function will give the body limit of a request's route class."""
        if scope["method"] == "POST" and _UPLOAD_ROUTE.match(scope["path"]):
            return self.max_upload_bytes
        if scope["method"] == "POST" and _BULK_ROUTE.match(scope["path"]):
            return self.max_upload_bytes - UPLOAD_FRAMING_BYTES
        return self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(scope, send, limit)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError(limit)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except BodyTooLargeError:
            # Raised through a guard that reads the body before routing (the app's own
            # handlers answer it when FastAPI's body parsing meets it).
            if started:
                raise
            await _refuse(scope, send, limit)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(scope: Scope, send: Send, limit: int) -> None:
    """This function will answer 413 problem+json, as the error handlers would."""
    detail = f"the request body is larger than {limit} bytes, this route's limit"
    problem: dict[str, Any] = {
        "type": "/problems/too-large",
        "title": "Content too large",
        "status": 413,
        "detail": detail,
        "instance": scope["path"],
        "limit": limit,
    }
    correlation_id = scope.get("state", {}).get("correlation_id")
    if correlation_id:
        problem["correlation_id"] = correlation_id
    body = json.dumps(problem).encode()
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
        # The rest of the body is not read: the connection cannot be reused.
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})

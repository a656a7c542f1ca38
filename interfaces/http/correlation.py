"""Correlation ids: read from X-Correlation-ID or made up, kept on the request, echoed back.

A plain ASGI middleware: Starlette's decorator middleware wraps every response in a stream
and cost more per request than the rest of the routing.
"""

import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class CorrelationMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        supplied = ""
        for name, value in scope["headers"]:
            if name == b"x-correlation-id":
                supplied = value.decode("latin-1")[:100]
                break
        correlation_id = supplied or str(uuid.uuid4())
        state: dict[str, Any] = scope.setdefault("state", {})
        state["correlation_id"] = correlation_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-correlation-id", correlation_id.encode("latin-1")),
                ]
            await send(message)

        await self.app(scope, receive, send_with_id)

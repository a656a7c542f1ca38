"""Request bodies whose JSON holds a lone surrogate (``"\\ud800"``) are refused at the door.

JSON may spell half of a UTF-16 surrogate pair, and Python reads it into a string that no
UTF-8 encoder accepts: stored, logged or echoed in an error, it failed far from the request
that brought it (500s in the event store, the read models, the error answers). It is not
text in any language, so no route has a use for it: one check here covers them all. A plain
ASGI middleware, like the correlation one, because Starlette's cost more per request.
"""

import json
import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# A \uD800-\uDBFF escape not followed by a \uDC00-\uDFFF one, or the other way round, when
# its backslash is not itself escaped ("\\ud800" is the text "\ud800", which is fine).
_LONE_SURROGATE = re.compile(
    rb"(?:^|[^\\])(?:\\\\)*"
    rb"(?:\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2})"
)
_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})


def _is_json(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            media: bytes = value.split(b";", 1)[0].strip().lower()
            return media == b"application/json" or media.endswith(b"+json")
    return False


class LoneSurrogateGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _WITH_BODY or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request" or not message.get("more_body", False):
                break
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
        if _LONE_SURROGATE.search(body):
            await _refuse(scope, send)
            return
        pending = iter(messages)

        async def replay() -> Message:
            """This function will hand the app the body already read, then what comes next."""
            return next(pending, None) or await receive()

        await self.app(scope, replay, send)


async def _refuse(scope: Scope, send: Send) -> None:
    """This function will answer 422 problem+json, as the error handlers would."""
    detail = "the body holds a lone UTF-16 surrogate escape (such as \\ud800), which is not text"
    problem: dict[str, Any] = {
        "type": "/problems/validation",
        "title": "Invalid input",
        "status": 422,
        "detail": detail,
        "instance": scope["path"],
        "errors": [{"field": "body", "location": ["body"], "message": detail}],
    }
    correlation_id = scope.get("state", {}).get("correlation_id")
    if correlation_id:
        problem["correlation_id"] = correlation_id
    body = json.dumps(problem).encode()
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": 422, "headers": headers})
    await send({"type": "http.response.body", "body": body})

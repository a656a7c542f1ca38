"""Request bodies that are not strict JSON are refused at the door (422), on every route.

Python's JSON reader takes what no other reader of Testament's data takes: NaN, Infinity and
1e999 (PostgreSQL's jsonb refuses them: one in an event stopped a read model for every
tenant), NUL (jsonb refuses it too), half a UTF-16 surrogate pair (no UTF-8 encoder takes
it: 500s in the event store, the read models, the error answers), and nesting deep enough
that replaying the aggregate later ran out of recursion. No route has a use for any of them,
so one check here covers them all, before FastAPI parses the body; the application checks
every event again before it is written (application.shared.base), for the values that do
not come from a request body (parsed files, generated cases). A plain ASGI middleware, like
the correlation one, because Starlette's cost more per request.
"""

import json
import re
from typing import Any

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.shared.strict_json import json_problem

# Deeper than any request needs (a case's body and schemas stop at 64), and under the bound
# on events (100) with room for the envelope a value is stored in.
MAX_BODY_DEPTH = 80
_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})
_INLINE_BYTES = 64 * 1024


def _is_json(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            media: bytes = value.split(b";", 1)[0].strip().lower()
            return media == b"application/json" or media.endswith(b"+json")
    return True  # FastAPI reads a body without a Content-Type as JSON


def body_problem(body: bytes) -> tuple[str, str] | None:
    """This function will find the first part of a JSON body that is not strict JSON, as a
    (field, reason) pair, the field named as FastAPI names fields (`variables.0.name`; for
    nesting too deep, the member that holds it); None when all is strict, and for a body that
    is not JSON at all (FastAPI answers that one itself)."""
    if not body.strip():
        return None
    try:
        value = json.loads(body)
    except RecursionError:
        return "body", f"nests deeper than {MAX_BODY_DEPTH} levels"
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    except ValueError as error:  # an integer of more than 4300 digits, say
        return "body", f"is not JSON this server reads: {error}"
    found = json_problem(value, max_depth=MAX_BODY_DEPTH)
    if found is None:
        return None
    where, why = found
    if why.startswith("nests deeper"):
        # The path to the first level too deep says little: name the member that holds it.
        field = re.match(r"\.?([^.\[]*)", where).group(1)  # type: ignore[union-attr]
        return field or "body", why
    # Named as FastAPI names the fields it refuses: variables.0.name
    return re.sub(r"\[(\d+)\]", r".\1", where).lstrip(".") or "body", why


class StrictJsonGuard:
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
        if len(body) < _INLINE_BYTES:
            found = body_problem(body)
        else:  # parsing a large body would hold up every other request of the event loop
            found = await anyio.to_thread.run_sync(body_problem, body)
        if found is not None:
            await refuse_invalid(scope, send, *found)
            return
        pending = iter(messages)

        async def replay() -> Message:
            """This function will hand the app the body already read, then what comes next."""
            return next(pending, None) or await receive()

        await self.app(scope, replay, send)


async def refuse_invalid(
    scope: Scope, send: Send, field: str, why: str, location: str = "body"
) -> None:
    """This function will answer 422 problem+json, as the error handlers would."""
    detail = f"{field}: {why}"
    problem: dict[str, Any] = {
        "type": "/problems/validation",
        "title": "Invalid input",
        "status": 422,
        "detail": detail,
        "instance": scope["path"],
        "errors": [{"field": field, "location": [location], "message": why}],
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

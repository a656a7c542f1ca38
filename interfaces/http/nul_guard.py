"""NUL in a request's path or query string is refused at the door (422), on every route.

PostgreSQL's text refuses NUL: a filter such as `?tag=%00` on the endpoint list reached the
SQL and failed there, a 500. Any string parameter could, on any route that hands it to a
reader, so one check here covers them all, as text_guard covers bodies. Header values need
no check: the HTTP server refuses NUL in them before they get here.
"""

from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from interfaces.http.text_guard import refuse_invalid

NUL = "\x00"
_REASON = "holds a NUL character, which no text in Testament may hold"


def nul_problem(path: str, query_string: bytes) -> tuple[str, str] | None:
    """This function will name the first part of a request that holds NUL, as a
    (field, location) pair, or None when none does."""
    if NUL in path:
        return "path", "path"
    query = query_string.decode("latin-1")
    if "%00" not in query and NUL not in query:
        return None
    for name, value in parse_qsl(query, keep_blank_values=True, encoding="utf-8"):
        if NUL in name or NUL in value:
            return name.replace(NUL, "\\x00"), "query"
    return None


class NulGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            found = nul_problem(scope["path"], scope.get("query_string", b""))
            if found is not None:
                field, location = found
                await refuse_invalid(scope, send, field, _REASON, location)
                return
        await self.app(scope, receive, send)

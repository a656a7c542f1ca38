"""Headers every answer carries, and the ones a stored file's download adds.

`X-Content-Type-Options: nosniff` on every response: a browser must take the declared type
at its word, so a JSON answer or an uploaded file is never run as HTML or script. A plain
ASGI middleware, like the correlation one, because Starlette's cost more per request.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_NOSNIFF = (b"x-content-type-options", b"nosniff")

# A downloaded file is the uploader's bytes, under the type the uploader claimed: an HTML
# "specification" opened from the API's origin could run script with a user's session.
# Nothing in it may load or run, and the browser saves it rather than showing it.
DOWNLOAD_CSP = "default-src 'none'; sandbox"


def download_headers(file_name: str, sha256: str) -> dict[str, str]:
    """This function will give the headers of a stored file's download."""
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in file_name)[:200]
    return {
        "Content-Disposition": f'attachment; filename="{safe or "download"}"',
        "Content-Security-Policy": DOWNLOAD_CSP,
        "X-Checksum-SHA256": sha256,
    }


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), _NOSNIFF]
            await send(message)

        await self.app(scope, receive, send_with_headers)

"""A loopback relay in front of Prism that answers what Prism cannot.

Prism 5 never answers a request whose JSON body does not parse (the connection hangs until
the client gives up), so a "malformed JSON is refused" case would cost a 30 s timeout and
decide nothing. The relay refuses such a body itself with 400 and `x-oracle: malformed-json`,
as any server that validates its input does, and passes everything else to Prism unchanged
(status, headers including `sl-violations`, body).
"""

import asyncio
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from aiohttp import ClientError, ClientSession, ClientTimeout, web

from bench.oracle.servers import free_port

PRISM_TIMEOUT = 10.0
_SESSION = web.AppKey("session", ClientSession)
_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}


def _malformed_json(content_type: str, body: bytes) -> bool:
    if not body or "json" not in content_type.lower():
        return False
    try:
        json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return True
    return False


def _app(upstream: str) -> web.Application:
    async def startup(app: web.Application) -> None:
        # Prism answers in milliseconds or never (it hangs on some documents): waiting for
        # Testament's 30 s case timeout would decide nothing and cost the bench its bound.
        app[_SESSION] = ClientSession(
            timeout=ClientTimeout(total=PRISM_TIMEOUT), auto_decompress=False
        )

    async def cleanup(app: web.Application) -> None:
        await app[_SESSION].close()

    async def relay(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        if _malformed_json(request.headers.get("Content-Type", ""), body):
            return web.json_response(
                {"title": "malformed JSON body", "status": 400},
                status=400,
                headers={"x-oracle": "malformed-json"},
                content_type="application/problem+json",
            )
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP | {"host"}}
        try:
            async with request.app[_SESSION].request(
                request.method,
                upstream + request.rel_url.raw_path_qs,
                headers=headers,
                data=body or None,
                allow_redirects=False,
            ) as answer:
                payload = await answer.read()
                out = {k: v for k, v in answer.headers.items() if k.lower() not in _HOP}
                if "content-encoding" in answer.headers:
                    out["Content-Encoding"] = answer.headers["content-encoding"]
                return web.Response(status=answer.status, headers=out, body=payload)
        except (TimeoutError, ClientError) as error:
            # Prism crashed or hung: the case is undecidable, and the judge must know why.
            return web.json_response(
                {"title": "Prism did not answer", "detail": repr(error)[:300]},
                status=502,
                headers={"x-oracle": "prism-failed"},
            )

    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.on_startup.append(startup)
    app.on_cleanup.append(cleanup)
    app.router.add_route("*", "/{tail:.*}", relay)
    return app


@contextmanager
def relay(upstream: str) -> Iterator[str]:
    """This function will run the relay on a thread of its own and give its URL."""
    port = free_port()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(_app(upstream), access_log=None, shutdown_timeout=2.0)
    started = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, name="oracle-relay", daemon=True)
    thread.start()
    if not started.wait(10):
        raise RuntimeError("the relay did not start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        with suppress(TimeoutError, RuntimeError):
            asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)

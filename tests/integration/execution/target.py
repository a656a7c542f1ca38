"""A misbehaving-on-demand HTTP target for the engine's tests, served on 127.0.0.1.

It runs an aiohttp application on its own event loop in a background thread and counts
what it receives, so tests can tell what was (not) sent.
"""

import asyncio
import base64
import gzip
import itertools
import json
import socket
import struct
import threading
import time
import zlib
from collections import Counter
from typing import Any

import brotli
from aiohttp import web
from backports import zstd

USER, PASSWORD = "alice", "wonderland-pw"
BEARER = "static-bearer-token-xyz"
API_KEY = "api-key-value-123"
CLIENT_ID, CLIENT_SECRET = "client-1", "client-secret-456"
LOGIN_TOKEN = "login-token-789"
BIG_BYTES = 50 * 1024 * 1024


class Target:
    """The state of the target: request counts, issued tokens, stored items, timings."""

    def __init__(self) -> None:
        self.url = ""
        self.counts: Counter[str] = Counter()
        self.items: dict[int, dict[str, Any]] = {}
        self.ids = itertools.count(1)
        self.tokens: dict[str, float] = {}  # OAuth2 token -> expiry (monotonic)
        self.token_lifetime = 60.0
        self.refused_once: set[str] = set()
        self.spans: dict[str, tuple[float, float]] = {}
        self.flaky_failures = 2

    def reset(self) -> None:
        """This function will forget what earlier tests did."""
        self.counts.clear()
        self.items.clear()
        self.tokens.clear()
        self.refused_once.clear()
        self.spans.clear()
        self.token_lifetime = 60.0
        self.flaky_failures = 2

    # -- handlers --------------------------------------------------------------------

    async def login(self, request: web.Request) -> web.Response:
        self.counts["login"] += 1
        body = await request.json()
        if body.get("username") != USER or body.get("password") != PASSWORD:
            return web.json_response({"error": "bad credentials"}, status=401)
        return web.json_response({"data": {"token": LOGIN_TOKEN}, "expires": 3600})

    def _bearer(self, request: web.Request) -> str:
        return request.headers.get("Authorization", "").removeprefix("Bearer ")

    async def create_item(self, request: web.Request) -> web.Response:
        self.counts["create"] += 1
        if self._bearer(request) != LOGIN_TOKEN:
            return web.json_response({"error": "unauthorized"}, status=401)
        body = await request.json()
        item_id = next(self.ids)
        self.items[item_id] = {"id": item_id, **body}
        return web.json_response(
            {"id": item_id}, status=201, headers={"Location": f"/items/{item_id}"}
        )

    async def get_item(self, request: web.Request) -> web.Response:
        self.counts["get_item"] += 1
        # ?delay_ms= makes a read slow enough that a concurrent delete would overtake it.
        await asyncio.sleep(int(request.query.get("delay_ms", "0")) / 1000)
        item = self.items.get(int(request.match_info["id"]))
        if item is None:
            return web.json_response({"error": "not found"}, status=404)
        return web.json_response(item)

    async def delete_item(self, request: web.Request) -> web.Response:
        self.counts["delete"] += 1
        if self.items.pop(int(request.match_info["id"]), None) is None:
            return web.json_response({"error": "not found"}, status=404)
        return web.Response(status=204)

    async def echo(self, request: web.Request) -> web.Response:
        self.counts["echo"] += 1
        body = await request.read()
        return web.json_response(
            {
                "method": request.method,
                "path": request.path,
                "query": dict(request.query),
                "headers": dict(request.headers),
                "cookies": dict(request.cookies),
                "body": body.decode("utf-8", errors="replace"),
            }
        )

    async def protected(self, request: web.Request) -> web.Response:
        self.counts["protected"] += 1
        headers = request.headers
        kind = request.match_info["kind"]
        expected_basic = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        allowed = {
            "basic": headers.get("Authorization") == expected_basic,
            "bearer": headers.get("Authorization") == f"Bearer {BEARER}",
            "apikey": API_KEY
            in (
                headers.get("X-API-Key"),
                request.query.get("api_key"),
                request.cookies.get("api_key"),
            ),
        }[kind]
        if not allowed:
            return web.json_response({"error": "unauthorized"}, status=401)
        return web.json_response({"ok": True, "kind": kind})

    async def token(self, request: web.Request) -> web.Response:
        self.counts["token"] += 1
        form = await request.post()
        if (
            form.get("grant_type") != "client_credentials"
            or form.get("client_id") != CLIENT_ID
            or form.get("client_secret") != CLIENT_SECRET
        ):
            return web.json_response({"error": "invalid_client"}, status=401)
        issued = f"oauth-token-{self.counts['token']}"
        self.tokens[issued] = time.monotonic() + self.token_lifetime
        return web.json_response(
            {"access_token": issued, "token_type": "Bearer", "expires_in": self.token_lifetime}
        )

    async def oauth_resource(self, request: web.Request) -> web.Response:
        self.counts["oauth_resource"] += 1
        token = self._bearer(request)
        if self.tokens.get(token, 0) < time.monotonic():
            return web.json_response({"error": "invalid_token"}, status=401)
        return web.json_response({"ok": True, "token_number": token.rsplit("-", 1)[-1]})

    async def revoked_once(self, request: web.Request) -> web.Response:
        """The first token seen is refused once (revoked server-side), later ones pass."""
        self.counts["revoked_once"] += 1
        token = self._bearer(request)
        if not self.refused_once:
            self.refused_once.add(token)
        if token in self.refused_once or token not in self.tokens:
            return web.json_response({"error": "invalid_token"}, status=401)
        return web.json_response({"ok": True})

    async def typed(self, request: web.Request) -> web.Response:
        self.counts["typed"] += 1
        return web.json_response(
            {
                "id": 7,
                "name": "Rex",
                "price": 9.5,
                "tags": ["good", "dog"],
                "owner": None,
                "vaccinated": True,
                "nested": {"items": [{"id": 1}, {"id": 2}, {"id": 3}]},
            },
            headers={"X-Request-Id": "req-42", "Cache-Control": "no-store"},
        )

    async def slow(self, request: web.Request) -> web.Response:
        name = request.query.get("name", "slow")
        self.counts[name] += 1
        started = time.monotonic()
        await asyncio.sleep(float(request.query.get("seconds", "5")))
        self.spans[name] = (started, time.monotonic())
        return web.json_response({"slept": True})

    async def encoded(self, request: web.Request) -> web.Response:
        """A JSON body compressed with the encoding named in the path, whatever was asked."""
        encoding = request.match_info["encoding"]
        body = json.dumps({"encoding": encoding, "items": list(range(50))}).encode()
        compressed = {
            "gzip": lambda: gzip.compress(body),
            "deflate": lambda: zlib.compress(body),
            "br": lambda: brotli.compress(body),
            "zstd": lambda: zstd.compress(body),
        }[encoding]()
        return web.Response(
            body=compressed,
            headers={"Content-Type": "application/json", "Content-Encoding": encoding},
        )

    async def reset_connection(self, request: web.Request) -> web.StreamResponse:
        self.counts["reset"] += 1
        return _abort(request)

    async def flaky(self, request: web.Request) -> web.StreamResponse:
        self.counts["flaky"] += 1
        if self.counts["flaky"] <= self.flaky_failures:
            return _abort(request)
        return web.json_response({"ok": True})

    async def big(self, request: web.Request) -> web.StreamResponse:
        self.counts["big"] += 1
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.content_length = BIG_BYTES
        await response.prepare(request)
        chunk = b"1" * 65_536
        try:
            for _ in range(BIG_BYTES // len(chunk)):
                await response.write(chunk)
        except (ConnectionError, RuntimeError):
            return response  # the client stopped reading, as it should
        return response

    async def invalid_json(self, request: web.Request) -> web.Response:
        self.counts["invalid_json"] += 1
        return web.Response(body=b'{"id": 1, "name": ', content_type="application/json")

    async def lone_surrogate(self, request: web.Request) -> web.Response:
        # Valid JSON that Python reads into a string no UTF-8 encoder accepts.
        return web.Response(body=b'{"a": "\\ud800", "id": 7}', content_type="application/json")

    async def html(self, request: web.Request) -> web.Response:
        self.counts["html"] += 1
        return web.Response(text="<html><body>hello</body></html>", content_type="text/html")

    async def server_error(self, request: web.Request) -> web.Response:
        self.counts["error500"] += 1
        return web.json_response({"error": "boom"}, status=500)

    async def sized(self, request: web.Request) -> web.Response:
        self.counts["sized"] += 1
        size = int(request.query.get("bytes", "1024"))
        return web.json_response({"id": self.counts["sized"], "padding": "x" * size})

    async def counted(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        self.counts[f"counted:{name}"] += 1
        return web.json_response({"name": name, "n": self.counts[f"counted:{name}"]})

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/login", self.login)
        app.router.add_post("/items", self.create_item)
        app.router.add_get("/items/{id}", self.get_item)
        app.router.add_delete("/items/{id}", self.delete_item)
        app.router.add_route("*", "/echo", self.echo)
        app.router.add_route("*", "/echo/{tail:.*}", self.echo)
        app.router.add_get("/protected/{kind}", self.protected)
        app.router.add_post("/oauth/token", self.token)
        app.router.add_get("/oauth/resource", self.oauth_resource)
        app.router.add_get("/oauth/revoked-once", self.revoked_once)
        app.router.add_get("/typed", self.typed)
        app.router.add_get("/slow", self.slow)
        app.router.add_get("/reset", self.reset_connection)
        app.router.add_get("/flaky", self.flaky)
        app.router.add_get("/big", self.big)
        app.router.add_get("/invalid-json", self.invalid_json)
        app.router.add_get("/html", self.html)
        app.router.add_get("/lone-surrogate", self.lone_surrogate)
        app.router.add_get("/error500", self.server_error)
        app.router.add_get("/counted/{name}", self.counted)
        app.router.add_get("/sized", self.sized)
        app.router.add_get("/encoded/{encoding}", self.encoded)
        return app


def _abort(request: web.Request) -> web.StreamResponse:
    transport = request.transport
    if transport is not None:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            # Linger 0: closing sends a TCP reset instead of an orderly FIN.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    return web.Response(status=500)


class ServedTarget:
    """The target's application running in a background thread until ``stop``."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.target = Target()
        self._host = host
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._serve, name="execution-target", daemon=True)

    def start(self) -> Target:
        """This function will start serving and give the target with its base URL."""
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the test target did not start")
        return self.target

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._runner = web.AppRunner(
            self.target.app(), access_log=None, handle_signals=False, shutdown_timeout=0.2
        )
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, self._host, 0)
        self._loop.run_until_complete(site.start())
        port = self._runner.addresses[0][1]
        host = f"[{self._host}]" if ":" in self._host else self._host
        self.target.url = f"http://{host}:{port}"
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self._runner.cleanup())
        self._loop.run_until_complete(self._loop.shutdown_asyncgens())
        self._loop.close()

    def stop(self) -> None:
        """This function will stop serving and close the loop."""
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


def json_of(text: str) -> Any:
    """This function will parse a recorded JSON body."""
    return json.loads(text)

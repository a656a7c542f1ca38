"""A local server speaking the parts of Stripe's HTTP API Testament uses, and webhook
payloads signed exactly as Stripe signs them. No network: the real `stripe` SDK is pointed
at it (`api_base`)."""

import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

API_KEY = "sk_test_fake_0123456789"
WEBHOOK_SECRET = "whsec_fake_0123456789abcdef"
PRICES = {"price_pro_monthly": (1900, "usd"), "price_pro_yearly": (19000, "usd")}


def nested(form: list[tuple[str, str]]) -> dict[str, Any]:
    """This function will read Stripe's form encoding (`a[b][0][c]=v`) back into objects."""
    root: dict[str, Any] = {}
    for key, value in form:
        parts = key.replace("]", "").split("[")
        node: Any = root
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            following = None if last else parts[index + 1]
            container: Any = [] if following is not None and following.isdigit() else {}
            if isinstance(node, list):
                position = int(part)
                while len(node) <= position:
                    node.append(None)
                if last:
                    node[position] = value
                else:
                    node[position] = node[position] if node[position] is not None else container
                    node = node[position]
            elif last:
                node[part] = value
            else:
                node = node.setdefault(part, container)
    return root


@dataclass
class FakeStripe:
    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)


def sign(payload: bytes, *, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    """This function will give the Stripe-Signature header of a payload (scheme v1)."""
    timestamp = at if at is not None else int(time.time())
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def an_event(event_type: str, obj: dict[str, Any], *, created: int | None = None) -> bytes:
    event = {
        "id": f"evt_{secrets.token_hex(12)}",
        "object": "event",
        "api_version": "2025-01-27.acacia",
        "created": created if created is not None else int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
        "data": {"object": obj},
    }
    return json.dumps(event).encode()


@contextmanager
def fake_stripe() -> Iterator[FakeStripe]:
    state = FakeStripe(url="")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_: Any) -> None:
            pass

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Request-Id", f"req_{secrets.token_hex(8)}")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True)
            params = nested(form)
            state.requests.append(
                {"path": self.path, "params": params, "headers": dict(self.headers)}
            )
            if self.headers.get("Authorization") != f"Bearer {API_KEY}":
                self._answer(
                    401, {"error": {"type": "invalid_request_error", "message": "bad key"}}
                )
                return
            if self.path != "/v1/checkout/sessions":
                self._answer(404, {"error": {"type": "invalid_request_error", "message": "no"}})
                return
            price = params["line_items"][0]["price"]
            if price not in PRICES:
                self._answer(
                    400,
                    {
                        "error": {
                            "type": "invalid_request_error",
                            "message": f"No such price: {price}",
                        }
                    },
                )
                return
            amount, currency = PRICES[price]
            session_id = f"cs_test_{secrets.token_hex(12)}"
            self._answer(
                200,
                {
                    "id": session_id,
                    "object": "checkout.session",
                    "mode": params.get("mode"),
                    "url": f"https://checkout.stripe.com/c/pay/{session_id}",
                    "expires_at": int(time.time()) + 86400,
                    "amount_total": amount,
                    "currency": currency,
                    "client_reference_id": params.get("client_reference_id"),
                    "customer": params.get("customer"),
                    "metadata": params.get("metadata", {}),
                    "status": "open",
                    "payment_status": "unpaid",
                },
            )

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()

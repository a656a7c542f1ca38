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
from urllib.parse import parse_qsl, urlsplit

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
    """What the fake was asked, and what it holds: subscriptions (made on first change, as
    if Checkout had made them, unless `gone`), payments a test registers to refund, refunds."""

    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    subscriptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)
    # payment id (pi_ or ch_) -> [amount, currency, refunded so far, charge id]
    payments: dict[str, list[Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    refund_status: str = "succeeded"  # what the next refunds report

    def a_payment(self, amount: int, currency: str = "usd") -> str:
        """This function will hold a payment Stripe can refund; returns its PaymentIntent id."""
        intent = f"pi_{secrets.token_hex(12)}"
        self.payments[intent] = [amount, currency, 0, f"ch_{secrets.token_hex(12)}"]
        return intent

    def charge_of(self, intent: str) -> str:
        return str(self.payments[intent][3])


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

        def _missing(self, what: str) -> None:
            self._answer(
                404,
                {
                    "error": {
                        "type": "invalid_request_error",
                        "code": "resource_missing",
                        "message": f"No such {what}",
                    }
                },
            )

        def _invalid(self, message: str) -> None:
            self._answer(400, {"error": {"type": "invalid_request_error", "message": message}})

        def _authorized(self, params: dict[str, Any]) -> bool:
            state.requests.append(
                {"path": self.path, "params": params, "headers": dict(self.headers)}
            )
            if self.headers.get("Authorization") != f"Bearer {API_KEY}":
                self._answer(
                    401, {"error": {"type": "invalid_request_error", "message": "bad key"}}
                )
                return False
            return True

        def do_GET(self) -> None:
            split = urlsplit(self.path)
            params = dict(parse_qsl(split.query))
            if not self._authorized(params):
                return
            if split.path != "/v1/refunds":
                self._missing("route")
                return
            charge = params.get("charge")
            found = [r for r in state.refunds.values() if charge in (None, r["charge"])]
            self._answer(
                200, {"object": "list", "data": found, "has_more": False, "url": "/v1/refunds"}
            )

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True)
            params = nested(form)
            if not self._authorized(params):
                return
            if self.path.startswith("/v1/subscriptions/"):
                self._subscription(self.path.rsplit("/", 1)[-1], params)
            elif self.path == "/v1/refunds":
                self._refund(params)
            elif self.path == "/v1/checkout/sessions":
                self._checkout(params)
            else:
                self._missing("route")

        def _subscription(self, sub_id: str, params: dict[str, Any]) -> None:
            if sub_id in state.gone:
                self._missing(f"subscription: '{sub_id}'")
                return
            subscription = state.subscriptions.setdefault(
                sub_id,
                {
                    "id": sub_id,
                    "object": "subscription",
                    "status": "active",
                    "cancel_at_period_end": False,
                    "metadata": {},
                },
            )
            if "cancel_at_period_end" in params:
                subscription["cancel_at_period_end"] = params["cancel_at_period_end"] == "true"
            self._answer(200, subscription)

        def _refund(self, params: dict[str, Any]) -> None:
            target = params.get("payment_intent") or params.get("charge")
            payment = next(
                (
                    (intent, held)
                    for intent, held in state.payments.items()
                    if target in (intent, held[3])
                ),
                None,
            )
            if payment is None:
                self._missing(f"payment_intent: '{target}'")
                return
            intent, held = payment
            amount_total, currency, refunded, charge = held
            amount = int(params.get("amount") or amount_total - refunded)
            if amount <= 0 or refunded + amount > amount_total:
                self._invalid(
                    f"Refund amount ({amount}) is greater than unrefunded amount on charge "
                    f"({amount_total - refunded})"
                )
                return
            held[2] = refunded + amount
            refund = {
                "id": f"re_{secrets.token_hex(12)}",
                "object": "refund",
                "amount": amount,
                "currency": currency,
                "status": state.refund_status,
                "payment_intent": intent,
                "charge": charge,
                "metadata": params.get("metadata", {}),
                "created": int(time.time()),
            }
            state.refunds[refund["id"]] = refund
            self._answer(200, refund)

        def _checkout(self, params: dict[str, Any]) -> None:
            price = params["line_items"][0]["price"]
            if price not in PRICES:
                self._invalid(f"No such price: {price}")
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

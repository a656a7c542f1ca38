"""Local stand-ins for notification providers, speaking their real protocols: an SMTP
server (aiosmtpd) and an HTTP server answering Twilio's Messages API."""

import base64
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from aiosmtpd.controller import Controller

from tests.support.target_api import free_port


@dataclass
class Mailbox:
    """What the SMTP server accepted, and how it answers the next DATA commands."""

    host: str = "127.0.0.1"
    port: int = 0
    accepted: list[Message] = field(default_factory=list)
    envelopes: list[list[str]] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)  # e.g. "451 4.3.0 try later"; then 250
    # When set (and not yet released), a DATA waits for it: the whole message has reached
    # the server, the sender waits for the answer. The message is kept in `held`, and with
    # `hold_outcome` "accept" also in `accepted` (a server that stored it before answering);
    # with "refuse" it is dropped (451 once released, if the sender is still there: aiosmtpd
    # cancels the handler when the sender goes away).
    hold: threading.Event | None = None
    hold_outcome: str = "refuse"
    held: list[Message] = field(default_factory=list)

    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for m in self.accepted]


class _Handler:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import asyncio

        if self.mailbox.hold is not None and not self.mailbox.hold.is_set():
            # A server that does not answer yet: the sender is stopped before it hears back.
            self.mailbox.held.append(message_from_bytes(envelope.content))
            if self.mailbox.hold_outcome == "accept":
                self.mailbox.accepted.append(message_from_bytes(envelope.content))
                self.mailbox.envelopes.append(list(envelope.rcpt_tos))
            while not self.mailbox.hold.is_set():
                await asyncio.sleep(0.05)
            if self.mailbox.hold_outcome == "accept":
                return "250 Message accepted for delivery"
            return "451 4.3.0 the sender went away"
        if self.mailbox.answers:
            return self.mailbox.answers.pop(0)
        self.mailbox.accepted.append(message_from_bytes(envelope.content))
        self.mailbox.envelopes.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(**options: Any) -> Iterator[Mailbox]:
    mailbox = Mailbox(port=free_port(), **options)
    controller = Controller(_Handler(mailbox), hostname=mailbox.host, port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        if mailbox.hold is not None:
            mailbox.hold.set()
        controller.stop()


@dataclass
class TwilioFake:
    url: str = ""
    account_sid: str = "AC" + "0" * 32
    auth_token: str = "fake-auth-token"
    sent: list[dict[str, str]] = field(default_factory=list)


@contextmanager
def twilio_fake() -> Iterator[TwilioFake]:
    """Twilio's POST /2010-04-01/Accounts/{sid}/Messages.json: basic auth, form fields
    To/From/Body, 201 with a sid, 400 with code 21211 for a number that is not E.164."""
    fake = TwilioFake()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            expected = (
                "Basic "
                + base64.b64encode(f"{fake.account_sid}:{fake.auth_token}".encode()).decode()
            )
            if self.path != f"/2010-04-01/Accounts/{fake.account_sid}/Messages.json":
                return self._json(404, {"code": 20404, "message": "not found", "status": 404})
            if self.headers.get("Authorization") != expected:
                return self._json(401, {"code": 20003, "message": "Authenticate", "status": 401})
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if not form.get("To", "").startswith("+"):
                return self._json(
                    400,
                    {
                        "code": 21211,
                        "message": f"The 'To' number {form.get('To')} is not a valid phone number.",
                        "status": 400,
                    },
                )
            fake.sent.append(form)
            sid = "SM" + uuid.uuid4().hex
            return self._json(
                201, {"sid": sid, "status": "queued", "to": form["To"], "body": form["Body"]}
            )

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()

"""Providers of notifications: SMTP for e-mail, Twilio's REST protocol for SMS, and a
log-only sender of each for development (nothing leaves the machine)."""

import logging
import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from uuid import UUID

import httpx

from application.notif.messages import ClaimedMessage, SendRefusedError

log = logging.getLogger(__name__)

# An attachment's bytes and content type, by its file entry in the storage context.
AttachedFiles = Callable[[UUID], tuple[bytes, str]]


def message_id_of(row_id: UUID) -> str:
    """This function will give an e-mail's Message-ID header, from its row id alone."""
    return f"<{row_id}@testament>"


class SmtpEmailSender:
    """One SMTP session per message: STARTTLS, implicit TLS or plain, and a login when
    credentials are set. 5xx answers are permanent refusals; the rest are retried."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        tls: str,
        username: str | None,
        password: str | Callable[[], str | None] | None,
        timeout: float = 30.0,
        files: AttachedFiles | None = None,
    ) -> None:
        """`password` may be a function, asked at each log-in: the runtime setting an Admin
        changes without a restart (docs/configuration.md). `files` reads an attachment's
        bytes and content type from the storage context, by file entry."""
        self._host, self._port, self._tls = host, port, tls
        self._username, self._password, self._timeout = username, password, timeout
        self._files = files

    def send(self, message: ClaimedMessage) -> str:
        email = EmailMessage()
        fields = message.fields
        email["From"] = fields["from"]
        email["To"] = fields["tos"]
        if fields["ccs"]:
            email["Cc"] = fields["ccs"]
        email["Subject"] = fields["subject"]
        # The same on every attempt (the row id alone: make_msgid would add the time and a
        # random number), so a copy sent again after a worker died mid-send is recognisable.
        email["Message-ID"] = message_id_of(message.id)
        email.set_content(fields["body"])
        for file_entry_id, name in message.attachments:
            self._attach(email, file_entry_id, name)
        recipients = [a for key in ("tos", "ccs", "bccs") for a in _addresses(fields[key])]
        try:
            with self._connect() as smtp:
                if self._tls == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if self._username:
                    password = self._password() if callable(self._password) else self._password
                    smtp.login(self._username, password or "")
                refused = smtp.send_message(email, to_addrs=recipients)
        except smtplib.SMTPResponseException as error:
            text = (
                error.smtp_error.decode(errors="replace")
                if isinstance(error.smtp_error, bytes)
                else str(error.smtp_error)
            )
            raise SendRefusedError(
                f"SMTP {error.smtp_code} {text}", permanent=500 <= error.smtp_code < 600
            ) from None
        except smtplib.SMTPRecipientsRefused as error:
            raise SendRefusedError(
                f"every recipient refused: {error.recipients}", permanent=True
            ) from None
        except (smtplib.SMTPException, OSError) as error:
            raise SendRefusedError(f"{type(error).__name__}: {error}") from None
        if refused:
            return f"accepted by {self._host}, refused for {sorted(refused)}"
        return f"accepted by {self._host}:{self._port} for {len(recipients)} recipient(s)"

    def _attach(self, email: EmailMessage, file_entry_id: UUID, name: str) -> None:
        """A file the message names, read from storage; one that is gone (deleted, purged)
        is a permanent refusal: the e-mail would not say what it says it carries."""
        if self._files is None:
            raise SendRefusedError("this sender cannot read attachments", permanent=True)
        try:
            content, content_type = self._files(file_entry_id)
        except Exception as error:
            raise SendRefusedError(
                f"attachment {name!r} ({file_entry_id}) cannot be read: {error}", permanent=True
            ) from None
        maintype, _, subtype = (content_type or "application/octet-stream").partition("/")
        email.add_attachment(
            content, maintype=maintype, subtype=subtype or "octet-stream", filename=name
        )

    def _connect(self) -> smtplib.SMTP:
        if self._tls == "ssl":
            return smtplib.SMTP_SSL(
                self._host, self._port, timeout=self._timeout, context=ssl.create_default_context()
            )
        return smtplib.SMTP(self._host, self._port, timeout=self._timeout)


def _addresses(joined: str) -> list[str]:
    return [a.strip() for a in joined.split(",") if a.strip()]


class TwilioSmsSender:
    """Twilio's Messages API (POST /2010-04-01/Accounts/{sid}/Messages.json, form-encoded
    To/From/Body, basic auth with the account sid and auth token)."""

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        sender: str,
        base_url: str,
        timeout: float = 15.0,
    ) -> None:
        self._url = f"{base_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self._auth = (account_sid, auth_token)
        self._sender, self._timeout = sender, timeout

    def send(self, message: ClaimedMessage) -> str:
        try:
            response = httpx.post(
                self._url,
                data={
                    "To": message.fields["phone_number"],
                    "From": self._sender,
                    "Body": message.fields["message"],
                },
                auth=self._auth,
                timeout=self._timeout,
            )
        except httpx.HTTPError as error:
            raise SendRefusedError(f"{type(error).__name__}: {error}") from None
        if response.status_code in (200, 201):
            answer = response.json()
            return f"accepted as {answer.get('sid')} ({answer.get('status')})"
        detail = response.text[:300]
        # 4xx other than 429 is a refusal of the message itself (an invalid number): final.
        permanent = 400 <= response.status_code < 500 and response.status_code != 429
        raise SendRefusedError(f"HTTP {response.status_code}: {detail}", permanent=permanent)


class LogSender:
    """Writes the message to the log instead of sending it (development)."""

    def send(self, message: ClaimedMessage) -> str:
        log.info(
            "notification %s (%s) not sent, logged: %s", message.id, message.channel, message.fields
        )
        return "logged only (no provider configured)"

"""The e-mails of the identity flows: a confirmation of the address and a password reset,
each carrying its single-use token, queued as notification rows.

Across two contexts (identity issues the token, notif sends it), so it lives here. The
token is recorded before the e-mail is queued: a crash in between loses only that e-mail,
and the user asks again (a new token replaces the old one).

Forgot-password requests are throttled by address and by client: over either limit the
answer is the same (nothing tells whether an account has the address), but nothing is sent
and no token is issued.
"""

from collections.abc import Callable
from datetime import timedelta
from uuid import UUID, uuid4

from application.identity.app import IdentityApplication
from application.identity.tokens import IssuedToken
from application.notif.messages import Channel, NewMessage, Notifications
from application.notif.templates import EditedTexts, render
from domain.shared.meta import Meta
from infrastructure.read_models.postgres.readers import PostgresUserReader
from infrastructure.security.send_throttle import SendThrottle


class AccountEmails:
    """Sends the tokens of the identity flows by e-mail."""

    def __init__(
        self,
        identity: IdentityApplication,
        notifications: Notifications,
        *,
        sender: Callable[[], str],
        reset_throttle: SendThrottle,
        texts: EditedTexts | None = None,
    ) -> None:
        self._identity, self._notifications, self._sender = identity, notifications, sender
        self._reset_throttle, self._texts = reset_throttle, texts

    def send_confirmation(self, user_id: UUID, meta: Meta, language: str | None = None) -> bool:
        """This function will e-mail a confirmation token, in the language asked for, else
        the user's profile language, else English; False when the address is confirmed
        already. Raises NotFoundError."""
        issued = self._identity.request_email_confirmation(user_id, meta)
        if issued is None:
            return False
        self._send("confirm_email", issued, language or self._language_of(user_id))
        return True

    def forgot_password(self, email: str, meta: Meta, language: str | None = None) -> None:
        """This function will e-mail a reset token when an active account has the address,
        and do nothing otherwise (the caller cannot tell which). Past the throttle's limits
        for the address or the client, nothing is sent either."""
        if not self._reset_throttle.allow(email, meta["ip"]):
            return
        issued = self._identity.request_password_reset(email, meta)
        if issued is not None:
            self._send("reset_password", issued, language or "en")

    def _language_of(self, user_id: UUID) -> str:
        return self._identity.profile_language(user_id) or "en"

    def _send(self, kind: str, issued: IssuedToken, language: str) -> None:
        subject, body = render(
            kind,
            language,
            {
                "name": issued.display_name or issued.email,
                "token": issued.token,
                "hours": int(issued.expires_in / timedelta(hours=1)),
            },
            self._texts,
        )
        self._notifications.queue(
            NewMessage(
                id=uuid4(),
                channel=Channel.EMAIL,
                fields={
                    "from": self._sender(),
                    "tos": issued.email,
                    "ccs": "",
                    "bccs": "",
                    "subject": subject,
                    "body": body,
                },
            )
        )


class UserAddresses:
    """The billing notices' recipients: a user's address from the identity read table."""

    def __init__(self, users: PostgresUserReader) -> None:
        self._users = users

    def email_of(self, user_id: UUID) -> str | None:
        found = self._users.get(user_id)
        return found.email if found is not None else None

"""The port billing calls to tell a user a plan limit was reached or a payment failed
(billing is another module: it calls these when its events happen)."""

from collections.abc import Callable
from typing import Protocol
from uuid import UUID

from application.notif.messages import Channel, NewMessage, Notifications
from application.notif.templates import EditedTexts, render


class Recipients(Protocol):
    """Where a user is reached: their address, if the account exists."""

    def email_of(self, user_id: UUID) -> str | None: ...


class BillingNotices:
    """E-mails about a subscription, in English or Vietnamese."""

    def __init__(
        self,
        notifications: Notifications,
        recipients: Recipients,
        *,
        sender: Callable[[], str],
        texts: EditedTexts | None = None,
    ) -> None:
        self._notifications, self._recipients, self._sender = notifications, recipients, sender
        self._texts = texts

    def limit_reached(
        self,
        *,
        notice_id: UUID,
        user_id: UUID,
        limit: str,
        used: int,
        maximum: int,
        language: str = "en",
    ) -> UUID | None:
        """This function will e-mail a user that a limit of their plan is reached; the
        caller's notice id (its event's id) makes a repeated call send nothing more.
        None when the user has no address."""
        values = {"limit": limit, "used": used, "maximum": maximum}
        return self._send(
            notice_id, user_id, render("limit_reached", language, values, self._texts)
        )

    def payment_failed(
        self,
        *,
        notice_id: UUID,
        user_id: UUID,
        amount: str,
        currency: str,
        reason: str,
        language: str = "en",
    ) -> UUID | None:
        """This function will e-mail a user that a payment of their subscription failed."""
        values = {"amount": amount, "currency": currency, "reason": reason}
        return self._send(
            notice_id, user_id, render("payment_failed", language, values, self._texts)
        )

    def _send(self, notice_id: UUID, user_id: UUID, text: tuple[str, str]) -> UUID | None:
        address = self._recipients.email_of(user_id)
        if address is None:
            return None
        subject, body = text
        return self._notifications.queue(
            NewMessage(
                id=notice_id,
                channel=Channel.EMAIL,
                fields={
                    "from": self._sender(),
                    "tos": address,
                    "ccs": "",
                    "bccs": "",
                    "subject": subject,
                    "body": body,
                },
            )
        )

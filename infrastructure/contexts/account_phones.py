"""Confirming an account's phone number: the code is issued by identity and sent by SMS as
a notification row, within a throttle by number and by account; wrong codes are counted
too, so six digits cannot be guessed.

Across two contexts (identity issues the code, notif sends it), so it lives here. The code
is recorded before its SMS row is written: a crash in between loses that SMS only.
"""

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID, uuid4

from application.identity.app import IdentityApplication
from application.identity.errors import TooManyMessagesError
from application.identity.phones import PhoneState
from application.notif.messages import Channel, NewMessage, Notifications
from application.notif.templates import render_sms
from application.shared.base import Written
from domain.shared.meta import Meta
from domain.users.model import NoPhoneNumberError
from infrastructure.security.send_throttle import SendThrottle


@dataclass(frozen=True, kw_only=True)
class PhoneChanged:
    state: PhoneState
    code_sent: bool


class PhoneConfirmations:
    """Sets phone numbers and sends their confirmation codes by SMS."""

    def __init__(
        self,
        identity: IdentityApplication,
        notifications: Notifications,
        *,
        codes: SendThrottle,
        tries: SendThrottle,
    ) -> None:
        self._identity, self._notifications = identity, notifications
        self._codes, self._tries = codes, tries

    def change(
        self, user_id: UUID, phone_number: str | None, meta: Meta, language: str = "en"
    ) -> PhoneChanged:
        """This function will set (and send a code to) or remove a phone number. A number
        already there unconfirmed gets a new code; one confirmed is left as it is.
        Raises NotFoundError, InvalidValueError, TooManyMessagesError."""
        self._identity.change_phone_number(user_id, phone_number, meta)
        sent = phone_number is not None and self.send_code(user_id, meta, language)
        return PhoneChanged(state=self._identity.phone_state(user_id), code_sent=sent)

    def send_code(self, user_id: UUID, meta: Meta, language: str = "en") -> bool:
        """This function will send a new code to the account's phone number; False when it
        is confirmed already. Raises NoPhoneNumberError, TooManyMessagesError."""
        state = self._identity.phone_state(user_id)
        if state.phone_number is None:
            raise NoPhoneNumberError("no phone number is set: PUT /me/phone-number first")
        if state.phone_number_confirmed:
            return False
        if not self._codes.allow(state.phone_number, str(user_id)):
            raise TooManyMessagesError(
                "too many codes sent to this number or asked for by this account",
                self._codes.retry_after(state.phone_number),
            )
        issued = self._identity.request_phone_confirmation(user_id, meta)
        if issued is None:
            return False
        minutes = int(issued.expires_in / timedelta(minutes=1))
        self._notifications.queue(
            NewMessage(
                id=uuid4(),
                channel=Channel.SMS,
                fields={
                    "phone_number": issued.phone_number,
                    "message": render_sms(
                        "phone_code", language, {"code": issued.code, "minutes": minutes}
                    ),
                },
            )
        )
        return True

    def confirm(self, user_id: UUID, code: str, meta: Meta) -> Written:
        """This function will confirm the phone number with the code sent to it. Raises
        InvalidValueError('code'), TooManyMessagesError after too many tries."""
        key = str(user_id)
        if not self._tries.allow(key, key):
            raise TooManyMessagesError(
                "too many codes tried for this account", self._tries.retry_after(key)
            )
        return self._identity.confirm_phone_number(user_id, code, meta)

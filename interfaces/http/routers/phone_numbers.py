"""The caller's phone number, where SMS notices go: set it, confirm it with the code sent
to it by SMS, or remove it."""

from typing import Literal

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict, Field

from application.identity.phones import PhoneState
from interfaces.http.dependencies import CurrentUser, MetaDep, RuntimeDep, set_written_headers

router = APIRouter(tags=["auth"])

E164 = r"^\+[1-9][0-9]{7,14}$"


class PhoneNumberUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    phone_number: str = Field(
        min_length=9, max_length=16, pattern=E164, description="E.164: + then 8 to 15 digits"
    )
    language: Literal["en", "vi"] = Field(default="en", description="The language of the SMS")


class PhoneCodeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    language: Literal["en", "vi"] = "en"


class PhoneCodeRedeem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[0-9]{6}$", description="The six digits sent by SMS")


class PhoneNumberPublic(BaseModel):
    phone_number: str | None = Field(description="E.164, or null when none is set")
    phone_number_confirmed: bool
    version: int = Field(description="The account's version")


class PhoneCodeSentPublic(PhoneNumberPublic):
    code_sent: bool = Field(description="False when the number is confirmed already")


def _public(state: PhoneState) -> PhoneNumberPublic:
    return PhoneNumberPublic(
        phone_number=state.phone_number,
        phone_number_confirmed=state.phone_number_confirmed,
        version=state.version,
    )


@router.get("/me/phone-number", response_model=PhoneNumberPublic)
def get_phone_number(user: CurrentUser, runtime: RuntimeDep) -> PhoneNumberPublic:
    """The caller's phone number and whether it is confirmed."""
    return _public(runtime.identity.phone_state(user.user_id))


@router.put(
    "/me/phone-number", status_code=status.HTTP_202_ACCEPTED, response_model=PhoneCodeSentPublic
)
def set_phone_number(
    body: PhoneNumberUpdate, user: CurrentUser, meta: MetaDep, runtime: RuntimeDep
) -> PhoneCodeSentPublic:
    """Set the caller's phone number (unconfirmed) and send a six-digit code to it by SMS
    (valid 10 minutes, once). The number there already, unconfirmed, gets a new code; 429
    past the limit of codes per number or per account."""
    changed = runtime.phones.change(user.user_id, body.phone_number, meta, body.language)
    return PhoneCodeSentPublic(**_public(changed.state).model_dump(), code_sent=changed.code_sent)


@router.post(
    "/me/phone-number/code",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=PhoneCodeSentPublic,
)
def send_phone_code(
    body: PhoneCodeRequest, user: CurrentUser, meta: MetaDep, runtime: RuntimeDep
) -> PhoneCodeSentPublic:
    """Send a new code to the caller's phone number (the last one stops working)."""
    sent = runtime.phones.send_code(user.user_id, meta, body.language)
    state = runtime.identity.phone_state(user.user_id)
    return PhoneCodeSentPublic(**_public(state).model_dump(), code_sent=sent)


@router.post("/me/phone-number/confirm", response_model=PhoneNumberPublic)
def confirm_phone_number(
    body: PhoneCodeRedeem, user: CurrentUser, meta: MetaDep, runtime: RuntimeDep, response: Response
) -> PhoneNumberPublic:
    """Confirm the caller's phone number with the code sent to it (422 naming `code` when it
    is wrong, used or expired; 429 after too many tries)."""
    written = runtime.phones.confirm(user.user_id, body.code, meta)
    set_written_headers(
        response, log=written.log, position=written.position, version=written.version
    )
    return _public(runtime.identity.phone_state(user.user_id))


@router.delete("/me/phone-number", status_code=status.HTTP_204_NO_CONTENT)
def remove_phone_number(user: CurrentUser, meta: MetaDep, runtime: RuntimeDep) -> None:
    """Remove the caller's phone number: no SMS is sent to the account any more."""
    runtime.phones.change(user.user_id, None, meta)

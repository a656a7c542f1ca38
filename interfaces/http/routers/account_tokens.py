"""The identity flows sent by e-mail: confirming the address, resetting a forgotten password."""

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field, field_validator

from interfaces.http.dependencies import (
    CurrentUser,
    MetaDep,
    RuntimeDep,
    request_meta,
    set_written_headers,
)
from interfaces.http.schemas.auth import UnsentLanguage, refuse_null

router = APIRouter(tags=["auth"])


class ConfirmationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    language: UnsentLanguage = Field(
        default=None, description="left out: the account's profile language, else English"
    )

    not_null = field_validator("language", mode="before")(refuse_null)


class ConfirmationSentPublic(BaseModel):
    sent: bool = Field(description="False when the address is confirmed already")


class TokenRedeem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(min_length=1, max_length=200, pattern=r"^[0-9a-f]{32}\.[A-Za-z0-9_-]+$")


class EmailConfirmedPublic(BaseModel):
    email_confirmed: bool


class ForgotPassword(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(min_length=3, max_length=254, pattern=r"^[^\x00\s]+@[^\x00\s]+$")
    language: UnsentLanguage = Field(default=None, description="left out: English")

    not_null = field_validator("language", mode="before")(refuse_null)


class ForgotPasswordPublic(BaseModel):
    message: str


class PasswordReset(TokenRedeem):
    new_password: str = Field(min_length=8, max_length=256)


@router.post(
    "/me/email-confirmation",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ConfirmationSentPublic,
)
def request_confirmation(
    body: ConfirmationRequest, user: CurrentUser, meta: MetaDep, runtime: RuntimeDep
) -> ConfirmationSentPublic:
    """E-mail the caller a single-use token that confirms their address (valid 2 days)."""
    return ConfirmationSentPublic(
        sent=runtime.account_emails.send_confirmation(user.user_id, meta, body.language)
    )


@router.post("/auth/confirm-email", response_model=EmailConfirmedPublic)
def confirm_email(
    body: TokenRedeem, request: Request, runtime: RuntimeDep, response: Response
) -> EmailConfirmedPublic:
    """Confirm an address with the token e-mailed to it (422 naming `token` when it is
    unknown, used or expired)."""
    written = runtime.identity.confirm_email(body.token, request_meta(request, None))
    set_written_headers(
        response, log=written.log, position=written.position, version=written.version
    )
    return EmailConfirmedPublic(email_confirmed=True)


@router.post(
    "/auth/forgot-password",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ForgotPasswordPublic,
)
def forgot_password(
    body: ForgotPassword, request: Request, runtime: RuntimeDep
) -> ForgotPasswordPublic:
    """E-mail a password reset token (valid 1 hour) if an account has the address. The
    answer is the same either way, so it does not tell who has an account."""
    runtime.account_emails.forgot_password(body.email, request_meta(request, None), body.language)
    return ForgotPasswordPublic(
        message="if an account has this address, a reset token was sent to it"
    )


@router.post("/auth/reset-password", status_code=status.HTTP_204_NO_CONTENT)
def reset_password(
    body: PasswordReset, request: Request, runtime: RuntimeDep, response: Response
) -> None:
    """Set a new password with a reset token, once; every session of the account ends."""
    written = runtime.identity.reset_password(
        body.token, body.new_password, request_meta(request, None)
    )
    runtime.tokens.revoke_user(written.aggregate_id)
    set_written_headers(
        response, log=written.log, position=written.position, version=written.version
    )

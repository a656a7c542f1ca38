"""Request and response bodies of accounts and sessions."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from interfaces.http.schemas.formats import EMAIL_PATTERN, pattern

Language = Literal["en", "vi"]
# Optional, but never null: left out, the account's profile language (else English) applies.
UnsentLanguage = Language | SkipJsonSchema[None]


def refuse_null(value: object) -> object:
    """This function will refuse an explicit null for a field that may only be left out."""
    if value is None:
        raise ValueError("must be a language (en or vi), or left out; not null")
    return value


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(
        max_length=254, examples=["ada@example.com"], json_schema_extra=pattern(EMAIL_PATTERN)
    )
    password: str = Field(min_length=8, max_length=256)
    display_name: str | None = Field(default=None, max_length=100)
    invitation: str | None = Field(
        default=None, max_length=200, description="the code of an Admin's invitation"
    )


class RegistrationPublic(BaseModel):
    status: str = Field(examples=["accepted"])
    detail: str


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=254)
    password: str = Field(max_length=256)


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    refresh_token: str = Field(min_length=1, max_length=512)


class TokenPublic(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int


class UserPublic(BaseModel):
    id: UUID
    email: str
    display_name: str
    avatar_url: str = ""
    timezone: str = "UTC"
    roles: list[str]
    version: int
    created_at: datetime | None = None
    two_factor_enabled: bool = False
    language: Literal["en", "vi"] | None = Field(
        default=None,
        description="of e-mails when a request names none; null: English",
    )


OneTimeCode = Field(
    min_length=6,
    max_length=32,
    pattern=r"^[0-9A-Za-z -]+$",
    description="six digits of the authenticator app, or a recovery code (`abcde-12345`)",
    examples=["123456"],
)


class TwoFactorLogin(BaseModel):
    model_config = ConfigDict(extra="forbid")
    challenge_token: str = Field(min_length=1, max_length=2048)
    code: str = OneTimeCode


class TwoFactorCode(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = OneTimeCode


class TwoFactorEnrolmentPublic(BaseModel):
    """Shown once: put the secret (or the otpauth:// URI as a QR code) in an authenticator
    app, then confirm with one of its codes."""

    secret: str = Field(description="base32, for typing into an authenticator app")
    otpauth_uri: str = Field(examples=["otpauth://totp/Testament:ada%40example.com?secret=..."])
    version: int


class RecoveryCodesPublic(BaseModel):
    """Shown once: each code replaces the authenticator app for one log-in."""

    recovery_codes: list[str]
    version: int


class ProfileUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    display_name: str = Field(min_length=1, max_length=100)
    avatar_url: str = Field(default="", max_length=2048)
    timezone: str = Field(default="UTC", min_length=1, max_length=64)
    language: UnsentLanguage = Field(
        default=None, description="of e-mails when a request names none; left out: unchanged"
    )

    not_null = field_validator("language", mode="before")(refuse_null)


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: str = Field(max_length=256)
    new_password: str = Field(min_length=8, max_length=256)


class ProviderPublic(BaseModel):
    """An identity provider users may sign in with."""

    name: str = Field(examples=["auth0"])
    display_name: str
    kind: str = Field(examples=["generic", "auth0", "azure-ad-b2c"])


class ExternalStart(BaseModel):
    model_config = ConfigDict(extra="forbid")
    redirect_uri: str = Field(
        min_length=8,
        max_length=2048,
        pattern=r"^https?://[^\s]+$",
        description="where the provider sends the user back with `code` and `state` (as"
        " registered with the provider)",
    )


class ExternalStartPublic(BaseModel):
    authorization_url: str = Field(description="send the user's browser here")
    expires_in: int = Field(description="seconds the flow waits for its callback")


class ExternalCallback(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=4096)
    state: str = Field(min_length=1, max_length=512)


class ExternalLoginPublic(BaseModel):
    """A provider account that signs in to the caller's account (identity.user_logins)."""

    provider: str
    provider_key: str = Field(description="the provider's subject (`sub`) for this account")
    display_name: str
    created_at: datetime


class ClaimCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: str = Field(
        pattern=r"^[A-Za-z][A-Za-z0-9:._/-]{0,99}$",
        examples=["testament:project-reviewer"],
        description="a short name: a letter, then at most 99 of A-Z a-z 0-9 : . _ / -",
    )
    value: str = Field(max_length=500, pattern=r"^[^\r\n\x00]*$", examples=["a-project-id"])


class ClaimPublic(BaseModel):
    """A claim; `source` is `user` for the user's own, else the role it comes with."""

    type: str
    value: str
    source: str
    created_at: datetime

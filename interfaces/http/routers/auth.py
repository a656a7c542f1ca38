"""Accounts and sessions: register, log in, refresh, log out, and the caller's own account."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from application.identity.commands import ChangePassword, RegisterUser, UpdateProfile
from application.identity.errors import EmailTakenError
from application.identity.queries import UserProfileView
from interfaces.http.dependencies import (
    POSITION_HEADER,
    CurrentUser,
    ExpectedVersion,
    MetaDep,
    ReadPosition,
    RuntimeDep,
    request_meta,
    set_written_headers,
)
from interfaces.http.errors import ProblemError
from interfaces.http.schemas.auth import (
    LoginRequest,
    PasswordChange,
    ProfileUpdate,
    RecoveryCodesPublic,
    RefreshRequest,
    RegistrationPublic,
    TokenPublic,
    TwoFactorCode,
    TwoFactorEnrolmentPublic,
    TwoFactorLogin,
    UserCreate,
    UserPublic,
)
from interfaces.http.sessions import log_in, second_step

router = APIRouter(tags=["identity"])


def tokens_for(
    runtime: RuntimeDep, account_id: UUID, roles: list[str], family: UUID | None = None
) -> TokenPublic:
    """This function will open a session: what every way of signing in ends with; the
    access token carries the account's claims while they are small."""
    claims = runtime.identity.effective_claims(account_id)
    pair = runtime.tokens.issue(account_id, roles, family, claims)
    return TokenPublic(
        access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in
    )


REGISTRATION_ACCEPTED = (
    "if the address can be registered, its account is now open: log in with it. An address "
    "that already has an account is left as it is, and this answer is the same either way"
)


@router.post(
    "/auth/register", status_code=status.HTTP_202_ACCEPTED, response_model=RegistrationPublic
)
def register(
    body: UserCreate, request: Request, response: Response, runtime: RuntimeDep
) -> RegistrationPublic:
    """Open an account. The answer does not tell whether the address already had one.

    On an embedded install the very first account becomes Admin. `TESTAMENT_REGISTRATION`
    may require an invitation (`invitation`, from an Admin) or refuse registration."""
    try:
        written = runtime.identity.register_user(
            RegisterUser(
                email=body.email,
                password=body.password,
                display_name=body.display_name,
                meta=request_meta(request, None),
                first_user_becomes_admin=runtime.settings.embedded,
                invitation=body.invitation,
            )
        )
        position = written.position
    except EmailTakenError:
        # The log's head: a position the new account would be readable at, had it been new.
        position = runtime.identity.head_position()
    response.headers[POSITION_HEADER] = f"{runtime.identity.name}:{position}"
    return RegistrationPublic(status="accepted", detail=REGISTRATION_ACCEPTED)


@router.post("/auth/login", response_model=TokenPublic)
def login(body: LoginRequest, request: Request, runtime: RuntimeDep) -> TokenPublic:
    """Exchange an e-mail and password for an access token and a refresh token.

    Wrong passwords in a row lock the account for a while, and many from one client address
    pause that address: both answer 429 with Retry-After."""
    account = log_in(runtime, body.email, body.password, request_meta(request, None))
    return tokens_for(runtime, account.id, account.roles)


@router.post("/auth/login/two-factor", response_model=TokenPublic)
def login_second_factor(body: TwoFactorLogin, request: Request, runtime: RuntimeDep) -> TokenPublic:
    """The second step of a log-in for an account with two-factor authentication: the
    challenge the first step answered (401 `two-factor-required`) and a code of the
    authenticator app or a recovery code. A challenge works once and for five minutes;
    wrong codes count as wrong passwords."""
    account = second_step(runtime, body.challenge_token, body.code, request_meta(request, None))
    return tokens_for(runtime, account.id, account.roles)


@router.post("/auth/token", response_model=TokenPublic, include_in_schema=True)
def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], request: Request, runtime: RuntimeDep
) -> TokenPublic:
    """The OAuth2 password flow (username = e-mail), for the Authorize button of /docs."""
    account = log_in(runtime, form.username, form.password, request_meta(request, None))
    return tokens_for(runtime, account.id, account.roles)


@router.post("/auth/refresh", response_model=TokenPublic)
def refresh(body: RefreshRequest, runtime: RuntimeDep) -> TokenPublic:
    """Spend a refresh token for a new pair. A token works once; reusing one revokes its session."""
    user_id, family = runtime.tokens.rotate(body.refresh_token)
    account = runtime.identity.active_account(user_id)
    return tokens_for(runtime, account.id, account.roles, family)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(body: RefreshRequest, runtime: RuntimeDep) -> None:
    """End the session a refresh token belongs to: its access tokens stop working at once."""
    runtime.tokens.revoke_family_of(body.refresh_token)


def _public(view: UserProfileView) -> UserPublic:
    return UserPublic(
        id=view.id,
        email=view.email,
        display_name=view.display_name,
        avatar_url=view.avatar_url,
        timezone=view.timezone,
        roles=view.roles,
        version=view.version,
        created_at=view.created_at,
        two_factor_enabled=view.two_factor_enabled,
        language=view.language,  # type: ignore[arg-type]  # en or vi, as the domain checks
    )


@router.get("/me", response_model=UserPublic, dependencies=[Depends(ReadPosition("users"))])
def me(user: CurrentUser, runtime: RuntimeDep, response: Response) -> UserPublic:
    """The caller's account, from the identity read tables."""
    view = runtime.users.get(user.user_id)
    if view is None:
        raise ProblemError(
            404,
            "not-found",
            "Not found",
            "the account is not in the read model yet; retry with min_position from the command",
        )
    response.headers["ETag"] = f'"{view.version}"'
    return _public(view)


@router.put("/me/profile", response_model=UserPublic)
def update_profile(
    body: ProfileUpdate,
    user: CurrentUser,
    meta: MetaDep,
    runtime: RuntimeDep,
    response: Response,
    expected: ExpectedVersion,
) -> UserPublic:
    """Change the caller's display name, avatar and time zone."""
    written = runtime.identity.update_profile(
        UpdateProfile(
            user_id=user.user_id,
            display_name=body.display_name,
            avatar_url=body.avatar_url,
            timezone=body.timezone,
            meta=meta,
            expected_version=expected,
            language=body.language,
        )
    )
    set_written_headers(
        response, log=written.log, position=written.position, version=written.version
    )
    account = runtime.identity.get_account(user.user_id)
    return UserPublic(
        id=account.id,
        email=account.email,
        display_name=body.display_name.strip(),
        avatar_url=body.avatar_url.strip(),
        timezone=body.timezone.strip(),
        roles=account.roles,
        version=account.version,
        language=runtime.identity.profile_language(user.user_id),  # type: ignore[arg-type]
    )


@router.post("/me/password", status_code=status.HTTP_204_NO_CONTENT)
def change_password(
    body: PasswordChange, user: CurrentUser, meta: MetaDep, runtime: RuntimeDep, response: Response
) -> None:
    """Replace the caller's password (the current one is required)."""
    written = runtime.identity.change_password(
        ChangePassword(
            user_id=user.user_id,
            current_password=body.current_password,
            new_password=body.new_password,
            meta=meta,
        )
    )
    runtime.tokens.revoke_user(user.user_id)
    set_written_headers(
        response, log=written.log, position=written.position, version=written.version
    )


@router.post(
    "/me/two-factor",
    status_code=status.HTTP_201_CREATED,
    response_model=TwoFactorEnrolmentPublic,
)
def start_two_factor(
    user: CurrentUser, meta: MetaDep, runtime: RuntimeDep, response: Response
) -> TwoFactorEnrolmentPublic:
    """Start two-factor enrolment: a new TOTP secret, shown once, that guards nothing until
    a code from it is confirmed (POST /me/two-factor/enable). Starting again replaces it."""
    enrolment = runtime.identity.start_two_factor(user.user_id, meta=meta)
    written = enrolment.written
    set_written_headers(
        response, log=written.log, position=written.position, version=written.version
    )
    return TwoFactorEnrolmentPublic(
        secret=enrolment.secret, otpauth_uri=enrolment.otpauth_uri, version=written.version
    )


@router.post("/me/two-factor/enable", response_model=RecoveryCodesPublic)
def enable_two_factor(
    body: TwoFactorCode, user: CurrentUser, meta: MetaDep, runtime: RuntimeDep, response: Response
) -> RecoveryCodesPublic:
    """Turn two-factor on with a code of the new secret; answers the recovery codes, once."""
    codes = runtime.identity.enable_two_factor(user.user_id, body.code, meta=meta)
    written = codes.written
    set_written_headers(
        response, log=written.log, position=written.position, version=written.version
    )
    return RecoveryCodesPublic(recovery_codes=codes.codes, version=written.version)


@router.post("/me/two-factor/recovery-codes", response_model=RecoveryCodesPublic)
def replace_recovery_codes(
    body: TwoFactorCode, user: CurrentUser, meta: MetaDep, runtime: RuntimeDep, response: Response
) -> RecoveryCodesPublic:
    """New recovery codes for a fresh second factor; the old ones stop working."""
    codes = runtime.identity.replace_recovery_codes(user.user_id, body.code, meta=meta)
    written = codes.written
    set_written_headers(
        response, log=written.log, position=written.position, version=written.version
    )
    return RecoveryCodesPublic(recovery_codes=codes.codes, version=written.version)


@router.post("/me/two-factor/disable", status_code=status.HTTP_204_NO_CONTENT)
def disable_two_factor(
    body: TwoFactorCode, user: CurrentUser, meta: MetaDep, runtime: RuntimeDep, response: Response
) -> None:
    """Turn two-factor off: asks a fresh code (or recovery code), so a stolen session alone
    cannot remove it. Every session ends, as after a password change."""
    written = runtime.identity.disable_two_factor(user.user_id, body.code, meta=meta)
    runtime.tokens.revoke_user(user.user_id)
    set_written_headers(
        response, log=written.log, position=written.position, version=written.version
    )

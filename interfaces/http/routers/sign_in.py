"""Signing in with an identity provider (OpenID Connect), and the providers linked to the
caller's account."""

from fastapi import APIRouter, Request, Response, status

from interfaces.http.dependencies import CurrentUser, MetaDep, RuntimeDep, request_meta
from interfaces.http.routers.auth import tokens_for
from interfaces.http.schemas.auth import (
    ExternalCallback,
    ExternalLoginPublic,
    ExternalStart,
    ExternalStartPublic,
    ProviderPublic,
    TokenPublic,
)
from interfaces.http.sessions import external_link, external_sign_in

router = APIRouter(tags=["identity"])

FLOW_SECONDS = 600


@router.get("/auth/providers", response_model=list[ProviderPublic])
def providers(runtime: RuntimeDep) -> list[ProviderPublic]:
    """The identity providers this deployment lets users sign in with (no sign-in needed)."""
    return [
        ProviderPublic(name=p.name, display_name=p.display_name or p.name, kind=p.kind)
        for p in runtime.oidc.configured()
    ]


@router.post("/auth/oidc/{provider}/start", response_model=ExternalStartPublic)
def start_sign_in(provider: str, body: ExternalStart, runtime: RuntimeDep) -> ExternalStartPublic:
    """Begin signing in with a provider: send the browser to `authorization_url` (PKCE,
    state and nonce are kept by the server for ten minutes)."""
    url = runtime.oidc.start(provider, body.redirect_uri)
    return ExternalStartPublic(authorization_url=url, expires_in=FLOW_SECONDS)


@router.post("/auth/oidc/{provider}/callback", response_model=TokenPublic)
def finish_sign_in(
    provider: str, body: ExternalCallback, request: Request, runtime: RuntimeDep
) -> TokenPublic:
    """Finish signing in with the `code` and `state` the provider sent back: Testament's own
    session, as a password log-in gives. A first sign-in opens an account when the provider
    allows it; an address that already has an account must be linked from it first (409)."""
    account = external_sign_in(
        runtime, provider, body.code, body.state, request_meta(request, None)
    )
    return tokens_for(runtime, account.id, account.roles)


@router.get("/me/logins", response_model=list[ExternalLoginPublic])
def my_logins(user: CurrentUser, runtime: RuntimeDep) -> list[ExternalLoginPublic]:
    """The providers that sign in to the caller's account (identity.user_logins)."""
    return [
        ExternalLoginPublic(
            provider=login.provider,
            provider_key=login.provider_key,
            display_name=login.display_name,
            created_at=login.created_at,
        )
        for login in runtime.users.logins(user.user_id)
    ]


@router.post("/me/logins/{provider}/start", response_model=ExternalStartPublic)
def start_link(
    provider: str, body: ExternalStart, user: CurrentUser, runtime: RuntimeDep
) -> ExternalStartPublic:
    """Begin linking a provider to the caller's account (proof that the caller owns both)."""
    url = runtime.oidc.start(provider, body.redirect_uri, link_user_id=user.user_id)
    return ExternalStartPublic(authorization_url=url, expires_in=FLOW_SECONDS)


@router.post("/me/logins/{provider}/callback", status_code=status.HTTP_204_NO_CONTENT)
def finish_link(
    provider: str, body: ExternalCallback, user: CurrentUser, meta: MetaDep, runtime: RuntimeDep
) -> None:
    """Finish linking: the provider account signs in to the caller's account from now on."""
    external_link(runtime, user.user_id, provider, body.code, body.state, meta)


@router.delete("/me/logins/{provider}", status_code=status.HTTP_204_NO_CONTENT)
def unlink(
    provider: str, user: CurrentUser, meta: MetaDep, runtime: RuntimeDep, response: Response
) -> None:
    """Stop a provider signing in to the caller's account; the last way to sign in stays."""
    kind = runtime.oidc.kind_of(provider)
    runtime.identity.unlink_external(user.user_id, provider, kind, meta=meta)

"""Requests authenticated with an API key: who the key acts as, its limit and its scope.

A key acts as its owner, within its scope (read < run < write). Whatever manages the account
itself (its keys, password, profile, sessions) or the deployment (/admin) needs the owner's
password, never a key: a leaked key must not be able to make more keys or lock its owner out.
"""

from typing import Any

import anyio.to_thread
from fastapi import Request

from domain.api_keys.model import KEY_PREFIX, ApiKeyScope
from infrastructure.security.tokens import AccessClaims
from interfaces.bootstrap import Runtime
from interfaces.http.errors import ProblemError

API_KEY_HEADER = "X-API-Key"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The commands a `run` key may send, by route: queue a run, cancel one.
RUN_ROUTES = frozenset({("POST", "/suites/{suite_id}/runs"), ("POST", "/runs/{run_id}/cancel")})
# Reading who the key acts as is allowed; every other route under these is not.
_READABLE_ACCOUNT_ROUTES = frozenset({"/me"})
_ACCOUNT_PREFIXES = ("/auth/", "/me/", "/admin/")


def is_api_key(credential: str) -> bool:
    """This function will tell an API key from an access token (a JWT starts with `ey`)."""
    return credential.startswith(KEY_PREFIX)


def needed_scope(method: str, route_path: str) -> ApiKeyScope | None:
    """This function will give the scope a key needs for a route, None when no key may use it."""
    on_account = route_path == "/me" or route_path.startswith(_ACCOUNT_PREFIXES)
    if on_account and not (method in _SAFE_METHODS and route_path in _READABLE_ACCOUNT_ROUTES):
        return None
    if method in _SAFE_METHODS:
        return ApiKeyScope.READ
    if (method, route_path) in RUN_ROUTES:
        return ApiKeyScope.RUN
    return ApiKeyScope.WRITE


async def api_key_claims(request: Request, runtime: Runtime, secret: str) -> AccessClaims:
    """This function will authenticate a request by its key: 401 for a key that opens
    nothing, 429 over the key's limit, 403 outside its scope."""
    principal = await anyio.to_thread.run_sync(runtime.identity.authenticate_api_key, secret)
    wait = await anyio.to_thread.run_sync(runtime.api_key_limit.retry_after, principal.key_id)
    if wait is not None:
        raise ProblemError(
            429,
            "api-key-rate-limited",
            "Too many requests",
            f"this API key sent more than {runtime.api_key_limit.per_minute} requests this"
            f" minute; retry in {wait} seconds",
            headers={"Retry-After": str(wait)},
            retry_after=wait,
        )
    route: Any = request.scope.get("route")
    route_path = str(getattr(route, "path", request.url.path))
    needed = needed_scope(request.method, route_path)
    if needed is None:
        raise ProblemError(
            403,
            "api-key-not-allowed",
            "Not with an API key",
            "an API key cannot manage the account, its keys or the deployment: log in with"
            " the account's password for this",
        )
    if not principal.scope.allows(needed):
        raise ProblemError(
            403,
            "api-key-scope",
            "Outside the API key's scope",
            f"this needs an API key with the scope {needed} or above; this key's scope is"
            f" {principal.scope}",
            needed_scope=str(needed),
            key_scope=str(principal.scope),
        )
    return AccessClaims(
        user_id=principal.account.id,
        roles=list(principal.account.roles),
        session_id=f"api-key:{principal.key_id}",
        api_key_id=principal.key_id,
        api_key_scope=str(principal.scope),
    )

"""A user's API keys for machines: make one (shown once), list, read, revoke."""

from uuid import UUID

from fastapi import APIRouter, Depends, Response, status

from application.identity.commands import CreateApiKey, RevokeApiKey
from domain.shared.errors import NotFoundError
from interfaces.http.dependencies import (
    CurrentUser,
    MetaDep,
    ReadPosition,
    RuntimeDep,
    set_written_headers,
)
from interfaces.http.schemas.api_keys import (
    ApiKeyCreate,
    ApiKeyCreatedPublic,
    ApiKeyPublic,
    ApiKeysPublic,
)

router = APIRouter(prefix="/me/api-keys", tags=["identity"])
_read = Depends(ReadPosition("api_keys"))


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ApiKeyCreatedPublic)
def create_api_key(
    body: ApiKeyCreate, user: CurrentUser, meta: MetaDep, runtime: RuntimeDep, response: Response
) -> ApiKeyCreatedPublic:
    """Make a key that acts as the caller within its scope, until it expires or is revoked.
    The answer holds the key itself: the only time it is shown."""
    issued = runtime.identity.create_api_key(
        CreateApiKey(
            owner_id=user.user_id,
            name=body.name,
            scope=body.scope,
            valid_days=body.expires_in_days,
            meta=meta,
        )
    )
    written, key = issued.written, issued.key
    set_written_headers(
        response, log=written.log, position=written.position, version=written.version
    )
    response.headers["Location"] = f"/me/api-keys/{key.id}"
    return ApiKeyCreatedPublic(
        id=key.id,
        name=key.name,
        scope=key.scope,
        prefix=key.prefix,
        created_at=key.created_on,
        expires_at=key.expires_at,
        revoked_at=None,
        last_used_at=None,
        version=key.version,
        key=issued.secret,
    )


@router.get("", response_model=ApiKeysPublic, dependencies=[_read])
def list_api_keys(user: CurrentUser, runtime: RuntimeDep) -> ApiKeysPublic:
    """The caller's keys, newest first, revoked and expired ones included (never the keys)."""
    return ApiKeysPublic(items=[ApiKeyPublic.of(v) for v in runtime.api_keys.keys_of(user.user_id)])


@router.get("/{key_id}", response_model=ApiKeyPublic, dependencies=[_read])
def get_api_key(key_id: UUID, user: CurrentUser, runtime: RuntimeDep) -> ApiKeyPublic:
    """One of the caller's keys; another user's key is not found."""
    view = runtime.api_keys.key(key_id, owner_id=user.user_id)
    if view is None:
        raise NotFoundError("API key not found")
    return ApiKeyPublic.of(view)


@router.delete("/{key_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_api_key(
    key_id: UUID,
    user: CurrentUser,
    meta: MetaDep,
    runtime: RuntimeDep,
    response: Response,
) -> None:
    """Revoke a key at once: the next request with it is a 401."""
    written = runtime.identity.revoke_api_key(
        RevokeApiKey(key_id=key_id, owner_id=user.user_id, meta=meta)
    )
    set_written_headers(
        response, log=written.log, position=written.position, version=written.version
    )

"""Claims: what an Admin says of a user or of a role beyond roles, and the caller's own."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response, status

from application.identity.queries import ClaimView
from domain.users.model import Role
from interfaces.http.dependencies import (
    AdminUser,
    CurrentUser,
    MetaDep,
    ReadPosition,
    RuntimeDep,
    set_written_headers,
)
from interfaces.http.schemas.auth import ClaimCreate, ClaimPublic

router = APIRouter(tags=["identity"])
_read_users = Depends(ReadPosition("users"))

ClaimType = Annotated[str, Query(alias="type", min_length=1, max_length=100)]
ClaimValue = Annotated[str, Query(alias="value", max_length=500)]


def _public(claims: list[ClaimView]) -> list[ClaimPublic]:
    return [
        ClaimPublic(type=c.type, value=c.value, source=c.source, created_at=c.created_at)
        for c in claims
    ]


@router.get("/me/claims", response_model=list[ClaimPublic], dependencies=[_read_users])
def my_claims(user: CurrentUser, runtime: RuntimeDep) -> list[ClaimPublic]:
    """The caller's claims in effect: their own, then their roles'."""
    return _public(runtime.users.claims(user.user_id))


@router.get(
    "/admin/users/{user_id}/claims", response_model=list[ClaimPublic], dependencies=[_read_users]
)
def user_claims(user_id: UUID, _admin: AdminUser, runtime: RuntimeDep) -> list[ClaimPublic]:
    """An account's claims in effect (identity.user_claims, then its roles')."""
    runtime.identity.get_account(user_id)  # 404 for an account that does not exist
    return _public(runtime.users.claims(user_id))


@router.post("/admin/users/{user_id}/claims", status_code=status.HTTP_204_NO_CONTENT)
def add_user_claim(
    user_id: UUID,
    body: ClaimCreate,
    _admin: AdminUser,
    meta: MetaDep,
    runtime: RuntimeDep,
    response: Response,
) -> None:
    """Give an account a claim (409 if it holds it)."""
    written = runtime.identity.add_user_claim(user_id, body.type, body.value, meta=meta)
    set_written_headers(
        response, log=written.log, position=written.position, version=written.version
    )


@router.delete("/admin/users/{user_id}/claims", status_code=status.HTTP_204_NO_CONTENT)
def remove_user_claim(
    user_id: UUID,
    claim_type: ClaimType,
    value: ClaimValue,
    _admin: AdminUser,
    meta: MetaDep,
    runtime: RuntimeDep,
    response: Response,
) -> None:
    """Take a claim (`?type=...&value=...`) from an account (409 if it lacks it)."""
    written = runtime.identity.remove_user_claim(user_id, claim_type, value, meta=meta)
    set_written_headers(
        response, log=written.log, position=written.position, version=written.version
    )


@router.get(
    "/admin/roles/{role}/claims", response_model=list[ClaimPublic], dependencies=[_read_users]
)
def role_claims(role: Role, _admin: AdminUser, runtime: RuntimeDep) -> list[ClaimPublic]:
    """The claims every holder of a role has (identity.role_claims)."""
    return _public(runtime.users.role_claims(role.value))


@router.post("/admin/roles/{role}/claims", status_code=status.HTTP_204_NO_CONTENT)
def add_role_claim(
    role: Role,
    body: ClaimCreate,
    _admin: AdminUser,
    meta: MetaDep,
    runtime: RuntimeDep,
    response: Response,
) -> None:
    """Give every holder of a role a claim (409 if the role has it)."""
    written = runtime.identity.add_role_claim(role, body.type, body.value, meta=meta)
    set_written_headers(
        response, log=written.log, position=written.position, version=written.version
    )


@router.delete("/admin/roles/{role}/claims", status_code=status.HTTP_204_NO_CONTENT)
def remove_role_claim(
    role: Role,
    claim_type: ClaimType,
    value: ClaimValue,
    _admin: AdminUser,
    meta: MetaDep,
    runtime: RuntimeDep,
    response: Response,
) -> None:
    """Take a claim (`?type=...&value=...`) from a role (409 if it lacks it)."""
    written = runtime.identity.remove_role_claim(role, claim_type, value, meta=meta)
    set_written_headers(
        response, log=written.log, position=written.position, version=written.version
    )

"""The Admin API: accounts, their roles and state, and invitations."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response, status

from application.identity.accounts import Account
from application.identity.commands import (
    CreateInvitation,
    DisableUser,
    EnableUser,
    GrantRole,
    RevokeInvitation,
    RevokeRole,
)
from application.identity.queries import UserAccountView
from application.shared.base import Written
from domain.shared.errors import NotFoundError
from domain.users.model import Invitation, Role
from interfaces.http.dependencies import (
    AdminUser,
    MetaDep,
    ReadPosition,
    RuntimeDep,
    set_written_headers,
)
from interfaces.http.schemas.admin import (
    InvitationCreate,
    InvitationPublic,
    UserAccountPublic,
    UserAccountsPublic,
)

router = APIRouter(prefix="/admin", tags=["admin"])
_read_users = Depends(ReadPosition("users"))


def _public(found: UserAccountView | Account) -> UserAccountPublic:
    return UserAccountPublic(
        id=found.id,
        email=found.email,
        display_name=found.display_name,
        roles=sorted(found.roles),
        disabled=found.disabled,
        access_failed_count=found.access_failed_count,
        lockout_end=found.lockout_end,
        version=found.version,
        created_at=getattr(found, "created_at", None),
        updated_at=getattr(found, "updated_at", None),
    )


def _changed(runtime: RuntimeDep, written: Written, response: Response) -> UserAccountPublic:
    set_written_headers(
        response, log=written.log, position=written.position, version=written.version
    )
    return _public(runtime.identity.get_account(written.aggregate_id))


@router.get("/users", response_model=UserAccountsPublic, dependencies=[_read_users])
def list_users(
    _admin: AdminUser,
    runtime: RuntimeDep,
    search: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> UserAccountsPublic:
    """Every account, newest first; `search` matches the e-mail address or display name."""
    page = runtime.users.accounts(search=search, limit=limit, offset=offset)
    return UserAccountsPublic(
        items=[_public(item) for item in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/users/{user_id}", response_model=UserAccountPublic, dependencies=[_read_users])
def get_user(user_id: UUID, _admin: AdminUser, runtime: RuntimeDep) -> UserAccountPublic:
    """One account as the read model holds it."""
    found = runtime.users.account(user_id)
    if found is None:
        raise NotFoundError("user not found")
    return _public(found)


@router.put("/users/{user_id}/roles/{role}", response_model=UserAccountPublic)
def grant_role(
    user_id: UUID,
    role: Role,
    admin: AdminUser,
    meta: MetaDep,
    runtime: RuntimeDep,
    response: Response,
) -> UserAccountPublic:
    """Give an account a role (409 if it has it)."""
    written = runtime.identity.grant_role(GrantRole(user_id=user_id, role=role, meta=meta))
    return _changed(runtime, written, response)


@router.delete("/users/{user_id}/roles/{role}", response_model=UserAccountPublic)
def revoke_role(
    user_id: UUID,
    role: Role,
    admin: AdminUser,
    meta: MetaDep,
    runtime: RuntimeDep,
    response: Response,
) -> UserAccountPublic:
    """Take a role from an account (409 if it lacks it, for User, or for one's own Admin)."""
    written = runtime.identity.revoke_role(
        RevokeRole(user_id=user_id, role=role, by_user_id=admin.user_id, meta=meta)
    )
    return _changed(runtime, written, response)


@router.post("/users/{user_id}/disable", response_model=UserAccountPublic)
def disable_user(
    user_id: UUID, admin: AdminUser, meta: MetaDep, runtime: RuntimeDep, response: Response
) -> UserAccountPublic:
    """Disable an account: it cannot log in, and its sessions end at once."""
    written = runtime.identity.disable_user(
        DisableUser(user_id=user_id, by_user_id=admin.user_id, meta=meta)
    )
    runtime.tokens.revoke_user(user_id)
    return _changed(runtime, written, response)


@router.post("/users/{user_id}/enable", response_model=UserAccountPublic)
def enable_user(
    user_id: UUID, _admin: AdminUser, meta: MetaDep, runtime: RuntimeDep, response: Response
) -> UserAccountPublic:
    """Let a disabled account log in again (its failed log-ins are forgotten)."""
    written = runtime.identity.enable_user(EnableUser(user_id=user_id, meta=meta))
    return _changed(runtime, written, response)


@router.post("/invitations", status_code=status.HTTP_201_CREATED, response_model=InvitationPublic)
def create_invitation(
    body: InvitationCreate,
    _admin: AdminUser,
    meta: MetaDep,
    runtime: RuntimeDep,
    response: Response,
) -> InvitationPublic:
    """Invite one account (for `TESTAMENT_REGISTRATION=invite-only`); the code is shown once."""
    written, code = runtime.identity.create_invitation(
        CreateInvitation(email=body.email, valid_days=body.valid_days, meta=meta)
    )
    set_written_headers(
        response, log=written.log, position=written.position, version=written.version
    )
    invitation: Invitation = written.aggregate
    return InvitationPublic(
        id=invitation.id,
        code=code,
        email=invitation.email,
        expires_at=invitation.expires_at,
        version=written.version,
    )


@router.delete("/invitations/{invitation_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_invitation(
    invitation_id: UUID,
    _admin: AdminUser,
    meta: MetaDep,
    runtime: RuntimeDep,
    response: Response,
) -> None:
    """Withdraw an invitation not yet used."""
    written = runtime.identity.revoke_invitation(
        RevokeInvitation(invitation_id=invitation_id, meta=meta)
    )
    set_written_headers(
        response, log=written.log, position=written.position, version=written.version
    )

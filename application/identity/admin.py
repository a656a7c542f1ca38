"""What an Admin does to accounts: roles, disabling, invitations."""

import secrets
from datetime import timedelta
from uuid import UUID

from application.identity.commands import (
    CreateInvitation,
    DisableUser,
    EnableUser,
    GrantRole,
    RevokeInvitation,
    RevokeRole,
)
from application.identity.errors import OwnAccountError
from application.identity.ports import Clock
from application.shared.base import TestamentApplication, Written
from domain.shared.errors import InvalidValueError, NotFoundError
from domain.users.model import Invitation, Role, User, invitation_code_hash

MAX_INVITATION_DAYS = 90


class AccountAdministration(TestamentApplication):
    """The identity context's Admin commands (the routes check the caller is an Admin)."""

    clock: Clock

    def grant_role(self, cmd: GrantRole) -> Written:
        """This function will give a user a role. Raises NotFoundError, RoleAlreadyGrantedError."""
        user = self._user(cmd.user_id)
        user.grant_role(role=cmd.role, meta=cmd.meta)
        return self.written(user)

    def revoke_role(self, cmd: RevokeRole) -> Written:
        """This function will take a role from a user. Raises NotFoundError, RoleNotHeldError
        (the role is not held, or is User), OwnAccountError (an Admin's own Admin role)."""
        if cmd.user_id == cmd.by_user_id and cmd.role == Role.ADMIN:
            raise OwnAccountError("an Admin cannot take the Admin role from themselves")
        user = self._user(cmd.user_id)
        user.revoke_role(role=cmd.role, meta=cmd.meta)
        return self.written(user)

    def disable_user(self, cmd: DisableUser) -> Written:
        """This function will stop an account from logging in (the caller ends its sessions).

        Raises NotFoundError, AccountAlreadyDisabledError, OwnAccountError.
        """
        if cmd.user_id == cmd.by_user_id:
            raise OwnAccountError("an Admin cannot disable their own account")
        user = self._user(cmd.user_id)
        user.disable(meta=cmd.meta)
        return self.written(user)

    def enable_user(self, cmd: EnableUser) -> Written:
        """This function will let a disabled account log in again. Raises NotFoundError,
        AccountNotDisabledError."""
        user = self._user(cmd.user_id)
        user.enable(meta=cmd.meta)
        return self.written(user)

    def create_invitation(self, cmd: CreateInvitation) -> tuple[Written, str]:
        """This function will invite one account and return the invitation and its secret
        code (given once: only its hash is kept). Raises InvalidValueError."""
        if not 1 <= cmd.valid_days <= MAX_INVITATION_DAYS:
            raise InvalidValueError(
                "valid_days", f"must be between 1 and {MAX_INVITATION_DAYS} days"
            )
        email = None
        if cmd.email:
            User.normalize(cmd.email)  # refuses a malformed address
            email = cmd.email.strip()
        code = secrets.token_urlsafe(24)
        invitation = Invitation(
            code_hash=invitation_code_hash(code),
            email=email,
            expires_at=self.clock.now() + timedelta(days=cmd.valid_days),
            meta=cmd.meta,
        )
        return self.written(invitation), code

    def revoke_invitation(self, cmd: RevokeInvitation) -> Written:
        """This function will withdraw an unused invitation. Raises NotFoundError,
        InvitationUnusableError."""
        invitation = self.load_version(cmd.invitation_id)
        if not isinstance(invitation, Invitation):
            raise NotFoundError("invitation not found")
        invitation.revoke(meta=cmd.meta)
        return self.written(invitation)

    def _user(self, user_id: UUID) -> User:
        user: User = self.load_version(user_id)
        if not isinstance(user, User):
            raise NotFoundError("user not found")
        return user

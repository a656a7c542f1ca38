"""identity.users, user_roles and user_profiles, from the User aggregate's events."""

from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from domain.users.claims import RoleClaims, role_claims_id
from domain.users.model import Role, User
from projections.base import Projection
from projections.users.view import (
    AUTHENTICATOR_KEY,
    RECOVERY_CODE_SEPARATOR,
    RECOVERY_CODES,
    ClaimOwner,
    ProfileRow,
    UserRow,
    UsersView,
)


class UsersProjection(Projection[UsersView]):
    """One row per account, its roles, and its profile."""

    name = "users"
    follows = ("identity",)

    @singledispatchmethod
    def process_event(self, domain_event: Any) -> None:
        """This function will ignore events that do not change an account."""

    @process_event.register
    def _(self, e: User.Registered) -> None:
        self.view.insert_user(
            UserRow(
                id=e.originator_id,
                user_name=e.user_name,
                email=e.email,
                password_hash=e.password_hash,
                security_stamp=e.security_stamp,
                created_date_time=e.timestamp,
                row_version=e.originator_version,
            )
        )
        for role in e.roles:
            self.view.add_role(e.originator_id, role, at=e.timestamp, version=e.originator_version)
        self.view.put_profile(
            ProfileRow(
                user_id=e.originator_id,
                display_name=e.display_name,
                avatar_url="",
                timezone="UTC",
                at=e.timestamp,
                row_version=e.originator_version,
            )
        )

    @process_event.register
    def _(self, e: User.PasswordChanged) -> None:
        self.view.change_credentials(
            e.originator_id,
            password_hash=e.password_hash,
            security_stamp=e.security_stamp,
            at=e.timestamp,
            version=e.originator_version,
        )

    @process_event.register
    def _(self, e: User.RoleGranted) -> None:
        self.view.add_role(e.originator_id, e.role, at=e.timestamp, version=e.originator_version)

    @process_event.register
    def _(self, e: User.ProfileUpdated) -> None:
        self.view.put_profile(
            ProfileRow(
                user_id=e.originator_id,
                display_name=e.display_name,
                avatar_url=e.avatar_url,
                timezone=e.timezone,
                at=e.timestamp,
                row_version=e.originator_version,
            )
        )

    @process_event.register
    def _(self, e: User.LanguageChosen) -> None:
        self.view.set_language(
            e.originator_id, e.language, at=e.timestamp, version=e.originator_version
        )

    @process_event.register
    def _(self, e: User.RoleRevoked) -> None:
        self.view.remove_role(e.originator_id, e.role, at=e.timestamp, version=e.originator_version)

    @process_event.register
    def _(self, e: User.AccessFailed) -> None:
        self.view.set_access_failures(
            e.originator_id,
            access_failed_count=e.access_failed_count,
            lockout_end=e.lockout_end,
            at=e.timestamp,
            version=e.originator_version,
        )

    @process_event.register
    def _(self, e: User.AccessFailuresReset) -> None:
        self.view.set_access_failures(
            e.originator_id,
            access_failed_count=0,
            lockout_end=None,
            at=e.timestamp,
            version=e.originator_version,
        )

    @process_event.register
    def _(self, e: User.Disabled) -> None:
        self.view.set_disabled(e.originator_id, True, at=e.timestamp, version=e.originator_version)

    @process_event.register
    def _(self, e: User.Enabled) -> None:
        self.view.set_disabled(e.originator_id, False, at=e.timestamp, version=e.originator_version)
        self.view.set_access_failures(
            e.originator_id,
            access_failed_count=0,
            lockout_end=None,
            at=e.timestamp,
            version=e.originator_version,
        )

    @process_event.register
    def _(self, e: User.TwoFactorEnrolmentStarted) -> None:
        self.view.put_user_token(
            e.originator_id,
            AUTHENTICATOR_KEY,
            e.sealed_secret,
            at=e.timestamp,
            version=e.originator_version,
        )

    @process_event.register
    def _(self, e: User.TwoFactorEnabled) -> None:
        self.view.put_user_token(
            e.originator_id,
            RECOVERY_CODES,
            RECOVERY_CODE_SEPARATOR.join(e.recovery_code_hashes),
            at=e.timestamp,
            version=e.originator_version,
        )
        self.view.set_two_factor(
            e.originator_id, True, at=e.timestamp, version=e.originator_version
        )

    @process_event.register
    def _(self, e: User.RecoveryCodesReplaced) -> None:
        self.view.put_user_token(
            e.originator_id,
            RECOVERY_CODES,
            RECOVERY_CODE_SEPARATOR.join(e.recovery_code_hashes),
            at=e.timestamp,
            version=e.originator_version,
        )

    @process_event.register
    def _(self, e: User.RecoveryCodeUsed) -> None:
        self.view.spend_recovery_code(
            e.originator_id, e.code_hash, at=e.timestamp, version=e.originator_version
        )

    @process_event.register
    def _(self, e: User.TwoFactorDisabled) -> None:
        self.view.set_two_factor(
            e.originator_id, False, at=e.timestamp, version=e.originator_version
        )

    @process_event.register
    def _(self, e: User.ExternalLoginAdded) -> None:
        self.view.add_login(
            e.originator_id,
            provider=e.provider,
            kind=e.kind,
            subject=e.subject,
            display_name=e.display_name,
            at=e.timestamp,
            version=e.originator_version,
        )

    @process_event.register
    def _(self, e: User.ExternalLoginRemoved) -> None:
        self.view.remove_login(
            e.originator_id,
            provider=e.provider,
            kind=e.kind,
            at=e.timestamp,
            version=e.originator_version,
        )

    @process_event.register
    def _(self, e: User.ClaimAdded) -> None:
        self.view.add_claim(
            ClaimOwner(user_id=e.originator_id),
            e.claim_type,
            e.value,
            at=e.timestamp,
            version=e.originator_version,
        )

    @process_event.register
    def _(self, e: User.ClaimRemoved) -> None:
        self.view.remove_claim(
            ClaimOwner(user_id=e.originator_id),
            e.claim_type,
            e.value,
            at=e.timestamp,
            version=e.originator_version,
        )

    @process_event.register
    def _(self, e: RoleClaims.ClaimAdded) -> None:
        self.view.add_claim(
            ClaimOwner(role=self._role(e.originator_id)),
            e.claim_type,
            e.value,
            at=e.timestamp,
            version=e.originator_version,
        )

    @process_event.register
    def _(self, e: RoleClaims.ClaimRemoved) -> None:
        self.view.remove_claim(
            ClaimOwner(role=self._role(e.originator_id)),
            e.claim_type,
            e.value,
            at=e.timestamp,
            version=e.originator_version,
        )

    @staticmethod
    def _role(claims_id: UUID) -> str:
        """This function will name the role whose claims these are (their id derives from
        the role's name, so no earlier event is needed: a runner may resume after it)."""
        for role in Role:
            if role_claims_id(role.value) == claims_id:
                return role.value
        raise ValueError(f"{claims_id} is the claims of no known role")

    @process_event.register
    def _(self, e: User.EmailConfirmationRequested) -> None:
        self.view.touch(e.originator_id, at=e.timestamp, version=e.originator_version)

    @process_event.register
    def _(self, e: User.PasswordResetRequested) -> None:
        self.view.touch(e.originator_id, at=e.timestamp, version=e.originator_version)

    @process_event.register
    def _(self, e: User.EmailConfirmed) -> None:
        self.view.set_email_confirmed(e.originator_id, at=e.timestamp, version=e.originator_version)

    @process_event.register
    def _(self, e: User.PhoneNumberChanged) -> None:
        self.view.set_phone_number(
            e.originator_id,
            e.phone_number,
            confirmed=False,
            at=e.timestamp,
            version=e.originator_version,
        )

    @process_event.register
    def _(self, e: User.PhoneConfirmationRequested) -> None:
        self.view.touch(e.originator_id, at=e.timestamp, version=e.originator_version)

    @process_event.register
    def _(self, e: User.PhoneNumberConfirmed) -> None:
        self.view.set_phone_number(
            e.originator_id,
            e.phone_number,
            confirmed=True,
            at=e.timestamp,
            version=e.originator_version,
        )

    @process_event.register
    def _(self, e: User.PasswordReset) -> None:
        self.view.change_credentials(
            e.originator_id,
            password_hash=e.password_hash,
            security_stamp=e.security_stamp,
            at=e.timestamp,
            version=e.originator_version,
        )
        self.view.set_access_failures(
            e.originator_id,
            access_failed_count=0,
            lockout_end=None,
            at=e.timestamp,
            version=e.originator_version,
        )

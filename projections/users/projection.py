"""identity.users, user_roles and user_profiles, from the User aggregate's events."""

from functools import singledispatchmethod
from typing import Any

from domain.users.model import User
from projections.base import Projection
from projections.users.view import ProfileRow, UserRow, UsersView


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
    def _(self, e: User.EmailConfirmationRequested) -> None:
        self.view.touch(e.originator_id, at=e.timestamp, version=e.originator_version)

    @process_event.register
    def _(self, e: User.PasswordResetRequested) -> None:
        self.view.touch(e.originator_id, at=e.timestamp, version=e.originator_version)

    @process_event.register
    def _(self, e: User.EmailConfirmed) -> None:
        self.view.set_email_confirmed(e.originator_id, at=e.timestamp, version=e.originator_version)

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

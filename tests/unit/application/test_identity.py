"""The identity application on the in-memory store: accounts, credentials and profiles."""

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from application.identity.app import IdentityApplication
from application.identity.commands import (
    ChangePassword,
    CreateAdmin,
    CreateInvitation,
    DisableUser,
    GrantRole,
    RegisterUser,
    RevokeInvitation,
    RevokeRole,
    UpdateProfile,
)
from application.identity.errors import (
    AccountDisabledError,
    AccountLockedError,
    EmailTakenError,
    InvalidCredentialsError,
    InvitationRequiredError,
    RegistrationClosedError,
)
from application.identity.policy import LockoutPolicy, RegistrationMode
from domain.shared.errors import (
    ConflictError,
    InvalidValueError,
    NotFoundError,
    VersionMismatchError,
)
from domain.users.model import EmailClaim, Role, User, email_claim_id
from tests.unit.builders import POPO, FakeHasher, a_meta

PASSWORD = "correct horse battery staple"


@pytest.fixture
def hasher() -> FakeHasher:
    return FakeHasher()


@pytest.fixture
def identity(hasher: FakeHasher) -> IdentityApplication:
    return IdentityApplication(env=POPO, hasher=hasher)


def a_registration(
    email: str = "ada@example.com",
    *,
    password: str = PASSWORD,
    display_name: str | None = "Ada",
    first_user_becomes_admin: bool = False,
) -> RegisterUser:
    return RegisterUser(
        email=email,
        password=password,
        display_name=display_name,
        meta=a_meta(),
        first_user_becomes_admin=first_user_becomes_admin,
    )


class TestRegisterUser:
    def test_opens_an_account_with_the_user_role(self, identity: IdentityApplication) -> None:
        written = identity.register_user(a_registration("ada@example.com"))

        account = identity.get_account(written.aggregate_id)
        assert (account.email, account.display_name, account.roles) == (
            "ada@example.com",
            "Ada",
            ["User"],
        )
        assert written.version == account.version == 1
        assert written.log == "identity"

    def test_reports_the_log_position_it_was_written_at(
        self, identity: IdentityApplication
    ) -> None:
        first = identity.register_user(a_registration("ada@example.com"))
        second = identity.register_user(a_registration("grace@example.com"))
        assert 0 < first.position < second.position
        assert second.position == identity.recorder.max_notification_id()

    def test_stores_a_hash_of_the_password_never_the_password(
        self, identity: IdentityApplication, hasher: FakeHasher
    ) -> None:
        written = identity.register_user(a_registration(password=PASSWORD))
        user: User = identity.repository.get(written.aggregate_id)
        assert user.password_hash == hasher.hash(PASSWORD)
        assert PASSWORD not in user.password_hash

    def test_claims_the_normalised_address_in_the_same_transaction(
        self, identity: IdentityApplication
    ) -> None:
        written = identity.register_user(a_registration(" Ada@Example.com "))
        claim: EmailClaim = identity.repository.get(email_claim_id("ADA@EXAMPLE.COM"))
        assert claim.user_id == written.aggregate_id
        assert identity.get_account(written.aggregate_id).email == "Ada@Example.com"

    def test_takes_the_display_name_from_the_address_when_none_is_given(
        self, identity: IdentityApplication
    ) -> None:
        written = identity.register_user(a_registration("grace@example.com", display_name=None))
        assert identity.get_account(written.aggregate_id).display_name == "grace"

    @pytest.mark.parametrize("spelling", ["ada@example.com", "ADA@EXAMPLE.COM", " Ada@example.Com"])
    def test_refuses_an_address_already_in_use_whatever_its_case(
        self, identity: IdentityApplication, spelling: str
    ) -> None:
        identity.register_user(a_registration("ada@example.com"))
        head = identity.recorder.max_notification_id()

        with pytest.raises(EmailTakenError):
            identity.register_user(a_registration(spelling, password="another password"))

        assert identity.recorder.max_notification_id() == head

    def test_refuses_a_malformed_address_naming_the_field(
        self, identity: IdentityApplication
    ) -> None:
        with pytest.raises(InvalidValueError) as refused:
            identity.register_user(a_registration("ada-at-example.com"))
        assert refused.value.field == "email"

    @pytest.mark.parametrize("address", ["x" * 150, "a\u0000b@example.com"])
    def test_refuses_a_bad_address_as_an_address_even_without_a_display_name(
        self, identity: IdentityApplication, address: str
    ) -> None:
        with pytest.raises(InvalidValueError) as refused:
            identity.register_user(a_registration(address, display_name=None))
        assert refused.value.field == "email"

    def test_refuses_a_short_password_naming_the_field(self, identity: IdentityApplication) -> None:
        with pytest.raises(InvalidValueError) as refused:
            identity.register_user(a_registration(password="short"))
        assert refused.value.field == "password"
        assert identity.recorder.max_notification_id() in (None, 0)


class TestFirstUserBecomesAdmin:
    def test_makes_the_first_account_admin_when_asked(self, identity: IdentityApplication) -> None:
        written = identity.register_user(a_registration(first_user_becomes_admin=True))
        assert identity.get_account(written.aggregate_id).roles == ["User", "Admin"]

    def test_makes_only_the_first_account_admin(self, identity: IdentityApplication) -> None:
        identity.register_user(a_registration("ada@example.com", first_user_becomes_admin=True))
        second = identity.register_user(
            a_registration("grace@example.com", first_user_becomes_admin=True)
        )
        assert identity.get_account(second.aggregate_id).roles == ["User"]

    def test_makes_nobody_admin_when_not_asked(self, identity: IdentityApplication) -> None:
        written = identity.register_user(a_registration(first_user_becomes_admin=False))
        assert identity.get_account(written.aggregate_id).roles == ["User"]

    def test_a_first_account_that_was_not_made_admin_does_not_use_up_the_marker(
        self, identity: IdentityApplication
    ) -> None:
        identity.register_user(a_registration("ada@example.com"))
        later = identity.register_user(
            a_registration("grace@example.com", first_user_becomes_admin=True)
        )
        assert "Admin" in identity.get_account(later.aggregate_id).roles

    def test_an_address_in_use_is_refused_even_for_the_first_admin(
        self, identity: IdentityApplication
    ) -> None:
        identity.register_user(a_registration("ada@example.com"))
        with pytest.raises(EmailTakenError):
            identity.register_user(a_registration("ADA@example.com", first_user_becomes_admin=True))


class TestAuthenticate:
    def test_returns_the_account_for_the_right_password(
        self, identity: IdentityApplication
    ) -> None:
        written = identity.register_user(a_registration("ada@example.com"))
        account = identity.authenticate("ADA@example.com", PASSWORD)
        assert account.id == written.aggregate_id

    def test_refuses_a_wrong_password(
        self, identity: IdentityApplication, hasher: FakeHasher
    ) -> None:
        identity.register_user(a_registration("ada@example.com"))
        verified = hasher.verified

        with pytest.raises(InvalidCredentialsError) as refused:
            identity.authenticate("ada@example.com", PASSWORD + "!")

        assert str(refused.value) == "the e-mail address or the password is wrong"
        assert hasher.verified == verified + 1

    @pytest.mark.parametrize("email", ["nobody@example.com", "not-an-address", ""])
    def test_refuses_an_unknown_address_after_the_same_hashing_work(
        self, identity: IdentityApplication, hasher: FakeHasher, email: str
    ) -> None:
        identity.register_user(a_registration("ada@example.com"))
        verified = hasher.verified

        with pytest.raises(InvalidCredentialsError) as refused:
            identity.authenticate(email, PASSWORD)

        assert str(refused.value) == "the e-mail address or the password is wrong"
        assert hasher.verified == verified + 1


class TestChangePassword:
    def test_replaces_the_password_and_the_security_stamp(
        self, identity: IdentityApplication
    ) -> None:
        written = identity.register_user(a_registration())
        before = identity.get_account(written.aggregate_id)

        changed = identity.change_password(
            ChangePassword(
                user_id=written.aggregate_id,
                current_password=PASSWORD,
                new_password="a brand new password",
                meta=a_meta(),
            )
        )

        assert changed.version == 2
        assert identity.authenticate("ada@example.com", "a brand new password").id == before.id
        with pytest.raises(InvalidCredentialsError):
            identity.authenticate("ada@example.com", PASSWORD)
        assert identity.get_account(written.aggregate_id).security_stamp != before.security_stamp

    def test_refuses_a_wrong_current_password(self, identity: IdentityApplication) -> None:
        written = identity.register_user(a_registration())
        with pytest.raises(InvalidCredentialsError):
            identity.change_password(
                ChangePassword(
                    user_id=written.aggregate_id,
                    current_password="not the password",
                    new_password="a brand new password",
                    meta=a_meta(),
                )
            )
        account = identity.get_account(written.aggregate_id)
        # The password stands; the wrong one counts as a failed log-in (AccessFailed).
        assert identity.authenticate("ada@example.com", PASSWORD).id == account.id
        assert account.access_failed_count == 1

    def test_refuses_a_new_password_that_is_too_short(self, identity: IdentityApplication) -> None:
        written = identity.register_user(a_registration())
        with pytest.raises(InvalidValueError) as refused:
            identity.change_password(
                ChangePassword(
                    user_id=written.aggregate_id,
                    current_password=PASSWORD,
                    new_password="short",
                    meta=a_meta(),
                )
            )
        assert refused.value.field == "password"


class TestUpdateProfile:
    def test_changes_the_profile_at_the_expected_version(
        self, identity: IdentityApplication
    ) -> None:
        written = identity.register_user(a_registration())

        updated = identity.update_profile(
            UpdateProfile(
                user_id=written.aggregate_id,
                display_name="Countess",
                avatar_url="",
                timezone="Europe/London",
                meta=a_meta(),
                expected_version=1,
            )
        )

        user: User = identity.repository.get(written.aggregate_id)
        assert (updated.version, user.display_name, user.timezone) == (
            2,
            "Countess",
            "Europe/London",
        )

    def test_refuses_a_stale_expected_version(self, identity: IdentityApplication) -> None:
        written = identity.register_user(a_registration())
        profile: dict[str, Any] = {"display_name": "Countess", "avatar_url": "", "timezone": "UTC"}
        identity.update_profile(
            UpdateProfile(user_id=written.aggregate_id, **profile, meta=a_meta())
        )

        with pytest.raises(VersionMismatchError) as refused:
            identity.update_profile(
                UpdateProfile(
                    user_id=written.aggregate_id,
                    **profile,
                    meta=a_meta(),
                    expected_version=1,
                )
            )

        assert (refused.value.expected, refused.value.current) == (1, 2)
        assert identity.get_account(written.aggregate_id).version == 2

    def test_refuses_an_unknown_user(self, identity: IdentityApplication) -> None:
        with pytest.raises(NotFoundError):
            identity.update_profile(
                UpdateProfile(
                    user_id=uuid4(), display_name="x", avatar_url="", timezone="UTC", meta=a_meta()
                )
            )


class TestGetAccount:
    def test_refuses_an_unknown_id(self, identity: IdentityApplication) -> None:
        with pytest.raises(NotFoundError):
            identity.get_account(uuid4())

    def test_refuses_the_id_of_something_that_is_not_a_user(
        self, identity: IdentityApplication
    ) -> None:
        identity.register_user(a_registration("ada@example.com"))
        with pytest.raises(NotFoundError):
            identity.get_account(email_claim_id("ADA@EXAMPLE.COM"))


class TestGrantRole:
    def test_grants_a_role_once(self, identity: IdentityApplication) -> None:
        written = identity.register_user(a_registration())
        identity.grant_role(GrantRole(user_id=written.aggregate_id, role=Role.ADMIN, meta=a_meta()))
        assert identity.get_account(written.aggregate_id).roles == ["User", "Admin"]
        with pytest.raises(ConflictError):
            identity.grant_role(
                GrantRole(user_id=written.aggregate_id, role=Role.ADMIN, meta=a_meta())
            )


class TestCreateAdmin:
    def test_opens_an_admin_account(self, identity: IdentityApplication) -> None:
        written = identity.create_admin(
            CreateAdmin(email="root@example.com", password=PASSWORD, meta=a_meta())
        )
        assert identity.get_account(written.aggregate_id).roles == ["User", "Admin"]

    def test_makes_an_existing_account_admin_with_its_password(
        self, identity: IdentityApplication
    ) -> None:
        registered = identity.register_user(a_registration("ada@example.com"))
        written = identity.create_admin(
            CreateAdmin(email="ada@example.com", password=PASSWORD, meta=a_meta())
        )
        assert written.aggregate_id == registered.aggregate_id
        assert identity.get_account(registered.aggregate_id).roles == ["User", "Admin"]

    def test_refuses_an_existing_account_with_the_wrong_password(
        self, identity: IdentityApplication
    ) -> None:
        identity.register_user(a_registration("ada@example.com"))
        with pytest.raises(InvalidCredentialsError):
            identity.create_admin(
                CreateAdmin(email="ada@example.com", password="wrong password", meta=a_meta())
            )


class SteppedClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.time = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.time


@pytest.fixture
def stepped() -> SteppedClock:
    return SteppedClock()


@pytest.fixture
def guarded(hasher: FakeHasher, stepped: SteppedClock) -> IdentityApplication:
    """An identity application that locks an account after 3 failures, for 10 minutes."""
    app = IdentityApplication(env=POPO, hasher=hasher, clock=stepped)
    app.lockout = LockoutPolicy(max_failures=3, duration=timedelta(minutes=10))
    return app


class TestLockout:
    def test_records_failed_log_ins_on_the_account(self, guarded: IdentityApplication) -> None:
        user_id = guarded.register_user(a_registration()).aggregate_id

        for _ in range(2):
            with pytest.raises(InvalidCredentialsError):
                guarded.authenticate("ada@example.com", "wrong password")

        assert guarded.get_account(user_id).access_failed_count == 2

    def test_locks_the_account_even_for_the_right_password_until_the_time_is_up(
        self, guarded: IdentityApplication, stepped: SteppedClock
    ) -> None:
        user_id = guarded.register_user(a_registration()).aggregate_id
        for _ in range(3):
            with pytest.raises(InvalidCredentialsError):
                guarded.authenticate("ada@example.com", "wrong password")

        with pytest.raises(AccountLockedError) as locked:
            guarded.authenticate("ada@example.com", PASSWORD)
        assert locked.value.retry_after == 600
        stepped.time += timedelta(minutes=10)

        assert guarded.authenticate("ada@example.com", PASSWORD).id == user_id
        assert guarded.get_account(user_id).lockout_end is None

    def test_a_successful_log_in_forgets_earlier_failures(
        self, guarded: IdentityApplication
    ) -> None:
        user_id = guarded.register_user(a_registration()).aggregate_id
        for _ in range(2):
            with pytest.raises(InvalidCredentialsError):
                guarded.authenticate("ada@example.com", "wrong password")

        guarded.authenticate("ada@example.com", PASSWORD)
        with pytest.raises(InvalidCredentialsError):
            guarded.authenticate("ada@example.com", "wrong password")

        assert guarded.get_account(user_id).access_failed_count == 1

    def test_wrong_current_passwords_lock_the_account_too(
        self, guarded: IdentityApplication
    ) -> None:
        user_id = guarded.register_user(a_registration()).aggregate_id
        change = ChangePassword(
            user_id=user_id,
            current_password="a guess",
            new_password="a whole new password",
            meta=a_meta(),
        )
        for _ in range(3):
            with pytest.raises(InvalidCredentialsError):
                guarded.change_password(change)

        with pytest.raises(AccountLockedError):
            guarded.change_password(dataclasses.replace(change, current_password=PASSWORD))
        with pytest.raises(AccountLockedError):
            guarded.authenticate("ada@example.com", PASSWORD)

    def test_a_disabled_account_cannot_log_in(self, guarded: IdentityApplication) -> None:
        admin_id = guarded.register_user(a_registration("root@example.com")).aggregate_id
        user_id = guarded.register_user(a_registration()).aggregate_id
        guarded.disable_user(DisableUser(user_id=user_id, by_user_id=admin_id, meta=a_meta()))

        with pytest.raises(AccountDisabledError):
            guarded.authenticate("ada@example.com", PASSWORD)
        with pytest.raises(AccountDisabledError):
            guarded.active_account(user_id)


class TestRegistrationModes:
    def test_a_closed_deployment_opens_no_account(self, identity: IdentityApplication) -> None:
        identity.registration = RegistrationMode.CLOSED

        with pytest.raises(RegistrationClosedError):
            identity.register_user(a_registration())

    def test_invite_only_needs_a_usable_invitation_spent_once(
        self, identity: IdentityApplication
    ) -> None:
        identity.registration = RegistrationMode.INVITE_ONLY
        written, code = identity.create_invitation(
            CreateInvitation(email=None, valid_days=7, meta=a_meta())
        )

        with pytest.raises(InvitationRequiredError):
            identity.register_user(a_registration())
        with pytest.raises(InvitationRequiredError):
            identity.register_user(dataclasses.replace(a_registration(), invitation="guess"))
        user = identity.register_user(dataclasses.replace(a_registration(), invitation=code))
        with pytest.raises(InvitationRequiredError):
            identity.register_user(
                dataclasses.replace(a_registration("grace@example.com"), invitation=code)
            )

        assert identity.get_account(user.aggregate_id).email == "ada@example.com"
        assert written.aggregate_id != user.aggregate_id

    def test_an_invitation_is_not_spent_on_an_address_already_registered(
        self, identity: IdentityApplication
    ) -> None:
        identity.register_user(a_registration())
        identity.registration = RegistrationMode.INVITE_ONLY
        _, code = identity.create_invitation(
            CreateInvitation(email=None, valid_days=7, meta=a_meta())
        )

        with pytest.raises(EmailTakenError):
            identity.register_user(dataclasses.replace(a_registration(), invitation=code))
        identity.register_user(
            dataclasses.replace(a_registration("grace@example.com"), invitation=code)
        )

    def test_a_revoked_invitation_opens_nothing(self, identity: IdentityApplication) -> None:
        identity.registration = RegistrationMode.INVITE_ONLY
        written, code = identity.create_invitation(
            CreateInvitation(email=None, valid_days=7, meta=a_meta())
        )
        identity.revoke_invitation(
            RevokeInvitation(invitation_id=written.aggregate_id, meta=a_meta())
        )

        with pytest.raises(InvitationRequiredError):
            identity.register_user(dataclasses.replace(a_registration(), invitation=code))


class TestAdministration:
    def test_an_admin_cannot_demote_or_disable_themselves(
        self, identity: IdentityApplication
    ) -> None:
        admin_id = identity.register_user(a_registration()).aggregate_id
        identity.grant_role(GrantRole(user_id=admin_id, role=Role.ADMIN, meta=a_meta()))

        with pytest.raises(ConflictError):
            identity.revoke_role(
                RevokeRole(user_id=admin_id, role=Role.ADMIN, by_user_id=admin_id, meta=a_meta())
            )
        with pytest.raises(ConflictError):
            identity.disable_user(DisableUser(user_id=admin_id, by_user_id=admin_id, meta=a_meta()))

    def test_revokes_a_role_of_another_account(self, identity: IdentityApplication) -> None:
        admin_id = identity.register_user(a_registration("root@example.com")).aggregate_id
        user_id = identity.register_user(a_registration()).aggregate_id
        identity.grant_role(GrantRole(user_id=user_id, role=Role.ADMIN, meta=a_meta()))

        identity.revoke_role(
            RevokeRole(user_id=user_id, role=Role.ADMIN, by_user_id=admin_id, meta=a_meta())
        )

        assert identity.get_account(user_id).roles == ["User"]

    @pytest.mark.parametrize("days", [0, 91])
    def test_refuses_an_invitation_valid_for_no_time_or_too_long(
        self, identity: IdentityApplication, days: int
    ) -> None:
        with pytest.raises(InvalidValueError):
            identity.create_invitation(CreateInvitation(email=None, valid_days=days, meta=a_meta()))

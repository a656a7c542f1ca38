"""The User aggregate, its e-mail claim and the first-user marker."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from domain.shared.errors import ConflictError, InvalidValueError
from domain.users.model import (
    FIRST_USER_MARKER_ID,
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    EmailClaim,
    FirstUserMarker,
    Invitation,
    NoPhoneNumberError,
    Role,
    User,
    email_claim_id,
    invitation_code_hash,
    invitation_id,
    require_password,
)
from tests.unit.builders import FixedClock, a_meta, a_user, replay


class TestRequirePassword:
    def test_accepts_a_password_of_the_minimum_length(self) -> None:
        password = "p" * MIN_PASSWORD_LENGTH
        assert require_password(password) == password

    @pytest.mark.parametrize(
        ("password", "words"),
        [
            ("", "at least"),
            ("p" * (MIN_PASSWORD_LENGTH - 1), "at least"),
            ("p" * (MAX_PASSWORD_LENGTH + 1), "at most"),
        ],
    )
    def test_refuses_a_password_of_a_bad_length_naming_the_field(
        self, password: str, words: str
    ) -> None:
        with pytest.raises(InvalidValueError) as refused:
            require_password(password)
        assert refused.value.field == "password"
        assert words in refused.value.message


class TestRegisterUser:
    def test_records_a_registered_event_with_the_meta(self, clock: FixedClock) -> None:
        meta = a_meta(ip="192.0.2.1", user_agent="Mozilla/5.0", correlation_id="corr-reg")
        user = a_user(email="ada@example.com", display_name="Ada", meta=meta)

        (registered,) = user.collect_events()

        assert isinstance(registered, User.Registered)
        assert registered.meta == meta
        assert (registered.email, registered.user_name, registered.display_name) == (
            "ada@example.com",
            "ada@example.com",
            "Ada",
        )
        assert registered.roles == ["User"]
        assert registered.timestamp == clock.at(0)

    def test_starts_unconfirmed_with_a_default_profile(self) -> None:
        user = a_user()
        assert user.email_confirmed is False
        assert (user.avatar_url, user.timezone) == ("", "UTC")
        assert user.is_admin is False

    def test_is_admin_when_registered_with_the_admin_role(self) -> None:
        assert a_user(roles=["User", "Admin"]).is_admin is True

    def test_keeps_its_own_copy_of_the_roles(self) -> None:
        roles = ["User"]
        user = a_user(roles=roles)
        roles.append("Admin")
        assert user.roles == ["User"]


class TestNormalizeEmail:
    def test_compares_addresses_without_case_or_surrounding_space(self) -> None:
        assert User.normalize(" Ada@Example.COM ") == User.normalize("ada@example.com")
        assert User.normalize("ada@example.com") == "ADA@EXAMPLE.COM"

    def test_refuses_a_malformed_address(self) -> None:
        with pytest.raises(InvalidValueError) as refused:
            User.normalize("not-an-address")
        assert refused.value.field == "email"


class TestGrantRole:
    def test_grants_a_role_with_an_event_carrying_the_meta(self) -> None:
        user = a_user()
        user.collect_events()
        meta = a_meta(correlation_id="corr-grant")

        user.grant_role(role=Role.ADMIN, meta=meta)

        (granted,) = user.collect_events()
        assert isinstance(granted, User.RoleGranted)
        assert (granted.role, granted.meta, granted.originator_version) == ("Admin", meta, 2)
        assert user.is_admin is True

    def test_refuses_a_role_already_held(self) -> None:
        user = a_user(roles=["User"])
        with pytest.raises(ConflictError, match="already has the role"):
            user.grant_role(role=Role.USER, meta=a_meta())
        assert user.version == 1


class TestUpdateProfile:
    def test_updates_the_profile_with_stripped_values(self) -> None:
        user = a_user()
        user.collect_events()
        meta = a_meta(correlation_id="corr-profile")

        user.update_profile(
            display_name=" Ada L. ",
            avatar_url=" https://img.example.com/ada.png ",
            timezone=" Europe/London ",
            meta=meta,
        )

        (updated,) = user.collect_events()
        assert isinstance(updated, User.ProfileUpdated)
        assert updated.meta == meta
        assert (user.display_name, user.avatar_url, user.timezone) == (
            "Ada L.",
            "https://img.example.com/ada.png",
            "Europe/London",
        )

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("display_name", " "),
            ("display_name", "d" * 101),
            ("avatar_url", "a" * 2049),
            ("timezone", ""),
            ("timezone", "t" * 65),
        ],
    )
    def test_refuses_a_bad_field_naming_it(self, field: str, value: str) -> None:
        user = a_user()
        profile = {"display_name": "Ada", "avatar_url": "", "timezone": "UTC", field: value}
        with pytest.raises(InvalidValueError) as refused:
            user.update_profile(**profile, meta=a_meta())
        assert refused.value.field == field
        assert user.version == 1


class TestChangePassword:
    def test_replaces_the_hash_and_the_security_stamp(self) -> None:
        user = a_user(password_hash="fake$old")
        user.collect_events()
        meta = a_meta(correlation_id="corr-pw")

        user.change_password(password_hash="fake$new", security_stamp="stamp-2", meta=meta)

        (changed,) = user.collect_events()
        assert isinstance(changed, User.PasswordChanged)
        assert changed.meta == meta
        assert (user.password_hash, user.security_stamp) == ("fake$new", "stamp-2")


class TestUserEvents:
    def test_every_event_carries_who_made_it_and_from_where(self) -> None:
        meta = a_meta(user_id=uuid4(), ip="10.1.2.3", user_agent="ua/1", correlation_id="c-1")
        user = a_user(meta=meta)
        user.grant_role(role=Role.ADMIN, meta=meta)
        user.update_profile(display_name="Ada", avatar_url="", timezone="UTC", meta=meta)
        user.change_password(password_hash="fake$x", security_stamp="s", meta=meta)

        events: list[Any] = list(user.collect_events())

        assert len(events) == 4
        for recorded in events:
            assert recorded.meta["user_id"] == meta["user_id"]
            assert recorded.meta["ip"] == "10.1.2.3"
            assert recorded.meta["user_agent"] == "ua/1"
            assert recorded.meta["correlation_id"] == "c-1"

    def test_replaying_the_events_gives_the_same_state(self) -> None:
        user = a_user()
        user.grant_role(role=Role.ADMIN, meta=a_meta())
        user.update_profile(
            display_name="Countess", avatar_url="", timezone="Europe/London", meta=a_meta()
        )
        user.change_password(password_hash="fake$new", security_stamp="stamp-2", meta=a_meta())

        replayed = replay(user.collect_events())

        assert replayed == user
        assert replayed.roles == ["User", "Admin"]
        assert replayed.version == 4


class TestEmailClaim:
    def test_takes_its_id_from_the_normalised_address(self) -> None:
        user_id = uuid4()
        claim = EmailClaim(normalized_email=User.normalize("Ada@Example.com"), user_id=user_id)
        assert claim.id == email_claim_id("ADA@EXAMPLE.COM")
        assert claim.user_id == user_id

    def test_two_spellings_of_one_address_claim_the_same_id(self) -> None:
        first = EmailClaim(normalized_email=User.normalize("ada@example.com"), user_id=uuid4())
        second = EmailClaim(normalized_email=User.normalize(" ADA@example.COM"), user_id=uuid4())
        assert first.id == second.id

    def test_different_addresses_claim_different_ids(self) -> None:
        assert email_claim_id("ADA@EXAMPLE.COM") != email_claim_id("GRACE@EXAMPLE.COM")


class TestFirstUserMarker:
    def test_always_has_the_same_id(self) -> None:
        first, second = FirstUserMarker(user_id=uuid4()), FirstUserMarker(user_id=uuid4())
        assert first.id == second.id == FIRST_USER_MARKER_ID


AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LOCKOUT = timedelta(minutes=15)


def fail(user: User, times: int, at: datetime = AT) -> None:
    for _ in range(times):
        user.record_failed_access(at=at, max_failures=5, lockout=LOCKOUT, meta=a_meta())


class TestFailedAccess:
    def test_counts_failures_short_of_the_limit_without_locking(self) -> None:
        user = a_user()

        fail(user, 4)

        assert (user.access_failed_count, user.lockout_end) == (4, None)
        assert user.locked_out_until(AT) is None

    def test_locks_the_account_at_the_last_failure_allowed_and_counts_again(self) -> None:
        user = a_user()

        fail(user, 5)

        assert (user.access_failed_count, user.lockout_end) == (0, AT + LOCKOUT)
        assert user.locked_out_until(AT + timedelta(minutes=14)) == AT + LOCKOUT
        assert user.locked_out_until(AT + LOCKOUT) is None

    def test_a_successful_log_in_clears_the_count_once(self) -> None:
        user = a_user()
        fail(user, 3)
        version = user.version

        user.reset_access_failures(meta=a_meta())
        user.reset_access_failures(meta=a_meta())

        assert (user.access_failed_count, user.version) == (0, version + 1)

    def test_replays_to_the_same_state(self) -> None:
        user = a_user()
        fail(user, 5)
        fail(user, 2, AT + LOCKOUT)

        replayed = replay(user.collect_events())

        assert (replayed.access_failed_count, replayed.lockout_end) == (2, AT + LOCKOUT)


class TestDisableAndRoles:
    def test_disables_and_enables_an_account_clearing_its_lockout(self) -> None:
        user = a_user()
        fail(user, 5)

        user.disable(meta=a_meta())
        assert user.disabled
        user.enable(meta=a_meta())

        assert (user.disabled, user.lockout_end, user.access_failed_count) == (False, None, 0)

    def test_refuses_to_disable_twice_or_enable_an_enabled_account(self) -> None:
        user = a_user()
        user.disable(meta=a_meta())
        with pytest.raises(ConflictError):
            user.disable(meta=a_meta())
        user.enable(meta=a_meta())
        with pytest.raises(ConflictError):
            user.enable(meta=a_meta())

    def test_revokes_a_held_role_but_never_user(self) -> None:
        user = a_user()
        user.grant_role(role=Role.ADMIN, meta=a_meta())

        user.revoke_role(role=Role.ADMIN, meta=a_meta())

        assert user.roles == ["User"]
        with pytest.raises(ConflictError):
            user.revoke_role(role=Role.ADMIN, meta=a_meta())
        with pytest.raises(ConflictError):
            user.revoke_role(role=Role.USER, meta=a_meta())


def an_invitation(code: str = "the-code", email: str | None = None) -> Invitation:
    return Invitation(
        code_hash=invitation_code_hash(code),
        email=email,
        expires_at=AT + timedelta(days=7),
        meta=a_meta(),
    )


class TestInvitation:
    def test_is_found_by_its_code_which_it_does_not_keep(self) -> None:
        invitation = an_invitation("s3cret")

        assert invitation.id == invitation_id("s3cret")
        assert "s3cret" not in repr(invitation.collect_events())

    def test_is_spent_once(self) -> None:
        invitation = an_invitation()
        invitation.accept(email="ada@example.com", user_id=uuid4(), at=AT, meta=a_meta())

        with pytest.raises(ConflictError):
            invitation.accept(email="grace@example.com", user_id=uuid4(), at=AT, meta=a_meta())

    @pytest.mark.parametrize(
        ("email", "at", "revoked"),
        [
            ("grace@example.com", AT, False),  # meant for another address
            ("ada@example.com", AT + timedelta(days=7), False),  # expired
            ("ada@example.com", AT, True),
        ],
    )
    def test_refuses_the_wrong_address_an_expired_or_revoked_one(
        self, email: str, at: datetime, revoked: bool
    ) -> None:
        invitation = an_invitation(email="Ada@Example.com")
        if revoked:
            invitation.revoke(meta=a_meta())

        with pytest.raises(ConflictError):
            invitation.accept(email=email, user_id=uuid4(), at=at, meta=a_meta())

    def test_takes_its_own_address_in_any_case(self) -> None:
        invitation = an_invitation(email="Ada@Example.com")

        invitation.accept(email="ada@example.COM", user_id=uuid4(), at=AT, meta=a_meta())

        assert invitation.accepted_by is not None


class TestChooseLanguage:
    def test_records_a_new_language_only(self, clock: FixedClock) -> None:
        from domain.shared.errors import InvalidValueError

        user = User(
            email="lan@example.com",
            user_name="lan@example.com",
            display_name="Lan",
            password_hash="fake$x",
            roles=["User"],
            security_stamp="s",
            meta=a_meta(),
        )
        user.choose_language(language="vi", meta=a_meta())
        user.choose_language(language="vi", meta=a_meta())
        assert user.language == "vi" and user.version == 2
        with pytest.raises(InvalidValueError):
            user.choose_language(language="fr", meta=a_meta())


class TestPhoneNumber:
    def test_a_code_confirms_the_number_once_and_before_it_expires(self) -> None:
        user = a_user()
        assert user.change_phone_number(phone_number=" +84 901234567", meta=a_meta())
        assert user.phone_number == "+84901234567" and not user.phone_number_confirmed
        assert not user.change_phone_number(phone_number="+84901234567", meta=a_meta())
        expires = datetime(2026, 1, 1, 0, 10, tzinfo=UTC)
        user.request_phone_confirmation(
            code_hash="h1", expires_at=expires.isoformat(), meta=a_meta()
        )
        late = (expires + timedelta(seconds=1)).isoformat()
        with pytest.raises(InvalidValueError) as expired:
            user.confirm_phone_number(code_hash="h1", now=late, meta=a_meta())
        assert expired.value.field == "code"
        early = (expires - timedelta(minutes=1)).isoformat()
        with pytest.raises(InvalidValueError):
            user.confirm_phone_number(code_hash="wrong", now=early, meta=a_meta())
        user.confirm_phone_number(code_hash="h1", now=early, meta=a_meta())
        assert user.phone_number_confirmed and user.phone_code is None
        with pytest.raises(InvalidValueError):
            user.confirm_phone_number(code_hash="h1", now=early, meta=a_meta())
        rebuilt = replay(user.collect_events())
        assert (rebuilt.phone_number, rebuilt.phone_number_confirmed) == ("+84901234567", True)

    def test_a_new_number_or_none_is_unconfirmed_and_no_code_without_a_number(self) -> None:
        user = a_user()
        with pytest.raises(NoPhoneNumberError):
            user.request_phone_confirmation(code_hash="h", expires_at="x", meta=a_meta())
        with pytest.raises(InvalidValueError):
            user.change_phone_number(phone_number="0901234567", meta=a_meta())
        user.change_phone_number(phone_number="+84901234567", meta=a_meta())
        user.request_phone_confirmation(
            code_hash="h", expires_at="2999-01-01T00:00:00+00:00", meta=a_meta()
        )
        user.change_phone_number(phone_number=None, meta=a_meta())
        assert user.phone_number is None and user.phone_code is None

"""Account tokens on the in-memory store: single use, expiry, replacement by a new one."""

from datetime import UTC, datetime, timedelta

import pytest

from application.identity.app import IdentityApplication
from application.identity.commands import RegisterUser
from application.identity.tokens import token_digest
from domain.shared.errors import InvalidValueError
from tests.unit.builders import POPO, FakeHasher, a_meta


class Clock:
    def __init__(self) -> None:
        self.current = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def identity(clock: Clock) -> IdentityApplication:
    return IdentityApplication(POPO, hasher=FakeHasher(), clock=clock)


def registered(identity: IdentityApplication) -> str:
    identity.register_user(
        RegisterUser(
            email="ada@example.com", password="a long passphrase", display_name="Ada", meta=a_meta()
        )
    )
    return "ada@example.com"


class TestConfirmationTokens:
    def test_only_the_latest_token_works_and_only_once(self, identity: IdentityApplication) -> None:
        registered(identity)
        account = identity.authenticate("ada@example.com", "a long passphrase")
        first = identity.request_email_confirmation(account.id, a_meta())
        second = identity.request_email_confirmation(account.id, a_meta())
        assert first is not None and second is not None and first.token != second.token
        with pytest.raises(InvalidValueError):
            identity.confirm_email(first.token, a_meta())
        identity.confirm_email(second.token, a_meta())
        with pytest.raises(InvalidValueError):
            identity.confirm_email(second.token, a_meta())
        assert identity.request_email_confirmation(account.id, a_meta()) is None

    def test_a_token_past_its_lifetime_is_refused(
        self, identity: IdentityApplication, clock: Clock
    ) -> None:
        registered(identity)
        account = identity.authenticate("ada@example.com", "a long passphrase")
        issued = identity.request_email_confirmation(account.id, a_meta())
        assert issued is not None
        clock.current += timedelta(days=2)
        with pytest.raises(InvalidValueError) as refused:
            identity.confirm_email(issued.token, a_meta())
        assert refused.value.field == "token"

    def test_only_a_digest_of_the_token_is_recorded(self, identity: IdentityApplication) -> None:
        registered(identity)
        account = identity.authenticate("ada@example.com", "a long passphrase")
        issued = identity.request_password_reset("ADA@example.com", a_meta())
        assert issued is not None and issued.email == "ada@example.com"
        stored = "".join(
            str(vars(n)) for n in identity.recorder.select_notifications(start=1, limit=100)
        )
        assert issued.token.split(".")[1] not in stored
        user = identity.load_version(account.id)
        assert user.reset_token["hash"] == token_digest(issued.token)


class TestPasswordReset:
    def test_resets_once_forgetting_failed_log_ins(
        self, identity: IdentityApplication, clock: Clock
    ) -> None:
        registered(identity)
        issued = identity.request_password_reset("ada@example.com", a_meta())
        assert issued is not None
        identity.reset_password(issued.token, "a brand new passphrase", a_meta())
        assert (
            identity.authenticate("ada@example.com", "a brand new passphrase").email
            == "ada@example.com"
        )
        with pytest.raises(InvalidValueError):
            identity.reset_password(issued.token, "yet another passphrase", a_meta())

    def test_an_unknown_address_gets_no_token(self, identity: IdentityApplication) -> None:
        assert identity.request_password_reset("nobody@example.com", a_meta()) is None
        assert identity.request_password_reset("not an address", a_meta()) is None

    def test_a_reset_token_expires_after_an_hour(
        self, identity: IdentityApplication, clock: Clock
    ) -> None:
        registered(identity)
        issued = identity.request_password_reset("ada@example.com", a_meta())
        assert issued is not None
        clock.current += timedelta(hours=1)
        with pytest.raises(InvalidValueError):
            identity.reset_password(issued.token, "a brand new passphrase", a_meta())

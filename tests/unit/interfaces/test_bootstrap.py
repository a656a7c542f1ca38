"""The composition root is the one way an Application is assembled, so tests and
benchmarks that build one get the deployment's policies, not a hand-made copy."""

from datetime import timedelta

from application.identity.policy import RegistrationMode
from infrastructure.clock import SystemClock
from infrastructure.settings import Settings
from interfaces.bootstrap import identity_application
from tests.unit.builders import POPO, FakeHasher


def a_settings(**overrides: object) -> Settings:
    return Settings(
        database_url="postgresql://nowhere/db",
        redis_url="redis://nowhere/0",
        secret_key="k" * 40,
        **overrides,  # type: ignore[arg-type]
    )


class TestIdentityApplication:
    def test_takes_the_registration_mode_and_lockout_from_the_settings(self) -> None:
        settings = a_settings(registration="closed", login_max_failures=7, login_lockout_minutes=9)

        identity = identity_application(settings, dict(POPO), hasher=FakeHasher())

        assert identity.registration == RegistrationMode.CLOSED
        assert (identity.lockout.max_failures, identity.lockout.duration) == (
            7,
            timedelta(minutes=9),
        )

    def test_defaults_to_invite_only_on_servers_and_the_system_clock(self) -> None:
        identity = identity_application(a_settings(), dict(POPO), hasher=FakeHasher())

        assert identity.registration == RegistrationMode.INVITE_ONLY
        assert isinstance(identity.clock, SystemClock)

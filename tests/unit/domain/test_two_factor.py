"""The User aggregate's two-factor rules: confirmed before it guards, codes spent once."""

import pytest

from domain.shared.meta import system_meta
from domain.users.model import User
from domain.users.two_factor import (
    CodeAlreadyUsedError,
    TwoFactorAlreadyEnabledError,
    TwoFactorNotEnabledError,
    TwoFactorNotStartedError,
    recovery_code_hash,
)

META = system_meta("test")


def a_user() -> User:
    return User(
        email="ada@example.com",
        user_name="ada@example.com",
        display_name="Ada",
        password_hash="x",
        roles=["User"],
        security_stamp="s",
        meta=META,
    )


def an_enrolled_user(step: int = 10) -> User:
    user = a_user()
    user.start_two_factor(sealed_secret="sealed:v1:abc", meta=META)
    user.enable_two_factor(step=step, recovery_code_hashes=["a", "b"], meta=META)
    return user


def test_is_off_until_an_enrolment_is_confirmed() -> None:
    user = a_user()
    user.start_two_factor(sealed_secret="sealed:v1:abc", meta=META)
    assert not user.two_factor_enabled and user.totp_secret is None
    with pytest.raises(TwoFactorNotEnabledError):
        user.spend_code(step=1, meta=META)


def test_refuses_to_enable_without_an_enrolment() -> None:
    with pytest.raises(TwoFactorNotStartedError):
        a_user().enable_two_factor(step=1, recovery_code_hashes=[], meta=META)


def test_refuses_a_new_enrolment_while_on() -> None:
    with pytest.raises(TwoFactorAlreadyEnabledError):
        an_enrolled_user().start_two_factor(sealed_secret="sealed:v1:new", meta=META)


def test_spends_each_step_once_and_never_an_earlier_one() -> None:
    user = an_enrolled_user(step=10)
    with pytest.raises(CodeAlreadyUsedError):
        user.spend_code(step=10, meta=META)  # the enrolment's own code
    user.spend_code(step=11, meta=META)
    for step in (11, 9):
        with pytest.raises(CodeAlreadyUsedError):
            user.spend_code(step=step, meta=META)


def test_spends_a_recovery_code_once() -> None:
    user = an_enrolled_user()
    user.spend_recovery_code(code_hash="a", meta=META)
    with pytest.raises(CodeAlreadyUsedError):
        user.spend_recovery_code(code_hash="a", meta=META)
    assert user.recovery_code_hashes == ("b",)


def test_turning_off_forgets_the_secret_and_the_codes() -> None:
    user = an_enrolled_user()
    user.disable_two_factor(meta=META)
    assert (user.two_factor_enabled, user.totp_secret, user.recovery_code_hashes) == (
        False,
        None,
        (),
    )


def test_a_recovery_code_hashes_the_same_however_it_is_typed() -> None:
    assert recovery_code_hash("AbCdE-12345") == recovery_code_hash("abcde 12345")
    assert recovery_code_hash("abcde-12345") != recovery_code_hash("abcde-12346")

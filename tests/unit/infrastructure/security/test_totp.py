"""RFC 6238 codes as authenticator apps compute them, one step of clock skew either way."""

from datetime import UTC, datetime, timedelta

import pytest

from infrastructure.security.totp import PyotpOneTimePasswords

# RFC 6238 Appendix B's SHA-1 secret ("12345678901234567890"), base32; its test vector at
# 59 s is 94287082, whose last six digits are what a six-digit authenticator shows.
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
AT_59 = datetime.fromtimestamp(59, UTC)


@pytest.fixture
def otp() -> PyotpOneTimePasswords:
    return PyotpOneTimePasswords()


def test_matches_the_rfc_6238_test_vector_at_its_step(otp: PyotpOneTimePasswords) -> None:
    assert otp.matching_step(RFC_SECRET, "287082", AT_59) == 1


@pytest.mark.parametrize("skew", [-30, 30])
def test_accepts_a_clock_one_step_off(otp: PyotpOneTimePasswords, skew: int) -> None:
    assert otp.matching_step(RFC_SECRET, "287082", AT_59 + timedelta(seconds=skew)) == 1


@pytest.mark.parametrize("skew", [-60, 61])
def test_refuses_a_clock_two_steps_off(otp: PyotpOneTimePasswords, skew: int) -> None:
    assert otp.matching_step(RFC_SECRET, "287082", AT_59 + timedelta(seconds=skew)) is None


@pytest.mark.parametrize("code", ["28708", "2870821", "28708a", "", "287 82"])
def test_refuses_anything_but_six_digits(otp: PyotpOneTimePasswords, code: str) -> None:
    assert otp.matching_step(RFC_SECRET, code, AT_59) is None


def test_new_secrets_are_160_bits_and_different(otp: PyotpOneTimePasswords) -> None:
    first, second = otp.new_secret(), otp.new_secret()
    assert len(first) == 32 and first != second

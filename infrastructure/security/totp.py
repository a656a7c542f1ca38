"""RFC 6238 one-time passwords with pyotp: the authenticator apps' defaults (SHA-1, six
digits, 30-second steps), one step of clock skew either way."""

import hmac
from datetime import datetime

import pyotp

STEP_SECONDS = 30


class PyotpOneTimePasswords:
    """The OneTimePasswords port on pyotp."""

    def new_secret(self) -> str:
        return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends

    def provisioning_uri(self, secret: str, *, account: str, issuer: str) -> str:
        return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)

    def matching_step(self, secret: str, code: str, at: datetime) -> int | None:
        if len(code) != 6 or not code.isdigit():
            return None
        totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
        now = int(at.timestamp()) // STEP_SECONDS
        for step in (s for s in (now, now - 1, now + 1) if s >= 0):
            # pyotp.TOTP.at takes a time; the step's first second names it exactly.
            if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
                return step
        return None

"""Two-factor authentication of an account: what the User aggregate records of it.

The code check itself (RFC 6238 arithmetic) is a port of the application; the domain keeps
the facts a check needs and the rules between them: a secret is confirmed before it guards
log-ins, a time step is spent once, a recovery code is spent once.
"""

import hashlib

from domain.shared.errors import ConflictError


class TwoFactorAlreadyEnabledError(ConflictError):
    """Starting an enrolment, or enabling, while two-factor authentication is already on."""


class TwoFactorNotEnabledError(ConflictError):
    """Asking for a second factor of an account that has none."""


class TwoFactorNotStartedError(ConflictError):
    """Confirming an enrolment that was never started."""


class CodeAlreadyUsedError(ConflictError):
    """A one-time code of a time step already spent, or a recovery code already used."""


RECOVERY_CODES = 10


def recovery_code_hash(code: str) -> str:
    """This function will give the SHA-256 of a recovery code in its canonical form
    (lower case, no dashes or spaces): a code is kept only as this hash. The codes are 80
    random bits, so a plain hash is as strong as a slow one here."""
    canonical = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(f"testament:recovery:{canonical}".encode()).hexdigest()

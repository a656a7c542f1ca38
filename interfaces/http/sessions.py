"""Logging in over HTTP: the throttle by account and address, then the credentials."""

from application.identity.accounts import Account
from application.identity.errors import AccountLockedError, InvalidCredentialsError
from domain.shared.meta import Meta
from interfaces.bootstrap import Runtime


def log_in(runtime: Runtime, email: str, password: str, meta: Meta) -> Account:
    """This function will return the account these credentials open.

    Raises AccountLockedError (429) while the account's address or the client's address is
    throttled, whether or not an account has that e-mail address, InvalidCredentialsError,
    AccountDisabledError.
    """
    wait = runtime.throttle.retry_after(email, meta["ip"])
    if wait is not None:
        raise AccountLockedError(wait)
    try:
        account = runtime.identity.authenticate(email, password, meta=meta)
    except InvalidCredentialsError:
        runtime.throttle.failed(email, meta["ip"])
        raise
    runtime.throttle.succeeded(email)
    return account

"""Logging in over HTTP: the throttle by account and address, the credentials, then the
second factor of an account that has one."""

from uuid import UUID

from application.identity.accounts import Account
from application.identity.errors import (
    AccountLockedError,
    InvalidCredentialsError,
    InvalidSecondFactorError,
)
from domain.shared.meta import Meta
from infrastructure.security.oidc import OidcError
from infrastructure.security.tokens import CHALLENGE_SECONDS, InvalidTokenError, stamp_digest
from interfaces.bootstrap import Runtime
from interfaces.http.errors import ProblemError


def _challenge_if_two_factor(runtime: Runtime, account: Account) -> None:
    if account.two_factor_enabled:
        raise ProblemError(
            401,
            "two-factor-required",
            "Second factor required",
            "the first step is done; send a code of the authenticator app (or a recovery code)"
            " with this challenge to POST /auth/login/two-factor",
            challenge_token=runtime.tokens.issue_challenge(account.id, account.security_stamp),
            expires_in=CHALLENGE_SECONDS,
        )


def log_in(runtime: Runtime, email: str, password: str, meta: Meta) -> Account:
    """This function will return the account these credentials open.

    Raises AccountLockedError (429) while the account's address or the client's address is
    throttled, whether or not an account has that e-mail address, InvalidCredentialsError,
    AccountDisabledError; a 401 problem `two-factor-required` carrying the challenge of the
    second step when the account has two-factor authentication on.
    """
    wait = runtime.throttle.retry_after(email, meta["ip"])
    if wait is not None:
        raise AccountLockedError(wait)
    try:
        account = runtime.identity.authenticate(email, password, meta=meta)
    except InvalidCredentialsError:
        runtime.throttle.failed(email, meta["ip"])
        raise
    _challenge_if_two_factor(runtime, account)
    runtime.throttle.succeeded(email)
    return account


def second_step(runtime: Runtime, challenge_token: str, code: str, meta: Meta) -> Account:
    """This function will finish a log-in with its second factor; a challenge works once.

    Raises InvalidTokenError (a bad, expired, spent challenge, or one made before the
    password changed), AccountLockedError, InvalidSecondFactorError (counted like a wrong
    password), AccountDisabledError."""
    challenge = runtime.tokens.check_challenge(challenge_token)
    account = runtime.identity.get_account(challenge.user_id)
    if stamp_digest(account.security_stamp) != challenge.stamp_digest:
        raise InvalidTokenError("the two-factor challenge is not valid: the password changed")
    wait = runtime.throttle.retry_after(account.email, meta["ip"])
    if wait is not None:
        raise AccountLockedError(wait)
    try:
        done = runtime.identity.second_factor(challenge.user_id, code, meta=meta)
    except InvalidSecondFactorError:
        runtime.throttle.failed(account.email, meta["ip"])
        raise
    if not runtime.tokens.revocations.spend_once(challenge.challenge_id):
        raise InvalidTokenError("the two-factor challenge was already used; log in again")
    runtime.throttle.succeeded(account.email)
    return done


def external_sign_in(runtime: Runtime, provider: str, code: str, state: str, meta: Meta) -> Account:
    """This function will end a provider's sign-in flow with the account it opens (opening
    one on a first sign-in when the provider's policy allows).

    Raises OidcError (401), UnknownProviderError (404), AccountExistsError,
    ExternalSignUpRefusedError, AccountDisabledError, the two-factor challenge."""
    flow, identity = runtime.oidc.finish(provider, code, state)
    if flow.link_user_id is not None:
        raise OidcError("this flow links a provider to an account: finish it at /me/logins")
    policy = runtime.oidc.get(provider).policy
    account = runtime.identity.sign_in_external(identity, policy, meta=meta)
    _challenge_if_two_factor(runtime, account)
    return account


def external_link(
    runtime: Runtime, user_id: UUID, provider: str, code: str, state: str, meta: Meta
) -> None:
    """This function will end a linking flow started by the same account.

    Raises OidcError, UnknownProviderError, LoginTakenError."""
    flow, identity = runtime.oidc.finish(provider, code, state)
    if flow.link_user_id != user_id:
        raise OidcError("this flow was not started by this account to link a provider")
    runtime.identity.link_external(user_id, identity, meta=meta)

"""Credentials: passwords checked and changed, failed log-ins counted and locked out."""

import math
import secrets
from collections.abc import Callable
from uuid import UUID, uuid4

from eventsourcing.persistence import IntegrityError

from application.identity.accounts import Account, account_of
from application.identity.claims import ClaimAdministration
from application.identity.commands import ChangePassword
from application.identity.errors import (
    AccountDisabledError,
    AccountLockedError,
    InvalidCredentialsError,
)
from application.identity.policy import LockoutPolicy
from application.identity.ports import PasswordHasher
from application.shared.base import Written
from domain.shared.meta import Meta, system_meta
from domain.users.model import EmailClaim, User, email_claim_id, require_password


class Credentials(ClaimAdministration):
    """The identity context's password checks (IdentityApplication sets the hasher)."""

    lockout = LockoutPolicy()
    _hasher: PasswordHasher | None

    @property
    def hasher(self) -> PasswordHasher:
        if self._hasher is None:
            raise RuntimeError("this IdentityApplication was built without a password hasher")
        return self._hasher

    def authenticate(self, email: str, password: str, *, meta: Meta | None = None) -> Account:
        """This function will return the account whose credentials these are.

        Raises InvalidCredentialsError otherwise, after the same work either way, so the
        time taken does not tell whether the address exists; a wrong password counts
        against the account (AccessFailed), and the last one allowed locks it out.
        Raises AccountLockedError while it is locked out (even for the right password),
        AccountDisabledError for the right password of a disabled account.
        """
        meta = meta or system_meta("log-in")
        try:
            normalized = User.normalize(email)
            claim: EmailClaim = self.repository.get(email_claim_id(normalized))
            user: User = self.repository.get(claim.user_id)
        except Exception:
            self.hasher.verify(_DUMMY_HASH_SOURCE.get(self.hasher), password)
            raise InvalidCredentialsError("the e-mail address or the password is wrong") from None
        self._refuse_if_locked(user)
        if not self.hasher.verify(user.password_hash, password):
            self._count_failure(user.id, meta)
            raise InvalidCredentialsError("the e-mail address or the password is wrong")
        if user.disabled:
            raise AccountDisabledError("this account is disabled; ask an Admin")
        self._update_on_log_in(user.id, lambda u: u.reset_access_failures(meta=meta))
        return account_of(user)

    def _refuse_if_locked(self, user: User) -> None:
        """This function will raise AccountLockedError while the user is locked out (the
        clock is read only for an account that has a lockout at all)."""
        if user.lockout_end is None:
            return
        now = self.clock.now()
        until = user.locked_out_until(now)
        if until is not None:
            raise AccountLockedError(max(1, math.ceil((until - now).total_seconds())))

    def _count_failure(self, user_id: UUID, meta: Meta) -> None:
        now = self.clock.now()
        self._update_on_log_in(
            user_id,
            lambda u: u.record_failed_access(
                at=now,
                max_failures=self.lockout.max_failures,
                lockout=self.lockout.duration,
                meta=meta,
            ),
        )

    def _update_on_log_in(self, user_id: UUID, change: Callable[[User], None]) -> None:
        """This function will apply a change to the latest version of a user and save it,
        again on a race with another log-in (a count must not be lost)."""
        for _ in range(5):
            user: User = self.repository.get(user_id)
            change(user)
            if not user.pending_events:
                return
            try:
                self.save(user)
                return
            except IntegrityError:
                continue

    def active_account(self, user_id: UUID) -> Account:
        """This function will return an account that may hold a session.

        Raises NotFoundError, AccountDisabledError.
        """
        account = self.get_account(user_id)
        if account.disabled:
            raise AccountDisabledError("this account is disabled; ask an Admin")
        return account

    def get_account(self, user_id: UUID) -> Account:
        """This function will return an account by id. Raises NotFoundError."""
        return account_of(self._user(user_id))

    def change_password(self, cmd: ChangePassword) -> Written:
        """This function will replace a password, after checking the current one.

        Raises AccountLockedError, InvalidCredentialsError (counted as a failed log-in),
        InvalidValueError.
        """
        user = self._user(cmd.user_id)
        self._refuse_if_locked(user)
        if not self.hasher.verify(user.password_hash, cmd.current_password):
            # A stolen access token must not try passwords without limit either.
            self._count_failure(user.id, cmd.meta)
            raise InvalidCredentialsError("the current password is wrong")
        require_password(cmd.new_password)
        user.change_password(
            password_hash=self.hasher.hash(cmd.new_password),
            security_stamp=secrets.token_hex(16),
            meta=cmd.meta,
        )
        return self.written(user)


class _DummyHashes:
    """A hash of a random password per hasher, to spend the same time on unknown addresses."""

    def __init__(self) -> None:
        self._by_hasher: dict[int, str] = {}

    def get(self, hasher: PasswordHasher) -> str:
        key = id(hasher)
        if key not in self._by_hasher:
            self._by_hasher[key] = hasher.hash(uuid4().hex)
        return self._by_hasher[key]


_DUMMY_HASH_SOURCE = _DummyHashes()

"""Failed log-ins counted in Redis, by account and by client address.

By account: the address's failures in a row (keyed by a hash of the normalised address,
whether an account has it or not, so a lock says nothing about which addresses exist); the
last one allowed locks it for the lockout time, as the User aggregate's lockout does. By
client address: failures in a sliding-free fixed window, so one client cannot try password
after password across many accounts.
"""

import hashlib
from datetime import timedelta

import redis

from infrastructure.redis.keys import RedisKeys


class LoginThrottle:
    """Says whether a log-in may be tried now, and counts the ones that failed."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        namespace: str,
        max_failures: int,
        lockout: timedelta,
        address_max_failures: int,
        address_window: timedelta,
    ) -> None:
        self._client = client
        self._keys = RedisKeys(namespace)
        self._max, self._lockout = max_failures, int(lockout.total_seconds())
        self._address_max = address_max_failures
        self._window = int(address_window.total_seconds())

    def retry_after(self, email: str, address: str | None) -> int | None:
        """This function will give the seconds to wait before trying, or None to go ahead."""
        pipe = self._client.pipeline(transaction=False)
        pipe.ttl(self._locked(email))
        pipe.get(self._address(address))
        pipe.ttl(self._address(address))
        locked_ttl, address_failures, address_ttl = pipe.execute()
        if locked_ttl and int(locked_ttl) > 0:
            return int(locked_ttl)
        if address_failures is not None and int(address_failures) >= self._address_max:
            return max(1, int(address_ttl or 1))
        return None

    def failed(self, email: str, address: str | None) -> None:
        """This function will count a failed log-in against the account and the address."""
        failures, address_key = self._failures(email), self._address(address)
        pipe = self._client.pipeline(transaction=False)
        # SET NX EX then INCR: the window starts at the first failure (EXPIRE NX needs Redis 7).
        pipe.set(failures, 0, ex=self._lockout, nx=True)
        pipe.incr(failures)
        pipe.set(address_key, 0, ex=self._window, nx=True)
        pipe.incr(address_key)
        count = int(pipe.execute()[1])
        if count >= self._max:
            pipe = self._client.pipeline(transaction=False)
            pipe.set(self._locked(email), 1, ex=self._lockout)
            pipe.delete(failures)
            pipe.execute()

    def succeeded(self, email: str) -> None:
        """This function will forget the account's failures in a row."""
        self._client.delete(self._failures(email))

    def _account(self, email: str) -> str:
        return hashlib.sha256(email.strip().upper().encode()).hexdigest()[:32]

    def _failures(self, email: str) -> str:
        return self._keys.login("failures", self._account(email))

    def _locked(self, email: str) -> str:
        return self._keys.login("locked", self._account(email))

    def _address(self, address: str | None) -> str:
        return self._keys.login("address", address or "unknown")

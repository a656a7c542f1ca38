"""How many messages one request kind may make Testament send, counted in Redis.

Two counters per kind, each over a fixed window that starts at its first count: one by
subject (an e-mail address, hashed so a key says nothing about which addresses exist; a
phone number) and one by client (the requester's IP address or account). A request over
either limit is answered as usual by the caller; only the message is not sent.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

import redis

from infrastructure.redis.keys import RedisKeys


@dataclass(frozen=True, kw_only=True)
class SendLimit:
    per_subject: int
    per_client: int
    window: timedelta


class SendThrottle:
    """Counts the sends of one kind, by subject and by client."""

    def __init__(self, client: redis.Redis, *, namespace: str, kind: str, limit: SendLimit) -> None:
        self._client, self._keys, self._kind, self.limit = client, RedisKeys(namespace), kind, limit

    def allow(self, subject: str, client: str | None) -> bool:
        """This function will count one send to a subject from a client, and tell whether
        both stay within their limits (a refused send counts too: asking more is no help)."""
        window = int(self.limit.window.total_seconds())
        subject_key = self._keys.send_throttle(self._kind, "subject", _digest(subject))
        client_key = self._keys.send_throttle(self._kind, "client", client or "unknown")
        pipe = self._client.pipeline(transaction=False)
        # SET NX EX then INCR: the window starts at the first send (EXPIRE NX needs Redis 7).
        pipe.set(subject_key, 0, ex=window, nx=True)
        pipe.incr(subject_key)
        pipe.set(client_key, 0, ex=window, nx=True)
        pipe.incr(client_key)
        _, by_subject, _, by_client = pipe.execute()
        return int(by_subject) <= self.limit.per_subject and int(by_client) <= self.limit.per_client

    def retry_after(self, subject: str) -> int:
        """This function will give the seconds until a subject's window ends (at least 1)."""
        key = self._keys.send_throttle(self._kind, "subject", _digest(subject))
        return max(1, int(self._client.ttl(key) or 1))


def _digest(subject: str) -> str:
    return hashlib.sha256(subject.strip().upper().encode()).hexdigest()[:32]

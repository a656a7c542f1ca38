"""Requests per API key, counted in Redis per minute: a leaked or looping pipeline is slowed
down to the limit (429 with Retry-After), the others are not."""

import time
from collections.abc import Callable
from uuid import UUID

import redis

from infrastructure.redis.keys import RedisKeys


class ApiKeyRateLimit:
    """A fixed one-minute window per key: INCR, with the counter expiring after its minute."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        namespace: str,
        per_minute: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._keys = RedisKeys(namespace)
        self.per_minute = per_minute
        self._clock = clock

    def retry_after(self, key_id: UUID) -> int | None:
        """This function will count a request of the key and give the seconds to wait when it
        is over the limit (None to go ahead)."""
        now = self._clock()
        minute = int(now // 60)
        counter = self._keys.api_key_requests(key_id, minute)
        pipe = self._client.pipeline(transaction=False)
        pipe.incr(counter)
        pipe.expire(counter, 120)
        count = int(pipe.execute()[0])
        if count > self.per_minute:
            return max(1, 60 - int(now % 60))
        return None

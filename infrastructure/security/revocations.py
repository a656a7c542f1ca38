"""Ended sessions, in Redis, so access tokens stop working when their session ends.

An access token names its session (`sid`, the refresh-token family of one login). Logging
out, changing the password, disabling the account or reusing a spent refresh token ends
sessions; each ended session is a Redis key that lives as long as an access token can, so
the list never grows past the sessions ended in the last token lifetime. Checking a token
is one EXISTS on the event loop; it also looks at the name releases before the namespace
prefix used (keys.py), so a session ended just before an upgrade stays ended.
"""

from collections.abc import Iterable
from datetime import timedelta
from uuid import UUID

import redis
import redis.asyncio

from infrastructure.redis.keys import RedisKeys

# A token is checked against the list until it expires; keep each entry a little longer
# than a token lives, so clock steps between servers cannot let one through.
_MARGIN_SECONDS = 60


class SessionRevocations:
    """Writes ended sessions (from sync code: routes, the CLI)."""

    def __init__(self, client: redis.Redis, *, namespace: str, lifetime: timedelta) -> None:
        self._client, self._keys = client, RedisKeys(namespace)
        self._ttl = int(lifetime.total_seconds()) + _MARGIN_SECONDS

    def end(self, session_ids: Iterable[UUID]) -> None:
        """This function will make every access token of these sessions invalid at once."""
        pipe = self._client.pipeline(transaction=False)
        count = 0
        for session_id in session_ids:
            pipe.set(self._keys.ended_session(session_id), b"1", ex=self._ttl)
            count += 1
        if count:
            pipe.execute()

    def spend_once(self, session_id: UUID) -> bool:
        """This function will mark a single-use session (a log-in's second step) spent,
        answering False when it already was: one atomic SET NX, so two requests racing with
        one challenge get one session."""
        return bool(
            self._client.set(self._keys.ended_session(session_id), b"1", ex=self._ttl, nx=True)
        )


class SessionCheck:
    """Reads ended sessions on the event loop, for every authenticated request.

    One per HTTP application (and so per event loop): asyncio connections belong to the
    loop that opened them.
    """

    def __init__(self, redis_url: str, *, namespace: str) -> None:
        self._client = redis.asyncio.Redis.from_url(
            redis_url, socket_timeout=5, socket_connect_timeout=5
        )
        self._keys = RedisKeys(namespace)

    async def has_ended(self, session_id: str) -> bool:
        names = (self._keys.ended_session(session_id), self._keys.legacy_ended_session(session_id))
        return bool(await self._client.exists(*names))

    async def close(self) -> None:
        await self._client.aclose()

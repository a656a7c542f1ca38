"""Ended sessions, in Redis, so access tokens stop working when their session ends.

An access token names its session (`sid`, the refresh-token family of one login). Logging
out, changing the password, disabling the account or reusing a spent refresh token ends
sessions; each ended session is a Redis key that lives as long as an access token can, so
the list never grows past the sessions ended in the last token lifetime. Checking a token
is one EXISTS on the event loop.
"""

from collections.abc import Iterable
from datetime import timedelta
from uuid import UUID

import redis
import redis.asyncio

# A token is checked against the list until it expires; keep each entry a little longer
# than a token lives, so clock steps between servers cannot let one through.
_MARGIN_SECONDS = 60


def session_key(namespace: str, session_id: UUID | str) -> str:
    return f"testament:{namespace}:ended-session:{session_id}"


class SessionRevocations:
    """Writes ended sessions (from sync code: routes, the CLI)."""

    def __init__(self, client: redis.Redis, *, namespace: str, lifetime: timedelta) -> None:
        self._client, self._namespace = client, namespace
        self._ttl = int(lifetime.total_seconds()) + _MARGIN_SECONDS

    def end(self, session_ids: Iterable[UUID]) -> None:
        """This function will make every access token of these sessions invalid at once."""
        pipe = self._client.pipeline(transaction=False)
        count = 0
        for session_id in session_ids:
            pipe.set(session_key(self._namespace, session_id), b"1", ex=self._ttl)
            count += 1
        if count:
            pipe.execute()


class SessionCheck:
    """Reads ended sessions on the event loop, for every authenticated request.

    One per HTTP application (and so per event loop): asyncio connections belong to the
    loop that opened them.
    """

    def __init__(self, redis_url: str, *, namespace: str) -> None:
        self._client = redis.asyncio.Redis.from_url(
            redis_url, socket_timeout=5, socket_connect_timeout=5
        )
        self._namespace = namespace

    async def has_ended(self, session_id: str) -> bool:
        return bool(await self._client.exists(session_key(self._namespace, session_id)))

    async def close(self) -> None:
        await self._client.aclose()

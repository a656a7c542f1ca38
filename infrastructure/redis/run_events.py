"""Live progress of runs, from the Redis channel <namespace>:testrun:{runId}:events (redis.asyncio)."""

import json
from typing import Any
from uuid import UUID

import redis.asyncio as aioredis

from infrastructure.redis.keys import RedisKeys


class RedisRunEventSubscription:
    """One follower's subscription; its own connection, closed with it."""

    def __init__(self, client: Any, pubsub: Any) -> None:
        self._client, self._pubsub = client, pubsub

    async def next(self, timeout: float) -> dict[str, Any] | None:
        message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=timeout)
        if message is None:
            return None
        data: dict[str, Any] = json.loads(message["data"])
        return data

    async def close(self) -> None:
        await self._pubsub.aclose()
        await self._client.aclose()


class RedisRunEvents:
    """The run-events port on Redis publish/subscribe."""

    def __init__(self, url: str, keys: RedisKeys) -> None:
        self._url = url
        self._keys = keys

    async def subscribe(self, run_id: UUID) -> RedisRunEventSubscription:
        client: Any = aioredis.Redis.from_url(self._url, decode_responses=True)
        pubsub = client.pubsub()
        try:
            await pubsub.subscribe(self._keys.run(run_id)["events"])
        except BaseException:
            await pubsub.aclose()
            await client.aclose()
            raise
        return RedisRunEventSubscription(client, pubsub)

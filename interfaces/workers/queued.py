"""At most one message of a periodic kind waiting in the queue.

A ticker sends a message only when no earlier one is still waiting (a Redis key set with
NX), and the actor clears the key when it starts: with no worker running, the queue then
holds one message per kind instead of growing forever. The key expires, so a message lost
with its broker is sent again later.

The key carries the deployment's queue namespace (TESTAMENT_QUEUE_NAMESPACE), like the
queues themselves: two deployments sharing one Redis hold back only their own messages.
"""

from typing import Any

from infrastructure.redis.keys import RedisKeys


def marker(namespace: str, kind: str) -> str:
    """This function will name the key that says a message of this kind is waiting."""
    return RedisKeys(namespace).queued(kind)


def send_unless_queued(
    client: Any, namespace: str, kind: str, actor: Any, ttl_seconds: int, **kwargs: Any
) -> bool:
    """This function will send the actor's message unless one of this kind is still waiting."""
    if client.set(marker(namespace, kind), "1", nx=True, ex=ttl_seconds):
        actor.send(**kwargs)
        return True
    return False


def taken(client: Any, namespace: str, kind: str) -> None:
    """This function will let the next message of this kind be sent (called by the actor)."""
    client.delete(marker(namespace, kind))

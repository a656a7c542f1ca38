"""At most one message of a periodic kind waiting in the queue.

A ticker sends a message only when no earlier one is still waiting (a Redis key set with
NX), and the actor clears the key when it starts: with no worker running, the queue then
holds one message per kind instead of growing forever. The key expires, so a message lost
with its broker is sent again later.
"""

from typing import Any


def marker(kind: str) -> str:
    return f"testament:queued:{kind}"


def send_unless_queued(client: Any, kind: str, actor: Any, ttl_seconds: int, **kwargs: Any) -> bool:
    """This function will send the actor's message unless one of this kind is still waiting."""
    if client.set(marker(kind), "1", nx=True, ex=ttl_seconds):
        actor.send(**kwargs)
        return True
    return False


def taken(client: Any, kind: str) -> None:
    """This function will let the next message of this kind be sent (called by the actor)."""
    client.delete(marker(kind))

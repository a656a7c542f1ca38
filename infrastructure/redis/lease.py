"""A run's lease: at most one worker executes a run at a time, and a dead worker's lease lapses.

The key <namespace>:testrun:{runId}:lease (keys.py) is operational (not a result): it lives for a few seconds and
is refreshed while the run executes.
"""

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from infrastructure.redis.keys import RedisKeys

LEASE_SECONDS = 15

_RELEASE = (
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"
)
_RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('EXPIRE', KEYS[1], ARGV[2]) end return 0"


@contextmanager
def run_lease(
    client: Any, keys: RedisKeys, run_id: object, seconds: int = LEASE_SECONDS
) -> Iterator[bool]:
    """This function will hold the run's lease while the block runs (yields False if another
    worker holds it), renewing it every third of its life."""
    key, token = keys.lease(run_id), uuid.uuid4().hex
    if not client.set(key, token, nx=True, ex=seconds):
        yield False
        return
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(seconds / 3):
            client.eval(_RENEW, 1, key, token, seconds)

    renewer = threading.Thread(target=renew, name=f"lease-{run_id}", daemon=True)
    renewer.start()
    try:
        yield True
    finally:
        stop.set()
        renewer.join(timeout=2)
        client.eval(_RELEASE, 1, key, token)


def is_leased(client: Any, keys: RedisKeys, run_id: object) -> bool:
    return bool(client.exists(keys.lease(run_id)))

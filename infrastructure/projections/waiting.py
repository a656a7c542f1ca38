"""Read-your-writes: wait until a read model has applied a given log position."""

import time

from infrastructure.postgres.pool import DictPool
from infrastructure.projections.tracking import read_position


def wait_for_position(
    pool: DictPool, projection: str, log_name: str, position: int, timeout: float
) -> tuple[bool, int]:
    """This function will poll the tracking row until it reaches the position or time runs out.

    Returns whether it was reached and the position the read model stands at.
    """
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        with pool.connection() as conn, conn.cursor() as cur:
            current = read_position(cur, projection, log_name)
        if current >= position:
            return True, current
        if time.monotonic() >= deadline:
            return False, current
        time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
        delay = min(delay * 2, 0.1)

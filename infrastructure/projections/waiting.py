"""Read-your-writes: wait until a read model has applied a given log position."""

import asyncio
from collections.abc import Callable

from infrastructure.postgres.pool import DictPool
from infrastructure.projections.tracking import read_positions


class TooManyWaitersError(Exception):
    """Every waiting place of this process is taken: the client should retry later."""


Positions = dict[tuple[str, str], int]


def tracking_reader(pool: DictPool) -> Callable[[], Positions]:
    """This function will give a reader of every tracking row, for a PositionWatch."""

    def read() -> Positions:
        with pool.connection() as conn, conn.cursor() as cur:
            return read_positions(cur)

    return read


class PositionWatch:
    """Waits for read models to reach positions, for any number of requests, on the event loop.

    One poller reads every tracking row (one small query, in a worker thread) while anyone
    waits, and wakes the waiters whose position has been reached. A waiter holds no thread
    and no connection, and there are at most `capacity` of them per process: a flood of
    waiting requests cannot stall the others.
    """

    def __init__(
        self, read: Callable[[], Positions], *, capacity: int, interval: float = 0.02
    ) -> None:
        self._read, self._capacity, self._interval = read, capacity, interval
        self._waiters: dict[asyncio.Future[int], tuple[tuple[str, str], int]] = {}
        self._positions: Positions = {}
        self._poller: asyncio.Task[None] | None = None

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    def reached(self, projection: str, log_name: str, position: int) -> bool:
        """This function will tell whether the last poll saw the read model at the position."""
        return self._positions.get((projection, log_name), 0) >= position

    async def wait(
        self, projection: str, log_name: str, position: int, timeout: float
    ) -> tuple[bool, int]:
        """This function will wait until the read model reaches the position or time runs out.

        Returns whether it was reached and the position the read model stands at. Raises
        TooManyWaitersError when the process already has `capacity` waiters.
        """
        key = (projection, log_name)
        if self._positions.get(key, 0) >= position:
            return True, self._positions.get(key, 0)
        if len(self._waiters) >= self._capacity:
            raise TooManyWaitersError(f"{len(self._waiters)} requests are already waiting")
        reached: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiters[reached] = (key, position)
        if self._poller is None or self._poller.done():
            self._poller = asyncio.create_task(self._poll())
        try:
            return True, await asyncio.wait_for(reached, timeout)
        except TimeoutError:
            return False, self._positions.get(key, 0)
        finally:
            self._waiters.pop(reached, None)

    async def _poll(self) -> None:
        while self._waiters:
            try:
                self._positions = await asyncio.to_thread(self._read)
            except Exception as error:  # the waiters fail with it rather than time out
                for waiter in list(self._waiters):
                    if not waiter.done():
                        waiter.set_exception(error)
                return
            for waiter, (key, position) in list(self._waiters.items()):
                current = self._positions.get(key, 0)
                if current >= position and not waiter.done():
                    waiter.set_result(current)
            if self._waiters:
                await asyncio.sleep(self._interval)

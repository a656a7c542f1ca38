"""The PositionWatch on a fake tracking table: one poller, bounded waiters, no threads held."""

import asyncio
import threading

import pytest

from infrastructure.projections.waiting import Positions, PositionWatch, TooManyWaitersError

KEY = ("projects", "apidoc")


class FakeTracking:
    """A tracking table that counts its reads and the threads that read it at once."""

    def __init__(self, position: int = 0) -> None:
        self.positions: Positions = {KEY: position}
        self.reads = 0
        self.threads: set[int] = set()

    def read(self) -> Positions:
        self.reads += 1
        self.threads.add(threading.get_ident())
        return dict(self.positions)


class TestPositionWatch:
    def test_wakes_every_waiter_when_the_position_is_reached(self) -> None:
        tracking = FakeTracking(position=3)
        watch = PositionWatch(tracking.read, capacity=100, interval=0.01)

        async def scenario() -> list[tuple[bool, int]]:
            waiters = [asyncio.create_task(watch.wait(*KEY, 5, timeout=5)) for _ in range(50)]
            await asyncio.sleep(0.05)
            tracking.positions[KEY] = 5
            return await asyncio.gather(*waiters)

        assert asyncio.run(scenario()) == [(True, 5)] * 50
        assert tracking.reads < 50  # one poll serves every waiter

    def test_gives_up_at_the_timeout_with_the_current_position(self) -> None:
        tracking = FakeTracking(position=3)
        watch = PositionWatch(tracking.read, capacity=10, interval=0.01)

        assert asyncio.run(watch.wait(*KEY, 9, timeout=0.1)) == (False, 3)
        assert watch.waiting == 0

    def test_refuses_a_waiter_beyond_its_capacity(self) -> None:
        tracking = FakeTracking()
        watch = PositionWatch(tracking.read, capacity=3, interval=0.01)

        async def scenario() -> None:
            waiters = [asyncio.create_task(watch.wait(*KEY, 1, timeout=0.3)) for _ in range(3)]
            await asyncio.sleep(0.02)
            with pytest.raises(TooManyWaitersError):
                await watch.wait(*KEY, 1, timeout=0.3)
            await asyncio.gather(*waiters)

        asyncio.run(scenario())
        assert watch.waiting == 0

    def test_answers_a_position_already_seen_without_reading(self) -> None:
        tracking = FakeTracking(position=7)
        watch = PositionWatch(tracking.read, capacity=3, interval=0.01)

        async def scenario() -> tuple[tuple[bool, int], int, tuple[bool, int]]:
            first = await watch.wait(*KEY, 7, timeout=1)
            reads = tracking.reads
            return first, reads, await watch.wait(*KEY, 6, timeout=1)

        first, reads, second = asyncio.run(scenario())
        assert (first, second) == ((True, 7), (True, 7))
        assert tracking.reads == reads == 1

    def test_fails_its_waiters_when_the_tracking_table_cannot_be_read(self) -> None:
        def broken() -> Positions:
            raise ConnectionError("database gone")

        watch = PositionWatch(broken, capacity=3, interval=0.01)

        with pytest.raises(ConnectionError):
            asyncio.run(watch.wait(*KEY, 1, timeout=1))

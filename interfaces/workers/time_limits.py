"""Actor time limits that fire until the actor has actually stopped.

Dramatiq's TimeLimit middleware raises TimeLimitExceeded in the actor's thread once, when
the deadline passes, and forgets the deadline. An exception raised into a thread that way
is delivered to whatever Python code that thread runs next: when that is a finalizer the
garbage collector runs (an aiohttp session or an asyncio task of an earlier run, left for
collection), Python prints "Exception ignored in ..." and the actor carries on, with no
limit any more. Seen in the test suite: a parse stopped on its first attempt ran to the end
on its second. Here the deadline is moved one interval on instead of forgotten, so the
exception is raised again until the message ends (Dramatiq then removes the deadline).
"""

from time import monotonic

import dramatiq
from dramatiq.middleware.threading import raise_thread_exception
from dramatiq.middleware.time_limit import TimeLimit, TimeLimitExceeded, _CtypesTimeoutManager


class RepeatingTimeoutManager(_CtypesTimeoutManager):
    """Dramatiq's deadline thread, raising again each interval until the message ends."""

    def _handle_deadlines(self) -> None:
        now = monotonic()
        overdue = []
        with self.mu:
            for thread_id, deadline in self.deadlines.items():
                if deadline and now >= deadline:
                    self.logger.warning(
                        "Time limit exceeded. Raising exception in worker thread %r.", thread_id
                    )
                    self.deadlines[thread_id] = now + self.interval
                    overdue.append(thread_id)
        for thread_id in overdue:
            raise_thread_exception(thread_id, TimeLimitExceeded)  # type: ignore[no-untyped-call]


def make_time_limits_repeat(broker: dramatiq.Broker) -> None:
    """This function will give the broker's TimeLimit middleware the repeating deadline thread
    (before any worker starts: the thread is started by `process_boot`)."""
    for middleware in broker.middleware:
        if isinstance(middleware, TimeLimit) and isinstance(
            middleware.manager, _CtypesTimeoutManager
        ):
            interval_ms = int(middleware.manager.interval * 1000)
            middleware.manager = RepeatingTimeoutManager(  # type: ignore[no-untyped-call]
                interval_ms, logger=middleware.logger
            )

"""Following a run live: its summary, each case result as it is recorded, its summary at the end."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from uuid import UUID

from application.testexec.ports import LiveResults, RunEvents
from application.testexec.queries import RunSummary
from application.testexec.reading import RunQueries

# Quiet seconds between keep-alive comments, at which the run's status is also checked again:
# a `finished` message published while nobody listened is never repeated.
KEEP_ALIVE_SECONDS = 15.0
# The finished mark is published just before the summary event is stored: how long to wait.
SUMMARY_WAIT_TRIES, SUMMARY_WAIT_SECONDS = 20, 0.1

Item = tuple[str, Any]  # ("summary", RunSummary) | ("case", dict) | ("keep-alive", None)


async def follow_run(
    run: RunSummary,
    owner_id: UUID,
    *,
    queries: RunQueries,
    live: LiveResults,
    events: RunEvents,
    disconnected: Callable[[], Awaitable[bool]],
) -> AsyncIterator[Item]:
    """This function will yield what a follower of the run sees, ending with its summary."""

    async def current() -> RunSummary:
        return await asyncio.to_thread(queries.run, run.id, owner_id)

    subscription = await events.subscribe(run.id)
    try:
        latest = await current()
        yield "summary", latest
        # What was recorded before this follower subscribed, then only what is new: a
        # result recorded in between arrives twice, once from each, and is sent once.
        sent: set[tuple[Any, Any]] = set()
        for item in await asyncio.to_thread(live.case_events, run.id):
            sent.add((item["caseId"], item["row"]))
            yield "case", item
        if latest.finished:
            yield "summary", latest  # a stream ends with its summary
            return
        idle = 0.0
        while not await disconnected():
            message = await subscription.next(timeout=1.0)
            if message is None:
                idle += 1.0
                if idle >= KEEP_ALIVE_SECONDS:
                    idle = 0.0
                    yield "keep-alive", None
                    latest = await current()
                    if latest.finished:
                        yield "summary", latest
                        return
                continue
            if message.get("type") == "cases":
                for item in message.get("items", []):
                    key = (item.get("caseId"), item.get("row"))
                    if key not in sent:
                        sent.add(key)
                        yield "case", item
            elif message.get("type") == "finished":
                for _ in range(SUMMARY_WAIT_TRIES):
                    latest = await current()
                    if latest.finished:
                        break
                    await asyncio.sleep(SUMMARY_WAIT_SECONDS)
                yield "summary", latest
                return
    finally:
        await subscription.close()

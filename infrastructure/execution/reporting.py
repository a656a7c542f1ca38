"""The run's calls to its sink, made in place on the run's own thread.

A sink does blocking I/O (a Redis HSET, a database insert), and calling it on the event
loop holds up the requests in flight for that long. Handing the calls to another thread
was measured and lost: the two threads then contend for the GIL on every call, which
costs more than the sink's wait. So the calls are made here, in order, and only the
cancellation answer is remembered once the sink gave it.
"""

import asyncio

from application.testexec.execution import CaseResult, ResultSink


class SinkError(Exception):
    """The sink failed: the run cannot go on (no request may go out unrecorded)."""


class SinkReporter:
    """The sink as the run uses it: one question before each row, one record after it."""

    def __init__(self, sink: ResultSink) -> None:
        self._sink = sink
        self._cancelled = False
        self._sending: list[tuple[str, asyncio.Future[None]]] = []

    @property
    def cancelled(self) -> bool:
        """This function will tell whether the sink said the run was cancelled."""
        return self._cancelled

    def before_row(self, key: str) -> tuple[bool, CaseResult | None]:
        """This function will ask whether the run was cancelled, and else what an earlier
        attempt of the run recorded for this row (None: the row has not run yet)."""
        if not self._cancelled:
            self._cancelled = bool(self._sink.cancelled())
        if self._cancelled:
            return True, None
        return False, self._sink.previous_result(key)

    async def sending(self, key: str) -> None:
        """This function will count one more send of a row before it goes out. The rows that
        start in the same turn of the event loop are counted in one call to the sink."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._sending.append((key, future))
        if len(self._sending) == 1:
            loop.call_soon(self._mark)
        await future

    def sent_before(self, key: str) -> int:
        """This function will tell how often earlier attempts of the run sent a row they did
        not record (asked after before_row)."""
        return self._sink.sent_before(key)

    def _mark(self) -> None:
        """This function will count the rows gathered this turn, then let their sends go."""
        batch, self._sending = self._sending, []
        failure: SinkError | None = None
        try:
            self._sink.mark_sent([key for key, _ in batch])
        except Exception as error:  # the sink is gone: no send may go out uncounted
            failure = SinkError(f"the run's sink failed: {type(error).__name__}: {error}")
        for _, future in batch:
            if future.done():
                continue
            if failure is None:
                future.set_result(None)
            else:
                future.set_exception(failure)

    def record(self, result: CaseResult, variables: dict[str, str]) -> None:
        """This function will hand a finished row's (masked) result and variables to the sink."""
        self._sink.record(result, variables)

    def log(self, level: str, message: str) -> None:
        """This function will hand a (masked) log line to the sink."""
        self._sink.log(level, message)

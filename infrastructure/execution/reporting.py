"""The run's calls to its sink, made in place on the run's own thread.

A sink does blocking I/O (a Redis HSET, a database insert), and calling it on the event
loop holds up the requests in flight for that long. Handing the calls to another thread
was measured and lost: the two threads then contend for the GIL on every call, which
costs more than the sink's wait. So the calls are made here, in order, and only the
cancellation answer is remembered once the sink gave it.
"""

from application.testexec.execution import CaseResult, ResultSink


class SinkReporter:
    """The sink as the run uses it: one question before each row, one record after it."""

    def __init__(self, sink: ResultSink) -> None:
        self._sink = sink
        self._cancelled = False

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

    def record(self, result: CaseResult, variables: dict[str, str]) -> None:
        """This function will hand a finished row's (masked) result and variables to the sink."""
        self._sink.record(result, variables)

    def log(self, level: str, message: str) -> None:
        """This function will hand a (masked) log line to the sink."""
        self._sink.log(level, message)
